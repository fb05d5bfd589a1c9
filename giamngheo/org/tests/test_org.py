from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.core.errors import ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.org import selectors
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff
from giamngheo.org.services import org_unit_create, org_unit_update


@pytest.fixture
def department(db) -> OrgUnit:  # type: ignore[no-untyped-def]
    return OrgUnit.objects.get(kind=OrgUnitKind.DEPARTMENT)


def test_department_name_is_data_and_shown_in_the_shell(users, department) -> None:
    client = Client()
    client.force_login(users["chuyenvien"])
    assert department.name in client.get(reverse("web:home")).content.decode()
    org_unit_update(
        unit=department,
        name="Sở Nông nghiệp và Môi trường tỉnh Đồng Nai (tên mới)",
        legal_source="QĐ đổi tên",
        acting_user=users["vanphong"],
    )
    assert "(tên mới)" in client.get(reverse("web:home")).content.decode()
    record = AuditRecord.objects.filter(action="org.unit.update").latest("pk")
    assert record.after["name"].endswith("(tên mới)") and not record.before["name"].endswith("(tên mới)")


def test_moving_a_unit_rebuilds_paths_below_it(users, department) -> None:
    division = org_unit_create(
        name="Phòng A",
        kind=OrgUnitKind.DIVISION,
        parent=department,
        area=department.area,
        acting_user=users["vanphong"],
    )
    team = org_unit_create(
        name="Tổ B", kind=OrgUnitKind.OTHER, parent=division, area=None, acting_user=users["vanphong"]
    )
    other = department.children.exclude(pk=division.pk).first()
    org_unit_update(unit=division, parent=other, acting_user=users["vanphong"])
    team.refresh_from_db()
    assert team.path.startswith(other.path)
    with pytest.raises(ValidationFailed):
        org_unit_update(unit=other, parent=team, acting_user=users["vanphong"])


def test_units_other_than_a_department_need_a_parent(users, department) -> None:
    with pytest.raises(ValidationFailed):
        org_unit_create(
            name="Phòng lạc", kind=OrgUnitKind.DIVISION, parent=None, area=department.area, acting_user=None
        )


def test_staff_list_is_scoped_and_searchable_without_diacritics(users) -> None:
    head = users["truongphong"]
    visible = selectors.staff_list(user=head)
    assert visible.exists()
    assert {s.org_unit.short_name for s in visible} == {"PTNT-GN"}
    someone = visible.first()
    from giamngheo.core.text import fold

    found = selectors.staff_list(user=head, q=fold(someone.full_name).upper())
    assert someone in found
    assert selectors.staff_list(user=users["canbo.bugiamap"]).count() == 0


def test_office_adds_staff_through_the_form(users, department) -> None:
    client = Client()
    client.force_login(users["vanphong"])
    unit = department.children.filter(is_active=True).first()
    response = client.post(
        reverse("org:staff-create"),
        {
            "full_name": "Trần Thị Thu Hà",
            "org_unit": unit.pk,
            "position": "Chuyên viên",
            "staff_type": "public_employee",
            "sex": "F",
            "date_of_birth": "25/11/1990",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    staff = Staff.objects.get(full_name="Trần Thị Thu Hà")
    assert staff.date_of_birth.isoformat() == "1990-11-25"
    bad = client.post(
        reverse("org:staff-create"),
        {
            "full_name": "X",
            "org_unit": unit.pk,
            "staff_type": "worker",
            "date_of_birth": "31/02/1990",
        },
    )
    assert bad.status_code == 200 and bad.context["form"].errors["date_of_birth"]


def test_staff_edit_is_audited_with_old_and_new_values(users) -> None:
    client = Client()
    client.force_login(users["vanphong"])
    staff = Staff.objects.first()
    old_position = staff.position
    data = {
        "full_name": staff.full_name,
        "org_unit": staff.org_unit_id,
        "position": "Phó Chánh Văn phòng",
        "staff_type": staff.staff_type,
        "sex": staff.sex,
        "is_active": "on",
    }
    assert client.post(reverse("org:staff-update", args=[staff.pk]), data).status_code == 302
    record = AuditRecord.objects.filter(action="org.staff.update", target_id=str(staff.pk)).latest("pk")
    assert record.before["position"] == old_position and record.after["position"] == "Phó Chánh Văn phòng"


def test_viewer_may_look_but_not_edit(users) -> None:
    client = Client()
    client.force_login(users["lanhdao"])
    assert client.get(reverse("org:unit-list")).status_code == 200
    assert client.get(reverse("org:unit-create")).status_code == 403
