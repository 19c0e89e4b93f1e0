"""One build at a time per project: an advisory ``flock`` on the project folder itself.

Locking the folder (not a file in it) creates nothing, so a build refused for bad input leaves ``outputs/`` exactly
as it was. The kernel drops the lock when its holder dies, so a build killed with SIGKILL never blocks the next one.
Where ``outputs/`` exists, the holder notes who it is (pid, command, start time) in ``outputs/.lock`` so that a
waiting build can say what it is waiting for."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from briefgen.errors import BuildLocked
from briefgen.inputs.files import read_regular

LOCK_NAME = ".lock"


@contextmanager
def build_lock(
    root: Path, outputs: Path, timeout: float = 120.0, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the project's build lock; wait up to ``timeout`` seconds for another build, then raise BuildLocked."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        _acquire(fd, outputs / LOCK_NAME, timeout, on_wait)
        if outputs.is_dir():
            _note_holder(outputs / LOCK_NAME)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _acquire(fd: int, info: Path, timeout: float, on_wait: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = describe_holder(info)
            if time.monotonic() >= deadline:
                raise BuildLocked(f"another build is running ({holder}); waited {timeout:.0f} s, giving up") from None
            if on_wait and not told:
                on_wait(f"waiting for another build to finish ({holder})")
                told = True
            time.sleep(0.05)


def _note_holder(path: Path) -> None:
    """Write who holds the lock; never block (O_NONBLOCK: a named pipe there has no reader) nor fail the build."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NONBLOCK, 0o644)
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(_holder()))


def _holder() -> dict[str, object]:
    return {"pid": os.getpid(), "command": " ".join(sys.argv), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def describe_holder(path: Path) -> str:
    """Who holds the lock, from what it wrote: 'pid 123, started …: briefgen build'."""
    try:
        info = json.loads(read_regular(path, 4096).decode("utf-8") or "{}")
    except (OSError, ValueError):
        return "holder unknown"
    return f"pid {info.get('pid', '?')}, started {info.get('started', '?')}: {info.get('command', '?')}"
