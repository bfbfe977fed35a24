"""`manage.py rollup_rebuild --from 2026-01-01 --to 2026-11-29`: recomputes the daily
rollups of a range (after a bulk load that sent no signals, or a changed definition)."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from reporting.rollups import compute_days


class Command(BaseCommand):
    help = "Recomputes the reports' daily rollups for a range of company days."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")

    def handle(self, *args, start, end, **options):
        try:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError as exc:
            raise CommandError(f"--from/--to: {exc}") from None
        if first > last:
            raise CommandError("--from is after --to")
        began = time.monotonic()
        rows = compute_days(first, last)
        days = (last - first).days + 1
        self.stdout.write(f"{days} days, {rows} rows in {time.monotonic() - began:.1f} s")
