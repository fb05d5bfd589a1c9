"""Vietnamese personal names for demo data, with realistic frequencies.

Family-name shares follow commonly cited estimates (Nguyễn ≈ 38 %, Trần ≈ 11 %, Lê ≈ 9.5 %, ...);
names are written in Vietnamese order: family name, middle name, given name.
Ethnic-minority names of the former Bình Phước (S'tiêng, M'nông, Khmer) use their usual forms
("Điểu", "Thị" for S'tiêng; "Y"/"H'" for M'nông; "Lâm", "Danh", "Thạch" for Khmer).
"""

from __future__ import annotations

import random

FAMILY_NAMES = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 30),
    ("Huỳnh", 25),
    ("Phan", 45),
    ("Vũ", 20),
    ("Võ", 19),
    ("Đặng", 20),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Trương", 8),
    ("Đinh", 6),
    ("Lâm", 5),
    ("Mai", 5),
    ("Tạ", 3),
    ("Cao", 4),
    ("Lương", 4),
]
MIDDLE_MALE = [
    "Văn",
    "Văn",
    "Văn",
    "Hữu",
    "Đức",
    "Minh",
    "Quốc",
    "Thanh",
    "Công",
    "Xuân",
    "Ngọc",
    "Hoàng",
    "Tấn",
]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Kim", "Hồng", "Mỹ", "Bích", "Phương"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Giang",
    "Hải",
    "Hào",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Huy",
    "Khang",
    "Khánh",
    "Kiên",
    "Long",
    "Lộc",
    "Minh",
    "Nam",
    "Nghĩa",
    "Nhân",
    "Phong",
    "Phúc",
    "Quang",
    "Sơn",
    "Tài",
    "Tâm",
    "Thắng",
    "Thành",
    "Thiện",
    "Toàn",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
]
GIVEN_FEMALE = [
    "Anh",
    "Chi",
    "Diệp",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hương",
    "Huyền",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phượng",
    "Quyên",
    "Tâm",
    "Thảo",
    "Thu",
    "Thủy",
    "Trang",
    "Trinh",
    "Tuyết",
    "Uyên",
    "Vân",
    "Xuân",
    "Yến",
]

STIENG_GIVEN = ["Lệ", "Bình", "Nghe", "Xuân", "Lới", "Thanh", "Dũng", "Hoa", "Thị", "Nhum", "Brông", "Lin"]
MNONG_MALE = ["Y Bích", "Y Khăm", "Y Nam", "Y Sơn", "Y Lâm"]
MNONG_FEMALE = ["H'Ngoan", "H'Liên", "H'Bình", "H'Nhi", "H'Thu"]
KHMER_FAMILY = ["Lâm", "Danh", "Thạch", "Sơn", "Kim"]

ETHNIC_GROUPS = [
    ("S'tiêng", 55),
    ("Khmer", 15),
    ("M'nông", 12),
    ("Tày", 6),
    ("Nùng", 6),
    ("Hoa", 3),
    ("Dao", 3),
]


def _weighted(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items], k=1)[0]


def kinh_name(rng: random.Random, sex: str) -> str:
    family = _weighted(rng, FAMILY_NAMES)
    if sex == "F":
        return f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
    return f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"


def ethnic_group(rng: random.Random) -> str:
    return _weighted(rng, ETHNIC_GROUPS)


def minority_name(rng: random.Random, sex: str, group: str) -> str:
    if group == "S'tiêng":
        return f"{'Thị' if sex == 'F' else 'Điểu'} {rng.choice(STIENG_GIVEN)}"
    if group == "M'nông":
        return rng.choice(MNONG_FEMALE if sex == "F" else MNONG_MALE)
    if group == "Khmer":
        middle = "Thị" if sex == "F" else rng.choice(["", "Văn"])
        given = rng.choice(GIVEN_FEMALE if sex == "F" else GIVEN_MALE)
        return " ".join(p for p in (rng.choice(KHMER_FAMILY), middle, given) if p)
    return kinh_name(rng, sex)
