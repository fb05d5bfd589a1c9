from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "giamngheo.reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from giamngheo.core.signals import households_changed

        from .alerts import register as register_alerts
        from .receivers import on_households_changed

        # The open round's summary follows the registry (recounted per commune on commit).
        households_changed.connect(on_households_changed, dispatch_uid="reviews.summaries")
        register_alerts()  # the alerts job (late reviews, overdue requests) and the weekly digest's sections
