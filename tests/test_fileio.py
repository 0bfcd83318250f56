"""Writing files (kgraph.fileio, docs/files.md): `-o` replaces a regular file atomically, writes
through to devices and FIFOs, follows a symbolic link to the file it names, refuses the rest;
stale temporaries of killed writes go; a failed write changes nothing.

Device nodes are private ones made with mknod in tmp_path: the real /dev is never touched,
except /dev/stdout, written to as a user would."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kgraph.errors import OutputFileError
from kgraph.fileio import (
    LockTimeout,
    atomic_write,
    atomic_writer,
    lock_path,
    locked,
    remove_stale_temporaries,
    temporary_pattern,
)

from .conftest import FIXTURES, TINY_TTL, Result

RunCli = Callable[..., Result]
CLAIMS = "SELECT ?claim WHERE { ?claim a kg:Claim } ORDER BY ?claim"


Commands = Callable[[Path], dict[str, list[str]]]


@pytest.fixture(scope="module")
def commands(tmp_path_factory: pytest.TempPathFactory) -> Commands:
    """Every kind of command that writes -o (an export, a query, a build), writing to a path."""
    datasets = tmp_path_factory.mktemp("datasets")  # `build --from` reads every *.yaml of it
    (datasets / "tiny.yaml").write_bytes((FIXTURES / "tiny.yaml").read_bytes())

    def made(output: Path) -> dict[str, list[str]]:
        return {
            "export": ["export", "-g", str(TINY_TTL), "-o", str(output), "-f", "turtle"],
            "query": ["query", CLAIMS, "-g", str(TINY_TTL), "-o", str(output), "-f", "csv"],
            "build": ["build", "--from", str(datasets), "-o", str(output)],
        }

    return made


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory, commands: Commands) -> dict[str, bytes]:
    """What each command writes to a plain new file."""
    from kgraph.cli.app import main

    folder = tmp_path_factory.mktemp("expected")
    out: dict[str, bytes] = {}
    for name, args in commands(folder / "plain").items():
        assert main(args) == 0
        out[name] = (folder / "plain").read_bytes()
        (folder / "plain").unlink()
    return out


def _listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def _mknod(path: Path, kind: int, major: int, minor: int) -> None:
    try:
        os.mknod(path, kind | 0o666, os.makedev(major, minor))
    except (PermissionError, OSError) as e:
        pytest.skip(f"mknod is not permitted here: {e}")


def _refused(result: Result, message: str) -> None:
    assert result.code == 2, (result.out, result.err)
    assert result.out == ""
    assert result.err == f"kgraph: {message}\n"


# ---------------------------------------------------------------- written through


@pytest.mark.parametrize("command", ["export", "query", "build"])
def test_a_character_device_is_written_through_not_replaced(
    commands: Commands, run_cli: RunCli, tmp_path: Path, command: str
) -> None:
    node = tmp_path / "null"
    _mknod(node, stat.S_IFCHR, 1, 3)  # what /dev/null is, but ours
    before = os.stat(node)
    result = run_cli(*commands(node)[command])
    assert result.code == 0, result.err
    after = os.stat(node, follow_symlinks=False)
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert _listing(tmp_path) == ["null"]  # no temporary file beside it


@pytest.mark.parametrize("command", ["export", "query"])
def test_a_fifo_gets_the_bytes_a_file_would(
    commands: Commands, run_cli: RunCli, tmp_path: Path, command: str, expected: dict[str, bytes]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as fh:
            received.append(fh.read())

    reader = threading.Thread(target=read)
    reader.start()
    result = run_cli(*commands(fifo)[command])
    reader.join(timeout=60)
    assert result.code == 0, result.err
    assert received == [expected[command]]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert _listing(tmp_path) == ["pipe"]


def test_dev_stdout_is_standard_output_in_a_pipe_and_in_a_file(
    commands: Commands, tmp_path: Path, expected: dict[str, bytes]
) -> None:
    args = [sys.executable, "-m", "kgraph", *commands(Path("/dev/stdout"))["export"]]
    piped = subprocess.run(args, capture_output=True, timeout=120, check=False)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == expected["export"]
    assert piped.stderr.decode() == "/dev/stdout: turtle, 7 actors and events, 8 claims\n"

    # Redirected to a file (`> out.ttl`): the bytes go into that file, which stays the same file.
    redirected = tmp_path / "redirected.ttl"
    with open(redirected, "wb") as out:
        inode = os.fstat(out.fileno()).st_ino
        done = subprocess.run(args, stdout=out, stderr=subprocess.PIPE, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert redirected.read_bytes() == expected["export"]
    assert os.stat(redirected).st_ino == inode
    assert _listing(tmp_path) == ["redirected.ttl"]


# ---------------------------------------------------------------- symbolic links


@pytest.mark.parametrize("command", ["export", "query", "build"])
def test_a_link_stays_and_the_file_it_names_is_replaced(
    commands: Commands, run_cli: RunCli, tmp_path: Path, command: str, expected: dict[str, bytes]
) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "graph.out"
    target.write_bytes(b"old\n")
    os.chmod(target, 0o640)
    old_inode = os.stat(target).st_ino
    link = tmp_path / "link.out"
    link.symlink_to(Path("real") / "graph.out")  # relative: read from where the link is
    result = run_cli(*commands(link)[command])
    assert result.code == 0, result.err
    assert os.readlink(link) == "real/graph.out"
    assert target.read_bytes() == expected[command]
    info = os.stat(target)
    assert info.st_ino != old_inode  # a new file renamed over the old one: never half-written
    assert stat.S_IMODE(info.st_mode) == 0o640
    assert _listing(tmp_path / "real") == ["graph.out"]


def test_a_chain_of_links_is_followed_to_its_end(tmp_path: Path) -> None:
    target = tmp_path / "end.txt"
    target.write_text("old\n")
    (tmp_path / "middle").symlink_to(target)
    (tmp_path / "start").symlink_to(tmp_path / "middle")
    atomic_write(tmp_path / "start", "new\n")
    assert target.read_text() == "new\n"
    assert os.readlink(tmp_path / "start") == str(tmp_path / "middle")
    assert os.readlink(tmp_path / "middle") == str(target)


def test_a_dangling_link_is_refused(commands: Commands, run_cli: RunCli, tmp_path: Path) -> None:
    link = tmp_path / "out.ttl"
    link.symlink_to(tmp_path / "gone.ttl")
    result = run_cli(*commands(link)["export"])
    _refused(
        result,
        f"{link}: is a symbolic link to {tmp_path / 'gone.ttl'}, which does not exist; "
        "kgraph writes through a link only to a file that is there",
    )
    assert _listing(tmp_path) == ["out.ttl"]
    assert os.readlink(link) == str(tmp_path / "gone.ttl")


def test_a_link_to_a_directory_is_refused(commands: Commands, run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "keep").write_text("x")
    link = tmp_path / "out.ttl"
    link.symlink_to(tmp_path / "folder")
    result = run_cli(*commands(link)["export"])
    _refused(
        result,
        f"{link}: is a symbolic link to a directory ({tmp_path / 'folder'}), not a regular file; "
        "kgraph does not replace it",
    )
    assert _listing(tmp_path / "folder") == ["keep"]
    assert os.readlink(link) == str(tmp_path / "folder")


# ---------------------------------------------------------------- refused


@pytest.mark.parametrize("command", ["export", "query", "build"])
def test_a_directory_is_refused(commands: Commands, run_cli: RunCli, tmp_path: Path, command: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = run_cli(*commands(folder)[command])
    _refused(result, f"{folder}: is a directory, not a regular file; kgraph does not replace it")
    assert _listing(folder) == []
    assert _listing(tmp_path) == ["out"]


@pytest.fixture
def short_folder() -> Iterator[Path]:
    """A folder with a short path: a UNIX socket's path must fit in 108 bytes."""
    folder = Path(tempfile.mkdtemp(prefix="kg-"))
    yield folder
    for name in os.listdir(folder):
        os.unlink(folder / name)
    folder.rmdir()


