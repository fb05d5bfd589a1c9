from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "giamngheo.plans"
    verbose_name = _("Plans and targets")

    def ready(self) -> None:
        from giamngheo.geo.priorities import register_priority_provider

        from .alerts import register as register_alerts
        from .selectors import priority_area_ids

        register_alerts()  # the alerts job (targets at risk) and the weekly digest's "targets" section
        # The province's priority communes and villages, for the lists of the apps below (policies, …).
        register_priority_provider(priority_area_ids)
