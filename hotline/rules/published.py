"""Which published version of the rules and of the scripts is in force, for every process.

The database holds the versions; this hash only says the number in force per kind, so a
process can check for news with one cheap command and reads the database only on change.
Numbers only ever grow: a late or repeated write can never move the signal backwards.
"""

from __future__ import annotations

from collections.abc import Mapping

import redis

from hotline.live.lua import PREFIX, text

KEY = PREFIX + "published"  # HASH: kind ("rules", "ivr") -> publication number in force

# ARGV: kind, number, kind, number, ... Sets each kind only when the number is greater.
_RAISE = """
local changed = 0
for i = 1, #ARGV, 2 do
  local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if tonumber(ARGV[i + 1]) > cur then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    changed = changed + 1
  end
end
return changed
"""


class PublishedSignal:
    def __init__(self, client: redis.Redis[bytes]) -> None:
        self.redis = client
        self._raise = client.register_script(_RAISE)

    def read(self) -> dict[str, int]:
        """The number in force per kind; {} when nothing was ever signalled (or Redis lost it)."""
        raw = self.redis.hgetall(KEY)
        return {text(k): int(v) for k, v in raw.items()}

    def announce(self, in_force: Mapping[str, int]) -> bool:
        """Raise the numbers in force; True when any of them moved."""
        args: list[str] = []
        for kind, number in in_force.items():
            args += [kind, str(int(number))]
        return bool(args) and bool(self._raise(keys=[KEY], args=args))
