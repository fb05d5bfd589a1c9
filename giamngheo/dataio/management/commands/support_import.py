from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from giamngheo.accounts.models import User
from giamngheo.core.errors import ApplicationError
from giamngheo.dataio.reading import FileRejected, open_table
from giamngheo.dataio.report import write_error_report
from giamngheo.dataio.support_import import support_import
from giamngheo.geo.models import Area, AreaLevel

ERRORS_PRINTED = 50


class Command(BaseCommand):
    help = (
        "Record support (policies received by households or members) from an xlsx/xls/ods/csv file, one row "
        "per recipient, as USER: all rows or none. Exit code 2 when rows are refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="username of the person recording the support")
        parser.add_argument("--commune", default="", help="commune code; omit when the file has 'Mã xã'")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--sheet", default=None)
        parser.add_argument("--report", type=Path, default=None, help="write the error report (xlsx) here")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['user']!r}.")
        commune_id = None
        if options["commune"]:
            commune_id = (
                Area.objects.filter(code=options["commune"], level=AreaLevel.COMMUNE)
                .values_list("pk", flat=True)
                .first()
            )
            if commune_id is None:
                raise CommandError(f"Không có xã/phường mã {options['commune']}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {path}.")
        try:
            table = open_table(path, sheet=options["sheet"])
            self.stdout.write(f"{table.sheet}: dòng tiêu đề {table.header_row}")
            outcome = support_import(
                table=table,
                acting_user=user,
                commune_id=commune_id,
                dry_run=options["dry_run"],
                progress=self._bar,
            )
        except FileRejected as exc:
            raise CommandError(str(exc)) from exc
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        sys.stderr.write("\n")
        for key, value in outcome.summary().items():
            self.stdout.write(f"{key:>14}: {value}")
        for issue in outcome.errors[:ERRORS_PRINTED]:
            self.stdout.write(f"  {issue}")
        if len(outcome.errors) > ERRORS_PRINTED:
            self.stdout.write(f"  … và {len(outcome.errors) - ERRORS_PRINTED} lỗi khác")
        if options["report"] and outcome.error_rows:
            with options["report"].open("wb") as out:
                write_error_report(
                    out, table=open_table(path, sheet=options["sheet"]), errors=outcome.error_rows
                )
            self.stdout.write(f"Báo cáo lỗi: {options['report']}")
        if outcome.errors:
            raise CommandError(
                f"{outcome.rows_rejected} dòng bị từ chối: không ghi lần hỗ trợ nào.", returncode=2
            )

    def _bar(self, stage: str, done: int, total: int) -> None:
        sys.stderr.write(f"\r{stage:<40} {done:>9,}" + (f"/{total:,}" if total else " dòng"))
        sys.stderr.flush()
