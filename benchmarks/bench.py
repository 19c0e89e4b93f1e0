"""briefgen benchmarks, all figures from one run: `make bench` (or `python benchmarks/bench.py`).

- cold `briefgen check` of the sample (subprocess, median of 5);
- `briefgen check` of generated briefs of 1,000 and 10,000 records (median of 3) — linear growth;
- one `briefgen build` of 50 Word memos against pandoc converting the same 50 Markdown files, one process each,
  alternated 3 times, medians and ratio;
- in-process Word render of the sample options paper (median of 30);
- peak memory (max RSS) of a build of 100 memos.
Figures are printed, never asserted: performance is not a test."""

from __future__ import annotations

import datetime
import os
import resource
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
BIN = Path(sys.executable).parent
BRIEFGEN = str(BIN / "briefgen")


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_of(runs: int, action: Callable[[], float]) -> float:
    return statistics.median(action() for _ in range(runs))


def bench_check(work: Path) -> None:
    sample = median_of(5, lambda: wall([BRIEFGEN, "check", "-p", str(REPO)]))
    print(f"check, sample brief (cold process):        {sample * 1000:8.0f} ms   (target ≤ 500 ms)")
    for records in (1_000, 10_000):
        root = generate(work / f"check-{records}", records)
        seconds = median_of(3, lambda root=root: wall([BRIEFGEN, "check", "-p", str(root)]))  # type: ignore[misc]
        print(f"check, {records:>6,} records:                    {seconds * 1000:8.0f} ms   (target ≤ 3000 ms at 10k)")


def bench_word_vs_pandoc(work: Path) -> None:
    root = generate(work / "fifty", 1_000, options=4, memos=10, audiences=5)
    subprocess.run([BRIEFGEN, "build", "-p", str(root), "--format", "md"], check=True, stdout=subprocess.DEVNULL)
    sources = work / "fifty-md"
    sources.mkdir()
    for md in sorted((root / "outputs").rglob("*.md")):
        shutil.copy2(md, sources / f"{md.parent.name}-{md.name}")
    markdown = sorted(sources.glob("*.md"))
    assert len(markdown) == 50, len(markdown)
    pandoc = shutil.which("pandoc")
    reference = root / "templates" / "reference.docx"
    ours, theirs = [], []
    for _ in range(3):
        shutil.rmtree(root / "outputs")
        ours.append(wall([BRIEFGEN, "build", "-p", str(root), "--format", "docx"]))
        if pandoc:
            out = work / "pandoc-out"
            out.mkdir(exist_ok=True)
            start = time.perf_counter()
            for md in markdown:
                subprocess.run(
                    [
                        pandoc,
                        str(md),
                        "--reference-doc",
                        str(reference),
                        "-o",
                        str(out / f"{md.stem}.docx"),
                    ],
                    check=True,
                )
            theirs.append(time.perf_counter() - start)
    ours_median = statistics.median(ours)
    print(f"build 50 Word memos, one briefgen process:  {ours_median * 1000:8.0f} ms   (median of 3)")
    if theirs:
        theirs_median = statistics.median(theirs)
        print(f"pandoc, same 50 Markdown files, 50 procs:   {theirs_median * 1000:8.0f} ms   (median of 3)")
        print(f"ratio briefgen / pandoc:                    {ours_median / theirs_median:8.2f}      (target ≤ 0.5)")
    else:
        print("pandoc not installed: no comparison (apt-get install pandoc)")


def bench_render_in_process() -> None:
    from briefgen.builder.outputs import Target, docx_bytes, render_md
    from briefgen.formats.markdown import environment
    from briefgen.inputs.project import load

    brief = load(REPO)
    target = Target(brief.spec.memos[0].id, "working-level")
    today = datetime.date(2026, 11, 23)
    env = environment(REPO / "templates")  # as a build does: templates compiled once
    ctx, rendered = render_md(brief, target, today, env=env)
    docx_bytes(brief, target, rendered, ctx.date)  # warm-up
    times = []
    for _ in range(30):
        start = time.perf_counter()
        docx_bytes(brief, target, rendered, ctx.date)
        times.append(time.perf_counter() - start)
    md_times = []
    for _ in range(30):
        start = time.perf_counter()
        render_md(brief, target, today, env=env)
        md_times.append(time.perf_counter() - start)
    print(f"in-process Markdown render, options paper:  {statistics.median(md_times) * 1000:8.1f} ms   (median of 30)")
    print(
        f"in-process Word render, options paper:      {statistics.median(times) * 1000:8.1f} ms"
        "   (median of 30; target ≤ 30 ms)"
    )


def bench_memory(work: Path) -> None:
    root = generate(work / "hundred", 1_000, options=4, memos=20, audiences=5)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([BRIEFGEN, "build", "-p", str(root)], check=True, stdout=subprocess.DEVNULL)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        f"peak memory, build of 100 memos (md+docx):  {max(peak, before) / 1024:8.0f} MB   (max RSS; target ≤ 200 MB)"
    )


def bench_incremental(work: Path) -> None:
    root = generate(work / "incremental", 10_000, options=20, memos=20, audiences=5)
    cli = [BRIEFGEN, "build", "-p", str(root), "--as-of", "2026-11-23"]
    full = wall(cli)
    print(f"10k records, 100 outputs: full build:       {full * 1000:8.0f} ms")
    noop = median_of(3, lambda: wall(cli))
    print(f"10k records, 100 outputs: no-op build:      {noop * 1000:8.0f} ms   (median of 3; target ≤ 500 ms)")
    source = root / "evidence" / "src-0000.yaml"
    text = source.read_text()
    source.write_text(text.replace("Claim number 0 about", "Claim number 0, revised, about"))
    result = subprocess.run(cli, check=True, capture_output=True, text=True)
    start = time.perf_counter()
    source.write_text(text)
    result = subprocess.run(cli, check=True, capture_output=True, text=True)
    one = time.perf_counter() - start
    print(f"10k records, one cited record changed:      {one * 1000:8.0f} ms   ({result.stdout.strip()})")


def main() -> None:
    print(f"briefgen benchmarks — python {sys.version.split()[0]}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as tmp:
        work = Path(tmp)
        bench_check(work)
        bench_render_in_process()
        bench_word_vs_pandoc(work)
        bench_memory(work)
        bench_incremental(work)


if __name__ == "__main__":
    main()
