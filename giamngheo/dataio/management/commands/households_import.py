from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Role
from giamngheo.core.errors import ApplicationError
from giamngheo.dataio.import_jobs import load_table
from giamngheo.dataio.imports import ImportOptions, check_mapping, household_import
from giamngheo.dataio.reading import FileRejected
from giamngheo.dataio.report import write_error_report
from giamngheo.dataio.selectors import mapping_for
from giamngheo.geo.models import Area, AreaLevel


class Command(BaseCommand):
    help = (
        "Import households and members from an xlsx/xls/ods/csv file (our template, a commune's own layout "
        "with a saved or proposed column mapping, or a KoboToolbox/ODK export). Exit code 2 when rows are "
        "rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--commune", default="", help="commune code; omit to import for the province")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--valid-rows-only", action="store_true", help="import the households without errors"
        )
        parser.add_argument("--create-villages", action="store_true", help="create the proposed new villages")
        parser.add_argument("--sheet", default=None)
        parser.add_argument(
            "--kobo", action="store_true", help="the file is a KoboToolbox/ODK Central export"
        )
        parser.add_argument("--report", type=Path, default=None, help="write the error report (xlsx) here")
        parser.add_argument("--user", default="", help="username of the importer (default: an administrator)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = (
            User.objects.filter(username=options["user"]).first()
            if options["user"]
            else User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError(f"unknown user {options['user']!r}" if options["user"] else "no administrator")
        commune = None
        if options["commune"]:
            commune = Area.objects.filter(code=options["commune"], level=AreaLevel.COMMUNE).first()
            if commune is None:
                raise CommandError(f"Không có xã/phường mã {options['commune']}.")
        source = "kobo" if options["kobo"] else "table"
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {path}.")
        try:
            table = load_table(path, source=source, sheet=options["sheet"])
        except FileRejected as exc:
            raise CommandError(str(exc)) from exc
        mapping, saved = mapping_for(user=user, headers=table.headers)
        self.stdout.write(
            f"{table.sheet}: dòng tiêu đề {table.header_row} ({'đã lưu' if saved else 'đề xuất'})"
        )
        for header, key in zip(table.headers, mapping, strict=False):
            self.stdout.write(f"  {header or '(trống)':<40} -> {key or '—'}")
        problems = check_mapping(mapping, fixed_commune=commune is not None)
        if problems:
            raise CommandError(" ".join(problems))
        run = ImportOptions(
            mapping=mapping,
            commune_id=commune.pk if commune else None,
            valid_rows_only=options["valid_rows_only"],
            dry_run=options["dry_run"],
        )
        try:
            outcome = household_import(table=table, options=run, acting_user=user, progress=self._bar)
            if options["create_villages"] and outcome.new_villages and not options["dry_run"]:
                self.stdout.write(f"\nTạo {len(outcome.new_villages)} thôn/ấp mới rồi nhập lại…")
                run.create_villages = list(outcome.new_villages)
                table = load_table(path, source=source, sheet=options["sheet"])
                outcome = household_import(table=table, options=run, acting_user=user, progress=self._bar)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        sys.stderr.write("\n")
        summary = outcome.summary()
        for key in (
            "rows",
            "households",
            "households_created",
            "households_updated",
            "households_unchanged",
            "households_rejected",
            "members_created",
            "members_updated",
            "members_unchanged",
            "rows_rejected",
            "villages_created",
            "errors",
            "written",
            "seconds",
        ):
            self.stdout.write(f"{key:>22}: {summary[key]}")
        for village in outcome.new_villages.values():
            self.stdout.write(
                f"  thôn mới đề xuất: {village['commune']} / {village['village']} ({village['rows']} dòng)"
            )
        for issue in outcome.errors[:50]:
            self.stdout.write(f"  {issue}")
        if outcome.error_count > 50:
            self.stdout.write(f"  … và {outcome.error_count - 50} lỗi khác")
        if options["report"] and outcome.error_rows:
            with options["report"].open("wb") as out:
                write_error_report(
                    out,
                    table=load_table(path, source=source, sheet=options["sheet"]),
                    errors=outcome.error_rows,
                )
            self.stdout.write(f"Báo cáo lỗi: {options['report']}")
        if outcome.error_count:
            raise CommandError(f"{outcome.rows_rejected} dòng bị từ chối.", returncode=2)

    def _bar(self, stage: str, done: int, total: int) -> None:
        width = 30
        if total:
            filled = min(width, done * width // total)
            sys.stderr.write(f"\r{stage:<28} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,}")
        else:
            sys.stderr.write(f"\r{stage:<28} {done:>9,} dòng")
        sys.stderr.flush()
