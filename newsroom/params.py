"""Query parameters, read at one boundary.

Public views read ``request.GET`` only through these helpers, so nothing
unchecked reaches a query. A value no page can be drawn from raises
``BadParameter``, a ``BadRequest``: Django answers 400 with ``400.html``.

- Numbers are ASCII digits only, and bounded. ``str.isdigit()`` takes '²' and
  '①', which ``int()`` refuses; ``int()`` takes '٣', '+3', ' 3' and '1_0';
  and an unbounded number overflows a 64-bit column ("bigint out of range"
  on PostgreSQL, OverflowError on SQLite).
- Text holds no control character: PostgreSQL refuses NUL in any string, and
  no reader types the others. Tab is let through: it survives a paste into
  a search box, and the search reads it as a space.

An absent or empty parameter takes its default, as an empty form field means
"no value". Parameters a view does not read are ignored.
"""

import re

from django.core.exceptions import BadRequest

# The largest id a signed 64-bit primary key holds.
MAX_ID = 2**63 - 1
# Longer text is cut, not refused: nothing the site searches for is longer.
TEXT_LENGTH = 200

# An optional minus and at most 32 ASCII digits: more are never a number the
# site uses, and int() stays cheap (it refuses over 4,300 digits with a ValueError).
_INTEGER = re.compile(r"-?[0-9]{1,32}")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


class BadParameter(BadRequest):
    """A query parameter no page can be drawn from."""


def bounded_int(raw: str, *, name: str, minimum: int, maximum: int) -> int:
    """``raw`` as an integer from ``minimum`` to ``maximum``, written in ASCII digits
    (with a leading ``-`` only when ``minimum`` is negative)."""
    if not _INTEGER.fullmatch(raw) or (raw.startswith("-") and minimum >= 0):
        raise BadParameter(f"{name} is not a whole number.")
    value = int(raw)
    if not minimum <= value <= maximum:
        raise BadParameter(f"{name} is out of range.")
    return value


def positive_int(query, name: str, *, default: int, maximum: int) -> int:
    """The whole number from 1 to ``maximum`` in ``query[name]``, or ``default``."""
    raw = clean_text(query, name, max_length=None)
    if not raw:
        return default
    return bounded_int(raw, name=name, minimum=1, maximum=maximum)


def clean_text(query, name: str, *, max_length: int | None = TEXT_LENGTH) -> str:
    """``query[name]`` (``""`` when absent), cut to ``max_length``; no control characters."""
    value = query.get(name, "")
    if _CONTROL.search(value):
        raise BadParameter(f"{name} holds a control character.")
    return value[:max_length]
