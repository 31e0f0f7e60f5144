"""Validators shared by the apps."""

import unicodedata

from django.core.exceptions import ValidationError

# Unicode categories refused in a value that goes into an email header:
# control characters (CR and LF end a header and can start a forged one; NUL,
# tab, DEL and the C1 range have no place in a name or a subject) and the
# line and paragraph separators, which some software also reads as line breaks.
_UNSAFE_CATEGORIES = {"Cc", "Zl", "Zp"}


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(char) in _UNSAFE_CATEGORIES for char in value)


def validate_header_value(value) -> None:
    """Refuse text that would break an email header (From, Reply-To, Subject, List-Id)."""
    if has_control_characters(str(value)):
        raise ValidationError(
            "Line breaks, tabs and other control characters are not allowed here: "
            "this text goes into the headers of emails.",
            code="control_characters",
        )
