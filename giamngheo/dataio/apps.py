from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataioConfig(AppConfig):
    name = "giamngheo.dataio"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        from giamngheo.core.models import ExportKind
        from giamngheo.jobs.models import JobKind
        from giamngheo.jobs.registry import register

        from .import_jobs import run_import_job
        from .jobs import household_export, member_export
        from .round_whatif import run_round_whatif
        from .support_import import run_support_import_job
        from .village_import import run_village_import_job

        register(JobKind.HOUSEHOLD_IMPORT, run_import_job, label=_("Household import"))
        register(
            JobKind.HOUSEHOLD_EXPORT,
            household_export,
            label=_("Household export"),
            result_export_kind=ExportKind.HOUSEHOLD_LIST,
        )
        register(
            JobKind.MEMBER_EXPORT,
            member_export,
            label=_("Member export"),
            result_export_kind=ExportKind.MEMBER_LIST,
        )
        register(JobKind.SUPPORT_IMPORT, run_support_import_job, label=_("Support records import"))
        register(JobKind.ROUND_WHATIF, run_round_whatif, label=_("What-if of a review round's standard"))
        register(JobKind.VILLAGE_IMPORT, run_village_import_job, label=_("Village import"))

        from .training_import import run_training_import_job

        register(JobKind.TRAINING_IMPORT, run_training_import_job, label=_("Attendance list import"))
        # The "Vì người nghèo" fund's donations import (dataio/fund_import.py).
        from .fund_import import FUND_IMPORT, run_fund_import_job

        register(FUND_IMPORT, run_fund_import_job, label=_("Donations import"))
