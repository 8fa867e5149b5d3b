#!/usr/bin/env bash
# Rewrites the golden results that `cargo test --test golden` checks with
# `dosesim check`: one results.json per bundled scenario, exact and Monte
# Carlo (--method both, 20 000 trials, the scenario's seed); a timed scenario
# (one with [timing]) by Monte Carlo only, as time has no exact engine.
#
# Regenerate only when a change is meant to move results (a new random
# stream, a corrected rule or statistic) and say so in the commit; run
# `dosesim check` on the old files first to see, and show, what moved.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for scenario in scenarios/*.toml; do
    name=$(basename "$scenario" .toml)   # scenarios/sweeps/ is left out: 10 000 truths
    method=both
    if grep -q '^\[timing\]' "$scenario"; then method=mc; fi
    target/release/dosesim run "$scenario" --method "$method" --trials 20000 \
        --no-charts -q --out "$tmp/$name"
    cp "$tmp/$name/results.json" "tests/golden/$name.json"
    echo "tests/golden/$name.json"
done
