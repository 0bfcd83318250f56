"""Big ``--graph`` files kept as on-disk Oxigraph stores, so that only the first look-up parses them.

    cached_store(paths)    the store holding these files' graph: from the cache, or built into it;
                           None when the files are to be read in memory as before
    entries()              what the cache holds (``kgraph cache``)
    clear()                empty it (``kgraph cache clear``)

An entry is named by a SHA-256 of what makes the graph: each file's bytes, its format and, where
the format has relative IRIs, the IRI they resolve against, with this module's layout and
pyoxigraph's version. An edited file therefore names another entry; an old one is never served.
The decisions (where the cache lives, what is worth caching, when a file's stat is trusted
instead of its hash, how the cache is bounded) are in docs/cache.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, cast

from pyoxigraph import RdfFormat, Store

from kgraph.errors import UsageError

CACHE_ENV = "KGRAPH_CACHE_DIR"
NO_CACHE_ENV = "KGRAPH_NO_CACHE"
MIN_BYTES_ENV = "KGRAPH_CACHE_MIN_BYTES"

LAYOUT = 1
"""The version of an entry's layout: raised when it changes, so that a newer kgraph never opens an
older entry (the old ones age out of the cache like any unused entry)."""

MIN_BYTES = 8_000_000
"""Files smaller than this, all together, are parsed in memory: about 50,000 triples of N-Triples.
Below it parsing costs a few tenths of a second, and building a store on disk costs more than it
would ever save on a graph that small."""

MAX_ENTRIES = 8
MAX_BYTES = 4_000_000_000
"""The cache keeps at most MAX_ENTRIES entries and MAX_BYTES on disk: the least recently used go
first, but never the entry just used."""

MAX_SEEN = 256
"""Stat records kept (one per file path looked up), the least recently written go first."""

SETTLED = 2.0
"""Seconds a file must have gone unchanged (by mtime and ctime) when it is hashed before its stat is
trusted to stand for that hash: a later edit in the same clock tick would not change the stat."""

STALE_AFTER = 24 * 3600.0
"""Seconds after which a build folder is stale even when its pid names a live process (pids are
reused; no build takes a day)."""

ENTRY = re.compile(r"graph-(\d+)-([0-9a-f]{64})")
BUILD = re.compile(r"\.graph-(\d+)-([0-9a-f]{64})\.(\d+)\.([a-z0-9]{8})\.tmp")
SEEN = re.compile(r"seen-([0-9a-f]{64})\.json")
"""The only names kgraph makes in the cache folder; nothing else there is ever touched."""

_flag_off = False


def disable_for_command(off: bool = True) -> None:
    """Turn the cache off (``--no-cache``) or back on for this process, until called again."""
    global _flag_off
    _flag_off = off


def enabled() -> bool:
    """Whether look-ups may use the cache: not under ``--no-cache`` nor ``KGRAPH_NO_CACHE=1``."""
    value = os.environ.get(NO_CACHE_ENV, "").strip()
    return not _flag_off and value in ("", "0")


def cache_dir() -> Path:
    """``$KGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/kgraph``, else ``~/.cache/kgraph``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative $XDG_CACHE_HOME is invalid and to be ignored.
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "kgraph"
    try:
        return Path.home() / ".cache" / "kgraph"
    except RuntimeError:  # no $HOME and no home in the password database
        raise UsageError(f"no home folder to keep the graph cache in: set ${CACHE_ENV}") from None


def min_bytes() -> int:
    raw = os.environ.get(MIN_BYTES_ENV, "").strip().replace("_", "")
    if not raw:
        return MIN_BYTES
    if not raw.isdigit():
        raise UsageError(f"{MIN_BYTES_ENV} must be a number of bytes, not {raw!r}")
    return int(raw)


# ---------------------------------------------------------------- looking up


@dataclass(frozen=True)
class _File:
    path: Path
    fmt: RdfFormat
    base_iri: str | None
    info: os.stat_result


def cached_store(paths: Sequence[str | Path]) -> Store | None:
    """A read-only pyoxigraph Store holding the graph of ``paths`` (read as from_files reads
    them), from the cache or built into it now; None when the files are to be parsed in memory:
    the cache is off, a path is standard input or not a regular file, the files are small, or the
    cache folder cannot be written (the caller's in-memory parse then reports any bad input).
    """
    if not paths or not enabled():
        return None
    files = _files(paths)
    if files is None or sum(f.info.st_size for f in files) < min_bytes():
        return None
    try:
        root = cache_dir()
    except UsageError:
        return None
    digests = [_known_digest(root, f) or _hash_file(root, f) for f in files]
    if None in digests:
        return None
    name = _entry_name(files, [d for d in digests if d is not None])
    store = _open_entry(root / name)
    if store is not None:
        _touch(root / name)
        return store
    return _build(root, name, files)


