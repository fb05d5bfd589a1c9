from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "giamngheo.webhooks"
    verbose_name = _("Outgoing notifications (webhooks)")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from giamngheo.core.models import AuditRecord
        from giamngheo.core.signals import households_changed

        from .events import on_audit_saved, on_households_changed

        households_changed.connect(on_households_changed, dispatch_uid="webhooks.households")
        post_save.connect(on_audit_saved, sender=AuditRecord, dispatch_uid="webhooks.audit")