@pytest.mark.parametrize("command", ["export", "query"])
def test_a_socket_is_refused(commands: Commands, run_cli: RunCli, short_folder: Path, command: str) -> None:
    path = short_folder / "sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        result = run_cli(*commands(path)[command])
    finally:
        server.close()
    _refused(result, f"{path}: is a socket, not a regular file; kgraph does not replace it")
    assert stat.S_ISSOCK(os.lstat(path).st_mode)
    assert _listing(short_folder) == ["sock"]


def test_a_block_device_is_refused_without_being_opened(
    commands: Commands, run_cli: RunCli, tmp_path: Path
) -> None:
    node = tmp_path / "disk"
    _mknod(node, stat.S_IFBLK, 7, 200)  # a loop device number, refused before any open
    result = run_cli(*commands(node)["export"])
    _refused(result, f"{node}: is a block device, not a regular file; kgraph does not replace it")
    assert stat.S_ISBLK(os.lstat(node).st_mode)
    assert _listing(tmp_path) == ["disk"]


def test_a_missing_folder_is_refused(commands: Commands, run_cli: RunCli, tmp_path: Path) -> None:
    output = tmp_path / "nowhere" / "out.ttl"
    result = run_cli(*commands(output)["export"])
    _refused(result, f"{output}: directory {tmp_path / 'nowhere'} does not exist")
    assert _listing(tmp_path) == []


