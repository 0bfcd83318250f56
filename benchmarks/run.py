#!/usr/bin/env python3
"""The scale benchmark of issue 12: every kgraph command beside a baseline doing the same work.

For each corpus size (``benchmarks/generate.py``, cached in ``--workdir`` with the store made from
it), each row times a kgraph command and its baseline in fresh processes, interleaved (kgraph,
baseline, kgraph, baseline…) so that both see the same machine, and prints the medians, their
ratio, the peak resident memory of each process (``os.wait4``: that child's ``ru_maxrss``) and
the issue's target with whether it is met. A command still running after ``--timeout`` seconds
is killed, and its row says so.

The baseline of a look-up is the SPARQL kgraph sends: a first, untimed run of the kgraph command
(which also warms the caches) records every query it hands the store, with its bindings and how
many rows it read, and the baseline replays them on raw pyoxigraph, reading the same rows. So
the ratio is what kgraph adds to the engine, whatever queries it sends today.

    .venv/bin/python benchmarks/run.py [--sizes 10k,100k] [--repeat 3] [--only show,claims]
        [--workdir DIR] [--timeout 600] [--no-write]

The table goes to stdout and, unless ``--no-write``, into docs/performance.md between
``<!-- benchmarks/run.py:start -->`` and ``<!-- benchmarks/run.py:end -->``: rows measured now
replace the rows of the same work and size, other rows stay (each says when it was measured).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib.util
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PERFORMANCE = ROOT / "docs" / "performance.md"
BUNDLED = ROOT / "data" / "claims.ttl"
BEGIN = "<!-- benchmarks/run.py:start -->"
END = "<!-- benchmarks/run.py:end -->"

HUB = "Israel"
"""The actor every copy of the corpus shares the most claims about."""
TAIL = "Aeronautics Defense Systems c1"
"""An actor of copy 1, in every corpus: a small answer, so that reading the graph is what shows."""
PICTURE_FOCUS = "Iran"
REFUSAL_SECONDS = 10.0
"""How fast a refused picture must come back to count as refused rather than failed."""

CLAIMS_SELECT = """PREFIX kg: <https://w3id.org/kgraph/ns#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?claim ?subject ?predicate ?object WHERE {
  ?claim a kg:Claim ; rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
}"""

COLUMNS = (
    "work",
    "size",
    "kgraph s",
    "baseline s",
    "ratio",
    "kgraph MB",
    "baseline MB",
    "target",
    "met",
    "note",
    "measured",
)


def _module(name: str) -> ModuleType:
    """A sibling script as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


startup = _module("bench_startup")
generate = _module("generate")


# ------------------------------------------------------------------------------ child processes

# Records what kgraph hands its Oxigraph backend, then runs the command as the console script
# does. Written again after each query, so that a run killed at the timeout leaves what it sent.
CAPTURE = r"""
import atexit, os, pickle, sys
from kgraph import store as ks

out, argv = sys.argv[1], sys.argv[2:]
ops = []

def save():
    with open(out + ".tmp", "wb") as f:
        pickle.dump((dict(ks.PREFIXES), ops), f)
    os.replace(out + ".tmp", out)

atexit.register(save)
Backend = ks.OxigraphBackend
query0, stream0, triples0 = Backend.query, Backend.select_stream, Backend.triples

def query(self, sparql, bindings=None, timeout=ks.UNSET, **kw):
    ops.append(["query", sparql, dict(bindings or {}), kw.get("base_iri"), None])
    save()
    return query0(self, sparql, bindings, timeout, **kw)

def counted(rows, op):
    for row in rows:
        op[4] += 1
        yield row
    op[4] = None  # read to the end

def select_stream(self, sparql, bindings=None, timeout=ks.UNSET, **kw):
    op = ["stream", sparql, dict(bindings or {}), kw.get("base_iri"), 0]
    ops.append(op)
    save()
    stream = stream0(self, sparql, bindings, timeout, **kw)
    if hasattr(stream, "_rows"):
        stream._rows = counted(stream._rows, op)
    else:
        op[4] = None
    return stream

def triples(self):
    op = ["triples", None, {}, None, 0]
    ops.append(op)
    save()
    return counted(triples0(self), op)

Backend.query, Backend.select_stream, Backend.triples = query, select_stream, triples
from kgraph.cli.app import main
code = main(argv)
save()
sys.exit(code)
"""

