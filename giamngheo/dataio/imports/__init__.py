"""Importing households and members from a spreadsheet: validate everything, then write whole households.

How a file goes in (``household_import``), one module of this package per step: ``rows`` (reading),
``planning``, ``writing``, ``running`` (the two passes, with ``staging`` between them):

1. **Read and parse** (``parse_rows``): each row of the table, through the column mapping, becomes the
   registry's values or a message per cell ("Dòng 17, cột Ngày sinh: '31/02/1980' không phải ngày hợp
   lệ"). Rows of one household (same commune and ``Mã hộ``) are adjacent and form a group.
2. **Plan** (``Planner.plan``), a chunk of households at a time, against the registry: match households by
   code within their commune and members by national ID (else by name and date of birth), check
   duplicates inside the file and against the registry, villages, heads of household, and work out what
   would be created, updated or left unchanged. A household with any rejected row is rejected whole.
3. The first pass plans the whole file without writing (that *is* the dry run) and stages the plans
   (``HouseholdPlan.freeze``, one JSON line per chunk: ``stage_dump``) in a temporary file (a check keeps
   them, private to the server, for the import that follows it). If
   rows were rejected and the user did not choose "import the valid rows", nothing is written. Otherwise a
   second pass takes the plans chunk by chunk, verifies each against the registry as it is now
   (``Planner.verify``: someone may have saved meanwhile) and writes it in one transaction: inserts with
   allocated ids (``core.bulk``), updates, history rows, search text. Interrupted, a run leaves only whole
   households, and running the same file again completes it: importing a file twice changes nothing.
4. New households are classified by the engine before they are inserted, changed ones after; the open
   review round's summaries are refreshed.
"""

from .planning import HouseholdPlan, MemberPlan, Planner
from .rows import Column, Group, Issue, Outcome, Row, check_mapping, group_rows, mapped_columns, parse_rows
from .running import ImportOptions, household_import, list_defaults
from .staging import outcome_dump, outcome_load, stage_dump, stage_load
from .writing import count_plans, write_plans

__all__ = [
    "Column",
    "Group",
    "HouseholdPlan",
    "ImportOptions",
    "Issue",
    "MemberPlan",
    "Outcome",
    "Planner",
    "Row",
    "check_mapping",
    "count_plans",
    "group_rows",
    "household_import",
    "list_defaults",
    "mapped_columns",
    "outcome_dump",
    "outcome_load",
    "parse_rows",
    "stage_dump",
    "stage_load",
    "write_plans",
]
