"""Writes for people: language preference, personal-data view records."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model

from .models import PersonalDataView
from .selectors import profile_of


@transaction.atomic
def personal_data_view_record(
    *, user, obj: Model, fields: list[str], path: str = ""
) -> PersonalDataView:
    """Writes who saw which object's personal data unmasked, and when."""
    return PersonalDataView.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        fields=",".join(fields)[:255],
        path=path[:255],
    )


def user_language_set(*, user, language: str) -> None:
    """Remembers the user's language choice on their profile."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unsupported language {language!r}")
    profile = profile_of(user)
    if profile is not None and profile.language != language:
        profile.language = language
        profile.save(update_fields=["language"])
