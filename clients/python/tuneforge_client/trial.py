"""A trial handed out by ``Study.ask``: define-by-run suggestions, reports and pruning, under a renewed lease."""

from __future__ import annotations

import json
import logging
import math
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence

from .distributions import (
    CategoricalChoice,
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
    ParamValue,
    distribution_from_json,
)
from .errors import LeaseLostError, TuneforgeError

if TYPE_CHECKING:
    from .study import Study

logger = logging.getLogger("tuneforge_client")


@dataclass(frozen=True)
class FrozenTrial:
    """A trial as the platform stores it (``GET /studies/:id/trials/:number``)."""

    number: int
    state: str
    values: Optional[List[float]]
    params: Dict[str, Any]
    intermediate_values: Dict[int, float] = field(default_factory=dict)
    user_attrs: Dict[str, Any] = field(default_factory=dict)
    fail_reason: Optional[str] = None
    attempt: int = 0
    worker: Optional[str] = None

    @property
    def value(self) -> Optional[float]:
        """The value of a single-objective trial (``None`` unless it is COMPLETE)."""
        if self.values is None:
            return None
        if len(self.values) != 1:
            raise ValueError(f"trial {self.number} has {len(self.values)} values: read .values")
        return self.values[0]

    @staticmethod
    def from_json(json: Dict[str, Any]) -> FrozenTrial:
        return FrozenTrial(
            number=int(json["number"]),
            state=str(json["state"]),
            values=json.get("values"),
            params=dict(json.get("params") or {}),
            intermediate_values={int(k): v for k, v in (json.get("intermediateValues") or {}).items()},
            user_attrs=dict(json.get("userAttrs") or {}),
            fail_reason=json.get("failReason"),
            attempt=int(json.get("attempt") or 0),
            worker=json.get("worker"),
        )


class _Heartbeat:
    """Renews a trial's lease every third of it on a daemon thread, so that a process that dies frees its trial
    within one lease and a live one keeps it however long the objective runs."""

    def __init__(self, trial: Trial, interval: float) -> None:
        self._trial = trial
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"tuneforge-heartbeat-{trial.number}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                self._trial._renew_lease()
            except LeaseLostError as error:
                if not self._stopped.is_set():
                    self._trial._lose_lease(error.message)
                return
            except TuneforgeError as error:
                # A blip (503, a reset connection) costs nothing while the lease lasts: try again at the next beat.
                logger.warning(
                    "Trial %d: heartbeat failed (%s); retrying in %.1f s.", self._trial.number, error, self._interval
                )


