"""The department's official documents (reports and plans as DOCX in the administrative format of Decree
30/2020, with XLSX annexes): drafts whose narrative a user edits before generating."""

from __future__ import annotations
