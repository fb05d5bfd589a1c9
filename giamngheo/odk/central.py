"""A client of ODK Central's REST and OData API (httpx), and the conversion of its OData JSON into the zip
of CSV files Central's own export gives (``<form>.csv`` + ``<form>-members.csv``), which
``dataio.kobo.submissions_table`` reads: the pulled submissions go through the same reading, mapping, check
and matching as an uploaded export.

Central's documentation: ``POST /v1/sessions`` (e-mail, password → ``token``), then with
``Authorization: Bearer <token>`` the form's OData service ``/v1/projects/{p}/forms/{f}.svc``: the
``Submissions`` table (groups as nested objects, ``__id``, ``__system`` {submissionDate …}) and one table per
repeat (``Submissions.members``, each row linked to its submission by ``__Submissions-id``), pages of
``$top`` rows chained by ``@odata.nextLink``.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx
from django.utils.translation import gettext as _

PAGE = 250  # rows asked per OData page
TIMEOUT = 30.0  # seconds per request
MAX_PAGES = 100_000  # a server that links to itself forever is stopped
REPEAT = "members"
SKIPPED = ("__id", "__system", "meta")


class CentralError(Exception):
    """ODK Central could not be read: the message (Vietnamese on a Vietnamese site) says why."""


@dataclass
class Pulled:
    """What a pull read: submissions (OData rows of ``Submissions``) and members (rows of the repeat)."""

    submissions: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)

    def newest(self) -> dt.datetime | None:
        dates = [d for s in self.submissions if (d := submission_date(s)) is not None]
        return max(dates) if dates else None


def submission_date(row: dict[str, Any]) -> dt.datetime | None:
    raw = (row.get("__system") or {}).get("submissionDate")
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None


def odata_time(value: dt.datetime) -> str:
    """A date as Central's ``$filter`` takes it (UTC, milliseconds, ``Z``)."""
    utc = value.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


class Central:
    def __init__(self, *, base_url: str, email: str, password: str, timeout: float = TIMEOUT) -> None:
        self.base = base_url.rstrip("/") + "/"
        self.origin = urlsplit(self.base)[:2]
        self.email = email
        self.password = password
        self.client = httpx.Client(timeout=timeout, follow_redirects=False)
        self.token = ""

    def __enter__(self) -> Central:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    # --- HTTP ----------------------------------------------------------------------------------------------

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        if urlsplit(url)[:2] != self.origin:  # a link to another server: the token is never sent there
            raise CentralError(_("ODK Central linked to another server; the pull stopped."))
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise CentralError(_("ODK Central did not answer in time. Try again later.")) from None
        except httpx.HTTPError:
            raise CentralError(
                _("Could not reach ODK Central at %(url)s: check the address and the network.")
                % {"url": self.base}
            ) from None
        if response.status_code == 401:
            raise CentralError(_("ODK Central refused the account: check the e-mail and the password."))
        if response.status_code == 403:
            raise CentralError(_("The ODK Central account may not read this form's submissions."))
        if response.status_code == 404:
            raise CentralError(_("ODK Central has no such form: check the project number and the form ID."))
        if response.status_code >= 400:
            raise CentralError(
                _("ODK Central answered with error %(status)s.") % {"status": response.status_code}
            )
        return response

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            raise CentralError(_("ODK Central's answer is not the expected data (JSON).")) from None
        if not isinstance(data, dict):
            raise CentralError(_("ODK Central's answer is not the expected data (JSON)."))
        return data

    def sign_in(self) -> None:
        response = self._request(
            "POST", urljoin(self.base, "v1/sessions"), json={"email": self.email, "password": self.password}
        )
        token = self._json(response).get("token")
        if not isinstance(token, str) or not token:
            raise CentralError(_("ODK Central's answer is not the expected data (JSON)."))
        self.token = token

    def sign_out(self) -> None:
        """End the session (best effort: a token left behind expires on its own after a day)."""
        if not self.token:
            return
        with contextlib.suppress(httpx.HTTPError):
            self.client.delete(
                urljoin(self.base, "v1/sessions/current"),
                headers={"Authorization": f"Bearer {self.token}"},
            )
        self.token = ""

    def table(
        self, project_id: int, form_id: str, table: str, params: dict[str, str]
    ) -> Iterator[tuple[list[dict[str, Any]], int | None]]:
        """The pages of an OData table: (rows, @odata.count of the first page or None)."""
        url = urljoin(self.base, f"v1/projects/{int(project_id)}/forms/{quote(form_id, safe='')}.svc/{table}")
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        first: dict[str, str] | None = {"$top": str(PAGE), "$count": "true", **params}
        for _page in range(MAX_PAGES):
            data = self._json(self._request("GET", url, params=first, headers=headers))
            rows = data.get("value")
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise CentralError(_("ODK Central's answer is not the expected data (JSON)."))
            count = data.get("@odata.count")
            yield rows, count if isinstance(count, int) else None
            link = data.get("@odata.nextLink")
            if not link or not rows:
                return
            url, first = urljoin(url, str(link)), None
        raise CentralError(_("ODK Central's answer is not the expected data (JSON)."))


