"""`/mentor-admin status`: the program at a glance for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.services.admin_status import ROLES, STATES, AdminStatus, EnrolmentCounts
from bot.services.delivery import DeliveryHealth
from bot.views.blocks import context, header, message, section

ROLE_LABELS = {"employee": "Employees", "executive": "Executives"}

# Messages waiting longer than this after they were due suggest the dispatcher is stuck.
STUCK_AFTER_MINUTES = 15


def _waited(since: datetime, now: datetime) -> str:
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h"


def _is_stuck(health: DeliveryHealth, *, now: datetime) -> bool:
    since = health.oldest_waiting_since
    return since is not None and (now - since).total_seconds() > STUCK_AFTER_MINUTES * 60


def enrolment_counts_table(counts: EnrolmentCounts) -> str:
    """People by role (rows) and state (columns), as a monospaced table in a code block."""
    columns = [*STATES, "total"]
    label_width = max(len(label) for label in ROLE_LABELS.values())
    widths = [max(len(column), 3) for column in columns]
    heading = "".join(f"  {column:>{width}}" for column, width in zip(columns, widths, strict=True))
    lines = [" " * label_width + heading]
    for role in ROLES:
        numbers = [*(counts.count(role=role, state=state) for state in STATES), counts.role_total(role=role)]
        cells = "".join(f"  {number:>{width}}" for number, width in zip(numbers, widths, strict=True))
        lines.append(f"{ROLE_LABELS.get(role, role):<{label_width}}{cells}")
    return "```\n" + "\n".join(lines) + "\n```"


def enrolment_counts_line(counts: EnrolmentCounts) -> str:
    """The same numbers in one line: only the states someone is in, per role."""
    parts = []
    for role in ROLES:
        states = [
            f"{counts.count(role=role, state=state)} {state}"
            for state in STATES
            if counts.count(role=role, state=state)
        ]
        parts.append(f"{ROLE_LABELS.get(role, role)}: {', '.join(states) if states else 'none yet'}")
    return " · ".join(parts)


def delivery_health_line(health: DeliveryHealth, *, now: datetime) -> str:
    """Delivery health in one line, with a warning when due messages are stuck."""
    line = f"Delivery: sent {health.sent}, waiting {health.pending + health.sending}, failed {health.failed}"
    if _is_stuck(health, now=now):
        line += " :warning: due messages are waiting, is the bot's scheduler running?"
    return line


def delivery_health_text(health: DeliveryHealth, *, now: datetime) -> str:
    """A few lines of mrkdwn saying whether scheduled messages are flowing."""
    lines = [
        f"*Delivery* — sent {health.sent}, waiting {health.pending + health.sending}, "
        f"failed {health.failed}, cancelled {health.cancelled}"
    ]
    if health.oldest_waiting_since is not None:
        waited = _waited(health.oldest_waiting_since, now)
        warning = " :warning: is the bot's scheduler running?" if _is_stuck(health, now=now) else ""
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
    blocks = [header("Reverse mentoring: status"), section(cohort)]
    if status.counts is not None:
        people = f"*People* — {status.counts.total} in this cohort"
        blocks.append(section(f"{people}\n{enrolment_counts_table(status.counts)}"))
    blocks += [
        section(delivery_health_text(health, now=status.now)),
        context("Failed messages are not retried: the reason says what to fix."),
    ]
    people = f" People: {status.counts.total}." if status.counts is not None else ""
    return message(f"Status: {cohort}{people} Delivery: {health.sent} sent, {health.failed} failed.", blocks)
