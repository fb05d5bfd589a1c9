from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from giamngheo.reviews.alerts import alerts_scan


class Command(BaseCommand):
    help = (
        "Notify the commune officers and provincial specialists of late commune reviews and of in-year "
        "requests past their 15 days. Run it daily (cron or a systemd timer); running it twice tells "
        "nobody twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", default="", help="the day to check as of (YYYY-MM-DD; default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = dt.date.fromisoformat(options["on"]) if options["on"] else None
        except ValueError as exc:
            raise CommandError(f"--on: not a date: {options['on']!r}") from exc
        done = alerts_scan(on=on)
        self.stdout.write(
            f"{done['late_reviews']} late review(s), {done['overdue_requests']} overdue request(s), "
            f"{done['notifications']} notification(s) sent"
        )
