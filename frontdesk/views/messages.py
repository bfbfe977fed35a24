"""Phone message pages: list, take, detail, handled, correct, void."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import form_errors_from, in_company_time, sort_queryset
from staff.access import role_required

from .. import forms, selectors, services
from ..models import PhoneMessage
from .common import (
    correct_entry_page,
    date_param,
    desk_only,
    entry_history,
    flash_errors,
    void_entry_page,
)

MESSAGE_SORTS = {
    "taken": "taken_at",
    "caller": "caller_name",
    "urgency": "urgency",
    "status": "status",
    "for": "recipient__last_name",
}


@role_required()
@in_company_time
def message_list(request):
    filters = {
        "q": request.GET.get("q", "").strip(),
        "status": request.GET.get("status", ""),
        "date_from": date_param(request, "date_from"),
        "date_to": date_param(request, "date_to"),
        "mine": request.GET.get("mine", ""),
    }
    queryset = selectors.message_list_filtered(
        user=request.user,
        query=filters["q"],
        status=filters["status"],
        date_from=filters["date_from"],
        date_to=filters["date_to"],
        mine=bool(filters["mine"]),
    )
    queryset, sort = sort_queryset(queryset, request, MESSAGE_SORTS, "-taken")
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    cutoff = timezone.now() - selectors.unhandled_message_threshold()
    return render(
        request,
        "frontdesk/message_list.html",
        {
            "page": page,
            "filters": filters,
            "sort": sort,
            "status_choices": PhoneMessage.Status.choices,
            "is_desk": selectors.is_desk(request.user),
            "cutoff": cutoff,
        },
    )


@in_company_time
@desk_only
def message_take(request):
    form = forms.PhoneMessageForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_take(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("Message from %(caller)s logged for %(recipient)s.")
                % {"caller": message.caller_name, "recipient": message.recipient_label},
            )
            if "save_and_new" in request.POST:
                return redirect("frontdesk:message_take")
            return redirect("frontdesk:message_list")
    return render(request, "frontdesk/message_form.html", {"form": form})


@in_company_time
def message_detail(request, pk: int):
    message = selectors.message_get(user=request.user, pk=pk)
    return render(
        request,
        "frontdesk/message_detail.html",
        {
            "message": message,
            "may_handle": message.status == PhoneMessage.Status.OPEN
            and selectors.may_handle_message(user=request.user, message=message),
            "is_desk": selectors.is_desk(request.user),
            "may_correct": message.status != PhoneMessage.Status.VOID
            and selectors.may_manage_message(user=request.user, message=message),
            "handle_form": forms.HandleMessageForm(),
            "void_form": forms.VoidForm(),
            "history": entry_history(message),
        },
    )


@in_company_time
@require_POST
def message_handle(request, pk: int):
    message = selectors.message_get(user=request.user, pk=pk)
    form = forms.HandleMessageForm(request.POST)
    form.is_valid()
    try:
        services.message_mark_handled(
            message=message, actor=request.user, note=form.cleaned_data.get("note", "")
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Marked as handled."))
    return redirect("frontdesk:message_detail", pk=message.pk)


@in_company_time
@desk_only
def message_correct(request, pk: int):
    message = selectors.message_get(user=request.user, pk=pk)
    form = forms.MessageCorrectionForm(request.POST or None, instance=message, user=request.user)
    return correct_entry_page(
        request,
        form=form,
        # The form has already put its values on `message`: the service gets a fresh row.
        correct=lambda **fields: services.message_correct(
            phone_message=PhoneMessage.objects.get(pk=message.pk), **fields
        ),
        template="frontdesk/message_correct.html",
        context={"message": message},
        detail_url=reverse("frontdesk:message_detail", args=[message.pk]),
    )


@in_company_time
@desk_only
@require_POST
def message_void(request, pk: int):
    message = selectors.message_get(user=request.user, pk=pk)
    return void_entry_page(
        request,
        void=lambda **fields: services.message_void(message=message, **fields),
        detail_url=reverse("frontdesk:message_detail", args=[message.pk]),
    )
