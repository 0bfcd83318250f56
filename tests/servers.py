"""Real SPARQL servers for the tests: an Oxigraph server (from PyPI) and Virtuoso (from Debian).

Each is started on free ports of 127.0.0.1 in a private folder, loaded with the given RDF
files, and stopped by :meth:`Server.stop`. Nothing here talks to a server the tests did not
start.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kgraph.serve import _die_with_parent

# The graph Virtuoso holds the data in; queries name it with ?default-graph-uri=.
VIRTUOSO_GRAPH = "urn:kgraph:test"


@dataclass
class Server:
    kind: str
    url: str
    process: subprocess.Popen[bytes]
    folder: Path
    extra: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    query = urllib.parse.urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            detail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"{url}: the server exited with {process.returncode}\n{detail}")
        try:
            sep = "&" if "?" in url else "?"
            with urllib.request.urlopen(f"{url}{sep}{query}", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{url}: the server did not answer within {seconds:g} s")


def oxigraph_binary() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.is_file() else shutil.which("oxigraph")


def start_oxigraph(files: Sequence[Path], folder: Path, *, read_only: bool = True) -> Server:
    """``oxigraph serve-read-only`` (or ``serve`` when writes are wanted) over the files."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
    store = folder / "store"
    store.parent.mkdir(parents=True, exist_ok=True)
    for f in files:
        subprocess.run(
            [binary, "load", "--location", str(store), "--file", str(f)],
            check=True,
            capture_output=True,
        )
    store.mkdir(exist_ok=True)
    port = free_port()
    verb = "serve-read-only" if read_only else "serve"
    process = subprocess.Popen(
        [binary, verb, "--location", str(store), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent(),  # a killed test run takes its servers with it
    )
    base = f"http://127.0.0.1:{port}"
    server = Server("oxigraph", f"{base}/query", process, folder, {"store": f"{base}/store", "base": base})
    try:
        _wait_for(server.url, process, 30)
    except BaseException:
        server.stop()
        raise
    return server


def virtuoso_installed() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


def require_virtuoso() -> None:
    """Skip the test where Virtuoso is not installed; fail instead under KGRAPH_REQUIRE_VIRTUOSO=1."""
    import pytest

    if not virtuoso_installed():
        if os.environ.get("KGRAPH_REQUIRE_VIRTUOSO") == "1":
            pytest.fail("KGRAPH_REQUIRE_VIRTUOSO=1 but virtuoso-t/isql-vt are not installed")
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 0
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
AllowOSCalls = 0
DirsAllowed = ., {data}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 60
"""


def start_virtuoso(files: Sequence[Path], folder: Path) -> Server:
    """Virtuoso 7 with a private ini, the files bulk-loaded into :data:`VIRTUOSO_GRAPH`."""
    db = folder / "db"
    data = folder / "data"
    for d in (db, data, db / "vsp"):
        d.mkdir(parents=True, exist_ok=True)
    for i, f in enumerate(files):
        shutil.copy(f, data / f"{i:03d}-{f.name}")
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(db=db, data=data, sql_port=sql_port, http_port=http_port))
    process = subprocess.Popen(
        ["virtuoso-t", "+foreground", "+configfile", str(ini)],
        cwd=db,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_die_with_parent(),  # a killed test run takes its servers with it
    )
    base = f"http://127.0.0.1:{http_port}"
    url = f"{base}/sparql?" + urllib.parse.urlencode({"default-graph-uri": VIRTUOSO_GRAPH})
    server = Server("virtuoso", url, process, folder, {"base": base, "sql_port": str(sql_port)})
    try:
        _wait_for(url, process, 90, db / "virtuoso.log")
        script = (
            f"ld_dir('{data}', '*', '{VIRTUOSO_GRAPH}');\n"
            "rdf_loader_run();\n"
            "checkpoint;\n"
            "SELECT ll_file, ll_state, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\n"
        )
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF"],
            input=script.encode(),
            capture_output=True,
            timeout=300,
            env={**os.environ, "HOME": str(folder)},
        )
        out = done.stdout.decode(errors="replace")
        if done.returncode != 0 or "*** Error" in out or ".ttl" in out or ".nt" in out:
            raise RuntimeError(f"Virtuoso did not load {list(map(str, files))}: {out[-1500:]}")
    except BaseException:
        server.stop()
        raise
    return server
