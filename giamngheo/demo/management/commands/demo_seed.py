from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from giamngheo.core.errors import ApplicationError
from giamngheo.demo.seed import DEMO_PASSWORD, seed_demo
from giamngheo.reviews.models import Step


class Command(BaseCommand):
    help = (
        "Create demo data (villages, org units, staff, accounts for every role; with --households, "
        "households and the review rounds of 2025 and 2026). Deterministic per seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", type=int, default=settings.DEFAULT_PROVINCE_CODE)
        parser.add_argument("--households", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["households"] < 0:
            raise CommandError(_("--households must be zero or more."))
        try:
            report = seed_demo(
                province_code=options["province"], households=options["households"], seed=options["seed"]
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            _(
                "%(province)s: %(units)s units, %(villages)s villages (%(new)s new), "
                "%(difficult)s especially difficult periods, %(org)s org units, %(staff)s new staff."
            )
            % {
                "province": report.province,
                "units": report.units,
                "villages": report.villages_total,
                "new": report.villages_created,
                "difficult": report.difficult_areas,
                "org": report.org_units,
                "staff": report.staff_created,
            }
        )
        if report.households_existing:
            self.stdout.write(
                _("%(province)s already has %(n)s households: no household created.")
                % {"province": report.province, "n": report.households_existing}
            )
        elif report.households:
            self.stdout.write(
                _(
                    "%(households)s households, %(members)s members: %(poor)s poor, %(near_poor)s near-poor, "
                    "%(em)s %% ethnic-minority households."
                )
                % {
                    "households": report.households,
                    "members": report.members,
                    "poor": report.poor,
                    "near_poor": report.near_poor,
                    "em": number_format(
                        Decimal(report.ethnic_minority * 100) / report.households, decimal_pos=1
                    ),
                }
            )
        for review_round in report.rounds:
            self.stdout.write(
                _("Review %(year)s (%(status)s): %(submitted)s of %(communes)s communes submitted.")
                % {
                    "year": review_round.year,
                    "status": review_round.status,
                    "submitted": review_round.submitted,
                    "communes": review_round.communes,
                }
            )
            for name, step in review_round.steps.items():
                self.stdout.write(f"  {name}: {Step(step).label}")
        if report.support_records:
            self.stdout.write(
                _("%(records)s support records this year; policy coverage %(percent)s %%.")
                % {
                    "records": report.support_records,
                    "percent": number_format(report.coverage_percent or 0, decimal_pos=1),
                }
            )
        if any(report.activities.values()):
            counts: dict[str, object] = dict(report.activities)
            counts["raised"] = number_format(report.activities["raised"], force_grouping=True)
            self.stdout.write(
                _(
                    "Activities: %(officers)s grassroots poverty officers, %(courses)s training courses; "
                    "%(trainees)s vocational trainees; %(donations)s donations to the fund (%(raised)s đ); "
                    "%(affected)s households affected by disasters; %(activities)s communication activities, "
                    "%(models)s good models."
                )
                % counts
            )
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (password: %(password)s):") % {"password": DEMO_PASSWORD})
        width = max(len(a.username) for a in report.accounts)
        for account in report.accounts:
            self.stdout.write(f"  {account.username.ljust(width)}  {account.role} — {account.scope}")
