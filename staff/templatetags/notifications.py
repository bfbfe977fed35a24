"""The unread-notification count for the bell in the navigation bar."""

from django import template

from staff.selectors import notification_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return notification_unread_count(user=user)


@register.filter
def company_time(value):
    """The wall-clock time in the company's time zone (times are stored in UTC).

    Returned naive on purpose: the `date` filter would otherwise convert an
    aware value back to the active time zone (UTC outside the front desk's views).
    """
    if value is None:
        return value
    from django.utils import timezone

    from collections_office.workdays import company_tz

    return timezone.localtime(value, company_tz()).replace(tzinfo=None)
