"""The documented production environment (deploy/env.example) passes `manage.py check --deploy` with no
warning, and names every environment variable the settings read."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_EXAMPLE = ROOT / "deploy" / "env.example"


def example_environment(*, commented: bool = False) -> dict[str, str]:
    """``KEY=value`` lines of env.example (with ``commented``: the ``# KEY=default`` lines' names too)."""
    found: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if match and (commented or not match.group(1)):
            found.setdefault(match.group(2), match.group(3))
    return found


def test_check_deploy_reports_nothing_with_the_documented_environment(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}}
    env.update(example_environment())
    env["SECRET_KEY_FILE"] = str(key_file)  # the example's path, /etc/giamngheo/secret_key, is not here
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in done.stdout or (
        "System check identified no issues" in done.stdout
    ), output
    assert "WARNING" not in output and "?: (" not in output, output


def _variables_read_by_settings() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        if path.name == "test.py":
            continue
        source = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"os\.environ(?:\.get)?[(\[]\s*\"([A-Z][A-Z0-9_]*)\"", source))
        names |= set(re.findall(r"env_(?:bool|list)\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
        names |= set(re.findall(r"env=\"([A-Z][A-Z0-9_]*)\"", source))  # dj_database_url.config(env=…)
    return names


def test_env_example_names_every_variable_the_settings_read() -> None:
    read = _variables_read_by_settings()
    assert {"DATABASE_URL", "SECRET_KEY", "REDIS_URL", "MEDIA_ROOT", "LOG_FORMAT"} <= read
    missing = read - set(example_environment(commented=True))
    assert not missing, f"add these to deploy/env.example with their meaning: {sorted(missing)}"


# The compose file and the systemd units cannot be started here (no container runtime, no systemd): what
# they run is checked against the code instead — every command exists and takes the arguments given, the
# health check's path answers, the workers share the web's media, the secrets are where the settings read.

COMPOSE = ROOT / "deploy" / "compose.yaml"
APP_SERVICES = {"migrate", "web", "worker", "webhooks"}


def _commands_run(argv: list[str]) -> list[list[str]]:
    """The ``manage.py`` commands (with their arguments) of a service's command line."""
    if argv[:2] == ["sh", "-c"]:
        return [part.split() for part in argv[2].split("&&")]
    return [argv]


def _check_manage_command(words: list[str]) -> None:
    from django.core.management import get_commands, load_command_class

    python = words[0] == "python" or words[0].endswith("/python")
    assert python and words[1] == "manage.py", words
    name, args = words[2], words[3:]
    app = get_commands().get(name)
    assert app is not None, f"no management command {name}"
    command = load_command_class(app, name) if not hasattr(app, "create_parser") else app
    command.create_parser("manage.py", name).parse_args(args)  # exits (SystemExit) on an unknown argument


def _check_gunicorn(words: list[str]) -> None:
    assert words[0].endswith("gunicorn") and words[1] == "-c", words
    assert (ROOT / words[2]).is_file(), words


def test_compose_runs_our_commands_with_shared_media_and_a_health_check_that_answers(db) -> None:  # type: ignore[no-untyped-def]
    import yaml
    from django.test import Client

    spec = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))  # merges the x-app anchor
    services = spec["services"]
    assert {"db", "redis", "nginx"} | APP_SERVICES <= set(services)
    for name in APP_SERVICES:
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert (ROOT / service["build"]["dockerfile"]).is_file()
        assert service["environment"]["SECRET_KEY_FILE"] == "/run/secrets/secret_key"
        assert "secret_key" in service["secrets"]
        assert "media:/srv/giamngheo/media" in service["volumes"]  # the workers write what web serves
        assert service["environment"]["MEDIA_ROOT"] == "/srv/giamngheo/media"
        for words in _commands_run(service["command"]):
            if words[0] == "gunicorn":
                _check_gunicorn(words)
            else:
                _check_manage_command(words)
    for name in APP_SERVICES - {"migrate"}:
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # The web's health check asks /readyz as the container would: it answers 200 with a database.
    probe = " ".join(services["web"]["healthcheck"]["test"])
    path = re.search(r"http://127\.0\.0\.1:8000(/[a-z]+)", probe)
    assert path is not None
    assert Client().get(path.group(1)).status_code == 200
    # nginx reaches the web service by its compose name.
    assert "server web:8000" in (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")


def test_systemd_units_run_our_commands() -> None:
    units = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
    assert len(units) >= 4
    for unit in units:
        lines = [
            line for line in unit.read_text(encoding="utf-8").splitlines() if line.startswith("ExecStart=")
        ]
        assert lines, unit.name
        for line in lines:
            words = line.removeprefix("ExecStart=").split()
            if words[0].endswith("gunicorn"):
                _check_gunicorn(words)
            else:
                _check_manage_command(words)
