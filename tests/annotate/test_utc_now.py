"""utc_now: ISO 8601 UTC to the second, with a Z, whatever the local time zone."""

import os
import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from annotate.model import utc_now


@pytest.fixture
def far_time_zone():
    """The process's local time zone set far from UTC while the test runs."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "<+14>-14"  # POSIX form, UTC+14: needs no time zone data
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_utc_now_is_the_utc_instant_to_the_second(far_time_zone: None) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = utc_now()
    after = datetime.now(UTC)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    at = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= at <= after
    assert datetime.now().astimezone().utcoffset() == timedelta(hours=14)  # the zone took


def test_utc_now_never_trails_the_clock_across_a_second_boundary() -> None:
    """Stamps taken for over a second (one turn of the second at least): none is a second
    before the instant read just ahead of it (C's coarse ``time()``, which ``time.gmtime()``
    alone reads, was for a few milliseconds after each turn: ~0.6 % of stamps)."""
    behind = 0
    end = time.monotonic() + 1.1
    while time.monotonic() < end:
        before = int(time.time())
        stamp = utc_now()
        if datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp() \
                < before:
            behind += 1
    assert behind == 0
