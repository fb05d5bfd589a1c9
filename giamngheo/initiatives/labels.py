"""The words of the initiatives' audit actions (the history on an initiative's page; the same words are in
``web.audit_labels.ACTIONS`` for the audit trail)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SYSTEM = _("System")

ACTION_LABELS: dict[str, Promise] = {
    "initiatives.initiative.create": _("Initiative recorded"),
    "initiatives.initiative.update": _("Initiative edited"),
    "initiatives.initiative.delete": _("Initiative deleted"),
    "initiatives.initiative.submit": _("Initiative sent to the council"),
    "initiatives.initiative.recognise": _("Initiative recognised by the council"),
    "initiatives.initiative.reject": _("Initiative not recognised by the council"),
    "initiatives.initiative.return": _("Initiative returned to its unit"),
    "initiatives.file.create": _("Evidence of an initiative attached"),
    "initiatives.file.delete": _("Evidence of an initiative removed"),
    "initiatives.use.create": _("Initiative used as a commendation ground"),
    "initiatives.use.release": _("Initiative released from a withdrawn proposal"),
}