# The recorded queries on raw pyoxigraph, each read as far as kgraph read it.
REPLAY = r"""
import itertools, pickle, sys
import pyoxigraph as ox

store = ox.Store.read_only(sys.argv[1])
with open(sys.argv[2], "rb") as f:
    prefixes, ops = pickle.load(f)
for kind, sparql, bindings, base, rows in ops:
    if kind == "triples":
        items = (q.triple for q in store.quads_for_pattern(None, None, None, None))
    else:
        result = store.query(
            sparql,
            base_iri=base,
            prefixes=prefixes,
            substitutions={ox.Variable(k): v for k, v in bindings.items()} or None,
            use_default_graph_as_union=True,
        )
        if isinstance(result, ox.QuerySolutions):
            items = (tuple(s) for s in result)
        elif isinstance(result, ox.QueryTriples):
            items = iter(result)
        else:
            continue
    for _ in itertools.islice(items, rows):
        pass
"""

RAW_LOAD = r"""
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES)
store.flush()
"""

RAW_DUMP = r"""
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
with open(sys.argv[2], "wb") as f:
    store.dump(f, format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
"""

RAW_SELECT_CSV = r"""
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
with open(sys.argv[2], "wb") as f:
    result = store.query(sys.argv[3], use_default_graph_as_union=True)
    result.serialize(f, format=ox.QueryResultsFormat.CSV)
"""

# What kgraph's file validation does besides its own checks: the corpus with the ontology (for
# rdfs:subClassOf) through pyshacl with kgraph's shapes.
RAW_SHACL = r"""
import sys, rdflib, pyshacl
data = rdflib.Graph()
data.parse(sys.argv[1], format="nt")
data.parse(sys.argv[2], format="turtle")
shapes = rdflib.Graph().parse(sys.argv[3], format="turtle")
pyshacl.validate(data, shacl_graph=shapes, inference="none", inplace=True)
"""


@dataclass
class Sample:
    """One process: wall-clock seconds, peak resident memory, exit code (None: killed at the timeout)."""

    seconds: float
    peak_mb: float
    code: int | None
    stderr: str

    @property
    def message(self) -> str:
        """kgraph's one-line error, else the last line of stderr (the end of a traceback)."""
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        for line in lines:
            if line.startswith("kgraph: "):
                return line
        return lines[-1] if lines else ""