def pull(
    central: Central,
    *,
    project_id: int,
    form_id: str,
    since: dt.datetime | None,
    progress: Any = None,
) -> Pulled:
    """Read the submissions newer than ``since`` (all when None; the boundary included, to catch those of the
    same millisecond) and their members. Writes nothing."""
    central.sign_in()
    try:
        pulled = Pulled()
        params = {"$filter": f"__system/submissionDate ge {odata_time(since)}"} if since else {}
        total = 0
        for rows, count in central.table(project_id, form_id, "Submissions", params):
            total = count if count is not None else total
            pulled.submissions.extend(rows)
            if progress is not None:
                progress(len(pulled.submissions), max(total, len(pulled.submissions)))
        if pulled.submissions:
            pulled.members = _members(central, project_id, form_id, since, pulled)
        return pulled
    finally:
        central.sign_out()


def _members(
    central: Central, project_id: int, form_id: str, since: dt.datetime | None, pulled: Pulled
) -> list[dict[str, Any]]:
    """The repeat's rows of the pulled submissions. Central filters a repeat table by its submission's date
    with ``$root/Submissions/__system/submissionDate`` (2023.2 and later); an older server that refuses the
    filter (400) is read whole and the rows picked by their ``__Submissions-id``."""
    wanted = {str(s.get("__id")) for s in pulled.submissions}
    table = f"Submissions.{REPEAT}"
    params = {"$filter": f"$root/Submissions/__system/submissionDate ge {odata_time(since)}"} if since else {}
    try:
        rows = [r for page, _count in central.table(project_id, form_id, table, params) for r in page]
    except CentralError:
        if not params:
            raise
        rows = [r for page, _count in central.table(project_id, form_id, table, {}) for r in page]
    return [r for r in rows if str(r.get("__Submissions-id")) in wanted]


# --- OData JSON → the CSV export of Central ---------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return " ".join(_cell(v) for v in value)
    return str(value)


def _flat(row: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """A row of OData JSON as the columns of Central's CSV export: groups joined with "-"
    (``household-code``); system fields, navigation links and ``__``-keys left out."""
    flat: dict[str, str] = {}
    for key, value in row.items():
        if key.startswith("__") or key in SKIPPED or "@odata" in key:
            continue
        name = f"{prefix}-{key}" if prefix else key
        if isinstance(value, dict) and "type" in value and "coordinates" in value:  # GeoJSON point
            flat[name] = " ".join(_cell(c) for c in value.get("coordinates") or [])
        elif isinstance(value, dict):
            flat.update(_flat(value, name))
        else:
            flat[name] = _cell(value)
    return flat


def _csv(rows: list[dict[str, str]], extra: list[str]) -> bytes:
    columns: list[str] = []
    for row in rows:
        for name in row:
            if name not in columns and name not in extra:
                columns.append(name)
    columns += extra
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue().encode("utf-8")


def export_zip(pulled: Pulled, *, form_id: str) -> bytes:
    """The pulled rows as the zip Central's export gives (``KEY``, ``PARENT_KEY``, ``SubmissionDate``)."""
    main = []
    for s in pulled.submissions:
        row = _flat(s)
        row["SubmissionDate"] = str((s.get("__system") or {}).get("submissionDate") or "")
        row["KEY"] = str(s.get("__id") or "")
        main.append(row)
    members = []
    for m in pulled.members:
        row = _flat(m)
        row["PARENT_KEY"] = str(m.get("__Submissions-id") or "")
        row["KEY"] = str(m.get("__id") or "")
        members.append(row)
    out = io.BytesIO()
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in form_id) or "form"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{safe}.csv", _csv(main, ["SubmissionDate", "KEY"]))
        archive.writestr(f"{safe}-{REPEAT}.csv", _csv(members, ["PARENT_KEY", "KEY"]))
    return out.getvalue()
