"""Demo people for `manage.py seed_demo`: HQ, two branches, a user for every role."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group, User
from django.db import transaction

from . import roles
from .models import Branch, Department, Position, StaffProfile
from .services import demo_data_mark

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - demo data only, printed by `make run`

BRANCHES = [
    ("HQ", "Headquarters (Shanghai)", True),
    ("SH", "Shanghai Pudong Branch", False),
    ("BJ", "Beijing Chaoyang Branch", False),
]
DEPARTMENTS = ["Collections", "Front office", "HR", "Finance", "Administration"]

# username, first, last, branch, department, position, roles
PEOPLE = [
    (
        "hq.manager",
        "Wei",
        "Zhang",
        "HQ",
        "Collections",
        Position.COLLECTION_MANAGER,
        [roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD],
    ),
    ("hq.hr", "Li", "Wang", "HQ", "HR", Position.OTHER, [roles.HR]),
    ("hq.committee", "Min", "Chen", "HQ", "HR", Position.OTHER, [roles.COMMITTEE]),
    ("hq.finance", "Fang", "Liu", "HQ", "Finance", Position.OTHER, [roles.FINANCE]),
    ("hq.admin", "Jie", "Yang", "HQ", "Administration", Position.OTHER, [roles.ADMIN_STAFF]),
    ("hq.desk", "Ying", "Huang", "HQ", "Front office", Position.OTHER, [roles.FRONT_DESK]),
]
for code, city in (("SH", "sh"), ("BJ", "bj")):
    PEOPLE += [
        (
            f"{city}.manager",
            "Gang",
            f"Zhao-{code}",
            code,
            "Collections",
            Position.COLLECTION_MANAGER,
            [roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD],
        ),
        (
            f"{city}.supervisor",
            "Jing",
            f"Zhou-{code}",
            code,
            "Collections",
            Position.COLLECTION_SUPERVISOR,
            [roles.SUPERVISOR],
        ),
        (
            f"{city}.collector1",
            "Lei",
            f"Wu-{code}",
            code,
            "Collections",
            Position.JUNIOR_COLLECTOR,
            [roles.PHONE_COLLECTOR],
        ),
        (
            f"{city}.collector2",
            "Tao",
            f"Xu-{code}",
            code,
            "Collections",
            Position.MID_COLLECTOR,
            [roles.PHONE_COLLECTOR],
        ),
        (
            f"{city}.field",
            "Qiang",
            f"Sun-{code}",
            code,
            "Collections",
            Position.SENIOR_COLLECTOR,
            [roles.FIELD_COLLECTOR],
        ),
        (
            f"{city}.admin",
            "Hui",
            f"Ma-{code}",
            code,
            "Administration",
            Position.OTHER,
            [roles.ADMIN_STAFF],
        ),
        (
            f"{city}.desk",
            "Xia",
            f"Zhu-{code}",
            code,
            "Front office",
            Position.OTHER,
            [roles.FRONT_DESK],
        ),
    ]


@transaction.atomic
def seed(*, stdout=None) -> dict:
    """Creates what is missing; a second run changes nothing."""
    created = {"branches": 0, "departments": 0, "users": 0}
    branches = {}
    for code, name, is_hq in BRANCHES:
        branch, was_created = Branch.objects.get_or_create(
            code=code, defaults={"name": name, "is_hq": is_hq}
        )
        branches[code] = branch
        created["branches"] += was_created
    departments = {}
    for branch in branches.values():
        for name in DEPARTMENTS:
            department, was_created = Department.objects.get_or_create(branch=branch, name=name)
            departments[(branch.code, name)] = department
            created["departments"] += was_created
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL_ROLES)}
    if not User.objects.filter(username="admin").exists():
        admin = User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
        # Every login made here shares the published password: marked, so that
        # production refuses to start or sign them in (staff/checks.py).
        demo_data_mark(obj=admin)
        created["users"] += 1
    for number, (username, first, last, code, dept, position, user_roles) in enumerate(
        PEOPLE, start=1
    ):
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(
            username,
            f"{username}@example.com",
            DEMO_PASSWORD,
            first_name=first,
            last_name=last,
        )
        user.groups.set([groups[role] for role in user_roles])
        demo_data_mark(obj=user)
        StaffProfile.objects.create(
            user=user,
            employee_number=f"E{number:04d}",
            branch=branches[code],
            department=departments[(code, dept)],
            position=position,
            hire_date=dt.date(2024, 1, 1) + dt.timedelta(days=37 * number),
        )
        created["users"] += 1
    for code in branches:
        head_username = f"{code.lower()}.manager"
        head = User.objects.filter(username=head_username).first()
        collections = departments[(code, "Collections")]
        if head and collections.head_id is None:
            collections.head = head
            collections.save(update_fields=["head"])
    if stdout:
        stdout.write(
            "staff: {branches} branches, {departments} departments, {users} users created".format(
                **created
            )
        )
    return created
