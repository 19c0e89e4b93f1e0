"""Every file briefgen writes is written inside the project, through no link.

The project folder is opened once (following links: ``-p`` may name it through one, as a scheduled job's path often
does). Everything under it is reached from that descriptor one name at a time, each folder opened with
``O_NOFOLLOW | O_DIRECTORY`` (``openat``-style, with ``dir_fd``): a symbolic link on the way is never followed, and a
folder swapped for a link while a build runs cannot redirect a write, since each write goes through the descriptor
of the folder that was checked. A file is written as a new temp file (``O_CREAT | O_EXCL | O_NOFOLLOW``, a random
name) that is fsynced and then renamed over its target: a hard-linked target gets a new inode, and its other names
keep their bytes. Reads of briefgen's own files (outputs, manifest, cache, lock note) follow no link either.

Writes are two-phase, so that a failure leaves every file as it was: :meth:`Project.stage` writes the new bytes
beside their target (a full disk, a permission problem or a file in the way fails here), :meth:`Project.commit`
renames them into place."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType

from briefgen.errors import BriefgenError
from briefgen.inputs.files import FileTooLarge, NotRegularFile

TEMP_PREFIX = ".briefgen-tmp-"
TOP = PurePosixPath(".")

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_SWEEP_DEPTH = 4  # outputs/<memo>/ and .briefgen/edited/<memo>/ are the deepest folders briefgen writes
_CAUSES = {
    errno.ENOSPC: "no space left on the device (the disk is full)",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
}


class WriteError(BriefgenError):
    """briefgen cannot write where it keeps its files: a link or a file in the way, no permission, a full disk."""


def cause(exc: OSError) -> str:
    """What went wrong, in words."""
    return _CAUSES.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()


def _token() -> str:
    return secrets.token_hex(6)


@dataclass(frozen=True)
class Staged:
    """New bytes written beside their target, waiting to be renamed over it."""

    rel: PurePosixPath
    folder: int  # the descriptor of the folder they were written in (owned by the Project)
    temp: str


class Project:
    """The project folder, open; every path under it (relative, POSIX) reached without following a link."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        self._folders: dict[PurePosixPath, int] = {TOP: self.fd}
        self._dirty: set[int] = set()
        self.made: list[PurePosixPath] = []  # folders created through this object, in order

    def __enter__(self) -> Project:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        for fd in self._folders.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self._folders.clear()

    # ---------------------------------------------------------------- folders

    def folder(self, rel: PurePosixPath, create: bool = False) -> int:
        """The descriptor of folder ``rel``, each name on the way a real folder (never a link), made if missing and
        ``create``. FileNotFoundError if it is missing; WriteError for anything else in the way."""
        found = self._folders.get(rel)
        if found is not None:
            return found
        parent = self.folder(rel.parent, create)
        try:
            fd = self._open_folder(parent, rel, create)
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise WriteError(f"{rel}: {self._obstacle(parent, rel.name, exc, 'a folder')}") from None
        self._folders[rel] = fd
        return fd

    def _open_folder(self, parent: int, rel: PurePosixPath, create: bool) -> int:
        try:
            return os.open(rel.name, _FOLDER, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                raise
        os.mkdir(rel.name, 0o777, dir_fd=parent)
        self.made.append(rel)
        return os.open(rel.name, _FOLDER, dir_fd=parent)

    def _obstacle(self, parent: int, name: str, exc: OSError, wanted: str) -> str:
        """Why ``name`` cannot be used as ``wanted``, in words: a link, a file, or the system's reason."""
        try:
            info = os.stat(name, dir_fd=parent, follow_symlinks=False)
        except OSError:
            return cause(exc)
        if stat.S_ISLNK(info.st_mode):
            return f"is a symbolic link (to {os.readlink(name, dir_fd=parent)}): briefgen writes through no link"
        kind = describe(info)
        if kind != wanted:
            return f"is {kind} where briefgen needs {wanted}"
        return cause(exc)

    def unmake(self) -> None:
        """Remove the folders this object created, if they are still empty (a failed build leaves none behind)."""
        for rel in reversed(self.made):
            fd = self._folders.pop(rel, None)
            if fd is not None:
                os.close(fd)
            with contextlib.suppress(OSError):
                os.rmdir(rel.name, dir_fd=self.folder(rel.parent))
        self.made.clear()

    # ---------------------------------------------------------------- files

    def lstat(self, rel: PurePosixPath) -> os.stat_result | None:
        """What stands at ``rel`` (a link is reported as a link), or None if nothing does."""
        try:
            return os.stat(rel.name, dir_fd=self.folder(rel.parent), follow_symlinks=False)
        except FileNotFoundError:
            return None

    def read(self, rel: PurePosixPath, limit: int | None = None) -> bytes:
        """The bytes of the regular file at ``rel``, reached through no link. OSError for anything else (a link:
        ELOOP), so callers that treat an unreadable file of their own as absent catch one thing."""
        try:
            folder = self.folder(rel.parent)
        except WriteError as err:
            raise NotADirectoryError(errno.ENOTDIR, str(err)) from None
        with open(os.open(rel.name, _READ, dir_fd=folder), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise NotRegularFile(describe(info))
            if limit is not None and info.st_size > limit:
                raise FileTooLarge(info.st_size)
            return handle.read()

    def stage(self, rel: PurePosixPath, data: bytes) -> Staged:
        """Write ``data`` to a new temp file beside ``rel`` and fsync it; nothing at ``rel`` changes yet. WriteError
        (naming the path and the cause) if the folder cannot be used, a folder stands at ``rel``, or the write
        fails — a full disk or a permission problem is found here, before anything is replaced."""
        staged: list[Staged] = []
        try:
            self.stage_many([(rel, data)], staged)
        except WriteError:
            for item in staged:
                self.discard(item)
            raise
        return staged[0]

    def stage_many(self, files: Iterable[tuple[PurePosixPath, bytes]], staged: list[Staged]) -> None:
        """:meth:`stage` each file, appending to ``staged`` as it goes (so that a caller can discard them all if one
        fails). The temp files of a batch are fsynced together on threads: the disk's journal then commits them in
        a few flushes instead of one each (a thousand outputs synced one by one took seconds)."""
        batch: list[tuple[Staged, int]] = []
        try:
            for rel, data in files:
                batch.append(self._written(rel, data))
                staged.append(batch[-1][0])
                if len(batch) == _SYNC_BATCH:
                    self._synced(batch)
            self._synced(batch)
        finally:
            for _, fd in batch:
                os.close(fd)

    def _written(self, rel: PurePosixPath, data: bytes) -> tuple[Staged, int]:
        """A new temp file beside ``rel`` holding ``data``, not yet synced, and its open descriptor."""
        folder = self.folder(rel.parent, create=True)
        info = self.lstat(rel)
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise WriteError(f"{rel}: is a folder where briefgen writes a file")
        fd, temp = self._new_temp(folder, rel)
        staged = Staged(rel, folder, temp)
        try:
            _write_all(fd, data)
        except OSError as exc:
            os.close(fd)
            self.discard(staged)
            raise WriteError(f"{rel}: cannot write: {cause(exc)}") from None
        return staged, fd

    def _synced(self, batch: list[tuple[Staged, int]]) -> None:
        """fsync a batch's temp files (on threads: fsync leaves the interpreter free), then close them."""
        if not batch:
            return
        if len(batch) == 1:
            failures = [_fsync(batch[0][1])]
        else:
            with ThreadPoolExecutor(min(len(batch), _SYNC_THREADS)) as pool:
                failures = list(pool.map(_fsync, [fd for _, fd in batch]))
        done, batch[:] = list(batch), []
        for _, fd in done:
            os.close(fd)
        for (staged, _), failure in zip(done, failures, strict=True):
            if failure is not None:
                raise WriteError(f"{staged.rel}: cannot write: {cause(failure)}")

    def _new_temp(self, folder: int, rel: PurePosixPath) -> tuple[int, str]:
        for _ in range(16):
            temp = f"{TEMP_PREFIX}{_token()}-{rel.name}"[:255]
            try:
                return os.open(temp, _NEW, 0o666, dir_fd=folder), temp
            except FileExistsError:  # a name already taken (planted, or a one-in-2^48 clash): draw another
                continue
            except OSError as exc:
                raise WriteError(f"{rel}: cannot write: {cause(exc)}") from None
        raise WriteError(f"{rel}: cannot write: no free temp file name")

    def commit(self, staged: Staged) -> None:
        """Rename staged bytes over their target: a link there is replaced, never followed."""
        os.replace(staged.temp, staged.rel.name, src_dir_fd=staged.folder, dst_dir_fd=staged.folder)
        self._dirty.add(staged.folder)

    def discard(self, staged: Staged) -> None:
        with contextlib.suppress(OSError):
            os.unlink(staged.temp, dir_fd=staged.folder)

    def sync(self) -> None:
        """fsync every folder a rename changed, so the renames survive a crash."""
        for fd in self._dirty:
            os.fsync(fd)
        self._dirty.clear()

    def write(self, rel: PurePosixPath, data: bytes) -> None:
        """Replace ``rel`` with ``data`` atomically (a reader or a crash sees the old bytes or the new)."""
        self.commit(self.stage(rel, data))
        self.sync()

    def remove(self, rel: PurePosixPath) -> bool:
        """Remove the file (or link) at ``rel``; True if one was there."""
        try:
            os.unlink(rel.name, dir_fd=self.folder(rel.parent))
        except FileNotFoundError:
            return False
        return True

    def names(self, rel: PurePosixPath) -> list[str]:
        """The names in folder ``rel`` (reached through no link); empty if it is missing."""
        try:
            folder = self.folder(rel)
        except FileNotFoundError:
            return []
        with os.scandir(folder) as entries:
            return [entry.name for entry in entries]

    def remove_folder(self, rel: PurePosixPath) -> None:
        """Remove the folder ``rel`` if it is empty; OSError otherwise."""
        fd = self._folders.pop(rel, None)
        if fd is not None:
            os.close(fd)
        os.rmdir(rel.name, dir_fd=self.folder(rel.parent))

    def sweep(self, rel: PurePosixPath) -> int:
        """Remove temp files a killed build left anywhere under folder ``rel`` (links named so are removed, not
        followed); return how many. A folder that is missing or in the way is left for the write to report."""
        try:
            return _sweep(self.folder(rel), _SWEEP_DEPTH)
        except (OSError, WriteError):
            return 0


def _sweep(folder: int, depth: int) -> int:
    removed = 0
    with os.scandir(folder) as entries:
        found = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
    for name, is_folder in found:
        if not is_folder and name.startswith(TEMP_PREFIX):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name, dir_fd=folder)
                removed += 1
        elif is_folder and depth > 1:
            with contextlib.suppress(OSError), _opened(name, folder) as inner:
                removed += _sweep(inner, depth - 1)
    return removed


@contextlib.contextmanager
def _opened(name: str, folder: int) -> Iterator[int]:
    fd = os.open(name, _FOLDER, dir_fd=folder)
    try:
        yield fd
    finally:
        os.close(fd)


_SYNC_BATCH = 64  # temp files open at once while a batch is synced (well under any descriptor limit)
_SYNC_THREADS = 16


def _fsync(fd: int) -> OSError | None:
    try:
        os.fsync(fd)
    except OSError as exc:
        return exc
    return None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


_KINDS = {
    stat.S_IFREG: "a file",
    stat.S_IFDIR: "a folder",
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def describe(info: os.stat_result) -> str:
    """'a file', 'a folder', 'a named pipe', ..."""
    return _KINDS.get(stat.S_IFMT(info.st_mode), "not a file")


def write_inside(root: Path, rel: PurePosixPath, data: bytes) -> None:
    """Replace one file under the project atomically, through no link (WriteError if it cannot be)."""
    try:
        project = Project(root)
    except OSError as exc:
        raise WriteError(f"{root}: cannot open the project folder: {cause(exc)}") from None
    with project:
        project.write(rel, data)


def read_inside(root: Path, rel: PurePosixPath, limit: int | None = None) -> bytes:
    """One of briefgen's own files, read through no link (OSError if it cannot be: callers treat it as absent)."""
    with Project(root) as project:
        return project.read(rel, limit)
