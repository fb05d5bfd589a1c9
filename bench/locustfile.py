"""The users of the load test (``bench/load.py`` starts locust with this file; see its docstring).

Each simulated user signs in through the login form with an account of its own kind (a session per user),
then browses as a person would, with a pause between pages (LOAD_WAIT="min,max" seconds):

- commune officers (4 in 5): home, the registry list of their commune (pages, filters), a search, a
  household card, the coverage, the dashboard, now and then a small import up to its check step (upload,
  column mapping, the check job) and a small export (the export job, then its page);
- provincial users (1 in 5): home, dashboard, coverage, the province's registry and a search, a card.

The accounts come from the JSON file LOAD_ACCOUNTS_FILE ({"officers": [...], "province": [...], "password"}).
Every request is named by its page, so the statistics are per page; a response other than the expected
status is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from typing import Any

from locust import HttpUser, between, events, task
from locust.exception import StopUser
from requests.exceptions import ConnectionError as RequestsConnectionError

ACCOUNTS: dict[str, Any] = json.loads(open(os.environ["LOAD_ACCOUNTS_FILE"], encoding="utf-8").read())  # noqa: SIM115
PASSWORD = ACCOUNTS["password"]
WAIT = [float(x) for x in os.environ.get("LOAD_WAIT", "2,8").split(",")]
_officers = itertools.cycle(ACCOUNTS["officers"])
_province = itertools.cycle(ACCOUNTS["province"])

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOUSEHOLD = re.compile(r'href="/households/(\d+)/"')
SELECT = re.compile(r'<select name="(col_\d+)"[^>]*>(.*?)</select>', re.S)
SELECTED = re.compile(r'<option value="([^"]*)"[^>]*selected')
SEARCHES = ["nguyen", "Trần", "thi", "Lê Văn", "pham", "hoang", "Điểu", "vo thi", "Huỳnh", "dang"]
CATEGORIES = ["poor", "near_poor", ""]

# A small file in a commune's own layout (title block, then the table): 3 households.
IMPORT_CSV = (
    "DANH SÁCH HỘ NGHÈO NĂM 2026\n\n"
    "STT,Mã số hộ,Họ và tên chủ hộ,Năm sinh,Dân tộc,Thôn/ấp,Số nhân khẩu,Phân loại hộ,Ghi chú\n"
    "1,LOAD{n}01,Nguyễn Thị Mai,1975,Kinh,Ấp 1,4,Hộ nghèo,\n"
    "2,LOAD{n}02,Trần Văn Hùng,1980,Kinh,Ấp 2,3,cận nghèo,chuyển đến\n"
    "3,LOAD{n}03,Lê Văn Tám,1969,Kinh,Ấp 1,5,Hộ nghèo,\n"
)


@events.request.add_listener
def _connection_failures(name: str, exception: BaseException | None = None, **_kwargs: Any) -> None:
    """A request that got no answer at all (a connection reset or closed): its time, to the log, so that
    ``bench/load.py`` can set it beside the server's events (a worker recycled, say)."""
    text = repr(exception) if exception is not None else ""
    if isinstance(exception, ConnectionError | OSError | RequestsConnectionError) or "Connection" in text:
        print(f"CONNECTION-FAILURE {time.time():.3f} {name}: {text}"[:400], flush=True)


