"""The REST API with real tokens over real requests: authentication, scope, capabilities, idempotency,
tombstones, cursors, rate limits and Vietnamese errors."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from conftest import client_for
from giamngheo.api.models import ApiToken
from giamngheo.api.services import secret_hash, token_create
from giamngheo.households.models import Household, Member
from giamngheo.households.tests.factories import make_household


class Api:
    """A client that sends a personal token."""

    def __init__(self, user: Any) -> None:
        self.token, self.secret = token_create(user=user, name="test", expires_on=None, acting_user=user)
        self.client = Client()
        self.user = user

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {
            "HTTP_AUTHORIZATION": f"Bearer {self.secret}",
            **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (extra or {}).items()},
        }

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, params, **self._headers())

    def send(self, method: str, url: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return getattr(self.client, method)(
            url, json.dumps(body), content_type="application/json", **self._headers(headers)
        )


def _village(commune: Any) -> Any:
    return commune.children.order_by("code").first()


@pytest.fixture
def officer_a(users):  # type: ignore[no-untyped-def]
    return Api(users["canbo.bugiamap"])


@pytest.fixture
def officer_b(users):  # type: ignore[no-untyped-def]
    return Api(users["canbo.tranbien"])


@pytest.fixture
def foreign(commune_a):  # type: ignore[no-untyped-def]
    return make_household(
        commune_a,
        head="Lò Thị Ngoại Vùng",
        members=[
            {
                "full_name": "Lò Văn Ngoại",
                "sex": "M",
                "date_of_birth": dt.date(1980, 1, 1),
                "relationship": "spouse",
            }
        ],
    )


# Tokens ----------------------------------------------------------------------


def test_token_is_hashed_at_rest_and_authenticates(officer_b: Api) -> None:
    stored = ApiToken.objects.get(pk=officer_b.token.pk)
    assert officer_b.secret not in (stored.secret_hash, stored.prefix, stored.name)
    assert stored.secret_hash == secret_hash(officer_b.secret)
    assert officer_b.secret.startswith(stored.prefix)
    response = officer_b.get("/api/households", limit=1)
    assert response.status_code == 200, response.content
    stored.refresh_from_db()
    assert stored.last_used_at is not None


@pytest.mark.parametrize("problem", ["missing", "wrong", "revoked", "expired", "inactive"])
def test_refused_tokens_get_401_in_vietnamese(officer_b: Api, problem: str) -> None:
    headers: dict[str, str] = {"HTTP_AUTHORIZATION": f"Bearer {officer_b.secret}"}
    if problem == "missing":
        headers = {}
    elif problem == "wrong":
        headers = {"HTTP_AUTHORIZATION": "Bearer gn_not-a-token"}
    elif problem == "revoked":
        ApiToken.objects.filter(pk=officer_b.token.pk).update(revoked_at=timezone.now())
    elif problem == "expired":
        ApiToken.objects.filter(pk=officer_b.token.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    else:
        type(officer_b.user).objects.filter(pk=officer_b.user.pk).update(is_active=False)
    response = Client().get("/api/households", **headers)
    assert response.status_code == 401
    detail = response.json()["detail"]
    expected = {
        "missing": "Hãy đăng nhập",
        "wrong": "không hợp lệ",
        "revoked": "đã bị thu hồi",
        "expired": "đã hết hạn",
        "inactive": "đã bị khóa",
    }[problem]
    assert expected in detail, detail


def test_token_page_creates_shows_once_and_revokes(users) -> None:  # type: ignore[no-untyped-def]
    user = users["canbo.tranbien"]
    user.set_password("mật-khẩu-thử")
    user.save()
    client = client_for(user)
    wrong = client.post("/api/tokens/", {"name": "Kho dữ liệu tỉnh", "expires_on": "", "password": "sai"})
    assert "Mật khẩu không đúng" in wrong.content.decode()
    assert not ApiToken.objects.filter(user=user).exists()
    assert "/api/tokens/" in client.get("/accounts/me/").content.decode()
    page = client.post(
        "/api/tokens/", {"name": "Kho dữ liệu tỉnh", "expires_on": "", "password": "mật-khẩu-thử"}
    )
    assert page.status_code == 200
    token = ApiToken.objects.get(user=user, name="Kho dữ liệu tỉnh")
    body = page.content.decode()
    secret = body.split('id="new-token">')[1].split("<")[0]
    assert secret_hash(secret) == token.secret_hash
    assert secret not in client.get("/api/tokens/").content.decode()  # shown once
    assert Client().get("/api/households", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    client.post(f"/api/tokens/{token.pk}/revoke/", {"confirmed": "1"})
    assert Client().get("/api/households", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    # Another user cannot revoke it (404) and does not see it.
    other = client_for(users["canbo.bugiamap"])
    assert other.post(f"/api/tokens/{token.pk}/revoke/", {"confirmed": "1"}).status_code == 404
    assert "Kho dữ liệu tỉnh" not in other.get("/api/tokens/").content.decode()


# Scope and capabilities ----------------------------------------------------------------------


def test_foreign_household_is_404_and_never_listed(
    officer_b: Api, foreign: Household, commune_a, commune_b
) -> None:  # type: ignore[no-untyped-def]
    member = foreign.members.get(full_name="Lò Văn Ngoại")
    own = make_household(commune_b)
    for url in (
        f"/api/households/{foreign.pk}",
        f"/api/households/{foreign.pk}/members",
        f"/api/members/{member.pk}",
    ):
        response = officer_b.get(url)
        assert response.status_code == 404, url
        assert response.json()["detail"]
    patch = officer_b.send(
        "patch", f"/api/households/{foreign.pk}", {"version": foreign.version, "phone": "1"}
    )
    assert patch.status_code == 404
    delete = officer_b.client.delete(
        f"/api/households/{foreign.pk}?version={foreign.version}", **officer_b._headers()
    )
    assert delete.status_code == 404
    assert Household.objects.filter(pk=foreign.pk, phone="").exists()
    # Lists: never the foreign household, whatever the filter; a filter on a foreign commune is empty.
    seen = _walk(officer_b, "/api/households", limit=500)
    assert foreign.pk not in seen and own.pk in seen
    assert officer_b.get("/api/households", commune=commune_a.code).json()["items"] == []
    assert officer_b.get("/api/households", commune="no-such-code").json()["items"] == []
    assert officer_b.get("/api/members", commune=commune_a.code).json()["items"] == []
    assert member.pk not in _walk(officer_b, "/api/members", limit=500)


def test_unknown_filter_is_an_error(officer_b: Api) -> None:
    response = officer_b.get("/api/households", comune="75")
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "comune"
    assert "không" in body["detail"].lower()
    # A malformed filter value is a 400 too, an id that names nothing a 404.
    assert officer_b.get("/api/households", updated_since="hôm qua").status_code == 400
    assert officer_b.get("/api/households/99999999999999999999").status_code == 404
    assert officer_b.get("/api/households/abc").status_code == 404


def test_viewer_reads_but_cannot_write(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    viewer = Api(users["lanhdao"])
    assert viewer.get("/api/households", limit=1).status_code == 200
    before = Household.objects.count()
    response = viewer.send(
        "post",
        "/api/households",
        {
            "commune_id": commune_b.pk,
            "village_id": _village(commune_b).pk,
            "code": "V-1",
            "head_name": "Viewer",
        },
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Vai trò của bạn không cho phép thao tác này."
    assert Household.objects.count() == before
    # A member's ID number is masked for a role without VIEW_PERSONAL_IDS.
    with_id = Member.objects.filter(household__commune=commune_b).exclude(national_id=None).first()
    if with_id is not None:
        shown = viewer.get(f"/api/members/{with_id.pk}").json()["national_id"]
        assert shown != with_id.national_id


def test_create_update_delete_through_the_services(officer_b: Api, commune_b) -> None:  # type: ignore[no-untyped-def]
    village = _village(commune_b)
    created = officer_b.send(
        "post",
        "/api/households",
        {
            "commune_id": commune_b.pk,
            "village_id": village.pk,
            "code": "API-0001",
            "head_name": "Trần Văn Api",
            "income_per_capita": 1_200_000,
            "devices": ["tv"],
        },
    )
    assert created.status_code == 201, created.content
    household = created.json()
    assert household["income_per_capita"] == 1_200_000 and household["version"] == 1
    from giamngheo.core.models import AuditRecord

    assert AuditRecord.objects.filter(
        action="households.household.create", target_id=str(household["id"])
    ).exists()
    stale = officer_b.send("patch", f"/api/households/{household['id']}", {"version": 7, "phone": "0909"})
    assert stale.status_code == 409
    updated = officer_b.send("patch", f"/api/households/{household['id']}", {"version": 1, "phone": "0909"})
    assert updated.status_code == 200 and updated.json()["phone"] == "0909" and updated.json()["version"] == 2
    duplicate = officer_b.send(
        "post",
        "/api/households",
        {"commune_id": commune_b.pk, "village_id": village.pk, "code": "API-0001", "head_name": "X"},
    )
    assert duplicate.status_code == 422
    error = duplicate.json()["errors"][0]
    assert error["field"] == "code" and error["field_name"] == "Mã hộ"
    bad = officer_b.send(
        "post", "/api/households", {"commune_id": commune_b.pk, "village_id": village.pk, "code": "A"}
    )
    assert bad.status_code == 422
    missing = bad.json()["errors"][0]
    assert missing["field"] == "head_name" and missing["field_name"] == "Chủ hộ" and missing["message"]


# Idempotency ----------------------------------------------------------------------


def test_idempotent_create(officer_b: Api, commune_b) -> None:  # type: ignore[no-untyped-def]
    body = {
        "commune_id": commune_b.pk,
        "village_id": _village(commune_b).pk,
        "code": "IDEM-1",
        "head_name": "Một Lần",
    }
    first = officer_b.send("post", "/api/households", body, {"Idempotency-Key": "k-1"})
    again = officer_b.send("post", "/api/households", body, {"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Household.objects.filter(commune=commune_b, code="IDEM-1").count() == 1
    other = officer_b.send("post", "/api/households", {**body, "code": "IDEM-2"}, {"Idempotency-Key": "k-1"})
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["detail"]
    assert not Household.objects.filter(code="IDEM-2").exists()
    # The key is the user's own: another user's same key is another request.
    colleague = Api(officer_b.user)
    assert colleague.send("post", "/api/households", body, {"Idempotency-Key": "k-1"}).status_code == 201


def test_an_idempotency_key_expires_and_the_prune_deletes_only_expired_answers(
    officer_b: Api, commune_b, settings
) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from giamngheo.api.models import IdempotentRequest

    settings.API_IDEMPOTENCY_HOURS = 24
    body = {
        "commune_id": commune_b.pk,
        "village_id": _village(commune_b).pk,
        "code": "EXP-1",
        "head_name": "Hết Hạn",
    }
    assert officer_b.send("post", "/api/households", body, {"Idempotency-Key": "old"}).status_code == 201
    fresh = {**body, "code": "EXP-3"}
    assert officer_b.send("post", "/api/households", fresh, {"Idempotency-Key": "fresh"}).status_code == 201
    IdempotentRequest.objects.filter(key="old").update(created_at=timezone.now() - dt.timedelta(hours=25))
    # After the window the key is a new request: another body is accepted, not refused as a reuse.
    second = {**body, "code": "EXP-2"}
    assert officer_b.send("post", "/api/households", second, {"Idempotency-Key": "old"}).status_code == 201
    assert Household.objects.filter(commune=commune_b, code="EXP-2").exists()
    stored = IdempotentRequest.objects.get(key="old")
    assert stored.created_at > timezone.now() - dt.timedelta(hours=1)  # the expired answer was replaced
    IdempotentRequest.objects.filter(key="old").update(created_at=timezone.now() - dt.timedelta(hours=30))
    out = io.StringIO()
    call_command("api_prune", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["fresh"]


# Sync: cursors and tombstones ----------------------------------------------------------------------


def _walk(api: Api, url: str, **params: Any) -> list[int]:
    ids: list[int] = []
    response = api.get(url, **params)
    pages = 0
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        ids.extend(item["id"] for item in data["items"])
        pages += 1
        if not data["next"]:
            break
        response = api.client.get(data["next"], **api._headers())
    return ids


def test_cursor_walk_reads_everything_exactly_once(officer_b: Api, commune_b) -> None:  # type: ignore[no-untyped-def]
    for _i in range(8):
        make_household(commune_b)
    expected = set(Household.objects.filter(commune=commune_b).values_list("pk", flat=True))
    assert len(expected) >= 8
    ids = _walk(officer_b, "/api/households", limit=3)
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == expected


def test_updated_since_gives_edits_and_deletions(officer_b: Api, commune_b, officer_a: Api) -> None:  # type: ignore[no-untyped-def]
    household = make_household(
        commune_b,
        members=[
            {
                "full_name": "Đinh Văn Xoá",
                "sex": "M",
                "date_of_birth": dt.date(1990, 5, 5),
                "relationship": "child",
            }
        ],
    )
    mark = timezone.now()
    member = household.members.get(full_name="Đinh Văn Xoá")
    gone = officer_b.client.delete(
        f"/api/members/{member.pk}?version={member.version}", **officer_b._headers()
    )
    assert gone.status_code == 204, gone.content
    version = Household.objects.get(pk=household.pk).version
    edited = officer_b.send("patch", f"/api/households/{household.pk}", {"version": version, "phone": "1"})
    assert edited.status_code == 200
    since = mark.isoformat()
    changed = officer_b.get("/api/households", updated_since=since).json()["items"]
    assert household.pk in [h["id"] for h in changed]
    deleted = officer_b.get("/api/deleted", updated_since=since).json()["items"]
    assert {"kind": "member", "id": member.pk, "household_id": household.pk}.items() <= deleted[0].items()
    # Deleting the household leaves tombstones too; the other commune's officer sees none of them.
    current = Household.objects.get(pk=household.pk)
    assert (
        officer_b.client.delete(
            f"/api/households/{household.pk}?version={current.version}", **officer_b._headers()
        ).status_code
        == 204
    )
    kinds = {(t["kind"], t["id"]) for t in officer_b.get("/api/deleted", updated_since=since).json()["items"]}
    assert {("member", member.pk), ("household", household.pk)} <= kinds
    assert officer_a.get("/api/deleted", updated_since=since).json()["items"] == []


# Rate limits ----------------------------------------------------------------------


@pytest.fixture
def throttle_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The throttle's clock stopped, in a window of its own: a test's requests never straddle
    two fixed windows (one run here saw its 4th request allowed: its requests fell in two minutes), and no
    other run or worker counts in the same window."""
    import random
    import types

    from giamngheo.api import throttle

    now = random.randrange(10**6, 10**7) * 3600 + 1800.0
    monkeypatch.setattr(throttle, "time", types.SimpleNamespace(time=lambda: now))


