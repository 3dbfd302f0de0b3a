"""Back-off between tries: doubling from 30 seconds, capped at an hour, about a day in all."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from portal.jobs import worker


def test_the_wait_doubles_from_thirty_seconds_up_to_an_hour():
    waits = [worker.retry_delay(n) for n in range(1, 10)]
    assert waits[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert waits[-1] == timedelta(hours=1)
    assert all(a <= b for a, b in pairwise(waits))


def test_the_last_attempt_comes_about_a_day_after_the_first():
    total = sum((worker.retry_delay(n) for n in range(1, worker.MAX_ATTEMPTS)), timedelta())
    assert timedelta(hours=20) <= total <= timedelta(hours=28)


def test_jitter_only_shortens_the_wait_and_by_at_most_a_quarter():
    for attempts in (1, 5, 20):
        for _ in range(200):
            wait = worker.backoff(attempts)
            assert worker.retry_delay(attempts) * 0.75 <= wait <= worker.retry_delay(attempts)
