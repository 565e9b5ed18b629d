#!/usr/bin/env python3
"""The digits-like objective as a command objective, for the platform's queue workers.

A worker starts it with the trial's parameters as JSON in TUNEFORGE_PARAMS; it prints the validation accuracy of each
epoch as a `tuneforge:report` line (the worker's pruner reads them and stops the process when the trial is pruned)
and the last one as the result. The same training as optimize_digits.py runs through the Python client, so that a
study gives the same trials either way.
"""

import json
import os

from digits_like import learning_curve


def main() -> None:
    params = json.loads(os.environ["TUNEFORGE_PARAMS"])
    accuracy = 0.0
    for epoch, accuracy in learning_curve(params):
        # flush: the pruner must see each epoch now, not when the process ends.
        print(f"tuneforge:report step={epoch} value={accuracy!r}", flush=True)
    print(f"tuneforge:result value={accuracy!r}", flush=True)


if __name__ == "__main__":
    main()
