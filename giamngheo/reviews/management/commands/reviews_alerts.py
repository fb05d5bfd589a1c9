from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from giamngheo.notices.commands import AlertsCommand
from giamngheo.reviews.alerts import alerts_scan


class Command(AlertsCommand):
    help = (
        "Notify the commune officers and provincial specialists of late commune reviews and of in-year "
        "requests past their 15 days. Run it daily (cron or a systemd timer); running it twice tells "
        "nobody twice."
    )

    def scan(self, on: dt.date | None) -> Mapping[str, int]:
        return alerts_scan(on=on)

    def summary(self, done: Mapping[str, int]) -> str:
        return (
            f"{done['late_reviews']} late review(s), {done['overdue_requests']} overdue request(s), "
            f"{done['notifications']} notification(s) sent"
        )
