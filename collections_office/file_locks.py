"""Process-wide exclusive locks on files: the embedded default's stand-in for what
PostgreSQL advisory locks and Redis give the production setup (one machine only)."""

from __future__ import annotations

import fcntl
import hashlib
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


def _path(name: str) -> Path:
    directory = Path(settings.VAR_DIR) / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    safe = name if name.replace("-", "").isalnum() else hashlib.sha256(name.encode()).hexdigest()
    return directory / f"{safe}.lock"


@contextmanager
def file_lock(name: str, *, wait: bool = False):
    """An exclusive lock named `name`: yields True while held, False if another holder
    has it (never False with wait=True). The kernel releases it when the process dies,
    which is what makes it usable as a run lock; flock locks belong to the open file,
    so two threads of one process exclude each other too."""
    with open(_path(name), "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
