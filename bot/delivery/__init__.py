"""Delivery: the outbox and the dispatcher that sends it.

Every scheduled or bulk message is a row in `outbox` first (`outbox.enqueue`); the
dispatcher claims due rows, sends them at a pace Slack accepts, and records each outcome,
so that nothing is sent twice and nothing is lost across crashes, restarts and several
processes. `scheduler` runs the planners and the dispatcher periodically.
"""
