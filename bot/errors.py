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
