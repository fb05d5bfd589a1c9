"""Security headers (issue 12, finding 7): a Content-Security-Policy without inline code on every response, no
inline script, handler or style left in a template or in HTML built by Python, HSTS and the HTTPS redirect
switched on by the production settings (``check --deploy`` clean), and ``no-store`` on personal data."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from conftest import client_for
from giamngheo.households.tests.factories import make_household

ROOT = Path(settings.BASE_DIR)
APP = ROOT / "giamngheo"
CSP = "Content-Security-Policy"

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (p.strip().split(None, 1) for p in header.split(";") if p.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def streamed(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Content-Security-Policy ------------------------------------------------------------------------------


def test_every_kind_of_response_carries_the_strict_policy(users, commune_a) -> None:
    officer = client_for(users["canbo.bugiamap"])
    household = make_household(commune_a, head="Điểu Thị Hạnh", code="CSP-1")
    responses = {
        "login page (anonymous)": Client().get(reverse("accounts:login")),
        "home": officer.get(reverse("web:home")),
        "household card": officer.get(reverse("households:household-detail", kwargs={"pk": household.pk})),
        "htmx partial": officer.get(reverse("households:household-list"), HTTP_HX_REQUEST="true"),
        "csv export": officer.get(reverse("households:household-export") + "?format=csv"),
        "404": officer.get("/households/999999999/"),
    }
    for name, response in responses.items():
        assert response.status_code in (200, 404), name
        assert directives(response[CSP]) == EXPECTED_CSP, name
        header = response[CSP]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, name


def test_pages_load_our_script_and_let_htmx_inject_no_style_and_eval_nothing(users) -> None:
    page = client_for(users["canbo.bugiamap"]).get(reverse("web:home")).content.decode()
    assert re.search(r'<script src="/static/js/app\.js[^"]*" defer></script>', page)
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert config is not None
    assert '"includeIndicatorStyles": false' in config.group(1) and '"allowEval": false' in config.group(1)
    # The indicator styles htmx would have injected are in our stylesheet instead.
    css = (APP / "static" / "css" / "app.css").read_text(encoding="utf-8")
    assert ".htmx-indicator" in css and ".htmx-request .htmx-indicator" in css


# A <script> without src, an on…= event handler, a style attribute or <style> element, a javascript: URL.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-zA-Z][^<>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[a-zA-Z][^<>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JS_URL = re.compile(r"javascript:", re.IGNORECASE)
HTMX_EVAL = re.compile(r"\bhx-on|\bhx-vars\b|=\s*['\"]\s*js:", re.IGNORECASE)
RULES = {
    "inline <script>": INLINE_SCRIPT,
    "on…= handler": HANDLER,
    "style attribute": STYLE_ATTR,
    "<style> element": STYLE_ELEMENT,
    "javascript: URL": JS_URL,
    "htmx expression (needs eval)": HTMX_EVAL,
}
TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
# Widget attributes set in Python: attrs={"style": …} or {"onchange": …}.
EVENTS = r"on(?:click|change|input|submit|load|blur|focus|key\w+|mouse\w+)"
WIDGET_ATTR = re.compile(rf"""["'](style|{EVENTS})["']\s*:""")


def offences(text: str) -> list[str]:
    return [name for name, rule in RULES.items() if rule.search(text)]


def template_files() -> list[Path]:
    return sorted(p for p in APP.rglob("*.html") if "templates" in p.parts)


def python_files() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts)


def test_the_checks_catch_what_they_are_meant_to_catch() -> None:
    assert offences('<select onchange="this.form.submit()">') == ["on…= handler"]
    assert offences("<script>alert(1)</script>") == ["inline <script>"]
    assert offences('<div class="x" style="width: 5%">') == ["style attribute"]
    assert offences('<a href="javascript:void(0)">') == ["javascript: URL"]
    assert offences('<button hx-on:click="x()">') == ["htmx expression (needs eval)"]
    assert offences('<script src="/static/js/app.js" defer></script>') == []
    translated = "<span>{% blocktranslate with on=x %}Received {{ on }}{% endblocktranslate %}</span>"
    assert offences(TEMPLATE_TAG.sub("", translated)) == []


def test_no_template_has_inline_script_handler_or_style() -> None:
    files = template_files()
    assert len(files) > 50
    found = {}
    for path in files:
        for number, line in enumerate(TEMPLATE_TAG.sub("", path.read_text(encoding="utf-8")).splitlines(), 1):
            if bad := offences(line):
                found[f"{path.relative_to(ROOT)}:{number}"] = bad
    assert found == {}


def test_no_python_code_builds_html_with_inline_script_handler_or_style() -> None:
    found = {}
    for path in python_files():
        source = path.read_text(encoding="utf-8")
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.STRING and (bad := offences(token.string)):
                found[f"{path.relative_to(ROOT)}:{token.start[0]}"] = bad
        for match in WIDGET_ATTR.finditer(source):
            found[f"{path.relative_to(ROOT)}:{source[: match.start()].count(chr(10)) + 1}"] = [match.group(1)]
    assert found == {}


