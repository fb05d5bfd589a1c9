"""The Content-Security-Policy in a real browser (issue 12, finding 7): the main pages of a commune officer
and of a provincial specialist load without a single CSP violation, and what used to be inline code still
works from js/app.js: the selects that submit their form, the buttons that ask first, the progress bars, the
policy form's member conditions and htmx's live search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from giamngheo.demo.seed import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Reports every violation to the console, where Chromium also writes its own "Refused to …" messages.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy violation: " + e.violatedDirective + " " + e.blockedURI
    + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def violations(page):  # type: ignore[no-untyped-def]
    found: list[str] = []

    def seen(message) -> None:  # type: ignore[no-untyped-def]
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            found.append(f"{page.url}: {text}")

    page.on("console", seen)
    page.on("pageerror", lambda error: found.append(f"{page.url}: script error {error}"))
    page.add_init_script(REPORT_VIOLATIONS)
    return found


@pytest.fixture
def data(seeded):  # type: ignore[no-untyped-def]
    """Two review rounds (the tables' round selector), a household in the officer's commune."""
    from giamngheo.geo.models import Area
    from giamngheo.households.tests.factories import make_household
    from giamngheo.reviews import services
    from giamngheo.reviews.models import CommuneReview

    commune = Area.objects.get(name="Xã Bù Gia Mập")
    province = commune.parent
    rounds = [services.round_open(province=province, year=year, acting_user=None) for year in (2025, 2026)]
    household = make_household(commune, head="Điểu Thị Thử", category="poor", code="CSP-01")
    review = CommuneReview.objects.get(round=rounds[1], commune=commune)
    return {"commune": commune, "rounds": rounds, "household": household, "review": review}


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def visit(page, path: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert "script-src 'self'" in (response.header_value("content-security-policy") or ""), path
    page.wait_for_load_state("load")
    # Deferred scripts have run: app.js has set the progress bars' widths.
    for bar in page.locator("[data-width]").all():
        expected = float(bar.get_attribute("data-width") or "0")
        assert bar.evaluate("el => el.style.width") == f"{expected:g}%", path


def test_the_browser_enforces_the_policy_and_the_watch_sees_violations(page, violations) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<div style=\"color: red\">x</div>')")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.ran") is None
    assert any("style-src" in v for v in violations) and any("script-src" in v for v in violations)


def test_officer_pages_load_without_violation_and_the_behaviour_works(page, violations, data) -> None:  # type: ignore[no-untyped-def]
    household, review, commune = data["household"], data["review"], data["commune"]
    sign_in(page, "canbo.bugiamap")
    for path in (
        "/",
        f"/households/{household.pk}/",
        f"/households/{household.pk}/edit/",
        f"/policies/households/{household.pk}/",
        "/reviews/",
        f"/reviews/communes/{review.pk}/",
        "/tables/",
        "/tables/summary/",
        "/tables/forms/7-1/",
        "/tables/poor/",
        "/policies/",
        "/policies/coverage/",
        "/policies/support/",
        "/data/import/",
        "/data/support/",
        "/geo/",
        f"/geo/{commune.pk}/",
        "/accounts/me/",
        "/accounts/password/",
    ):
        visit(page, path)

    # htmx's live search swaps the table in (no eval, no injected style).
    visit(page, "/households/")
    page.fill("input[name=q]", "Thử")
    expect(page.locator("tbody tr")).to_have_count(1)  # (wait_for_function would need eval: refused)
    assert household.code in page.locator("tbody").inner_text()

    # The commune review's progress bar and its confirmed buttons.
    visit(page, f"/reviews/communes/{review.pk}/")
    assert page.locator(".progress-bar[data-width]").count() >= 1

    # The round selector submits itself when changed.
    visit(page, "/tables/poor/?year=2026")
    with page.expect_navigation():
        page.select_option("#round-year", "2025")
    assert "year=2025" in page.url
    assert page.locator("#round-year").input_value() == "2025"

    # An export job: its page, then the list of jobs with its progress bar.
    visit(page, "/households/")
    with page.expect_navigation():
        page.get_by_test_id("export-members-csv").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    visit(page, page.url)
    visit(page, "/jobs/")
    assert page.locator(".progress-bar[data-width='100']").count() >= 1

    # The language select submits itself too.
    visit(page, "/")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations == []


def test_specialist_pages_load_without_violation_and_the_behaviour_works(page, violations, data) -> None:  # type: ignore[no-untyped-def]
    from giamngheo.geo.models import DifficultyPeriod
    from giamngheo.policies.models import Policy
    from giamngheo.reviews.models import ReviewRound

    commune, rounds = data["commune"], data["rounds"]
    sign_in(page, "chuyenvien")
    policy = Policy.objects.order_by("code").first()
    assert policy is not None
    for path in (
        "/",
        "/households/",
        "/reviews/",
        f"/reviews/rounds/{rounds[1].pk}/",
        "/tables/summary/",
        "/policies/coverage/",
        "/policies/coverage/matrix/",
        f"/policies/{policy.code}/",
        "/jobs/",
        "/data/import/",
        "/geo/",
    ):
        visit(page, path)

    # The round list's progress bars get their widths from data-width (checked by visit).
    visit(page, "/reviews/")
    assert page.locator(".progress-bar[data-width]").count() >= 2

    # The commune select of a household list submits itself.
    visit(page, "/tables/poor/?year=2026")
    with page.expect_navigation():
        page.select_option("#list-commune", str(commune.pk))
    assert f"commune={commune.pk}" in page.url and "year=2026" in page.url

    # Closing the round asks first, in Vietnamese; refused, nothing is sent.
    visit(page, f"/reviews/rounds/{rounds[1].pk}/")
    messages: list[str] = []

    def refuse(dialog) -> None:  # type: ignore[no-untyped-def]
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    page.get_by_role("button", name="Đóng đợt rà soát").click()
    page.wait_for_timeout(500)
    assert messages == ["Đóng đợt rà soát này? Sau khi đóng, không xã nào có thể thay đổi kết quả rà soát."]
    assert page.url.endswith(f"/reviews/rounds/{rounds[1].pk}/")
    assert ReviewRound.objects.get(pk=rounds[1].pk).status == "open"

    # Removing an especially difficult period: refused, it stays; accepted, it is removed.
    periods = DifficultyPeriod.objects.filter(area=commune)
    assert periods.count() == 1
    visit(page, f"/geo/{commune.pk}/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Xóa", exact=True).click()
    page.wait_for_timeout(500)
    assert periods.count() == 1
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.get_by_role("button", name="Xóa", exact=True).click()
    assert messages[-1] == "Xóa giai đoạn này?"
    assert periods.count() == 0

    # The policy form: the member conditions are off until the policy is given to members.
    visit(page, f"/policies/{policy.code}/edit/")
    member_box = page.locator("fieldset[data-for-level='member']")
    page.select_option("select[name=level]", "household")
    assert member_box.evaluate("el => el.disabled") is True
    page.select_option("select[name=level]", "member")
    assert member_box.evaluate("el => el.disabled") is False
    assert violations == []
