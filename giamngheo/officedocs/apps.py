from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficedocsConfig(AppConfig):
    name = "giamngheo.officedocs"
    verbose_name = _("Official documents")
