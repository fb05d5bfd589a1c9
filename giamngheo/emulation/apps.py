from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    name = "giamngheo.emulation"
    verbose_name = _("Emulation movements")
