# ruff: noqa: E501 - the law's wording, kept on its lines
"""The titles and forms of commendation a department awards or proposes, and the base salary, as the law set
them (Law 06/2022/QH15; Decree 152/2025/NĐ-CP from 01/07/2025; shared/domain/emulation.md and legal-facts.md
§5): loaded by migration 0002 and by ``services.catalogue_load`` (a database emptied by a test or a restore of
the demo). A new document adds a version through the catalogue's pages, not here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
DECREE = "Nghị định số 152/2025/NĐ-CP"
FROM = dt.date(2025, 7, 1)
LDTT = "lao-dong-tien-tien"
CSTDCS = "chien-si-thi-dua-co-so"

# code, name, kind, beneficiary, issuer, multiple, vote share, criteria, criteria as written, legal source
TITLES = [
    (
        LDTT,
        "Lao động tiên tiến",
        "emulation_title",
        "individual",
        "Giám đốc Sở",
        "0.30",
        None,
        [{"key": "rating_at_least", "rating": "good"}],
        "Hoàn thành tốt nhiệm vụ trở lên; có tinh thần tự lực, tự cường, đoàn kết, tương trợ, tích cực "
        "tham gia phong trào thi đua.",
        f"Điều 24 {LAW}; Điều 54 {DECREE}",
    ),
    (
        CSTDCS,
        "Chiến sĩ thi đua cơ sở",
        "emulation_title",
        "individual",
        "Giám đốc Sở",
        "1.00",
        80,
        [{"key": "has_title", "code": LDTT}, {"key": "excellent_or_initiative"}],
        "Đạt tiêu chuẩn danh hiệu Lao động tiên tiến và hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến được "
        "công nhận (hoặc đề tài, đề án khoa học được nghiệm thu).",
        f"Điều 23 {LAW}; Điều 54 {DECREE}",
    ),
    (
        "chien-si-thi-dua-tinh",
        "Chiến sĩ thi đua cấp tỉnh",
        "emulation_title",
        "individual",
        "Chủ tịch Ủy ban nhân dân tỉnh",
        "3.00",
        90,
        [
            {"key": "consecutive_title", "code": CSTDCS, "years": 3},
            {"key": "initiative", "level": "province"},
        ],
        "Ba lần liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở và có sáng kiến được công nhận hiệu quả áp "
        "dụng, phạm vi ảnh hưởng trong tỉnh.",
        f"Điều 22 {LAW}; Điều 54 {DECREE}",
    ),
    (
        "tap-the-lao-dong-tien-tien",
        "Tập thể lao động tiên tiến",
        "emulation_title",
        "collective",
        "Giám đốc Sở",
        "0.80",
        None,
        [
            {"key": "rating_at_least", "rating": "good"},
            {"key": "members_share_title", "code": LDTT, "share": 70},
            {"key": "no_member_disciplined"},
        ],
        "Hoàn thành tốt nhiệm vụ; có phong trào thi đua thường xuyên; ít nhất 70 % cá nhân đạt danh hiệu "
        "Lao động tiên tiến; không có cá nhân bị kỷ luật từ khiển trách trở lên.",
        f"Điều 28 {LAW}; Điều 54 {DECREE}",
    ),
    (
        "tap-the-lao-dong-xuat-sac",
        "Tập thể lao động xuất sắc",
        "emulation_title",
        "collective",
        "Chủ tịch Ủy ban nhân dân tỉnh",
        "1.50",
        None,
        [
            {"key": "rating_at_least", "rating": "excellent"},
            {"key": "all_members_completed"},
            {"key": "members_share_title", "code": LDTT, "share": 70},
            {"key": "members_with_title", "code": CSTDCS, "count": 1},
        ],
        "Hoàn thành xuất sắc nhiệm vụ; 100 % cá nhân hoàn thành nhiệm vụ, trong đó ít nhất 70 % đạt danh "
        "hiệu Lao động tiên tiến; có cá nhân đạt danh hiệu Chiến sĩ thi đua cơ sở.",
        f"Điều 27 {LAW}; Điều 54 {DECREE}",
    ),
    (
        "giay-khen-ca-nhan",
        "Giấy khen của Giám đốc Sở (cá nhân)",
        "commendation_form",
        "individual",
        "Giám đốc Sở",
        "0.30",
        None,
        [{"key": "rating_at_least", "rating": "good"}],
        "Gương mẫu chấp hành chủ trương, chính sách, pháp luật; hoàn thành tốt nhiệm vụ; có thành tích trong "
        "phong trào thi đua.",
        f"Điều 75 {LAW}; khoản 1 Điều 54 {DECREE}",
    ),
    (
        "giay-khen-tap-the",
        "Giấy khen của Giám đốc Sở (tập thể)",
        "commendation_form",
        "collective",
        "Giám đốc Sở",
        "0.60",
        None,
        [{"key": "rating_at_least", "rating": "good"}],
        "Gương mẫu chấp hành chủ trương, chính sách, pháp luật; đoàn kết; hoàn thành tốt nhiệm vụ; có thành "
        "tích trong phong trào thi đua.",
        f"Điều 75 {LAW}; Điều 54 {DECREE}",
    ),
    (
        "giay-khen-ho-gia-dinh",
        "Giấy khen của Giám đốc Sở (hộ gia đình)",
        "commendation_form",
        "household",
        "Giám đốc Sở",
        "0.45",
        None,
        [],
        "Có đóng góp công sức, đất đai, tài sản cho địa phương hoặc thành tích trong phong trào thi đua. Mức "
        "thưởng bằng 1,5 lần mức thưởng đối với cá nhân.",
        f"Điều 75 {LAW}; Điều 54 {DECREE}",
    ),
    (
        "bang-khen-tinh-ca-nhan",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (cá nhân)",
        "commendation_form",
        "individual",
        "Chủ tịch Ủy ban nhân dân tỉnh",
        "1.50",
        None,
        [],
        "Gương mẫu chấp hành chủ trương, chính sách, pháp luật; có thành tích xuất sắc được bình xét trong "
        "phong trào thi đua, hoặc thành tích đột xuất có phạm vi ảnh hưởng trong tỉnh.",
        f"Điều 74 {LAW}; khoản 1 Điều 54 {DECREE}",
    ),
    (
        "bang-khen-tinh-tap-the",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (tập thể)",
        "commendation_form",
        "collective",
        "Chủ tịch Ủy ban nhân dân tỉnh",
        "3.00",
        None,
        [],
        "Có thành tích xuất sắc được bình xét trong phong trào thi đua; hoặc hai năm liên tục hoàn thành xuất "
        "sắc nhiệm vụ.",
        f"Điều 74 {LAW}; Điều 54 {DECREE}",
    ),
    (
        "bang-khen-tinh-ho-gia-dinh",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (hộ gia đình)",
        "commendation_form",
        "household",
        "Chủ tịch Ủy ban nhân dân tỉnh",
        "2.25",
        None,
        [],
        "Gương mẫu chấp hành chủ trương, chính sách, pháp luật; có nhiều đóng góp về công sức, đất đai, tài "
        "sản cho địa phương, xã hội. Mức thưởng bằng 1,5 lần mức thưởng đối với cá nhân.",
        f"Điều 74 {LAW}; Điều 54 {DECREE}",
    ),
]

BASE_SALARIES = [
    (2_340_000, dt.date(2024, 7, 1), "Nghị định số 73/2024/NĐ-CP"),
    (2_530_000, dt.date(2026, 7, 1), "Nghị định số 161/2026/NĐ-CP"),
]


def load_into(Title: Any, BaseSalary: Any) -> int:
    """The catalogue into the two models (historical in a migration, or current), skipping the rows already
    there; the number of rows added."""
    added = 0
    for order, (code, name, kind, beneficiary, issuer, multiple, vote, criteria, text, source) in enumerate(
        TITLES
    ):
        _, created = Title.objects.get_or_create(
            code=code,
            valid_from=FROM,
            defaults={
                "name": name,
                "kind": kind,
                "beneficiary": beneficiary,
                "issuer": issuer,
                "multiple": Decimal(multiple),
                "vote_share": vote,
                "criteria": criteria,
                "criteria_text": text,
                "legal_source": source,
                "sort_order": (order + 1) * 10,
            },
        )
        added += created
    for amount, valid_from, source in BASE_SALARIES:
        _, created = BaseSalary.objects.get_or_create(
            valid_from=valid_from, defaults={"amount": amount, "legal_source": source}
        )
        added += created
    return added
