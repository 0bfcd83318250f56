"""The fuzz harness: seeded case generators, the oracle, and a forked runner that sees signals.

Shared by ``benchmarks/fuzz.py`` (the long run) and ``tests/fuzz`` (the fast slice and the replay
of every input that ever failed). docs/fuzz.md says what is checked and why.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
REGRESSIONS = Path(__file__).resolve().parent / "regressions"
TINY_TTL = FIXTURES / "tiny.ttl"
TINY_YAML = FIXTURES / "tiny.yaml"

OK_CODES = frozenset({0, 1, 2, 4})
# Each case is small; one that takes longer than this is a failure of kind "hang".
CASE_TIMEOUT = 20
MAX_INPUT = 64 * 1024
DIR = "{dir}"  # placeholder in argv for the case's own temporary folder
ROOT_MARK = "{root}"  # placeholder for the project folder, so kept cases work in any clone


@dataclass
class Case:
    """One run of kgraph: ``argv`` may name files of ``files`` as ``{dir}/name``."""

    kind: str
    argv: list[str]
    files: dict[str, bytes] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "argv": self.argv,
            "files": {k: base64.b64encode(v).decode("ascii") for k, v in self.files.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Case:
        files = {k: base64.b64decode(v) for k, v in data.get("files", {}).items()}
        return cls(str(data["kind"]), [str(a) for a in data["argv"]], files)


@dataclass
class Outcome:
    code: int | None  # None: killed by a signal or the timeout
    stdout: str
    stderr: str
    signal: int | None = None
    hang: bool = False


# ------------------------------------------------------------------ the oracle

_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s+File \".*\", line \d+", re.M)


def judge(outcome: Outcome) -> str | None:
    """The failure class of an outcome, or None when kgraph behaved."""
    if outcome.hang:
        return "hang"
    if outcome.signal is not None:
        return f"signal-{signal.Signals(outcome.signal).name}"
    code = outcome.code
    if code is not None and code >= 128:
        return f"signal-exit-{code}"
    if _TRACEBACK.search(outcome.stderr) or _TRACEBACK.search(outcome.stdout):
        return "traceback"
    if code == 3:
        return "exit-3"
    if code not in OK_CODES:
        return f"exit-{code}"
    if code != 0:
        lines = [line for line in outcome.stderr.splitlines() if line.strip()]
        # The house rule is "kgraph: <message>" (cli/base.fail); a claims file may list one
        # problem per line, each with the same prefix.
        if not lines or any(not line.startswith("kgraph: ") for line in lines):
            return "bad-error-message"
    return None


# ------------------------------------------------------------------ seed inputs


def _seed_graphs() -> dict[str, bytes]:
    """tiny.ttl in every RDF syntax kgraph reads, made once with rdflib."""
    import warnings

    import rdflib

    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\..*")
    g = rdflib.Graph()
    g.parse(TINY_TTL, format="turtle")
    ds = rdflib.Dataset()
    named = ds.graph(rdflib.URIRef("https://example.org/fuzz-graph"))
    for t in g:
        named.add(t)
    out = {
        ".ttl": TINY_TTL.read_bytes(),
        ".nt": g.serialize(format="nt", encoding="utf-8"),
        ".jsonld": g.serialize(format="json-ld", encoding="utf-8"),
        ".rdf": g.serialize(format="xml", encoding="utf-8"),
        ".trig": ds.serialize(format="trig", encoding="utf-8"),
    }
    claims = ROOT / "data" / "claims.ttl"
    if claims.is_file():
        text = claims.read_bytes()
        out[".ttl-claims"] = text[:6000]
    return out


def _seed_claims() -> dict[str, bytes]:
    import yaml

    text = TINY_YAML.read_bytes()
    data = yaml.safe_load(text)
    out = {".yaml": text, ".json": json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")}
    for p in sorted((FIXTURES / "add").glob("*.yaml")):
        out[f".yaml-{p.stem}"] = p.read_bytes()
    return out


READERS = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".rdf": "rdfxml", ".trig": "trig"}

NAMES = [
    "Alphaland", "Betastan", "Alpha", "Beta City", "GI", "Gamma Institute", "Délta Valley",
    "the valley", "kgr:betastan", "kgr:alphaland", "https://kgraph.example/id/betastan",
    "Attack on the Delta Valley", "Omega Corp & \"Sons\" <Ltd>",
]  # fmt: skip
NASTY = [
    "", " ", "\x00", "\n", "\t", "\u202e", "\ufeff", "\udcff", "<", ">", "\"", "'", "\\",
    "{", "}", "?x", "$x", "#", "kgr:", ":", "kgr:a:b", "http://", "<http://x>", "%00", "%", "\u0301",
    "\U0001f600", "ǅ", "İ", "ß", "ﬁ", "*", "[", "]", "(", ")", "..", "/", "-", "--", "-h", "--help",
    "_:b0", "\"\"\"", "^^", "@en", "\r\n", "\x7f", "\x1b[31m",
]  # fmt: skip
DATES = ["2021", "2021-03", "2021-03-01", "0000", "9999-99", "2021-13", "-1", "", "2021-02-30", "x", "20210"]
SPARQL = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2",
    "DESCRIBE <https://kgraph.example/id/betastan>",
    "PREFIX kg: <https://kgraph.example/ontology#> SELECT ?c WHERE { ?c a kg:Claim } LIMIT 2",
    'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(regex(str(?o), "a")) }',
    "SELECT ?s WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } } ORDER BY ?s LIMIT 2",
    "SELECT ?s WHERE { ?s (<http://x>|^<http://y>)* ?o } LIMIT 1",
]
NAMED_PARAMS = {
    "arms-suppliers": ["supplier", "recipient"],
    "claim-evidence": ["claim"],
    "claim-links": ["claim"],
    "claims-by-source": ["source"],
    "figures": ["subject"],
    "hedged-claims": ["subject"],
    "reported-by": ["reporter"],
    "timeline": [],
    "actors-by-degree": [],
}


# ------------------------------------------------------------------ mutations


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    """A few byte-level edits: flips, deletions, duplications, truncation, splices of nasty bytes."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not b:
            b.extend(rng.choice(NASTY).encode("utf-8", "surrogatepass"))
            continue
        op = rng.randrange(9)
        i = rng.randrange(len(b))
        if op == 0:
            b[i] = rng.randrange(256)
        elif op == 1:
            del b[i : i + rng.randint(1, 40)]
        elif op == 2:
            j = rng.randrange(len(b))
            b[i:i] = b[j : j + rng.randint(1, 80)]
        elif op == 3:
            del b[i:]
        elif op == 4:
            b[i:i] = rng.choice(NASTY).encode("utf-8", "surrogatepass")
        elif op == 5:
            b[i:i] = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x00", b"\xe2\x80"])
        elif op == 6:
            b[i:i] = rng.choice([b"{", b"[", b"(", b"<", b'"', b"'", b"@", b"#", b":", b";", b".", b","]) * (
                rng.choice([1, 2, 10, 100, 3000])
            )
        elif op == 7:
            b = bytearray(b"\xef\xbb\xbf") + b
        else:
            j = rng.randrange(len(b))
            b[i], b[j] = b[j], b[i]
    return bytes(b[:MAX_INPUT])


