"""`manage.py demo_disable`: make `seed_demo`'s logins and keys unusable, so production starts.

Demo rows are not deleted (cases, history and records point at them); the
logins are deactivated with an unusable password and the API keys revoked
through the service (with its history row). Safe to run again.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from cases.selectors import demo_api_keys_usable
from cases.services.banks import api_key_revoke
from staff.selectors import demo_ids


class Command(BaseCommand):
    help = "Deactivates the demo logins and revokes the demo bank API keys."
    # It is what the failing demo-data check asks for: it must run while that check fails.
    requires_system_checks = []

    @transaction.atomic
    def handle(self, *args, **options):
        user_model = get_user_model()
        users = 0
        for user in user_model.objects.filter(pk__in=demo_ids(user_model)):
            if user.is_active or user.has_usable_password():
                user.is_active = False
                user.set_unusable_password()
                user.save(update_fields=["is_active", "password"])
                users += 1
        keys = 0
        for key in demo_api_keys_usable():
            api_key_revoke(api_key=key, actor=None)
            keys += 1
        self.stdout.write(f"demo data: {users} logins deactivated, {keys} API keys revoked")
