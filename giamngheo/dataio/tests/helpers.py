"""Helpers of the import tests."""

from __future__ import annotations

import unicodedata

TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Excel writes it: vowels with their quality marks precomposed, tones combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            quality = "".join(m for m in marks if m not in TONES)
            out.append(unicodedata.normalize("NFC", base + quality) + "".join(m for m in marks if m in TONES))
    return "".join(out).encode("cp1258")


# The columns of the household import's test files (a commune's own list, in its order).
HEADERS = [
    "Mã hộ",
    "Thôn/ấp/khu phố",
    "Địa chỉ",
    "Thu nhập bình quân người/tháng (đồng)",
    "Nguồn nước sinh hoạt",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Quan hệ với chủ hộ",
    "Số CCCD",
    "Dân tộc",
    "Có thẻ BHYT",
]
