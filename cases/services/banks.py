"""Writes for banks, their agreements, column mappings and API keys.

Every function is keyword-only, takes the `actor` (the staff user, or None for
a command-line operator), validates with `full_clean`, and leaves a history
row saying who did it and why (django-simple-history).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.access import may_change_bank_settings
from cases.models import Agreement, AgreementCommissionRate, Bank, BankApiKey, OverdueBucket

# The fields of a placement file (DESIGN §4.2) a bank's header can be mapped to;
# the same list as cases.intake.columns.FIELDS, with labels for the mapping form.
PLACEMENT_TARGET_FIELDS: dict[str, str] = {
    "account_no": gettext_lazy("Account number (required)"),
    "debtor_name": gettext_lazy("Debtor name (required)"),
    "id_number": gettext_lazy("Resident ID number"),
    "phones": gettext_lazy("Phones (; separated)"),
    "address": gettext_lazy("Address"),
    "principal": gettext_lazy("Principal"),
    "interest": gettext_lazy("Interest"),
    "fees": gettext_lazy("Fees"),
    "currency": gettext_lazy("Currency"),
    "overdue_since": gettext_lazy("Overdue since"),
    "product": gettext_lazy("Product"),
    "card_no": gettext_lazy("Card number"),
}

API_KEY_PREFIX = "co_"
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits

BANK_FIELDS = (
    "name",
    "code",
    "routine_contact_name",
    "routine_contact_email",
    "routine_contact_phone",
    "file_transfer_channel",
    "emergency_contact_name",
    "emergency_contact_phone",
    "is_active",
)
AGREEMENT_FIELDS = (
    "number",
    "signed_on",
    "effective_from",
    "terminates_on",
    "commission_type",
    "flat_rate",
    "reconciliation_day",
    "collection_period_days",
    "compliance_rule_set",
    # The minimum terms of a payment plan (issue 10).
    "plan_min_down_payment_percent",
    "plan_max_instalments",
    "plan_max_term_months",
    "branch",
    "document",
    "notes",
    # Retention (issue 13): set by headquarters (the form disables it for others).
    "retention_years",
)


def _stamp(instance, *, actor, reason: str) -> None:
    """What simple-history writes on the next save: who (a staff user or nobody) and why."""
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None
    instance._change_reason = reason[:100]


# --- Banks ------------------------------------------------------------------------------


@transaction.atomic
def bank_create(*, actor, **fields) -> Bank:
    """Registers a client bank; both contact channels are required (DESIGN §4.1)."""
    unknown = set(fields) - set(BANK_FIELDS) - {"column_mapping"}
    if unknown:
        raise TypeError(f"unknown bank fields: {sorted(unknown)}")
    bank = Bank(**fields)
    if bank.column_mapping:
        bank.column_mapping = column_mapping_clean(bank.column_mapping)
    bank.full_clean()
    _stamp(bank, actor=actor, reason="Bank registered")
    bank.save()
    return bank


def _require_bank_settings_owner(actor) -> None:
    """Bank-level settings belong to HQ admin staff (`cases.access.may_change_bank_settings`).

    `actor=None` is the system itself (seeding, management commands)."""
    if actor is not None and not may_change_bank_settings(actor):
        raise PermissionDenied("only HQ admin staff change a bank's details and column mapping")


@transaction.atomic
def bank_update(*, bank: Bank, actor, **fields) -> Bank:
    """Changes a bank's details (HQ admin staff only)."""
    _require_bank_settings_owner(actor)
    unknown = set(fields) - set(BANK_FIELDS)
    if unknown:
        raise TypeError(f"unknown bank fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(bank, name, value)
    bank.full_clean()
    _stamp(bank, actor=actor, reason="Bank details changed")
    bank.save()
    return bank


def column_mapping_clean(
    mapping: Mapping[str, str] | Iterable[tuple[str, str]],
) -> dict[str, str]:
    """{bank header: our field}; each header and each field at most once, only known fields.

    Takes a dict or (header, target) pairs: a form's rows are pairs, so a header typed
    twice reaches this check instead of being folded away by a dict.
    An empty target ("") means "ignore this column" (cases.intake.columns).
    """
    cleaned: dict[str, str] = {}
    errors = []
    pairs = mapping.items() if isinstance(mapping, Mapping) else mapping
    for header, target in pairs:
        header = str(header).strip()
        target = (target or "").strip()
        if not header:
            errors.append(_("A column header cannot be empty."))
            continue
        if target and target not in PLACEMENT_TARGET_FIELDS:
            errors.append(
                _("“%(header)s” maps to an unknown field “%(target)s”.")
                % {"header": header, "target": target}
            )
            continue
        if header in cleaned:
            errors.append(_("The header “%(header)s” is mapped twice.") % {"header": header})
            continue
        cleaned[header] = target
    targets = [target for target in cleaned.values() if target]
    for target in sorted({t for t in targets if targets.count(t) > 1}):
        errors.append(
            _("The field “%(target)s” is mapped from more than one header.") % {"target": target}
        )
    if errors:
        raise ValidationError({"column_mapping": errors})
    return cleaned


@transaction.atomic
def bank_column_mapping_set(
    *, bank: Bank, mapping: Mapping[str, str] | Iterable[tuple[str, str]], actor
) -> Bank:
    """Replaces the bank's placement-file column mapping (header → our field); HQ only."""
    _require_bank_settings_owner(actor)
    bank.column_mapping = column_mapping_clean(mapping)
    _stamp(bank, actor=actor, reason="Placement column mapping changed")
    bank.save(update_fields=["column_mapping"])
    return bank


# --- Agreements -------------------------------------------------------------------------


def _rates_clean(commission_type: str, flat_rate, bucket_rates: Mapping[str, Decimal] | None):
    bucket_rates = dict(bucket_rates or {})
    unknown = set(bucket_rates) - set(OverdueBucket.values)
    if unknown:
        raise ValidationError(
            {
                "bucket_rates": _("Unknown overdue buckets: %(buckets)s")
                % {"buckets": ", ".join(sorted(unknown))}
            }
        )
    if commission_type == Agreement.CommissionType.FLAT:
        if flat_rate is None:
            raise ValidationError({"flat_rate": _("A flat-rate agreement needs its rate.")})
        return {}
    if not bucket_rates:
        raise ValidationError(
            {"bucket_rates": _("An agreement paid by bucket needs at least one bucket rate.")}
        )
    return bucket_rates


def _rates_replace(agreement: Agreement, bucket_rates: dict[str, Decimal], *, actor) -> None:
    existing = {rate.bucket: rate for rate in agreement.bucket_rates.all()}
    for bucket, rate in existing.items():
        if bucket not in bucket_rates:
            _stamp(rate, actor=actor, reason="Bucket rate removed")
            rate.delete()
    for bucket, value in bucket_rates.items():
        rate = existing.get(bucket) or AgreementCommissionRate(agreement=agreement, bucket=bucket)
        if rate.pk and rate.rate == value:
            continue
        rate.rate = value
        rate.full_clean()
        _stamp(rate, actor=actor, reason="Bucket rate set")
        rate.save()


@transaction.atomic
def agreement_create(
    *, actor, bank: Bank, bucket_rates: Mapping[str, Decimal] | None = None, **fields
) -> Agreement:
    """Files a cooperation agreement (DESIGN §4.1); by-bucket terms come with their rates."""
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown agreement fields: {sorted(unknown)}")
    agreement = Agreement(bank=bank, **fields)
    rates = _rates_clean(agreement.commission_type, agreement.flat_rate, bucket_rates)
    if agreement.commission_type == Agreement.CommissionType.BY_BUCKET:
        agreement.flat_rate = None
    agreement.full_clean()
    _stamp(agreement, actor=actor, reason="Agreement filed")
    agreement.save()
    _rates_replace(agreement, rates, actor=actor)
    return agreement


@transaction.atomic
def agreement_update(
    *, agreement: Agreement, actor, bucket_rates: Mapping[str, Decimal] | None = None, **fields
) -> Agreement:
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown agreement fields: {sorted(unknown)}")
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    for name, value in fields.items():
        setattr(agreement, name, value)
    rates = _rates_clean(agreement.commission_type, agreement.flat_rate, bucket_rates)
    if agreement.commission_type == Agreement.CommissionType.BY_BUCKET:
        agreement.flat_rate = None
    agreement.full_clean()
    _stamp(agreement, actor=actor, reason="Agreement changed")
    agreement.save()
    _rates_replace(agreement, rates, actor=actor)
    return agreement


# --- API keys ---------------------------------------------------------------------------


def api_key_hash(raw_key: str) -> str:
    """What is stored: the SHA-256 of the whole key (the secret has 256 random bits)."""
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def _new_raw_key() -> tuple[str, str]:
    prefix = API_KEY_PREFIX + "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(8))
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def api_key_issue(
    *,
    bank: Bank,
    actor,
    name: str,
    expires_at: dt.datetime | None = None,
    raw_key: str | None = None,
) -> tuple[BankApiKey, str]:
    """Issues a key for `bank`; returns it with the full key, which is never stored.

    `raw_key` is only for the development demo (a known key that can be
    re-created); production callers leave it None.
    """
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    if raw_key is None:
        prefix, raw_key = _new_raw_key()
        while BankApiKey.objects.filter(prefix=prefix).exists():  # 36^8: practically never
            prefix, raw_key = _new_raw_key()
    else:
        prefix = raw_key[: len(API_KEY_PREFIX) + 8]
    key = BankApiKey(
        bank=bank,
        name=name.strip(),
        prefix=prefix,
        key_hash=api_key_hash(raw_key),
        expires_at=expires_at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    key.full_clean(exclude=["key_hash"])
    _stamp(key, actor=actor, reason="API key issued")
    key.save()
    return key, raw_key


@transaction.atomic
def api_key_revoke(*, api_key: BankApiKey, actor) -> BankApiKey:
    """Revokes a key at once; revoking twice changes nothing."""
    api_key = BankApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        _stamp(api_key, actor=actor, reason="API key revoked")
        api_key.save(update_fields=["revoked_at"])
    return api_key
