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

        # The standards page names the codes its indicators list by these labels (one source).
        from giamngheo.standards.params import register_value_labels

        from .reference import Device, Latrine, WasteHandling, WaterSource

        register_value_labels("clean_sources", WaterSource.choices)
        register_value_labels("hygienic_types", Latrine.choices)
        register_value_labels("devices", Device.choices)
        register_value_labels("handled", WasteHandling.choices)