def _files(paths: Sequence[str | Path]) -> list[_File] | None:
    from kgraph.store import rdf_format_for

    files = []
    for p in paths:
        if str(p) == "-":
            return None
        fmt = rdf_format_for(p)  # a URL or an unknown extension: the usual error, now
        try:
            info = os.stat(p)
        except OSError:
            return None  # the in-memory path says why it cannot be read
        if not stat.S_ISREG(info.st_mode):
            return None
        # N-Triples and N-Quads have no relative IRIs: the same bytes anywhere are the same graph.
        absolute_only = fmt in (RdfFormat.N_TRIPLES, RdfFormat.N_QUADS)
        base = None if absolute_only else Path(p).resolve().as_uri()
        files.append(_File(Path(p), fmt, base, info))
    return files


def _entry_name(files: Sequence[_File], digests: Sequence[str]) -> str:
    import pyoxigraph

    key = hashlib.sha256(f"kgraph graph cache {LAYOUT}\npyoxigraph {pyoxigraph.__version__}\n".encode())
    for f, digest in zip(files, digests, strict=True):
        key.update(f"{f.fmt.name}\t{f.base_iri or ''}\t{digest}\n".encode())
    return f"graph-{LAYOUT}-{key.hexdigest()}"


def _stat_key(info: os.stat_result) -> list[int]:
    # ctime as well as mtime: os.utime and `touch -d` can put an mtime back, never a ctime.
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def _seen_path(root: Path, path: Path) -> Path:
    where = os.path.realpath(path).encode("utf-8", "surrogateescape")
    return root / f"seen-{hashlib.sha256(where).hexdigest()}.json"


def _known_digest(root: Path, f: _File) -> str | None:
    """The file's SHA-256 as recorded when its stat was last the same, if it was recorded."""
    try:
        record = json.loads(_seen_path(root, f.path).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("stat") != _stat_key(f.info):
        return None
    digest = record.get("sha256")
    return digest if isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest) else None


