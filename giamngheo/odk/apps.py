from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OdkConfig(AppConfig):
    name = "giamngheo.odk"
    verbose_name = _("ODK Central collection")

    def ready(self) -> None:
        from giamngheo.jobs.models import JobKind
        from giamngheo.jobs.registry import register

        from .jobs import pull_job

        register(JobKind.ODK_PULL, pull_job, label=_("Pull from ODK Central"))
