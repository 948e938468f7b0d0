"""Small audio files the tests make themselves: a WAV of a tone, an MP3 of silent frames."""

from __future__ import annotations

import io
import math
import struct
import wave

MP3_FRAME_SAMPLES = 1152  # MPEG-1 Layer III
MP3_HEADER = bytes.fromhex("fffb9064")  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding
MP3_FRAME_BYTES = 144 * 128_000 // 44_100  # 417


def wav_bytes(seconds: float = 0.5, *, rate: int = 8000, pitch: float = 440.0) -> bytes:
    """A mono 16-bit WAV of a tone; a different pitch gives different bytes."""
    frames = int(seconds * rate)
    samples = (int(8000 * math.sin(2 * math.pi * pitch * i / rate)) for i in range(frames))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return buffer.getvalue()


def mp3_bytes(seconds: float = 0.5, *, tag: bytes = b"") -> bytes:
    """Constant-bitrate MP3 frames (silent data) lasting about `seconds`; `tag` varies them."""
    count = max(1, round(seconds * 44_100 / MP3_FRAME_SAMPLES))
    body = (tag + bytes(MP3_FRAME_BYTES))[: MP3_FRAME_BYTES - len(MP3_HEADER)]
    return (MP3_HEADER + body) * count
