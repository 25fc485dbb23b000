"""`/mentor-admin report`: the current cohort in numbers, plus a chart in the admin's DM.

The command is acked before routing, so building the report and drawing the chart happen
after the ack; the report comes back ephemerally through the response_url and the chart is
uploaded to the admin's DM with the bot (files upload v2). `send_report` posts the same
report into a DM, for callers without a response_url (a Home tab button, closing a cohort).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.charts import report_chart_png
from bot.report_records import ProgramReport
from bot.services import reports
from bot.slack_gateway import SlackGateway
from bot.views.report import (
    ChartNote,
    chart_comment,
    chart_failed_message,
    chart_title,
    report_file_name,
    report_message,
    report_usage_message,
)
from handlers.deps import HandlerDeps


def show_report(
    *,
    respond: Respond,
    command: dict[str, Any],
    args: tuple[str, ...],
    deps: HandlerDeps,
    client: WebClient,
    **_: Any,
) -> None:
    """Answer with the report (ephemeral) and upload its chart to the admin's DM."""
    if args:
        respond(response_type="ephemeral", **report_usage_message(words=args))
        return
    report = reports.build_report(uow=deps.uow(), team_id=command["team_id"], now=deps.now())
    chart = _send_chart(report, gateway=deps.gateway(client), user_id=command["user_id"])
    respond(response_type="ephemeral", **report_message(report, chart=chart))


def send_report(*, deps: HandlerDeps, gateway: SlackGateway, team_id: str, user_id: str) -> bool:
    """Post the report in the user's DM with the bot, followed by its chart.

    False when the chart could not be uploaded (the DM then says so after the report); True
    otherwise, including when there is no chart yet (an enrolling cohort). The report's own
    failures (no cohort, Slack down) propagate to the error handler.
    """
    report = reports.build_report(uow=deps.uow(), team_id=team_id, now=deps.now())
    note = ChartNote.BELOW if report.has_chart else ChartNote.NONE
    gateway.post_message(channel=user_id, **report_message(report, chart=note))
    if _send_chart(report, gateway=gateway, user_id=user_id) == ChartNote.FAILED:
        gateway.post_message(channel=user_id, **chart_failed_message())
        return False
    return True


def _send_chart(report: ProgramReport, *, gateway: SlackGateway, user_id: str) -> ChartNote:
    """Upload the chart to the user's DM; NONE when the cohort has nothing to draw yet."""
    if not report.has_chart:
        return ChartNote.NONE
    sent = gateway.send_file(
        user_id=user_id,
        filename=report_file_name(report),
        content=report_chart_png(report),
        title=chart_title(report),
        initial_comment=chart_comment(report),
    )
    return ChartNote.IN_DM if sent else ChartNote.FAILED
