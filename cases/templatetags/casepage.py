"""Tags of the case page's templates."""

from django import template

from cases.views.casepage_rows import contact_point_rows_html

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_point_rows(context):
    """The contact points' rows (`casepage_rows.contact_point_rows_html`) from the page's
    context, with the page's own CSRF token."""
    request = context.get("request")
    return contact_point_rows_html(
        context.get("contact_points") or [],
        case_pk=context["case"].pk,
        revealed=bool(context.get("revealed")),
        may_work=bool(context.get("may_work")),
        csrf_token=context.get("csrf_token"),
        queue=request.GET.get("queue", "") if request is not None else "",
        invalid_point=context.get("invalid_point"),
        invalid_form=context.get("invalid_form"),
    )
