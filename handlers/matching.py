"""`/mentor-admin match`, `pair` and `unpair`, and the preview's Confirm, Re-run and "Pair anyway" buttons.

Every button checks admin rights again: anyone can click a button they see or forge a
payload. Matching runs after the ack (the command is acked before routing), and the
preview comes back through the response_url; a preview too long for one message also
arrives as a CSV file in the admin's DM.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.errors import PreviewGoneError, StalePreviewError
from bot.ids import ActionId
from bot.match_records import MatchPreview, PairCheck
from bot.mentions import parse_user_mentions
from bot.services import matchmaking, overrides
from bot.skills import escape_mrkdwn
from bot.slack_gateway import SlackGateway
from bot.views.matching import (
    match_confirmed_message,
    match_preview_csv,
    match_preview_message,
    pair_check_message,
    pair_outcome_message,
    preview_file_name,
    preview_is_truncated,
    read_button_value,
    read_pair_anyway_value,
    stale_preview_message,
    unpair_outcome_message,
)
from bot.views.pairing_notices import (
    PAIR_SYNTAX,
    REMOVE_SYNTAX,
    UNPAIR_SYNTAX,
    match_usage_message,
    override_usage_message,
    removed_message,
)
from handlers.deps import HandlerDeps, clicked_value


def run_match(
    *,
    respond: Respond,
    command: dict[str, Any],
    args: tuple[str, ...],
    deps: HandlerDeps,
    client: WebClient,
    **_: Any,
) -> None:
    """Compute the preview and show it (nothing is live until Confirm)."""
    if args:
        respond(response_type="ephemeral", **match_usage_message(words=args))
        return
    preview = matchmaking.run_matching(
        uow=deps.uow(), team_id=command["team_id"], actor_user_id=command["user_id"], now=deps.now()
    )
    file_name = _attach_full_list(preview, gateway=deps.gateway(client), user_id=command["user_id"])
    respond(response_type="ephemeral", **match_preview_message(preview, file_name=file_name))


def pair(
    *,
    respond: Respond,
    command: dict[str, Any],
    args: tuple[str, ...],
    deps: HandlerDeps,
    client: WebClient,
    **_: Any,
) -> None:
    """Pair an employee with an executive by hand; a broken rule asks for confirmation first."""
    people = _mentioned(args, wanted=2, syntax=PAIR_SYNTAX, respond=respond)
    if people is None:
        return
    _pair(
        respond=respond,
        deps=deps,
        gateway=deps.gateway(client),
        team_id=command["team_id"],
        actor_user_id=command["user_id"],
        first_user_id=people[0],
        second_user_id=people[1],
        override=False,
        cohort_id=None,
    )


def unpair(
    *,
    respond: Respond,
    command: dict[str, Any],
    args: tuple[str, ...],
    deps: HandlerDeps,
    client: WebClient,
    **_: Any,
) -> None:
    """End one person's pairing (or drop it from the preview)."""
    people = _mentioned(args, wanted=1, syntax=UNPAIR_SYNTAX, respond=respond)
    if people is None:
        return
    outcome = overrides.unpair_person(
        uow=deps.uow(),
        team_id=command["team_id"],
        actor_user_id=command["user_id"],
        user_id=people[0],
        now=deps.now(),
        window=deps.send_window,
        default_timezone=deps.default_timezone,
    )
    file_name = _attach_full_list(outcome.preview, gateway=deps.gateway(client), user_id=command["user_id"])
    respond(response_type="ephemeral", **unpair_outcome_message(outcome, file_name=file_name))


def remove(
    *,
    respond: Respond,
    command: dict[str, Any],
    args: tuple[str, ...],
    deps: HandlerDeps,
    **_: Any,
) -> None:
    """Take one person out of the program (their partner is told kindly)."""
    people = _mentioned(args, wanted=1, syntax=REMOVE_SYNTAX, respond=respond)
    if people is None:
        return
    outcome = overrides.remove_participant(
        uow=deps.uow(),
        team_id=command["team_id"],
        actor_user_id=command["user_id"],
        user_id=people[0],
        now=deps.now(),
        window=deps.send_window,
        default_timezone=deps.default_timezone,
    )
    respond(
        response_type="ephemeral",
        **removed_message(
            cohort_name=outcome.cohort_name,
            user_id=outcome.user_id,
            partner_user_ids=outcome.partner_user_ids,
            cancelled=outcome.cancelled,
        ),
    )


