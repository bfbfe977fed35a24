"""Production settings refuse to start without real secrets; with them, the deploy check passes.

Each case starts Django in a fresh process with a controlled environment: the
settings module is read once per process, so this is the only honest way.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

GOOD_PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "test-only-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTU",
    "ALLOWED_HOSTS": "collections.example.com",
    "FIELD_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI=",
    "FIELD_HASH_KEY": "test-only-hash-key-0123456789abcdefghij",
}
SETTINGS_VARIABLES = [
    "DJANGO_ENV",
    "DJANGO_DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "FIELD_ENCRYPTION_KEYS",
    "FIELD_HASH_KEY",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    # conftest sets it for Playwright; a deployment must not have it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
]


def run_django(args: list[str], **overrides: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "collections_office.settings"
    env.update(GOOD_PRODUCTION_ENV)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


SETUP = ["-c", "import django; django.setup()"]


def test_production_without_any_secret_refuses_to_start_and_names_each_one():
    result = run_django(
        SETUP, SECRET_KEY=None, ALLOWED_HOSTS=None, FIELD_ENCRYPTION_KEYS=None, FIELD_HASH_KEY=None
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: Refusing to start in production" in result.stderr
    for variable in ("SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"):
        assert f"{variable} must" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECRET_KEY", None),
        ("SECRET_KEY", "django-insecure-" + "x" * 60),
        ("SECRET_KEY", "too-short"),
        ("ALLOWED_HOSTS", None),
        ("ALLOWED_HOSTS", "*"),
        ("FIELD_ENCRYPTION_KEYS", None),
        # The placeholder of .env.example is not a key.
        ("FIELD_ENCRYPTION_KEYS", "generate-with-make-key"),
        ("FIELD_HASH_KEY", None),
    ],
)
def test_production_refuses_to_start_when_one_secret_is_missing_or_weak(variable, value):
    result = run_django(["manage.py", "check"], **{variable: value})
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert f"{variable} must" in result.stderr
    # Only the bad one is named.
    others = {"SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"} - {variable}
    assert not any(f"{other} must" in result.stderr for other in others)


def test_production_with_every_secret_passes_the_deploy_check_at_warning_level():
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_starts_without_any_secret():
    result = run_django(
        SETUP,
        DJANGO_ENV="development",
        SECRET_KEY=None,
        ALLOWED_HOSTS=None,
        FIELD_ENCRYPTION_KEYS=None,
        FIELD_HASH_KEY=None,
    )
    assert result.returncode == 0, result.stderr


def test_the_makefile_deploy_check_environment_passes(tmp_path):
    """`make test` runs the deploy check with PROD_CHECK_ENV: keep that step green."""
    makefile = (ROOT / "Makefile").read_text()
    block = makefile.split("PROD_CHECK_ENV := ", 1)[1].split("\n\n", 1)[0]
    words = block.replace("\\\n", " ").split()
    prod_env = dict(word.split("=", 1) for word in words if "=" in word and "$(" not in word)
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"} <= set(
        prod_env
    )
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **prod_env)
    assert result.returncode == 0, result.stderr
