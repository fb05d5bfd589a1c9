"""The base of the daily alert commands (``reviews_alerts``, ``plans_alerts``): a scan of the owning app,
as of ``--on`` (default today), and one line of what it found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class AlertsCommand(BaseCommand):
    """Subclasses set ``help`` and implement ``scan`` and ``summary``."""

    def scan(self, on: dt.date | None) -> Mapping[str, int]:
        raise NotImplementedError

    def summary(self, done: Mapping[str, int]) -> str:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", default="", help="the day to check as of (YYYY-MM-DD; default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = dt.date.fromisoformat(options["on"]) if options["on"] else None
        except ValueError as exc:
            raise CommandError(f"--on: not a date: {options['on']!r}") from exc
        self.stdout.write(self.summary(self.scan(on)))
