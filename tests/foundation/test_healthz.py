"""/healthz: database, cache and broker on the real PostgreSQL + Redis; 503 naming what is down."""

import socket

import pytest

from collections_office.celery import app as celery_app

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_url():
    """Points the Celery app at another broker for one test."""
    previous = celery_app.conf.broker_url

    def point_at(url: str) -> None:
        celery_app.conf.broker_url = url

    yield point_at
    celery_app.conf.broker_url = previous


def test_healthz_is_ok_on_postgresql_and_redis(client, settings):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.REDIS_URL and celery_app.conf.broker_url.startswith("redis://")

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "broker": True,
        "static_files": True,
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_needs_no_login_and_sets_no_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_healthz_is_503_naming_the_broker_when_the_broker_is_down(client, broker_url):
    broker_url(f"redis://127.0.0.1:{closed_port()}/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True


def test_healthz_is_503_naming_the_cache_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert body["last_worker_heartbeat"] is None


def test_healthz_shows_the_last_worker_heartbeat(client):
    from django.core.cache import cache

    cache.set("worker-heartbeat", "2026-11-23T10:00:00+00:00")
    try:
        assert client.get("/healthz").json()["last_worker_heartbeat"] == (
            "2026-11-23T10:00:00+00:00"
        )
    finally:
        cache.delete("worker-heartbeat")


def test_healthz_answers_a_probe_by_address_when_only_the_public_host_is_allowed(client, settings):
    """docker compose's health check asks http://127.0.0.1:8000/healthz in production."""
    settings.ALLOWED_HOSTS = ["collections.example.com"]

    probe = client.get("/healthz", headers={"host": "127.0.0.1:8000"})
    assert probe.status_code == 200
    assert probe.json()["status"] == "ok"

    # Every other page still refuses a host it does not serve.
    assert client.get("/accounts/login/", headers={"host": "127.0.0.1:8000"}).status_code == 400
    assert client.get("/healthz/", headers={"host": "127.0.0.1:8000"}).status_code == 400


def _manifest_storage(settings, static_root) -> None:
    settings.STATIC_ROOT = static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }


def test_healthz_reports_static_files_not_collected_in_production(client, settings, tmp_path):
    # Production's manifest storage without `collectstatic`: every page would be a 500.
    _manifest_storage(settings, tmp_path / "static")

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["static_files"]
    assert body["checks"]["static_files"]["error"] == "StaticFilesNotCollected"


def test_healthz_is_ok_once_static_files_are_collected(client, settings, tmp_path):
    static_root = tmp_path / "static"
    static_root.mkdir()
    (static_root / "staticfiles.json").write_text(
        '{"version": "1.1", "paths": {"app.css": "app.0123456789ab.css"}, "hash": "x"}'
    )
    _manifest_storage(settings, static_root)

    response = client.get("/healthz")

    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["static_files"]["ok"] is True
