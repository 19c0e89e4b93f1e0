"""Sensitivity figures in-process (`python benchmarks/sensitivity.py`): one-at-a-time changes, flip thresholds and
rank acceptability with 10,000 samples, for 6 criteria × 4 options (target < 50 ms) and 12 × 20 (target < 500 ms),
and 6 × 4 within weight ranges (rejection sampling, no target). Medians of several runs on seeded random scores.
Figures are printed, never asserted: performance is not a test."""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from briefgen.analysis.sensitivity import Weighing, analyse

SAMPLES = 10_000


def problem(criteria: int, options: int, ranged: bool = False) -> Weighing:
    rnd = random.Random(criteria * 1000 + options)
    raw = [rnd.uniform(1, 10) for _ in range(criteria)]
    weights = tuple(w / sum(raw) for w in raw)
    scores = tuple(tuple(float(rnd.randint(1, 5)) for _ in range(criteria)) for _ in range(options))
    bounds = tuple((w * 0.5, min(1.0, w * 1.5)) if ranged else (0.0, 1.0) for w in weights)
    return Weighing(scores, weights, bounds)


def median_ms(weighing: Weighing, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        analyse(weighing, 0.2, SAMPLES, 2001)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    for criteria, options, ranged, target, runs in ((6, 4, False, 50, 21), (12, 20, False, 500, 7), (6, 4, True, 0, 7)):
        weighing = problem(criteria, options, ranged)
        ms = median_ms(weighing, runs)
        figures = analyse(weighing, 0.2, SAMPLES, 2001)
        kind = f"within ranges ({figures.acceptability.draws:,} draws)" if ranged else "uniform"
        goal = f"  (target < {target} ms)" if target else ""
        size = f"{criteria:>2} criteria × {options:>2} options"
        print(f"sensitivity, {size}, {SAMPLES:,} samples, {kind}: {ms:7.1f} ms{goal}")


if __name__ == "__main__":
    main()
