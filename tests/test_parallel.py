"""Rendering on a process pool gives the serial build, byte for byte: outputs, manifest, progress order and errors; a
worker that fails or dies is one clean error and nothing is written; the render deadline holds in a worker."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from briefs import BRIEF, build_tree, snapshot
from click.testing import CliRunner

from briefgen.builder import pool, revision
from briefgen.builder.manifest import MANIFEST_PATH, Entry, Snapshot
from briefgen.builder.run import build
from briefgen.cli import main
from briefgen.errors import RenderError, TemplateError
from briefgen.formats import sandbox

TODAY = dt.date(2026, 11, 23)
MEMO = BRIEF[BRIEF.index("  - id: test-memo") :]
# Four memos × three audiences: twelve outputs, past the pool's threshold.
MANY = BRIEF + "".join(
    MEMO.replace("test-memo", f"memo-{n}").replace("cooperate?", f"cooperate {n}?") for n in range(3)
)


def project(root: Path) -> Path:
    return build_tree(root, {"briefgen.yaml": MANY})


def memos(root: Path) -> dict[str, bytes]:
    """Every output file (not the lock note, which names the build that wrote it)."""
    return {path: data for path, data in snapshot(root / "outputs").items() if path != ".lock"}


def pooled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the builds that went through the pool."""
    calls: list[int] = []
    real = pool._in_pool

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(pool, "_in_pool", spy)
    return calls


def test_parallel_and_serial_builds_are_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial, parallel = project(tmp_path / "serial"), project(tmp_path / "parallel")
    calls = pooled(monkeypatch)
    build(serial, as_of=TODAY, jobs=1)
    build(parallel, as_of=TODAY, jobs=2)
    assert calls == [2]
    assert memos(serial) == memos(parallel)
    assert (serial / MANIFEST_PATH).read_bytes() == (parallel / MANIFEST_PATH).read_bytes()
    assert len([p for p in memos(parallel) if p.endswith(".docx")]) == 12
    for root in (serial, parallel):  # a revision: change notes, versions and dates are the same too
        evidence = root / "evidence" / "src-one.yaml"
        evidence.write_text(evidence.read_text().replace("Something happened.", "Something else entirely."))
    first, second = build(serial, as_of=TODAY, jobs=1), build(parallel, as_of=TODAY, jobs=2)
    assert first == second and first.written
    assert memos(serial) == memos(parallel)
    assert (serial / MANIFEST_PATH).read_bytes() == (parallel / MANIFEST_PATH).read_bytes()


def test_the_progress_bar_sees_the_outputs_in_plan_order(tmp_path: Path) -> None:
    root = project(tmp_path)
    seen: list[str] = []

    def progress(steps: Iterable[Any]) -> Iterable[Any]:
        for step in steps:
            seen.append(step.target.key)
            yield step

    build(root, as_of=TODAY, jobs=2, progress=progress)
    assert seen == [f"{m}/{a}" for m in ["test-memo", "memo-0", "memo-1", "memo-2"] for a in AUDIENCES]


AUDIENCES = ["principal", "working-level", "partner"]


def test_a_template_error_in_a_worker_is_the_serial_builds_error(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "templates" / "partner.md.j2").write_text(
        '{% extends "base.md.j2" %}{% block body %}{{ nope }}{% endblock %}'
    )
    before = snapshot(root)
    errors = []
    for jobs in (1, 2):
        with pytest.raises(TemplateError) as caught:
            build(root, as_of=TODAY, jobs=jobs)
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and errors[0].startswith("templates/partner.md.j2:")
    assert snapshot(root) == before


def test_every_failing_output_is_reported_at_once_serial_or_pooled(tmp_path: Path) -> None:
    """Two broken templates: the build names both (each message once, though four memos use each), as check does,
    with one job or two, and writes nothing."""
    root = project(tmp_path)
    for name, field in (("partner", "nope"), ("principal", "neither")):
        (root / "templates" / f"{name}.md.j2").write_text(
            '{% extends "base.md.j2" %}{% block body %}{{ ' + field + " }}{% endblock %}"
        )
    before = snapshot(root)
    for jobs in ("1", "2"):
        result = CliRunner().invoke(main, ["build", "-p", str(root), "-j", jobs])
        assert result.exit_code == 1, result.output
        lines = result.output.strip().splitlines()
        assert sorted(line.split(":", 1)[0] for line in lines[:-1]) == [
            "templates/partner.md.j2",
            "templates/principal.md.j2",
        ], result.output
        assert lines[-1].startswith("2 errors"), result.output
    assert snapshot(root) == before


def test_a_worker_that_dies_is_one_clean_error_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path)
    real = revision.render_step

    def dies_on_one(brief: Any, step: Any, *args: Any) -> Any:
        if step.target.key == "memo-1/working-level":
            os._exit(9)  # as if killed: no exception, no result
        return real(brief, step, *args)

    monkeypatch.setattr(revision, "render_step", dies_on_one)
    before = snapshot(root)
    with pytest.raises(RenderError, match=r"a render worker stopped unexpectedly .* before outputs/"):
        build(root, as_of=TODAY, jobs=2)
    assert snapshot(root) == before
    result = CliRunner().invoke(main, ["build", "-p", str(root), "-j", "2", "--as-of", "2026-11-23"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output, result.output
    assert [line for line in result.output.splitlines() if "stopped unexpectedly" in line] == [
        result.output.splitlines()[0]
    ]


def test_the_render_deadline_holds_in_a_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A loop that calls nothing is stopped by the timer signal, which only the main thread receives: a worker's
    render runs in its main thread."""
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.5)
    root = project(tmp_path)
    loop = "{% set l = range(100000)|list %}{% for i in l %}{% for j in l %}{% endfor %}{% endfor %}"
    template = '{% extends "base.md.j2" %}{% block body %}\n' + loop + "\n{% endblock %}"
    (root / "templates" / "principal.md.j2").write_text(template)
    calls = pooled(monkeypatch)
    with pytest.raises(TemplateError, match=r"ran over 0\.5 seconds"):
        build(root, as_of=TODAY, jobs=2)
    assert calls == [2]


def test_few_outputs_or_one_job_render_in_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = pooled(monkeypatch)
    build(build_tree(tmp_path / "small", {}), as_of=TODAY, jobs=2)  # three outputs
    build(project(tmp_path / "one"), as_of=TODAY, jobs=1)
    assert calls == []


def test_a_manifest_entry_is_written_as_asdict_would_write_it() -> None:
    """The manifest is written without dataclasses.asdict's deep copies, to the same JSON, every field included."""
    snapshot_fields = {f.name for f in dataclasses.fields(Snapshot)}
    snap = Snapshot(records={"E-1": "f"}, risks={"R-1": ("High", "Low")}, ranks={"o": 1}, options={"o": "g"})
    entry = Entry({"a": "1"}, {}, {"md": "x"}, 2, "2026-01", ("one", "two"), snap)
    assert json.dumps(entry.to_json(), sort_keys=True) == json.dumps(dataclasses.asdict(entry), sort_keys=True)
    assert set(entry.to_json()["snapshot"]) == set(snapshot_fields)
