"""Short generated WAV recordings, for the demo and the tests (no audio files in the repo)."""

from __future__ import annotations

import io
import math
import struct
import wave


def tone_wav(*, seconds: float = 1.0, frequency: float = 440.0, rate: int = 8000) -> bytes:
    """A mono 16-bit PCM WAV of a sine tone (8 kHz: what telephony records)."""
    frames = int(seconds * rate)
    samples = (
        int(8000 * math.sin(2 * math.pi * frequency * index / rate)) for index in range(frames)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", sample) for sample in samples))
    return buffer.getvalue()