def measure(cmd: Sequence[str], env: dict[str, str], timeout: float) -> Sample:
    """Run ``cmd`` in a fresh process (and session, so that a kill takes its children too)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            start_new_session=True,
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        # A timer rather than polling: a poll's sleep would be counted in a 0.2 s start-up.
        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # reaped here, not by Popen
        if killed.is_set():  # the rest of its session, if the child itself was already gone
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        err.seek(0)
        text = err.read().decode("utf-8", errors="replace")
    # ru_maxrss is in KiB on Linux.
    return Sample(elapsed, usage.ru_maxrss / 1024, None if killed.is_set() else code, text)


# ---------------------------------------------------------------------------------- the corpora


@dataclass
class Ctx:
    """One size: the corpus, the store loaded from it, a scratch folder, how processes run."""

    label: str
    triples: int
    corpus: Path
    store: Path
    scratch: Path
    env: dict[str, str]
    timeout: float
    features: dict[str, bool]

    @property
    def size_cell(self) -> str:
        return f"{self.label} ({self.triples:,})" if self.triples else self.label


def _kgraph() -> list[str]:
    return list(startup._kgraph())


def _fingerprint(triples: int) -> str:
    """What the corpus depends on: a changed bundled graph or generator makes a new one."""
    digest = hashlib.sha256()
    for path in (BUNDLED, HERE / "generate.py"):
        digest.update(path.read_bytes())
    digest.update(str(triples).encode())
    return digest.hexdigest()


def prepare(label: str, workdir: Path, env: dict[str, str], timeout: float, features: dict[str, bool]) -> Ctx:
    """The corpus and its store for ``label``, reused from ``workdir`` when still current."""
    wanted = generate.parse_size(label)
    corpus = workdir / f"corpus-{label}.nt"
    store = workdir / f"store-{label}"
    stamp_file = workdir / f"corpus-{label}.json"
    key = _fingerprint(wanted)
    try:
        stamp = json.loads(stamp_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamp = {}
    if stamp.get("key") != key or not corpus.is_file():
        _say(f"generating the {label} corpus")
        done = subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--triples", str(wanted), "-o", str(corpus)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        m = re.match(r"(\d+) triples", done.stderr)
        stamp = {"key": key, "triples": int(m.group(1)) if m else 0}
        stamp_file.write_text(json.dumps(stamp), encoding="utf-8")
    if stamp.get("store") != key or not store.is_dir():
        _say(f"loading the {label} store")
        shutil.rmtree(store, ignore_errors=True)
        subprocess.run(
            [*_kgraph(), "load", str(store), str(corpus)], capture_output=True, env=env, check=True
        )
        stamp["store"] = key
        stamp_file.write_text(json.dumps(stamp), encoding="utf-8")
    scratch = workdir / f"scratch-{label}"
    scratch.mkdir(exist_ok=True)
    return Ctx(label, int(stamp["triples"]), corpus, store, scratch, env, timeout, features)


# ------------------------------------------------------------------------------------ the rows


@dataclass
class Measured:
    """A row's samples and what they say."""

    spec: Spec
    ctx: Ctx
    ours: list[Sample] = field(default_factory=list)
    base: list[Sample] = field(default_factory=list)
    note: str = ""
    unavailable: str = ""

    @staticmethod
    def _median(samples: list[Sample], ok: frozenset[int] | None) -> float | None:
        if not samples or any(s.code is None or (ok is not None and s.code not in ok) for s in samples):
            return None
        return statistics.median(s.seconds for s in samples)

    @property
    def ours_s(self) -> float | None:
        return self._median(self.ours, self.spec.ok)

    @property
    def base_s(self) -> float | None:
        return self._median(self.base, frozenset({0}))

    @property
    def ours_mb(self) -> float | None:
        return max((s.peak_mb for s in self.ours), default=None)

    @property
    def base_mb(self) -> float | None:
        return max((s.peak_mb for s in self.base), default=None)

    @property
    def ratio(self) -> float | None:
        ours, base = self.ours_s, self.base_s
        return ours / base if ours is not None and base else None

    def time_cell(self, samples: list[Sample], ok: frozenset[int] | None) -> str:
        if not samples:
            return self.unavailable or "—"
        if any(s.code is None for s in samples):
            return f"timeout (> {self.ctx.timeout:g} s)"
        bad = [s for s in samples if ok is not None and s.code not in ok]
        if bad:
            return f"failed (exit {bad[0].code} after {statistics.median(s.seconds for s in bad):.0f} s)"
        return f"{statistics.median(s.seconds for s in samples):.2f}"

    def cells(self, today: str, repeat: int) -> list[str]:
        target, met = self.spec.target(self)
        mb = [f"{m:.0f}" if m is not None else "—" for m in (self.ours_mb, self.base_mb)]
        return [
            self.spec.work,
            self.ctx.size_cell,
            self.time_cell(self.ours, self.spec.ok),
            self.time_cell(self.base, frozenset({0})) if self.spec.has_baseline else "—",
            f"{self.ratio:.2f}×" if self.ratio is not None else "—",
            *mb,
            target,
            {True: "yes", False: "no", None: "—"}[met],
            self.note,
            f"{today}, ×{len(self.ours) or repeat}",
        ]


Target = Callable[[Measured], tuple[str, bool | None]]


def _within(limit: float, memory_mb_at_3m: float | None = None) -> Target:
    def target(m: Measured) -> tuple[str, bool | None]:
        text = f"≤ {limit:g}×"
        met = None if m.ratio is None else m.ratio <= limit
        if m.ratio is None and m.ours and m.ours_s is None:
            met = False  # kgraph timed out or failed
        if memory_mb_at_3m is not None and m.ctx.triples >= 2_900_000:
            text += f", < {memory_mb_at_3m:g} MB"
            if met is not None and m.ours_mb is not None:
                met = met and m.ours_mb < memory_mb_at_3m
        return text, met

    return target


def _no_target(m: Measured) -> tuple[str, bool | None]:
    return "—", None


def _validate_target(m: Measured) -> tuple[str, bool | None]:
    if m.ctx.triples > 1_100_000:
        return "— (< 120 s, < 500 MB at 1M)", None
    if m.unavailable or not m.ours:
        return "< 120 s, < 500 MB", False
    seconds, mb = m.ours_s, m.ours_mb
    return "< 120 s, < 500 MB", seconds is not None and mb is not None and seconds < 120 and mb < 500


