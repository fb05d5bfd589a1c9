"""Test helper: hold the meeting of every village with households on a commune's list (Decision 24/2021),
so that a test can record the votes and close the meeting step."""

from __future__ import annotations

import datetime as dt

from giamngheo.accounts.models import User
from giamngheo.reviews import services
from giamngheo.reviews.models import CommuneReview, VillageMeeting


def hold_village_meetings(
    review: CommuneReview, *, on: dt.date, attendance: int = 40, acting_user: User | None = None
) -> list[VillageMeeting]:
    review.refresh_from_db()
    return [
        services.village_meeting_record(
            review=review,
            village=village,
            held_on=on,
            chair="Trưởng thôn",
            attendance=attendance,
            acting_user=acting_user,
        )
        for village in services.meeting_villages(review)
        if not review.meetings.filter(village=village).exists()
    ]
