"""The client's side of every exchange, against an in-memory fake of the platform (tests/fake_platform.py)."""

from __future__ import annotations

import logging
import math
import os
import subprocess
import sys
import threading
import time
import unittest
from typing import Any, Callable, Dict, List, Tuple

from tuneforge_client import (
    CategoricalDistribution,
    Client,
    FloatDistribution,
    IntDistribution,
    LeaseLostError,
    StudyClosedError,
    Trial,
    TrialPruned,
    TuneforgeConnectionError,
    TuneforgeError,
)

from .fake_platform import FakePlatform

HERE = os.path.dirname(os.path.abspath(__file__))
LOGGER = "tuneforge_client"


def definition(n_trials: int = 5, **extra: Any) -> Dict[str, Any]:
    return {"name": "demo", "direction": "minimize", "budget": {"nTrials": n_trials}, **extra}


class PlatformTestCase(unittest.TestCase):
    token: Any = None

    def setUp(self) -> None:
        self.fake = FakePlatform(token=self.token)
        self.fake.__enter__()
        self.addCleanup(self.fake.__exit__)
        self.client = Client(self.fake.url, token=self.token, client_name="unit")
        # The loop's warnings (failed, abandoned trials) are checked where they matter, with assertLogs.
        logging.getLogger(LOGGER).setLevel(logging.CRITICAL)
        self.addCleanup(logging.getLogger(LOGGER).setLevel, logging.NOTSET)


class DistributionTest(unittest.TestCase):
    def test_bad_ranges_are_refused_with_the_reason(self) -> None:
        cases: List[Tuple[Callable[[], object], str]] = [
            (lambda: FloatDistribution(2.0, 1.0), "low must be <= high"),
            (lambda: FloatDistribution(0.0, 1.0, log=True), "log requires low > 0"),
            (lambda: FloatDistribution(0.0, 1.0, step=0.3), "not a multiple of step"),
            (lambda: FloatDistribution(0.0, math.inf), "finite number"),
            (lambda: IntDistribution(1, 10, log=True, step=2), "log and step cannot be used together"),
            (lambda: IntDistribution(0, 10, log=True), "log requires low >= 1"),
            (lambda: IntDistribution(1.5, 10), "must be an integer"),  # type: ignore[arg-type]
            (lambda: CategoricalDistribution([]), "non-empty"),
            (lambda: CategoricalDistribution(["a", "a"]), "distinct"),
            (lambda: CategoricalDistribution([[1]]), "strings, finite numbers"),  # type: ignore[list-item]
        ]
        for build, message in cases:
            with self.assertRaisesRegex(ValueError, message):
                build()

    def test_json_is_the_platform_form(self) -> None:
        self.assertEqual(
            FloatDistribution(1e-5, 1e-1, log=True).to_json(),
            {"type": "float", "low": 1e-5, "high": 1e-1, "log": True, "step": None},
        )
        self.assertEqual(IntDistribution(1, 9).to_json(), {"type": "int", "low": 1, "high": 9, "log": False, "step": 1})
        self.assertEqual(
            CategoricalDistribution(["a", 1, None, True]).to_json(),
            {"type": "categorical", "choices": ["a", 1, None, True]},
        )

    def test_true_and_1_are_distinct_choices(self) -> None:
        self.assertEqual(CategoricalDistribution([True, 1]).choices, (True, 1))