# ---------------------------------------------------------------- a failed write changes nothing


def test_a_failed_export_leaves_the_target_byte_identical(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"# the curator's file\n\xff\x00 not even UTF-8\n")
    before = target.read_bytes()
    inode = os.stat(target).st_ino
    result = run_cli("export", "-g", TINY_TTL, "--focus", "Nobody", "-o", target)
    assert (result.code, result.out) == (1, "")
    assert result.err == "kgraph: no actor or event named 'Nobody'\n"
    assert target.read_bytes() == before
    assert os.stat(target).st_ino == inode
    assert _listing(tmp_path) == ["out.ttl"]


def test_a_failed_query_leaves_the_target_byte_identical(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"kept\n")
    result = run_cli("query", "SELECT ?x WHERE { ?x ?y }", "-g", TINY_TTL, "-o", target)
    assert result.code == 2
    assert result.err.startswith("kgraph: malformed SPARQL: ")
    assert target.read_bytes() == b"kept\n"
    assert _listing(tmp_path) == ["out.csv"]


def test_an_error_half_way_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old\n")
    with pytest.raises(RuntimeError, match="half-way"), atomic_writer(target) as fh:
        fh.write(b"new, but only ")
        assert len(_listing(tmp_path)) == 2  # the temporary, beside the target
        raise RuntimeError("half-way")
    assert target.read_bytes() == b"old\n"
    assert _listing(tmp_path) == ["out.ttl"]


def test_a_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.txt").st_mode) == 0o640
    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    os.chmod(kept, 0o604)
    atomic_write(kept, "new")
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o604
    assert kept.read_text() == "new"


# ---------------------------------------------------------------- stale temporaries


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_killed_writers_temporary_goes_and_no_one_elses(
    commands: Commands, run_cli: RunCli, tmp_path: Path
) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = f".out.ttl.{_dead_pid()}.abc12_yz.tmp"
        live = f".out.ttl.{sleeper.pid}.qwertyui.tmp"
        others = [
            ".out.ttl.swp",  # an editor's
            ".out.ttl.tmp",
            f".out.ttl.{_dead_pid()}.short.tmp",  # not mkstemp's eight letters
            f"out.ttl.{_dead_pid()}.abcdefgh.tmp",  # not hidden
            f".other.ttl.{_dead_pid()}.abcdefgh.tmp",  # another target's
        ]
        for name in [dead, live, *others]:
            (tmp_path / name).write_text("partial")
        result = run_cli(*commands(tmp_path / "out.ttl")["export"])
        assert result.code == 0, result.err
        assert _listing(tmp_path) == sorted(["out.ttl", live, *others])
    finally:
        sleeper.kill()
        sleeper.wait()


