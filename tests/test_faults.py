"""Builds killed at random moments never leave a torn file; overlapping builds never interleave; a lock left by a
killed process blocks nothing."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from briefs import EVIDENCE, build_tree
from docx import Document

from briefgen.builder.lock import build_lock
from briefgen.builder.safe_paths import TEMP_PREFIX
from briefgen.errors import BuildLocked

CLAIMS = ("claim: Something happened.", "claim: Something quite different happened.")


def command(root: Path) -> list[str]:
    return [sys.executable, "-m", "briefgen", "build", "-p", str(root), "--as-of", "2025-06-10"]


def assert_outputs_whole(root: Path) -> None:
    for md in root.glob("outputs/*/*.md"):
        assert md.read_text(encoding="utf-8").startswith("**TLP:"), f"{md} is torn or empty"
    for docx in root.glob("outputs/*/*.docx"):
        assert zipfile.is_zipfile(docx), f"{docx} is not a whole zip"
        Document(str(docx))


def test_sigkill_at_random_moments_never_tears_a_file(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    subprocess.run(command(root), check=True, capture_output=True)
    record = root / "evidence" / "src-one.yaml"
    record.write_text(EVIDENCE.replace(CLAIMS[0], CLAIMS[1]))
    start = time.monotonic()
    subprocess.run(command(root), check=True, capture_output=True)
    duration = time.monotonic() - start  # a build with real work to write, from process start to exit
    rng = random.Random(20261123)
    kills = attempts = 0
    while kills < 20:
        attempts += 1
        assert attempts <= 80, f"only {kills} of {attempts} builds were still running when killed"
        record.write_text(EVIDENCE.replace(CLAIMS[0], CLAIMS[attempts % 2]))  # every build has real work to write
        proc = subprocess.Popen(command(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pause = rng.uniform(0.05, 0.95) * duration
        time.sleep(pause)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        else:
            duration = min(duration, pause)  # builds run faster now: aim earlier
        proc.wait()
        assert_outputs_whole(root)
    last_claim = CLAIMS[attempts % 2].split(": ", 1)[1]
    result = subprocess.run(command(root), capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert not list(root.glob(f"outputs/**/{TEMP_PREFIX}*")), "stray temp files survived the next build"
    assert_outputs_whole(root)
    assert last_claim in (root / "outputs/test-memo/working-level.md").read_text()
    again = subprocess.run(command(root), capture_output=True, text=True, check=True)
    assert again.stdout.strip() == "0 written, 6 unchanged"


def test_two_builds_started_at_once_both_finish_safely(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    procs = [
        subprocess.Popen(command(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    outs = sorted(out.strip() for out, _ in results)
    assert outs == ["0 written, 6 unchanged", "6 written, 0 unchanged"], outs
    assert_outputs_whole(root)


def test_a_running_build_is_named_to_the_one_that_waits(tmp_path: Path) -> None:
    (tmp_path / ".briefgen").mkdir()  # the holder notes itself there when the folder exists
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\nfrom briefgen.builder.lock import build_lock\n"
            f"with build_lock(Path({str(tmp_path)!r})):\n"
            "    print('locked', flush=True)\n    time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        waited: list[str] = []
        with (
            pytest.raises(BuildLocked, match=rf"another build is running \(pid {holder.pid}, started .*\); waited 0 s"),
            build_lock(tmp_path, timeout=0.3, on_wait=waited.append),
        ):
            pass
        assert waited and f"pid {holder.pid}" in waited[0]
        holder.send_signal(signal.SIGKILL)  # a lock left by a killed process
        holder.wait()
        start = time.monotonic()
        with build_lock(tmp_path, timeout=5):
            pass
        assert time.monotonic() - start < 1.0, "a dead holder's lock blocked the next build"
    finally:
        if holder.poll() is None:
            holder.kill()