class AskTellTest(PlatformTestCase):
    token = "a-token-of-sixteen-chars"

    def test_ask_brings_fixed_parameters_and_suggest_asks_once_per_new_name(self) -> None:
        study = self.client.create_study(definition())
        trial = study.ask({"x": FloatDistribution(-1.0, 1.0), "kind": CategoricalDistribution(["a", "b"])})
        self.assertEqual((set(trial.params), trial.attempt), ({"x", "kind"}, 1))
        self.assertEqual(trial.suggest_float("x", -1.0, 1.0), trial.params["x"])
        self.assertIn(trial.suggest_categorical("kind", ["a", "b"]), ("a", "b"))
        self.assertEqual(self.fake.calls("suggest"), [])
        n = trial.suggest_int("n", 1, 9, step=2)
        self.assertIn(n, (1, 3, 5, 7, 9))
        self.assertEqual(trial.suggest_int("n", 1, 9, step=2), n)
        self.assertEqual(
            self.fake.calls("suggest"),
            [
                {
                    "name": "n",
                    "distribution": {"type": "int", "low": 1, "high": 9, "log": False, "step": 2},
                    "token": trial._lease_token,
                }
            ],
        )
        self.assertEqual(
            self.fake.calls("ask")[0],
            {
                "client": "unit",
                "params": {
                    "x": {"type": "float", "low": -1.0, "high": 1.0, "log": False, "step": None},
                    "kind": {"type": "categorical", "choices": ["a", "b"]},
                },
            },
        )
        study.tell(trial, 0.5)

    def test_a_name_suggested_again_with_a_range_that_excludes_its_value_is_refused(self) -> None:
        study = self.client.create_study(definition())
        trial = study.ask()
        x = trial.suggest_float("x", 0.0, 1.0)
        with self.assertRaisesRegex(ValueError, "parameter 'x' of trial 0 was already set"):
            trial.suggest_float("x", 2.0, 3.0)
        self.assertEqual(trial.params, {"x": x})
        study.tell(trial, x)

    def test_report_answers_should_prune_and_tell_sends_state_value_and_user_attrs(self) -> None:
        self.fake.prune_rule = lambda step, value: value > 10
        study = self.client.create_study(definition())
        trial = study.ask()
        self.assertFalse(trial.should_prune())
        trial.report(3.0, 0)
        self.assertFalse(trial.should_prune())
        trial.report(11.0, 1)
        self.assertTrue(trial.should_prune())
        trial.set_user_attr("epochs", 2)
        frozen = study.tell(trial, state="PRUNED")
        self.assertEqual(
            (frozen.state, frozen.intermediate_values, frozen.user_attrs), ("PRUNED", {0: 3.0, 1: 11.0}, {"epochs": 2})
        )
        self.assertEqual(
            self.fake.calls("tell"), [{"token": trial._lease_token, "state": "PRUNED", "userAttrs": {"epochs": 2}}]
        )

    def test_tell_by_number_and_its_checks(self) -> None:
        study = self.client.create_study(definition())
        trial = study.ask()
        with self.assertRaisesRegex(ValueError, "COMPLETE trial needs its value"):
            study.tell(trial)
        with self.assertRaisesRegex(ValueError, "finite number"):
            study.tell(trial, float("nan"))
        with self.assertRaisesRegex(ValueError, "value must be a finite number, got '0.9'"):
            study.tell(trial, "0.9")  # type: ignore[arg-type]
        with self.assertRaisesRegex(ValueError, "state must be one of COMPLETE, PRUNED, FAIL"):
            study.tell(trial, 1.0, state="DONE")
        with self.assertRaisesRegex(ValueError, "a PRUNED trial has no value"):
            study.tell(trial, 1.0, state="PRUNED")
        with self.assertRaisesRegex(ValueError, "fail_reason goes with state='FAIL'"):
            study.tell(trial, 1.0, fail_reason="why")
        self.assertEqual(self.fake.calls("tell"), [])
        self.assertEqual(study.tell(trial.number, 1.25).values, [1.25])
        with self.assertRaisesRegex(ValueError, "already told"):
            study.tell(trial.number, 1.0)

    def test_report_checks_its_arguments_before_sending(self) -> None:
        study = self.client.create_study(definition())
        trial = study.ask()
        with self.assertRaisesRegex(ValueError, "step must be an integer >= 0"):
            trial.report(1.0, -1)
        with self.assertRaisesRegex(ValueError, "finite number"):
            trial.report(float("inf"), 0)
        with self.assertRaisesRegex(ValueError, "JSON-serializable"):
            trial.set_user_attr("f", object())
        self.assertEqual(self.fake.calls("report"), [])
        study.tell(trial, 0.0)

    def test_ask_sends_the_lease_and_the_client_name(self) -> None:
        study = self.client.create_study(definition())
        study.tell(study.ask(lease_seconds=7), 1.0)
        self.assertEqual(self.fake.calls("ask"), [{"client": "unit", "leaseSeconds": 7}])
        with self.assertRaisesRegex(ValueError, "client_name must be 1 to 64 letters"):
            Client(self.fake.url, client_name="gpu node 3")

    def test_any_409_of_ask_ends_the_loop_as_study_closed(self) -> None:
        study = self.client.create_study(definition(n_trials=3))
        self.fake.studies[0].state = "STOPPED"
        study.optimize(lambda t: 1.0)
        self.assertEqual(len(self.fake.studies[0].trials), 0)
        with self.assertRaises(StudyClosedError) as caught:
            study.ask()
        self.assertEqual(
            (caught.exception.status, str(caught.exception)), (409, "Study 1 is STOPPED: resume it first.")
        )

    def test_ask_past_the_budget_raises_study_closed(self) -> None:
        study = self.client.create_study(definition(n_trials=1))
        study.tell(study.ask(), 1.0)
        with self.assertRaises(StudyClosedError) as caught:
            study.ask()
        self.assertEqual((caught.exception.status, caught.exception.reason), (409, "budget"))
        self.assertIn("budget spent", str(caught.exception))

    def test_load_study_by_name_and_reading_the_best_trial(self) -> None:
        created = self.client.create_study(definition())
        for v in (3.0, 1.0, 2.0):
            t = created.ask()
            t.suggest_float("x", 0.0, 1.0)
            created.tell(t, v)
        study = self.client.load_study("demo")
        self.assertEqual(study.id, created.id)
        self.assertEqual((study.best_value, study.best_trial.number), (1.0, 1))
        self.fake.page_size = 2
        self.assertEqual([t.number for t in study.trials()], [0, 1, 2])
        self.assertEqual([t.value for t in study.trials(state="COMPLETE")], [3.0, 1.0, 2.0])


