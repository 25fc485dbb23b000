"""Messages shown when something goes wrong."""

from __future__ import annotations


def unexpected_error_text(*, error_id: str) -> str:
    """A generic apology that hides internals but gives admins an id to find the log line."""
    return (
        "Sorry, something went wrong on my side and I could not finish that. Please try again; if it "
        f"keeps happening, tell your program admin and quote error id `{error_id}`."
    )
