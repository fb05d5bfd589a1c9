"""The first draft of a document's narrative, written from its ``Figures`` (pure: no database). The office
edits it before generating; the figures quoted here are the ones the tables print (the same ``Figures``).

Structure (shared/domain/document-format.md §13–14): a report opens with what it reports, then
I. direction, II. results (poverty, targets, activities, emulation and commendation), III. assessment,
IV. tasks ahead, V. proposals, and "Trên đây là …./."; a plan: purposes and requirements, contents,
targets, organisation."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from giamngheo.core.docformat import vn_number

from .choices import DocumentKind, TableKey
from .generator import Figures

MOVEMENT = "“Vì người nghèo – Không để ai bị bỏ lại phía sau”"


@dataclass(frozen=True)
class SectionDraft:
    heading: str
    text: str
    tables: tuple[str, ...] = ()


def num(value: int | None) -> str:
    return "…" if value is None else vn_number(value)


def pct(value: Decimal | None) -> str:
    return "…" if value is None else f"{value:.2f}".replace(".", ",") + "%"


def default_title(kind: str, year: int) -> str:
    if kind == DocumentKind.FINAL_REPORT:
        return f"Tổng kết phong trào thi đua {MOVEMENT} năm {year} và phương hướng, nhiệm vụ năm {year + 1}"
    if kind == DocumentKind.INTERIM_REPORT:
        return (
            f"Sơ kết 6 tháng đầu năm {year} phong trào thi đua {MOVEMENT} và nhiệm vụ trọng tâm "
            f"6 tháng cuối năm {year}"
        )
    return f"Tiếp tục thực hiện phong trào thi đua {MOVEMENT} năm {year}"


def _poverty_text(f: Figures) -> str:
    y = f.poverty_year
    start, end = f.count("start_poor"), f.count("poor")
    lines = [
        f"Theo kết quả rà soát hộ nghèo, hộ cận nghèo năm {y}, toàn tỉnh có {num(f.count('households'))} hộ "
        f"dân cư; số hộ nghèo đầu năm là {num(start)} hộ (tỷ lệ {pct(f.start_poverty_rate)}), cuối năm còn "
        f"{num(end)} hộ (tỷ lệ {pct(f.rate('poverty_rate'))}); số hộ cận nghèo cuối năm là "
        f"{num(f.count('near_poor'))} hộ (tỷ lệ {pct(f.rate('near_poverty_rate'))}).",
        f"Trong năm có {num(f.count('escaped_poverty'))} hộ thoát nghèo, {num(f.count('fallen_back'))} hộ "
        f"tái nghèo và {num(f.count('newly_poor'))} hộ nghèo phát sinh (chi tiết tại Bảng số liệu kèm theo).",
    ]
    return "\n".join(lines)


def _targets_text(f: Figures) -> str:
    if not f.targets:
        return "Kế hoạch giảm nghèo của tỉnh chưa giao chỉ tiêu cho năm này."
    achieved = sum(1 for t in f.targets if t.status_key == "achieved")
    return (
        f"Kế hoạch năm {f.year} có {len(f.targets)} chỉ tiêu giảm nghèo; đến thời điểm báo cáo có {achieved} "
        "chỉ tiêu đã đạt. Tình hình thực hiện từng chỉ tiêu so với kế hoạch được tổng hợp tại bảng dưới đây."
    )


def _activities_text(f: Figures) -> str:
    parts = []
    for a in f.activities:
        if a.count is None:
            continue
        text = f"{a.name}: {num(a.count)} {a.unit}"
        if a.rate is not None:
            text += f" (đạt {pct(a.rate)})"
        parts.append("- " + text + ";")
    if not parts:
        return "Chưa có số liệu về các hoạt động hỗ trợ giảm nghèo của năm."
    parts[-1] = parts[-1][:-1] + "."
    return "\n".join(parts)


def _emulation_text(f: Figures) -> str:
    e, a = f.emulation, f.awards
    lines = [
        f"Năm {e.year} có {e.participants} đơn vị tham gia phong trào; {e.registered} đơn vị đã đăng ký thi "
        f"đua ({e.approved} đăng ký được phê duyệt) với {e.individual_titles} cá nhân đăng ký danh hiệu; "
        f"Hội đồng Thi đua - Khen thưởng đã chấm điểm {e.scored} đơn vị; {e.initiatives} sáng kiến được "
        "công nhận.",
    ]
    if a.rows:
        money = f", tổng tiền thưởng {num(a.amount)} đồng" if a.amount is not None else ""
        lines.append(
            f"Công tác khen thưởng: {a.collective} tập thể, "
            f"{a.individual} cá nhân và {a.household} hộ gia đình "
            f"được khen thưởng{money}."
        )
    else:
        lines.append("Công tác khen thưởng của năm đang được thực hiện.")
    return "\n".join(lines)


def _report(f: Figures, *, final: bool) -> list[SectionDraft]:
    y = f.year
    period = f"năm {y}" if final else f"6 tháng đầu năm {y}"
    ahead = f"năm {y + 1}" if final else f"6 tháng cuối năm {y}"
    word = "tổng kết" if final else "sơ kết"
    plans = "; ".join(f.emulation.plans) or f"Kế hoạch thực hiện phong trào thi đua năm {y}"
    return [
        SectionDraft(
            "",
            f"Thực hiện phong trào thi đua {MOVEMENT}, {f.department} báo cáo {word} kết quả thực hiện "
            f"{period} như sau:",
        ),
        SectionDraft(
            "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI",
            f"{f.department} đã ban hành và triển khai: {plans}. Các phòng, đơn vị trực thuộc đã quán triệt "
            "đến toàn thể công chức, viên chức, người lao động; đăng ký thi đua và tổ chức thực hiện gắn với "
            "nhiệm vụ chuyên môn được giao.",
        ),
        SectionDraft("II. KẾT QUẢ THỰC HIỆN", ""),
        SectionDraft("1. Kết quả giảm nghèo", _poverty_text(f), (TableKey.POVERTY,)),
        SectionDraft("2. Kết quả thực hiện các chỉ tiêu", _targets_text(f), (TableKey.TARGETS,)),
        SectionDraft(
            "3. Kết quả các hoạt động hỗ trợ giảm nghèo", _activities_text(f), (TableKey.ACTIVITIES,)
        ),
        SectionDraft(
            "4. Kết quả phong trào thi đua và công tác khen thưởng",
            _emulation_text(f),
            (TableKey.EMULATION, TableKey.AWARDS),
        ),
        SectionDraft(
            "III. ĐÁNH GIÁ CHUNG",
            "1. Ưu điểm: phong trào được triển khai đồng bộ, gắn với nhiệm vụ chuyên môn; các chỉ tiêu giảm "
            "nghèo cơ bản đạt kế hoạch.\n"
            "2. Tồn tại, hạn chế: một số đơn vị đăng ký thi "
            "đua, gửi báo cáo chưa đúng thời hạn; kết quả giảm "
            "nghèo ở một số địa bàn chưa bền vững.\n"
            "3. Nguyên nhân: (nêu nguyên nhân chủ quan, khách quan).",
        ),
        SectionDraft(
            f"IV. PHƯƠNG HƯỚNG, NHIỆM VỤ {ahead.upper()}",
            f"- Tiếp tục đẩy mạnh phong trào thi đua {MOVEMENT}, gắn với thực hiện các chỉ tiêu giảm nghèo "
            f"{ahead};\n"
            "- Theo dõi, hỗ trợ các địa bàn có tỷ lệ hộ nghèo cao, phòng ngừa tái nghèo, nghèo phát sinh;\n"
            "- Kịp thời phát hiện, biểu dương, khen thưởng các tập thể, cá nhân điển hình.",
        ),
        SectionDraft("V. ĐỀ XUẤT, KIẾN NGHỊ", "(Nêu các đề xuất, kiến nghị với cấp trên, nếu có)."),
        SectionDraft(
            "",
            f"Trên đây là báo cáo {word} phong trào thi đua {MOVEMENT} {period} của {f.department}./.",
        ),
    ]


def _plan(f: Figures) -> list[SectionDraft]:
    y = f.year
    return [
        SectionDraft(
            "",
            f"Căn cứ kết quả thực hiện phong trào thi đua {MOVEMENT} năm {y - 1}, {f.department} ban hành "
            f"Kế hoạch tiếp tục thực hiện phong trào năm {y} như sau:",
        ),
        SectionDraft(
            "I. MỤC ĐÍCH, YÊU CẦU",
            "1. Mục đích: phát huy tinh thần đoàn kết, tương thân tương ái, huy động nguồn lực hỗ trợ người "
            "nghèo; gắn phong trào thi đua với thực hiện thắng "
            "lợi các chỉ tiêu giảm nghèo bền vững của tỉnh.\n"
            "2. Yêu cầu: 100% phòng, đơn vị trực thuộc và công "
            "chức, viên chức, người lao động đăng ký thi đua; "
            "nội dung thi đua thiết thực, có tiêu chí đánh giá cụ thể; sơ kết, tổng kết và khen thưởng kịp "
            "thời, đúng quy định.",
        ),
        SectionDraft(
            "II. NỘI DUNG THI ĐUA",
            "1. Các phòng, đơn vị ban hành văn bản hướng dẫn đúng thời hạn được giao;\n"
            "2. Thực hiện các chỉ tiêu giảm nghèo, hỗ trợ hộ "
            "nghèo, hộ cận nghèo trên địa bàn được phân công;\n"
            "3. Tham gia đóng góp Quỹ “Vì người nghèo”, hỗ trợ người dân bị ảnh hưởng thiên tai;\n"
            "4. Tuyên truyền, nhân rộng mô hình giảm nghèo hiệu quả; đề xuất, áp dụng sáng kiến.",
        ),
        SectionDraft(
            "III. CHỈ TIÊU",
            f"Kết quả giảm nghèo năm {f.poverty_year} làm cơ sở xây dựng chỉ tiêu:\n" + _poverty_text(f),
            (TableKey.POVERTY,),
        ),
        SectionDraft(f"Các chỉ tiêu năm {y}", _targets_text(f), (TableKey.TARGETS,)),
        SectionDraft(
            "IV. TỔ CHỨC THỰC HIỆN",
            "1. Văn phòng Sở: tham mưu triển khai Kế hoạch; theo "
            "dõi, tổng hợp kết quả, báo cáo sơ kết 6 tháng "
            "và tổng kết năm; tham mưu Hội đồng Thi đua - Khen thưởng Sở chấm điểm, xét khen thưởng.\n"
            "2. Các phòng, đơn vị trực thuộc: đăng ký thi đua trước ngày 31 tháng 3; xây dựng kế hoạch của "
            "đơn vị; gửi báo cáo định kỳ đúng thời hạn.\n"
            "3. Phòng Phát triển nông thôn và Giảm nghèo: hướng dẫn, theo dõi thực hiện các chỉ tiêu giảm "
            "nghèo./.",
        ),
    ]


def draft(f: Figures) -> list[SectionDraft]:
    if f.kind == DocumentKind.PLAN:
        return _plan(f)
    return _report(f, final=f.kind == DocumentKind.FINAL_REPORT)
