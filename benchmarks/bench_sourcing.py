"""Sourcing benchmarks (issue 11), printed, never asserted: `python benchmarks/bench_sourcing.py`.

- lint of a generated 10,000-record brief, in-process after loading (median and min–max of 5; target < 1 s);
- `briefgen verify` of the sample, cold (a fresh .briefgen/ text cache) and warm (median and min–max of 5;
  target < 1 s cold). Needs the seed articles in ../shared/seeds."""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

REPO = Path(__file__).resolve().parent.parent
BRIEFGEN = str(Path(sys.executable).parent / "briefgen")


def figures(runs: int, action: Callable[[], float]) -> str:
    times = [action() for _ in range(runs)]
    return f"{statistics.median(times) * 1000:7.0f} ms (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench_lint(work: Path) -> None:
    from briefgen.analysis.lint import lint
    from briefgen.inputs.project import load

    brief = load(generate(work / "lint-10k", 10_000))
    today = dt.date(2026, 12, 1)
    print(f"lint, 10,000 records (in-process):  {figures(5, lambda: timed(lambda: lint(brief, today)))}")


def bench_verify(work: Path) -> None:
    if not (REPO.parent / "shared" / "seeds").is_dir():
        print("verify, sample: skipped (no ../shared/seeds beside the repository)")
        return
    copy = work / "sample"
    copy.mkdir()
    for name in ("briefgen.yaml", "evidence", "options", "templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, copy / name)
    (copy.parent / "shared").symlink_to(REPO.parent / "shared")  # the sample reads ../shared/seeds

    def run(cold: bool) -> float:
        if cold:
            shutil.rmtree(copy / ".briefgen", ignore_errors=True)
        return timed(lambda: subprocess.run([BRIEFGEN, "verify", "-p", str(copy)], check=True, capture_output=True))

    print(f"verify, sample, cold process+cache: {figures(5, lambda: run(True))}")
    print(f"verify, sample, warm cache:         {figures(5, lambda: run(False))}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        bench_lint(Path(folder))
        bench_verify(Path(folder))
