#!/usr/bin/env python3
"""A Tuneforge command objective in plain Python (standard library only).

Trains a logistic-regression classifier with mini-batch SGD on a small synthetic data set and reports the
validation log-loss after every epoch over the Tuneforge line protocol, so that a pruner can stop weak
trials early. The final validation loss is the value to minimize.

Parameters arrive as JSON in TUNEFORGE_PARAMS (also in the file named by TUNEFORGE_PARAMS_FILE):
    {"lr": 0.05, "l2": 1e-4, "batch_size": 16, "epochs": 20}
Run by hand without them, it uses those defaults.

    npx tuneforge optimize --command "python3 examples/python/train.py" --space examples/python/space.json \
        --n-trials 30 --pruner median
"""
import json
import math
import os
import random
import sys

DEFAULTS = {"lr": 0.05, "l2": 1e-4, "batch_size": 16, "epochs": 20}


def read_params():
    if "TUNEFORGE_PARAMS" in os.environ:
        return json.loads(os.environ["TUNEFORGE_PARAMS"])
    if "TUNEFORGE_PARAMS_FILE" in os.environ:
        with open(os.environ["TUNEFORGE_PARAMS_FILE"], encoding="utf-8") as f:
            return json.load(f)
    return dict(DEFAULTS)


def make_data(n=400, d=8, seed=0):
    # Fixed seed: every trial sees the same data, so trials differ only by their parameters.
    rng = random.Random(seed)
    true_w = [rng.uniform(-2, 2) for _ in range(d)]
    rows = []
    for _ in range(n):
        x = [rng.gauss(0, 1) for _ in range(d)]
        z = sum(w * v for w, v in zip(true_w, x)) + rng.gauss(0, 1.5)
        rows.append((x, 1.0 if z > 0 else 0.0))
    return rows[: n * 3 // 4], rows[n * 3 // 4 :]


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def log_loss(w, b, rows):
    eps = 1e-12
    total = 0.0
    for x, y in rows:
        p = min(max(sigmoid(sum(wi * xi for wi, xi in zip(w, x)) + b), eps), 1 - eps)
        total -= y * math.log(p) + (1 - y) * math.log(1 - p)
    return total / len(rows)


def accuracy(w, b, rows):
    hits = sum(1 for x, y in rows if (sigmoid(sum(wi * xi for wi, xi in zip(w, x)) + b) > 0.5) == (y == 1.0))
    return hits / len(rows)


def main():
    params = read_params()
    lr = float(params["lr"])
    l2 = float(params["l2"])
    batch_size = int(params["batch_size"])
    epochs = int(params["epochs"])
    train, valid = make_data()
    d = len(train[0][0])
    w, b = [0.0] * d, 0.0
    rng = random.Random(1)
    print(f"training: lr={lr:g} l2={l2:g} batch_size={batch_size} epochs={epochs}", file=sys.stderr)
    val_loss = log_loss(w, b, valid)
    for epoch in range(1, epochs + 1):
        rng.shuffle(train)
        for start in range(0, len(train), batch_size):
            batch = train[start : start + batch_size]
            gw, gb = [0.0] * d, 0.0
            for x, y in batch:
                err = sigmoid(sum(wi * xi for wi, xi in zip(w, x)) + b) - y
                for i in range(d):
                    gw[i] += err * x[i]
                gb += err
            for i in range(d):
                w[i] -= lr * (gw[i] / len(batch) + l2 * w[i])
            b -= lr * gb / len(batch)
        val_loss = log_loss(w, b, valid)
        print(f"epoch {epoch}: validation loss {val_loss:.4f}")
        # One protocol record a line; flush so that the pruner sees it now, not at exit.
        print(f"tuneforge:report step={epoch} value={val_loss!r}", flush=True)
    print(f"tuneforge:attr accuracy={accuracy(w, b, valid)!r}")
    print(f"tuneforge:result value={val_loss!r}", flush=True)


if __name__ == "__main__":
    main()
