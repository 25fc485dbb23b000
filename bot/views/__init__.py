"""Block Kit views: pure functions from plain data to message and view dicts.

Nothing here talks to Slack or the database, so every view is unit-tested against
Slack's Block Kit limits (see `blocks.py`).
"""
