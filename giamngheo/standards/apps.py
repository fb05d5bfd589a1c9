from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "giamngheo.standards"
    verbose_name = _("Poverty standards")
