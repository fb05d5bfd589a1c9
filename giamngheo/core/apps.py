from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

_private: set[str] = set()


def sqlite_private(sender: Any, connection: Any, **kwargs: Any) -> None:
    """The SQLite database (and its -wal and -shm files) readable by the server's user only (0600), once per
    process; ``var/`` beside it 0700. (PostgreSQL keeps its files itself.)"""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name in _private or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    if not path.is_file():
        return
    for part in (path, Path(f"{name}-wal"), Path(f"{name}-shm")):
        try:
            if part.exists() and part.stat().st_mode & 0o077:
                os.chmod(part, 0o600)
        except OSError:
            continue
    var = Path(settings.BASE_DIR) / "var"
    if path.parent == var:
        try:
            if var.stat().st_mode & 0o077:
                os.chmod(var, 0o700)
        except OSError:
            pass
    _private.add(name)


class CoreConfig(AppConfig):
    name = "giamngheo.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        connection_created.connect(sqlite_private, dispatch_uid="giamngheo.core.sqlite_private")
        from . import lookups  # noqa: F401 - registers field__any_of
