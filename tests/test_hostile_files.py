"""Odd files where briefgen expects ordinary ones — named pipes, folders, link loops, unusable paths, a damaged
manifest, a folder init cannot make: each is one clear message (or, for briefgen's own files, a rebuild), never an
internal error or a hang."""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from briefs import BRIEF, build_tree, expect_error, run_out_of_process
from click.testing import CliRunner

from briefgen.builder.manifest import read_manifest
from briefgen.cli import main

AUDIENCES = ("principal", "working-level", "partner")


# ---------------------------------------------------------------- files that are not regular files


@pytest.mark.parametrize("name", ["options/gamma.yaml", "evidence/src-two.yaml", "briefgen.yaml"])
def test_named_pipe_is_refused_without_blocking(tmp_path: Path, name: str) -> None:
    build_tree(tmp_path, {name: None})
    os.mkfifo(tmp_path / name)
    result = run_out_of_process("check", "-p", str(tmp_path))
    assert result.returncode == 1, result
    assert result.stderr == f"{name}: not a regular file (a named pipe): refused\n1 error\n"


def test_folder_named_like_an_input_is_refused(tmp_path: Path) -> None:
    build_tree(tmp_path, {"options/gamma.yaml/x": "x"})
    expect_error(tmp_path, r"^options/gamma\.yaml: not a regular file \(a folder\): refused$")


# ---------------------------------------------------------------- a damaged manifest


Damage = Callable[[dict[str, Any]], None]
ENTRY_DAMAGE: list[Damage] = [
    lambda m: m["entries"]["test-memo/principal"].update(date="garbage"),
    lambda m: m["entries"]["test-memo/principal"].update(version=[1]),
    lambda m: m["entries"]["test-memo/principal"]["snapshot"].update(ranks={"alpha": "first"}),
    lambda m: m["entries"]["test-memo/principal"]["snapshot"].update(risks={"R-alpha-1": "High"}),
    lambda m: m["entries"]["test-memo/principal"].update(deps=[]),
    lambda m: m.update(entries={"../../x": m["entries"]["test-memo/principal"]}),
    lambda m: m.update(entries=[]),
    lambda m: m.clear(),
]


@pytest.mark.parametrize(
    ("damage", "edit_input"),
    [
        # Read before anything is parsed, when the inputs are as the last build left them.
        (lambda m: m.update(fresh_until="soon"), False),
        (lambda m: m.update(all_targets=["test-memo"]), False),
        # Read once an input changed: the entries.
        *((damage, True) for damage in ENTRY_DAMAGE),
    ],
    ids=["fresh_until", "target", "date", "version", "ranks", "risks", "deps", "target-path", "entries", "empty"],
)
def test_damaged_manifest_is_treated_as_absent(tmp_path: Path, damage: Damage, edit_input: bool) -> None:
    root = build_tree(tmp_path, {})
    assert CliRunner().invoke(main, ["build", "-p", str(root), "--as-of", "2026-01-20"]).exit_code == 0
    path = root / ".briefgen" / "manifest.json"
    manifest = json.loads(path.read_text())
    damage(manifest)
    path.write_text(json.dumps(manifest))
    if edit_input:  # else the build stops at "nothing changed" before reading the entries
        (root / "briefgen.yaml").write_text(BRIEF.replace("title: Test brief", "title: Test brief, revised"))
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--as-of", "2026-01-20"])
    assert result.exit_code == 0, result.output
    assert read_manifest(root).entries.keys() == {f"test-memo/{a}" for a in AUDIENCES}


def test_manifest_that_is_a_list_is_treated_as_absent(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    (root / ".briefgen").mkdir()
    (root / ".briefgen" / "manifest.json").write_text("[1, 2]")
    result = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert (result.exit_code, result.output.strip()) == (0, "6 written, 0 unchanged")


# ---------------------------------------------------------------- link loops and unusable paths

LOOP = "cannot read: Too many levels of symbolic links"


@pytest.mark.parametrize("folder", ["options", "evidence"])
def test_symlink_loop_among_inputs_is_refused(tmp_path: Path, folder: str) -> None:
    build_tree(tmp_path, {})
    (tmp_path / folder / "self.yaml").symlink_to("self.yaml")
    (tmp_path / folder / "ping.yaml").symlink_to("pong.yaml")
    (tmp_path / folder / "pong.yaml").symlink_to("ping.yaml")
    out = expect_error(tmp_path, rf"^{folder}/self\.yaml: {LOOP}$")
    assert f"{folder}/ping.yaml: {LOOP}" in out and f"{folder}/pong.yaml: {LOOP}" in out


STYLE = "style: {{reference: {}}}\n"


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            'template: "a\\0b.md.j2"',
            r"expected a path inside templates/ such as 'principal\.md\.j2', got 'a\\x00b\.md\.j2'",
        ),
        ("template: loop.md.j2", rf"template 'loop\.md\.j2': {LOOP}"),
        ("template: pipe.md.j2", r"template 'pipe\.md\.j2' is not a regular file \(a named pipe\)"),
        (STYLE.format('"a\\0b"'), r"expected a path inside the project such as .*, got 'a\\x00b'"),
        (STYLE.format("templates/loop.md.j2"), rf"reference document 'templates/loop\.md\.j2': {LOOP}"),
        (STYLE.format("x" * 300), r"reference document 'x+…: cannot read: File name too long"),
    ],
)
def test_unusable_template_or_reference_path_is_refused(tmp_path: Path, setting: str, message: str) -> None:
    brief = BRIEF + setting if setting.startswith("style") else BRIEF.replace("template: partner.md.j2", setting)
    build_tree(tmp_path, {"briefgen.yaml": brief})
    (tmp_path / "templates" / "loop.md.j2").symlink_to("loop.md.j2")
    os.mkfifo(tmp_path / "templates" / "pipe.md.j2")
    expect_error(tmp_path, rf"^briefgen\.yaml:\d+: (audiences\.partner\.template|style\.reference): {message}$")


