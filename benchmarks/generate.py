#!/usr/bin/env python3
"""A deterministic synthetic corpus shaped like the bundled graph, for benchmarks at scale.

The bundled graph (``data/claims.ttl``) is written out again and again as N-Triples. Copy 0 is the
graph as it is; copy *k* (k >= 1) renames every IRI of ours (the ``kgr:`` namespace) by a ``-c<k>``
suffix (``kgr:elta`` -> ``kgr:elta-c17``, ``kgr:claim-<hash>-ev1`` -> ``kgr:claim-<hash>-c17-ev1``),
except the hub actors (by default Israel, Azerbaijan, Iran, Armenia, Russia and Turkey), which every
copy shares: they pile up claims, mentions and relations as the big actors of a real corpus do.
Vocabulary IRIs (``kg:``, ``schema:``, ``prov:``…) and external ones (``wd:``, web pages) never
change. Literals stay, except what names or identifies a renamed resource: its labels
(``skos:prefLabel``, ``skos:altLabel``, ``rdfs:label``) and a source's title get `` c<k>``, keys
and file names (``dcterms:identifier``, ``skos:notation``) get ``-c<k>``, and a ``schema:sha256``
becomes the SHA-256 of the old digest plus the suffix (still 64 hex digits). A triple that
renaming leaves unchanged (a hub's label, a relation between two hubs) is written once, in copy 0.

A seeded ``random.Random`` varies each copy after the first: each claim is kept with probability
0.9 (with its evidence and attribution steps; a dropped claim also takes out the ``kg:supports``
links to it and the direct triple it alone asserts), and a source's ``xsd:date`` of publication
moves by up to 30 days, staying in its year. The same seed gives the same bytes; a smaller corpus is a
prefix of a larger one made with the same seed.

    .venv/bin/python benchmarks/generate.py --triples 1M --seed 20261202 -o corpus.nt

Writing streams copy by copy to a temporary file beside the output, renamed over it at the end, and
stops at the first copy boundary at or past ``--triples``. The counts and the time go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "claims.ttl"

try:  # the namespaces of the project, when kgraph is importable (it is in its venv)
    from kgraph.namespaces import DCT, KG, KGR, RDF, RDFS, SCHEMA, SKOS, XSD
except ImportError:  # pragma: no cover - a bare checkout without the package installed
    sys.path.insert(0, str(ROOT / "src"))
    from kgraph.namespaces import DCT, KG, KGR, RDF, RDFS, SCHEMA, SKOS, XSD

DEFAULT_SEED = 20261202
DEFAULT_HUBS = ("Israel", "Azerbaijan", "Iran", "Armenia", "Russia", "Turkey")
DEFAULT_KEEP = 0.9
DATE_JITTER_DAYS = 30
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "3M": 3_000_000}
"""The sizes the documentation names."""

# Placeholders written into the per-copy templates, replaced by the copy's suffixes. Private-use
# code points: the bundled graph has none, and N-Triples writes them as they are.
MARK_ID = "\ue000"  # -> "-c17" in IRIs, blank-node labels, keys and file names
MARK_LABEL = "\ue001"  # -> " c17" in labels and titles

LABELS = frozenset({SKOS + "prefLabel", SKOS + "altLabel", RDFS + "label", DCT + "title"})
IDENTIFIERS = frozenset({DCT + "identifier", SKOS + "notation"})
SHA256 = SCHEMA + "sha256"
ISSUED = DCT + "issued"
XSD_DATE = XSD + "date"
RDF_TYPE = RDF + "type"
CLAIM = KG + "Claim"
ASSERTED = KG + "asserted"
MODALITY = KG + "modality"
EXACT_MATCH = SKOS + "exactMatch"
REIFIED = (RDF + "subject", RDF + "predicate", RDF + "object")

_HASHED = re.compile(r"(?:claim|mention)-[0-9a-f]{16}")
"""A claim's or mention's local name: the copy suffix goes after the hash, before ``-ev1-target``."""
_PART = re.compile(r"-(?:ev|att)\d+(?:-target|-selector)?$")
"""What follows a claim's IRI in the IRIs of its evidence and attribution steps (as kgraph.add)."""
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,5}$")


