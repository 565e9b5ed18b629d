#!/usr/bin/env python3
"""Runs trials of a Tuneforge study from this process with the Python client: the digits-like classifier
(digits_like.py), one report per epoch so that the study's pruner can stop weak trials.

    # a client-only study (no objective: trials run only where a client asks for them)
    curl -s -X POST $BASE/studies -H "$AUTH" -H 'Content-Type: application/json' \\
      -d @examples/python-client/digits-study.json
    # then, on as many machines or processes as you like:
    PYTHONPATH=clients/python python3 examples/python-client/optimize_digits.py --url $BASE --study digits-client

It runs until the study's budget is spent (or --n-trials trials here), and prints the best trial at the end. The
token, when the platform has one, comes from TUNEFORGE_API_TOKEN.
"""

import argparse
import logging
import os
import sys

from tuneforge_client import Client, Trial, TrialPruned, TuneforgeError

from digits_like import EPOCHS, learning_curve


def objective(trial: Trial) -> float:
    # The same space as digits-space.json (what queue workers get), asked for define-by-run.
    params = {
        "learning_rate": trial.suggest_float("learning_rate", 1e-4, 1.0, log=True),
        "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True),
        "batch_size": trial.suggest_categorical("batch_size", [8, 16, 32, 64]),
        "optimizer": trial.suggest_categorical("optimizer", ["sgd", "momentum"]),
    }
    accuracy = 0.0
    for epoch, accuracy in learning_curve(params):
        trial.report(accuracy, epoch)
        if trial.should_prune():
            raise TrialPruned(f"epoch {epoch}: validation accuracy {accuracy:.4f}")
    trial.set_user_attr("epochs", EPOCHS)
    return accuracy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("TUNEFORGE_URL", "http://127.0.0.1:3000"))
    parser.add_argument("--study", required=True, help="the study's name or id")
    parser.add_argument(
        "--n-trials", type=int, default=None, help="at most this many trials here (default: until the budget is spent)"
    )
    parser.add_argument("--n-jobs", type=int, default=1, help="trials at once in this process, on threads")
    parser.add_argument(
        "--lease-seconds", type=int, default=None, help="the lease of each trial (default: the platform's, 60)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)

    try:
        study = Client(args.url, token=os.environ.get("TUNEFORGE_API_TOKEN")).load_study(args.study)
        study.optimize(objective, n_trials=args.n_trials, n_jobs=args.n_jobs, lease_seconds=args.lease_seconds)
        best = study.best_trial
    except TuneforgeError as error:
        print(f"optimize_digits: {error}", file=sys.stderr)
        return 1
    print(f"Best trial: {best.number} value: {best.value} params: {best.params}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