def _picture_target(m: Measured) -> tuple[str, bool | None]:
    text = f"a picture, or a refusal in < {REFUSAL_SECONDS:g} s"
    if not m.ours or any(s.code is None for s in m.ours):
        return text, False
    seconds = statistics.median(s.seconds for s in m.ours)
    return text, all(s.code == 0 for s in m.ours) or (
        all(s.code == 2 for s in m.ours) and seconds < REFUSAL_SECONDS
    )


Command = Callable[[Ctx], list[str]]
Hook = Callable[[Ctx], None]


@dataclass
class Spec:
    """A row: what kgraph runs, what the baseline runs, the target."""

    name: str
    work: str
    ours: Command
    base: Command | None = None
    target: Target = _no_target
    capture: bool = False
    """The baseline replays the queries a first, untimed kgraph run sent."""
    before_ours: Hook | None = None
    before_base: Hook | None = None
    warm: bool = False
    """One untimed kgraph run first (to fill a cache)."""
    ok: frozenset[int] | None = frozenset({0})
    """Exit codes that are a result (None: any, the outcome is reported)."""
    available: Callable[[Ctx], str] | None = None
    """A reason the row cannot run on this kgraph (it then says "not available"), or ""."""
    per_size: bool = True
    runs: Callable[[int], int] = lambda repeat: repeat
    notes: Callable[[Measured], str] | None = None

    @property
    def has_baseline(self) -> bool:
        return self.base is not None or self.capture


def _store_args(ctx: Ctx) -> list[str]:
    return ["--store", str(ctx.store), "--timeout", "0"]


def _replay(ctx: Ctx, name: str) -> list[str]:
    return [sys.executable, "-c", REPLAY, str(ctx.store), str(ctx.scratch / f"queries-{name}.pickle")]


def _fresh(path_of: Callable[[Ctx], Path]) -> Hook:
    def hook(ctx: Ctx) -> None:
        shutil.rmtree(path_of(ctx), ignore_errors=True)

    return hook


def _cache_dir(ctx: Ctx) -> Path:
    return Path(ctx.env["XDG_CACHE_HOME"])


def _cache_note(m: Measured) -> str:
    if not m.ctx.features.get("graph cache"):
        return "no --graph cache in this kgraph: every call reads the file"
    if not any(_cache_dir(m.ctx).rglob("*")):
        return "kgraph has a --graph cache, but put nothing in it for this file"
    return "through kgraph's --graph cache, emptied before each first call"


def _validate_available(ctx: Ctx) -> str:
    return "" if ctx.features.get("validate --store") else "not available"


def _picture_note(m: Measured) -> str:
    if not m.ours:
        return ""
    last = m.ours[-1]
    if last.code is None:
        return "killed at the timeout"
    if last.code == 0:
        svg = m.ctx.scratch / "focus.svg"
        size = f", {svg.stat().st_size / 1e3:.0f} kB" if svg.is_file() else ""
        return f"exit 0{size}"
    return f"exit {last.code}: {last.message[:160]}"


def _shapes(name: str) -> str:
    return str(resources.files("kgraph").joinpath(*name.split("/")))


def _startup_name() -> str:
    return str(startup._name_to_show())


