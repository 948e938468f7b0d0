"""A caller's number as the phone network gives it: parsed, in E.164, and its coarse region.

Pure (phonenumbers only). The raw number lives only in the frame that parses it; what is
kept is the keyed hash (privacy.py) and the coarse region, never the number.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import geocoder


def parse_number(raw: str | None) -> phonenumbers.PhoneNumber | None:
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def to_e164(raw: str | None) -> str | None:
    """The caller's number in E.164, or None when withheld or not a number."""
    return e164_of(parse_number(raw))


def e164_of(number: phonenumbers.PhoneNumber | None) -> str | None:
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def coarse_region(number: phonenumbers.PhoneNumber | None) -> str | None:
    """Country, and the province or state where the geocoder names one; never a city."""
    if number is None:
        return None
    country = phonenumbers.region_code_for_number(number)
    if not country or country == "ZZ":
        return None
    place = geocoder.description_for_number(number, "en")
    if "," in place:
        return f"{country}/{place.rsplit(',', 1)[1].strip()}"
    return country
