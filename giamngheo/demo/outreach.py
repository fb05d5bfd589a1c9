"""Demo communication activities and good models: about a dozen activities over the current year (some
in communes, some by the province), four good models with a drawn photo and one replication each.

Everything goes through ``outreach.services`` (audited as "system"). Safe to run again: a province that
has activities is left alone. The photos are small PNGs drawn with Pillow (in the lock through
matplotlib). Sample data (CHƯA XÁC NHẬN): topics, numbers and costs are invented for the demo.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from giamngheo.geo.models import Area, AreaLevel
from giamngheo.org.models import OrgUnit, OrgUnitKind
from giamngheo.outreach import services
from giamngheo.outreach.models import Activity

# (month, day, type, place: None for the province or the index of a commune, topic, people reached, funding,
# cost)
ACTIVITIES: list[tuple[int, int, str, int | None, str, int | None, str, int | None]] = [
    (
        1,
        15,
        "conference",
        None,
        "Hội nghị triển khai công tác giảm nghèo năm",
        180,
        "project_6",
        45_000_000,
    ),
    (
        2,
        20,
        "broadcast",
        None,
        "Phóng sự truyền hình “Vì người nghèo – Không để ai bị bỏ lại phía sau”",
        None,
        "project_6",
        30_000_000,
    ),
    (3, 8, "leaflets", 0, "Phát tờ rơi chính sách hỗ trợ hộ nghèo, hộ cận nghèo", 650, "local", 6_500_000),
    (3, 26, "dialogue", 1, "Đối thoại chính sách với hộ nghèo về vay vốn ưu đãi", 85, "project_6", 8_000_000),
    (
        4,
        17,
        "training",
        None,
        "Tập huấn kỹ năng truyền thông giảm nghèo cho cán bộ cơ sở",
        120,
        "project_6",
        60_000_000,
    ),
    (
        5,
        12,
        "press",
        None,
        "Loạt bài báo về mô hình thoát nghèo bền vững",
        None,
        "project_6",
        15_000_000,
    ),
    (6, 5, "social", 2, "Trang thông tin giảm nghèo của xã trên mạng xã hội", 2_300, "other", None),
    (7, 22, "conference", 0, "Hội nghị sơ kết 6 tháng công tác giảm nghèo", 95, "local", 12_000_000),
    (
        8,
        14,
        "broadcast",
        1,
        "Chuyên mục phát thanh “Giảm nghèo bền vững” trên loa truyền thanh xã",
        None,
        "project_6",
        4_000_000,
    ),
    (9, 9, "dialogue", 2, "Đối thoại với người dân về học nghề và việc làm", 70, "local", 5_000_000),
    (10, 17, "other", None, "Hưởng ứng ngày Quốc tế xóa nghèo 17/10", 400, "other", 20_000_000),
    (11, 20, "leaflets", 3, "Tờ gấp về rà soát hộ nghèo, hộ cận nghèo cuối năm", 900, "project_6", 7_200_000),
]

MODELS = [
    (
        "Nuôi bò sinh sản gắn với tổ hợp tác",
        "livelihood",
        "Tổ hợp tác hỗ trợ hộ nghèo con giống, chuồng trại và kỹ thuật chăn nuôi; hộ trả lại bê giống cho hộ "
        "khác sau lứa đầu (quay vòng).",
        "Đàn bò tăng gấp đôi sau 3 năm; thu nhập hộ tham gia tăng bình quân 25 triệu đồng/năm.",
        24,
        9,
        (196, 120, 60),
    ),
    (
        "Trồng xen cây ăn trái trong vườn điều",
        "production",
        "Hướng dẫn hộ nghèo trồng xen bơ, sầu riêng trong vườn điều cũ, có tổ khuyến nông theo dõi.",
        "Thu nhập trên một ha tăng khoảng 40 %; nhiều hộ đủ điều kiện thoát nghèo.",
        31,
        12,
        (70, 150, 70),
    ),
    (
        "Tổ tiết kiệm và vay vốn xoay vòng của phụ nữ",
        "credit",
        "Hội Liên hiệp Phụ nữ xã thành lập tổ tiết kiệm, cho hội viên nghèo vay không lãi để mua giống, "
        "vật tư.",
        "Gần 200 lượt vay, không có nợ quá hạn.",
        45,
        None,
        (60, 110, 190),
    ),
    (
        "Dòng họ, khu dân cư giúp nhau thoát nghèo",
        "community",
        "Các dòng họ và khu dân cư nhận đỡ đầu hộ nghèo: góp công sửa nhà, giới thiệu việc làm, "
        "kèm cặp làm ăn.",
        "",
        None,
        None,
        (200, 160, 40),
    ),
]


def _png(color: tuple[int, int, int], seed: int) -> bytes:
    """A small landscape: sky, a field, a sun and a house (a valid PNG, no external asset)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 360), (190, 225, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 220, 480, 360), fill=color)
    draw.ellipse((380 - seed * 20, 30, 440 - seed * 20, 90), fill=(250, 210, 60))
    draw.rectangle((120, 170, 230, 250), fill=(235, 225, 200))
    draw.polygon([(105, 172), (175, 115), (245, 172)], fill=(160, 60, 40))
    draw.rectangle((165, 205, 190, 250), fill=(110, 70, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seed_outreach(*, province: Area) -> int:
    """The demo activities and models of ``province``; returns the number of activities created."""
    communes = list(
        Area.objects.filter(parent=province, level=AreaLevel.COMMUNE, is_active=True)
        .exclude(name="Xã Bù Gia Mập")  # the scope sweep's foreign commune: kept out of the shared catalogue
        .order_by("code")
    )
    if Activity.objects.filter(area__path__startswith=province.path).exists() or len(communes) < 8:
        return 0
    department = OrgUnit.objects.filter(area=province, kind=OrgUnitKind.DEPARTMENT).first()
    today = timezone.localdate()
    year = today.year
    bu_gia_map = Area.objects.filter(parent=province, name="Xã Bù Gia Mập").first()
    places = [bu_gia_map or communes[0], communes[1], communes[2], communes[3]]
    created = 0
    for month, day, kind, place, topic, audience, funding, cost in ACTIVITIES:
        date = dt.date(year, month, day)
        if date > today:
            date = dt.date(year - 1, month, day)
        provincial = place is None
        services.activity_create(
            area=province if provincial else places[place or 0],
            kind=kind,
            date=date,
            topic=topic,
            funding=funding,
            organiser_unit=department if provincial else None,
            organiser="" if provincial and department else "Ủy ban nhân dân xã",
            audience=audience,
            cost=cost,
            acting_user=None,
        )
        created += 1
    for i, (title, field, description, results, joined, escaped, color) in enumerate(MODELS):
        commune = communes[4 + i]
        model = services.good_model_create(
            commune=commune,
            title=title,
            field=field,
            description=description,
            results=results,
            started_on=dt.date(year - 3 + i % 2, 3, 1),
            households_joined=joined,
            households_escaped=escaped,
            uploads=[SimpleUploadedFile(f"mo-hinh-{i + 1}.png", _png(color, i), content_type="image/png")],
            caption=title,
            acting_user=None,
        )
        services.replication_add(
            good_model=model,
            commune=communes[(8 + i) % len(communes)],
            year=year - 1 + i % 2,
            note="Học tập, nhân rộng sau chuyến tham quan",
            acting_user=None,
        )
    return created
