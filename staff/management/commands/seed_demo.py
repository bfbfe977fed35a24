"""`manage.py seed_demo`: demo data for every app. Idempotent: a second run changes nothing."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Each app owns a `demo.seed(stdout=...)`; people first, everything else needs them.
DEMO_MODULES = [
    "staff.demo",
    "cases.demo",
    "cases.demo_work",
    "cases.demo_teamwork",
    "frontdesk.demo",
    "staff.promotion.demo",
    "staff.assessment.demo",
    "staff.attendance.demo",
    "staff.demo_talent",
    "cases.demo_money",
    "cases.demo_repayments",
    "cases.demo_statements",
    "cases.demo_visits",
    "reporting.demo",  # last: the reports read every other app's demo data
]


class Command(BaseCommand):
    help = "Creates demo branches, people for every role, and each app's demo data."

    def handle(self, *args, **options):
        # No way round it: the demo logins share a published password and production
        # refuses to start while they exist (staff/checks.py).
        if settings.PRODUCTION:
            raise CommandError("Refusing to seed demo data in production (DJANGO_ENV=production).")
        for dotted in DEMO_MODULES:
            try:
                module = import_module(dotted)
            except ModuleNotFoundError as exc:
                if exc.name != dotted:
                    raise
                continue
            module.seed(stdout=self.stdout)