SPECS: list[Spec] = [
    Spec(
        "load",
        "`kgraph load` vs raw `Store(dir).bulk_load`",
        lambda c: [*_kgraph(), "load", str(c.scratch / "load-kgraph"), str(c.corpus)],
        lambda c: [sys.executable, "-c", RAW_LOAD, str(c.scratch / "load-raw"), str(c.corpus)],
        before_ours=_fresh(lambda c: c.scratch / "load-kgraph"),
        before_base=_fresh(lambda c: c.scratch / "load-raw"),
    ),
    Spec(
        "show",
        f"`show {HUB} --store` vs its SPARQL on raw pyoxigraph",
        lambda c: [*_kgraph(), "show", HUB, *_store_args(c)],
        target=_within(1.3, 300),
        capture=True,
    ),
    Spec(
        "claims",
        f"`claims --about {HUB} --store` vs its SPARQL raw",
        lambda c: [*_kgraph(), "claims", "--about", HUB, *_store_args(c)],
        target=_within(1.3, 300),
        capture=True,
    ),
    Spec(
        "neighbors",
        f"`neighbors {HUB} --depth 2 --store` vs its SPARQL raw",
        lambda c: [*_kgraph(), "neighbors", HUB, "--depth", "2", *_store_args(c)],
        target=_within(1.3, 300),
        capture=True,
    ),
    Spec(
        "query",
        "large SELECT (every claim's s, p, o) `query -f csv -o` vs pyoxigraph's CSV writer",
        lambda c: [
            *_kgraph(),
            "query",
            CLAIMS_SELECT,
            *_store_args(c),
            "-f",
            "csv",
            "-o",
            str(c.scratch / "claims.csv"),
        ],
        lambda c: [
            sys.executable,
            "-c",
            RAW_SELECT_CSV,
            str(c.store),
            str(c.scratch / "claims.raw.csv"),
            CLAIMS_SELECT,
        ],
        target=_within(1.3, 300),
    ),
    Spec(
        "named-query",
        "named query `actors-by-degree -f csv -o` vs its SPARQL raw",
        lambda c: [
            *_kgraph(),
            "query",
            "actors-by-degree",
            *_store_args(c),
            "-f",
            "csv",
            "-o",
            str(c.scratch / "degree.csv"),
        ],
        target=_within(1.3, 300),
        capture=True,
    ),
    Spec(
        "export-focus",
        f"`export --focus {HUB} --depth 1 -o x.csv` vs its SPARQL raw",
        lambda c: [
            *_kgraph(),
            "export",
            "--focus",
            HUB,
            "--depth",
            "1",
            *_store_args(c),
            "-o",
            str(c.scratch / "focus.csv"),
        ],
        target=_within(1.3),
        capture=True,
    ),
    Spec(
        "export-all",
        "whole-graph `export -o all.ttl` vs pyoxigraph `Store.dump` to Turtle",
        lambda c: [*_kgraph(), "export", *_store_args(c), "-o", str(c.scratch / "all.ttl")],
        lambda c: [sys.executable, "-c", RAW_DUMP, str(c.store), str(c.scratch / "all.raw.ttl")],
        target=_within(2),
    ),
    Spec(
        "export-svg",
        f"`export --focus {PICTURE_FOCUS} -o x.svg` (time and outcome)",
        lambda c: [
            *_kgraph(),
            "export",
            "--focus",
            PICTURE_FOCUS,
            *_store_args(c),
            "-o",
            str(c.scratch / "focus.svg"),
        ],
        target=_picture_target,
        ok=None,
        notes=_picture_note,
    ),
    Spec(
        "validate",
        "`validate --store` vs pyshacl with kgraph's shapes on the file",
        lambda c: [
            *_kgraph(),
            "validate",
            "--store",
            str(c.store),
            *(["--timeout", "0"] if c.features.get("validate --timeout") else []),
        ],
        lambda c: [
            sys.executable,
            "-c",
            RAW_SHACL,
            str(c.corpus),
            _shapes("ontology/kgraph.ttl"),
            _shapes("shapes/kgraph-shapes.ttl"),
        ],
        target=_validate_target,
        ok=frozenset({0, 1}),
        available=_validate_available,
    ),
    Spec(
        "graph-first",
        f"`show '{TAIL}' --graph big.nt`, first call, vs `--store`",
        lambda c: [*_kgraph(), "show", TAIL, "--graph", str(c.corpus), "--timeout", "0"],
        lambda c: [*_kgraph(), "show", TAIL, *_store_args(c)],
        before_ours=lambda c: shutil.rmtree(_cache_dir(c), ignore_errors=True),
        notes=_cache_note,
    ),
    Spec(
        "graph-second",
        f"`show '{TAIL}' --graph big.nt`, second call, vs `--store`",
        lambda c: [*_kgraph(), "show", TAIL, "--graph", str(c.corpus), "--timeout", "0"],
        lambda c: [*_kgraph(), "show", TAIL, *_store_args(c)],
        target=_within(1.5),
        warm=True,
        notes=_cache_note,
    ),
    Spec(
        "startup",
        "cold `kgraph show Azerbaijan` (bundled graph) vs `python -c 'import rdflib'`",
        lambda c: [*_kgraph(), "show", _startup_name()],
        lambda c: [sys.executable, "-c", "import rdflib"],
        target=_within(1.0),
        per_size=False,
        runs=lambda repeat: max(15, repeat),
    ),
]
ROW_NAMES = [s.name for s in SPECS]
STARTUP_WARMUP = 3


