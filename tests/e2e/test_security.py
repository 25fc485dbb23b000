"""Requests that are not signed by Slack are refused; odd requests never get a 5xx."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from tests.conftest import EMPLOYEE_USER_ID


def command_body(response_url: str) -> bytes:
    return urlencode(
        {
            "command": "/mentor",
            "text": "help",
            "user_id": EMPLOYEE_USER_ID,
            "team_id": "T0TEAM001",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    ).encode()


def test_forged_signature_is_refused_with_401_and_nothing_runs(running_bot):
    response_url = running_bot.fake.new_response_url()
    result = running_bot.slack.post_raw(
        command_body(response_url),
        content_type="application/x-www-form-urlencoded",
        signature="v0=" + "0" * 64,
    )
    assert result.status == 401
    time.sleep(0.3)
    assert running_bot.fake.responses(response_url) == []


def test_stale_timestamp_is_refused_even_with_a_valid_signature(running_bot):
    result = running_bot.slack.post_raw(
        command_body(running_bot.fake.new_response_url()),
        content_type="application/x-www-form-urlencoded",
        timestamp=int(time.time()) - 6 * 60,
    )
    assert result.status == 401


def test_a_correctly_signed_request_is_accepted(running_bot):
    result = running_bot.slack.post_raw(
        command_body(running_bot.fake.new_response_url()),
        content_type="application/x-www-form-urlencoded",
    )
    assert result.status == 200


def test_unsigned_request_is_refused(running_bot):
    request = urllib.request.Request(
        running_bot.url + "/slack/events",
        data=b"command=/mentor",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        status = urllib.request.urlopen(request, timeout=5).status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 401


def test_unknown_paths_get_404_not_an_error(running_bot):
    for method, path in (("GET", "/slack/events"), ("GET", "/"), ("POST", "/admin")):
        request = urllib.request.Request(
            running_bot.url + path, method=method, data=b"" if method == "POST" else None
        )
        try:
            status = urllib.request.urlopen(request, timeout=5).status
        except urllib.error.HTTPError as error:
            status = error.code
        assert status == 404, (method, path)
