"""Reading input files with clear errors, and writing output files atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kgraph.errors import InputFileError, OutputFileError


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
    block ends without an error; on any error the old file stays and the temporary one goes."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputFileError(f"{target}: directory {directory} does not exist")
    if target.is_dir():
        raise OutputFileError(f"{target}: is a directory")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as e:
        raise OutputFileError(f"{target}: cannot write: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise OutputFileError(f"{target}: cannot write: {e.strerror or e}") from None
        raise


@contextlib.contextmanager
def locked(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock for writing ``path`` (a graph file or a store folder); wait for it.

    The lock is a hidden file of ours beside the target (``.NAME.lock``), because a graph file
    is replaced by a rename and a store folder may not exist yet: a lock on the old file would not
    stop a writer that opened the new one. It is left in place: removing it would let a waiting
    writer hold a lock on a file nobody else sees.
    """
    import fcntl

    target = Path(path)
    lock = target.parent / f".{target.name}.lock"
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as e:
        raise OutputFileError(f"{target}: cannot lock for writing: {e.strerror or e}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
