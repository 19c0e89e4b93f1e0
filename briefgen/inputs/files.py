"""Reading the project's files safely: regular files only, within a size limit. Below the pipeline stages: any
stage that reads a file it did not write itself (inputs, the manifest, the lock note) reads it here."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path


class NotRegularFile(OSError):
    """A path names a folder, a named pipe, a device or a socket where a file was expected."""

    def __init__(self, kind: str) -> None:
        super().__init__(errno.EINVAL, f"not a regular file ({kind})")
        self.kind = kind


class FileTooLarge(OSError):
    def __init__(self, size: int) -> None:
        super().__init__(errno.EFBIG, f"file is {size:,} bytes")
        self.size = size


_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def digest(data: bytes) -> str:
    """The short content hash briefgen records everywhere (inputs, outputs, fingerprints): one recipe, so that a
    digest taken in one place always compares equal to one taken in another."""
    return hashlib.sha256(data).hexdigest()[:16]


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file (following links), refusing anything else before reading it: a named pipe would
    block the read forever and a device like /dev/zero would never end. A file over ``limit`` bytes is refused
    unread. Raises OSError (NotRegularFile, FileTooLarge, or the system's own)."""
    _require_regular(path.stat(), limit)
    # O_NONBLOCK: a file swapped for a pipe since stat() must not block the open; fstat() then refuses it.
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        _require_regular(os.fstat(handle.fileno()), limit)
        data = handle.read() if limit is None else handle.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise FileTooLarge(len(data))
    return data


def _require_regular(info: os.stat_result, limit: int | None) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(_KINDS.get(stat.S_IFMT(info.st_mode), "not a file"))
    if limit is not None and info.st_size > limit:
        raise FileTooLarge(info.st_size)


def check_regular(path: Path) -> None:
    """Raise OSError unless ``path`` is a regular file (following links): FileNotFoundError, NotRegularFile, ..."""
    _require_regular(path.stat(), None)


def resolve(path: Path) -> Path:
    """``path.resolve()``, raising OSError (ELOOP) for a loop of symbolic links: Python 3.11 and 3.12 raise
    RuntimeError for one."""
    try:
        return path.resolve()
    except RuntimeError as exc:
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path)) from exc
