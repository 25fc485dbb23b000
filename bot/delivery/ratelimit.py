"""Pacing calls to one Slack method so that the bot stays just under Slack's rate limit.

Slack does not publish exact limits (chat.postMessage: "several hundred per minute" per
workspace), so the limiter learns them: it starts at the configured ceiling, and when
Slack answers 429 it honours Retry-After, drops to just below the rate it had actually
achieved, and then probes upwards slowly. A 429 therefore costs one pause every few tens
of seconds at most, and the achieved rate stays close to the real limit.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

# Growth of the rate per second of successful sending: fast until the first 429 (the limit
# is unknown), slow afterwards (the limit is known to be close).
_GROWTH_BEFORE_FIRST_LIMIT = 0.05
_GROWTH_AFTER_LIMIT = 0.0025
_BACKOFF_FACTOR = 0.95
_WINDOW_SECONDS = 5.0


class AdaptiveRateLimiter:
    """A thread-safe pacer for one Slack method in one workspace.

    Each `acquire` reserves the next send slot (slots are 1/rate apart, never before a
    Retry-After pause ends) and sleeps until it. Thread-safe: workers share one instance.
    """

    def __init__(
        self,
        *,
        max_rate: float,
        min_rate: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 0 < min_rate <= max_rate:
            raise ValueError("need 0 < min_rate <= max_rate")
        self._max_rate = max_rate
        self._min_rate = min_rate
        self._rate = max_rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._limited_once = False
        self._successes: deque[float] = deque()
        self.rate_limited_count = 0

    @property
    def rate(self) -> float:
        """The current pace, in calls per second."""
        return self._rate

    def acquire(self, *, deadline: float | None = None) -> bool:
        """Wait for the next slot; False (nothing reserved) if it would come after `deadline`."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot, self._paused_until)
            if deadline is not None and slot > deadline:
                return False
            self._next_slot = slot + 1.0 / self._rate
        if slot > now:
            self._sleep(slot - now)
        return True

    def seconds_until_free(self) -> float:
        """How long until the next slot could be reserved (0 when one is free now)."""
        with self._lock:
            return max(0.0, max(self._next_slot, self._paused_until) - self._clock())

    def on_success(self) -> None:
        """A call went through: remember it for the achieved rate, and probe a little higher."""
        with self._lock:
            now = self._clock()
            self._successes.append(now)
            self._forget_before(now - _WINDOW_SECONDS)
            growth = _GROWTH_AFTER_LIMIT if self._limited_once else _GROWTH_BEFORE_FIRST_LIMIT
            self._rate = min(self._max_rate, self._rate + growth)

    def on_rate_limited(self, *, retry_after: float) -> None:
        """Slack said 429: pause every caller for Retry-After and settle below the achieved rate."""
        with self._lock:
            now = self._clock()
            self.rate_limited_count += 1
            already_paused = now < self._paused_until
            self._paused_until = max(self._paused_until, now + max(retry_after, 0.0))
            if not already_paused:
                # Calls in flight when the first 429 came back get 429s too: one slowdown is enough.
                self._rate = max(self._min_rate, min(self._rate, self._achieved_rate(now)) * _BACKOFF_FACTOR)
            self._limited_once = True
            # Requests already spaced at the old pace would all fire when the pause ends.
            self._next_slot = self._paused_until

    def _achieved_rate(self, now: float) -> float:
        """Successful calls per second over the last few seconds; half the pace if unknown."""
        self._forget_before(now - _WINDOW_SECONDS)
        if len(self._successes) < 2 or now <= self._successes[0]:
            return self._rate / 2
        return (len(self._successes) - 1) / (now - self._successes[0])

    def _forget_before(self, cutoff: float) -> None:
        while self._successes and self._successes[0] < cutoff:
            self._successes.popleft()
