"""The agency's roles (DESIGN §3) as Django groups, and what each may do.

Groups are created by a data migration; their permissions are (re)applied
after every `migrate` from ROLE_PERMISSIONS, so an app that adds a model only
adds lines here.
"""

from django.utils.translation import gettext_lazy as _

ADMIN_STAFF = "admin_staff"
SUPERVISOR = "supervisor"
PHONE_COLLECTOR = "phone_collector"
FIELD_COLLECTOR = "field_collector"
HR = "hr"
COMMITTEE = "committee"
DEPARTMENT_HEAD = "department_head"
FRONT_DESK = "front_desk"
FINANCE = "finance"
BRANCH_MANAGER = "branch_manager"

ROLE_LABELS = {
    ADMIN_STAFF: _("Admin staff"),
    SUPERVISOR: _("Supervisor"),
    PHONE_COLLECTOR: _("Phone collector"),
    FIELD_COLLECTOR: _("Field collector"),
    HR: _("HR"),
    COMMITTEE: _("Review committee"),
    DEPARTMENT_HEAD: _("Department head"),
    FRONT_DESK: _("Front desk"),
    FINANCE: _("Finance"),
    BRANCH_MANAGER: _("Branch manager"),
}
ALL_ROLES = tuple(ROLE_LABELS)

# The bank's original placement file (every debtor unmasked): granted person by person
# in the admin, never with a role (docs/decisions.md, issue 9).
ORIGINAL_DOWNLOAD_PERMISSION = "cases.download_placement_original"

# Roles that must sign in with a second factor when TWO_FACTOR_REQUIRED is on: they see
# any case's personal data unmasked (DESIGN §3). Holders of the bank-file permission
# must too (staff/accounts.py).
TWO_FACTOR_ROLES = (SUPERVISOR,)

# "app_label.codename" per role. Permissions that do not exist (yet) are skipped.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADMIN_STAFF: [
        "staff.view_branch",
        "staff.view_department",
        "staff.view_staffprofile",
        # Bank liaison and intake. The pages gate on the role; writes go through the
        # pages (services, history), so the admin site only lets them look.
        "cases.view_bank",
        "cases.view_agreement",
        "cases.view_bankapikey",
        "cases.view_placement",
        "cases.view_case",
    ],
    SUPERVISOR: ["staff.view_staffprofile", "staff.view_department", "cases.view_case"],
    PHONE_COLLECTOR: [],
    FIELD_COLLECTOR: [],
    HR: [
        "staff.view_staffprofile",
        "staff.add_staffprofile",
        "staff.change_staffprofile",
        "staff.view_department",
        "staff.add_department",
        "staff.change_department",
        "staff.view_workdayoverride",
        "staff.add_workdayoverride",
        "staff.change_workdayoverride",
        "staff.view_leavetype",
        "staff.add_leavetype",
        "staff.change_leavetype",
        "staff.view_workinghours",
        "staff.add_workinghours",
        "staff.change_workinghours",
    ],
    COMMITTEE: ["staff.view_staffprofile"],
    DEPARTMENT_HEAD: ["staff.view_staffprofile", "staff.view_department"],
    FRONT_DESK: [
        "staff.view_staffprofile",
        "staff.view_department",
        "frontdesk.view_visit",
        "frontdesk.add_visit",
        "frontdesk.change_visit",
        "frontdesk.view_phonemessage",
        "frontdesk.add_phonemessage",
        "frontdesk.change_phonemessage",
        "frontdesk.view_document",
        "frontdesk.add_document",
        "frontdesk.change_document",
        "frontdesk.view_routingstep",
        "frontdesk.add_routingstep",
    ],
    FINANCE: [],
    BRANCH_MANAGER: [
        "staff.view_staffprofile",
        "staff.view_department",
        "staff.view_branch",
        "cases.view_case",
    ],
}


def sync_role_permissions(sender=None, using="default", **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            perm = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if perm is not None:
                wanted.append(perm)
        group.permissions.add(*wanted)
