from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Role
from giamngheo.core.errors import ApplicationError
from giamngheo.core.text import fold
from giamngheo.dataio.fields import BY_KEY, CATEGORY_IMPORT_VI, NOTE_FLAGS
from giamngheo.dataio.import_jobs import load_table
from giamngheo.dataio.imports.rows import check_mapping
from giamngheo.dataio.imports.running import ImportOptions, household_import
from giamngheo.dataio.reading import FileRejected
from giamngheo.dataio.report import write_error_report
from giamngheo.dataio.selectors import mapping_for
from giamngheo.geo.models import Area, AreaLevel


class Command(BaseCommand):
    help = (
        "Import households and members from an xlsx/xls/ods/csv file (our template, a commune's own layout "
        "with a saved, proposed or given column mapping, or a KoboToolbox/ODK export). A commune's "
        "recognised "
        "list (title block, one line per household named by its head, year of birth, number of persons, "
        "notes, signature block, no codes) imports as it is: codes are generated, the head becomes the first "
        "member, the decision and the category are read from the title. Exit code 2 when rows are rejected."
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
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help="map a column: its header (any case, with or without accents) = a field key or name; "
            "'HEADER=' leaves the column out (repeatable)",
        )
        parser.add_argument("--mapping", type=Path, default=None, help="a JSON file {header: field}")
        parser.add_argument("--decision-number", default="", help="number of the recognition decision")
        parser.add_argument(
            "--decision-date", default="", help="date of the recognition decision (dd/mm/yyyy)"
        )

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
        mapping, saved = mapping_for(
            user=user, headers=table.headers, commune_id=commune.pk if commune is not None else None
        )
        given = self._given_mapping(options)
        if given:
            mapping = apply_mapping(table.headers, mapping, given)
        self.stdout.write(
            f"{table.sheet}: dòng tiêu đề {table.header_row} "
            f"({'đã lưu' if saved else 'đề xuất'}{', có cột gán tay' if given else ''})"
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
            decision_number=options["decision_number"].strip(),
            decision_date=_date(options["decision_date"]),
        )
        try:
            outcome = household_import(table=table, options=run, acting_user=user, progress=self._bar)
            if options["create_villages"] and outcome.new_villages:
                self.stdout.write(
                    f"\n{'Sẽ tạo' if options['dry_run'] else 'Tạo'} {len(outcome.new_villages)} thôn/ấp mới: "
                    + ", ".join(v["village"] for v in outcome.new_villages.values())
                )
                run.create_villages = list(outcome.new_villages)
                table = load_table(path, source=source, sheet=options["sheet"])
                outcome = household_import(table=table, options=run, acting_user=user, progress=self._bar)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        sys.stderr.write("\n")
        self._report(outcome, dry_run=options["dry_run"])
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

    def _given_mapping(self, options: dict[str, Any]) -> dict[str, str]:
        given: dict[str, str] = {}
        if options["mapping"]:
            try:
                data = json.loads(Path(options["mapping"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Không đọc được tệp gán cột {options['mapping']}: {exc}") from exc
            if not isinstance(data, dict):
                raise CommandError('Tệp gán cột phải là một đối tượng JSON {"Tên cột": "trường"}.')
            given.update({str(k): str(v or "") for k, v in data.items()})
        for item in options["map"]:
            header, sep, key = item.partition("=")
            if not sep:
                raise CommandError(f"--map {item!r}: viết 'Tên cột=trường'.")
            given[header] = key
        return given

    def _report(self, outcome: Any, *, dry_run: bool) -> None:
        out = self.stdout.write
        rejected = not dry_run and not outcome.written and outcome.error_count > 0
        verb = "sẽ " if dry_run or rejected else ""
        if dry_run:
            out("Chạy thử: không ghi gì vào sổ.")
        elif rejected:
            out("KHÔNG GHI GÌ vào sổ (có dòng bị từ chối): số dưới đây là những gì sẽ ghi khi sửa xong.")
        elif not outcome.households_created and not outcome.households_updated:
            out("Không có gì mới để ghi: sổ hộ đã có đúng như tệp.")
        out(f"Số dòng đọc: {outcome.rows}; số hộ trong tệp: {outcome.households}")
        out(
            f"Hộ: {verb}tạo mới {outcome.households_created}, {verb}cập nhật {outcome.households_updated}, "
            f"không đổi {outcome.households_unchanged}, bị từ chối {outcome.households_rejected}"
        )
        out(
            f"Thành viên: {verb}tạo mới {outcome.members_created}, {verb}cập nhật {outcome.members_updated}, "
            f"không đổi {outcome.members_unchanged}"
        )
        if outcome.codes_generated:
            out(f"Mã hộ tạo tự động (tệp không có cột mã hộ): {outcome.codes_generated} hộ")
        if outcome.categories:
            shown = ", ".join(
                f"{CATEGORY_IMPORT_VI.get(k, k)} {n}" for k, n in sorted(outcome.categories.items())
            )
            out(f"Phân loại: {shown}")
        out(f"Thôn/ấp đã tạo: {outcome.villages_created}")
        if outcome.persons_declared:
            out(
                f"Nhân khẩu: theo cột số nhân khẩu {outcome.persons_declared}; "
                f"thành viên có tên trong tệp {outcome.persons_listed}"
            )
        for m in outcome.persons_mismatch[:20]:
            out(
                f"  Dòng {m['row']}, hộ {m['head']} ({m['code']}): ghi {m['declared']} nhân khẩu, "
                f"liệt kê {m['listed']} người"
            )
        if outcome.heads_not_members:
            out(
                "Chủ hộ chưa ghi được là thành viên (thiếu năm sinh hoặc giới tính): "
                f"{outcome.heads_not_members}"
            )
        labels = {key: label for key, label, _phrases in NOTE_FLAGS}
        for key, count in outcome.notes_understood.items():
            out(f"Ghi chú hiểu được: {labels.get(key, key)}: {count} hộ")
        if outcome.notes_other:
            out(f"Ghi chú khác (giữ nguyên, không đổi thông tin hộ): {outcome.notes_other} hộ")
        for line in outcome.notices:
            out(line)
        for village in outcome.new_villages.values():
            near = ", ".join(v["name"] for v in village.get("near", []))
            out(
                f"  Thôn mới đề xuất: {village['commune']} / {village['village']} ({village['rows']} dòng)"
                + (f"; tên gần giống đã có: {near} (không tự ghép)" if near else "")
            )
        if outcome.error_count:
            out(f"Lỗi: {outcome.error_count}; dòng bị từ chối: {outcome.rows_rejected}")
        out(f"Thời gian: {outcome.seconds:.1f} giây")

    def _bar(self, stage: str, done: int, total: int) -> None:
        width = 30
        if total:
            filled = min(width, done * width // total)
            sys.stderr.write(f"\r{stage:<28} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,}")
        else:
            sys.stderr.write(f"\r{stage:<28} {done:>9,} dòng")
        sys.stderr.flush()


def _date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise CommandError(f"Ngày quyết định '{text}' không hợp lệ (ngày/tháng/năm).")


def apply_mapping(headers: list[str], mapping: list[str], given: dict[str, str]) -> list[str]:
    """``mapping`` with the columns named in ``given`` ({header: field key or field name}) replaced."""
    by_name = {fold(f.header): f.key for f in BY_KEY.values()} | {fold(k): k for k in BY_KEY}
    result = list(mapping) + [""] * (len(headers) - len(mapping))
    folded = [fold(h) for h in headers]
    for header, target in given.items():
        key = by_name.get(fold(target), "") if target.strip() else ""
        if target.strip() and not key:
            raise CommandError(f"Không có trường '{target}' (các trường: {', '.join(BY_KEY)}).")
        if fold(header) not in folded:
            raise CommandError(
                f"Tệp không có cột '{header}' (các cột: {', '.join(h for h in headers if h)})."
            )
        index = folded.index(fold(header))
        if key:
            result = ["" if k == key else k for k in result]
        result[index] = key
    return result
