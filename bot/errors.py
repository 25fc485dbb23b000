"""Domain errors that carry a message meant for the person who triggered them.

The single `@app.error` handler shows `user_message` as is; any other exception is logged
with an error id and the person sees a generic apology quoting that id.
"""

from __future__ import annotations

from bot.match_records import Staleness


class UserFacingError(Exception):
    """An expected failure the user can understand and act on."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class NotAnAdminError(UserFacingError):
    """An admin-only command or button was used by someone who is not a program admin."""

    def __init__(self) -> None:
        super().__init__(
            "Sorry, only program admins can use `/mentor-admin`. If you run the mentoring program, "
            "ask whoever installed the bot to add your Slack member id to `MENTOR_ADMINS`. "
            "`/mentor help` lists what everyone can do."
        )


class SlackUnavailableError(UserFacingError):
    """Slack did not answer a call we needed to answer the user; trying again usually works."""

    def __init__(self) -> None:
        super().__init__(
            "Slack did not answer in time, so I could not finish that. Please try again in a minute."
        )


def _escaped(text: str) -> str:
    """Text from the database made safe inside a mrkdwn message (Slack's three escapes)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class NoCohortError(UserFacingError):
    """Something needs the current cohort, and the workspace has none."""

    def __init__(self) -> None:
        super().__init__("There is no cohort yet. `/mentor-admin cohort` opens the form to create one.")


class CohortAlreadyOpenError(UserFacingError):
    """A workspace runs one cohort at a time: a new one waits until the current one is closed."""

    def __init__(self, *, name: str, state: str) -> None:
        super().__init__(
            f"*{_escaped(name)}* is still {state}, and a workspace runs one cohort at a time, so a new "
            "cohort can be created once this one is closed. `/mentor-admin cohort edit` changes it."
        )


class CohortGoneError(UserFacingError):
    """A form or button names a cohort that was closed or replaced since it was shown."""

    def __init__(self) -> None:
        super().__init__(
            "That cohort has been closed or replaced since this was shown, so I changed nothing. "
            "`/mentor-admin cohort` shows the current one."
        )


class CohortSettingsError(UserFacingError):
    """Cohort settings that cannot be saved; `field_errors` maps each field name to its problem."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__("I could not save the cohort: " + " ".join(field_errors.values()))
        self.field_errors = field_errors


class CohortStateError(UserFacingError):
    """A cohort only moves forward, one step at a time: draft, enrolling, active, closed."""

    def __init__(self, *, current: str, requested: str) -> None:
        super().__init__(
            f"The cohort is {current}, so it cannot become {requested}: a cohort goes from draft to "
            "enrolling to active to closed, one step at a time."
        )


# ---- invitations and announcements ----------------------------------------------------------


class CohortNotOpenForEnrolmentError(UserFacingError):
    """Invitations and enrolment calls are for a cohort in draft or enrolling, not one already running."""

    def __init__(self, *, name: str, state: str) -> None:
        super().__init__(
            f"*{_escaped(name)}* is {state}, so its enrolment is over: invitations and enrolment calls are "
            "for a cohort in draft or enrolling. `/mentor-admin cohort` shows it; once it is closed, "
            "`/mentor-admin cohort new` starts the next one."
        )


class TooManyInviteesError(UserFacingError):
    """One command invites a bounded number of people, so its answer comes back quickly."""

    def __init__(self, *, count: int, limit: int) -> None:
        super().__init__(
            f"That names {count} people, and I invite at most {limit} at a time, so nobody was invited. "
            "Split them over a few commands; inviting someone twice is harmless."
        )
        self.count = count
        self.limit = limit


class ChannelUnavailableError(UserFacingError):
    """Slack would not post the enrolment call in a channel; says how to fix it. Nothing was posted."""

    def __init__(self, *, channel_id: str, reason: str) -> None:
        channel = f"<#{channel_id}>"
        add_me = (
            f"Open {channel}, type `/invite @Reverse Mentoring` there, then run `/mentor-admin announce` "
            "with the channel again."
        )
        if reason == "not_in_channel":
            text = f"I am not a member of {channel}, so I could not post there. {add_me}"
        elif reason == "is_archived":
            text = (
                f"{channel} is archived, so nobody would see the call and I posted nothing. Pick an active "
                "channel and run `/mentor-admin announce #channel` again."
            )
        elif reason == "restricted_action":
            text = (
                f"Slack does not let me post in {channel}: only some people may post there. Pick another "
                "channel, or ask a workspace admin to let apps post there."
            )
        else:
            text = (
                f"I cannot see {channel}: I am not in it (private channels need an invitation too), or it "
                f"no longer exists. {add_me}"
            )
        super().__init__(text)
        self.reason = reason


# ---- enrolment and the survey ---------------------------------------------------------------


class NothingToJoinError(UserFacingError):
    """Someone wants to join, and the workspace has no cohort open."""

    def __init__(self) -> None:
        super().__init__(
            "There is no mentoring program to join right now. The program admins will announce "
            "the next one, and you can join then."
        )


class EnrolmentNotOpenError(UserFacingError):
    """The cohort is still a draft: only the executives it invited may answer yet."""

    def __init__(self, *, name: str) -> None:
        super().__init__(
            f"Enrolment for *{_escaped(name)}* has not opened yet. The program admins will announce "
            "it soon, and you can join then."
        )


class SurveyLockedError(UserFacingError):
    """Answers are frozen once pairs are made: matching used them."""

    def __init__(self, *, name: str) -> None:
        super().__init__(
            f"Pairs have been made for *{_escaped(name)}*, and answers are locked once pairs are made. "
            "If something important changed, tell a program admin."
        )


class LeftProgramError(UserFacingError):
    """The person left the cohort; rejoining is an admin's decision."""

    def __init__(self, *, name: str) -> None:
        super().__init__(
            f"You left *{_escaped(name)}*, so the survey is closed for you. If you would like to take "
            "part again, ask a program admin."
        )


class SurveyGoneError(UserFacingError):
    """A survey form or button names a cohort that is not the current one (closed, replaced, or forged)."""

    def __init__(self, *, submitted: bool = False) -> None:
        outcome = "so I saved nothing" if submitted else "so there is nothing to answer here"
        super().__init__(
            f"This survey belongs to a program that has ended or been replaced, {outcome}. "
            "`/mentor join` opens the current one, if there is one."
        )


class SurveyRoleChangedError(UserFacingError):
    """The form was opened for one role and the person now has another in the cohort."""

    def __init__(self) -> None:
        super().__init__(
            "Your place in the program changed since this form was opened, so I saved nothing. "
            "Please open the survey again: `/mentor join`."
        )


class CannotJoinError(UserFacingError):
    """Bots and deactivated accounts cannot take part."""

    def __init__(self) -> None:
        super().__init__("Only active members of this Slack workspace can join the mentoring program.")


class SurveyAnswersError(UserFacingError):
    """Answers the service refused right before saving; `field_errors` is keyed by input block_id."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__("I could not save your answers: " + " ".join(field_errors.values()))
        self.field_errors = field_errors


# ---- self-service: pause, resume, leave -----------------------------------------------------


class NotEnrolledError(UserFacingError):
    """Pause, resume or leave from someone who is not in the current cohort (or when there is none)."""

    def __init__(self, *, name: str | None) -> None:
        where = f"*{_escaped(name)}*" if name else "a mentoring program right now"
        super().__init__(
            f"You are not taking part in {where}, so there is nothing to pause, resume or leave. "
            "`/mentor join` lets you join when enrolment is open."
        )


class AlreadyPausedError(UserFacingError):
    """A second pause: say until when the first one runs."""

    def __init__(self, *, until: str) -> None:
        super().__init__(
            f"You are already on a break until {until}. `/mentor resume` ends it now; to change its "
            "length, resume and then pause again (`/mentor pause 1` to `/mentor pause 12` weeks)."
        )


class NotPausedError(UserFacingError):
    """Resume from someone who is not on a break."""

    def __init__(self) -> None:
        super().__init__(
            "You are not on a break, so there is nothing to resume. `/mentor status` shows where you are."
        )


class AlreadyLeftError(UserFacingError):
    """Pause, resume or leave from someone who has left the cohort."""

    def __init__(self, *, name: str) -> None:
        super().__init__(
            f"You have already left *{_escaped(name)}*. If you would like to take part again, "
            "ask a program admin."
        )


class PauseWeeksError(UserFacingError):
    """`/mentor pause` with a length that is not a whole number of weeks from 1 to 12."""

    def __init__(self, *, typed: str, minimum: int, maximum: int, default: int) -> None:
        super().__init__(
            f"I could not read `{typed}` as a number of weeks. A break lasts {minimum} to {maximum} weeks: "
            f"for example `/mentor pause 3`; `/mentor pause` alone pauses for {default} weeks."
        )


class ParticipationGoneError(UserFacingError):
    """A pause, resume or leave button (or form) of a cohort that is no longer the current one."""

    def __init__(self) -> None:
        super().__init__(
            "This button belongs to a program that has ended or been replaced, so I changed nothing. "
            "`/mentor status` shows where you are now."
        )


class MatchingNotOpenError(UserFacingError):
    """`match`, `pair` or `unpair` while the cohort is still a draft (nobody could have answered)."""

    def __init__(self, *, name: str) -> None:
        super().__init__(
            f"*{_escaped(name)}* is still a draft: open enrolment with `/mentor-admin announce #channel` "
            "and let people answer the survey, then run `/mentor-admin match`."
        )


class NothingToMatchError(UserFacingError):
    """`match` with nobody (or only one side) having answered the survey."""

    def __init__(self, *, name: str, employees: int, executives: int) -> None:
        super().__init__(
            f"There is nobody to pair yet in *{_escaped(name)}*: {employees} employee(s) and "
            f"{executives} executive(s) have answered the survey and are waiting for a partner. "
            "Pairs need at least one of each."
        )


class StalePreviewError(UserFacingError):
    """Confirm of a preview that no longer describes the cohort; `staleness` says what changed."""

    def __init__(self, *, staleness: Staleness, run_id: int, revision: int) -> None:
        super().__init__(
            "This matching preview is out of date, so I confirmed nothing. Press Re-run or run "
            "`/mentor-admin match` again for a fresh one."
        )
        self.staleness = staleness
        self.run_id = run_id
        self.revision = revision


class NoPairsToConfirmError(UserFacingError):
    """Confirm of a preview without a single pair."""

    def __init__(self) -> None:
        super().__init__(
            "This preview has no pairs, so there is nothing to confirm. Once more people have answered "
            "the survey, run `/mentor-admin match` again."
        )


class PreviewGoneError(UserFacingError):
    """A matching button of a preview that does not exist (any more) in this workspace."""

    def __init__(self) -> None:
        super().__init__(
            "I could not find this matching preview any more, so I changed nothing. "
            "Run `/mentor-admin match` for a fresh one."
        )


class PairingRequestError(UserFacingError):
    """A `pair` or `unpair` that cannot be done as asked; the message says why and what to do."""


class CheckinRefusedError(UserFacingError):
    """A check-in button or reflection that cannot be taken (someone else's, an ended pairing...)."""


class NotYourCheckinError(UserFacingError):
    """A check-in button clicked by someone other than the person it was sent to."""

    def __init__(self) -> None:
        super().__init__(
            "This check-in was sent to someone else, so only they can answer it. Nothing changed."
        )


class NoActiveCohortError(UserFacingError):
    """Something that needs a running (active) cohort, such as nudging check-ins."""

    def __init__(self, *, name: str | None) -> None:
        where = f"*{_escaped(name)}* has not started yet" if name else "there is no cohort"
        super().__init__(
            f"Check-ins start once pairs are confirmed, and {where}. `/mentor-admin match` makes the pairs."
        )


# ---- closing a cohort, and the midpoint and closing surveys ---------------------------------


class NothingToCloseError(UserFacingError):
    """`close` without an active cohort: none at all, one already closed, or one not started yet."""

    def __init__(self, *, name: str | None = None, state: str | None = None) -> None:
        if name is None:
            text = (
                "There is no active cohort to close: the last one is already closed, or none was created. "
                "`/mentor-admin cohort new` starts the next one."
            )
        else:
            text = (
                f"*{_escaped(name)}* is still {state}, so there is nothing to close: a cohort is closed once "
                "it has run. Pairs are made with `/mentor-admin match`, which starts it."
            )
        super().__init__(text)


class ProgramSurveyRefusedError(UserFacingError):
    """A midpoint or closing survey that cannot be opened or saved (not a participant, a forged button...)."""
