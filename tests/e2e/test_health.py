"""GET /healthz tells a load balancer whether the bot can reach its database."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from bot import __version__
from bot.runtime import HttpServer
from bot.web import build_wsgi_app
from storage.engine import create_database_engine, ping


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_healthz_is_200_when_the_database_answers(running_bot):
    status, body = get(running_bot.url + "/healthz")
    assert status == 200
    assert body == {"status": "ok", "database": "ok", "version": __version__}


def test_healthz_is_503_when_the_database_does_not_answer(settings, fake_slack):
    from bot.app import create_app

    unreachable = create_database_engine(
        "postgresql+psycopg://nobody:pw@127.0.0.1:9/nowhere?connect_timeout=2"
    )
    app = create_app(settings, uow_factory=lambda: None)
    server = HttpServer(
        wsgi_app=build_wsgi_app(bolt_app=app, health_check=lambda: ping(engine=unreachable)),
        host="127.0.0.1",
        port=0,
    )
    server.start()
    try:
        status, body = get(server.url + "/healthz")
    finally:
        server.stop()
        unreachable.dispose()
    assert status == 503
    assert body == {"status": "unavailable", "database": "unreachable"}
    assert "pw" not in json.dumps(body)
