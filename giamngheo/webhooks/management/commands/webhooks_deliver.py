"""Send the webhook deliveries that are due (retries, and deliveries whose task was lost). Run it every
minute (cron or a systemd timer); ``--loop N`` keeps sending every N seconds."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from giamngheo.webhooks.delivery import deliver_due


class Command(BaseCommand):
    help = "Send the outgoing notifications (webhooks) that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=1000, help="at most this many deliveries per round")
        parser.add_argument("--loop", type=int, default=0, help="repeat every this many seconds (0: once)")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            result = deliver_due(limit=options["limit"])
            self.stdout.write(f"due {result['due']}, sent {result['sent']}")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
