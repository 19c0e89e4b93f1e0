"""One build at a time per project: an advisory ``flock`` on the project folder itself.

Locking the folder (not a file in it) creates nothing, so a build refused for bad input leaves the project exactly
as it was. The kernel drops the lock when its holder dies, so a build killed with SIGKILL never blocks the next one.
Where ``.briefgen/`` exists, the holder notes who it is (pid, command, start time) in ``.briefgen/lock`` — written
and removed through no link, and removed when the lock is released — so that a waiting build can say what it is
waiting for; ``outputs/`` holds nothing but memos."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from briefgen.builder.safe_paths import Project, WriteError, read_inside
from briefgen.errors import BuildLocked

NOTE = PurePosixPath(".briefgen", "lock")


@contextmanager
def build_lock(root: Path, timeout: float = 120.0, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the project's build lock; wait up to ``timeout`` seconds for another build, then raise BuildLocked."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        _acquire(fd, root, timeout, on_wait)
        noted = _note_holder(root)
        try:
            yield
        finally:
            if noted:
                _remove_note(root)
    finally:
        os.close(fd)  # closing releases the flock


def _acquire(fd: int, root: Path, timeout: float, on_wait: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = describe_holder(root)
            if time.monotonic() >= deadline:
                raise BuildLocked(f"another build is running ({holder}); waited {timeout:.0f} s, giving up") from None
            if on_wait and not told:
                on_wait(f"waiting for another build to finish ({holder})")
                told = True
            time.sleep(0.05)


def _note_holder(root: Path) -> bool:
    """Write who holds the lock where .briefgen/ already is (a build creates nothing before its inputs are known to
    be good); never fail the build for it. True if written."""
    with contextlib.suppress(OSError, WriteError), Project(root) as project:
        project.folder(NOTE.parent)  # FileNotFoundError if there is none yet
        project.write(NOTE, json.dumps(_holder()).encode("utf-8"))
        return True
    return False


def _remove_note(root: Path) -> None:
    with contextlib.suppress(OSError, WriteError), Project(root) as project:
        project.remove(NOTE)


def _holder() -> dict[str, object]:
    return {"pid": os.getpid(), "command": " ".join(sys.argv), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def describe_holder(root: Path) -> str:
    """Who holds the lock, from what it wrote: 'pid 123, started …: briefgen build'."""
    try:
        info = json.loads(read_inside(root, NOTE, 4096).decode("utf-8") or "{}")
        if not isinstance(info, dict):
            raise ValueError("not an object")
    except (OSError, ValueError):
        return "holder unknown"
    return f"pid {info.get('pid', '?')}, started {info.get('started', '?')}: {info.get('command', '?')}"