# ---------------------------------------------------------------------------------- the template


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Condition = tuple[frozenset[str], frozenset[str]]
"""(claims that must all be kept, claims of which one must be kept; empty: no condition)."""


@dataclass
class Chunk:
    """Lines that go into a copy together, under one condition."""

    text: list[str] = field(default_factory=list)
    joined: str = ""
    count: int = 0


@dataclass
class Dynamic:
    """A line whose literal is computed per copy: a digest or a publication date."""

    condition: Condition
    prefix: str  # "<s> <p> "
    value: str
    make: Callable[[str, str, random.Random], str]  # (value, suffix, rng) -> N-Triples literal


@dataclass
class Template:
    """The bundled graph, cut into what copy 0 writes and what every later copy writes."""

    claims: list[str]  # claim IRIs, in a fixed order (the order of the draws)
    hubs: dict[str, str]  # name asked for -> IRI
    first: str  # copy 0, complete
    first_count: int
    chunks: dict[Condition, Chunk]  # the lines a renaming changes, per condition
    dynamic: list[Dynamic]


def _shifted_sha(value: str, suffix: str, rng: random.Random) -> str:
    return '"' + hashlib.sha256((value + suffix).encode("ascii")).hexdigest() + '"'


def _moved_date(value: str, suffix: str, rng: random.Random) -> str:
    """Up to a month earlier or later, in the same year, as a valid xsd:date (one with a time zone
    is kept as it is, the draw still made)."""
    shift = rng.randint(-DATE_JITTER_DAYS, DATE_JITTER_DAYS)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return str(ox.Literal(value, datatype=ox.NamedNode(XSD_DATE)))
    moved = min(max(day + dt.timedelta(days=shift), dt.date(day.year, 1, 1)), dt.date(day.year, 12, 31))
    return str(ox.Literal(moved.isoformat(), datatype=ox.NamedNode(XSD_DATE)))


def _hub_iris(triples: Sequence[ox.Triple], names: Sequence[str]) -> dict[str, str]:
    """Each hub name -> the kgr: IRI whose label (else alias, else slug) it is, ignoring case."""
    pref: dict[str, set[str]] = {}
    other: dict[str, set[str]] = {}
    for t in triples:
        s = t.subject
        if not (isinstance(s, ox.NamedNode) and s.value.startswith(KGR)):
            continue
        other.setdefault(s.value[len(KGR) :].casefold(), set()).add(s.value)
        if isinstance(t.object, ox.Literal) and t.predicate.value in LABELS:
            index = pref if t.predicate.value == SKOS + "prefLabel" else other
            index.setdefault(t.object.value.casefold(), set()).add(s.value)
    found: dict[str, str] = {}
    for name in names:
        key = name.strip().removeprefix("kgr:").casefold()
        matches = pref.get(key) or other.get(key) or set()
        if len(matches) != 1:
            why = "names nothing" if not matches else f"is ambiguous ({', '.join(sorted(matches))})"
            raise SystemExit(f"generate.py: hub {name!r} {why} in the source graph")
        found[name] = matches.pop()
    return found


