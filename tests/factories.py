"""Factories shared by every test module."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group, User

from staff.models import Branch, Department, Position, StaffProfile

TEST_PASSWORD = "test-password-for-everyone-42"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"B{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Branch {o.code}")
    is_hq = False


def hq_branch() -> Branch:
    return BranchFactory(code="HQ", name="Headquarters", is_hq=True)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("branch", "name")

    branch = factory.SubFactory(BranchFactory)
    name = "Collections"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    employee_number = factory.Sequence(lambda n: f"T{n:05d}")
    branch = factory.SubFactory(BranchFactory)
    department = factory.LazyAttribute(lambda o: DepartmentFactory(branch=o.branch))
    position = Position.OTHER
    hire_date = dt.date(2024, 3, 1)


def make_staff(
    *roles: str,
    branch: Branch | None = None,
    username: str | None = None,
    position: str = Position.OTHER,
    **profile_fields,
) -> User:
    """A user with a staff profile in `branch` (a new branch if None) and the given roles."""
    user_kwargs = {"username": username} if username else {}
    user = UserFactory(**user_kwargs)
    profile_kwargs = {"user": user, "position": position, **profile_fields}
    if branch is not None:
        profile_kwargs["branch"] = branch
    StaffProfileFactory(**profile_kwargs)
    if roles:
        user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    return User.objects.select_related("staff_profile__branch").get(pk=user.pk)
