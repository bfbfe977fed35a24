"""A model that keeps personal data, for the personal-data tests only.

It belongs to no migration: the `personal_data_model` fixture creates its table
and its history table with the schema editor inside the test's transaction
(PostgreSQL rolls the DDL back with it). Import this module only from that
fixture, so the model is registered only in runs that use it.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from collections_office.personal_data import EncryptedTextField, KeyedHashField


class PersonalDataSpecimen(models.Model):
    """Stands in for any model with an ID number and a phone (a debtor, a visitor)."""

    name = models.CharField(max_length=50)
    id_number = EncryptedTextField(blank=True)
    id_number_hash = KeyedHashField(source="id_number")
    phone = EncryptedTextField(blank=True, null=True)
    history = HistoricalRecords()

    class Meta:
        # An installed app without models of its own: `apps.get_models()` (and so
        # `rotate_field_keys`) sees it, and no real app's migrations change.
        app_label = "collections_office"
        db_table = "test_personal_data_specimen"

    def __str__(self) -> str:
        return self.name
