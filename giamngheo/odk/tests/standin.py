"""A local stand-in for ODK Central: a real HTTP server (``http.server`` in a thread, 127.0.0.1, a free port)
answering ``POST /v1/sessions`` and the form's OData tables with the recorded JSON of ``data/`` — filtered by
``$filter`` on the submission date, paged by ``$top``/``$skip`` with ``@odata.nextLink`` and ``@odata.count``,
as Central does. Only ``published`` submissions (the first n of ``submissions.json``) exist on it."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

DATA = Path(__file__).parent / "data"
PROJECT, FORM = 1, "phieu_b"
FILTER = re.compile(r"^(\$root/Submissions/)?__system/submissionDate (gt|ge|lt|le|eq) (\S+)$")


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _date(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class StandIn:
    def __init__(
        self,
        *,
        email: str = "canbo@example.gov.vn",
        password: str = "mật-khẩu Central 2026!",  # noqa: S107 - the stand-in's account
    ) -> None:
        self.email, self.password = email, password
        self.token = _load("session.json")["token"]
        self.submissions: list[dict[str, Any]] = _load("submissions.json")["value"]
        self.members: list[dict[str, Any]] = _load("members.json")["value"]
        self.published = 3
        self.requests: list[tuple[str, str]] = []  # (method, path with query)
        self.refuse_root_filter = False  # an older Central: no $root filter on repeat tables (400)
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                stand_in.requests.append(("POST", self.path))
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                if self.path != "/v1/sessions":
                    return self._send(404, _load("error_404.json"))
                if body.get("email") != stand_in.email or body.get("password") != stand_in.password:
                    return self._send(401, _load("error_401.json"))
                return self._send(200, _load("session.json"))

            def do_DELETE(self) -> None:
                stand_in.requests.append(("DELETE", self.path))
                self._send(200, {"success": True})

            def do_GET(self) -> None:
                stand_in.requests.append(("GET", self.path))
                if self.headers.get("Authorization") != f"Bearer {stand_in.token}":
                    return self._send(401, _load("error_401.json"))
                parts = urlsplit(self.path)
                base = f"/v1/projects/{PROJECT}/forms/{FORM}.svc/"
                if not parts.path.startswith(base):
                    return self._send(404, _load("error_404.json"))
                table = parts.path[len(base) :]
                if table not in ("Submissions", "Submissions.members"):
                    return self._send(404, _load("error_404.json"))
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                self._table(table, parts.path, query)

            def _table(self, table: str, path: str, query: dict[str, str]) -> None:
                published = stand_in.submissions[: stand_in.published]
                dates = {s["__id"]: _date(s["__system"]["submissionDate"]) for s in published}
                rows = (
                    published
                    if table == "Submissions"
                    else [m for m in stand_in.members if m["__Submissions-id"] in dates]
                )
                if "$filter" in query:
                    match = FILTER.match(query["$filter"])
                    rooted = bool(match and match.group(1))
                    if (
                        match is None
                        or rooted != (table != "Submissions")
                        or (rooted and stand_in.refuse_root_filter)
                    ):
                        return self._send(
                            400, {"code": 400.18, "message": "The given OData filter is not supported."}
                        )
                    op, limit = match.group(2), _date(match.group(3))
                    compare = {
                        "gt": lambda d: d > limit,
                        "ge": lambda d: d >= limit,
                        "lt": lambda d: d < limit,
                        "le": lambda d: d <= limit,
                        "eq": lambda d: d == limit,
                    }[op]
                    key = "__id" if table == "Submissions" else "__Submissions-id"
                    rows = [r for r in rows if compare(dates[r[key]])]
                skip = int(query.get("$skip", 0))
                top = int(query.get("$top", 0)) or len(rows)
                page = rows[skip : skip + top]
                host = f"http://{self.headers.get('Host')}"
                answer: dict[str, Any] = {
                    "@odata.context": f"{host}/v1/projects/{PROJECT}/forms/{FORM}.svc/$metadata#{table}",
                }
                if skip + top < len(rows):
                    following = {**query, "$skip": str(skip + top)}
                    answer["@odata.nextLink"] = f"{host}{path}?{urlencode(following)}"
                if query.get("$count") == "true":
                    answer["@odata.count"] = len(rows)
                answer["value"] = page
                self._send(200, answer)

            def _send(self, status: int, body: Any) -> None:
                raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
