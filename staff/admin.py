from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AttendanceMonth,
    AttendanceRecord,
    Branch,
    Department,
    LeaveRequest,
    LeaveType,
    Notification,
    OvertimeRequest,
    PersonalDataView,
    StaffProfile,
    WorkdayOverride,
    WorkingHours,
)


@admin.register(Branch)
class BranchAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "is_hq"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "branch", "head"]
    list_filter = ["branch"]
    search_fields = ["name"]
    autocomplete_fields = ["head"]


@admin.register(StaffProfile)
class StaffProfileAdmin(SimpleHistoryAdmin):
    list_display = ["employee_number", "user", "branch", "department", "position", "status"]
    list_filter = ["branch", "position", "status"]
    search_fields = ["employee_number", "user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fk_name = "user"


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["date", "is_working_day", "note"]
    date_hierarchy = "date"


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    list_display = ["viewed_at", "user", "content_type", "object_id", "fields", "records"]
    list_filter = ["content_type"]
    date_hierarchy = "viewed_at"

    # The record of who saw what is evidence: nobody edits or deletes it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "title", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "recipient__username"]
    date_hierarchy = "created_at"
    raw_id_fields = ["recipient", "actor"]

    # What people were told is a record: the admin reads it, never rewrites it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Attendance, leave and overtime (issue 12) ------------------------------------------
# The rules are data HR edits here; the records are written by the pages (services, their
# checks and history), so the admin only reads them.


@admin.register(WorkingHours)
class WorkingHoursAdmin(SimpleHistoryAdmin):
    list_display = ["branch", "starts_at", "morning_ends_at", "afternoon_starts_at", "ends_at"]


@admin.register(LeaveType)
class LeaveTypeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "days_per_year", "carry_over_days", "hr_approval_over_days"]
    list_filter = ["active", "paid"]


class _ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(_ReadOnlyAdmin):
    list_display = ["work_date", "user", "branch", "clocked_in_at", "clocked_out_at"]
    list_filter = ["branch"]
    date_hierarchy = "work_date"
    search_fields = ["user__username", "user__last_name"]


@admin.register(AttendanceMonth)
class AttendanceMonthAdmin(_ReadOnlyAdmin):
    list_display = ["month", "user", "branch", "status"]
    list_filter = ["status", "branch"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(_ReadOnlyAdmin):
    list_display = ["user", "leave_type", "start_date", "end_date", "days", "status"]
    list_filter = ["status", "leave_type", "branch"]
    search_fields = ["user__username", "user__last_name"]


@admin.register(OvertimeRequest)
class OvertimeRequestAdmin(_ReadOnlyAdmin):
    list_display = ["user", "work_date", "expected_hours", "actual_hours", "status"]
    list_filter = ["status", "branch"]


# --- Issue 12: the rules kept as data (thresholds, recruitment policy) and the rows ------
from .models import (  # noqa: E402 - grouped with their admin classes
    Candidate,
    Handover,
    KeyPost,
    RecruitmentPolicy,
    TrainingPlan,
    Vacancy,
    WarningThreshold,
)


@admin.register(WarningThreshold)
class WarningThresholdAdmin(SimpleHistoryAdmin):
    list_display = ["signal", "threshold", "window_days", "enabled"]
    list_editable = ["threshold", "window_days", "enabled"]

    def has_add_permission(self, request):
        return False  # one row per registered signal, made by the migration

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecruitmentPolicy)
class RecruitmentPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["interview_score_max", "probation_days", "rejected_retention_days"]

    def has_add_permission(self, request):
        return not RecruitmentPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrainingPlan)
class TrainingPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "branch", "starts_on", "ends_on", "status", "is_onboarding"]
    list_filter = ["branch", "status", "is_onboarding"]
    search_fields = ["title"]
    readonly_fields = ["status"]  # moved only by the services (approval, completion)


@admin.register(Vacancy)
class VacancyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "branch", "role", "level", "headcount", "status"]
    list_filter = ["branch", "status"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    # Personal data: listed by name and stage only; the pages show it masked with records.
    list_display = ["name", "vacancy", "stage", "applied_at", "purged_at"]
    list_filter = ["stage", "branch"]
    fields = ["name", "vacancy", "stage", "background_check", "applied_at", "purged_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(KeyPost)
class KeyPostAdmin(SimpleHistoryAdmin):
    list_display = ["title", "branch", "holder"]
    list_filter = ["branch"]


@admin.register(Handover)
class HandoverAdmin(SimpleHistoryAdmin):
    list_display = ["leaver", "successor", "supervisor", "leaving_on", "status"]
    list_filter = ["status", "branch"]
