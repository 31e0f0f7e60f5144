from datetime import UTC, datetime

import pytest

from newsroom.templatetags.newsroom import isodate, with_article


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("investigative journalist from Hungary", "an investigative journalist from Hungary"),
        ("journalist from Belarus", "a journalist from Belarus"),
        ("energy economist", "an energy economist"),
        ("the director", "the director"),
        ("", ""),
    ],
)
def test_with_article_picks_a_or_an(phrase, expected):
    assert with_article(phrase) == expected


def test_isodate_is_whole_seconds_in_utc():
    moment = datetime(2026, 11, 25, 13, 52, 46, 646956, tzinfo=UTC)
    assert isodate(moment) == "2026-11-25T13:52:46Z"
