"""Display helpers of the front desk's pages."""

from django import template

from frontdesk.validators import format_phone

register = template.Library()


@register.filter
def display_phone(value):
    """A stored E.164 number as people read it (138 0013 8000 for Chinese numbers)."""
    return format_phone(value or "")
