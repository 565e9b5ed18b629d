"""A digits-like classification problem in plain Python (standard library only), with a learning curve.

The data are 8x8 binary images of the ten digits drawn as seven-segment glyphs, shifted by a column and with the
middle bar a row up or down at random, with strokes dropped and pixels flipped (a fixed seed: every trial sees the
same images). The model is a multinomial logistic regression trained by mini-batch SGD (with optional momentum); the
validation accuracy after each epoch is the learning curve that a pruner reads. Everything is deterministic given
the parameters, so the same parameters give the same curve in a client process, in a queue worker's command, or by
hand. The search space is digits-space.json.

Pixels are binary and sparse (about a quarter are on), so a sample is the list of its lit pixels and one epoch over
the 240 training images costs a few milliseconds of pure Python.
"""

from __future__ import annotations

import math
import random
from typing import Any, Callable, Dict, Iterator, List, Sequence, Set, Tuple

#: Epochs of every trial: the steps of the learning curve.
EPOCHS = 8
SIDE = 8
CLASSES = 10
# Segments lit for each digit: a top, b top right, c bottom right, d bottom, e bottom left, f top left, g middle.
SEGMENTS = ["abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg"]

Sample = Tuple[List[int], int]


def _glyph(digit: int, rng: random.Random) -> List[int]:
    """The lit pixels (indices 0..63) of one noisy image of `digit`."""
    left = rng.randint(1, 2)
    right = left + 4
    top, middle, bottom = 0, rng.randint(3, 4), 7
    pixels: Set[int] = set()
    for segment in SEGMENTS[digit]:
        if rng.random() < 0.04:  # a dropped stroke: the confusions that keep the best accuracy below 1
            continue
        if segment in "adg":
            row = {"a": top, "d": bottom, "g": middle}[segment]
            pixels.update(row * SIDE + col for col in range(left, right + 1))
        else:
            col = right if segment in "bc" else left
            rows = range(top, middle + 1) if segment in "bf" else range(middle, bottom + 1)
            pixels.update(row * SIDE + col for row in rows)
    for index in range(SIDE * SIDE):
        if rng.random() < 0.03:
            pixels ^= {index}
    return sorted(pixels)


def make_data(n_train: int = 240, n_validation: int = 160, seed: int = 0) -> Tuple[List[Sample], List[Sample]]:
    """The training and validation images, the same for every call with the same arguments."""
    rng = random.Random(seed)
    samples = [(_glyph(i % CLASSES, rng), i % CLASSES) for i in range(n_train + n_validation)]
    rng.shuffle(samples)
    return samples[:n_train], samples[n_train:]


def _scores(weights: List[List[float]], bias: List[float], pixels: Sequence[int]) -> List[float]:
    scores = list(bias)
    for p in pixels:
        row = weights[p]
        for k in range(CLASSES):
            scores[k] += row[k]
    return scores


def _accuracy(weights: List[List[float]], bias: List[float], samples: Sequence[Sample]) -> float:
    hits = 0
    for pixels, label in samples:
        scores = _scores(weights, bias, pixels)
        hits += scores.index(max(scores)) == label
    return hits / len(samples)


def learning_curve(params: Dict[str, Any]) -> Iterator[Tuple[int, float]]:
    """Trains with `params` and yields (epoch, validation accuracy) after each of the EPOCHS epochs."""
    learning_rate = float(params["learning_rate"])
    weight_decay = float(params["weight_decay"])
    batch_size = int(params["batch_size"])
    momentum = 0.9 if params["optimizer"] == "momentum" else 0.0
    train, validation = make_data()
    weights = [[0.0] * CLASSES for _ in range(SIDE * SIDE)]
    bias = [0.0] * CLASSES
    velocity = [[0.0] * CLASSES for _ in range(SIDE * SIDE)]
    velocity_bias = [0.0] * CLASSES
    order = random.Random(1)  # the same batches for every trial
    for epoch in range(1, EPOCHS + 1):
        order.shuffle(train)
        for start in range(0, len(train), batch_size):
            batch = train[start : start + batch_size]
            grad: Dict[int, List[float]] = {}
            grad_bias = [0.0] * CLASSES
            for pixels, label in batch:
                scores = _scores(weights, bias, pixels)
                top = max(scores)
                exps = [math.exp(s - top) for s in scores]
                total = sum(exps)
                # d(cross-entropy)/d(score_k) = softmax_k - [k == label]
                delta = [e / total for e in exps]
                delta[label] -= 1.0
                for p in pixels:
                    row = grad.setdefault(p, [0.0] * CLASSES)
                    for k in range(CLASSES):
                        row[k] += delta[k]
                for k in range(CLASSES):
                    grad_bias[k] += delta[k]
            step = learning_rate / len(batch)
            # Weight decay on the rows the batch touched (lazy L2, as sparse SGD does).
            for p, row in grad.items():
                w, v = weights[p], velocity[p]
                for k in range(CLASSES):
                    v[k] = momentum * v[k] + step * row[k] + learning_rate * weight_decay * w[k]
                    w[k] -= v[k]
            for k in range(CLASSES):
                velocity_bias[k] = momentum * velocity_bias[k] + step * grad_bias[k]
                bias[k] -= velocity_bias[k]
        yield epoch, _accuracy(weights, bias, validation)


def final_accuracy(params: Dict[str, Any], on_epoch: Callable[[int, float], None] = lambda e, a: None) -> float:
    """The validation accuracy after the last epoch."""
    accuracy = 0.0
    for epoch, accuracy in learning_curve(params):
        on_epoch(epoch, accuracy)
    return accuracy
