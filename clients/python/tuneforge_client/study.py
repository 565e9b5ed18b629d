"""A study on the platform, driven from this process: ask, tell, and the optimize loop."""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
import urllib.parse
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple, Type, Union

from .distributions import Distribution
from .errors import LeaseLostError, StudyClosedError, TrialPruned, TuneforgeError
from .trial import FrozenTrial, Trial, _distributions_from_json, _finite_float

if TYPE_CHECKING:
    from .client import Client

logger = logging.getLogger("tuneforge_client")

#: What an objective returns: one value, or one per objective of a multi-objective study.
ObjectiveValue = Union[float, Sequence[float]]
#: The states ``tell`` accepts.
TELL_STATES = ("COMPLETE", "PRUNED", "FAIL")


class Study:
    """A platform study (``Client.create_study`` / ``Client.load_study``).

    Attributes:
        id: the study's id on the platform.
        name: its unique name.
        directions: ``"minimize"`` or ``"maximize"``, one per objective.
    """

    def __init__(self, client: Client, json: Dict[str, Any]) -> None:
        self.client = client
        self.id: int = int(json["id"])
        self.name: str = str(json["name"])
        self.directions: List[str] = list(json.get("directions") or ["minimize"])
        self._path = f"/studies/{self.id}"
        self._open: Dict[int, Trial] = {}
        self._open_lock = threading.Lock()

    # -- ask and tell -------------------------------------------------------------------------------------------

    def ask(
        self, fixed_distributions: Optional[Dict[str, Distribution]] = None, *, lease_seconds: Optional[int] = None
    ) -> Trial:
        """Starts a trial planned by the study's sampler, RUNNING under a lease that a daemon thread renews until
        ``tell`` (or until this process ends: then the platform frees the trial when the lease lapses).

        Args:
            fixed_distributions: parameters to sample now, all at once (their values are in ``trial.params``);
                others can still be suggested one at a time while the trial runs.
            lease_seconds: the lease, whole seconds from 5 to 3600 (the platform's default, 60, when None). A process
                that vanishes holds its trial this long at most; then the trial runs again (WAITING, handed to the
                next ask) or ends FAIL, per the study's ``retry.maxRetries``.

        Raises:
            StudyClosedError: the budget is spent, its timeoutSec passed, or the study is stopped or completed.
        """
        body: Dict[str, Any] = {"client": self.client.client_name}
        if fixed_distributions:
            body["params"] = {name: d.to_json() for name, d in fixed_distributions.items()}
        if lease_seconds is not None:
            body["leaseSeconds"] = lease_seconds
        try:
            answer = self.client._http.request("POST", f"{self._path}/ask", body)
        except TuneforgeError as error:
            # Every refusal of ask that is about the study (409) means no trial for this client now.
            if error.status == 409 and not isinstance(error, StudyClosedError):
                raise StudyClosedError(error.message, status=409, reason=error.reason, errors=error.errors) from None
            raise
        lease = answer["lease"]
        trial = Trial(
            self,
            number=int(answer["number"]),
            trial_id=answer.get("trialId"),
            params=dict(answer.get("params") or {}),
            distributions=_distributions_from_json(answer.get("distributions")),
            lease_token=str(lease["token"]),
            lease_seconds=float(lease["seconds"]),
            attempt=int(answer.get("attempt") or 1),
        )
        with self._open_lock:
            self._open[trial.number] = trial
        trial._start_heartbeat()
        return trial

    def tell(
        self,
        trial: Union[Trial, int],
        value: Optional[float] = None,
        *,
        values: Optional[Sequence[float]] = None,
        state: str = "COMPLETE",
        fail_reason: Optional[str] = None,
        constraints: Optional[Sequence[float]] = None,
    ) -> FrozenTrial:
        """Finishes a trial that this study's ``ask`` handed out, and stops renewing its lease.

        Args:
            trial: the trial, or its number.
            value: the objective's value (single objective); ``values``: one per objective.
            state: ``"COMPLETE"`` (needs a value), ``"PRUNED"`` or ``"FAIL"``.
            fail_reason: why a FAIL trial failed (shown on the trial).
            constraints: constraint values, each ``<= 0`` where the constraint holds.

        Returns:
            The trial as the platform stored it.

        Raises:
            LeaseLostError: the trial was no longer this client's (nothing was recorded).
        """
        if isinstance(trial, int):
            with self._open_lock:
                found = self._open.get(trial)
            if found is None:
                raise ValueError(f"trial {trial} was not handed out by this Study object's ask, or is already told")
            trial = found
        state = str(getattr(state, "value", state))
        if state not in TELL_STATES:
            raise ValueError(f"state must be one of {', '.join(TELL_STATES)}, got {state!r}")
        if value is not None and values is not None:
            raise ValueError("give value or values, not both")
        body: Dict[str, Any] = {"token": trial._lease_token, "state": state}
        if value is not None:
            body["value"] = _finite_float("value", value)
        if values is not None:
            body["values"] = [_finite_float("values", v) for v in values]
        if state == "COMPLETE" and value is None and values is None:
            raise ValueError(f"a COMPLETE trial needs its value: tell(trial, value) (trial {trial.number})")
        if state != "COMPLETE" and (value is not None or values is not None):
            raise ValueError(f"a {state} trial has no value (a PRUNED one keeps its last report): tell it without one")
        if fail_reason is not None and state != "FAIL":
            raise ValueError(f"fail_reason goes with state='FAIL', not {state!r}")
        if constraints is not None:
            body["constraints"] = [_finite_float("constraints", c) for c in constraints]
        if trial._user_attrs:
            body["userAttrs"] = dict(trial._user_attrs)
        if fail_reason is not None:
            body["failReason"] = str(fail_reason)[:2000]
        # Heartbeats stop first: one still in flight when the trial ends would come back lease-lost.
        trial._stop_heartbeat()
        try:
            answer = self._post_trial(trial.number, "tell", body, trial=trial)
        finally:
            with self._open_lock:
                self._open.pop(trial.number, None)
        return FrozenTrial.from_json(answer)

    # -- the loop -----------------------------------------------------------------------------------------------

    def optimize(
        self,
        func: Callable[[Trial], ObjectiveValue],
        n_trials: Optional[int] = None,
        n_jobs: int = 1,
        catch: Union[Tuple[Type[BaseException], ...], Type[BaseException]] = (),
        *,
        lease_seconds: Optional[int] = None,
        timeout: Optional[float] = None,
    ) -> None:
        """Runs trials until the study's budget is spent (or it is stopped), ``n_trials`` trials were run here, or
        ``timeout`` seconds passed (as ``optuna.Study.optimize``).

        Each trial: ``func(trial)`` runs; its value is told COMPLETE; ``TrialPruned`` tells PRUNED; any other exception
        tells FAIL with the exception as the reason, and is raised again unless it is one of ``catch``. A trial whose
        lease is lost while it runs is abandoned: its result is not told (the platform already ran it again or ended
        it), and the loop goes on.

        Args:
            n_jobs: trials run at once in this process, on threads (``-1``: one per CPU).
        """
        if n_trials is not None and (isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 1):
            raise ValueError(f"n_trials must be an integer >= 1 or None, got {n_trials!r}")
        if n_jobs == -1:
            n_jobs = os.cpu_count() or 1
        if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
            raise ValueError(f"n_jobs must be an integer >= 1 (or -1), got {n_jobs!r}")
        if timeout is not None and not timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds or None, got {timeout!r}")
        catch_types = catch if isinstance(catch, tuple) else (catch,)
        loop = _OptimizeLoop(self, func, n_trials, catch_types, lease_seconds, timeout)
        if n_jobs == 1:
            loop.run()
            return
        threads = [
            threading.Thread(target=loop.run_guarded, name=f"tuneforge-optimize-{i}", daemon=True)
            for i in range(n_jobs)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if loop.error is not None:
            raise loop.error

    # -- reading ------------------------------------------------------------------------------------------------

    def get(self) -> Dict[str, Any]:
        """The study as ``GET /studies/:id`` shows it: state, counts by trial state, definition, best trial."""
        study: Dict[str, Any] = self.client._http.request("GET", self._path, idempotent=True)
        return study

    @property
    def state(self) -> str:
        """``RUNNING``, ``STOPPED`` or ``COMPLETED``."""
        return str(self.get()["state"])

    @property
    def best_trial(self) -> FrozenTrial:
        """The best COMPLETE trial (feasible first) of a single-objective study."""
        best = self.get().get("best")
        if not best:
            raise ValueError(f"study {self.name!r} has no COMPLETE trial yet")
        return FrozenTrial.from_json(best)

    @property
    def best_value(self) -> float:
        value = self.best_trial.value
        assert value is not None
        return value

    @property
    def best_params(self) -> Dict[str, Any]:
        return self.best_trial.params

    def trials(self, state: Optional[str] = None) -> List[FrozenTrial]:
        """Every trial in number order (only those in ``state`` when given)."""
        out: List[FrozenTrial] = []
        query = {"order": "number", "limit": "1000"}
        if state is not None:
            query["state"] = state
        while True:
            page = self.client._http.request(
                "GET", f"{self._path}/trials?{urllib.parse.urlencode(query)}", idempotent=True
            )
            out.extend(FrozenTrial.from_json(t) for t in page["items"])
            # Keyset paging: `next` is where the following page starts (null on the last one).
            if not page.get("next") or not page["items"]:
                return out
            query["after"] = str(page["next"])

    def stop(self) -> None:
        """Stops the study: ``ask`` hands out no more trials; those running may still be told."""
        self.client._http.request("POST", f"{self._path}/stop", {}, idempotent=True)

    # -- plumbing -----------------------------------------------------------------------------------------------

    def _post_trial(
        self, number: int, action: str, body: Dict[str, Any], *, trial: Trial, mark_lost: bool = True
    ) -> Any:
        # suggest, report, heartbeat and tell answer the same to a repeat (the platform's contract), so a dropped
        # connection is retried.
        try:
            return self.client._http.request("POST", f"{self._path}/trials/{number}/{action}", body, idempotent=True)
        except LeaseLostError as error:
            if mark_lost:
                trial._lose_lease(error.message)
            raise

    def __repr__(self) -> str:
        return f"Study(id={self.id}, name={self.name!r}, directions={self.directions!r})"


class _OptimizeLoop:
    """The state ``optimize`` shares between its threads: trials started, the deadline, the first error."""

    def __init__(
        self,
        study: Study,
        func: Callable[[Trial], ObjectiveValue],
        n_trials: Optional[int],
        catch: Tuple[Type[BaseException], ...],
        lease_seconds: Optional[int],
        timeout: Optional[float],
    ) -> None:
        self.study = study
        self.func = func
        self.n_trials = n_trials
        self.catch = catch
        self.lease_seconds = lease_seconds
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.started = 0
        self.done = threading.Event()
        self.error: Optional[BaseException] = None
        self._lock = threading.Lock()

    def _take_slot(self) -> bool:
        with self._lock:
            if self.done.is_set():
                return False
            if self.n_trials is not None and self.started >= self.n_trials:
                return False
            if self.deadline is not None and time.monotonic() >= self.deadline:
                return False
            self.started += 1
            return True

    def run_guarded(self) -> None:
        try:
            self.run()
        except BaseException as error:  # handed to the calling thread, which raises it
            with self._lock:
                if self.error is None:
                    self.error = error
            self.done.set()

    def run(self) -> None:
        while self._take_slot():
            try:
                trial = self.study.ask(lease_seconds=self.lease_seconds)
            except StudyClosedError as error:
                logger.info("No more trials for study %r: %s", self.study.name, error)
                self.done.set()
                return
            self._run_trial(trial)

    def _run_trial(self, trial: Trial) -> None:
        try:
            result = self.func(trial)
        except TrialPruned as pruned:
            if trial.lease_lost:  # should_prune() said so because the lease is gone: nothing to tell
                self._abandon(trial)
            else:
                self._finish(trial, "PRUNED", note=str(pruned))
            return
        except LeaseLostError:
            self._abandon(trial)
            return
        except BaseException as error:
            if trial.lease_lost:
                # Whatever the objective raised came after the platform took the trial back: nothing to tell.
                self._abandon(trial)
                if not isinstance(error, Exception):
                    raise  # KeyboardInterrupt, SystemExit
                return
            reason = "".join(traceback.format_exception_only(type(error), error)).strip()
            try:
                self._finish(trial, "FAIL", fail_reason=reason)
            except TuneforgeError:
                pass  # logged by _finish; the objective's own exception is the one to raise (or catch)
            if isinstance(error, self.catch):
                return
            raise
        if trial.lease_lost:
            self._abandon(trial)
            return
        try:
            values = self._values(result)
        except ValueError as error:
            self._finish(trial, "FAIL", fail_reason=str(error))
            return
        self._finish(trial, "COMPLETE", values=values)

    def _values(self, result: ObjectiveValue) -> List[float]:
        n = len(self.study.directions)
        raw: Sequence[Any] = result if isinstance(result, (list, tuple)) else [result]
        if len(raw) != n:
            raise ValueError(f"the objective returned {len(raw)} values, the study has {n} objectives: {result!r}")
        out = []
        for v in raw:
            try:
                out.append(_finite_float("the objective's value", v))
            except ValueError:
                raise ValueError(f"the objective returned {result!r}: every value must be a finite number") from None
        return out

    def _finish(
        self,
        trial: Trial,
        state: str,
        *,
        values: Optional[List[float]] = None,
        fail_reason: Optional[str] = None,
        note: str = "",
    ) -> None:
        try:
            if values is not None and len(values) == 1:  # one objective: the platform takes `value`
                self.study.tell(trial, values[0], state=state)
            else:
                self.study.tell(trial, values=values, state=state, fail_reason=fail_reason)
        except LeaseLostError:
            self._abandon(trial)
            return
        except TuneforgeError as error:
            logger.error("Trial %d could not be told %s: %s", trial.number, state, error)
            raise
        if state == "COMPLETE":
            shown = values[0] if values is not None and len(values) == 1 else values
            logger.info("Trial %d finished with value: %s and parameters: %s.", trial.number, shown, trial.params)
        elif state == "PRUNED":
            logger.info("Trial %d pruned. %s", trial.number, note)
        else:
            logger.warning("Trial %d failed: %s", trial.number, fail_reason)

    def _abandon(self, trial: Trial) -> None:
        trial._stop_heartbeat()
        with self.study._open_lock:
            self.study._open.pop(trial.number, None)
        logger.warning(
            "Trial %d abandoned: its lease was lost (%s); its result is not recorded.",
            trial.number,
            trial._lease_lost_message or "the platform took the trial back",
        )
