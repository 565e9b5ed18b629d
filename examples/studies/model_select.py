#!/usr/bin/env python3
"""The command objective of model-select-conditional.json: choose a model family and its own parameters.

Which parameters exist depends on the model (the study's searchSpace says so with "when"), so this
script only reads the ones of the chosen branch. The "validation error" is synthetic (no data, standard
library only, a few milliseconds a trial) but shaped like the real thing: each family has its own best
error and its own sweet spot, and the error falls epoch by epoch, reported over the Tuneforge line
protocol so that the median pruner can stop weak configurations early.

Parameters arrive as JSON in TUNEFORGE_PARAMS (or in the file named by TUNEFORGE_PARAMS_FILE), e.g.
    {"model": "svm", "svm_c": 3.2, "svm_gamma": 0.01, "svm_kernel": "rbf"}
Run by hand without them, it evaluates that example.
"""
import json
import math
import os

EPOCHS = 20
EXAMPLE = {"model": "svm", "svm_c": 3.2, "svm_gamma": 0.01, "svm_kernel": "rbf"}


def read_params():
    if "TUNEFORGE_PARAMS" in os.environ:
        return json.loads(os.environ["TUNEFORGE_PARAMS"])
    if "TUNEFORGE_PARAMS_FILE" in os.environ:
        with open(os.environ["TUNEFORGE_PARAMS_FILE"], encoding="utf-8") as f:
            return json.load(f)
    return dict(EXAMPLE)


def final_error(p):
    """The error a configuration converges to, and how many epochs it takes (tau)."""
    model = p["model"]
    if model == "svm":
        # Best near C = 10, gamma = 1e-2 with the rbf kernel: the global optimum, 0.02.
        kernel = {"rbf": 0.0, "poly": 0.03, "sigmoid": 0.08}[p["svm_kernel"]]
        c = (math.log10(p["svm_c"]) - 1.0) ** 2
        gamma = (math.log10(p["svm_gamma"]) + 2.0) ** 2
        return 0.02 + kernel + 0.012 * c + 0.02 * gamma, 3.0
    if model == "random_forest":
        trees = (math.log10(p["rf_n_estimators"]) - 2.7) ** 2
        depth = (p["rf_max_depth"] - 14) ** 2 / 144
        return 0.06 + 0.03 * trees + 0.04 * depth, 2.0
    if model == "mlp":
        lr = (math.log10(p["mlp_lr"]) + 2.5) ** 2
        width = (math.log2(p["mlp_hidden"]) - 7.0) ** 2 / 9
        layers = p["mlp_layers"]
        dropout = (p["mlp_dropout"] - 0.2) ** 2 if layers > 1 else 0.01
        return 0.04 + 0.025 * lr + 0.03 * width + 0.01 * abs(layers - 2) + 0.2 * dropout, 6.0
    raise SystemExit(f"unknown model {model!r}")


def main():
    params = read_params()
    final, tau = final_error(params)
    print(f"model {params['model']}: {json.dumps(params, sort_keys=True)}")
    error = 0.9
    for epoch in range(1, EPOCHS + 1):
        # Exponential approach to the final error, as a learning curve does.
        error = final + (0.9 - final) * math.exp(-epoch / tau)
        print(f"tuneforge:report step={epoch} value={error!r}", flush=True)
    print(f"tuneforge:attr model={params['model']}")
    print(f"tuneforge:result value={error!r}", flush=True)


if __name__ == "__main__":
    main()
