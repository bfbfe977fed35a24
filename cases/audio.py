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


# Audio formats a call recording may be in: (content type, file extension) by what the
# first bytes say. The name and the browser's declared type are never trusted.
AUDIO_TYPES = {
    "wav": ("audio/wav", "wav"),
    "mp3": ("audio/mpeg", "mp3"),
    "m4a": ("audio/mp4", "m4a"),
    "amr": ("audio/amr", "amr"),
    "ogg": ("audio/ogg", "ogg"),
}
# ISO base media brands of audio files (M4A from phones and recorders, MP4 audio).
_MP4_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"iso2", b"3gp4", b"3gp5"}
HEAD_BYTES = 16


def detect_audio_type(head: bytes) -> str | None:
    """ "wav", "mp3", "m4a", "amr" or "ogg" from a file's first 16 bytes; None if none of them."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3":
        return "mp3"
    # An MPEG audio frame: 11 sync bits, and a layer (bits 1–2 of byte 1) that is not 00
    # (00 is AAC's ADTS, which is not MP3).
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return "mp3"
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_AUDIO_BRANDS:
        return "m4a"
    if head.startswith(b"#!AMR"):
        return "amr"
    if head[:4] == b"OggS":
        return "ogg"
    return None
