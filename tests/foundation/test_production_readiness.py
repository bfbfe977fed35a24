"""What a deployment is built from: the image's context and dependencies, the example
environment, the embedded broker's files."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.foundation.test_settings import SETUP, run_django

ROOT = Path(__file__).resolve().parents[2]
DEV_TOOLS = ("pytest", "pytest-django", "playwright", "ruff", "factory-boy", "time-machine")


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return dict(re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", text, re.M))


def test_the_image_context_leaves_out_secrets_local_state_and_history():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for path in (".env", ".venv", "var/", ".git", "control/"):
        assert path in ignored, path
    assert "!.env.example" in ignored


def test_the_production_image_installs_runtime_dependencies_only():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert "django" in {name.lower() for name in runtime}
    assert not [tool for tool in DEV_TOOLS if tool in runtime]
    assert all(tool in dev for tool in DEV_TOOLS)
    # The tests run against exactly the versions production runs.
    assert {name: dev[name] for name in runtime} == runtime
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements.lock" in dockerfile
    assert "-r requirements-dev.lock" not in dockerfile
    assert "-r requirements-dev.lock" in (ROOT / "Makefile").read_text()


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^([A-Z_]+)=(\S*)", line)
        if match:
            values[match.group(1)] = match.group(2)
    return values


def test_env_example_starts_production_settings_for_a_first_local_compose_up():
    values = env_example()
    assert values["DJANGO_ENV"] == "production"
    assert values["SECURE_SSL_REDIRECT"] == "false"  # plain http on localhost

    result = run_django(SETUP, **values)

    assert result.returncode == 0, result.stderr


def test_env_example_secrets_are_refused_on_a_real_host_name():
    values = {**env_example(), "ALLOWED_HOSTS": "collections.example.com"}

    result = run_django(SETUP, **values)

    assert result.returncode != 0
    assert "local-only values of .env.example" in result.stderr


def test_the_embedded_broker_keeps_its_control_files_under_var(tmp_path):
    result = run_django(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CELERY_BROKER_TRANSPORT_OPTIONS['control_folder'])",
        ],
        DJANGO_ENV="development",
        REDIS_URL=None,
        DATABASE_URL=None,
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(tmp_path)


def test_the_control_directory_is_not_in_git():
    tracked = subprocess.run(
        ["git", "ls-files", "control"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    assert tracked.stdout == ""
    assert "/control/" in (ROOT / ".gitignore").read_text().splitlines()


def test_the_readme_production_steps_collect_static_files():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running in production without Docker", 1)[1].split("\n## ", 1)[0]
    assert "pip install -r requirements.lock" in section
    assert "manage.py collectstatic --noinput" in section
    assert "manage.py migrate" in section
