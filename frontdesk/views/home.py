"""The front desk's landing page and "what the desk has for me"."""

from __future__ import annotations

from django.shortcuts import redirect, render

from collections_office.pages import in_company_time
from staff.access import role_required

from .. import selectors
from ..models import Visit


@in_company_time
def home(request):
    if selectors.is_desk(request.user):
        return redirect("frontdesk:visit_list")
    return redirect("frontdesk:my_items")


@role_required()
@in_company_time
def my_items(request):
    """What the front desk has for me: visitors, messages, documents to sign for."""
    user = request.user
    return render(
        request,
        "frontdesk/my_items.html",
        {
            "visitors": selectors.visit_list(user=user)
            .filter(host=user, status__in=[Visit.Status.ON_SITE, Visit.Status.EXPECTED])
            .order_by("status", "arrived_at", "expected_at"),
            "phone_messages": selectors.messages_for_me(user=user).order_by("-taken_at")[:50],
            "steps": selectors.steps_awaiting_signature(user=user).filter(recipient=user),
        },
    )
