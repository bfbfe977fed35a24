"""The scoping battery: every route of the URLconf, for every role, against another's rows.

The test walks the URLconf (`get_resolver()`, recursively). For every route that
takes an id it asks, as a user of each role in branch A, for a row of branch B /
bank B / a collector of branch B, by GET and by POST: the answer must be 404 (or
the role's 403, or 405 for the wrong method) — never 200, never a redirect after
acting, never a 500. The collectors are also asked for branch A's rows, which
belong to a colleague (the same registry, called with branch A's side). Bank API
routes are asked with bank A's key for bank B's rows: a JSON 404. Routes without
ids: every role gets 200/302/403/405 and never a 500; an anonymous visitor gets the
login redirect (the API: a JSON 401/403).

REGISTERING A NEW ROUTE (a route with an id that is missing here fails the test).
Add one line to ROUTES of its area's module in tests/scoping/routes/ (staff, cases,
money, frontdesk, reporting, bank_api; a new area adds a module there): the URL
name → a function of `f`, the foreign side (branch B; see tests/scoping/world.py
for what it holds: f.branch, f.bank, f.agreement, f.placement, f.case,
f.collector, f.supervisor, f.desk, f.visit, f.message, f.document, f.step,
f.attachment, f.notification …; f.home is branch A's side),
returning the URL kwargs (or a list of kwargs dicts to try several combinations):

    "cases:call_detail": lambda f: {"pk": CallLog.objects.create(case=f.case, ...).pk},
    "cases:case_assign": lambda f: {"pk": f.case.pk},

Build the rows from `f`'s own attributes (the function is also called with branch
A's side for the collectors' check); it may create rows. If some roles may see
the foreign row by design (banks are the whole company's clients), list them in
SHARED with the reason; those roles are then only held to "never a 500".
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from staff import roles

from .scoping.routes import ROUTES, SHARED
from .scoping.world import build_world

pytestmark = pytest.mark.django_db


# Whole URL namespaces the battery does not walk, and why.
SKIPPED_NAMESPACES = {
    "admin": "the Django admin has its own gate (is_staff, model permissions); "
    "see test_the_django_admin_is_closed_to_role_users",
}

COLLECTOR_ROLES = (roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR)
ID_REFUSALS = {403, 404, 405}
PAGE_ANSWERS = {200, 302, 403, 405}
API_REFUSALS = {401, 403}


def walk_urlconf(patterns=None, namespaces=(), prefix=""):
    """(qualified name, route text, kwarg names, view) of every route, recursively."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = (pattern.namespace,) if pattern.namespace else ()
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            yield from walk_urlconf(
                pattern.url_patterns, namespaces + namespace, prefix + str(pattern.pattern)
            )
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name or ""))
            kwargs = list(pattern.pattern.regex.groupindex)
            yield name, prefix + str(pattern.pattern), kwargs, pattern.callback


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


@pytest.fixture
def world():
    world = build_world()
    world.foreign.home = world.home
    world.home.home = world.home
    return world


@pytest.fixture
def clients(world):
    """One signed-in client per role (branch A), made once per test."""
    made = {}
    for role, user in world.users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        made[role] = client
    return made


def test_every_route_with_an_id_is_registered():
    missing = [
        f"{name} ({route})"
        for name, route, kwargs, _view in walk_urlconf()
        if kwargs and name not in ROUTES
    ]
    assert not missing, (
        "Routes that take an id are missing from the scoping battery: "
        f"{missing}. Register each in ROUTES of its area in tests/scoping/routes/ "
        '(e.g. "app:name": lambda f: {"pk": f.case.pk}); see the module docstring.'
    )
    unnamed = [route for name, route, _kwargs, _view in walk_urlconf() if name.endswith(":")]
    assert not unnamed, f"routes without a name cannot be checked: {unnamed}"


def test_no_stale_registrations():
    names = {name for name, *_rest in walk_urlconf()}
    stale = sorted(set(ROUTES) - names)
    assert not stale, f"ROUTES names routes that no longer exist: {stale}"


