from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from giamngheo.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive of `backup` into an EMPTY database and MEDIA_ROOT (--force empties them first), "
        "then check the restored row counts and migrations against the archive's manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="drop every table and overwrite media files that are there"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(archive=options["archive"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if report.mismatches:
            raise CommandError("Restored, but it differs from the archive:\n" + "\n".join(report.mismatches))
        self.stdout.write(
            f"Restored and verified: {report.tables} tables, {report.rows} rows, "
            f"{report.media_files} media files"
        )
