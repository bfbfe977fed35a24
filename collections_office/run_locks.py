"""Run locks: held by the process doing a long job, gone when that process dies.

PostgreSQL: a session advisory lock (two keys: a namespace per kind of job, the job's
id). The embedded SQLite default: a kernel file lock (collections_office.file_locks).
`runs_alive` only looks (pg_locks / a non-blocking try), so a run starting meanwhile is
never refused; the recovery sweeper (collections_office.recovery) uses it to find jobs
that are marked running but whose process is gone.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DatabaseError, connection

from .file_locks import file_lock

_INT4 = 2_147_483_647


@contextmanager
def session_lock(namespace: int, key: int, *, wait: bool):
    """A PostgreSQL session advisory lock: yields True while held (elsewhere always True)."""
    if connection.vendor != "postgresql":
        yield True
        return
    key_pair = [namespace, key % _INT4]
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s, %s), true", key_pair)
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key_pair)
        acquired = cursor.fetchone()[-1]
    try:
        yield acquired
    finally:
        if acquired:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key_pair)
            except DatabaseError:
                pass  # the connection is gone, and the lock with it


def run_lock(name: str, namespace: int, key: int, *, wait: bool = False):
    """True while this process holds job `key` of kind `namespace` (`name` names the
    embedded default's lock file)."""
    if connection.vendor != "postgresql":
        return file_lock(f"{name}-{key}", wait=wait)
    return session_lock(namespace, key, wait=wait)


def runs_alive(name: str, namespace: int, keys: list[int]) -> set[int]:
    """The keys among `keys` whose run lock some live process holds."""
    if not keys:
        return set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Two-key advisory locks: classid = first key, objid = second, objsubid = 2.
            cursor.execute(
                "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory'"
                " AND granted AND objsubid = 2 AND classid = %s"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                [namespace],
            )
            held = {row[0] for row in cursor.fetchall()}
        return {key for key in keys if key % _INT4 in held}
    alive = set()
    for key in keys:
        with file_lock(f"{name}-{key}") as free:
            if not free:
                alive.add(key)
    return alive