def mutate_text(rng: random.Random, text: str) -> str:
    out = mutate_bytes(rng, text.encode("utf-8"))
    return out.decode("utf-8", "surrogateescape")


def gen_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.25:
        return rng.choice(NAMES)
    if r < 0.5:
        return rng.choice(NAMES) + rng.choice(NASTY)
    if r < 0.7:
        return "".join(rng.choice(NASTY) for _ in range(rng.randint(1, 5)))
    if r < 0.8:
        return rng.choice(NAMES).upper() if rng.random() < 0.5 else rng.choice(NAMES).lower()
    if r < 0.9:
        return "".join(
            chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x3000)]))
            for _ in range(rng.randint(1, 30))
        )
    return mutate_text(rng, rng.choice(NAMES))[:200]


def gen_sparql(rng: random.Random) -> str:
    r = rng.random()
    base = rng.choice(SPARQL)
    if r < 0.55:
        return mutate_text(rng, base)[:4000]
    if r < 0.7:
        depth = rng.choice([5, 50, 200, 1000])
        opener, closer = rng.choice([("(", ")"), ("{", "}"), ("((", "))")])
        if opener == "{":
            return "SELECT * WHERE " + "{ " * depth + "?s ?p ?o " + "} " * depth
        return "SELECT * WHERE { ?s ?p ?o FILTER(" + opener * depth + "?o" + closer * depth + ") }"
    if r < 0.85:
        return base.replace("?o", gen_name(rng), 1)
    return "".join(
        rng.choice([*NASTY, "SELECT", "WHERE", "{", "}", "?x", "FILTER", "OPTIONAL", " "])
        for _ in range(rng.randint(1, 20))
    )


