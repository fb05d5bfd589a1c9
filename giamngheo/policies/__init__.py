"""Policies and support (issue 6): the catalogue of preferential policies, who is entitled, who received
what, coverage and gaps. ``eligibility`` is pure Python (no Django), like the poverty engine."""
