from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class APIConfig(AppConfig):
    name = "giamngheo.api"
    verbose_name = _("Data interface (API)")
