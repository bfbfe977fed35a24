"""`manage.py bank_api_key issue|revoke|list`: bank API keys from the command line.

`issue` prints the full key once, alone on its last line, so scripts can take
it with `| tail -n 1`; it is never stored and cannot be shown again.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.models import Bank, BankApiKey
from cases.services.banks import api_key_issue, api_key_revoke
from collections_office.workdays import company_today


class Command(BaseCommand):
    help = "Issues, revokes and lists bank API keys."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="Issue a new key and print it once.")
        issue.add_argument("--bank", required=True, help="The bank's code.")
        issue.add_argument("--name", default="", help="What the key is for.")
        issue.add_argument(
            "--expires-days", type=int, default=None, help="Expire after N days (default never)."
        )
        revoke = sub.add_parser("revoke", help="Revoke a key by its visible prefix.")
        revoke.add_argument("--prefix", required=True)
        listing = sub.add_parser("list", help="List keys (never the secrets).")
        listing.add_argument("--bank", default=None, help="Only this bank's keys.")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _issue(self, *, bank, name, expires_days, **_):
        try:
            bank_obj = Bank.objects.get(code=bank)
        except Bank.DoesNotExist:
            raise CommandError(f"No bank with code {bank!r}.") from None
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be at least 1.")
        expires_at = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
        try:
            key, raw_key = api_key_issue(
                bank=bank_obj,
                actor=None,
                name=name or f"Issued on the command line {company_today():%Y-%m-%d}",
                expires_at=expires_at,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        expiry = f", expires {key.expires_at:%Y-%m-%d %H:%M} UTC" if key.expires_at else ""
        self.stdout.write(
            f"Issued key {key.prefix} for {bank_obj.code} ({key.name}){expiry}. "
            "It is shown once; store it now:"
        )
        self.stdout.write(raw_key)

    def _revoke(self, *, prefix, **_):
        try:
            key = BankApiKey.objects.get(prefix=prefix)
        except BankApiKey.DoesNotExist:
            raise CommandError(f"No key with prefix {prefix!r}.") from None
        was_revoked = key.revoked_at is not None
        key = api_key_revoke(api_key=key, actor=None)
        state = "was already revoked" if was_revoked else "revoked"
        self.stdout.write(f"Key {key.prefix} of {key.bank.code} {state}.")

    def _list(self, *, bank=None, **_):
        keys = BankApiKey.objects.select_related("bank").order_by("bank__code", "-created_at")
        if bank:
            keys = keys.filter(bank__code=bank)
        now = timezone.now()
        for key in keys:
            if key.revoked_at:
                state = "revoked"
            elif key.expires_at and key.expires_at <= now:
                state = "expired"
            else:
                state = "active"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
            self.stdout.write(
                f"{key.prefix}\t{key.bank.code}\t{state}\tlast used {used}\t{key.name}"
            )