def handle_match_confirm(
    ack: Ack,
    body: dict[str, Any],
    context: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    deps: HandlerDeps,
) -> None:
    """Confirm: make the preview live, or say why it is stale (with a Re-run button)."""
    ack()
    user_id = deps.require_admin_click(body, client)
    parsed = read_button_value(clicked_value(body))
    if parsed is None:
        raise PreviewGoneError()
    run_id, revision = parsed
    try:
        confirmation = matchmaking.confirm_matching(
            uow=deps.uow(),
            team_id=context["team_id"],
            actor_user_id=user_id,
            run_id=run_id,
            revision=revision,
            now=deps.now(),
            window=deps.send_window,
            default_timezone=deps.default_timezone,
        )
    except StalePreviewError as stale:
        respond(
            response_type="ephemeral",
            replace_original=False,
            **stale_preview_message(stale.staleness, run_id=stale.run_id, revision=stale.revision),
        )
        return
    respond(response_type="ephemeral", replace_original=True, **match_confirmed_message(confirmation))


def handle_match_rerun(
    ack: Ack,
    body: dict[str, Any],
    context: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    deps: HandlerDeps,
) -> None:
    """Re-run: compute a fresh preview from the cohort as it is now, in place of the old one."""
    ack()
    user_id = deps.require_admin_click(body, client)
    preview = matchmaking.run_matching(
        uow=deps.uow(), team_id=context["team_id"], actor_user_id=user_id, now=deps.now()
    )
    file_name = _attach_full_list(preview, gateway=deps.gateway(client), user_id=user_id)
    respond(
        response_type="ephemeral",
        replace_original=True,
        **match_preview_message(preview, file_name=file_name),
    )


def handle_pair_anyway(
    ack: Ack,
    body: dict[str, Any],
    context: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    deps: HandlerDeps,
) -> None:
    """The explicit confirmation of a pair that breaks a rule."""
    ack()
    user_id = deps.require_admin_click(body, client)
    parsed = read_pair_anyway_value(clicked_value(body))
    if parsed is None:
        raise PreviewGoneError()
    cohort_id, employee_user_id, executive_user_id = parsed
    _pair(
        respond=respond,
        deps=deps,
        gateway=deps.gateway(client),
        team_id=context["team_id"],
        actor_user_id=user_id,
        first_user_id=employee_user_id,
        second_user_id=executive_user_id,
        override=True,
        cohort_id=cohort_id,
        replace_original=True,
    )


def _pair(
    *,
    respond: Respond,
    deps: HandlerDeps,
    gateway: SlackGateway,
    team_id: str,
    actor_user_id: str,
    first_user_id: str,
    second_user_id: str,
    override: bool,
    cohort_id: int | None,
    replace_original: bool = False,
) -> None:
    result = overrides.pair_people(
        uow=deps.uow(),
        team_id=team_id,
        actor_user_id=actor_user_id,
        first_user_id=first_user_id,
        second_user_id=second_user_id,
        override=override,
        now=deps.now(),
        window=deps.send_window,
        default_timezone=deps.default_timezone,
        cohort_id=cohort_id,
    )
    if isinstance(result, PairCheck):
        respond(response_type="ephemeral", **pair_check_message(result))
        return
    file_name = _attach_full_list(result.preview, gateway=gateway, user_id=actor_user_id)
    respond(
        response_type="ephemeral",
        replace_original=replace_original,
        **pair_outcome_message(result, file_name=file_name),
    )


def _mentioned(
    args: tuple[str, ...], *, wanted: int, syntax: str, respond: Respond
) -> tuple[str, ...] | None:
    """The people an override names, or None after telling the admin how to name them."""
    people = parse_user_mentions(args)
    if len(people.ids) != wanted or people.unreadable:
        respond(
            response_type="ephemeral",
            **override_usage_message(
                syntax=syntax, wanted=wanted, found=len(people.ids), unreadable=people.unreadable
            ),
        )
        return None
    return people.ids


def _attach_full_list(preview: MatchPreview | None, *, gateway: SlackGateway, user_id: str) -> str | None:
    """Send the whole preview as a CSV file to the admin's DM when the message cannot show it all."""
    if preview is None or not preview_is_truncated(preview):
        return None
    name = preview_file_name(preview)
    sent = gateway.send_file(
        user_id=user_id,
        filename=name,
        content=match_preview_csv(preview),
        title=f"Matching preview: {preview.cohort_name}",
        initial_comment=f"The full matching preview for {escape_mrkdwn(preview.cohort_name)}: "
        f"{len(preview.pairs)} pairs, {len(preview.unmatched)} unmatched.",
    )
    return name if sent else None


def register(app: App, deps: HandlerDeps) -> None:
    app.action(ActionId.MATCH_CONFIRM)(partial(handle_match_confirm, deps=deps))
    app.action(ActionId.MATCH_RERUN)(partial(handle_match_rerun, deps=deps))
    app.action(ActionId.PAIR_ANYWAY)(partial(handle_pair_anyway, deps=deps))