def test_every_role_is_refused_another_branchs_bank_or_collectors_rows(world, clients):
    failures = []
    for name, _route, kwargs_names, _view in walk_urlconf():
        if not kwargs_names:
            continue
        variants = ROUTES[name](world.foreign)
        for kwargs in variants if isinstance(variants, list) else [variants]:
            url = reverse(name, kwargs=kwargs)
            if _is_api(url):
                continue  # the API takes no staff sessions: see the bank-key test
            for role, client in clients.items():
                for method in ("get", "post"):
                    status = getattr(client, method)(url).status_code
                    shared = role in SHARED.get(name, ())
                    if status >= 500 or (not shared and status not in ID_REFUSALS):
                        failures.append(f"{method.upper()} {url} ({name}) as {role}: {status}")
    assert not failures, "Scoping leaks or errors:\n" + "\n".join(failures)


def test_collectors_are_refused_a_colleagues_rows_in_their_own_branch(world, clients):
    """The same routes built on branch A's rows, which belong to another collector of
    branch A (world.home.collector): the collectors of the battery may not see them."""
    failures = []
    for name, _route, kwargs_names, _view in walk_urlconf():
        if not kwargs_names:
            continue
        variants = ROUTES[name](world.home)
        for kwargs in variants if isinstance(variants, list) else [variants]:
            url = reverse(name, kwargs=kwargs)
            if _is_api(url):
                continue
            for role in COLLECTOR_ROLES:
                shared = role in SHARED.get(name, ())
                for method in ("get", "post"):
                    status = getattr(clients[role], method)(url).status_code
                    if status >= 500 or (not shared and status not in ID_REFUSALS):
                        failures.append(f"{method.upper()} {url} ({name}) as {role}: {status}")
    assert not failures, "A collector reaches a colleague's rows:\n" + "\n".join(failures)


def test_bank_api_routes_answer_another_banks_rows_with_a_json_404(world):
    client = Client(raise_request_exception=False)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.home.raw_key}"}
    failures = []
    checked = 0
    for name, _route, kwargs_names, _view in walk_urlconf():
        if not kwargs_names:
            continue
        variants = ROUTES[name](world.foreign)
        for kwargs in variants if isinstance(variants, list) else [variants]:
            url = reverse(name, kwargs=kwargs)
            if not _is_api(url):
                continue
            checked += 1
            for method in ("get", "post"):
                response = getattr(client, method)(url, **headers)
                is_json = response.get("Content-Type", "").startswith("application/json")
                if response.status_code not in (404, 405) or not is_json:
                    failures.append(f"{method.upper()} {url}: {response.status_code}")
            # Staff sessions are not bank credentials.
            staff = Client(raise_request_exception=False)
            staff.force_login(world.users[roles.ADMIN_STAFF])
            if staff.get(url).status_code not in API_REFUSALS:
                failures.append(f"GET {url} with a staff session: not refused")
    assert checked, "no bank API route was checked"
    assert not failures, "\n".join(failures)


def test_routes_without_ids_answer_every_role_without_an_error(world, clients):
    failures = []
    for name, _route, kwargs_names, _view in walk_urlconf():
        if kwargs_names:
            continue
        url = reverse(name)
        allowed = PAGE_ANSWERS | (API_REFUSALS if _is_api(url) else set())
        for role, client in clients.items():
            methods = ("get",) if name == "logout" else ("get", "post")
            for method in methods:
                status = getattr(client, method)(url).status_code
                if status not in allowed:
                    failures.append(f"{method.upper()} {url} ({name}) as {role}: {status}")
    assert not failures, "\n".join(failures)


def test_anonymous_visitors_are_sent_to_the_login_page(db):
    client = Client(raise_request_exception=False)
    failures = []
    for name, _route, kwargs_names, view in walk_urlconf():
        if kwargs_names:
            continue
        url = reverse(name)
        response = client.get(url)
        if getattr(view, "login_required", True) is False:
            if response.status_code >= 500:
                failures.append(f"{url} ({name}): {response.status_code}")
        elif _is_api(url):
            if response.status_code not in API_REFUSALS:
                failures.append(f"{url} ({name}): {response.status_code}, expected 401/403")
        elif response.status_code != 302 or not response["Location"].startswith("/accounts/login/"):
            failures.append(f"{url} ({name}): {response.status_code}, expected the login page")
    assert not failures, "\n".join(failures)


def test_a_wrong_reset_token_opens_nothing(world, clients):
    url = reverse("password_reset_confirm", kwargs=ROUTES["password_reset_confirm"](world.foreign))
    for client in [Client(), *clients.values()]:
        response = client.get(url)
        assert response.status_code == 200
        assert not response.context["validlink"]


def test_the_django_admin_is_closed_to_role_users(world, clients):
    for role, client in clients.items():
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302, role
        assert "/admin/login/" in response["Location"], role
