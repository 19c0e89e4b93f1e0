"""Nothing written outside the project, through no link, and nothing replaced when a write cannot be done.

A symbolic link (to a file outside the project, to an evidence file inside it, to nothing) and a hard link are
planted at every path a build writes — each output, the temp files, the lock note, the cache, the manifest, a saved
copy of a hand-edited output — and at every folder on the way; the target is untouched each time. A folder or a
file in the way, no permission and a full disk each end in one line naming the path and the cause, with every
output as it was. ``outputs/`` holds only memos after builds that succeed, fail and do nothing."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from briefs import EVIDENCE, build_tree, run_build

from briefgen.builder import safe_paths, write
from briefgen.builder.safe_paths import TEMP_PREFIX

AS_OF = "2026-01-20"
SECRET = b"outside the project: never to be written\n"
WORK = ("claim: Something happened.", "claim: Something quite different happened.")  # changes principal, working-level


def cli(root: Path, *args: str) -> tuple[int, str]:
    return run_build(root, *args, as_of=AS_OF)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = build_tree(tmp_path / "brief", {})
    assert cli(root)[0] == 0
    evidence = root / "evidence" / "src-one.yaml"
    evidence.write_text(EVIDENCE.replace(*WORK))  # the next build has work to write
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_bytes(SECRET)
    return root


def tree(folder: Path) -> dict[str, tuple[int, bytes] | str]:
    """Every file under ``folder`` with its inode and bytes, every link with its target."""
    found: dict[str, tuple[int, bytes] | str] = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = os.readlink(path)
        elif path.is_file():
            found[rel] = (path.stat().st_ino, path.read_bytes())
    return found


Plant = Callable[[Path, Path], None]


def symlink(at: Path, target: Path) -> None:
    at.unlink(missing_ok=True)
    at.symlink_to(target)


def hard_link(at: Path, target: Path) -> None:
    at.unlink(missing_ok=True)
    os.link(target, at)


TARGETS = {  # where a planted link points: a file outside, an evidence file inside, nothing
    "outside": lambda root: root.parent / "outside" / "secret.txt",
    "evidence": lambda root: root / "evidence" / "src-one.yaml",
    "dangling": lambda root: root.parent / "outside" / "not-there.txt",
}
KINDS: list[tuple[str, Plant, str]] = [
    ("symlink-outside", symlink, "outside"),
    ("symlink-evidence", symlink, "evidence"),
    ("symlink-dangling", symlink, "dangling"),
    ("hardlink-outside", hard_link, "outside"),
    ("hardlink-evidence", hard_link, "evidence"),
]


def target_bytes(root: Path, which: str) -> bytes | None:
    path = TARGETS[which](root)
    return path.read_bytes() if path.exists() else None


@pytest.mark.parametrize(("kind", "plant", "which"), KINDS, ids=[k[0] for k in KINDS])
@pytest.mark.parametrize("rel", ["outputs/test-memo/principal.md", "outputs/test-memo/working-level.docx"])
def test_a_link_at_an_output_is_never_written_through(
    project: Path, rel: str, kind: str, plant: Plant, which: str
) -> None:
    before = target_bytes(project, which)
    plant(project / rel, TARGETS[which](project))
    code, out = cli(project)
    assert target_bytes(project, which) == before
    assert code == 1 and out.startswith(f"{rel}: "), out  # a link is refused; a hard link differs from what was built
    code, out = cli(project, "--force")
    assert target_bytes(project, which) == before
    if kind.startswith("hardlink"):  # --force saves the "edited" copy, then gives the output a new inode
        assert code == 0, out
        assert not (project / rel).samefile(TARGETS[which](project))
    else:
        assert code == 1 and "is a symbolic link" in out, out


@pytest.mark.parametrize(("kind", "plant", "which"), KINDS, ids=[k[0] for k in KINDS])
@pytest.mark.parametrize("rel", [".briefgen/manifest.json", ".briefgen/cache.json", ".briefgen/lock"])
def test_a_link_at_a_bookkeeping_file_is_replaced_not_followed(
    project: Path, rel: str, kind: str, plant: Plant, which: str
) -> None:
    before = target_bytes(project, which)
    plant(project / rel, TARGETS[which](project))
    code, out = cli(project)
    assert code == 0, out
    assert target_bytes(project, which) == before
    assert not (project / rel).is_symlink()


def test_the_lock_note_is_written_through_no_link_while_a_build_runs(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note exists only while the lock is held: plant the link just before the holder writes it."""
    from briefgen.builder import lock

    secret = project.parent / "outside" / "secret.txt"
    original = lock._note_holder

    def plant_then_note(root: Path) -> bool:
        symlink(root / ".briefgen" / "lock", secret)
        return original(root)

    monkeypatch.setattr(lock, "_note_holder", plant_then_note)
    assert cli(project)[0] == 0
    assert secret.read_bytes() == SECRET
    assert not (project / ".briefgen" / "lock").exists()


