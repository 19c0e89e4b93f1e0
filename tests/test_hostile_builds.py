"""No update lost, no shortcut laxer than a build, no hand edit overwritten.

An input edited while a build runs is rebuilt by the next build (and by watch, which also survives any exception a
build raises); a build with nothing to do sees a link out, a loop or a named pipe among the inputs as a full build
does; an output edited by hand since the last build is refused, named, and saved under ``.briefgen/edited/`` by
``--force`` before it is overwritten."""

from __future__ import annotations

import datetime as dt
import functools
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from briefs import EVIDENCE, build_tree, run_build, run_check

from briefgen.builder import run, write
from briefgen.builder.watch import watch

AS_OF = "2026-01-20"
DAY = dt.date(2026, 1, 20)
CLAIM = "claim: Something happened."


def claim(n: int) -> str:
    return EVIDENCE.replace(CLAIM, f"claim: Something happened, version {n}.")


def cli(root: Path, *args: str) -> tuple[int, str]:
    return run_build(root, *args, as_of=AS_OF)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = build_tree(tmp_path, {"evidence/src-one.yaml": claim(1)})
    assert cli(root)[0] == 0
    return root


def principal(root: Path) -> str:
    return (root / "outputs/test-memo/principal.md").read_text()


# ---------------------------------------------------------------- no update lost


def edit_during(monkeypatch: pytest.MonkeyPatch, step: str, change: Callable[[], object]) -> None:
    """Run ``change`` once, right after the build's ``step`` (``plan``: after parsing; ``write_build``: just before
    anything is written)."""
    real = getattr(run, step)
    done: list[bool] = []

    def hooked(*args: Any, **kwargs: Any) -> Any:
        if step == "write_build" and not done:
            change()
            done.append(True)
        result = real(*args, **kwargs)
        if step == "plan" and not done:
            change()
            done.append(True)
        return result

    monkeypatch.setattr(run, step, hooked)