def build_template(source: Path, hub_names: Sequence[str]) -> Template:
    """Read the graph once and render every triple as an N-Triples line with placeholders."""
    triples = list(ox.parse(path=str(source), format=ox.RdfFormat.TURTLE))
    hubs = _hub_iris(triples, hub_names)
    hub_set = set(hubs.values())

    claims = sorted(
        t.subject.value
        for t in triples
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode) and t.object.value == CLAIM
    )
    claim_set = set(claims)

    # Which claims reify each (s, p, o), and which of them put it in the direct layer.
    parts: dict[str, dict[str, Term]] = {}
    asserted: set[str] = set()
    for t in triples:
        s = t.subject.value
        if s in claim_set:
            if t.predicate.value in REIFIED:
                parts.setdefault(s, {})[t.predicate.value] = t.object
            elif t.predicate.value == MODALITY and t.object == ox.NamedNode(ASSERTED):
                asserted.add(s)
    reifying: dict[tuple[str, str, str], set[str]] = {}
    for c, spo in parts.items():
        if len(spo) == 3:
            key = (str(spo[REIFIED[0]]), str(spo[REIFIED[1]]), str(spo[REIFIED[2]]))
            reifying.setdefault(key, set()).add(c)

    def claim_of(term: Term) -> str | None:
        if not isinstance(term, ox.NamedNode):
            return None
        base = _PART.sub("", term.value)
        return base if base in claim_set else None

    def render(term: Term, subject_renamed: bool, predicate: str) -> str:
        if isinstance(term, ox.NamedNode):
            iri = term.value
            if not iri.startswith(KGR) or iri in hub_set:
                return str(term)
            local = iri[len(KGR) :]
            m = _HASHED.match(local)
            cut = m.end() if m else len(local)
            return f"<{KGR}{local[:cut]}{MARK_ID}{local[cut:]}>"
        if isinstance(term, ox.BlankNode):  # labels are per document: keep the copies apart
            return f"_:{term.value}{MARK_ID}"
        assert isinstance(term, ox.Literal)
        if subject_renamed and predicate in LABELS:
            return str(ox.Literal(term.value + MARK_LABEL, language=term.language, datatype=term.datatype))
        if subject_renamed and predicate in IDENTIFIERS:
            m = _EXTENSION.search(term.value)
            cut = m.start() if m else len(term.value)
            value = term.value[:cut] + MARK_ID + term.value[cut:]
            return str(ox.Literal(value, language=term.language, datatype=term.datatype))
        return str(term)

    first: list[str] = []
    chunks: dict[Condition, Chunk] = {}
    dynamic: list[Dynamic] = []
    for t in triples:
        s_text = render(t.subject, False, "")
        renamed = MARK_ID in s_text
        p_text = str(t.predicate)
        o_text = render(t.object, renamed, t.predicate.value)
        line = f"{s_text} {p_text} {o_text} .\n"
        first.append(line)

        need = frozenset(c for c in (claim_of(t.subject), claim_of(t.object)) if c)
        backers: frozenset[str] = frozenset()
        if not need:  # a direct-layer triple goes when every claim that put it there goes
            reified = reifying.get((str(t.subject), str(t.predicate), str(t.object)), set())
            direct = {c for c in reified if c in asserted or t.predicate.value == EXACT_MATCH}
            backers = frozenset(direct or reified)
        condition = (need, backers)

        o = t.object
        if renamed and isinstance(o, ox.Literal) and t.predicate.value == SHA256:
            dynamic.append(Dynamic(condition, f"{s_text} {p_text} ", o.value, _shifted_sha))
        elif (
            renamed
            and isinstance(o, ox.Literal)
            and t.predicate.value == ISSUED
            and o.datatype.value == XSD_DATE
        ):
            dynamic.append(Dynamic(condition, f"{s_text} {p_text} ", o.value, _moved_date))
        elif MARK_ID in line or MARK_LABEL in line:
            chunks.setdefault(condition, Chunk()).text.append(line)
        # else: renaming leaves it as it is (a hub's label, hub-to-hub): copy 0 holds it already
    for chunk in chunks.values():
        chunk.joined = "".join(chunk.text)
        chunk.count = len(chunk.text)
        chunk.text = []
    text0 = "".join(first).replace(MARK_ID, "").replace(MARK_LABEL, "")
    return Template(claims, hubs, text0, len(first), chunks, dynamic)


# ---------------------------------------------------------------------------------- the copies


