from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from giamngheo.notices.commands import AlertsCommand
from giamngheo.plans.alerts import alerts_scan


class Command(AlertsCommand):
    help = (
        "Notify the responsible units and the provincial specialists and leaders of the targets of the "
        "plans in force that are at risk or off track. Run it daily (cron or a systemd timer); running it "
        "twice tells nobody twice."
    )

    def scan(self, on: dt.date | None) -> Mapping[str, int]:
        return alerts_scan(on=on)

    def summary(self, done: Mapping[str, int]) -> str:
        return (
            f"{done['targets']} target(s) at risk or off track, {done['notifications']} notification(s) sent"
        )
