#!/bin/sh
# A Tuneforge command objective in POSIX shell: minimize (x - 2)^2 + (y + 1)^2.
#
# Parameters arrive as JSON in TUNEFORGE_PARAMS, e.g. {"x":1.5,"y":-0.25}. They are data: this script reads
# numbers out of the JSON and never evaluates it. Intermediate values and the result go to stdout in the
# Tuneforge line protocol; anything else printed is just the log.
#
#   npx tuneforge optimize --command "sh examples/shell/quadratic.sh" --space examples/shell/space.json --n-trials 30
set -eu

# The number after "name": in the flat JSON object (no jq needed for numeric parameters).
param() {
  printf '%s' "${TUNEFORGE_PARAMS:?TUNEFORGE_PARAMS is not set}" | sed -n "s/.*\"$1\":\([-+0-9.eE]*\).*/\1/p"
}

x=$(param x)
y=$(param y)
echo "trial ${TUNEFORGE_TRIAL_NUMBER:-?}: x=$x y=$y"

# A pretend iterative solver: the error shrinks as 1/step towards the true value.
awk -v x="$x" -v y="$y" 'BEGIN {
  f = (x - 2) ^ 2 + (y + 1) ^ 2
  for (step = 1; step <= 5; step++) printf "tuneforge:report step=%d value=%.17g\n", step, f + 1 / step
  printf "tuneforge:attr distance=%.17g\n", sqrt(f)
  printf "tuneforge:result value=%.17g\n", f
}'
