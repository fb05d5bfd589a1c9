"""Signals between layers: a lower app announces a change; an upper app that keeps derived data listens.

``households_changed`` — sent by the registry, the review and the import after households' categories,
members or facts changed, inside the transaction that changed them, with ``household_ids`` (a few
households) or ``commune_ids`` (whole communes, e.g. after an import). The policies app recomputes
entitlements and coverage from it.
"""

from __future__ import annotations

from django.dispatch import Signal

households_changed = Signal()