class HeartbeatTest(PlatformTestCase):
    def test_a_running_trial_is_renewed_every_third_of_its_lease_until_told(self) -> None:
        study = self.client.create_study(definition())
        self.fake.lease_seconds = 1.5  # a beat every 0.5 s
        trial = study.ask()
        time.sleep(1.3)
        study.tell(trial, 1.0)
        beats = self.fake.studies[0].trials[0].heartbeats
        self.assertGreaterEqual(beats, 1)
        time.sleep(0.7)
        self.assertEqual(self.fake.studies[0].trials[0].heartbeats, beats, "no heartbeat after tell")

    def test_lease_lost_on_a_heartbeat_makes_should_prune_true(self) -> None:
        study = self.client.create_study(definition())
        self.fake.lease_seconds = 1.5
        trial = study.ask()
        self.fake.lose_lease.add(trial.number)
        deadline = time.monotonic() + 5
        while not trial.should_prune() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(trial.lease_lost)
        with self.assertRaises(LeaseLostError):
            study.tell(trial, 1.0)


class OptimizeTest(PlatformTestCase):
    def test_runs_until_the_budget_is_spent(self) -> None:
        study = self.client.create_study(definition(n_trials=7))
        seen: List[int] = []

        def objective(trial: Trial) -> float:
            seen.append(trial.number)
            return trial.suggest_float("x", -2.0, 2.0) ** 2

        study.optimize(objective)
        self.assertEqual(seen, list(range(7)))
        self.assertEqual([t.state for t in self.fake.studies[0].trials], ["COMPLETE"] * 7)
        # One objective: the value as `value`, not a list of one.
        self.assertEqual(sorted(self.fake.calls("tell")[0]), ["state", "token", "value"])

    def test_several_objectives_are_told_as_values(self) -> None:
        study = self.client.create_study(definition(n_trials=2, directions=["minimize", "maximize"]))
        study.optimize(lambda t: (t.suggest_float("x", 0.0, 1.0), 2.0))
        self.assertEqual([b["values"][1] for b in self.fake.calls("tell")], [2.0, 2.0])
        self.assertEqual([t.values[1] for t in study.trials()], [2.0, 2.0])  # type: ignore[index]

    def test_an_objective_returning_the_wrong_number_of_values_fails_its_trial(self) -> None:
        study = self.client.create_study(definition(n_trials=1, directions=["minimize", "maximize"]))
        study.optimize(lambda t: 1.0)
        self.assertEqual(self.fake.studies[0].trials[0].state, "FAIL")
        self.assertIn(
            "the objective returned 1 values, the study has 2 objectives",
            self.fake.studies[0].trials[0].fail_reason or "",
        )

    def test_n_trials_stops_first(self) -> None:
        study = self.client.create_study(definition(n_trials=7))
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=3)
        self.assertEqual(len(self.fake.studies[0].trials), 3)

    def test_four_threads_share_the_budget_without_a_trial_twice(self) -> None:
        study = self.client.create_study(definition(n_trials=20))
        threads = set()

        def objective(trial: Trial) -> float:
            threads.add(threading.current_thread().name)
            time.sleep(0.02)
            return trial.suggest_float("x", 0.0, 1.0)

        study.optimize(objective, n_jobs=4)
        trials = self.fake.studies[0].trials
        self.assertEqual(([t.number for t in trials], {t.state for t in trials}), (list(range(20)), {"COMPLETE"}))
        self.assertGreater(len(threads), 1)

    def test_pruned_failed_and_nan_trials_get_their_states(self) -> None:
        self.fake.prune_rule = lambda step, value: step >= 1
        study = self.client.create_study(definition(n_trials=3))

        def objective(trial: Trial) -> float:
            if trial.number == 0:
                for step in range(5):
                    trial.report(float(step), step)
                    if trial.should_prune():
                        raise TrialPruned(f"pruned at step {step}")
            if trial.number == 1:
                raise KeyError("missing column")
            return float("nan")

        study.optimize(objective, catch=(KeyError,))
        trials = self.fake.studies[0].trials
        self.assertEqual([t.state for t in trials], ["PRUNED", "FAIL", "FAIL"])
        self.assertEqual(trials[0].intermediate, {0: 0.0, 1: 1.0})
        self.assertEqual(trials[1].fail_reason, "KeyError: 'missing column'")
        self.assertIn("every value must be a finite number", trials[2].fail_reason or "")

    def test_an_exception_not_caught_fails_the_trial_and_propagates(self) -> None:
        study = self.client.create_study(definition(n_trials=3))

        def objective(trial: Trial) -> float:
            raise RuntimeError("diverged")

        with self.assertRaisesRegex(RuntimeError, "diverged"):
            study.optimize(objective, n_jobs=2)
        trials = self.fake.studies[0].trials
        self.assertTrue(trials)
        self.assertEqual({t.state for t in trials}, {"FAIL"})
        self.assertEqual(trials[0].fail_reason, "RuntimeError: diverged")

    def test_a_trial_whose_lease_is_lost_is_abandoned_and_the_loop_goes_on(self) -> None:
        study = self.client.create_study(definition(n_trials=2))

        def objective(trial: Trial) -> float:
            if trial.number == 0:
                self.fake.lose_lease.add(0)
                while not trial.should_prune():  # the heartbeat thread hears lease-lost
                    time.sleep(0.05)
            return 1.0

        with self.assertLogs(LOGGER, logging.WARNING) as logs:
            self.fake.lease_seconds = 1.5
            study.optimize(objective, lease_seconds=5)
        self.assertIn("Trial 0 abandoned: its lease was lost", "\n".join(logs.output))
        trials = self.fake.studies[0].trials
        self.assertEqual([t.state for t in trials], ["WAITING", "COMPLETE"])
        self.assertEqual([b["token"] for b in self.fake.calls("tell")], [trials[1].token])

    def test_a_report_answering_lease_lost_abandons_the_trial(self) -> None:
        study = self.client.create_study(definition(n_trials=1))

        def objective(trial: Trial) -> float:
            self.fake.lose_lease.add(trial.number)
            trial.report(1.0, 0)
            return 1.0

        study.optimize(objective)
        self.assertEqual(self.fake.calls("tell"), [])


