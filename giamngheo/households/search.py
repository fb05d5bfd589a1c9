"""The text a household is found by: one rule for the registry, the import and the demo data.

``search_text`` is what ``Household.search_text`` stores; ``search_term`` is what a search box's text
becomes before it is looked for in it (``search_text__contains``). Both fold with ``core.text.fold``
(lower case, no diacritics: "Đặng Văn Đức" -> "dang van duc"), so a search with or without accents finds
the household. Pure Python: no database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from giamngheo.core.text import fold


def search_text(
    *,
    code: str,
    head_name: str,
    phone: str,
    address: str,
    members: Iterable[tuple[str | None, str | None]],
    fold_part: Callable[[str], str] = fold,
) -> str:
    """The household's code, head's name, phone and address, then each member's full name and national
    id (``members``: ``(full_name, national_id)`` pairs, in the order given; the registry gives the
    active members by date of birth), empty parts left out, folded.

    Each part is folded on its own and the parts joined by one space: the same text as folding the joined
    parts (folding works character by character and collapses spaces), which lets a bulk caller pass a
    cached ``fold_part`` (names and addresses repeat).
    """
    parts = [code, head_name, phone, address]
    for full_name, national_id in members:
        parts.extend([full_name or "", national_id or ""])
    return " ".join(folded for part in parts if part and (folded := fold_part(part)))


def search_term(query: str) -> str:
    """A search box's text as it is looked for in ``search_text``."""
    return fold(query)