class Trial:
    """One trial of a study, RUNNING under this client's lease (as ``optuna.trial.Trial``).

    Parameters that ``ask`` brought are returned by the ``suggest_*`` methods without a request; the others are
    sampled by the study's sampler on the platform (``POST …/suggest``), knowing the study's history.
    """

    def __init__(
        self,
        study: Study,
        number: int,
        trial_id: Optional[int],
        params: Dict[str, ParamValue],
        distributions: Dict[str, Distribution],
        lease_token: str,
        lease_seconds: float,
        attempt: int = 1,
    ) -> None:
        self.study = study
        self.number = number
        self.trial_id = trial_id
        #: The run of this trial: 1, or more when it runs again after a lost run (a lapsed lease, a lost worker).
        self.attempt = attempt
        self._params: Dict[str, ParamValue] = dict(params)
        self._distributions: Dict[str, Distribution] = dict(distributions)
        self._user_attrs: Dict[str, Any] = {}
        self._lease_token = lease_token
        self.lease_seconds = lease_seconds
        self._should_prune = False
        self._lease_lost = threading.Event()
        self._lease_lost_message: Optional[str] = None
        self._heartbeat = _Heartbeat(self, max(lease_seconds / 3.0, 0.5))

    # -- parameters ---------------------------------------------------------------------------------------------

    @property
    def params(self) -> Dict[str, ParamValue]:
        """The parameters known so far: those ``ask`` brought and those suggested since."""
        return dict(self._params)

    @property
    def distributions(self) -> Dict[str, Distribution]:
        return dict(self._distributions)

    @property
    def user_attrs(self) -> Dict[str, Any]:
        return dict(self._user_attrs)

    def suggest_float(
        self, name: str, low: float, high: float, *, log: bool = False, step: Optional[float] = None
    ) -> float:
        """A float in ``[low, high]`` (on a log scale, or on the grid ``low + k * step``)."""
        return float(_number(name, self._suggest(name, FloatDistribution(low, high, log, step))))

    def suggest_int(self, name: str, low: int, high: int, *, log: bool = False, step: int = 1) -> int:
        """An integer in ``[low, high]`` (on a log scale, or on the grid ``low + k * step``)."""
        return int(_number(name, self._suggest(name, IntDistribution(low, high, log, step))))

    def suggest_categorical(self, name: str, choices: Sequence[CategoricalChoice]) -> CategoricalChoice:
        """One of ``choices``."""
        return self._suggest(name, CategoricalDistribution(choices))

    def _suggest(self, name: str, distribution: Distribution) -> ParamValue:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a parameter name must be a non-empty string, got {name!r}")
        if name in self._params:
            value = self._params[name]
            # A value set by ask (or an earlier suggest) stands, as Optuna's fixed parameters do, unless the
            # objective now asks for a range that cannot hold it.
            if self._distributions.get(name) != distribution and not distribution.contains(value):
                raise ValueError(
                    f"parameter {name!r} of trial {self.number} was already set to {value!r}, "
                    f"which {distribution.to_json()} does not contain"
                )
            return value
        answer = self.study._post_trial(
            self.number,
            "suggest",
            {"name": name, "distribution": distribution.to_json(), "token": self._lease_token},
            trial=self,
        )
        sampled: ParamValue = answer["value"]
        self._params[name] = sampled
        self._distributions[name] = distribution
        return sampled

    # -- reports and pruning ------------------------------------------------------------------------------------

    def report(self, value: float, step: int) -> None:
        """Records an intermediate value (e.g. the validation score after epoch ``step``) and asks the study's pruner.

        The answer is what ``should_prune()`` returns next. A report also renews the lease.
        """
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise ValueError(f"step must be an integer >= 0, got {step!r}")
        value = _finite_float("the reported value", value)
        answer = self.study._post_trial(
            self.number, "report", {"step": step, "value": value, "token": self._lease_token}, trial=self
        )
        self._should_prune = bool(answer.get("shouldPrune", False))

    def should_prune(self) -> bool:
        """The pruner's answer to the last ``report`` (False before any).

        Also True once the trial's lease is lost, so that the objective stops work whose result would be dropped.
        """
        return self._should_prune or self._lease_lost.is_set()

    def set_user_attr(self, key: str, value: Any) -> None:
        """Sets a user attribute (any JSON value); the attributes are sent with ``tell``."""
        if not isinstance(key, str) or not key:
            raise ValueError(f"a user attribute key must be a non-empty string, got {key!r}")
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise ValueError(f"user attribute {key!r} must be JSON-serializable: {error}") from None
        self._user_attrs[key] = value

    # -- the lease ----------------------------------------------------------------------------------------------

    @property
    def lease_lost(self) -> bool:
        """True once the platform said this trial is no longer this client's (see ``LeaseLostError``)."""
        return self._lease_lost.is_set()

    def _start_heartbeat(self) -> None:
        self._heartbeat.start()

    def _stop_heartbeat(self) -> None:
        self._heartbeat.stop()

    def _renew_lease(self) -> None:
        # The heartbeat thread decides itself whether a lease-lost answer counts (not once the trial is being told).
        self.study._post_trial(self.number, "heartbeat", {"token": self._lease_token}, trial=self, mark_lost=False)

    def _lose_lease(self, message: str) -> None:
        if not self._lease_lost.is_set():
            self._lease_lost_message = message
            self._lease_lost.set()
            logger.warning("Trial %d lost its lease: %s", self.number, message)

    def __repr__(self) -> str:
        return f"Trial(number={self.number}, params={self._params!r})"


def _number(name: str, value: ParamValue) -> float:
    # JSON may carry 1 for 1.0; anything else for a numeric parameter is not something to compute with.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TuneforgeError(f"parameter {name!r} is {value!r}, not a number")
    return value


def _finite_float(what: str, value: Any) -> float:
    # float() would read "0.9": a string is not a value the objective computed (the REST API refuses it too).
    if isinstance(value, (bool, str, bytes)):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a finite number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return number


def _distributions_from_json(json: Optional[Dict[str, Any]]) -> Dict[str, Distribution]:
    return {name: distribution_from_json(d) for name, d in (json or {}).items()}