# ---------------------------------------------------------------- init where nothing can be written


@pytest.mark.parametrize("target", ["/proc/briefgen-test", "/dev/null/brief"])
def test_init_where_no_folder_can_be_made_is_a_clear_error(target: str) -> None:
    result = CliRunner().invoke(main, ["init", target])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"{target}: cannot create the brief here: ")
    assert "internal error" not in result.output and len(result.output.splitlines()) == 1


@pytest.mark.parametrize("existed", [False, True])
def test_init_that_fails_part_way_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existed: bool
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = tmp_path / "new-brief"
    if existed:
        target.mkdir()
    monkeypatch.setattr(shutil, "copy2", disk_full)  # after evidence/ and options/ are copied
    result = CliRunner().invoke(main, ["init", str(target)])
    assert (result.exit_code, result.output) == (
        1,
        f"{target}: cannot create the brief here: No space left on device\n",
    )
    assert (list(target.iterdir()) if existed else target.exists()) in ([], False)


# ---------------------------------------------------------------- named pipes among briefgen's own files


@pytest.mark.parametrize(
    "name", ["outputs/.lock", ".briefgen/manifest.json", "outputs/test-memo/principal.md", ".briefgen/cache.json"]
)
def test_named_pipe_among_bookkeeping_files_does_not_block_a_build(tmp_path: Path, name: str) -> None:
    root = build_tree(tmp_path, {})
    assert CliRunner().invoke(main, ["build", "-p", str(root)]).exit_code == 0
    (root / name).unlink(missing_ok=True)
    os.mkfifo(root / name)
    (root / "briefgen.yaml").write_text(BRIEF.replace("title: Test brief", "title: Test brief, revised"))
    result = run_out_of_process("build", "-p", str(root))
    assert result.returncode == 0, result


@pytest.mark.parametrize("key", ["", ".", "/etc/passwd", "../outside", "x\x00y"])
def test_manifest_input_paths_that_name_nothing_usable_are_ignored(tmp_path: Path, key: str) -> None:
    root = build_tree(tmp_path, {})
    assert CliRunner().invoke(main, ["build", "-p", str(root)]).exit_code == 0
    path = root / ".briefgen" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["inputs"][key] = "0123456789abcdef"
    path.write_text(json.dumps(manifest))
    result = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output


def test_a_named_pipe_where_a_dropped_output_was_is_left_alone(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    assert CliRunner().invoke(main, ["build", "-p", str(root)]).exit_code == 0
    (root / "outputs/test-memo/partner.md").unlink()
    os.mkfifo(root / "outputs/test-memo/partner.md")
    (root / "briefgen.yaml").write_text(
        BRIEF.replace("audiences: [principal, working-level, partner]", "audiences: [principal]")
    )
    result = CliRunner().invoke(main, ["build", "-p", str(root)])  # would block forever reading the pipe
    assert result.exit_code == 0, result.output
    assert (root / "outputs/test-memo/partner.md").exists()


# ---------------------------------------------------------------- bookkeeping nested too deeply for json

DEEP_JSON = "[" * 100_000 + "]" * 100_000  # json raises RecursionError, not ValueError


@pytest.mark.parametrize(
    "name",
    [
        ".briefgen/manifest.json",
        ".briefgen/cache.json",
        ".briefgen/pending.json",
        ".briefgen/history/test-memo/partner/v1.json",
    ],
)
def test_bookkeeping_nested_too_deeply_is_read_as_damaged(tmp_path: Path, name: str) -> None:
    root = build_tree(tmp_path, {})
    assert CliRunner().invoke(main, ["build", "-p", str(root)]).exit_code == 0
    (root / name).write_text(DEEP_JSON)
    revised = BRIEF.replace("question: Should we cooperate?", "question: Should we cooperate now?")
    (root / "briefgen.yaml").write_text(revised)  # the partner memo shows it: a new version, and its redline
    for args in (["check"], ["build", "--redline"], ["diff", "test-memo", "partner"]):
        result = CliRunner().invoke(main, [*args, "-p", str(root)])
        assert "internal error" not in result.output, (args, result.output)
        # a manifest read as absent starts the versions again: diff may find nothing to compare (exit 1)
        assert result.exit_code in ((0, 1) if args[0] == "diff" else (0,)), (args, result.output)
