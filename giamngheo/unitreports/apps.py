from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitreportsConfig(AppConfig):
    name = "giamngheo.unitreports"
    verbose_name = _("Periodic reports from units")