# ------------------------------------------------------------------ generators


def _graph_arg() -> list[str]:
    return ["--graph", f"{ROOT_MARK}/tests/fixtures/tiny.ttl"]


class Generator:
    """Seeded case generators, one per reader and per command; ``make(kind)`` draws one case."""

    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.graphs = _seed_graphs()
        self.claims = _seed_claims()
        self.kinds: dict[str, Callable[[], Case]] = {}
        for ext, reader in READERS.items():
            self.kinds[f"read:{reader}"] = self._reader(ext)
        self.kinds["read:yaml-claims"] = self._claims_reader(".yaml", "yaml")
        self.kinds["read:json-claims"] = self._claims_reader(".json", "json")
        self.kinds["build"] = self._build
        self.kinds["cmd:show"] = lambda: Case("cmd:show", ["show", gen_name(self.rng), *_graph_arg()])
        self.kinds["cmd:claims"] = self._claims
        self.kinds["cmd:path"] = lambda: Case(
            "cmd:path",
            ["path", gen_name(self.rng), gen_name(self.rng), *_graph_arg(), *self._opt_num("--max-hops")],
        )
        self.kinds["cmd:neighbors"] = lambda: Case(
            "cmd:neighbors", ["neighbors", gen_name(self.rng), *_graph_arg(), *self._opt_num("--depth")]
        )
        self.kinds["cmd:events"] = self._events
        self.kinds["cmd:compare"] = lambda: Case(
            "cmd:compare", ["compare", "--about", gen_name(self.rng), *_graph_arg(), *self._opt_fmt()]
        )
        self.kinds["cmd:query"] = lambda: Case("cmd:query", ["query", gen_sparql(self.rng), *_graph_arg()])
        self.kinds["cmd:query-param"] = self._query_param
        self.kinds["cmd:query-file"] = lambda: Case(
            "cmd:query-file",
            ["query", f"@{DIR}/q.rq", *_graph_arg()],
            {"q.rq": _arg_bytes(gen_sparql(self.rng))},
        )

    # helpers
    def _opt_num(self, flag: str) -> list[str]:
        if self.rng.random() < 0.5:
            return []
        return [flag, self.rng.choice(["0", "1", "2", "-1", "99999999999999999999", "x", "", "1e3", "3"])]

    def _opt_fmt(self) -> list[str]:
        if self.rng.random() < 0.6:
            return []
        return ["--format", self.rng.choice(["table", "json", "jsonl", "csv", "tsv", "xml", ""])]

    def _reader(self, ext: str) -> Callable[[], Case]:
        reader = READERS[ext]

        def make() -> Case:
            rng = self.rng
            seed = self.graphs[ext]
            if ext == ".ttl" and ".ttl-claims" in self.graphs and rng.random() < 0.3:
                seed = self.graphs[".ttl-claims"]
            data = mutate_bytes(rng, seed) if rng.random() < 0.9 else seed
            name = f"g{ext}"
            verb = rng.choice(["stats", "show", "actors", "validate", "claims", "events"])
            argv = [verb, *(["Betastan"] if verb == "show" else []), "--graph", f"{DIR}/{name}"]
            return Case(f"read:{reader}", argv, {name: data})

        return make

    def _claims_reader(self, ext: str, label: str) -> Callable[[], Case]:
        def make() -> Case:
            rng = self.rng
            keys = [k for k in self.claims if k.startswith(ext)] if ext == ".yaml" else [ext]
            seed = self.claims[rng.choice(keys)]
            data = mutate_bytes(rng, seed)
            name = f"c{ext}"
            files = {name: data, "g.ttl": TINY_TTL.read_bytes()}
            if rng.random() < 0.5:
                argv = ["add", "--dry-run", f"{DIR}/{name}", "--graph", f"{DIR}/g.ttl"]
            else:
                argv = ["add", f"{DIR}/{name}", "--graph", f"{DIR}/g.ttl"]
            return Case(f"read:{label}-claims", argv, files)

        return make

    def _build(self) -> Case:
        data = mutate_bytes(self.rng, self.claims[".yaml"])
        return Case(
            "build", ["build", "--from", f"{DIR}/src", "--output", f"{DIR}/out.ttl"], {"src/tiny.yaml": data}
        )

    def _claims(self) -> Case:
        rng = self.rng
        argv = ["claims", *_graph_arg()]
        for _ in range(rng.randint(1, 3)):
            flag = rng.choice(
                [
                    "--about",
                    "--between",
                    "--predicate",
                    "--source",
                    "--attributed-to",
                    "--modality",
                    "--since",
                    "--until",
                    "--id",
                ]
            )
            value = (
                rng.choice(DATES) if flag in ("--since", "--until") and rng.random() < 0.7 else gen_name(rng)
            )
            argv += [flag, value]
        return Case("cmd:claims", argv + self._opt_fmt())

    def _events(self) -> Case:
        rng = self.rng
        argv = ["events", *_graph_arg()]
        if rng.random() < 0.6:
            argv += ["--participant", gen_name(rng)]
        for flag in ("--since", "--until"):
            if rng.random() < 0.4:
                argv += [flag, rng.choice(DATES) if rng.random() < 0.7 else gen_name(rng)]
        return Case("cmd:events", argv + self._opt_fmt())

    def _query_param(self) -> Case:
        rng = self.rng
        name = rng.choice(list(NAMED_PARAMS))
        params = NAMED_PARAMS[name] or ["x"]
        argv = ["query", name, *_graph_arg()]
        for _ in range(rng.randint(1, 2)):
            key = rng.choice(params) if rng.random() < 0.8 else gen_name(rng)
            value = gen_name(rng) if rng.random() < 0.7 else gen_sparql(rng)[:200]
            argv += ["--param", f"{key}={value}" if rng.random() < 0.9 else key]
        return Case("cmd:query-param", argv + self._opt_fmt())

    def make(self, kind: str) -> Case:
        return self.kinds[kind]()

    def cases(self, n: int) -> Iterator[Case]:
        """``n`` cases, round-robin over every kind, so each reader and command gets its share."""
        kinds = list(self.kinds)
        for i in range(n):
            yield self.make(kinds[i % len(kinds)])


