"""Staff pages: the (branch-scoped) staff directory, each person's notifications, and the
language switch (remembered on the profile)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from collections_office.pages import sort_queryset

from . import roles
from .access import role_required
from .models import Position
from .selectors import (
    get_scoped_object_or_404,
    has_role,
    notification_list,
    notification_unread_count,
    staff_get,
)
from .selectors import (
    staff_directory as staff_directory_list,
)
from .services import notification_mark_read, user_language_set

DIRECTORY_ROLES = (
    roles.SUPERVISOR,
    roles.BRANCH_MANAGER,
    roles.HR,
    roles.ADMIN_STAFF,
    roles.DEPARTMENT_HEAD,
    roles.FRONT_DESK,
    roles.COMMITTEE,
)
SORTABLE = {
    "number": "employee_number",
    "name": "user__last_name",
    "branch": "branch__name",
    "department": "department__name",
    "position": "position",
    "hired": "hire_date",
}


@role_required(*DIRECTORY_ROLES)
def staff_directory(request):
    query = request.GET.get("q", "").strip()
    position = request.GET.get("position", "")
    queryset = staff_directory_list(user=request.user, query=query, position=position)
    queryset, sort = sort_queryset(queryset, request, SORTABLE, "number")
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/directory.html",
        {
            "page": page,
            "query": query,
            "sort": sort,
            "position": position,
            "position_choices": Position.choices,
        },
    )


@role_required(*DIRECTORY_ROLES)
def staff_detail(request, pk: int):
    profile = staff_get(user=request.user, pk=pk)
    from .promotion.forms import LevelCorrectForm
    from .promotion.selectors import level_history
    from .training.selectors import training_history

    return render(
        request,
        "staff/detail.html",
        {
            "profile": profile,
            "history": level_history(user=request.user, person=profile.user),
            "level_form": LevelCorrectForm() if has_role(request.user, roles.HR) else None,
            "training_history": training_history(user=request.user, profile=profile),
        },
    )


def notification_centre(request):
    """The signed-in person's notifications, newest first (unread ones highlighted)."""
    unread_only = request.GET.get("show") == "unread"
    queryset = notification_list(user=request.user, unread_only=unread_only)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/notifications.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_count": notification_unread_count(user=request.user),
        },
    )


@require_POST
def notification_open(request, pk: int):
    """Marks one notification read and goes to what it is about."""
    notification = get_scoped_object_or_404(
        notification_list(user=request.user), user=request.user, pk=pk
    )
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("staff:notifications")
    return redirect(target)


@require_POST
def notification_mark_all_read(request):
    notification_mark_read(user=request.user)
    return redirect("staff:notifications")


@login_not_required
@require_POST
def set_language(request: HttpRequest):
    """Switches the language; for a signed-in user it is remembered on their profile."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        if request.user.is_authenticated:
            user_language_set(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    return response