class ErrorTest(PlatformTestCase):
    def test_a_4xx_is_a_tuneforge_error_with_the_servers_message_and_fields(self) -> None:
        with self.assertRaises(TuneforgeError) as caught:
            self.client.create_study({"budget": {"nTrials": 1}})
        error = caught.exception
        self.assertEqual((str(error), error.status), ("name: name must be a string", 400))
        self.assertEqual(error.errors, [{"field": "name", "messages": ["name must be a string"]}])
        with self.assertRaisesRegex(TuneforgeError, "Study nope not found"):
            self.client.load_study("nope")

    def test_503_is_retried(self) -> None:
        self.fake.unavailable = 2
        study = self.client.create_study(definition())
        self.assertEqual(study.name, "demo")

    def test_an_unreachable_api_is_a_connection_error_naming_the_url(self) -> None:
        client = Client("http://127.0.0.1:9", retries=0)
        with self.assertRaisesRegex(TuneforgeConnectionError, r"cannot reach the Tuneforge API at http://127.0.0.1:9"):
            client.load_study("x")

    def test_a_script_that_lets_the_error_propagate_prints_the_message_without_urllib_frames(self) -> None:
        script = (
            "import sys; from tuneforge_client import Client; "
            f"Client({self.fake.url!r}).create_study({{'budget': {{'nTrials': 1}}}})"
        )
        env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=30)
        self.assertNotEqual(done.returncode, 0)
        self.assertTrue(
            done.stderr.rstrip().endswith("tuneforge_client.errors.TuneforgeError: name: name must be a string"),
            done.stderr,
        )
        self.assertNotIn("urllib", done.stderr)
        self.assertNotIn("During handling of the above exception", done.stderr)


class AuthTest(PlatformTestCase):
    token = "a-token-of-sixteen-chars"

    def test_a_missing_token_gets_the_servers_401_message(self) -> None:
        with self.assertRaisesRegex(TuneforgeError, "A valid API token is required"):
            Client(self.fake.url).create_study(definition())


if __name__ == "__main__":
    unittest.main()