def test_an_old_temporary_goes_even_without_a_pid(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    old = tmp_path / ".out.ttl.abcdefgh.tmp"  # the naming of earlier versions: no pid
    fresh = tmp_path / ".out.ttl.ijklmnop.tmp"
    mine_but_old = tmp_path / f".out.ttl.{os.getpid()}.qrstuvwx.tmp"
    for path in (old, fresh, mine_but_old):
        path.write_text("partial")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    os.utime(mine_but_old, (two_days_ago, two_days_ago))
    removed = remove_stale_temporaries(target)
    assert sorted(removed) == sorted([old, mine_but_old])
    assert _listing(tmp_path) == [fresh.name]


def test_a_temporary_that_is_not_a_file_or_names_an_impossible_pid_stays(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    (tmp_path / f".out.ttl.{_dead_pid()}.abcdefgh.tmp").mkdir()
    (tmp_path / f".out.ttl.{10**30}.abcdefgh.tmp").write_text("x")
    assert remove_stale_temporaries(target) == []
    assert len(_listing(tmp_path)) == 2


def test_our_temporaries_match_our_own_pattern(tmp_path: Path) -> None:
    target = tmp_path / "a.b.ttl"
    seen: list[str] = []
    with atomic_writer(target) as fh:
        fh.write(b"x")
        seen = [n for n in os.listdir(tmp_path) if n != "a.b.ttl"]
    assert len(seen) == 1
    m = temporary_pattern(target).fullmatch(seen[0])
    assert m is not None and m.group(1) == str(os.getpid())


# ---------------------------------------------------------------- the lock


def test_a_held_lock_is_a_lock_timeout_naming_the_holder(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    with locked(target):
        with pytest.raises(LockTimeout) as no_wait, locked(target, wait=0, what="the graph"):
            pass
        with pytest.raises(LockTimeout) as short, locked(target, wait=0.2):
            pass
    assert (
        str(no_wait.value)
        == f"the graph is in use by another kgraph process (pid {os.getpid()}); did not wait"
    )
    assert (
        str(short.value) == f"{target} is in use by another kgraph process (pid {os.getpid()}); waited 0.2 s"
    )
    assert no_wait.value.holder == os.getpid()
    assert no_wait.value.exit_code == 4
    with locked(target, wait=0):  # free again once the holder is done
        pass


def test_two_names_of_one_file_take_one_lock(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "graph.ttl"
    (tmp_path / "graph.ttl").symlink_to(target)
    assert lock_path(tmp_path / "graph.ttl") == lock_path(target) == tmp_path / "real" / ".graph.ttl.lock"
    assert lock_path(tmp_path / "real" / ".." / "real" / "graph.ttl") == lock_path(target)
    with locked(tmp_path / "graph.ttl"), pytest.raises(LockTimeout), locked(target, wait=0):
        pass


def test_a_waiting_writer_gets_the_lock_when_it_is_released(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    order: list[str] = []
    holding = threading.Event()

    def hold() -> None:
        with locked(target):
            holding.set()
            time.sleep(0.3)
            order.append("first done")

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    with locked(target, wait=30):
        order.append("second in")
    holder.join()
    assert order == ["first done", "second in"]


def test_an_output_error_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(OutputFileError, match=r"^.*out\.ttl: is a directory, not a regular file"):
        (tmp_path / "out.ttl").mkdir()
        atomic_write(tmp_path / "out.ttl", "x")


def test_a_full_disk_is_an_output_error_and_a_callers_own_error_stays_its_own(tmp_path: Path) -> None:
    import errno

    target = tmp_path / "out.ttl"
    target.write_bytes(b"old\n")
    with pytest.raises(OutputFileError) as full, atomic_writer(target):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert str(full.value) == f"{target}: cannot write: No space left on device"
    with pytest.raises(ConnectionResetError), atomic_writer(target):
        raise ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")
    assert target.read_bytes() == b"old\n"
    assert _listing(tmp_path) == ["out.ttl"]
