"""`collections_office/` (settings and shared helpers) imports no app: the apps build on it,
never the other way round (the working-day calendar once imported staff.models while
staff imported the calendar: a circle).

Only the root URLconf wires the apps together; it is the one exception.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = {"cases", "staff", "frontdesk", "reporting"}
WIRING = {"collections_office/urls.py"}  # the root URLconf includes the apps' views


def _imported_apps(path: Path) -> set[str]:
    """Every app a module imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & APPS
    return found


def test_no_module_under_collections_office_imports_an_app():
    offenders = {}
    for path in sorted((ROOT / "collections_office").rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        if relative in WIRING:
            continue
        apps = _imported_apps(path)
        if apps:
            offenders[relative] = sorted(apps)
    assert not offenders, (
        f"collections_office/ must import no app: {offenders}. Move the code into the app, "
        "or let a setting name the app's function (see WORKDAY_OVERRIDES_SOURCE)."
    )


def test_the_helpers_load_without_any_app():
    """Imported on bare settings (no INSTALLED_APPS of ours), the helpers pull in no app."""
    code = (
        "import sys, django\n"
        "from django.conf import settings\n"
        "settings.configure(INSTALLED_APPS=['django.contrib.contenttypes',"
        "'django.contrib.auth'], USE_TZ=True, COMPANY_TIME_ZONE='Asia/Shanghai')\n"
        "django.setup()\n"
        "import collections_office.workdays, collections_office.pages, "
        "collections_office.exports, collections_office.personal_data, "
        "collections_office.middleware, collections_office.views\n"
        "apps = {'cases', 'staff', 'frontdesk', 'reporting'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in apps))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]", result.stdout


def test_the_calendar_reads_hr_overrides_through_the_setting(settings, db):
    import datetime as dt

    from collections_office.workdays import is_working_day
    from staff.models import WorkdayOverride

    saturday = dt.date(2031, 3, 1)
    WorkdayOverride.objects.create(date=saturday, is_working_day=True, note="make-up day")
    assert is_working_day(saturday)
    settings.WORKDAY_OVERRIDES_SOURCE = ""
    assert not is_working_day(saturday)
