from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "giamngheo.households"
    verbose_name = _("Households")

    def ready(self) -> None:
        from giamngheo.jobs.models import JobKind
        from giamngheo.jobs.registry import register

        from .jobs import RECLASSIFY_PART, reclassify, reclassify_part_job, registry_tidy
        from .reclassify import REGISTRY_TIDY

        register(JobKind.RECLASSIFY, reclassify, label=_("Province reclassification"))
        register(RECLASSIFY_PART, reclassify_part_job, label=_("Part of a province reclassification"))
        register(REGISTRY_TIDY, registry_tidy, label=_("Tidying the household table"))

        # The standards page names the codes its indicators list by these labels (one source).
        from giamngheo.standards.params import register_value_labels

        from .reference import Device, Latrine, WasteHandling, WaterSource

        register_value_labels("clean_sources", WaterSource.choices)
        register_value_labels("hygienic_types", Latrine.choices)
        register_value_labels("devices", Device.choices)
        register_value_labels("handled", WasteHandling.choices)
