from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from giamngheo.core.errors import ApplicationError
from giamngheo.geo.services import geo_load_province


class Command(BaseCommand):
    help = "Load a province and its communes, wards and special zones from the vietnam-provinces package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            type=int,
            default=settings.DEFAULT_PROVINCE_CODE,
            help="Province code (e.g. 75 = Đồng Nai).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = geo_load_province(province_code=options["province"])
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            _(
                "%(province)s: %(total)s commune-level units. "
                "Rows created: %(created)s, updated: %(updated)s, "
                "unchanged: %(unchanged)s (the province included)."
            )
            % {
                "province": result.province.name,
                "total": result.total - 1,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
        if result.legacy_links:
            self.stdout.write(_("%(n)s units linked to former provinces.") % {"n": result.legacy_links})
        for name in result.unmatched_legacy:
            self.stderr.write(
                _("Former-province data names a unit that was not found: %(name)s") % {"name": name}
            )
