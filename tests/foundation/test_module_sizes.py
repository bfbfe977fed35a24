"""Modules stay a size a person can read: a package by area past ~600 lines
(CONVENTIONS: no paperless-ngx-sized views module; the front desk's views and services
were 900+ lines each before they became packages)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 600


def test_no_module_is_too_long():
    """Every module of the apps (models, views, services, the intake, ...); migrations are
    generated and not read as code."""
    too_long = {}
    for app in ("cases", "staff", "frontdesk", "reporting"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            lines = len(path.read_text().splitlines())
            if lines > LIMIT:
                too_long[str(path.relative_to(ROOT))] = lines
    assert not too_long, f"split these into a package by area: {too_long}"


def test_the_front_desk_urls_still_find_every_view():
    from frontdesk import services
    from frontdesk.urls import urlpatterns

    assert all(callable(pattern.callback) for pattern in urlpatterns)
    for name in ("visit_register", "message_take", "document_route", "document_reminders_send"):
        assert callable(getattr(services, name))
