"""`/mentor-admin status`: the program at a glance for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.services.admin_status import AdminStatus
from bot.services.delivery import DeliveryHealth
from bot.views.blocks import context, header, message, section

# Messages waiting longer than this after they were due suggest the dispatcher is stuck.
STUCK_AFTER_MINUTES = 15


def _waited(since: datetime, now: datetime) -> str:
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h"


def delivery_health_text(health: DeliveryHealth, *, now: datetime) -> str:
    """A few lines of mrkdwn saying whether scheduled messages are flowing."""
    lines = [
        f"*Delivery* — sent {health.sent}, waiting {health.pending + health.sending}, "
        f"failed {health.failed}, cancelled {health.cancelled}"
    ]
    if health.oldest_waiting_since is not None:
        waited = _waited(health.oldest_waiting_since, now)
        stuck = (now - health.oldest_waiting_since).total_seconds() > STUCK_AFTER_MINUTES * 60
        warning = " :warning: is the bot's scheduler running?" if stuck else ""
        lines.append(f"Oldest due message has waited {waited}.{warning}")
    else:
        lines.append("Nothing due is waiting.")
    for failure in health.recent_failures:
        to = ", ".join(
            f"<@{user}>" if user[0] in "UW" else f"<#{user}>" for user in failure.recipient.split(",")
        )
        lines.append(f"• {failure.kind} to {to} failed: `{failure.error}` ({failure.at:%Y-%m-%d %H:%M} UTC)")
    return "\n".join(lines)


def admin_status_message(status: AdminStatus) -> dict[str, Any]:
    if status.cohort_name:
        cohort = f"Current cohort: *{status.cohort_name}* ({status.cohort_state})."
    else:
        cohort = "There is no cohort yet."
    health = status.delivery
    blocks = [
        header("Reverse mentoring: status"),
        section(cohort),
        section(delivery_health_text(health, now=status.now)),
        context("Failed messages are not retried: the reason says what to fix."),
    ]
    return message(f"Status: {cohort} Delivery: {health.sent} sent, {health.failed} failed.", blocks)
