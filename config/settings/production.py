"""Production settings: the same settings (everything from the environment, docs/deploy.md), with JSON logs
by default. ``DJANGO_SETTINGS_MODULE=config.settings.production`` in deploy/env.example."""

import os

os.environ.setdefault("LOG_FORMAT", "json")
os.environ.setdefault("DEBUG", "false")

from .base import *  # noqa: F403
