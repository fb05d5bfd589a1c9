from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "giamngheo.households"
    verbose_name = _("Households")

    def ready(self) -> None:
        from giamngheo.jobs.models import JobKind
        from giamngheo.jobs.registry import register

        from .jobs import reclassify

        register(JobKind.RECLASSIFY, reclassify, label=_("Province reclassification"))
