"""Reverse-mentoring Slack bot: the application layer (settings, services, views, runtime)."""

__version__ = "0.1.0"
