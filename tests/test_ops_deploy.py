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
