"""What-if before a round's survey: the registry's households classified, commune by commune, under the
standards the round applies and under the standards in force now, with the counts that would change.

Reads the registry's facts in chunks by primary key through ``households.reclassify`` (the same reader
and the same vector path of the engine as the province's reclassification) and writes nothing: a province
of 1.2 million households runs as a background job (``dataio.round_whatif``), the demo's 2,000 in a
second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone

from giamngheo.core.text import vi_sort_key
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household
from giamngheo.households.reclassify import Classifier, read_communes, reading_concurrently
from giamngheo.households.reference import Category

from .models import ReviewRound
from .services import round_standard_year


@dataclass
class CommuneWhatIf:
    commune_id: int
    commune: str
    households: int = 0
    # Under the round's standard ("a") and the standard in force now ("b").
    a_poor: int = 0
    a_near_poor: int = 0
    a_unknown: int = 0  # not determined (income or facts not known)
    b_poor: int = 0
    b_near_poor: int = 0
    b_unknown: int = 0
    changed: int = 0  # households whose category differs between the two

    def add(self, a: str, b: str) -> None:
        self.households += 1
        self.a_poor += a == Category.POOR
        self.a_near_poor += a == Category.NEAR_POOR
        self.a_unknown += a == ""
        self.b_poor += b == Category.POOR
        self.b_near_poor += b == Category.NEAR_POOR
        self.b_unknown += b == ""
        self.changed += a != b


def round_whatif(
    *,
    review_round: ReviewRound,
    now_year: int | None = None,
    chunk_size: int = 5_000,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Counts per commune under the round's standards and the standards of ``now_year`` (default: this
    year). Returns a JSON-ready dict: the two standards and one row per commune."""
    province = review_round.province
    round_year = round_standard_year(review_round)
    now_year = now_year or timezone.localdate().year
    under_round = Classifier(province=province, year=round_year)
    under_now = Classifier(province=province, year=now_year)
    communes = sorted(
        Area.objects.filter(parent=province, level=AreaLevel.COMMUNE).values_list("pk", "name"),
        key=lambda row: vi_sort_key(row[1]),
    )
    total = Household.objects.filter(commune__parent=province, is_active=True).count()
    standards = [*under_round.standards, *under_now.standards]

    def commune_row(commune: tuple[int, str]) -> CommuneWhatIf:
        row = CommuneWhatIf(commune_id=commune[0], commune=commune[1])
        for batch in read_communes(
            [commune[0]], urban=under_round.urban, standards=standards, chunk_size=chunk_size
        ):
            a = under_round.categories(batch.facts(under_round.on))
            b = under_now.categories(batch.facts(under_now.on))
            for cat_a, cat_b in zip(a, b, strict=True):
                row.add(cat_a, cat_b)
        return row

    # Several communes are read at once (processes on SQLite, decision 0024; threads on PostgreSQL, 0034);
    # the rows keep the communes' order.
    found: dict[int, CommuneWhatIf] = {}
    done = 0
    for row in reading_concurrently(commune_row, communes):
        found[row.commune_id] = row
        done += row.households
        if progress is not None:
            progress(done, total)
    rows = [found[commune_id] for commune_id, _name in communes]
    return {
        "round_year": round_year,
        "round_standard": under_round.national.code if under_round.national else "",
        "now_year": now_year,
        "now_standard": under_now.national.code if under_now.national else "",
        "households": done,
        "rows": [asdict(r) for r in rows],
    }
