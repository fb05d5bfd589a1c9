from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from giamngheo.api.services import idempotency_prune


class Command(BaseCommand):
    help = (
        "Delete the stored answers of idempotent API creates older than API_IDEMPOTENCY_HOURS. "
        "Run it daily (cron or a systemd timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{idempotency_prune()} stored answer(s) deleted")
