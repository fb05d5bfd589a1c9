from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "giamngheo.plans"
    verbose_name = _("Plans and targets")
