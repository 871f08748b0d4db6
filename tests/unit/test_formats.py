"""One formatter for every number and date a reader sees."""

import datetime as dt

import pytest

from parkloop import formats


@pytest.mark.parametrize(
    ("value", "lang", "digits", "fixed", "expected"),
    [
        (1234.5, "vi", 1, True, "1.234,5"),
        (1234.5, "en", 2, True, "1,234.50"),
        (10_000_000, "vi", 6, False, "10.000.000"),
        (0.25, "vi", 6, False, "0,25"),
        (12.0, "en", 2, False, "12"),
        (-3.5, "vi", 0, True, "-4"),  # half to even, as Babel rounds
        (None, "vi", 0, True, "—"),
        (True, "en", 0, True, "—"),  # a flag is not a quantity
        ("12", "en", 0, True, "—"),
    ],
)
def test_numbers_in_the_readers_style(value, lang, digits, fixed, expected):
    assert formats.number(value, lang, digits, fixed) == expected


def test_an_unknown_language_reads_as_vietnamese():
    assert formats.number(1234.5, "fr", 1) == "1.234,5"


def test_percentages_and_dates():
    assert formats.percent(0.253, "vi") == "25 %"
    assert formats.percent(0.253, "en", 1) == "25.3%"
    assert formats.percent(None) == "—"
    day = dt.date(2026, 11, 30)
    assert formats.date(day, "vi") == "30/11/2026"
    assert formats.date(day, "en") == "2026-11-30"
    assert formats.moment(dt.datetime(2026, 11, 30, 16, 5), "vi") == "16:05 30/11/2026"
