"""`make test` first step: PostgreSQL and Redis must answer, or we stop at once and say why."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse

HELP = {
    "postgres": (
        "Start it (Debian): "
        "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
        "or point DATABASE_URL at a PostgreSQL 15+ server."
    ),
    "redis": (
        "Start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' "
        "--appendonly no\nor point REDIS_URL at a Redis server."
    ),
}


def check_postgres(url: str) -> str | None:
    import psycopg
    from psycopg import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin_url, connect_timeout=3, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        return f"PostgreSQL at {parts.hostname}:{parts.port or 5432} is not reachable: {exc}"
    return None


def check_redis(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis at {url} is not reachable: {exc}"
    return None


def main() -> int:
    failures = []
    problem = check_postgres(os.environ["DATABASE_URL"])
    if problem:
        failures.append((problem, HELP["postgres"]))
    problem = check_redis(os.environ["REDIS_URL"])
    if problem:
        failures.append((problem, HELP["redis"]))
    for problem, help_text in failures:
        print(f"error: {problem}\n{help_text}\n", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