def _holds(condition: Condition, kept: set[str]) -> bool:
    need, backers = condition
    return need <= kept and (not backers or not backers.isdisjoint(kept))


def render_copy(template: Template, k: int, rng: random.Random, keep: float) -> tuple[str, int]:
    """Copy ``k`` (>= 1) as N-Triples text, and its number of triples."""
    kept = {c for c in template.claims if rng.random() < keep}
    pieces: list[str] = []
    count = 0
    for condition, chunk in template.chunks.items():
        if _holds(condition, kept):
            pieces.append(chunk.joined)
            count += chunk.count
    suffix = f"-c{k}"
    for d in template.dynamic:  # drawn in the same order every time
        literal = d.make(d.value, suffix, rng)
        if _holds(d.condition, kept):
            pieces.append(f"{d.prefix}{literal} .\n")
            count += 1
    text = "".join(pieces).replace(MARK_ID, suffix).replace(MARK_LABEL, f" c{k}")
    return text, count


def write_corpus(
    out: TextIO, template: Template, triples: int, seed: int, keep: float = DEFAULT_KEEP
) -> tuple[int, int]:
    """Write copies to ``out`` until at least ``triples`` are written; (triples, copies)."""
    out.write(template.first)
    total, copies = template.first_count, 1
    rng = random.Random(seed)
    while total < triples:
        text, count = render_copy(template, copies, rng, keep)
        out.write(text)
        total += count
        copies += 1
    return total, copies


# ---------------------------------------------------------------------------------- the command


def parse_size(text: str) -> int:
    """``1000000``, ``1_000_000``, ``10k``, ``1M``, ``2.5M`` -> a number of triples."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip().replace("_", "").replace(",", ""))
    if not m:
        raise argparse.ArgumentTypeError(f"not a number of triples: {text!r} (try 100000, 100k or 1M)")
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    n = round(float(m.group(1)) * scale)
    if n < 1:
        raise argparse.ArgumentTypeError(f"at least one triple, not {text!r}")
    return n


@contextlib.contextmanager
def _atomic_text(target: Path):  # type: ignore[no-untyped-def]
    """A text file that appears at ``target`` only when the block ends without an error."""
    directory = target.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="generate.py",
        description="Write a synthetic N-Triples corpus shaped like the bundled kgraph graph.",
    )
    parser.add_argument(
        "--triples",
        "-n",
        type=parse_size,
        default=SIZES["100k"],
        help="stop at the first copy boundary at or past this many triples: 10k, 100k, 1M, 3M… "
        "(default 100k)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}")
    parser.add_argument("--output", "-o", type=Path, required=True, help="the N-Triples file to write")
    parser.add_argument(
        "--hubs",
        default=",".join(DEFAULT_HUBS),
        help="comma-separated labels or slugs of the actors every copy shares "
        f"(default {','.join(DEFAULT_HUBS)}; '' for none)",
    )
    parser.add_argument(
        "--keep",
        type=float,
        default=DEFAULT_KEEP,
        help=f"probability that a copy keeps each claim (default {DEFAULT_KEEP})",
    )
    parser.add_argument("--source", type=Path, default=BUNDLED, help="the Turtle graph to copy")
    args = parser.parse_args(argv)
    if not 0 < args.keep <= 1:
        parser.error("--keep must be in (0, 1]")
    target: Path = args.output
    if not target.parent.is_dir():
        parser.error(f"{target}: directory {target.parent} does not exist")
    if target.is_dir():
        parser.error(f"{target}: is a directory")

    started = time.perf_counter()
    hubs = [h for h in args.hubs.split(",") if h.strip()]
    template = build_template(args.source, hubs)
    with _atomic_text(target) as out:
        total, copies = write_corpus(out, template, args.triples, args.seed, args.keep)
    seconds = time.perf_counter() - started
    print(
        f"{total} triples, {copies} copies, {seconds:.2f} s -> {target} "
        f"(seed {args.seed}; hubs {', '.join(template.hubs) or 'none'})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
