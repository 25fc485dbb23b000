"""Slack adapters: parse a payload, ack at once, call one service, render a view.

Each module has a `register(app, deps)` that wires plain functions, so the functions
can be imported and tested without building an App.
"""

from __future__ import annotations

from slack_bolt import App

from handlers import (
    admin_command,
    admin_home,
    checkins,
    cohort,
    errors,
    home,
    lifecycle,
    matching,
    mentor_command,
    participation,
    program_surveys,
    survey,
)
from handlers.deps import HandlerDeps


def register_all(app: App, deps: HandlerDeps) -> None:
    """Wire every listener the manifest asks Slack to send us."""
    errors.register(app, deps)
    mentor_command.register(app, deps)
    admin_command.register(app, deps)
    cohort.register(app, deps)
    home.register(app, deps)
    lifecycle.register(app, deps)
    survey.register(app, deps)
    participation.register(app, deps)
    matching.register(app, deps)
    checkins.register(app, deps)
    admin_home.register(app, deps)
    program_surveys.register(app, deps)
