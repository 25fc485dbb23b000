"""Use cases. Each opens its own unit of work and talks to Slack only through the gateway."""

from __future__ import annotations

from collections.abc import Callable

from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
"""Makes a fresh unit of work; one per use case."""
