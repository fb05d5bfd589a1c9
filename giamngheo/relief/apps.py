from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReliefConfig(AppConfig):
    name = "giamngheo.relief"
    verbose_name = _("Disaster relief")

    def ready(self) -> None:
        from giamngheo.policies.events import register_event_source

        from .events import relief_events

        register_event_source(relief_events)
