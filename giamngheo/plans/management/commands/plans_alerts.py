from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from giamngheo.plans.alerts import alerts_scan


class Command(BaseCommand):
    help = (
        "Notify the responsible units and the provincial specialists and leaders of the targets of the "
        "plans in force that are at risk or off track. Run it daily (cron or a systemd timer); running it "
        "twice tells nobody twice."
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
            f"{done['targets']} target(s) at risk or off track, {done['notifications']} notification(s) sent"
        )