@override_settings(API_RATE_LIMIT="3/min")
@pytest.mark.usefixtures("throttle_clock")
def test_rate_limit_per_token(officer_b: Api) -> None:
    codes = [officer_b.get("/api/policies").status_code for _i in range(4)]
    assert codes == [200, 200, 200, 429]
    response = officer_b.get("/api/policies")
    assert int(response["Retry-After"]) >= 1
    assert "Quá nhiều yêu cầu" in response.json()["detail"]
    # Another token of another user has its own budget.
    assert Api(officer_b.user).get("/api/policies").status_code == 200


@override_settings(
    API_RATE_LIMIT="2/min",
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": "gn_api_test",
        }
    },
)
@pytest.mark.usefixtures("throttle_clock")
def test_rate_limit_counts_in_redis(officer_b: Api) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    codes = [officer_b.get("/api/policies").status_code for _i in range(3)]
    assert codes == [200, 200, 429]


# Docs ----------------------------------------------------------------------


def test_docs_use_local_assets_under_the_site_csp(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    schema = Client().get("/api/schema/").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/households" in schema["paths"]


# Figures: the same numbers as the pages ----------------------------------------------------------------


def test_figures_coverage_and_targets_are_the_pages_numbers(users) -> None:  # type: ignore[no-untyped-def]
    from giamngheo.geo.models import Area
    from giamngheo.geo.selectors import current_year
    from giamngheo.plans import selectors as plans
    from giamngheo.policies import selectors as policies
    from giamngheo.reviews import services as reviews
    from giamngheo.reviews import table_selectors

    admin = users["admin"]
    api = Api(admin)
    if not api.get("/api/rounds").json():
        reviews.round_open(province=Area.objects.get(code="75"), year=2026, acting_user=None)
    rounds = api.get("/api/rounds").json()
    assert rounds
    review_round = table_selectors.round_list(user=admin).get(pk=rounds[0]["id"])
    figures = api.get(f"/api/rounds/{review_round.pk}/figures").json()
    rows = {r.area_id: r for r in table_selectors.summary_rows(user=admin, review_round=review_round)}
    assert len(figures["communes"]) == len(rows)
    for commune in figures["communes"]:
        row = rows[commune["area_id"]]
        assert (commune["end_poor"], commune["households"], commune["figures"]) == (
            row.end_poor,
            row.households,
            row.figures,
        )
    total = table_selectors.province_total(user=admin, review_round=review_round)
    if total is not None:
        assert figures["province_total"]["end_poor"] == total.end_poor
    coverage = {c["policy_code"]: c for c in api.get("/api/coverage").json()}
    for row in policies.coverage_by_policy(user=admin, year=current_year()):
        assert coverage[row.policy.code]["covered_units"] == row.tally.covered_units
        assert coverage[row.policy.code]["eligible_units"] == row.tally.eligible_units
    plan_list = api.get("/api/plans").json()
    for plan in plan_list[:2]:
        targets = api.get(f"/api/plans/{plan['id']}/targets").json()
        assert (
            len(targets)
            == plans.target_list(
                user=admin, plan=plans.access_plan_by_id(user=admin, plan_id=plan["id"])
            ).count()
        )


def test_a_form_body_is_refused_as_not_json(officer_b: Api) -> None:
    response = officer_b.client.post("/api/households", {"code": "X"}, **officer_b._headers())
    assert response.status_code == 415
    assert "JSON" in response.json()["detail"]
