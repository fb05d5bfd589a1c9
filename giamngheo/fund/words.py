"""An amount of money in Vietnamese words, as a receipt writes it ("Bằng chữ: Một triệu năm trăm nghìn
đồng"). Pure Python. Written here rather than taken from a library: none of the lock's packages reads
Vietnamese numbers, and the receipt's rules (mốt, lăm, tư, linh, "không trăm" inside a number, tỷ repeated
for larger amounts) fit in a page."""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu")


def _two(tens: int, units: int, *, after_hundred: bool) -> list[str]:
    if tens == 0:
        if units == 0:
            return []
        return (["linh"] if after_hundred else []) + [DIGITS[units]]
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 1:
        words.append("một" if tens == 1 else "mốt")
    elif units == 4:
        words.append("bốn" if tens == 1 else "tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _three(number: int, *, full: bool) -> list[str]:
    """0–999; ``full``: a group inside the number (its hundreds said even when 0: "không trăm")."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    words += _two(tens, units, after_hundred=bool(words))
    return words


def _below_billion(number: int, *, full: bool) -> list[str]:
    groups: list[int] = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        inner = full or index < len(groups) - 1
        words += _three(group, full=inner)
        if SCALES[index]:
            words.append(SCALES[index])
    return words


def number_in_words(number: int) -> str:
    """A non-negative integer in words, lower case ("một triệu không trăm linh năm")."""
    if number < 0:
        raise ValueError("negative amount")
    if number == 0:
        return DIGITS[0]

    def words(n: int, *, full: bool) -> list[str]:
        billions, rest = divmod(n, 1_000_000_000)
        out: list[str] = []
        if billions:
            out += [*words(billions, full=full), "tỷ"]
        if rest:
            out += _below_billion(rest, full=full or bool(billions))
        return out

    return " ".join(words(number, full=False))


def amount_in_words(amount: int) -> str:
    """An amount of đồng as a receipt writes it: "Một triệu năm trăm nghìn đồng"."""
    text = number_in_words(amount)
    return f"{text[0].upper()}{text[1:]} đồng"