# ------------------------------------------------------------------ running


def _materialise(case: Case, where: Path) -> list[str]:
    for name, data in case.files.items():
        p = where / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return [a.replace(DIR, str(where)).replace(ROOT_MARK, str(ROOT)) for a in case.argv]


def run_in_process(case: Case) -> Outcome:
    """Run one case through ``kgraph.cli.app.main`` in this process (no signal protection)."""
    from kgraph.cli.app import main

    with tempfile.TemporaryDirectory(prefix="kgfuzz-") as tmp:
        argv = _materialise(case, Path(tmp))
        out, err = io.StringIO(), io.StringIO()
        old_in = sys.stdin
        sys.stdin = io.StringIO("")
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code: int | None = main(argv)
                except SystemExit as e:  # main should return, but an exit is still an exit code
                    code = e.code if isinstance(e.code, int) else 2
                except BaseException as e:
                    import traceback

                    err.write("".join(traceback.format_exception(e)))
                    code = 3
        finally:
            sys.stdin = old_in
    return Outcome(code, out.getvalue(), err.getvalue())


_ENTRY = "import sys; from kgraph.cli.app import main; sys.exit(main())"


def _arg_bytes(arg: str) -> bytes:
    try:
        return arg.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return arg.encode("utf-8", "surrogatepass")


