"""Running an import (``household_import``): the two passes over the file, the staged plans between them,
villages created on the way and the refresh of the figures after."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, connection, transaction

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import area_q
from giamngheo.core.audit import audit_record
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.gctune import bulk_collections
from giamngheo.core.signals import households_changed
from giamngheo.core.text import fold
from giamngheo.geo.models import Area, AreaLevel, DivisionType
from giamngheo.households.models import Household, Member
from giamngheo.households.reclassify import Classifier, households_reclassify, in_processes

from ..reading import Table
from .checking import SegmentChecker, check_in_processes, import_checkers, plan_and_stage
from .planning import HouseholdPlan, Planner
from .rows import (
    CHUNK,
    DIVISION_BY_WORD,
    VILLAGE_WORDS,
    Group,
    Outcome,
    Row,
    group_rows,
    mapped_columns,
    parse_rows,
    village_match,
)
from .staging import outcome_dump, outcome_load, private_file, stage_dump, stage_load, stage_loads
from .writing import write_plans


@dataclass
class ImportOptions:
    mapping: list[str]
    commune_id: int | None = None
    valid_rows_only: bool = False
    create_villages: list[str] = field(default_factory=list)
    dry_run: bool = False
    # The recognition decision the list is attached to (else read from its title) and the category of a
    # list without a category column (else read from its title: "DANH SÁCH HỘ NGHÈO").
    decision_number: str = ""
    decision_date: dt.date | None = None
    category: str = ""
    # Village names confirmed as other names of existing villages: "commune_id|folded name" -> village id.
    village_aliases: dict[str, int] = field(default_factory=dict)


def list_defaults(
    table: Table, options: ImportOptions, commune: Area | None
) -> tuple[dict[str, Any], list[str]]:
    """The values a commune's list gives all its households (from the options, else from its title), and
    what was understood (Vietnamese lines for the report)."""
    from ..units import title_facts, unit_check

    facts = title_facts(table.title)
    notices: list[str] = []
    defaults: dict[str, Any] = {}
    number = options.decision_number or facts.decision_number
    day = options.decision_date or facts.decision_date
    if number:
        defaults["category_decision"] = number
    if day:
        defaults["category_since"] = day
    if number or day:
        source = "đã nhập" if options.decision_number or options.decision_date else "đọc từ tiêu đề"
        shown = f"{day:%d/%m/%Y}" if day else "?"
        notices.append(f"Quyết định công nhận ({source}): số {number or '?'} ngày {shown}.")
    category = options.category or facts.category
    if category:
        defaults["category"] = category
        if not options.category:
            label = "hộ nghèo" if category == "poor" else "hộ cận nghèo"
            notices.append(f"Tiêu đề là danh sách {label}: hộ không ghi phân loại được ghi là {label}.")
    if commune is not None and facts.unit_text:
        same, message = unit_check(facts.unit_text, commune)
        if message:
            notices.append(message if same else f"Cảnh báo: {message}")
    return defaults, notices


def _create_villages(keys: Iterable[str], proposals: dict[str, dict[str, Any]], user: User) -> dict[str, int]:
    from giamngheo.geo.services import village_create

    created: dict[str, int] = {}
    for key in keys:
        proposal = proposals.get(key)
        if proposal is None:
            continue
        commune = Area.objects.get(pk=int(key.split("|", 1)[0]))
        folded = fold(proposal["village"])
        word = next((w for w in VILLAGE_WORDS if folded.startswith(w + " ")), "")
        division = DIVISION_BY_WORD.get(
            word, DivisionType.QUARTER if commune.division_type == DivisionType.WARD else DivisionType.HAMLET
        )
        village = village_create(
            commune=commune, name=proposal["village"], division_type=division, acting_user=user
        )
        created[key] = village.pk
    return created


@bulk_collections()
def household_import(
    *,
    table: Table,
    options: ImportOptions,
    acting_user: User,
    progress: Callable[[str, int, int], None] | None = None,
    total_rows: int = 0,
    keep_plans: Path | None = None,
    checked_plans: Path | None = None,
) -> Outcome:
    """Validate the whole table, then (unless a dry run, or rows were rejected and the user did not choose
    to import the valid rows) write it. ``progress(stage, done, total)`` reports rows read and households
    written.

    ``keep_plans``: a dry run stores its plans (and its outcome) there. ``checked_plans``: an import given
    the plans of its dry run does not read the file again (unless villages are to be created, which changes
    the plans): it only writes, each chunk verified against the registry as it is then."""
    started = time.perf_counter()
    commune = None
    if options.commune_id is not None:
        commune = Area.objects.filter(
            area_q(acting_user), pk=options.commune_id, level=AreaLevel.COMMUNE
        ).first()
        if commune is None:
            raise ValidationFailed("Bạn không được nhập dữ liệu cho xã này.")
    columns = mapped_columns(table.headers, options.mapping)
    headers = {c.field.key: c.header for c in columns}
    defaults, notices = list_defaults(table, options, commune)
    planner = Planner(
        user=acting_user,
        sheet=table.sheet,
        commune=commune,
        create_villages=options.create_villages,
        headers=headers,
        defaults=defaults,
        village_aliases=options.village_aliases,
    )
    # A list named by its heads without codes: codes are generated (a member list needs its codes).
    generate_codes = "code" not in headers and "head_name" in headers and "full_name" not in headers
    outcome = Outcome()
    stage_read = "Đọc và kiểm tra tệp"

    def counted(rows: Iterator[Row]) -> Iterator[Row]:
        for row in rows:
            outcome.rows += 1
            if progress is not None and outcome.rows % 5_000 == 0:
                progress(stage_read, outcome.rows, total_rows)
            yield row

    with tempfile.TemporaryFile() as scratch, ExitStack() as stack:
        staged: IO[bytes] = scratch
        plans_at = 0
        if (
            checked_plans is not None
            and checked_plans.is_file()
            and not options.create_villages
            and not options.village_aliases
        ):
            # The plans of this file's check (its dry run): only the second pass is left to do.
            staged = stack.enter_context(checked_plans.open("rb"))
            checked = outcome_load(stage_load(staged))
            plans_at = staged.tell()
            outcome = replace(checked, written_ids=[], written=False)
        else:
            processes = 1 if generate_codes else import_checkers(set(headers))
            if processes > 1:
                # A file with codes: checked in several processes, segment by segment (the same findings).
                check_in_processes(
                    SegmentChecker(planner=planner, table=table, mapping=options.mapping),
                    table.rows,
                    code=next(c for c in columns if c.field.key == "code"),
                    commune=next((c for c in columns if c.field.key == "commune"), None),
                    processes=processes,
                    outcome=outcome,
                    staged=scratch,
                    progress=None if progress is None else lambda n: progress(stage_read, n, total_rows),
                )
            else:
                chunk: list[Group] = []
                for group in group_rows(
                    counted(parse_rows(table, options.mapping)), generate_codes=generate_codes
                ):
                    chunk.append(group)
                    if len(chunk) >= CHUNK:
                        plan_and_stage(planner, chunk, outcome, scratch)
                        chunk = []
                if chunk:
                    plan_and_stage(planner, chunk, outcome, scratch)
            if progress is not None:
                progress(stage_read, outcome.rows, outcome.rows)
            outcome.notices = notices
            if table.end:
                outcome.notices.append(
                    f"Bảng dừng ở dòng {table.end['row']} ('{table.end['text'][:80]}'): các dòng từ đó trở "
                    "xuống (nơi, ngày ký, người ký) không phải dữ liệu."
                )
            if options.dry_run and keep_plans is not None:
                with private_file(keep_plans) as kept:
                    stage_dump(outcome_dump(outcome), kept)
                    scratch.seek(0)
                    shutil.copyfileobj(scratch, kept)
        if options.dry_run or (outcome.error_count and not options.valid_rows_only):
            outcome.seconds = time.perf_counter() - started
            return outcome
        writable = outcome.households_created + outcome.households_updated
        if not writable and not options.create_villages:
            outcome.seconds = time.perf_counter() - started
            return outcome
        # Second pass: write the staged plans, chunk by chunk, each checked first against the registry as
        # it is now (someone may have saved a household or a member since the first pass read it).
        staged.seek(plans_at)
        check = Outcome()
        villages = _create_villages_from_staged(staged, options.create_villages, planner, acting_user)
        outcome.villages_created = len(villages)
        _confirm_aliases(options.village_aliases, acting_user)
        staged.seek(plans_at)
        written = 0
        communes: set[int] = set()
        stage_write = "Ghi vào sổ hộ"
        if progress is not None:
            progress(stage_write, 0, writable)
        next_analyze = 4 * CHUNK
        classified: Counter[str] = Counter()
        to_reclassify: list[int] = []
        # The staged lines go to the writing processes as they are (each decodes its own).
        chunks = _staged_lines(staged)
        first = next(chunks, None)
        classifier = _classifier_for(None if first is None else stage_loads(first))
        processes = import_writers(writable)
        writer = _ChunkWriter(
            planner=planner,
            user=acting_user,
            villages=villages,
            classifier=classifier,
        )
        for done in in_processes(writer.write, _prepend(first, chunks), processes, writers=True):
            outcome.written_ids.extend(done.created + done.changed)
            to_reclassify.extend(done.changed)
            communes.update(done.communes)
            classified.update(done.classified)
            for issue in done.check.errors:
                check.add_error(issue)
            check.households_rejected += done.check.households_rejected
            check.rows_rejected += done.check.rows_rejected
            written += len(done.created) + len(done.changed)
            if written >= next_analyze:
                _analyze()
                next_analyze *= 4
            if progress is not None:
                progress(stage_write, written, writable)
        for issue in check.errors:  # conflicts with changes saved between the two passes
            outcome.add_error(issue)
        if check.households_rejected:
            outcome.households_rejected += check.households_rejected
            outcome.rows_rejected += check.rows_rejected
    outcome.written = True
    if outcome.written_ids:
        if progress is not None:
            progress("Phân loại theo chuẩn nghèo", 0, len(outcome.written_ids))
        _analyze()
        classified.update(households_reclassify(household_ids=to_reclassify))
        outcome.classified = dict(classified)
        if progress is not None:
            progress("Cập nhật độ bao phủ chính sách và số liệu rà soát", 0, len(communes))
        # The coverage of these communes is rebuilt (policies.receivers), the review recounts the open
        # round's summaries (reviews.receivers).
        households_changed.send(sender=Household, commune_ids=communes)
    outcome.seconds = time.perf_counter() - started
    audit_record(
        actor=acting_user,
        action="dataio.household_import",
        target=commune,
        after={k: v for k, v in outcome.summary().items() if k not in ("new_villages",)},
        note=f"{table.sheet}: {outcome.seconds:.1f} s",
    )
    return outcome


def _create_villages_from_staged(
    staged: IO[bytes], keys: list[str], planner: Planner, user: User
) -> dict[str, int]:
    """Create the approved villages that the staged households use (names as written in the file)."""
    if not keys:
        return {}
    wanted = set(keys)
    proposals: dict[str, dict[str, Any]] = {}
    for plans in _load(staged):
        for plan in plans:
            if plan.village_id is None and plan.village_name:
                key = f"{plan.commune_id}|{village_match(plan.village_name)}"
                if key in wanted and key not in proposals:
                    proposals[key] = {"village": plan.village_name}
    with transaction.atomic():
        return _create_villages(proposals.keys(), proposals, user)


def _confirm_aliases(aliases: dict[str, int], user: User) -> None:
    """Remember the village names the user mapped to existing villages (the next import matches them)."""
    from giamngheo.geo.services import village_alias_confirm

    for key, village_id in aliases.items():
        village = Area.objects.filter(pk=village_id, level=AreaLevel.VILLAGE).first()
        if village is not None and key.partition("|")[0] == str(village.parent_id):
            village_alias_confirm(village=village, alias=key.partition("|")[2], acting_user=user)


@dataclass
class _Written:
    """What writing one chunk of checked plans did (crosses back from a writing process)."""

    created: list[int]
    changed: list[int]
    communes: list[int]
    classified: Counter[str]
    check: Outcome


@dataclass
class _ChunkWriter:
    """Writes one chunk of staged plans in a transaction of its own, each verified first against the
    registry as it is then (someone may have saved a household or a member since the check read it)."""

    planner: Planner
    user: User
    villages: dict[str, int]
    classifier: Classifier | None

    def _write(
        self, frozen: list[Any], *, by_constraint: bool
    ) -> tuple[list[HouseholdPlan], Outcome, Counter[str], tuple[list[int], list[int]]]:
        check = Outcome()
        classified: Counter[str] = Counter()
        plans = self.planner.verify(
            [HouseholdPlan.thaw(f) for f in frozen], check, new_by_constraint=by_constraint
        )
        written = write_plans(
            plans, user=self.user, villages=self.villages, classifier=self.classifier, classified=classified
        )
        return plans, check, classified, written

    def write(self, line: bytes) -> _Written:
        """Write one staged chunk (its JSON line). The new households' codes and ID numbers are left to the
        database's unique constraints; when one refuses the chunk (taken since the check), the chunk is
        verified in full and written again, in the same transaction."""
        frozen = stage_loads(line)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    plans, check, classified, (created, changed) = self._write(frozen, by_constraint=True)
            except IntegrityError:
                plans, check, classified, (created, changed) = self._write(frozen, by_constraint=False)
        return _Written(
            created=created,
            changed=changed,
            communes=sorted({p.commune_id for p in plans}),
            classified=classified,
            check=check,
        )


def import_writers(households: int) -> int:
    """How many processes write a checked file's chunks at once: on PostgreSQL, outside a transaction (a
    caller's atomic block, a test: other connections would not see its rows) and for more than two chunks,
    ``settings.IMPORT_WRITERS`` (default: the machine's cores, at most 4); 1 otherwise (SQLite writes one
    transaction at a time). Each chunk is its own transaction, as when one process writes them in turn:
    a province's file is written in about half the time on two cores (the database server's share of the
    work runs beside them)."""
    from django.conf import settings

    if connection.vendor != "postgresql" or connection.in_atomic_block or households <= 2 * CHUNK:
        return 1
    wanted = getattr(settings, "IMPORT_WRITERS", None)
    return max(1, int(wanted) if wanted is not None else min(4, os.cpu_count() or 1))


def _frozen_chunks(staged: IO[bytes]) -> Iterator[list[Any]]:
    """The staged chunks as stored (``_load`` thaws them into plans)."""
    while True:
        try:
            yield stage_load(staged)
        except EOFError:
            return


def _staged_lines(staged: IO[bytes]) -> Iterator[bytes]:
    """The staged chunks that hold plans, as stored (one JSON line each; a chunk whose households were all
    rejected is an empty list)."""
    for line in staged:
        if line.strip() and line.strip() != b"[]":
            yield line


def _prepend(first: bytes | None, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first is not None:
        yield first
        yield from rest


def _classifier_for(frozen: list[Any] | None) -> Classifier | None:
    """The engine of the file's province (new households are classified before they are inserted)."""
    if not frozen:
        return None
    plan = HouseholdPlan.thaw(frozen[0])
    province = Area.objects.get(pk=plan.commune_id).parent
    return Classifier(province=province) if province is not None else None


def _load(staged: IO[bytes]) -> Iterator[list[HouseholdPlan]]:
    for frozen in _frozen_chunks(staged):
        yield [HouseholdPlan.thaw(f) for f in frozen]


def _analyze() -> None:
    """Refresh PostgreSQL's statistics of the registry while an import grows it: a first import into an empty
    registry would otherwise be planned as if the tables were still empty (sequential scans, time growing with
    the square of the size) until autovacuum catches up."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Household, Member))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
