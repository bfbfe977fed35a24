"""Staff pages: the (branch-scoped) staff directory."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from . import roles
from .models import Position
from .selectors import has_role, staff_get, staff_list

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


def _require_directory_role(user) -> None:
    if not has_role(user, *DIRECTORY_ROLES):
        raise PermissionDenied


def staff_directory(request):
    _require_directory_role(request.user)
    queryset = staff_list(user=request.user)
    query = request.GET.get("q", "").strip()
    if query:
        queryset = queryset.filter(
            Q(employee_number__icontains=query)
            | Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__username__icontains=query)
        )
    position = request.GET.get("position", "")
    if position:
        queryset = queryset.filter(position=position)
    sort = request.GET.get("sort", "number")
    field = SORTABLE.get(sort.lstrip("-"), "employee_number")
    queryset = queryset.order_by(f"-{field}" if sort.startswith("-") else field, "pk")
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


def staff_detail(request, pk: int):
    _require_directory_role(request.user)
    profile = staff_get(user=request.user, pk=pk)
    return render(request, "staff/detail.html", {"profile": profile})