def run_subprocess(case: Case, timeout: float = CASE_TIMEOUT) -> Outcome:
    """Run one case as a real ``kgraph`` process: the only place a segfault of a native parser shows."""
    env = {k: v for k, v in os.environ.items() if k not in ("KGRAPH_DEBUG", "KGRAPH_GRAPH")}
    with tempfile.TemporaryDirectory(prefix="kgfuzz-") as tmp:
        argv = _materialise(case, Path(tmp))
        bargv = [_arg_bytes(a) for a in argv]
        if any(b"\x00" in a for a in bargv):  # no process can receive a NUL in argv: run it forked
            return run_forked_batch([case], timeout)[0]
        try:
            proc = subprocess.run(
                [sys.executable, "-c", _ENTRY, *bargv],
                stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, env=env, cwd=tmp,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return Outcome(None, "", "", hang=True)
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode < 0:
        return Outcome(None, out, err, signal=-proc.returncode)
    return Outcome(proc.returncode, out, err)


def run_forked_batch(cases: list[Case], timeout: float = CASE_TIMEOUT) -> list[Outcome]:
    """Run ``cases`` in-process in one forked child, so a crash or hang costs one child, not the run.

    The child reports one JSON line per case; when it dies, the case it was on gets the signal (or
    "hang") and the rest of the batch goes on in a fresh child.
    """
    results: list[Outcome] = []
    i = 0
    while i < len(cases):
        batch = cases[i:]
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(r)
            code = 0
            # A native parser's panic writes to fd 2 directly; the verdict comes from the status.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            try:
                os.environ.pop("KGRAPH_DEBUG", None)
                os.environ.pop("KGRAPH_GRAPH", None)
                with os.fdopen(w, "w", encoding="utf-8") as pipe:
                    for case in batch:
                        o = run_in_process(case)
                        pipe.write(json.dumps([o.code, o.stdout[-2000:], o.stderr[-4000:]]) + "\n")
                        pipe.flush()
            except BaseException:
                code = 70
            os._exit(code)
        os.close(w)
        done = 0
        buf = b""
        deadline = time.monotonic() + timeout
        hung = False
        with os.fdopen(r, "rb") as pipe:
            fd = pipe.fileno()
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    hung = True
                    os.kill(pid, signal.SIGKILL)
                    break
                ready, _, _ = select.select([fd], [], [], left)
                if not ready:
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    code, out, err = json.loads(line)
                    results.append(Outcome(code, out, err))
                    done += 1
                    deadline = time.monotonic() + timeout
        _, status = os.waitpid(pid, 0)
        i += done
        if i < len(cases):  # the child died on cases[i]
            if hung:
                results.append(Outcome(None, "", "", hang=True))
            elif os.WIFSIGNALED(status):
                results.append(Outcome(None, "", "", signal=os.WTERMSIG(status)))
            else:
                results.append(Outcome(os.WEXITSTATUS(status), "", "child stopped early"))
            i += 1
    return results


# ------------------------------------------------------------------ regressions


def save_regression(case: Case, failure: str, where: Path = REGRESSIONS) -> Path:
    """Keep a failing input, named by its content so the same input is kept once."""
    import hashlib

    case = Case(case.kind, [a.replace(str(ROOT), ROOT_MARK) for a in case.argv], case.files)
    data = case.to_json()
    data["failure"] = failure
    # "open": still failing when kept, so the replay expects it to fail (xfail, not strict); set it
    # to false once the bug is fixed and the case becomes a plain regression test.
    data["open"] = True
    blob = json.dumps({"kind": case.kind, "argv": case.argv, "files": data["files"]}, sort_keys=True)
    digest = hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{case.kind.replace(':', '-')}-{failure}-{digest}.json"
    text = json.dumps(data, ensure_ascii=True, indent=1)  # ASCII keeps lone surrogates as \\udcxx
    path.write_text(text + "\n", encoding="ascii")
    return path


def load_regressions(where: Path = REGRESSIONS) -> list[tuple[Path, Case, str, bool]]:
    """Every kept case: its file, the case, the failure class it had, and whether it is still open."""
    out = []
    for p in sorted(where.glob("*.json")):
        data = json.loads(p.read_text(encoding="ascii"))
        out.append((p, Case.from_json(data), str(data.get("failure", "")), bool(data.get("open", False))))
    return out


def cleanup(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
