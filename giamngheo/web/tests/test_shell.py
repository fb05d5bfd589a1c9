from __future__ import annotations

import datetime as dt
import re

from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from giamngheo.core.audit import audit_record
from giamngheo.core.models import AuditRecord


def test_vietnamese_number_and_date_formats() -> None:
    template = Template('{% load gn %}{{ n }}|{{ n|vn_number }}|{{ d|date:"SHORT_DATE_FORMAT" }}|{{ m|vnd }}')
    context = Context({"n": 1234567, "d": dt.date(2026, 11, 25), "m": 1500000})
    with translation.override("vi"):
        assert template.render(context) == "1.234.567|1.234.567|25/11/2026|1.500.000 đ"
    with translation.override("en"):
        assert template.render(context) == "1,234,567|1,234,567|25/11/2026|1,500,000 đ"


def test_shell_is_vietnamese_by_default_and_english_on_request(users) -> None:
    client = Client()
    client.force_login(users["chuyenvien"])
    body = client.get(reverse("web:home")).content.decode()
    assert '<html lang="vi">' in body and "Đơn vị hành chính" in body
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("web:home")).content.decode()
    assert '<html lang="en">' in body and "Administrative units" in body


def test_unknown_url_gives_a_friendly_404(users) -> None:
    client = Client()
    client.force_login(users["canbo.tranbien"])
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_foreign_object_id_is_the_same_404_as_a_missing_one(users, commune_a) -> None:
    client = Client()
    client.force_login(users["canbo.tranbien"])
    foreign = client.get(reverse("geo:area-detail", args=[commune_a.pk]))
    missing = client.get(reverse("geo:area-detail", args=[10**9]))
    assert foreign.status_code == missing.status_code == 404

    # Identical apart from the per-response masked CSRF token and the requested path.
    def strip(body: bytes, pk: int) -> str:
        text = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", body.decode())
        return text.replace(f"/geo/{pk}/", "/geo/ID/")

    assert strip(foreign.content, commune_a.pk) == strip(missing.content, 10**9)


def test_home_for_every_role(users) -> None:
    for username, user in users.items():
        client = Client()
        client.force_login(user)
        response = client.get(reverse("web:home"))
        assert response.status_code == 200, username
        assert user.get_role_display() in response.content.decode()


def test_commune_officer_menu_hides_what_they_cannot_use(users) -> None:
    client = Client()
    client.force_login(users["canbo.bugiamap"])
    labels = [m["url"] for m in client.get(reverse("web:home")).context["shell"]["modules"]]
    assert reverse("geo:commune-list") in labels
    assert reverse("web:user-list") not in labels and reverse("web:audit-list") not in labels


def test_audit_trail_is_for_administrators(users) -> None:
    record = audit_record(
        actor=users["admin"], action="test.action", target=users["lanhdao"], before={"a": 1}, after={"a": 2}
    )
    admin = Client()
    admin.force_login(users["admin"])
    listing = admin.get(reverse("web:audit-list"), {"action": "test."})
    assert listing.context["page_obj"].paginator.count == 1
    detail = admin.get(reverse("web:audit-detail", args=[record.pk]))
    assert detail.context["record"].changes() == [("a", 1, 2)]
    other = Client()
    other.force_login(users["chuyenvien"])
    assert other.get(reverse("web:audit-list")).status_code == 403
    assert AuditRecord.objects.filter(action="test.action").count() == 1


def test_bad_date_in_audit_filter_is_a_message_not_a_crash(users) -> None:
    client = Client()
    client.force_login(users["admin"])
    response = client.get(reverse("web:audit-list"), {"date_from": "31/02/2026"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]


def test_an_english_browser_still_gets_vietnamese_until_the_user_chooses(users) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.force_login(users["chuyenvien"])
    assert '<html lang="vi">' in client.get(reverse("web:home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("web:home")).content.decode()
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("web:home")).content.decode()
