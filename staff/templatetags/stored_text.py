"""`{{ text|stored_text }}`: text stored in English, shown in the reader's language."""

from django import template

from staff.stored_text import shown_in_language

register = template.Library()


@register.filter
def stored_text(text):
    return shown_in_language(str(text)) if text else text
