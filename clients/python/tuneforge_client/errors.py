"""The exceptions of the client: one class per thing a caller handles differently."""

from __future__ import annotations

from typing import Any, Dict, List, Optional


class TuneforgeError(Exception):
    """The platform refused a request, or could not be reached.

    ``str(error)`` is the server's own message (it names the field at fault and says what to do), so a script that
    lets it propagate prints one readable line rather than an HTTP traceback.

    Attributes:
        status: the HTTP status (``None`` when the server was not reached).
        reason: the server's machine-readable ``reason`` of a 409 (``"budget"``, ``"lease-lost"``, ...), if any.
        errors: the server's ``errors`` list, one ``{"field", "messages"}`` entry per input at fault.
    """

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        reason: Optional[str] = None,
        errors: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason
        self.errors: List[Dict[str, Any]] = list(errors or [])


class TuneforgeConnectionError(TuneforgeError):
    """The API did not answer (refused, reset, timed out): nothing is known about what the server did."""


class LeaseLostError(TuneforgeError):
    """The trial is no longer this client's: its lease lapsed and the platform ended it or gave it to another client,
    or it was already finished. Stop working on it; whatever it would have produced is not recorded."""


class StudyClosedError(TuneforgeError):
    """``ask`` found no trial to hand out: the study's budget is spent (``reason == "budget"``), its ``timeoutSec``
    passed (``"timeout"``), or it is stopped (``"stopped"``) or completed (``"completed"``). ``Study.optimize`` ends
    on it."""


class TrialPruned(Exception):
    """Raised by an objective to say its trial was pruned (as ``optuna.TrialPruned``).

    ``Study.optimize`` tells the trial ``PRUNED``; the last reported value stays its intermediate values.
    """
