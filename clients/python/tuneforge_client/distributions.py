"""Parameter distributions, in the platform's JSON form (the library's ``libs/core`` distributions).

A distribution is checked when it is built, with the same rules as the platform's, so that a bad range fails at the
call that wrote it, before any request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Tuple, Union

#: A categorical choice: what JSON carries and ``==`` compares.
CategoricalChoice = Union[None, bool, int, float, str]
#: The value of a parameter as the objective sees it.
ParamValue = Union[float, int, CategoricalChoice]


def _finite(what: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return value


def _check_step_grid(kind: str, low: float, high: float, step: float) -> None:
    k = (high - low) / step
    if abs(k - round(k)) > 1e-8 * max(1.0, abs(k)):
        raise ValueError(
            f"{kind}: the range high - low = {high - low} is not a multiple of step={step} (low={low}, high={high})"
        )


@dataclass(frozen=True)
class FloatDistribution:
    """A float in ``[low, high]``; on a log scale (``low > 0``) or on the grid ``low + k * step``."""

    low: float
    high: float
    log: bool = False
    step: Optional[float] = None

    def __post_init__(self) -> None:
        _finite("float low", self.low)
        _finite("float high", self.high)
        if self.low > self.high:
            raise ValueError(f"float: low must be <= high, got low={self.low} > high={self.high}")
        if self.log and self.step is not None:
            raise ValueError(f"float: log and step cannot be used together (step={self.step})")
        if self.log and self.low <= 0:
            raise ValueError(f"float: log requires low > 0, got low={self.low}")
        if self.step is not None:
            if _finite("float step", self.step) <= 0:
                raise ValueError(f"float: step must be > 0, got step={self.step}")
            _check_step_grid("float", self.low, self.high, self.step)

    def to_json(self) -> Dict[str, Any]:
        return {"type": "float", "low": self.low, "high": self.high, "log": self.log, "step": self.step}

    def contains(self, value: Any) -> bool:
        return not isinstance(value, bool) and isinstance(value, (int, float)) and self.low <= value <= self.high


@dataclass(frozen=True)
class IntDistribution:
    """An integer in ``[low, high]``; on a log scale (``low >= 1``) or on the grid ``low + k * step``."""

    low: int
    high: int
    log: bool = False
    step: int = 1

    def __post_init__(self) -> None:
        for what, v in (("low", self.low), ("high", self.high), ("step", self.step)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError(f"int: {what} must be an integer, got {v!r}")
        if self.low > self.high:
            raise ValueError(f"int: low must be <= high, got low={self.low} > high={self.high}")
        if self.step <= 0:
            raise ValueError(f"int: step must be > 0, got step={self.step}")
        if self.log and self.step != 1:
            raise ValueError(f"int: log and step cannot be used together (step={self.step})")
        if self.log and self.low < 1:
            raise ValueError(f"int: log requires low >= 1, got low={self.low}")
        _check_step_grid("int", self.low, self.high, self.step)

    def to_json(self) -> Dict[str, Any]:
        return {"type": "int", "low": self.low, "high": self.high, "log": self.log, "step": self.step}

    def contains(self, value: Any) -> bool:
        return (
            not isinstance(value, bool)
            and isinstance(value, (int, float))
            and float(value).is_integer()
            and self.low <= value <= self.high
        )


@dataclass(frozen=True)
class CategoricalDistribution:
    """One of ``choices`` (strings, numbers, booleans or ``None``, distinct)."""

    choices: Tuple[CategoricalChoice, ...]

    def __init__(self, choices: Sequence[CategoricalChoice]) -> None:
        if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence) or len(choices) == 0:
            raise ValueError("categorical: choices must be a non-empty list")
        for c in choices:
            if not (c is None or isinstance(c, (str, bool, int)) or (isinstance(c, float) and math.isfinite(c))):
                raise ValueError(f"categorical: choices must be strings, finite numbers, booleans or None, got {c!r}")
        keys = [_choice_key(c) for c in choices]
        if len(set(keys)) != len(keys):
            raise ValueError(f"categorical: choices must be distinct, got {list(choices)!r}")
        object.__setattr__(self, "choices", tuple(choices))

    def to_json(self) -> Dict[str, Any]:
        return {"type": "categorical", "choices": list(self.choices)}

    def contains(self, value: Any) -> bool:
        return _choice_key(value) in {_choice_key(c) for c in self.choices}


def _choice_key(c: Any) -> Tuple[str, Any]:
    # JSON (and the platform) tell True from 1, which Python's == does not.
    return ("bool", c) if isinstance(c, bool) else ("value", c)


Distribution = Union[FloatDistribution, IntDistribution, CategoricalDistribution]


def distribution_from_json(json: Dict[str, Any]) -> Distribution:
    """Rebuilds (and checks) a distribution from the platform's JSON form."""
    kind = json.get("type")
    if kind == "float":
        return FloatDistribution(json["low"], json["high"], bool(json.get("log", False)), json.get("step"))
    if kind == "int":
        return IntDistribution(
            int(json["low"]), int(json["high"]), bool(json.get("log", False)), int(json.get("step") or 1)
        )
    if kind == "categorical":
        return CategoricalDistribution(json["choices"])
    raise ValueError(f"unknown distribution type {kind!r}")
