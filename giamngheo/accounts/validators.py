from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import User


class CharacterClassValidator:
    """A password must mix letters and digits."""

    def validate(self, password: str, user: User | None = None) -> None:
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(
                _("The password must contain both letters and digits."), code="password_character_classes"
            )

    def get_help_text(self) -> str:
        return _("Your password must contain both letters and digits.")
