from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.core.errors import ApplicationError
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.reclassify import province_reclassify
from giamngheo.households.reference import Category

ORDER = [*Category.values, ""]


class Command(BaseCommand):
    help = (
        "Classify every household of a province under the standards in force in a year and store the "
        "engine's results (the recognised category does not change)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", type=int, default=settings.DEFAULT_PROVINCE_CODE)
        parser.add_argument("--year", type=int, default=dt.date.today().year)  # noqa: DTZ011
        parser.add_argument(
            "--on", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD: date of the ages"
        )
        parser.add_argument("--chunk-size", type=int, default=20_000)
        parser.add_argument(
            "--user", default="", help="username recorded in the audit trail (default: system)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        province = Area.objects.filter(code=str(options["province"]), level=AreaLevel.PROVINCE).first()
        if province is None:
            codes = ", ".join(Area.objects.filter(level=AreaLevel.PROVINCE).values_list("code", flat=True))
            raise CommandError(
                _("There is no province with code %(code)s. Valid codes: %(codes)s.")
                % {"code": options["province"], "codes": codes}
            )
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"unknown user {options['user']!r}")
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")

        shown = [0]

        def progress(done: int, total: int) -> None:
            tenth = done * 10 // max(total, 1)
            if tenth > shown[0] or done == total:
                shown[0] = tenth
                self.stdout.write(f"  {done:>11,} / {total:,}")

        try:
            result = province_reclassify(
                province=province,
                year=options["year"],
                acting_user=user,
                chunk_size=options["chunk_size"],
                on=options["on"],
                progress=progress,
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        standards = result.standard + (
            f" + {result.provincial_standard}" if result.provincial_standard else ""
        )
        self.stdout.write(
            _(
                "%(province)s, %(year)s (%(standards)s, ages on %(on)s): %(households)s households "
                "classified in %(seconds)s s, %(changed)s changed."
            )
            % {
                "province": result.province,
                "year": result.year,
                "standards": standards,
                "on": result.on.isoformat(),
                "households": f"{result.households:,}",
                "seconds": f"{result.seconds:.1f}",
                "changed": f"{result.changed:,}",
            }
        )
        labels = dict(Category.choices)
        rows = [
            (labels.get(c, "—"), result.before.get(c, 0), result.after.get(c, 0), result.recognised.get(c, 0))
            for c in ORDER
            if result.before.get(c) or result.after.get(c) or result.recognised.get(c)
        ]
        width = max([len(str(r[0])) for r in rows] + [12])
        heads = (_("before"), _("after"), _("recognised"))
        self.stdout.write(f"  {'':<{width}}  {heads[0]:>10}  {heads[1]:>10}  {heads[2]:>10}")
        for label, before, after, recognised in rows:
            self.stdout.write(f"  {label!s:<{width}}  {before:>10,}  {after:>10,}  {recognised:>10,}")
        if result.provincial_standard:
            counts = ", ".join(
                f"{labels.get(c, '—')} {result.provincial_after.get(c, 0):,}"
                for c in ORDER
                if result.provincial_after.get(c)
            )
            self.stdout.write(f"  {result.provincial_standard}: {counts}")
        if result.unclassified:
            self.stdout.write(
                _("%(n)s households have no income recorded and were not classified.")
                % {"n": f"{result.unclassified:,}"}
            )
        if result.undetermined:
            self.stdout.write(
                _(
                    "%(n)s households: not enough information to classify (facts not recorded that could "
                    "change the category)."
                )
                % {"n": f"{result.undetermined:,}"}
            )
        self.stdout.write(
            _("%(n)s households: the engine's category differs from the recognised one.")
            % {"n": f"{result.differs_from_recognised:,}"}
        )
