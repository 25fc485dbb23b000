"""The container's health check: ask the bot's own `GET /healthz`, exit 0 on 200 and 1 otherwise.

`deploy/Dockerfile` runs it (python:3.11-slim has no curl). The bot answers 200 when its
database answers and 503 when it does not, so an orchestrator restarts or drains a process
that lost its database. In Socket Mode (`SLACK_APP_TOKEN` set) the bot serves no HTTP and
there is nothing to ask: the check passes, and a crashed bot ends the container instead.
Standard library only, and no proxy: the request never leaves the container.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping

HEALTH_PATH = "/healthz"
DEFAULT_PORT = 3000
TIMEOUT_SECONDS = 4.0
_ANY_ADDRESS = ("", "0.0.0.0", "::")


def health_url(environ: Mapping[str, str]) -> str:
    """Where this container's bot listens: HOST and PORT as the bot reads them, loopback for 'any'."""
    host = environ.get("HOST", "").strip()
    host = "127.0.0.1" if host in _ANY_ADDRESS else host
    if ":" in host:
        host = f"[{host}]"
    port = environ.get("PORT", "").strip() or str(DEFAULT_PORT)
    return f"http://{host}:{port}{HEALTH_PATH}"


def check(environ: Mapping[str, str]) -> tuple[int, str]:
    """The exit status and a line for `docker inspect` to show."""
    if environ.get("SLACK_APP_TOKEN", "").strip():
        return 0, "Socket Mode: no HTTP endpoint to check"
    url = health_url(environ)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=TIMEOUT_SECONDS) as response:
            return 0, response.read(500).decode(errors="replace")
    except urllib.error.HTTPError as error:
        return 1, f"{url} answered {error.code}: {error.read(500).decode(errors='replace')}"
    except OSError as error:
        return 1, f"{url} did not answer: {error}"


def main() -> int:
    status, line = check(os.environ)
    print(line)
    return status


if __name__ == "__main__":
    sys.exit(main())
