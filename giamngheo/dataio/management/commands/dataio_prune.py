from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from giamngheo.dataio.services import staged_prune


class Command(BaseCommand):
    help = (
        "Delete the staged plans of import checks and the uploaded files of import jobs older than "
        "IMPORT_STAGED_RETENTION_DAYS (or --days). Run it daily (cron or a systemd timer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="keep what is younger than this many days")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.IMPORT_STAGED_RETENTION_DAYS
        done = staged_prune(days=max(int(days), 0))
        self.stdout.write(
            f"{done['plans']} staged plan file(s), {done['files']} uploaded file(s) of {done['jobs']} job(s) "
            "deleted"
        )
