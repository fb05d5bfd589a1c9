"""deploy/smoke.sh: docs/deploy.md's install on this machine (its own PostgreSQL database, gunicorn, one RQ
worker, probes, sign-in, a job), run when ``GIAMNGHEO_SMOKE=1`` (``make smoke`` runs the script directly).
It needs PostgreSQL and Redis on 127.0.0.1 and takes minutes on a busy machine (collectstatic compresses
every file), so the ordinary suite skips it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(os.environ.get("GIAMNGHEO_SMOKE") != "1", reason="GIAMNGHEO_SMOKE=1 runs deploy/smoke.sh")
def test_deploy_smoke_script() -> None:
    done = subprocess.run(  # noqa: S603
        ["bash", str(ROOT / "deploy" / "smoke.sh")],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "every step passed" in done.stdout
