"""How long a recording lasts, read from its own bytes (WAV PCM or MP3); standard library only.

A file that is not what its name says is refused with a reason a supervisor can act on.
"""

from __future__ import annotations

import io
import wave

MIN_SECONDS = 0.3
MAX_SECONDS = 60.0  # a prompt longer than a minute loses a caller in crisis
MAX_BYTES = 2 * 1024 * 1024
UPLOAD_LIMIT = MAX_BYTES + 64 * 1024  # a request carrying one: the file and the form around it

# MPEG audio, Layer III: bitrates (kbit/s) by index, for MPEG-1 and for MPEG-2/2.5.
_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


class NotAudio(ValueError):
    """The file is not a recording this service can play; the message says why."""


def seconds(name: str, content: bytes) -> float:
    """The length of the recording `content`, named `name` (.wav or .mp3)."""
    if len(content) > MAX_BYTES:
        raise NotAudio(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if name.endswith(".wav"):
        length = _wav_seconds(content)
    elif name.endswith(".mp3"):
        length = _mp3_seconds(content)
    else:
        raise NotAudio("a recording is a .wav or an .mp3 file")
    if length < MIN_SECONDS:
        raise NotAudio(f"the recording lasts under {MIN_SECONDS} s")
    if length > MAX_SECONDS:
        raise NotAudio(f"the recording lasts {length:.0f} s; at most {MAX_SECONDS:.0f} s")
    return length


def _wav_seconds(content: bytes) -> float:
    try:
        with wave.open(io.BytesIO(content), "rb") as audio:
            frames, rate = audio.getnframes(), audio.getframerate()
    except (wave.Error, EOFError) as exc:
        raise NotAudio(f"not a WAV file this service can play (PCM): {exc}") from None
    if rate <= 0 or frames <= 0:
        raise NotAudio("the WAV file holds no sound")
    return frames / rate


def _mp3_seconds(content: bytes) -> float:
    start = 0
    if content[:3] == b"ID3" and len(content) >= 10:  # an ID3v2 tag: its size is syncsafe
        size = 0
        for byte in content[6:10]:
            size = (size << 7) | (byte & 0x7F)
        start = 10 + size
    position, total, frames = start, 0.0, 0
    while position + 4 <= len(content):
        found = _frame(content[position : position + 4])
        if found is None:
            break
        length, duration = found
        position += length
        total += duration
        frames += 1
    if frames == 0 or position - start < (len(content) - start) // 2:
        raise NotAudio("not an MP3 file (no MPEG Layer III frames found)")
    return total


def _frame(header: bytes) -> tuple[int, float] | None:
    """(bytes, seconds) of the MPEG Layer III frame starting with `header`, or None."""
    if header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = (header[1] >> 3) & 0x3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    layer = (header[1] >> 1) & 0x3  # 1: Layer III
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 0x3
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = _BITRATES[1 if version == 3 else 2][bitrate_index] * 1000
    rate = _RATES[version][rate_index]
    padding = (header[2] >> 1) & 0x1
    samples = 1152 if version == 3 else 576
    length = samples // 8 * bitrate // rate + padding
    return length, samples / rate
