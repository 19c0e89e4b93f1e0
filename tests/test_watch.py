"""Watch, as a user runs it: start it, edit a record, see the rebuild; break a file, see the error and the process
still alive; fix it, see the rebuild; Ctrl-C exits 0."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from briefs import EVIDENCE, build_tree

from briefgen.builder.watch import watch
from briefgen.errors import BriefgenError, InputError, Problem


class Session:
    def __init__(self, root: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "briefgen", "watch", "-p", str(root), "--as-of", "2026-11-23"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        assert self.proc.stdout is not None
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.put(line.rstrip("\n"))

    def expect(self, fragment: str, timeout: float = 20.0) -> list[str]:
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(line)
            if fragment in line:
                return seen
        raise AssertionError(f"no line with {fragment!r} within {timeout} s; saw {seen}")


def test_watch_rebuilds_reports_errors_and_keeps_going(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    session = Session(root)
    try:
        session.expect("initial build: 6 written")
        session.expect("watching")
        time.sleep(1.5)  # the watcher starts just after it says so
        record = root / "evidence" / "src-one.yaml"
        record.write_text(EVIDENCE.replace("claim: Something happened.", "claim: Something else entirely happened."))
        session.expect("changed evidence/src-one.yaml: ")
        principal = (root / "outputs" / "test-memo" / "working-level.md").read_text()
        assert "Revised E-1: Something else entirely happened." in principal
        record.write_text(EVIDENCE.replace("reliability: B", "reliability: Q"))
        seen = session.expect("still watching")
        assert any("evidence/src-one.yaml:6: source.reliability: expected one of" in line for line in seen), seen
        assert session.proc.poll() is None, "watch died on invalid input"
        record.write_text(EVIDENCE)
        seen = session.expect("changed evidence/src-one.yaml: ")
        assert "written" in seen[-1]
        session.proc.send_signal(signal.SIGINT)
        assert session.proc.wait(timeout=10) == 0
    finally:
        if session.proc.poll() is None:
            session.proc.kill()


def test_watch_loop_is_handed_a_callable_and_survives_errors(tmp_path: Path) -> None:
    calls: list[str] = []
    errors: list[Exception] = []
    outcomes: Iterator[str | BriefgenError] = iter(
        ["1 written", InputError([Problem("x.yaml", 1, "f", "bad")]), "2 written"]
    )

    def rebuild() -> str:
        outcome = next(outcomes)
        if isinstance(outcome, BriefgenError):
            raise outcome
        return outcome

    def fake_changes(*paths: Path, **options: object) -> list[set[tuple[int, str]]]:
        return [{(1, str(tmp_path / "evidence" / "a.yaml"))}, {(2, str(tmp_path / "options" / "b.yaml"))}]

    (tmp_path / "evidence").mkdir()
    (tmp_path / "options").mkdir()
    watch(tmp_path, rebuild, calls.append, errors.append, changes=fake_changes)
    assert calls[0] == "initial build: 1 written"
    assert calls[-1] == "changed options/b.yaml: 2 written"
    assert len(errors) == 1 and "x.yaml:1: f: bad" in str(errors[0])
