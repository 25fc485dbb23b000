"""The adaptive rate limiter, on a simulated clock: paces, pauses on 429, settles under the limit."""

from __future__ import annotations

import pytest

from bot.delivery.ratelimit import AdaptiveRateLimiter


class SimulatedTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def limiter_at(max_rate: float, time: SimulatedTime) -> AdaptiveRateLimiter:
    return AdaptiveRateLimiter(max_rate=max_rate, clock=time.clock, sleep=time.sleep)


def test_calls_are_spaced_at_the_configured_rate():
    time = SimulatedTime()
    limiter = limiter_at(10, time)
    for _ in range(11):
        limiter.acquire()
    assert time.now == pytest.approx(1001.0)


def test_a_429_pauses_everyone_for_retry_after_and_slows_down():
    time = SimulatedTime()
    limiter = limiter_at(10, time)
    for _ in range(30):
        limiter.acquire()
        limiter.on_success()
    limiter.on_rate_limited(retry_after=2)
    paused_at = time.now
    limiter.acquire()
    assert time.now == pytest.approx(paused_at + 2)
    assert limiter.rate < 10
    assert limiter.rate_limited_count == 1


def test_several_429s_from_calls_already_in_flight_slow_down_only_once():
    time = SimulatedTime()
    limiter = limiter_at(10, time)
    for _ in range(30):
        limiter.acquire()
        limiter.on_success()
    limiter.on_rate_limited(retry_after=1)
    after_first = limiter.rate
    limiter.on_rate_limited(retry_after=1)
    limiter.on_rate_limited(retry_after=1)
    assert limiter.rate == after_first
    assert limiter.rate_limited_count == 3


def test_acquire_refuses_a_slot_beyond_the_deadline_without_reserving_it():
    time = SimulatedTime()
    limiter = limiter_at(1, time)
    limiter.on_rate_limited(retry_after=30)
    assert limiter.acquire(deadline=time.now + 10) is False
    assert time.now == 1000.0, "it did not wait"
    assert limiter.acquire(deadline=time.now + 60) is True


def test_against_a_hidden_limit_it_settles_just_below_it():
    """A server allowing 20/s (token bucket, 1 s burst) against a limiter configured for 50/s."""
    time = SimulatedTime()
    limiter = limiter_at(50, time)
    allowed_rate, tokens, last = 20.0, 20.0, time.now
    sent = limited = 0
    while time.now < 1000.0 + 300:
        limiter.acquire()
        tokens = min(allowed_rate, tokens + (time.now - last) * allowed_rate)
        last = time.now
        if tokens >= 1:
            tokens -= 1
            sent += 1
            limiter.on_success()
        else:
            limited += 1
            limiter.on_rate_limited(retry_after=1)
    achieved = sent / 300
    assert achieved >= 0.9 * allowed_rate, achieved
    assert limited < 30, "a 429 now and then, not a storm"


def test_rates_must_make_sense():
    with pytest.raises(ValueError, match="min_rate"):
        AdaptiveRateLimiter(max_rate=1, min_rate=2)
