import datetime as dt

import pytest

from app.domain.case_number import format_case_number, parse_case_number

DAY = dt.date(2026, 11, 23)


def test_format():
    assert format_case_number(DAY, 42) == "QS20261123-000042"
    assert format_case_number(dt.date(2026, 5, 12), 123) == "QS20260512-000123"
    assert format_case_number(DAY, 0) == "QS20261123-000000"
    assert format_case_number(DAY, 999_999) == "QS20261123-999999"
    assert format_case_number(DAY, 1_000_000) == "QS20261123-1000000"


def test_negative_seq_rejected():
    with pytest.raises(ValueError):
        format_case_number(DAY, -1)


@pytest.mark.parametrize("seq", [0, 1, 42, 999_999, 1_000_000, 12_345_678])
def test_round_trip(seq):
    assert parse_case_number(format_case_number(DAY, seq)) == (DAY, seq)


def test_parse_lenient_on_case_and_space():
    assert parse_case_number(" qs20261123-000042 ") == (DAY, 42)


@pytest.mark.parametrize("s", [
    "", None, "QS20261123000042", "QS20261123-42", "QX20261123-000042",
    "QS2026112-000042", "QS20261332-000042", "QS20260230-000001", "QS20261123-00004a",
])
def test_parse_rejects(s):
    assert parse_case_number(s) is None
