"""An in-memory stand-in for the platform's ask-and-tell routes, on a stdlib HTTP server, for the client's unit tests.

It follows the ask-and-tell routes of docs/PLATFORM.md: studies by id or name, ask with a
budget, suggest / report / heartbeat / tell checked against the lease token, errors in the platform's JSON shape.
Sampling is uniform at random (seeded); pruning is a fixed rule the test sets. The acceptance tests run the client
against the real platform (test/python-client*.e2e-spec.ts); these only check the client's side of each exchange.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Set, Tuple


class FakeTrial:
    def __init__(self, number: int) -> None:
        self.number = number
        self.state = "RUNNING"
        self.params: Dict[str, Any] = {}
        self.distributions: Dict[str, Any] = {}
        self.values: Optional[List[float]] = None
        self.intermediate: Dict[int, float] = {}
        self.user_attrs: Dict[str, Any] = {}
        self.fail_reason: Optional[str] = None
        self.token = uuid.uuid4().hex
        self.heartbeats = 0
        self.client: Optional[str] = None

    def to_json(self) -> Dict[str, Any]:
        return {
            "number": self.number,
            "state": self.state,
            "values": self.values,
            "params": self.params,
            "intermediateValues": {str(k): v for k, v in self.intermediate.items()},
            "userAttrs": self.user_attrs,
            "failReason": self.fail_reason,
            "worker": self.client,
            "attempt": 1,
        }


class FakeStudy:
    def __init__(self, study_id: int, definition: Dict[str, Any]) -> None:
        self.id = study_id
        self.definition = definition
        self.name = definition["name"]
        self.n_trials = int(definition["budget"]["nTrials"])
        self.directions = definition.get("directions") or [definition.get("direction", "minimize")]
        self.trials: List[FakeTrial] = []
        self.state = "RUNNING"

    def to_json(self) -> Dict[str, Any]:
        counts = {s: 0 for s in ("WAITING", "RUNNING", "COMPLETE", "PRUNED", "FAIL")}
        for t in self.trials:
            counts[t.state] += 1
        done = [t for t in self.trials if t.state == "COMPLETE"]
        sign = 1 if self.directions[0] == "minimize" else -1
        best = min(done, key=lambda t: sign * t.values[0]).to_json() if done else None  # type: ignore[index]
        return {
            "id": self.id,
            "name": self.name,
            "directions": self.directions,
            "state": self.state,
            "counts": counts,
            "best": best,
        }


class ApiError(Exception):
    def __init__(
        self, status: int, message: str, reason: Optional[str] = None, errors: Optional[List[Dict[str, Any]]] = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.reason, self.errors = status, message, reason, errors


STATUS_TEXT = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 409: "Conflict", 503: "Service Unavailable"}


class FakePlatform:
    """Start with ``with FakePlatform() as fake:``; ``fake.url`` is the base URL."""

    def __init__(self, token: Optional[str] = None, seed: int = 0) -> None:
        self.token = token
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.studies: List[FakeStudy] = []
        self.requests: List[Tuple[str, str, Any]] = []
        #: (study, trial number, step, value) -> should the trial be pruned; default never.
        self.prune_rule: Callable[[int, float], bool] = lambda step, value: False
        #: trial numbers whose next heartbeat, report or tell answers lease-lost.
        self.lose_lease: Set[int] = set()
        #: the lease `ask` answers, whatever was asked (short leases make quick heartbeat tests).
        self.lease_seconds: Optional[float] = None
        #: the most trials in one page of GET …/trials (keyset paging with `after` / `next`).
        self.page_size = 1000
        #: answers 503 to this many requests before serving them.
        self.unavailable = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # A short poll so that shutdown() at the end of each test returns at once.
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> FakePlatform:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def calls(self, action: str) -> List[Any]:
        return [body for method, path, body in self.requests if path.endswith("/" + action)]

    # -- routes ---------------------------------------------------------------------------------------------------

    def _study(self, key: str) -> FakeStudy:
        for s in self.studies:
            if str(s.id) == key or s.name == key:
                return s
        raise ApiError(404, f"Study {key} not found.")

    def _trial(self, study: FakeStudy, number: str, body: Dict[str, Any]) -> FakeTrial:
        if int(number) >= len(study.trials):
            raise ApiError(404, f"Trial {number} of study {study.id} not found.")
        trial = study.trials[int(number)]
        if trial.number in self.lose_lease:
            trial.state = "WAITING"
            trial.token = uuid.uuid4().hex
        if trial.state != "RUNNING" or body.get("token") != trial.token:
            raise ApiError(409, f"Trial {number} is no longer held by this lease: stop it.", reason="lease-lost")
        return trial

    def _sample(self, d: Dict[str, Any]) -> Any:
        if d["type"] == "categorical":
            return self.rng.choice(d["choices"])
        if d["type"] == "int":
            return self.rng.randrange(d["low"], d["high"] + 1, d.get("step") or 1)
        return self.rng.uniform(d["low"], d["high"])

    def route(self, method: str, path: str, body: Dict[str, Any]) -> Tuple[int, Any]:
        if self.unavailable > 0:
            self.unavailable -= 1
            raise ApiError(503, "Redis is unreachable: nothing was changed; try again once it is back.")
        if method == "POST" and path == "/studies":
            if not isinstance(body.get("name"), str):
                raise ApiError(
                    400,
                    "name: name must be a string",
                    errors=[{"field": "name", "messages": ["name must be a string"]}],
                )
            study = FakeStudy(len(self.studies) + 1, body)
            self.studies.append(study)
            return 201, study.to_json()
        m = re.fullmatch(r"/studies/([^/]+)", path)
        if m and method == "GET":
            return 200, self._study(m.group(1)).to_json()
        m = re.fullmatch(r"/studies/([^/]+)/trials\?.*", path)
        if m and method == "GET":
            query = dict(urllib.parse.parse_qsl(path.split("?", 1)[1]))
            trials = [
                t
                for t in self._study(m.group(1)).trials
                if t.number > int(query.get("after", -1)) and query.get("state", t.state) == t.state
            ]
            page = trials[: min(int(query["limit"]), self.page_size)]
            more = len(trials) > len(page)
            return 200, {
                "total": len(trials),
                "offset": 0,
                "limit": int(query["limit"]),
                "items": [t.to_json() for t in page],
                "next": str(page[-1].number) if more else None,
            }
        m = re.fullmatch(r"/studies/([^/]+)/ask", path)
        if m and method == "POST":
            study = self._study(m.group(1))
            if study.state != "RUNNING":  # a 409 without a reason: the client must end its loop on any 409
                raise ApiError(409, f"Study {study.id} is {study.state}: resume it first.")
            if len(study.trials) >= study.n_trials:
                raise ApiError(
                    409,
                    f"Study {study.id} has all {study.n_trials} trials of its budget: budget spent.",
                    reason="budget",
                )
            trial = FakeTrial(len(study.trials))
            trial.client = body.get("client")
            for name, d in (body.get("params") or {}).items():
                trial.params[name] = self._sample(d)
                trial.distributions[name] = d
            study.trials.append(trial)
            seconds = self.lease_seconds or body.get("leaseSeconds", 60)
            return 201, {
                "number": trial.number,
                "trialId": 1000 + trial.number,
                "attempt": 1,
                "params": trial.params,
                "distributions": trial.distributions,
                "lease": {"token": trial.token, "seconds": seconds, "expiresAt": time.time() + seconds},
            }
        m = re.fullmatch(r"/studies/([^/]+)/trials/(\d+)/(suggest|report|heartbeat|tell)", path)
        if m and method == "POST":
            trial = self._trial(self._study(m.group(1)), m.group(2), body)
            action = m.group(3)
            if action == "heartbeat":
                trial.heartbeats += 1
                return 200, {"expiresAt": time.time() + 60}
            if action == "suggest":
                name, d = body["name"], body["distribution"]
                if name in trial.params:
                    if trial.distributions[name] != d:
                        raise ApiError(400, f"distribution: {name} was suggested with another distribution")
                    return 200, {"name": name, "value": trial.params[name]}
                trial.params[name] = self._sample(d)
                trial.distributions[name] = d
                return 200, {"name": name, "value": trial.params[name]}
            if action == "report":
                trial.intermediate[body["step"]] = body["value"]
                return 200, {"shouldPrune": self.prune_rule(body["step"], body["value"])}
            state = body.get("state", "COMPLETE")
            if "value" in body and "values" in body:
                raise ApiError(400, "values: give value (one objective) or values, not both")
            if state != "COMPLETE" and ("value" in body or "values" in body):
                raise ApiError(400, f"value: a {state} trial has no value")
            trial.state = state
            trial.values = body.get("values") if "values" in body else ([body["value"]] if "value" in body else None)
            trial.user_attrs = body.get("userAttrs") or {}
            trial.fail_reason = body.get("failReason")
            return 200, trial.to_json()
        raise ApiError(404, f"path: no route {method} {path}")

    def _handler(self) -> type:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else {}
                try:
                    if (
                        platform.token
                        and self.headers.get("Authorization") != f"Bearer {platform.token}"
                        and method == "POST"
                    ):
                        raise ApiError(401, "A valid API token is required: send Authorization: Bearer <token>.")
                    with platform.lock:
                        platform.requests.append((method, self.path, body))
                        status, answer = platform.route(method, self.path, body)
                except ApiError as error:
                    status = error.status
                    answer = {"statusCode": status, "error": STATUS_TEXT.get(status, "Error"), "message": error.message}
                    if error.reason:
                        answer["reason"] = error.reason
                    if error.errors:
                        answer["errors"] = error.errors
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        return Handler