def _csrf(text: str) -> str:
    found = CSRF.search(text)
    return found.group(1) if found else ""


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(WAIT[0], WAIT[1])
    username = ""

    def on_start(self) -> None:
        self.households: list[str] = []
        self.username = self.next_account()
        page = self.client.get("/accounts/login/", name="login (form)")
        with self.client.post(
            "/accounts/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
            headers={"Referer": page.url},
            name="login (sign in)",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url or "sessionid" not in self.client.cookies:
                response.failure(f"{self.username} not signed in")
                raise StopUser
            response.success()

    def next_account(self) -> str:
        raise NotImplementedError

    def token(self, text: str) -> str:
        """The CSRF token of the page's form, else of the cookie (a page without a form)."""
        return _csrf(text) or str(self.client.cookies.get("csrftoken", ""))

    def page(self, url: str, name: str, **kwargs: Any) -> Any:
        with self.client.get(url, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} {response.error or ''}")
            elif "/accounts/login/" in response.url:
                response.failure("signed out")
            return response

    def remember_households(self, text: str) -> None:
        found = HOUSEHOLD.findall(text)
        if found:
            self.households = found[:50]

    @task(3)
    def home(self) -> None:
        self.page("/", "home")

    @task(6)
    def registry(self) -> None:
        category = random.choice(CATEGORIES)
        query = f"?category={category}" if category else ""
        if random.random() < 0.3:
            query += ("&" if query else "?") + f"page={random.randint(2, 4)}"
        response = self.page(f"/households/{query}", "registry list")
        self.remember_households(response.text)

    @task(4)
    def search(self) -> None:
        response = self.page("/households/", "search", params={"q": random.choice(SEARCHES)})
        self.remember_households(response.text)

    @task(5)
    def household_card(self) -> None:
        if not self.households:
            self.registry()
            return
        self.page(f"/households/{random.choice(self.households)}/", "household card")

    @task(2)
    def coverage(self) -> None:
        self.page("/policies/coverage/", "coverage")

    @task(2)
    def dashboard(self) -> None:
        self.page("/dashboard/", "dashboard")


class CommuneOfficer(SignedIn):
    weight = 4

    def next_account(self) -> str:
        return str(next(_officers))

    @task(1)
    def import_check(self) -> None:
        """Upload a small file, map its columns as proposed, start the check; follow it to its page."""
        start = self.page("/data/import/", "import: form")
        commune = re.search(r'<select name="commune"[^>]*>.*?<option value="(\d+)"', start.text, re.S)
        content = IMPORT_CSV.format(n=random.randint(0, 99999)).encode("utf-8-sig")
        with self.client.post(
            "/data/import/",
            data={
                "csrfmiddlewaretoken": self.token(start.text),
                "commune": commune.group(1) if commune else "",
                "source": "table",
            },
            files={"file": ("ds-ho-ngheo.csv", content, "text/csv")},
            headers={"Referer": start.url},
            name="import: upload",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}")
                return
            mapping_url = response.headers["Location"]
        for _attempt in range(30):  # the worker reads the file
            mapping = self.page(mapping_url, "import: mapping")
            if 'name="col_0"' in mapping.text or mapping.status_code != 200:
                break
            time.sleep(1)
        else:
            events.request.fire(  # type: ignore[no-untyped-call]
                request_type="JOB",
                name="import: file read",
                response_time=30000,
                response_length=0,
                exception=TimeoutError("file not read in 30 s"),
            )
            return
        data = {"csrfmiddlewaretoken": self.token(mapping.text)}
        for name, options in SELECT.findall(mapping.text):
            chosen = SELECTED.search(options)
            data[name] = chosen.group(1) if chosen else ""
        with self.client.post(
            mapping_url,
            data=data,
            headers={"Referer": mapping.url},
            name="import: check",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/import/" not in response.url:
                response.failure(f"HTTP {response.status_code} {response.url}")

    @task(1)
    def export(self) -> None:
        """A small export of the commune's poor households: the job, then its page."""
        listing = self.page("/households/?category=poor", "registry list")
        with self.client.post(
            "/data/export/households/",
            data={
                "csrfmiddlewaretoken": self.token(listing.text),
                "format": "csv",
                "filters": "category=poor",
            },
            headers={"Referer": listing.url},
            name="export: start job",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/jobs/" not in response.url:
                response.failure(f"HTTP {response.status_code} {response.url}")


class ProvincialUser(SignedIn):
    weight = 1

    def next_account(self) -> str:
        return str(next(_province))
