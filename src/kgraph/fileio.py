"""Reading input files with clear errors, and writing output files atomically."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kgraph.errors import BackendError, InputFileError, OutputFileError


def read_bytes(path: str | Path, *, what: str = "file") -> bytes:
    """The file's bytes, or an InputFileError saying why not."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a directory, not a {what}") from None
    except PermissionError:
        raise InputFileError(f"{path}: permission denied") from None
    except OSError as e:
        raise InputFileError(f"{path}: {e.strerror or e}") from None


def decode_utf8(data: bytes, path: str | Path) -> str:
    """``data`` read from ``path`` as UTF-8 text, or an InputFileError naming the bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputFileError(f"{path}: not UTF-8 text (byte {e.start})") from None


def read_text(path: str | Path, *, what: str = "file") -> str:
    """The file's text as UTF-8, or an InputFileError saying why not."""
    # Newlines as text mode reads them, so that parsers and messages see "\n" only.
    text = decode_utf8(read_bytes(path, what=what), path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def atomic_write(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half of one.

    The bytes go to a temporary file in the same directory, are flushed to disk, then renamed
    over the target.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_writer(path) as fh:
        fh.write(payload)


@contextlib.contextmanager
def atomic_writer(path: str | Path) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through, in pieces: it replaces ``path`` only when the
    block ends without an error; on any error the old file stays and the temporary one goes.

    What ``path`` is decides how (docs/files.md): a regular file, or none yet, is replaced by
    a rename; a symbolic link is followed and the file it names is replaced (the link stays);
    a character device, a FIFO or a descriptor (``/dev/stdout``, ``/proc/self/fd/N``) is
    written through, as a shell's ``>`` would. A directory, a block device, a socket, a link to
    one of them and a dangling link are refused with an OutputFileError. The new file keeps the
    old one's mode (owner and group where it may); a new one gets 0666 less the umask.
    """
    target = Path(path)
    real, descriptor, linked = _resolve_output(target)
    if descriptor is not None:
        yield from _write_through_descriptor(target, descriptor)
        return
    try:
        info: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as e:
        raise OutputFileError(f"{target}: cannot write: {e.strerror or e}") from None
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        yield from _write_through(target, real)
        return
    if info is not None and not stat.S_ISREG(info.st_mode):
        what = f"a symbolic link to {_kind(info.st_mode)} ({real})" if linked else _kind(info.st_mode)
        raise OutputFileError(f"{target}: is {what}, not a regular file; kgraph does not replace it")
    if info is None and linked:
        # A dangling link says where a file was, not where one should be made: creating it
        # could put our bytes wherever someone who can write this folder pointed the link.
        raise OutputFileError(
            f"{target}: is a symbolic link to {real}, which does not exist; "
            "kgraph writes through a link only to a file that is there"
        )
    directory = real.parent
    if not directory.is_dir():
        raise OutputFileError(f"{target}: directory {target.parent} does not exist")
    remove_stale_temporaries(real)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=directory)
    except OSError as e:
        raise OutputFileError(f"{target}: cannot write: {e.strerror or e}") from None
    body_done = False
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            body_done = True
            fh.flush()
            os.fsync(fh.fileno())
        _take_over(tmp, info)
        os.replace(tmp, real)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        # An OSError of the caller's own (a connection reset while pulling) stays what it is;
        # only our writing is an OutputFileError.
        if isinstance(e, OSError) and (body_done or e.errno in _WRITE_ERRNOS):
            raise OutputFileError(f"{target}: cannot write: {e.strerror or e}") from None
        raise
    _sync_directory(directory)


def _take_over(tmp: str, old: os.stat_result | None) -> None:
    """Give the new file the old one's permissions, owner and group, or for a new file what a
    shell's ``>`` would: mkstemp makes it 0600, which would hide an export from its readers."""
    if old is None:
        os.chmod(tmp, 0o666 & ~_umask())
        return
    os.chmod(tmp, stat.S_IMODE(old.st_mode))
    if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        # Only root may give a file away; anyone may keep a group they belong to.
        with contextlib.suppress(OSError):
            os.chown(tmp, old.st_uid, old.st_gid)
        with contextlib.suppress(OSError):
            os.chown(tmp, -1, old.st_gid)


def _umask() -> int:
    # Read, not set and reset: os.umask changes it for every thread of the process meanwhile.
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_directory(directory: Path) -> None:
    """The rename on disk too, so that a power cut after we said "written" keeps the new file.
    Best effort: some file systems refuse to sync a folder, and the data itself is synced."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_WRITE_ERRNOS = frozenset(
    getattr(errno, name)
    for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EROFS", "EBADF")
    if hasattr(errno, name)
)
"""What a write to the temporary file fails with (a full disk, a quota, a read-only mount)."""

TEMP_SUFFIX = ".tmp"
STALE_AFTER = 24 * 3600.0
"""Seconds after which a temporary file of ours is stale even when its pid names a live process:
pids are reused, and no write of kgraph's goes a day without finishing."""

# A descriptor link as the kernel shows it once /dev/stdout, /dev/fd/N or /proc/self/fd/N is
# resolved: /proc/PID/fd/N, or /proc/PID/task/TID/fd/N for /proc/thread-self.
_DESCRIPTOR = re.compile(r"/proc/(\d+)(?:/task/\d+)?/fd/(\d+)")


def _resolve_output(target: Path) -> tuple[Path, int | None, bool]:
    """Where a write to ``target`` lands: the path after every symbolic link, the number of one
    of our own open descriptors when the links end at one (``/dev/stdout``), and whether
    ``target`` itself was a link."""
    current = Path(os.path.abspath(target))
    linked = False
    for _ in range(40):  # the kernel's own limit on links in one lookup
        # The folders are resolved first, so that a link's relative target is read from where
        # the link really is.
        current = Path(os.path.realpath(current.parent)) / current.name
        m = _DESCRIPTOR.fullmatch(str(current))
        if m and int(m.group(1)) == os.getpid():
            return current, int(m.group(2)), linked
        if m:
            # another process's descriptor: opened by its path, as a device
            return current, None, linked
        try:
            link = os.readlink(current)
        except OSError:  # not a link (or nothing there): this is where the bytes go
            return current, None, linked
        linked = True
        current = current.parent / link
    raise OutputFileError(f"{target}: too many levels of symbolic links")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _write_through(target: Path, real: Path) -> Iterator[BinaryIO]:
    """Write straight into a device or FIFO: there is nothing to replace, and replacing
    ``/dev/null`` with a regular file would break every program that writes to it."""
    try:
        # Opening a FIFO waits for a reader, as a shell's redirection does.
        fd = os.open(real, os.O_WRONLY | os.O_NOCTTY)
    except OSError as e:
        raise OutputFileError(f"{target}: cannot write: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
    except OSError as e:
        raise OutputFileError(f"{target}: cannot write: {e.strerror or e}") from None


def _write_through_descriptor(target: Path, descriptor: int) -> Iterator[BinaryIO]:
    """Write to our own open descriptor (``-o /dev/stdout``) through a copy of it: the bytes go
    where the descriptor points, at its offset and in its append mode, as ``print`` would."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        fd = os.dup(descriptor)
    except OSError as e:
        raise OutputFileError(f"{target}: cannot write: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
    except OSError as e:
        raise OutputFileError(f"{target}: cannot write: {e.strerror or e}") from None


def temporary_pattern(target: Path) -> re.Pattern[str]:
    """The names of the temporary files atomic_writer makes for ``target``.

    ``.NAME.PID.XXXXXXXX.tmp`` (PID: the writer's process; X: mkstemp's eight letters), and the
    name of earlier kgraph versions, ``.NAME.XXXXXXXX.tmp``, which carries no pid.
    """
    return re.compile(rf"\.{re.escape(target.name)}\.(?:(\d+)\.)?([a-z0-9_]{{8}}){re.escape(TEMP_SUFFIX)}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # there, but not ours to signal (EPERM)
        return True
    except OverflowError:  # no process can have it: not a name we made, so not ours to remove
        return True
    return True


def remove_stale_temporaries(target: str | Path, *, now: float | None = None) -> list[Path]:
    """Remove the temporary files of ours that a killed write to ``target`` left behind.

    Only regular files named by :func:`temporary_pattern`, owned by this user, and either
    carrying the pid of a process that is gone, or older than STALE_AFTER seconds (a pid may
    have been reused; the old naming has no pid). A live writer's file is never touched.
    Returns the files removed; one that cannot be removed is left, silently.
    """
    real = Path(target)
    pattern = temporary_pattern(real)
    moment = time.time() if now is None else now
    removed: list[Path] = []
    try:
        names = os.listdir(real.parent)
    except OSError:
        return removed
    for name in names:
        m = pattern.fullmatch(name)
        if m is None:
            continue
        candidate = real.parent / name
        try:
            info = os.lstat(candidate)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            continue
        pid = int(m.group(1)) if m.group(1) else None
        old = moment - info.st_mtime > STALE_AFTER
        if pid == os.getpid() and not old:
            continue  # this process's own write, under way in another thread
        if old or (pid is not None and not _alive(pid)):
            with contextlib.suppress(OSError):
                os.unlink(candidate)
                removed.append(candidate)
    return removed


class LockTimeout(BackendError):
    """Another process held a lock for longer than the caller would wait."""

    def __init__(self, message: str, holder: int | None):
        self.holder = holder
        super().__init__(message)


def lock_path(path: str | Path) -> Path:
    """The hidden lock file of ours beside ``path``.

    Beside the real file or folder, past symbolic links and ``.``: two writers that name one
    target by two paths must take one lock.
    """
    target = Path(os.path.realpath(path))
    return target.parent / f".{target.name}.lock"


@contextlib.contextmanager
def locked(path: str | Path, *, wait: float | None = None, what: str | None = None) -> Iterator[None]:
    """Hold an exclusive lock for writing ``path`` (a graph file or a store folder).

    ``wait``: seconds to wait for another holder (None: as long as it takes; 0: not at all);
    after it, a LockTimeout naming ``what`` (default: ``path``) and the holder's pid.

    The lock is a hidden file of ours beside the target (``.NAME.lock``), because a graph file
    is replaced by a rename and a store folder may not exist yet: a lock on the old file would not
    stop a writer that opened the new one. It is left in place: removing it would let a waiting
    writer hold a lock on a file nobody else sees. The holder writes its pid into it, for the
    message of a writer that gives up waiting.
    """
    import fcntl

    target = Path(path)
    lock = lock_path(target)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as e:
        raise OutputFileError(f"{target}: cannot lock for writing: {e.strerror or e}") from None
    try:
        if wait is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            deadline = time.monotonic() + max(wait, 0.0)
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = _lock_holder(fd)
                        by = f" (pid {holder})" if holder is not None else ""
                        waited = f"waited {wait:g} s" if wait > 0 else "did not wait"
                        raise LockTimeout(
                            f"{what or target} is in use by another kgraph process{by}; {waited}",
                            holder,
                        ) from None
                    time.sleep(min(0.1, max(deadline - time.monotonic(), 0.0)))
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def _lock_holder(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
