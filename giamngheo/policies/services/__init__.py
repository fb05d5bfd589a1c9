"""Writes of the policies app, one module per seam: ``catalogue`` (the policies and their rules),
``coverage`` (the entitlement table and its summaries, kept from the registry and the support records),
``support`` (support records) and ``requests`` (requests for demand-driven policies).
The public service functions are re-exported here."""

from __future__ import annotations

from .catalogue import (
    COVERAGE_FIELDS,
    MAX_AGE,
    MAX_ESCAPED_MONTHS,
    POLICY_CODE,
    POLICY_FIELDS,
    RULE_CATEGORIES,
    RULE_ESCAPED,
    RULE_FLAGS,
    SAMPLE_CATALOGUE,
    catalogue_seed,
    policy_create,
    policy_update,
)
from .coverage import (
    COVERAGE_LOCK,
    ENTITLEMENT_COLUMNS,
    coverage_rebuild,
    coverage_summarise,
    entitlements_refresh,
    on_households_changed,
)
from .requests import support_request_create, support_request_decide, support_request_withdraw
from .support import (
    Recipient,
    SupportData,
    SupportItem,
    SupportRejected,
    support_record_cancel,
    support_records_create,
    support_records_write,
)

__all__ = [
    "COVERAGE_FIELDS",
    "COVERAGE_LOCK",
    "ENTITLEMENT_COLUMNS",
    "MAX_AGE",
    "MAX_ESCAPED_MONTHS",
    "POLICY_CODE",
    "POLICY_FIELDS",
    "RULE_CATEGORIES",
    "RULE_ESCAPED",
    "RULE_FLAGS",
    "SAMPLE_CATALOGUE",
    "Recipient",
    "SupportData",
    "SupportItem",
    "SupportRejected",
    "catalogue_seed",
    "coverage_rebuild",
    "coverage_summarise",
    "entitlements_refresh",
    "on_households_changed",
    "policy_create",
    "policy_update",
    "support_record_cancel",
    "support_records_create",
    "support_records_write",
    "support_request_create",
    "support_request_decide",
    "support_request_withdraw",
]