def _hash_file(root: Path, f: _File) -> str | None:
    """The file's SHA-256, read now; its stat is recorded for the next look-up when the file had
    settled (unchanged for SETTLED seconds) and did not change while it was read."""
    started = time.time()
    try:
        with open(f.path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        after = os.stat(f.path)
    except OSError:
        return None
    changed = max(after.st_mtime_ns, after.st_ctime_ns) / 1e9
    if _stat_key(after) == _stat_key(f.info) and started - changed > SETTLED:
        _write_seen(root, f.path, after, digest)
    return digest


def _write_seen(root: Path, path: Path, info: os.stat_result, digest: str) -> None:
    from kgraph.errors import KGraphError
    from kgraph.fileio import atomic_write

    record = {"path": os.path.realpath(path), "stat": _stat_key(info), "sha256": digest}
    with contextlib.suppress(OSError, KGraphError):  # a read-only cache: hash again next time
        root.mkdir(parents=True, exist_ok=True)
        atomic_write(_seen_path(root, path), json.dumps(record) + "\n")


def _open_entry(folder: Path) -> Store | None:
    try:
        meta = json.loads((folder / "entry.json").read_bytes())
        if not isinstance(meta, dict) or meta.get("layout") != LAYOUT:
            return None
        return Store.read_only(str(folder / "store"))
    except (OSError, ValueError, RuntimeError):
        return None


def _touch(folder: Path) -> None:
    """Mark the entry used now, for eviction: least recently used goes first."""
    with contextlib.suppress(OSError):
        os.utime(folder / "entry.json")


# ---------------------------------------------------------------- building


def _build(root: Path, name: str, files: Sequence[_File]) -> Store | None:
    """Load the files into a new store in a build folder of our own, then rename it into place
    in one step: a build that is killed leaves a build folder, which is never opened and is
    removed by a later build. Two processes building the same entry both build; the second
    rename fails and that process opens the first one's entry."""
    from pyoxigraph import DefaultGraph

    from kgraph.limits import check_rdf

    try:
        root.mkdir(parents=True, exist_ok=True)
        _sweep(root)
        build = root / f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        build.mkdir()
    except OSError:
        return None
    leftover: Path | None = build
    try:
        digests, described = [], []
        store = Store(str(build / "store"))
        for f in files:
            check_rdf(str(f.path), f.fmt.name, str(f.path))
            target = None if f.fmt.supports_datasets else DefaultGraph()
            with open(f.path, "rb") as fh:
                # Hashed as it is loaded: the digest is that of the very bytes in the store, so
                # a file edited meanwhile names another entry. The file is never held in memory.
                reader = _HashingReader(fh)
                store.bulk_load(cast(IO[bytes], reader), format=f.fmt, base_iri=f.base_iri, to_graph=target)
            digests.append(reader.sha256.hexdigest())
            described.append({"path": str(f.path.resolve()), "format": f.fmt.name, "bytes": reader.size})
        store.flush()
        del store  # closed before the folder moves: RocksDB reopens its files by name
        name = _entry_name(files, digests)  # the name looked up, unless a file changed since
        meta = {
            "layout": LAYOUT,
            "files": [dict(d, sha256=h) for d, h in zip(described, digests, strict=True)],
            "built": time.time(),
        }
        (build / "entry.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        if not _publish(build, root / name):
            return None
        leftover = None
        _evict(root, keep=name)
        return _open_entry(root / name)
    except Exception:
        # A full disk, a bad file (reported by the in-memory parse that follows), a store that
        # cannot be written: the cache is only ever an optimisation.
        if os.environ.get("KGRAPH_DEBUG"):
            raise
        return None
    finally:
        if leftover is not None:
            shutil.rmtree(leftover, ignore_errors=True)


class _HashingReader:
    """A binary file as pyoxigraph reads it, hashed on the way, past a leading UTF-8 byte order
    mark (which the digest includes, as it is the file's)."""

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        head = fh.read(3)
        self.sha256 = hashlib.sha256(head)
        self.size = len(head)
        self.pending = b"" if head == b"\xef\xbb\xbf" else head

    def read(self, size: int = -1) -> bytes:
        if self.pending:  # a short read, which every reader of a stream must take
            chunk, self.pending = self.pending, b""
            return chunk
        chunk = self.fh.read(size)
        self.sha256.update(chunk)
        self.size += len(chunk)
        return chunk

    def readable(self) -> bool:
        return True


def _publish(folder: Path, entry: Path) -> bool:
    """Rename the finished build to its entry; False when that entry cannot be had.

    The rename fails when the entry exists: another process built it first (then its entry is
    used and ours is dropped), or it is broken (then it is moved away and ours takes its place).
    """
    for _ in range(2):
        try:
            folder.rename(entry)
            return True
        except OSError:
            if _open_entry(entry) is not None:
                shutil.rmtree(folder, ignore_errors=True)
                return True
            if not entry.exists():
                return False
            _remove_entry(entry)
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _sweep(root: Path, *, now: float | None = None) -> list[Path]:
    """Remove build folders left by killed builds: a dead pid, or older than STALE_AFTER."""
    moment = time.time() if now is None else now
    removed = []
    for path, m in _ours(root, BUILD):
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode):
            continue
        pid = int(m.group(3))
        if moment - info.st_mtime > STALE_AFTER or (pid != os.getpid() and not _alive(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _ours(root: Path, pattern: re.Pattern[str]) -> Iterator[tuple[Path, re.Match[str]]]:
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        m = pattern.fullmatch(name)
        if m is not None:
            yield root / name, m


def _size(folder: Path) -> int:
    total = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


def _used(folder: Path) -> float:
    try:
        return os.stat(folder / "entry.json").st_mtime
    except OSError:
        return 0.0  # incomplete or foreign to this layout: the first to go


def _remove_entry(folder: Path) -> None:
    """Move the entry out of the way in one rename, then delete it: a look-up never finds half."""
    m = ENTRY.fullmatch(folder.name)
    assert m is not None
    doomed = folder.parent / f".graph-{m.group(1)}-{m.group(2)}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        folder.rename(doomed)
    except OSError:
        return
    shutil.rmtree(doomed, ignore_errors=True)


def _evict(root: Path, *, keep: str) -> None:
    entries = sorted((path for path, _m in _ours(root, ENTRY)), key=_used, reverse=True)
    kept = total = 0
    for path in entries:
        size = _size(path)
        if path.name != keep and (kept >= MAX_ENTRIES or total + size > MAX_BYTES):
            _remove_entry(path)
        else:
            kept, total = kept + 1, total + size
    seen = sorted((p for p, _m in _ours(root, SEEN)), key=_mtime, reverse=True)
    for path in seen[MAX_SEEN:]:
        with contextlib.suppress(OSError):
            path.unlink()


def _mtime(path: Path) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


# ---------------------------------------------------------------- kgraph cache


@dataclass(frozen=True)
class CacheEntry:
    """One cached graph: its folder, the files it was built from, its size on disk, last use."""

    name: str
    files: list[str]
    bytes: int
    used: float
    layout: int


@dataclass(frozen=True)
class CacheListing:
    folder: Path
    entries: list[CacheEntry]
    enabled: bool
    min_bytes: int
    max_entries: int = MAX_ENTRIES
    max_bytes: int = MAX_BYTES


def entries() -> CacheListing:
    """What the cache folder holds, most recently used first."""
    root = cache_dir()
    found = []
    for path, m in _ours(root, ENTRY):
        files: list[str] = []
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
            meta = json.loads((path / "entry.json").read_bytes())
            files = [str(f["path"]) for f in meta["files"]]
        found.append(CacheEntry(path.name, files, _size(path), _used(path), int(m.group(1))))
    found.sort(key=lambda e: e.used, reverse=True)
    return CacheListing(root, found, enabled(), min_bytes())


@dataclass(frozen=True)
class Cleared:
    folder: Path
    entries: int
    bytes: int


def clear() -> Cleared:
    """Remove every entry, build folder and stat record of ours; nothing else in the folder."""
    root = cache_dir()
    count = size = 0
    for path, _m in list(_ours(root, ENTRY)):
        grown = _size(path)
        _remove_entry(path)
        if not path.exists():
            count, size = count + 1, size + grown
    _sweep(root)  # a live build of another process is left to finish
    for path, _m in list(_ours(root, SEEN)):
        with contextlib.suppress(OSError):
            path.unlink()
    return Cleared(root, count, size)
