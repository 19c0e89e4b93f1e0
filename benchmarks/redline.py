"""The redline of the sample options paper after a one-record edit, in-process (`python benchmarks/redline.py`; goal
< 50 ms): the sample is copied and built, one cited record's claim edited, and the new version rendered; then the
redline a build adds is timed — the Word redline (the kept version rendered to Word by the same writer, both bodies
merged with tracked changes; the new version's Word file is the one the build has already rendered) and the
CriticMarkup one. Medians of several runs with their min–max. Figures are printed, never asserted."""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from briefgen.analysis.memo_context import History
from briefgen.builder import history
from briefgen.builder.cache import load_brief
from briefgen.builder.outputs import Target, docx_bytes, memo_of, render_md, word_renderer
from briefgen.builder.redline import Redline
from briefgen.builder.run import build
from briefgen.inputs.scales import PartialDate

REPO = Path(__file__).resolve().parent.parent
DAY1, DAY2 = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
RUNS = 15
TARGET = Target("kazakhstan-space", "working-level")


def timed(action: Callable[[], object], runs: int = RUNS) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def sample(root: Path) -> Path:
    for name in ("briefgen.yaml", "evidence", "options", "templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    (root / "outputs").mkdir()
    return root


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = sample(Path(folder))
        build(root, as_of=DAY1, memo=TARGET.memo_id, audience=TARGET.audience_id)
        kept = history.read(root, TARGET.key, 1)
        assert kept is not None
        claims = root / "evidence/keranen-2025.yaml"
        claims.write_text(claims.read_text().replace("a year to lease Baikonur", "a year in rent for Baikonur"))
        _, brief = load_brief(root, {})
        word = word_renderer(brief)
        date = PartialDate.parse(DAY2)
        ctx, new = render_md(brief, TARGET, DAY2, History(2, date, ("Revised E-003",)))
        new_docx = docx_bytes(brief, TARGET, new, date, word)
        red = Redline(brief, TARGET, memo_of(brief, TARGET), ctx, date, word)
        words = len(new.text.split())
        for name, action in (
            ("Word redline (old version rendered, both merged)", lambda: red.docx(kept, new, new_docx)),
            ("CriticMarkup redline", lambda: red.markdown(kept, new.text)),
            ("both, as a build adds them", lambda: red.files(kept, new, ("md", "docx"), new_docx)),
        ):
            median, low, high = timed(action)
            print(f"options paper ({words:,} words), one record edited, {name}: {median:.1f} ms ({low:.1f}–{high:.1f})")
    print("goal: under 50 ms")


if __name__ == "__main__":
    main()
