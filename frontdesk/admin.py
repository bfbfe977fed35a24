"""Read-mostly admin for the registers: corrections go through the desk's pages (history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Document,
    DocumentAttachment,
    DocumentRecord,
    DocumentReminder,
    PhoneMessage,
    RoutingStep,
    Visit,
)


class RegisterAdmin(SimpleHistoryAdmin):
    """Registers are evidence: nobody deletes a row, not even in the admin."""

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(RegisterAdmin):
    list_display = ["visitor_name", "organisation", "host", "status", "arrived_at", "departed_at"]
    list_filter = ["status", "branch"]
    search_fields = ["visitor_name", "organisation", "phone", "badge_number"]
    date_hierarchy = "arrived_at"
    exclude = ["id_number"]


@admin.register(PhoneMessage)
class PhoneMessageAdmin(RegisterAdmin):
    list_display = ["caller_name", "recipient", "recipient_department", "status", "taken_at"]
    list_filter = ["status", "urgency", "branch"]
    search_fields = ["caller_name", "caller_organisation", "caller_phone"]
    date_hierarchy = "taken_at"


class RoutingStepInline(admin.TabularInline):
    model = RoutingStep
    extra = 0
    can_delete = False
    fields = ["sequence", "routed_by", "routed_at", "recipient", "signed_at", "signed_by"]
    readonly_fields = fields


@admin.register(Document)
class DocumentAdmin(RegisterAdmin):
    list_display = ["register_number", "title", "direction", "status", "registered_at"]
    list_filter = ["status", "direction", "urgency", "branch"]
    search_fields = ["register_number", "title", "reference_number", "sender"]
    date_hierarchy = "registered_at"
    inlines = [RoutingStepInline]

    def get_queryset(self, request):
        # Confidential documents are not listed here: they stay with their recipients.
        return super().get_queryset(request).filter(confidentiality=Document.Confidentiality.NORMAL)


@admin.register(DocumentReminder)
class DocumentReminderAdmin(RegisterAdmin):
    list_display = ["document", "kind", "recipient", "reminded_on", "sent_at"]
    list_filter = ["kind"]


admin.site.register(DocumentAttachment, RegisterAdmin)
admin.site.register(DocumentRecord, RegisterAdmin)
