"""Tuneforge client: run the trials of a Tuneforge platform study from any Python process.

    from tuneforge_client import Client, TrialPruned

    study = Client("http://127.0.0.1:3000").load_study("my-study")
    study.optimize(objective, n_trials=20)

Standard library only; see README.md.
"""

from .client import Client
from .distributions import CategoricalDistribution, Distribution, FloatDistribution, IntDistribution
from .errors import LeaseLostError, StudyClosedError, TrialPruned, TuneforgeConnectionError, TuneforgeError
from .study import Study
from .trial import FrozenTrial, Trial

__version__ = "0.1.0"

__all__ = [
    "CategoricalDistribution",
    "Client",
    "Distribution",
    "FloatDistribution",
    "FrozenTrial",
    "IntDistribution",
    "LeaseLostError",
    "Study",
    "StudyClosedError",
    "Trial",
    "TrialPruned",
    "TuneforgeConnectionError",
    "TuneforgeError",
]