@pytest.mark.parametrize("step", ["plan", "write_build"])
def test_an_input_edited_during_a_build_is_rebuilt_by_the_next(
    project: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    (project / "evidence/src-one.yaml").write_text(claim(2))
    edit_during(monkeypatch, step, lambda: (project / "evidence/src-one.yaml").write_text(claim(3)))
    assert cli(project)[0] == 0
    assert "version 2" in principal(project)
    monkeypatch.undo()
    code, out = cli(project)
    assert code == 0 and not out.startswith("0 written"), out
    assert "version 3" in principal(project)


def test_a_template_edited_after_it_was_rendered_is_rendered_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = project / "templates/principal.md.j2"
    text = template.read_text()
    (project / "evidence/src-one.yaml").write_text(claim(2))
    edit_during(monkeypatch, "write_build", lambda: template.write_text(text.replace("## Recommendation", "## Ask")))
    assert cli(project)[0] == 0
    assert "## Ask" not in principal(project)
    monkeypatch.undo()
    assert cli(project)[0] == 0
    assert "## Ask" in principal(project)


def test_a_reference_document_edited_during_a_build_is_used_by_the_next(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.builder import outputs

    reference = project / "templates/reference.docx"
    original = reference.read_bytes()
    (project / "evidence/src-one.yaml").write_text(claim(2))
    real = outputs.reference_bytes

    def read_then_edit(brief: Any) -> bytes:
        data = real(brief)
        reference.write_bytes(restyled(original))  # after the render read it
        return data

    monkeypatch.setattr(outputs, "reference_bytes", read_then_edit)
    assert cli(project, "--format", "docx")[0] == 0
    monkeypatch.undo()
    docx = project / "outputs/test-memo/principal.docx"
    before = docx.read_bytes()
    code, out = cli(project, "--format", "docx")
    assert code == 0 and docx.read_bytes() != before, out


def restyled(docx: bytes) -> bytes:
    """The reference document with another body font."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            new.writestr(item, data.replace(b"Arial", b"Georgia") if item.filename == "word/styles.xml" else data)
    return out.getvalue()


def test_watch_runs_again_for_an_edit_saved_during_a_rebuild(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import watchfiles

    record = project / "evidence/src-one.yaml"
    stop = threading.Event()
    turn = threading.Lock()  # held while a rebuild starts: the first edit is retried until one starts for it
    started: list[int] = []
    summaries: list[str] = []
    errors: list[Exception] = []

    def rebuild() -> str:
        with turn:
            started.append(1)
        if len(started) == 2:  # the rebuild for version 2: version 3 is saved while it runs
            edit_during(monkeypatch, "plan", lambda: record.write_text(claim(3)))
        summary = str(run.build(project, as_of=DAY))
        monkeypatch.undo()
        summaries.append(summary)
        if "version 3" in principal(project):
            stop.set()
        return summary

    def first_edit() -> None:
        while not stop.wait(0.3):  # the watcher starts after the initial build: edit until it has seen the edit
            with turn:
                if len(started) > 1:
                    return
                if summaries:
                    record.write_text(claim(2))

    changes = functools.partial(watchfiles.watch, stop_event=stop, rust_timeout=500)
    threading.Thread(target=first_edit, daemon=True).start()
    threading.Timer(60, stop.set).start()
    watch(project, rebuild, lambda line: None, errors.append, debounce_ms=100, changes=changes)
    assert errors == []
    assert "version 3" in principal(project), summaries


@pytest.mark.parametrize("failure", [RuntimeError("boom"), MemoryError(), KeyError("x"), OSError(5, "I/O error")])
def test_watch_survives_any_exception_a_build_raises(tmp_path: Path, failure: Exception) -> None:
    outcomes: Iterator[str | Exception] = iter([failure, "1 written"])
    calls: list[str] = []
    errors: list[Exception] = []

    def rebuild() -> str:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    (tmp_path / "evidence").mkdir()
    watch(tmp_path, rebuild, calls.append, errors.append, changes=lambda *a, **k: [{(1, str(tmp_path / "evidence"))}])
    assert errors == [failure]
    assert calls[-1].endswith(": 1 written")


# ---------------------------------------------------------------- the no-op shortcut is as strict as a build


def make_loop(root: Path) -> None:
    (root / "options/self.yaml").symlink_to("self.yaml")


ODD_INPUTS: dict[str, Callable[[Path], None]] = {
    "link-out": lambda root: (root / "options/gamma.yaml").symlink_to(root.parent / "outside.yaml"),
    "loop": make_loop,
    "named-pipe": lambda root: os.mkfifo(root / "evidence/pipe.yaml"),
    "dangling": lambda root: (root / "evidence/gone.yaml").symlink_to(root / "nowhere.yaml"),
    "folder-out": lambda root: (root / "options/sub.yaml").symlink_to(root.parent, target_is_directory=True),
}


@pytest.mark.parametrize("case", sorted(ODD_INPUTS))
def test_a_build_with_nothing_to_do_refuses_what_check_refuses(tmp_path: Path, case: str) -> None:
    root = build_tree(tmp_path / "brief", {})
    (tmp_path / "outside.yaml").write_text("id: gamma\n")
    assert cli(root)[0] == 0
    ODD_INPUTS[case](root)
    check_code, check_out = run_check(root)
    code, out = cli(root)
    assert (check_code, code) == (1, 1), (check_out, out)
    assert out.splitlines()[0] == check_out.splitlines()[0]


# ---------------------------------------------------------------- hand edits are never lost


def tree(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_ino, p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.parts[len(root.parts)] in ("outputs", ".briefgen")
    }


def test_an_output_edited_by_hand_is_refused_then_saved_by_force(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import zipfile

    md = project / "outputs/test-memo/principal.md"
    docx = project / "outputs/test-memo/working-level.docx"
    md.write_text(md.read_text() + "\nMy own closing note.\n")
    edited_docx = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx.read_bytes())) as old, zipfile.ZipFile(edited_docx, "w") as new:
        for item in old.infolist():
            new.writestr(item, old.read(item))
        new.writestr("customXml/note.xml", "<note>edited in Word</note>")
    docx.write_bytes(edited_docx.getvalue())
    mine = {md: md.read_bytes(), docx: docx.read_bytes()}
    (project / "evidence/src-one.yaml").write_text(claim(2))  # work that would overwrite both
    before = tree(project)
    code, out = cli(project)
    assert code == 1, out
    assert out.splitlines()[:2] == [
        f"outputs/test-memo/principal.md: edited by hand since the last build {write._EDITED_MESSAGE[36:]}",
        f"outputs/test-memo/working-level.docx: edited by hand since the last build {write._EDITED_MESSAGE[36:]}",
    ]
    assert out.splitlines()[-1] == "2 errors"
    assert tree(project) == before, "a refused build wrote something"
    monkeypatch.setattr(write, "_now", lambda: dt.datetime(2026, 1, 20, 9, 30, tzinfo=dt.UTC))
    code, out = cli(project, "--force")
    assert code == 0, out
    copies = {
        md: project / ".briefgen/edited/test-memo/principal.2026-01-20T093000Z.md",
        docx: project / ".briefgen/edited/test-memo/working-level.2026-01-20T093000Z.docx",
    }
    for output, copy in copies.items():
        assert copy.read_bytes() == mine[output]
        rel = output.relative_to(project).as_posix()
        assert f"saved your edited {rel} as {copy.relative_to(project).as_posix()} before overwriting it" in out
    assert "version 2" in md.read_text() and "My own closing note" not in md.read_text()
    assert cli(project)[1].strip() == "0 written, 6 unchanged"


def test_an_output_a_killed_build_renamed_into_place_is_not_taken_for_a_hand_edit(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after its outputs were renamed into place but before its manifest was: the intent record it wrote
    first says the outputs are briefgen's."""

    class Killed(BaseException):
        pass

    def killed(*args: object) -> None:
        raise Killed

    (project / "evidence/src-one.yaml").write_text(claim(2))
    monkeypatch.setattr(write, "prune", killed)
    with pytest.raises(Killed):
        run.build(project, as_of=DAY)
    monkeypatch.undo()
    assert "version 2" in principal(project)
    (project / "evidence/src-one.yaml").write_text(claim(3))
    code, out = cli(project)
    assert code == 0, out
    assert "version 3" in principal(project)
    assert not (project / ".briefgen/pending.json").exists()
