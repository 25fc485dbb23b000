"""Domain errors that carry a message meant for the person who triggered them.

The single `@app.error` handler shows `user_message` as is; any other exception is logged
with an error id and the person sees a generic apology quoting that id.
"""

from __future__ import annotations


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