def _say(text: str) -> None:
    print(f"[run.py {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def run_row(spec: Spec, ctx: Ctx, repeat: int) -> Measured:
    m = Measured(spec, ctx)
    reason = spec.available(ctx) if spec.available else ""
    if reason:
        m.unavailable = reason
        m.note = f"`kgraph {spec.ours(ctx)[len(_kgraph())]} --store` is refused by this kgraph"
        return m
    runs = spec.runs(repeat)
    if spec.capture:
        record = ctx.scratch / f"queries-{spec.name}.pickle"
        record.unlink(missing_ok=True)
        first = measure(
            [sys.executable, "-c", CAPTURE, str(record), *spec.ours(ctx)[len(_kgraph()) :]],
            ctx.env,
            ctx.timeout,
        )
        if first.code is None or (spec.ok is not None and first.code not in spec.ok):
            # Not worth repeating: the row says what the first run did, beside the baseline
            # of the queries sent until then.
            m.ours.append(first)
            if first.code is not None:
                m.note = f"exit {first.code}: {first.message[:160]}"
            elif record.is_file():
                m.note = "killed at the timeout; baseline: the queries it sent until then"
            else:
                m.note = "killed at the timeout before its first query"
            if record.is_file():
                m.base.append(measure(_replay(ctx, spec.name), ctx.env, ctx.timeout))
            return m
        import pickle

        with record.open("rb") as f:
            _, ops = pickle.load(f)
        m.note = f"baseline replays the {len(ops)} {'query' if len(ops) == 1 else 'queries'} kgraph sent"
        if not ops:
            m.note = "kgraph sent no query through its backend: nothing to replay"
    if spec.warm:
        measure(spec.ours(ctx), ctx.env, ctx.timeout)
    if not spec.per_size:
        for _ in range(STARTUP_WARMUP):
            measure(spec.ours(ctx), ctx.env, ctx.timeout)
            if spec.base:
                measure(spec.base(ctx), ctx.env, ctx.timeout)
    ours_out, base_out = False, False
    for _ in range(runs):  # interleaved, so that both see the same machine
        if not ours_out:
            if spec.before_ours:
                spec.before_ours(ctx)
            m.ours.append(measure(spec.ours(ctx), ctx.env, ctx.timeout))
            # A run killed at the timeout would be killed again: one is enough to say so.
            ours_out = m.ours[-1].code is None
        if not base_out and spec.has_baseline:
            if spec.before_base:
                spec.before_base(ctx)
            cmd = _replay(ctx, spec.name) if spec.capture else spec.base(ctx)  # type: ignore[misc]
            m.base.append(measure(cmd, ctx.env, ctx.timeout))
            base_out = m.base[-1].code is None
    if spec.notes:
        m.note = spec.notes(m)
    failed = [s for s in m.ours if s.code is not None and spec.ok is not None and s.code not in spec.ok]
    failed += [s for s in m.base if s.code not in (0, None)]
    if failed and not m.note.startswith("exit"):
        m.note = (m.note + "; " if m.note else "") + f"exit {failed[0].code}: {failed[0].message[:160]}"
    return m


def _features(env: dict[str, str]) -> dict[str, bool]:
    """What this kgraph offers today (other work adds options while the benchmark exists)."""

    def helped(*args: str) -> str:
        done = subprocess.run([*_kgraph(), *args, "--help"], capture_output=True, text=True, env=env)
        return done.stdout

    return {
        "validate --store": "--store" in (validate := helped("validate")),
        "validate --timeout": "--timeout" in validate,
        "graph cache": "--no-cache" in helped("show"),
    }


# ---------------------------------------------------------------------------------- the table


def markdown(rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _split(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [c.strip() for c in cells]


def _order(row: Sequence[str]) -> tuple[int, int]:
    works = [s.work for s in SPECS]
    index = works.index(row[0]) if row[0] in works else len(works)
    m = re.search(r"\(([\d,]+)\)", row[1])
    return index, int(m.group(1).replace(",", "")) if m else 0


def merged_block(old_block: str, rows: Sequence[Sequence[str]]) -> str:
    """The block's table with ``rows`` replacing those of the same work and size."""
    kept: dict[tuple[str, str], list[str]] = {}
    for line in old_block.splitlines():
        if line.startswith("| ") and not line.startswith("| work |"):
            cells = _split(line)
            if len(cells) == len(COLUMNS):
                kept[(cells[0], cells[1])] = cells
    for row in rows:
        kept[(row[0], row[1])] = list(row)
    table = sorted(kept.values(), key=_order)
    intro = textwrap.fill(
        f"On {os.cpu_count()} cores. Median seconds of fresh processes, kgraph and its baseline "
        "interleaved in the same run; MB is the largest peak resident memory of one process; "
        "ratio is kgraph / baseline. The last column says when the row was measured and how "
        "many times.",
        width=100,
    )
    return f"{intro}\n\n{markdown(table)}"


def write_docs(path: Path, rows: Sequence[Sequence[str]]) -> None:
    """Replace what is between the markers of ``path``, keeping the rest of the file as it is."""
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text.partition(BEGIN)[2]:
        raise SystemExit(f"run.py: {path} has no {BEGIN} … {END} block to write into")
    head, _, rest = text.partition(BEGIN)
    old, _, tail = rest.partition(END)
    new = f"{head}{BEGIN}\n{merged_block(old, rows)}\n{END}{tail}"
    tmp = path.with_name(f".{path.name}.run-py.tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, path)


# ----------------------------------------------------------------------------------------- main


def _sizes(text: str) -> list[str]:
    labels = [s.strip() for s in text.split(",") if s.strip()]
    for label in labels:
        generate.parse_size(label)  # argparse.ArgumentTypeError says what is wrong
    return labels


def _rows(text: str) -> list[str]:
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [n for n in names if n not in ROW_NAMES]
    if unknown:
        raise argparse.ArgumentTypeError(f"no row {', '.join(unknown)} (rows: {', '.join(ROW_NAMES)})")
    return names


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog=f"rows: {', '.join(ROW_NAMES)}",
    )
    parser.add_argument(
        "--sizes", type=_sizes, default=["10k", "100k"], help="corpus sizes (default 10k,100k)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each command (median)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "kgraph-bench-run",
        help="corpora, stores and outputs, kept between runs",
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds a command may run (default 600)"
    )
    parser.add_argument("--only", type=_rows, help="only these rows (comma-separated)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--docs", type=Path, default=PERFORMANCE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.timeout <= 0:
        parser.error("--repeat and --timeout must be positive")

    workdir: Path = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(startup.ENV)
    # The --graph cache, if kgraph has one, in the workdir: a first call can then be made first.
    env["XDG_CACHE_HOME"] = str(workdir / "cache")
    env["KGRAPH_CACHE_DIR"] = str(workdir / "cache" / "kgraph")
    for name in ("KGRAPH_GRAPH", "KGRAPH_DEBUG", "KGRAPH_NO_CACHE", "KGRAPH_CACHE_MIN_BYTES"):
        env.pop(name, None)
    features = _features(env)
    specs = [s for s in SPECS if args.only is None or s.name in args.only]
    today = dt.date.today().isoformat()

    results: list[list[str]] = []

    def done(m: Measured) -> None:
        results.append(m.cells(today, args.repeat))
        _say(" | ".join(results[-1]))

    for spec in specs:
        if not spec.per_size:
            bundled = Ctx("bundled graph", 0, BUNDLED, workdir, workdir, env, args.timeout, features)
            _say(f"{spec.name}")
            done(run_row(spec, bundled, args.repeat))
    for label in args.sizes:
        sized = [s for s in specs if s.per_size]
        if not sized:
            break
        ctx = prepare(label, workdir, env, args.timeout, features)
        for spec in sized:
            _say(f"{spec.name} at {label}")
            done(run_row(spec, ctx, args.repeat))
            for junk in ("all.ttl", "all.raw.ttl", "claims.csv", "claims.raw.csv"):
                (ctx.scratch / junk).unlink(missing_ok=True)
            for folder in ("load-kgraph", "load-raw"):
                shutil.rmtree(ctx.scratch / folder, ignore_errors=True)

    print(markdown(results))
    if not args.no_write:
        write_docs(args.docs, results)
        _say(f"wrote {args.docs}")
    return 0


def _iter_rows(table: str) -> Iterator[list[str]]:
    """The body rows of a table as :func:`markdown` prints it (for tests and other scripts)."""
    for line in table.splitlines()[2:]:
        if line.startswith("| "):
            yield _split(line)


if __name__ == "__main__":
    raise SystemExit(main())
