"""Creates the role groups of DESIGN §3 (permissions are synced after migrate)."""

from django.db import migrations

ROLES = [
    "admin_staff",
    "supervisor",
    "phone_collector",
    "field_collector",
    "hr",
    "committee",
    "department_head",
    "front_desk",
    "finance",
    "branch_manager",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
