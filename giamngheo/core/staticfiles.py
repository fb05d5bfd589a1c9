"""The project's static files finder (``STATICFILES_FINDERS``): Django's ``FileSystemFinder`` without the
vendor files no page loads. Of ECharts' 46 MB of builds only ``echarts.min.js`` is used; the others were
copied, hashed and compressed on every deployment. A finder rather than a custom ``StaticFilesConfig``:
``django.contrib.staticfiles`` stays in ``INSTALLED_APPS`` by name, which other code looks for (the live
server of the browser tests serves static files only then)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.staticfiles import finders

UNUSED_VENDOR_FILES = [
    "echarts.js",
    "echarts.js.map",
    "echarts.common*",
    "echarts.esm*",
    "echarts.simple*",
    "extension",
]


class FileSystemFinder(finders.FileSystemFinder):
    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, Any]]:
        yield from super().list([*(ignore_patterns or []), *UNUSED_VENDOR_FILES])
