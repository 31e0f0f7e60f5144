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


# Line breaks and tabs are ordinary in a paragraph of plain text; every other
# control character is not, and XML (feeds, sitemaps) cannot carry one at all,
# so a single pasted vertical tab would make a feed unwritable.
_PLAIN_TEXT_ALLOWED = frozenset("\t\n\r")


def strip_control_characters(value: str) -> str:
    """``value`` without the control characters plain text may not hold."""
    return "".join(
        char for char in value if char in _PLAIN_TEXT_ALLOWED or unicodedata.category(char) != "Cc"
    )


def validate_plain_text(value) -> None:
    """Refuse control characters (other than line breaks and tabs) in text readers see."""
    if strip_control_characters(str(value)) != str(value):
        raise ValidationError(
            "This text holds an invisible control character (often pasted from a word "
            "processor). Retype the text around it or paste it as plain text.",
            code="control_characters",
        )
