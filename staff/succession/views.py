"""Succession pages: the early-warning list, key posts with their successors, handovers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from
from collections_office.workdays import company_today
from staff import roles
from staff.access import role_required
from staff.models import StaffProfile
from staff.selectors import profile_of, sees_all_branches

from . import forms, selectors, services
from .access import EARLY_WARNING_ROLES, SUCCESSION_ROLES, manages_succession
from .signals import SIGNAL_ORDER, SIGNALS, settings_for_signals


def _people(user):
    queryset = StaffProfile.objects.filter(status=StaffProfile.Status.ACTIVE).select_related("user")
    if sees_all_branches(user):
        return queryset
    profile = profile_of(user)
    return queryset.filter(branch=profile.branch) if profile else queryset.none()


def _flash(request, exc: ValidationError) -> None:
    for error in exc.messages:
        messages.error(request, error)


@role_required(*EARLY_WARNING_ROLES)
def early_warning(request):
    show_all = request.GET.get("show") == "all"
    rows = selectors.early_warning_list(
        user=request.user, today=company_today(), only_flagged=not show_all
    )
    setting_of = settings_for_signals()
    legend = [(SIGNALS[key], setting_of[key]) for key in SIGNAL_ORDER if key in SIGNALS]
    return render(
        request,
        "staff/succession/early_warning.html",
        {"rows": rows, "legend": legend, "show_all": show_all},
    )


@role_required(roles.HR)
def thresholds(request):
    """The early-warning thresholds: HQ HR edits them, branch HR reads them."""
    from django.core.exceptions import PermissionDenied

    may_edit = sees_all_branches(request.user)
    setting_of = settings_for_signals()
    keys = [key for key in SIGNAL_ORDER if key in SIGNALS]
    rows = []
    for key in keys:
        setting = setting_of[key]
        initial = {
            "threshold": setting.threshold,
            "window_days": setting.window_days,
            "enabled": setting.enabled,
        }
        form = forms.ThresholdForm(
            request.POST if request.method == "POST" else None, prefix=key, initial=initial
        )
        rows.append((SIGNALS[key], form))
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if all(form.is_valid() for _signal, form in rows):
            services.thresholds_update(
                actor=request.user,
                values={signal.key: form.cleaned_data for signal, form in rows},
            )
            messages.success(request, _("Thresholds saved."))
            return redirect("staff:succession_thresholds")
    return render(
        request,
        "staff/succession/thresholds.html",
        {"rows": rows, "may_edit": may_edit},
    )


@role_required(*SUCCESSION_ROLES)
def key_post_list(request):
    profile = profile_of(request.user)
    form = forms.KeyPostForm(request.POST or None, people=_people(request.user))
    if request.method == "POST" and form.is_valid() and profile is not None:
        try:
            post = services.key_post_save(
                actor=request.user, branch=profile.branch, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Key post saved."))
            return redirect("staff:succession_post", pk=post.pk)
    return render(
        request,
        "staff/succession/key_post_list.html",
        {"posts": selectors.key_post_list(user=request.user), "form": form},
    )


@role_required(*SUCCESSION_ROLES)
def key_post_detail(request, pk: int):
    post = selectors.key_post_get(user=request.user, pk=pk)
    form = forms.SuccessorForm(request.POST or None, people=_people(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.successor_add(actor=request.user, post=post, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Successor saved."))
            return redirect("staff:succession_post", pk=post.pk)
    return render(
        request,
        "staff/succession/key_post_detail.html",
        {"post": post, "form": form, "may_edit": manages_succession(request.user, post.branch_id)},
    )


@role_required(*SUCCESSION_ROLES)
@require_POST
def successor_remove(request, pk: int):
    successor = selectors.successor_get(user=request.user, pk=pk)
    post_pk = successor.post_id
    services.successor_remove(actor=request.user, successor=successor)
    messages.success(request, _("Removed from the reserve."))
    return redirect("staff:succession_post", pk=post_pk)


@role_required()
def handover_list(request):
    people = _people(request.user)
    supervisors = User.objects.filter(staff_profile__in=people)
    form = None
    if manages_succession(request.user, getattr(profile_of(request.user), "branch_id", 0)):
        form = forms.HandoverForm(request.POST or None, people=people, supervisors=supervisors)
        if request.method == "POST" and form.is_valid():
            try:
                handover = services.handover_open(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Handover opened."))
                return redirect("staff:succession_handover", pk=handover.pk)
    return render(
        request,
        "staff/succession/handover_list.html",
        {"handovers": selectors.handover_list(user=request.user), "form": form},
    )


@role_required()
def handover_detail(request, pk: int):
    handover = selectors.handover_get(user=request.user, pk=pk)
    items = list(handover.items.all())
    is_successor = handover.successor.user_id == request.user.pk
    is_supervisor = handover.supervisor_id == request.user.pk
    for item in items:
        item.may_confirm = handover.status == handover.Status.OPEN and (
            (is_successor and not item.successor_confirmed_at)
            or (is_supervisor and not item.supervisor_confirmed_at)
        )
    return render(
        request,
        "staff/succession/handover_detail.html",
        {
            "handover": handover,
            "items": items,
            "cases_url": services.cases_handover_url(handover.leaver),
        },
    )


@role_required()
@require_POST
def handover_confirm(request, pk: int, item_pk: int):
    handover = selectors.handover_get(user=request.user, pk=pk)
    item = selectors.handover_item_get(user=request.user, handover=handover, pk=item_pk)
    try:
        services.handover_item_confirm(actor=request.user, item=item)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Confirmed."))
    return redirect("staff:succession_handover", pk=handover.pk)
