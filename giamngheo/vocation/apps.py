from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VocationConfig(AppConfig):
    name = "giamngheo.vocation"
    verbose_name = _("Vocational training and jobs")
