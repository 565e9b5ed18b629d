"""The entry point: a connection to one Tuneforge API."""

from __future__ import annotations

import os
import re
import socket
import urllib.parse
from typing import Any, Dict, Optional, Union

from ._http import HttpTransport
from .study import Study

#: What the platform takes as a client's name (``client`` of ``POST …/ask``).
CLIENT_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


class Client:
    """A Tuneforge platform's REST API: ``Client("http://127.0.0.1:3000", token=os.environ["TUNEFORGE_API_TOKEN"])``.

    Args:
        url: the API's base URL.
        token: the API token (``TUNEFORGE_API_TOKEN`` of the platform), sent as a bearer token; None when the
            platform has none.
        timeout: seconds to wait for one answer. @default 30
        retries: repeats of a request the platform answered 503 (nothing done: Redis, Postgres or a lock was
            unavailable) or, for requests safe to repeat, that got no answer. @default 3
        client_name: shown on the trials this client runs (their ``worker``). @default ``<hostname>-<pid>``
    """

    def __init__(
        self,
        url: str,
        token: Optional[str] = None,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        client_name: Optional[str] = None,
    ) -> None:
        if not timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout!r}")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(f"retries must be an integer >= 0, got {retries!r}")
        if client_name is None:
            host = re.sub(r"[^A-Za-z0-9._@-]", "-", socket.gethostname())[:50] or "host"
            client_name = f"{host}-{os.getpid()}"
        if not isinstance(client_name, str) or not CLIENT_NAME.match(client_name):
            raise ValueError(f'client_name must be 1 to 64 letters, digits, ".", "_", "@" or "-", got {client_name!r}')
        self.url = url
        self.client_name = client_name
        self._http = HttpTransport(url, token, timeout, retries)

    def create_study(self, definition: Dict[str, Any]) -> Study:
        """Creates a study from a definition (the JSON of ``POST /studies``) and returns it.

        Without ``objective`` the study is client-only: trials run only where ``ask`` is called. Creating is
        idempotent: the same definition under an existing name returns that study; a different one raises a
        ``TuneforgeError`` naming the first field that differs.
        """
        if not isinstance(definition, dict):
            raise ValueError(f"definition must be a dict (the JSON of POST /studies), got {type(definition).__name__}")
        return Study(self, self._http.request("POST", "/studies", definition))

    def load_study(self, name: Union[str, int]) -> Study:
        """An existing study, by name or id."""
        segment = urllib.parse.quote(str(name), safe="")
        return Study(self, self._http.request("GET", f"/studies/{segment}", idempotent=True))

    def __repr__(self) -> str:
        return f"Client({self.url!r})"
