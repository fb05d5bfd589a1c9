from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "giamngheo.policies"
    verbose_name = _("Policies and support")

    def ready(self) -> None:
        from giamngheo.core.signals import households_changed
        from giamngheo.jobs.models import JobKind
        from giamngheo.jobs.registry import register
        from giamngheo.notices.digest import register_section

        from .digest import support_section
        from .jobs import coverage_rebuild
        from .services.coverage import on_households_changed

        households_changed.connect(on_households_changed, dispatch_uid="policies.coverage")
        register(JobKind.COVERAGE_REBUILD, coverage_rebuild, label=_("Policy coverage recount"))
        register_section("support", support_section, order=40)  # the weekly digest (notices)
