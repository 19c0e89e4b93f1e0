"""briefgen benchmarks: `make bench` (or `python benchmarks/bench.py [--runs N] [--scale]`).

Every figure is the median of N runs (default 3) with the min–max beside it. Each briefgen command runs in a child
process of its own, and its peak memory is that child's own (``wait4``): the largest of the briefgen process and its
render workers, never another program's. Figures are printed, never asserted: performance is not a test.

Default: cold ``check`` of the sample; the options paper's Word render in-process; one build of 50 Word memos against
pandoc converting the same 50 Markdown files (one process per file, and two at a time with ``xargs -P2``).
``--scale``: briefs of 1k/10k/50k records with 10/100/500 outputs — check, full build, no-op, one record changed,
peak memory — and each figure's ratio to the 1k-record brief with as many outputs."""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

REPO = Path(__file__).resolve().parent.parent
BRIEFGEN = str(Path(sys.executable).parent / "briefgen")
AS_OF = ["--as-of", "2026-11-23"]


def child(command: Sequence[str], stdin: bytes | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one command run as a child process (its messages kept in a file: a pipe
    left unread would stall a chatty one)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.PIPE if stdin is not None else None,
                                   stdout=subprocess.DEVNULL, stderr=errors)  # fmt: skip
        if stdin is not None:
            assert process.stdin is not None
            process.stdin.write(stdin)
            process.stdin.close()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed: {errors.read().decode(errors='replace')[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def runs(count: int, action: Callable[[], float]) -> list[float]:
    return [action() for _ in range(count)]


def shown(values: Sequence[float], unit: str = "ms", scale: float = 1000) -> str:
    """Median and min–max, e.g. ``  412 ms (398–430)``."""
    median, low, high = (v * scale for v in (statistics.median(values), min(values), max(values)))
    digits = 2 if median < 10 else 1 if median < 100 else 0
    return f"{median:8.{digits}f} {unit} ({low:.{digits}f}–{high:.{digits}f})"


def line(label: str, figure: str, note: str = "") -> None:
    print(f"{label:<52}{figure:<30}{note}")


# --- the default figures -------------------------------------------------------------------


def bench_check(work: Path, count: int) -> None:
    sample = work / "sample"
    shutil.copytree(REPO, sample, ignore=shutil.ignore_patterns(".git", ".venv", ".briefgen", "outputs", "tests"))
    cold = runs(count, lambda: child([BRIEFGEN, "check", "-p", str(sample)])[0])
    line("check, sample, no parse cache (cold process)", shown(cold))
    child([BRIEFGEN, "build", "-p", str(sample), *AS_OF])
    cached = runs(count, lambda: child([BRIEFGEN, "check", "-p", str(sample)])[0])
    line("check, sample, after a build (cold process)", shown(cached), "target ≤ 200 ms")


def bench_render_in_process(count: int) -> None:
    from briefgen.builder.outputs import Target, docx_bytes, render_md, word_renderer
    from briefgen.formats.markdown import environment
    from briefgen.inputs.project import load

    brief = load(REPO)
    target = Target(brief.spec.memos[0].id, "working-level")
    today = datetime.date(2026, 11, 23)
    env = environment(REPO / "templates")  # as a build does: templates compiled once
    ctx, rendered = render_md(brief, target, today, env=env)
    word = word_renderer(brief)  # as a build does: the reference prepared once
    docx_bytes(brief, target, rendered, ctx.date, word)  # warm-up

    def timed(action: Callable[[], object]) -> float:
        start = time.perf_counter()
        action()
        return time.perf_counter() - start

    md = [timed(lambda: render_md(brief, target, today, env=env)) for _ in range(10 * count)]
    docx = [timed(lambda: docx_bytes(brief, target, rendered, ctx.date, word)) for _ in range(10 * count)]
    line("Markdown render, options paper, in-process", shown(md))
    line("Word render, options paper (with its two charts), in-process", shown(docx), "target ≤ 25 ms")


def bench_pdf(work: Path, count: int) -> None:
    """``build --format pdf`` of the sample's three memos: one LibreOffice call, the seconds per memo."""
    root = work / "pdf-sample"
    root.mkdir()
    for name in ("briefgen.yaml", "evidence", "options", "templates"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy2
        copy(REPO / name, root / name)
    child([BRIEFGEN, "build", "-p", str(root), "--format", "docx", *AS_OF])
    times = []
    for _ in range(count):
        for pdf in (root / "outputs").rglob("*.pdf"):
            pdf.unlink()
        times.append(child([BRIEFGEN, "build", "-p", str(root), "--format", "pdf", *AS_OF])[0])
    memos = len(list((root / "outputs").rglob("*.pdf")))
    line(f"build --format pdf, sample ({memos} memos, one LibreOffice call)", shown(times, "s", 1))
    line("  seconds per memo", shown([t / memos for t in times], "s", 1))


def bench_word_vs_pandoc(work: Path, count: int) -> None:
    root = generate(work / "fifty", 1_000, options=4, memos=10, audiences=5)
    child([BRIEFGEN, "build", "-p", str(root), "--format", "md", *AS_OF])
    sources = work / "fifty-md"
    sources.mkdir()
    for md in sorted((root / "outputs").rglob("*.md")):
        shutil.copy2(md, sources / f"{md.parent.name}-{md.name}")
    markdown = sorted(sources.glob("*.md"))
    assert len(markdown) == 50, len(markdown)
    reference = root / "templates" / "reference.docx"
    out = work / "pandoc-out"
    out.mkdir()
    ours, serial, pairs, peak = [], [], [], []
    pandoc = shutil.which("pandoc")
    for _ in range(count):
        for folder in (root / "outputs").glob("memo-*"):
            shutil.rmtree(folder)
        seconds, rss = child([BRIEFGEN, "build", "-p", str(root), "--format", "docx", *AS_OF])
        ours.append(seconds)
        peak.append(rss)
        if pandoc:
            start = time.perf_counter()
            for md in markdown:
                child([pandoc, str(md), "--reference-doc", str(reference), "-o", str(out / f"{md.stem}.docx")])
            serial.append(time.perf_counter() - start)
            names = "\n".join(str(md) for md in markdown).encode()
            script = f'"{pandoc}" "$0" --reference-doc "{reference}" -o "{out}/$(basename "$0" .md).docx"'
            pairs.append(child(["xargs", "-P2", "-n1", "sh", "-c", script], stdin=names)[0])
    line("one briefgen build, 50 Word memos", shown(ours), f"peak {statistics.median(peak):.0f} MB")
    if not pandoc:
        print("pandoc not installed: no comparison (apt-get install pandoc)")
        return
    line("pandoc, same 50 files, one process each", shown(serial))
    line("pandoc, same 50 files, xargs -P2", shown(pairs))
    ratio = [a / b for a, b in zip(ours, serial, strict=True)]
    line("ratio briefgen / pandoc one at a time", shown(ratio, "", 1), "target ≤ 0.2")
    ratio = [a / b for a, b in zip(ours, pairs, strict=True)]
    line("ratio briefgen / pandoc two at a time", shown(ratio, "", 1), "target ≤ 0.4")


# --- --scale ----------------------------------------------------------------------------


def scale(work: Path, count: int) -> None:
    sizes, outputs = (1_000, 10_000, 50_000), (10, 100, 500)
    print(f"{'records':>8} {'outputs':>7}  " + "  ".join(f"{h:<30}" for h in SCALE_COLUMNS))
    for out in outputs:
        base: dict[str, float] = {}
        for records in sizes:
            figures = _scale_figures(work / f"r{records}-o{out}", records, out, count)
            base = base or {k: statistics.median(v) for k, v in figures.items()}
            cells = []
            for key in SCALE_COLUMNS:
                values = figures[key]
                unit = ("MB", 1) if key == "peak RSS" else ("s", 1)
                ratio = statistics.median(values) / base[key]
                cells.append(f"{shown(values, *unit).strip()} ×{ratio:.1f}")
            print(f"{records:>8,} {out:>7}  " + "  ".join(f"{c:<30}" for c in cells), flush=True)


SCALE_COLUMNS = ("check", "full build", "no-op", "one record changed", "peak RSS")


def _scale_figures(root: Path, records: int, out: int, count: int) -> dict[str, list[float]]:
    generate(root, records, options=20, memos=out // 5, audiences=5)
    cli = [BRIEFGEN, "build", "-p", str(root), *AS_OF]
    figures: dict[str, list[float]] = {key: [] for key in SCALE_COLUMNS}
    source = root / "evidence" / "src-0000.yaml"
    text = source.read_text()
    for _ in range(count):
        shutil.rmtree(root / ".briefgen", ignore_errors=True)
        for folder in (root / "outputs").glob("memo-*"):
            shutil.rmtree(folder)
        seconds, rss = child(cli)
        figures["full build"].append(seconds)
        figures["peak RSS"].append(rss)
        figures["check"].append(child([BRIEFGEN, "check", "-p", str(root)])[0])
        figures["no-op"].append(child(cli)[0])
        source.write_text(text.replace("Claim number 0 about", "Claim number 0, revised, about"))
        figures["one record changed"].append(child(cli)[0])
        source.write_text(text)
        child(cli)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median, min–max)")
    parser.add_argument("--scale", action="store_true", help="the 1k/10k/50k-record table")
    args = parser.parse_args()
    print(f"briefgen benchmarks — python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.runs} runs each")
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as tmp:
        work = Path(tmp)
        if args.scale:
            scale(work, args.runs)
            return
        bench_check(work, args.runs)
        bench_render_in_process(args.runs)
        bench_word_vs_pandoc(work, args.runs)
        if shutil.which("soffice") or os.environ.get("BRIEFGEN_SOFFICE"):
            bench_pdf(work, args.runs)


if __name__ == "__main__":
    main()
