from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from giamngheo.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database and the media files into one tar archive with a manifest (row counts, "
        "migrations, checksums). The archive holds personal data: keep it as carefully as the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=None, help="folder for the archive (BACKUP_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive, manifest = create_backup(output_dir=options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{archive}\n{len(manifest['row_counts'])} tables, {manifest['total_rows']} rows, "
            f"{manifest['media_files']} media files, {len(manifest['migrations'])} migrations"
        )
