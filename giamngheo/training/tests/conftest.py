from __future__ import annotations

from typing import Any

import pytest

from giamngheo.training.models import Attendance, Course, Officer


@pytest.fixture
def clean(db: Any) -> None:
    """Without the demo's officers and courses (the tests build their own small world)."""
    Attendance.objects.all().delete()
    Course.objects.all().delete()
    Officer.objects.all().delete()
