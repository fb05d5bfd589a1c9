"""The text a household is found by: one rule for the registry, the import and the demo data.

``search_text`` is what ``Household.search_text`` stores: the household's code, its head's and members'
names, their ID numbers and the phone. Not the address: it names the village and the commune or ward, which
every household of the unit shares, so a search for a ward's name ("tran" in Phường Trấn Biên) would find
all of them. ``search_term`` is what a search box's text becomes before it is looked for in it. Both fold
with ``core.text.fold`` (lower case, no diacritics: "Đặng Văn Đức" -> "dang van duc"), so a search with or
without accents finds the household. Pure Python: no database (``households.selectors.search_q`` is the
database side: a trigram index on both databases).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from giamngheo.core.text import fold

# A search term (folded) shorter than this is looked for only as a whole household code: one or two letters
# are in most names, and a trigram index finds only strings of three characters or more.
MIN_TERM_LENGTH = 3


def search_text(
    *,
    code: str,
    head_name: str,
    phone: str,
    members: Iterable[tuple[str | None, str | None]],
    fold_part: Callable[[str], str] = fold,
) -> str:
    """The household's code, head's name and phone, then each member's full name and national id
    (``members``: ``(full_name, national_id)`` pairs, in the order given; the registry gives the active
    members by date of birth), empty parts left out, folded.

    Each part is folded on its own and the parts joined by one space: the same text as folding the joined
    parts (folding works character by character and collapses spaces), which lets a bulk caller pass a
    cached ``fold_part`` (names repeat).
    """
    parts = [code, head_name, phone]
    for full_name, national_id in members:
        parts.extend([full_name or "", national_id or ""])
    return " ".join(folded for part in parts if part and (folded := fold_part(part)))


def search_term(query: str) -> str:
    """A search box's text as it is looked for in ``search_text``."""
    return fold(query)