@pytest.mark.parametrize(("kind", "plant", "which"), KINDS, ids=[k[0] for k in KINDS])
@pytest.mark.parametrize("folder", ["outputs/test-memo", ".briefgen"])
def test_a_link_planted_at_a_temp_file_name_as_it_is_chosen_is_not_followed(
    project: Path, monkeypatch: pytest.MonkeyPatch, folder: str, kind: str, plant: Plant, which: str
) -> None:
    """A racing writer that guesses the temp file's name and plants a link there first: the temp file is created
    O_EXCL | O_NOFOLLOW, so briefgen draws another name."""
    before = target_bytes(project, which)
    tokens = iter(["planted"])
    real = safe_paths._token

    def guessed() -> str:
        token = next(tokens, None)
        if token is None:
            return real()
        for name in ("principal.md", "manifest.json"):
            if (project / folder).is_dir():
                plant(project / folder / f"{TEMP_PREFIX}{token}-{name}", TARGETS[which](project))
        return token

    monkeypatch.setattr(safe_paths, "_token", guessed)
    code, out = cli(project)
    assert code == 0, out
    assert target_bytes(project, which) == before


@pytest.mark.parametrize(("kind", "plant", "which"), KINDS, ids=[k[0] for k in KINDS])
def test_a_link_at_the_name_of_a_saved_copy_is_not_followed(
    project: Path, monkeypatch: pytest.MonkeyPatch, kind: str, plant: Plant, which: str
) -> None:
    import datetime as dt

    now = dt.datetime(2026, 1, 20, 10, 15, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(write, "_now", lambda: now)
    (project / "outputs/test-memo/principal.md").write_text("My own notes.\n")
    copy = project / ".briefgen/edited/test-memo/principal.2026-01-20T101530Z.md"
    copy.parent.mkdir(parents=True)
    before = target_bytes(project, which)
    plant(copy, TARGETS[which](project))
    code, out = cli(project, "--force")
    assert code == 0, out
    assert target_bytes(project, which) == before
    saved = [p for p in copy.parent.iterdir() if not p.is_symlink() and p.read_bytes() == b"My own notes.\n"]
    assert len(saved) == 1 and saved[0].name in out


# ---------------------------------------------------------------- folders on the way


FOLDER_TARGETS = {
    "outside": lambda root: root.parent / "outside",
    "evidence": lambda root: root / "evidence",
    "dangling": lambda root: root.parent / "nowhere",
}


@pytest.mark.parametrize("which", sorted(FOLDER_TARGETS))
@pytest.mark.parametrize("folder", ["outputs", "outputs/test-memo", ".briefgen", ".briefgen/edited"])
def test_a_folder_on_the_way_that_is_a_link_is_refused(project: Path, folder: str, which: str) -> None:
    target = FOLDER_TARGETS[which](project)
    (project / "outputs/test-memo/principal.md").write_text("Edited, so that --force writes .briefgen/edited/.\n")
    (project / folder).parent.mkdir(parents=True, exist_ok=True)
    if (project / folder).is_dir():
        os.rename(project / folder, project.parent / "moved-away")
    (project / folder).symlink_to(target)
    seen = tree(target), tree(project / "outputs") if folder != "outputs" else {}
    code, out = cli(project, "--force")
    assert code == 1, out
    assert out.startswith(f"{folder}: is a symbolic link (to {target}): briefgen writes through no link"), out
    assert len(out.strip().splitlines()) == 1, out
    assert (tree(target), tree(project / "outputs") if folder != "outputs" else {}) == seen
    assert not target.exists() or which != "dangling"


# ---------------------------------------------------------------- file-system failures: one line, nothing replaced


def outputs_and_bookkeeping(root: Path) -> tuple[object, object]:
    return tree(root / "outputs"), tree(root / ".briefgen")


@pytest.mark.parametrize(
    ("obstacle", "message"),
    [
        ("outputs", r"^outputs: is a file where briefgen needs a folder; no output was changed$"),
        ("outputs/test-memo", r"^outputs/test-memo: is a file where briefgen needs a folder; no output was changed$"),
        (".briefgen", r"^\.briefgen: is a file where briefgen needs a folder; no output was changed$"),
        ("outputs/test-memo/working-level.md", r"^outputs/test-memo/working-level\.md: is a folder where briefgen"),
    ],
)
def test_a_file_or_folder_in_the_way_is_one_line_and_nothing_is_replaced(
    project: Path, obstacle: str, message: str
) -> None:
    import re
    import shutil

    path = project / obstacle
    if obstacle == "outputs/test-memo/working-level.md":
        path.unlink()
        path.mkdir()
    else:
        shutil.rmtree(path)
        path.write_text("in the way\n")
    before = outputs_and_bookkeeping(project)
    code, out = cli(project)
    assert code == 1 and re.search(message, out.strip()), out
    assert len(out.strip().splitlines()) == 1, out
    assert outputs_and_bookkeeping(project) == before


def failing_write(after: int, code: int) -> Callable[[int, object], int]:
    """os.write that fails with ``code`` once ``after`` writes of briefgen's have gone through."""
    real = os.write
    count = {"n": 0}

    def fake(fd: int, data: object) -> int:
        count["n"] += 1
        if count["n"] > after:
            raise OSError(code, os.strerror(code))
        return real(fd, data)  # type: ignore[arg-type]

    return fake


@pytest.mark.parametrize("after", [0, 1, 3, 5])
def test_a_full_disk_part_way_through_replaces_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    before = outputs_and_bookkeeping(project)
    monkeypatch.setattr("briefgen.builder.safe_paths.os.write", failing_write(after, errno.ENOSPC))
    code, out = cli(project)
    assert code == 1, out
    assert ": cannot write: no space left on the device (the disk is full); no output was changed" in out, out
    assert len(out.strip().splitlines()) == 1, out
    monkeypatch.undo()
    assert outputs_and_bookkeeping(project) == before  # same bytes, same inodes, and no temp file left


def test_permission_denied_in_a_memo_folder_replaces_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated (the tests run as root, who may write anywhere): the folder refuses new files."""
    before = outputs_and_bookkeeping(project)
    real = os.open

    def refusing(path: str, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if str(path).startswith(TEMP_PREFIX) and str(path).endswith("working-level.docx"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr("briefgen.builder.safe_paths.os.open", refusing)
    code, out = cli(project)
    monkeypatch.undo()
    assert (code, out.strip()) == (
        1,
        "outputs/test-memo/working-level.docx: cannot write: permission denied; no output was changed",
    )
    assert outputs_and_bookkeeping(project) == before


def test_a_new_memo_folder_made_before_a_failure_is_removed_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    shutil.rmtree(project / "outputs")
    monkeypatch.setattr("briefgen.builder.safe_paths.os.write", failing_write(2, errno.ENOSPC))
    assert cli(project)[0] == 1
    assert not (project / "outputs").exists()


# ---------------------------------------------------------------- outputs/ holds the memos and nothing else


MEMOS = {f"test-memo/{a}.{f}" for a in ("principal", "working-level", "partner") for f in ("md", "docx")}
MEMOS |= {f"test-memo/working-level-{chart}.svg" for chart in ("scores", "tornado")}  # the options paper's charts


def test_outputs_hold_only_memos_after_builds_that_succeed_fail_and_do_nothing(project: Path) -> None:
    (project / "outputs" / ".lock").write_text('{"pid": 1}')  # left by an earlier version
    assert cli(project)[0] == 0
    assert set(tree(project / "outputs")) == MEMOS
    assert not (project / ".briefgen" / "lock").exists()
    before = tree(project / "outputs")
    assert cli(project)[1].strip() == "0 written, 6 unchanged"
    assert tree(project / "outputs") == before
    (project / "options" / "beta.yaml").write_text("id: beta\n")
    assert cli(project)[0] == 1
    assert tree(project / "outputs") == before


def test_the_lock_note_is_under_briefgen_while_a_build_runs(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[set[str], bool]] = []
    real = write.write_build

    def look(root: Path, writes: write.Writes) -> write.Written:
        seen.append((set(tree(root / "outputs")), (root / ".briefgen" / "lock").is_file()))
        return real(root, writes)

    monkeypatch.setattr("briefgen.builder.run.write_build", look)
    assert cli(project)[0] == 0
    assert seen == [(MEMOS, True)]
    assert not (project / ".briefgen" / "lock").exists()


def test_stray_temp_files_under_briefgen_are_swept(project: Path) -> None:
    strays = [
        project / ".briefgen" / f"{TEMP_PREFIX}999-manifest.json",
        project / ".briefgen" / "edited" / "test-memo" / f"{TEMP_PREFIX}1-principal.2026-01-01T000000Z.md",
    ]
    for stray in strays:
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_text("half")
    assert cli(project)[0] == 0
    assert not any(stray.exists() for stray in strays)


@pytest.mark.parametrize("count", [0, 1, 64, 130])
def test_files_staged_in_batches_are_each_synced_once_and_land_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    """Staging syncs temp files in batches on threads: every file is synced exactly once before any rename, and a
    sync that fails (a full disk found late) is a WriteError naming that file, with every temp file removable."""
    from pathlib import PurePosixPath

    synced: list[int] = []
    real = os.fsync

    def counted(fd: int) -> None:
        synced.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counted)
    files = [(PurePosixPath("outputs", f"m{n % 7}", f"f{n}.md"), f"file {n}".encode()) for n in range(count)]
    with safe_paths.Project(tmp_path) as project:
        staged: list[safe_paths.Staged] = []
        project.stage_many(files, staged)
        assert len(staged) == count and len(synced) == count
        for item in staged:
            project.commit(item)
        project.sync()
    for rel, data in files:
        assert (tmp_path / rel).read_bytes() == data
    if count < 64:
        return

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with safe_paths.Project(tmp_path) as project:
        staged = []
        with pytest.raises(safe_paths.WriteError, match=r"outputs/m0/f0\.md: cannot write"):
            project.stage_many(files, staged)
        for item in staged:
            project.discard(item)
    assert not [p for p in tmp_path.rglob(f"{TEMP_PREFIX}*")]
    for rel, data in files:
        assert (tmp_path / rel).read_bytes() == data  # nothing replaced
