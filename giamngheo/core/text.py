"""Text helpers for Vietnamese: search without diacritics."""

from __future__ import annotations

import unicodedata


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
