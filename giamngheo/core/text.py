"""Text helpers for Vietnamese: search without diacritics, and the Vietnamese alphabetical order.

The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y: "Đ" comes after "D" (not at the
end), "Bảo" before "Bình". Tone marks only break ties. The type of a unit ("Xã", "Phường", "Đặc khu",
"Thôn", "Ấp"…) is left out of the order, so that communes and wards mix by their own names.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


# Every precomposed Latin letter with diacritics (Latin-1 Supplement to Latin Extended Additional, where
# all Vietnamese letters live) -> its base letters; one ``str.translate`` instead of a Python loop per
# character (fold runs on every row of an import and every search).
_BASE: dict[int, str] = {
    cp: base for cp in range(0xC0, 0x1F00) if (base := _strip_marks(chr(cp))) != chr(cp) and base.isascii()
}
_BASE.update({ord("đ"): "d", ord("Đ"): "D"})


def fold(text: str) -> str:
    """Lower-case ``text`` without diacritics: "Nguyễn Văn Đức" -> "nguyen van duc"."""
    stripped = text.translate(_BASE)
    if not stripped.isascii():  # combining marks (text not in NFC) or other scripts: the exact path
        stripped = _strip_marks(stripped.replace("đ", "d").replace("Đ", "D"))
    return " ".join(stripped.lower().split())


# Vietnamese alphabetical order -------------------------------------------------------------------------

_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {ch: i for i, ch in enumerate(_LETTERS)}
# Combining marks that make a letter of its own (breve, circumflex, horn) vs tones.
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
PREFIXES = (
    "xã ",
    "phường ",
    "đặc khu ",
    "thị trấn ",
    "thôn ",
    "ấp ",
    "bản ",
    "sóc ",
    "khu phố ",
    "tổ dân phố ",
    "tỉnh ",
    "thành phố ",
)


def _letter(base: str, marks: str) -> str:
    if base == "e" and "\u0302" in marks:
        return "ê"
    if base == "o" and "\u0302" in marks:
        return "ô"
    if base == "a" and "\u0302" in marks:
        return "â"
    if base == "a" and "\u0306" in marks:
        return "ă"
    if base == "o" and "\u031b" in marks:
        return "ơ"
    if base == "u" and "\u031b" in marks:
        return "ư"
    return base


def vi_sort_key(name: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """A sort key: letters in the Vietnamese alphabet, then tones, then the text itself."""
    text = " ".join(name.lower().split())
    for prefix in PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :]
            break
    letters: list[int] = []
    tones: list[int] = []
    for ch in text:
        if ch == "đ":
            letters.append(_RANK["đ"] + 100)
            tones.append(0)
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        letter = _letter(base, marks)
        if letter in _RANK:
            letters.append(_RANK[letter] + 100)
        elif base.isdigit():
            letters.append(int(base))
        else:  # spaces, punctuation, other letters: before every letter, in code point order
            letters.append(-1000 + min(ord(base), 999))
        tones.append(next((t for m, t in _TONES.items() if m in marks), 0))
    return tuple(letters), tuple(tones), name


def vi_sorted(items: Iterable[T], name: str = "name") -> list[T]:
    """``items`` (objects with a ``name`` attribute, or the attribute given) in Vietnamese order."""
    return sorted(items, key=lambda item: vi_sort_key(str(getattr(item, name))))
