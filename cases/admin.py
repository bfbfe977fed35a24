"""Admin site for the cases app: read-only views for support; writes go through the pages.

Banks, agreements and keys are changed on the staff pages (services with history and
validation); cases and placements only by the import and the bank API.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agreement, Bank, BankApiKey, Case, Placement


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Bank)
class BankAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "is_active", "created_at"]
    search_fields = ["name", "code"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["number", "bank", "branch", "effective_from", "terminates_on"]
    list_filter = ["branch", "commission_type"]
    list_select_related = ["bank", "branch"]


@admin.register(BankApiKey)
class BankApiKeyAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "bank", "name", "created_at", "expires_at", "revoked_at"]
    exclude = ["key_hash"]
    list_select_related = ["bank"]


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ["pk", "bank", "status", "received_at", "rows_total", "rows_rejected"]
    list_filter = ["status"]
    list_select_related = ["bank"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["account_no", "bank", "branch", "status", "updated_at"]
    list_filter = ["status", "branch"]
    search_fields = ["account_no"]
    list_select_related = ["bank", "branch"]
    # Never list or show the debtor's personal data here: it is not masked in the admin.
    exclude = ["debtor"]
