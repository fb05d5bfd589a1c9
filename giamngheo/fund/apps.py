from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "giamngheo.fund"
    verbose_name = _("“For the poor” fund")
