"""JSON over HTTP with urllib: one place that turns the platform's answers into values or TuneforgeErrors."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from typing import Any, Dict, Optional

from .errors import LeaseLostError, StudyClosedError, TuneforgeConnectionError, TuneforgeError

#: 409 reasons by which ask says the study hands out no more trials.
CLOSED_REASONS = frozenset({"budget", "timeout", "stopped", "completed"})


class HttpTransport:
    """Sends JSON requests to one API base URL with the bearer token, and maps error answers to exceptions.

    ``retries`` applies to answers that say nothing was done (503: Redis, Postgres or the study's lock unavailable) and,
    for requests that are safe to repeat (``idempotent=True``), to connection failures; waits grow from 0.2 s to 2 s.
    """

    def __init__(self, base_url: str, token: Optional[str], timeout: float, retries: int) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries

    def request(
        self, method: str, path: str, body: Optional[Dict[str, Any]] = None, *, idempotent: bool = False
    ) -> Any:
        delay = 0.2
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                return self._send(method, path, body)
            except TuneforgeConnectionError:
                if last or not idempotent:
                    raise
            except TuneforgeError as error:
                if last or error.status != 503:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")

    def _send(self, method: str, path: str, body: Optional[Dict[str, Any]]) -> Any:
        url = self.base_url + path
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, allow_nan=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", errors="replace")
            # `from None`: the server's message is the whole story; urllib's frames would only hide it.
            raise _error_from_answer(method, url, error.code, text) from None
        except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as error:
            cause = getattr(error, "reason", error)
            raise TuneforgeConnectionError(
                f"cannot reach the Tuneforge API at {self.base_url} ({method} {path}): {cause}"
            ) from None
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise TuneforgeError(f"{method} {url} answered something that is not JSON: {text[:200]!r}") from None


def _error_from_answer(method: str, url: str, status: int, text: str) -> TuneforgeError:
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if not isinstance(body, dict) or "message" not in body:
        return TuneforgeError(f"{method} {url} answered HTTP {status}: {text[:200]}", status=status)
    message = body["message"]
    if isinstance(message, list):  # some frameworks send a list of messages
        message = "; ".join(str(m) for m in message)
    reason = body.get("reason") if isinstance(body.get("reason"), str) else None
    errors = body.get("errors") if isinstance(body.get("errors"), list) else None
    cls = TuneforgeError
    if status == 409 and reason == "lease-lost":
        cls = LeaseLostError
    elif status == 409 and reason in CLOSED_REASONS:
        cls = StudyClosedError
    return cls(str(message), status=status, reason=reason, errors=errors)