def test_the_standalone_error_page_takes_its_style_from_the_static_stylesheet(rf) -> None:
    from giamngheo.web.views import error_500

    page = error_500(rf.get("/")).content.decode()
    assert '<link rel="stylesheet" href="/static/css/app.css' in page and 'class="gn-error-page"' in page
    assert offences(page) == [] and "<style" not in page


# --- HTTPS redirect and HSTS ------------------------------------------------------------------------------

# The README's production environment ("Running in production"), with a strong key of the right shape.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "SECRET_KEY": "k9-Qz7vXw2Lr5Tn8Yp3Hs6Jd1Fg4Bm0Cx-Vb7Nq2Wt5Ey8Ru3Io6Pa9Sd1Fg4Hj7Kl0",
    "ALLOWED_HOSTS": "giamngheo.dongnai.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://giamngheo.dongnai.gov.vn",
    "BEHIND_HTTPS_PROXY": "true",
}
SETTINGS_ENV = (
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests; check --deploy refuses it (async.E001)
    "SECRET_KEY_FILE",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


def check_deploy(**env: str) -> subprocess.CompletedProcess[str]:
    """``manage.py check --deploy --fail-level WARNING`` in a new process: settings read the env."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV and k not in PRODUCTION_ENV}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_readme_production_settings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    production = readme.split("## Running in production", 1)[1].split("\n## ", 1)[0]
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "BEHIND_HTTPS_PROXY=true"):
        assert name in production, name
    result = check_deploy(**PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    for warning in ("W004", "W008", "W012", "W016"):
        assert warning not in result.stdout + result.stderr


def test_without_https_there_is_no_redirect_nor_hsts_and_check_deploy_says_so() -> None:
    """`make run` (plain http on 127.0.0.1) must keep working: no redirect, no HSTS; --deploy warns."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "BEHIND_HTTPS_PROXY"}
    result = check_deploy(**env, SECURE_COOKIES="false")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "security.W004" in output and "security.W008" in output
    # The test settings (like `make run`) serve plain http.
    assert settings.SECURE_SSL_REDIRECT is False and settings.SECURE_HSTS_SECONDS == 0


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_PRELOAD=False)
def test_with_https_on_http_is_redirected_and_https_answers_carry_hsts(db) -> None:
    client = Client()
    plain = client.get(reverse("accounts:login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get(reverse("accounts:login"), secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert secure["Referrer-Policy"] == "same-origin"
    assert secure["Cross-Origin-Opener-Policy"] == "same-origin"


# --- Cache-Control: no-store on personal data -------------------------------------------------------------


def test_pages_partials_exports_and_downloads_for_a_signed_in_user_are_not_stored(users, commune_a) -> None:
    officer = client_for(users["canbo.bugiamap"])
    household = make_household(commune_a, head="Điểu Thị Hạnh", code="CSP-1")
    card = officer.get(reverse("households:household-detail", kwargs={"pk": household.pk}))
    partial = officer.get(reverse("households:household-list"), HTTP_HX_REQUEST="true")
    export = officer.get(reverse("households:household-export") + "?format=csv")
    xlsx = officer.get(reverse("households:household-export") + "?format=xlsx")
    assert card.status_code == partial.status_code == export.status_code == xlsx.status_code == 200
    assert b"<html" not in partial.content and export.streaming and xlsx.streaming
    assert household.code.encode() in card.content and household.code.encode() in streamed(export)

    started = officer.post(reverse("dataio-export:households"), {"format": "csv", "filters": ""})
    assert started.status_code == 302
    job_page = officer.get(started["Location"])
    download = re.search(r'href="(/jobs/\d+/download/result/)"', job_page.content.decode())
    assert download is not None
    job_file = officer.get(download.group(1))
    assert job_file.status_code == 200 and "attachment" in job_file["Content-Disposition"]

    for name, response in {
        "household card": card,
        "htmx partial": partial,
        "csv export (streamed)": export,
        "xlsx export (file)": xlsx,
        "job page": job_page,
        "job download": job_file,
    }.items():
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, name


def test_anonymous_pages_and_views_with_their_own_caching_are_left_alone(users) -> None:
    # The sign-in form sets its own (Django's never_cache): a view's own choice is kept.
    login = Client().get(reverse("accounts:login"))
    assert "no-store" in login["Cache-Control"] and "must-revalidate" in login["Cache-Control"]
    # The language switch, before signing in, says nothing about caching.
    switched = Client().post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert switched.status_code == 302 and not switched.has_header("Cache-Control")


@pytest.fixture
def static_client(users):  # type: ignore[no-untyped-def]
    """A client whose WhiteNoise serves the static files from their folders (as after collectstatic)."""
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        yield client_for(users["canbo.bugiamap"])


def test_static_files_keep_their_caching(static_client) -> None:
    for path in ("/static/css/app.css", "/static/js/app.js"):
        response = static_client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response["Cache-Control"] and "max-age=" in response["Cache-Control"], path
