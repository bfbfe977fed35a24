"""Scoped reads for people, and the branch-scoping rule every app reuses.

HQ staff (and superusers) see every branch; everyone else sees their own
branch; a user without a staff profile sees nothing.
"""

from __future__ import annotations

import logging

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models import Branch, StaffProfile

logger = logging.getLogger("collections_office.access")


def profile_of(user) -> StaffProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def sees_all_branches(user) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    profile = profile_of(user)
    return bool(profile and profile.branch.is_hq)


def user_branch(user) -> Branch | None:
    profile = profile_of(user)
    return profile.branch if profile else None


def has_role(user, *roles: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    names = getattr(user, "_role_names_cache", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_names_cache = names
    return bool(names.intersection(roles))


def restrict_to_branch(queryset: QuerySet, *, user, branch_field: str = "branch") -> QuerySet:
    """The one branch-scoping rule: HQ sees all, others their branch, strangers nothing."""
    if sees_all_branches(user):
        return queryset
    branch = user_branch(user)
    if branch is None:
        return queryset.none()
    return queryset.filter(**{branch_field: branch})


def get_scoped_object_or_404(queryset: QuerySet, *, user, **lookup) -> Model:
    """Fetch from an already-scoped queryset; a miss is a 404 and is logged (DESIGN §3)."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        logger.warning(
            "scoped lookup missed",
            extra={
                "user_id": getattr(user, "pk", None),
                "object_type": queryset.model._meta.label,
                "object_id": str(lookup),
            },
        )
        raise Http404 from None


def staff_list(*, user, include_left: bool = False) -> QuerySet[StaffProfile]:
    queryset = StaffProfile.objects.visible_to(user).select_related("user", "branch", "department")
    if not include_left:
        queryset = queryset.filter(status=StaffProfile.Status.ACTIVE)
    return queryset


def staff_directory(*, user, query: str = "", position: str = "") -> QuerySet[StaffProfile]:
    """The directory page: active staff the user may see, searched by number or name."""
    queryset = staff_list(user=user)
    if query:
        queryset = queryset.filter(
            Q(employee_number__icontains=query)
            | Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__username__icontains=query)
        )
    if position:
        queryset = queryset.filter(position=position)
    return queryset


def staff_get(*, user, pk: int) -> StaffProfile:
    return get_scoped_object_or_404(staff_list(user=user, include_left=True), user=user, pk=pk)


def notification_list(*, user, unread_only: bool = False) -> QuerySet:
    """A person's own notifications; nobody reads another's."""
    from .models import Notification

    queryset = Notification.objects.visible_to(user).select_related("actor")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def notification_unread_count(*, user) -> int:
    return notification_list(user=user, unread_only=True).count()


# --- Demo data ---------------------------------------------------------------------------


def demo_ids(model) -> QuerySet:
    """Primary keys of the `model` rows that `seed_demo` made (a subquery)."""
    from django.contrib.contenttypes.models import ContentType

    from .models import DemoData

    return DemoData.objects.filter(content_type=ContentType.objects.get_for_model(model)).values(
        "object_id"
    )


def is_demo(obj) -> bool:
    from django.contrib.contenttypes.models import ContentType

    from .models import DemoData

    return DemoData.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).exists()


def demo_accounts_able_to_sign_in() -> QuerySet:
    """Demo logins that are still active (the password of all of them is published)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    return user_model.objects.filter(is_active=True, pk__in=demo_ids(user_model))
