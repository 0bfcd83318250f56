"""`kgraph add`: claims files into a graph of the user's, checked whole before a byte is written.

The steps (docs/authoring.md): read every file and every source text; resolve what each file
names (its own actors, else the target graph's, with the look-ups' resolver); turn quotes into
offsets; fill a held source's SHA-256 from its text; make the triples (:mod:`kgraph.mapping`,
the one place the claim's RDF shape is written); compare them with the graph (same claim:
nothing to add; same statement of the same source with other details: a conflict); check the
result with the shipped shapes; then write, atomically, under a lock. Any problem anywhere
means nothing is written, and every problem is reported.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, Store, Triple

from kgraph import patterns
from kgraph.claimsfile import ClaimsFile, ClaimsFileError, Loc, Problem, read_claims_file
from kgraph.errors import AmbiguousNameError, DataModelError, KGraphError, NotFoundError, ParameterError
from kgraph.fetch import construct, fetch_claims, select
from kgraph.fileio import atomic_write, decode_utf8, locked, read_bytes
from kgraph.mapping import (
    claim_iri,
    claim_source,
    dataset_triples,
    entity_iri,
    mention_iri,
    resolve_term,
    source_iri,
)
from kgraph.models import Claim, Dataset, Evidence
from kgraph.namespaces import DCT, KG, KGR, PROV, RDF, SKOS, WD, compact_iri
from kgraph.store import Backend, OxigraphBackend, bundled_graph_path, values_block

HEADER = (
    "# kgraph claims graph, written by `kgraph add`. Model: docs/data-model.md.\n"
    "# Evidence offsets count Unicode code points into each source text, identified by its SHA-256.\n"
)

WRITABLE_SUFFIXES = (".ttl", ".nt")
"""What `add --graph` writes: Turtle or N-Triples, the formats that keep every triple as is."""


# ---------------------------------------------------------------- results


@dataclass
class ClaimChange:
    """One claim of a file and what adding it does: ``added`` or ``unchanged``."""

    key: str | None
    iri: str
    text: str
    status: str


@dataclass
class Merge:
    """An actor of a file folded into one of the graph (docs/authoring.md#merges)."""

    absorbed: str
    merged_into: str
    reason: str
    note: str | None = None
    absorbed_type: str = "Actor"
    absorbed_label: str = ""
    aliases: list[str] = field(default_factory=list)
    generated: list[str] = field(default_factory=list)
    """The claims and mentions of the file the merge points at the kept actor (prov:generated)."""
    claims: set[int] = field(default_factory=set)
    mentions: list[Evidence] = field(default_factory=list)
    source: str | None = None
    entity: tuple[str, int] = ("actors", -1)


@dataclass
class FileResult:
    path: str
    claims: list[ClaimChange] = field(default_factory=list)
    actors_added: list[str] = field(default_factory=list)
    sources_added: list[str] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(c.status == "added" for c in self.claims)

    @property
    def unchanged(self) -> int:
        return sum(c.status == "unchanged" for c in self.claims)


@dataclass
class AddResult:
    """What :func:`add` did (or, with ``dry_run``, would do) to ``target``."""

    target: str
    dry_run: bool
    files: list[FileResult]
    triples_before: int
    triples_added: int
    written: bool

    @property
    def changed(self) -> bool:
        return self.triples_added > 0


# ---------------------------------------------------------------- source texts


@dataclass
class _Text:
    path: str
    text: str
    sha256: str

    @property
    def name(self) -> str:
        return Path(self.path).name


def _read_texts(paths: Sequence[str | Path]) -> list[_Text]:
    out = []
    for p in paths:
        data = read_bytes(p, what="source text")
        # The SHA-256 is of the bytes; offsets count the code points of exactly those bytes.
        out.append(_Text(str(p), decode_utf8(data, p), hashlib.sha256(data).hexdigest()))
    return out


# ---------------------------------------------------------------- the target graph


class _Target:
    """The graph added to: a Turtle/N-Triples file (maybe not there yet) or a store folder."""

    def __init__(self, graph: str | Path | None, store: str | Path | None):
        if (graph is None) == (store is None):
            raise ParameterError("graph", "give the graph to add to, as a file or as a store (one of them)")
        self.is_store = store is not None
        raw = Path(store if store is not None else graph)  # type: ignore[arg-type]
        # A symlink is followed: the file it names is the graph, replaced atomically in place.
        self.path = raw.resolve() if raw.is_symlink() else raw
        self.shown = str(raw)
        if self.is_store:
            if self.path.exists() and not self.path.is_dir():
                raise ParameterError("store", f"{raw}: is not a store folder")
        else:
            if self.path.is_dir():
                raise ParameterError("graph", f"{raw}: is a directory, not a graph file")
            if self.path.suffix.lower() not in WRITABLE_SUFFIXES:
                raise ParameterError(
                    "graph",
                    f"{raw}: add writes Turtle (.ttl) or N-Triples (.nt), "
                    f"not {self.path.suffix or 'a file without extension'}",
                )
            if self.path.exists() and not self.path.is_file():
                raise ParameterError("graph", f"{raw}: is not a regular file")
            try:
                bundled = bundled_graph_path().resolve()
            except KGraphError:
                bundled = None
            if bundled is not None and self.path.resolve() == bundled:
                raise ParameterError(
                    "graph", f"{raw}: is kgraph's bundled graph, which add never writes; add to a copy of it"
                )
            if not self.path.parent.is_dir():
                raise ParameterError("graph", f"{raw}: folder {self.path.parent} does not exist")

    def open(self) -> OxigraphBackend:
        if self.is_store:
            if not self.path.exists():
                self.path.mkdir()
            return OxigraphBackend.open_directory(self.path, read_only=False)
        if self.path.exists():
            return OxigraphBackend.from_files([self.path])
        return OxigraphBackend(Store(), f"new graph {self.shown}")

    def write(self, backend: OxigraphBackend, new: list[Triple]) -> None:
        if self.is_store:
            # One call, one transaction: a reader sees the store before or after, never between.
            backend.store.extend(Quad(t.subject, t.predicate, t.object) for t in new)
            backend.store.flush()
            return
        from kgraph import serialize

        backend.store.extend(Quad(t.subject, t.predicate, t.object) for t in new)
        everything = list(backend.triples())
        text = (
            serialize.ntriples(everything)
            if self.path.suffix.lower() == ".nt"
            else serialize.turtle(everything, header=HEADER)
        )
        atomic_write(self.path, text)


# ---------------------------------------------------------------- resolving names


class _Names:
    """What a file's references mean: its own actors and events first, then the graph's."""

    def __init__(self, backend: Backend, cf: ClaimsFile):
        from kgraph.names import NameResolver, normalize

        self.backend = backend
        self.resolver = NameResolver(backend)
        self.normalize = normalize
        self.local: dict[str, str] = {}
        self.ambiguous: dict[str, list[str]] = defaultdict(list)
        for entity in [*cf.dataset.actors, *cf.dataset.events]:
            names = [entity.label, *entity.aliases] + (
                [entity.wikidata, f"wd:{entity.wikidata}"] if entity.wikidata else []
            )
            for name in names:
                folded = normalize(name)
                if folded in self.local and self.local[folded] != entity.id:
                    self.ambiguous[folded].append(entity.id)
                self.local.setdefault(folded, entity.id)
        self.slugs = {e.id for e in [*cf.dataset.actors, *cf.dataset.events]}

    def in_graph(self, ref: str) -> str:
        """The graph's actor or event ``ref`` names, as the slug or IRI a dataset uses."""
        return _as_ref(self.resolver.resolve(ref).iri)

    def ref(self, ref: str) -> str:
        """``ref`` as a dataset names it: a slug of the file's or the graph's, or an IRI."""
        if ref in self.slugs:
            return ref
        folded = self.normalize(ref)
        if folded in self.local and folded not in self.ambiguous:
            return self.local[folded]
        if folded in self.ambiguous:
            raise AmbiguousNameError(ref, sorted({self.local[folded], *self.ambiguous[folded]}))
        return self.in_graph(ref)


def _as_ref(iri: str) -> str:
    if iri.startswith(KGR) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", iri[len(KGR) :]):
        return iri[len(KGR) :]
    return iri


def _name_problem(cf: ClaimsFile, loc: Loc, e: KGraphError) -> Problem:
    message = str(e)
    suggestions = getattr(e, "suggestions", None)
    if suggestions and "did you mean" not in message:
        message += f" (did you mean {', '.join(repr(s) for s in suggestions)}?)"
    return cf.problem(
        loc, message.replace("no actor or event named", "no actor or event in the file or the graph named")
    )


# ---------------------------------------------------------------- preparing one file


@dataclass
class _Prepared:
    cf: ClaimsFile
    dataset: Dataset
    result: FileResult
    known_entities: set[str]
    known_sources: set[str]


class _Preparer:
    def __init__(self, backend: Backend, texts: list[_Text], curator: str | None):
        self.backend = backend
        self.texts = texts
        self.curator = curator
        self.graph_sources = _graph_sources(backend)
        self.merges: dict[str, Merge] = {}
        self.absorbed_names: set[str] = set()
        self.renames: dict[str, str] = {}

    def prepare(self, cf: ClaimsFile, problems: list[Problem]) -> _Prepared:
        ds = cf.dataset.model_copy(deep=True)
        result = FileResult(cf.path)
        self.merges, self.absorbed_names = {}, set()
        texts = self._sources(cf, ds, problems)
        names = _Names(self.backend, cf)
        known_entities: set[str] = set()
        self._entities(cf, ds, names, problems, known_entities, result)
        default = ds.default_source
        for kind, items in (("actors", ds.actors), ("events", ds.events)):
            for i, entity in enumerate(items):
                src = entity.source or default
                entity.mentions = [
                    found
                    for j, m in enumerate(entity.mentions)
                    if (
                        found := self._evidence(
                            cf, (kind, i, "mentions", j), m, m.source or src, texts, problems
                        )
                    )
                    is not None
                ]
        for i, claim in enumerate(ds.claims):
            self._claim(cf, (("claims", i)), claim, names, texts, problems, known_entities)
        return _Prepared(cf, ds, result, known_entities, set(self.graph_sources))

    # -- sources

    def _sources(self, cf: ClaimsFile, ds: Dataset, problems: list[Problem]) -> dict[str, str]:
        """Fill held sources' SHA-256 from their texts; the text of each source, by slug."""
        texts: dict[str, str] = {}
        offset = 0 if ds.source is not None else None
        for n, src in enumerate(ds.all_sources()):
            loc: Loc = (
                ("source",)
                if offset == 0 and n == 0
                else ("sources", n - (1 if ds.source is not None else 0))
            )
            by_name = [t for t in self.texts if src.file_name and t.name == src.file_name]
            if src.sha256 is None and by_name:
                text = by_name[0]
                src.sha256, src.length = text.sha256, len(text.text)
            if src.sha256 is not None:
                match = [t for t in self.texts if t.sha256 == src.sha256]
                if match:
                    texts[src.id] = match[0].text
                    if src.length is None:
                        src.length = len(match[0].text)
                    elif src.length != len(match[0].text):
                        problems.append(
                            cf.problem(
                                (*loc, "length"),
                                f"is {src.length}, but {match[0].path} has {len(match[0].text)} code points",
                            )
                        )
                elif by_name:
                    problems.append(
                        cf.problem(
                            (*loc, "sha256"),
                            f"{by_name[0].path} has SHA-256 {by_name[0].sha256}, "
                            f"not the {src.sha256} the file gives: "
                            "another version of the text",
                        )
                    )
                elif src.length is None:
                    problems.append(
                        cf.problem(
                            (*loc, "length"),
                            "give the text's length with its sha256, or pass the text with --source-text",
                        )
                    )
            held = self.graph_sources.get(src.id)
            if held is not None and held != (src.sha256 or ""):
                problems.append(
                    cf.problem(
                        (*loc, "sha256"),
                        f"the graph already has a source {src.id!r} with "
                        + (f"SHA-256 {held}" if held else "no text held")
                        + ": another document under the same id",
                    )
                )
        return texts

    def _evidence(
        self,
        cf: ClaimsFile,
        loc: Loc,
        e: Evidence,
        source: str | None,
        texts: dict[str, str],
        problems: list[Problem],
    ) -> Evidence | None:
        text = texts.get(source or "")
        sources = {s.id: s for s in cf.dataset.all_sources()}
        held = (source in sources and (sources[source].held or source in texts)) or bool(
            self.graph_sources.get(source or "")
        )
        if e.quote is not None:
            if text is None:
                problems.append(
                    cf.problem(
                        (*loc, "quote"),
                        f"a quote needs the text of source {source!r}: pass it with --source-text"
                        if held or (source in sources and sources[source].file_name)
                        else f"source {source!r} has no text to quote from: "
                        "cite it by locator (url, page, table, section)",
                    )
                )
                return None
            hits = [m.start() for m in re.finditer(re.escape(e.quote), text)]
            if not hits:
                problems.append(
                    cf.problem((*loc, "quote"), f"{_short(e.quote)!r} is not in the text of {source!r}")
                )
                return None
            if len(hits) > 1:
                lines = ", ".join(dict.fromkeys(str(text.count("\n", 0, h) + 1) for h in hits[:5]))
                problems.append(
                    cf.problem(
                        (*loc, "quote"),
                        f"{_short(e.quote)!r} occurs {len(hits)} times in the text of {source!r} "
                        f"(lines {lines}): quote more of it",
                    )
                )
                return None
            return Evidence(source=e.source, start=hits[0], end=hits[0] + len(e.quote))
        if e.anchored:
            assert e.end is not None
            if not held:
                problems.append(
                    cf.problem(
                        loc,
                        f"offsets need the text of source {source!r} (its sha256); "
                        "cite it by locator instead",
                    )
                )
                return None
            length = len(text) if text is not None else self._length(cf, source)
            if length is not None and e.end > length:
                problems.append(
                    cf.problem(
                        (*loc, "end"),
                        f"{e.end} is past the end of the text of {source!r} ({length} code points)",
                    )
                )
                return None
        return e

    def _length(self, cf: ClaimsFile, source: str | None) -> int | None:
        for s in cf.dataset.all_sources():
            if s.id == source:
                return s.length
        return None

    # -- actors and events

    def _entities(
        self,
        cf: ClaimsFile,
        ds: Dataset,
        names: _Names,
        problems: list[Problem],
        known: set[str],
        result: FileResult,
    ) -> None:
        existing = _graph_entities(self.backend, [e.id for e in [*ds.actors, *ds.events]])
        by_wikidata = _graph_wikidata(self.backend, [e.wikidata for e in ds.actors if e.wikidata])
        renames: dict[str, str] = {}
        for kind, items in (("actors", ds.actors), ("events", ds.events)):
            for i, entity in enumerate(items):
                loc: Loc = (kind, i)
                target: str | None = None
                reason = ""
                if entity.same_as is not None:
                    try:
                        target = names.in_graph(entity.same_as)
                    except KGraphError as e:
                        problems.append(_name_problem(cf, (*loc, "same_as"), e))
                        continue
                    reason = "same-as"
                elif (
                    entity.wikidata
                    and entity.wikidata in by_wikidata
                    and by_wikidata[entity.wikidata] != entity_iri(entity.id).value
                ):
                    target = _as_ref(by_wikidata[entity.wikidata])
                    reason = "same-wikidata-id"
                if target is not None and target != entity.id:
                    merge = Merge(
                        entity_iri(entity.id).value,
                        entity_iri(target).value,
                        reason,
                        entity.merge_note,
                        absorbed_type=entity.type,
                        absorbed_label=entity.label,
                        source=entity.source or ds.default_source,
                        entity=(kind, i),
                    )
                    result.merges.append(merge)
                    self.merges[target] = merge
                    renames[entity.id] = target
                    self.absorbed_names |= {
                        names.normalize(n) for n in [entity.id, entity.label, *entity.aliases]
                    }
                    found = _graph_entities(self.backend, [target]).get(target)
                    aliases = [entity.label, *entity.aliases]
                    entity.id = target
                    if found is not None:
                        entity.type, label, has_description = found
                        entity.aliases = sorted(set(aliases) - {label})
                        merge.aliases = list(entity.aliases)
                        merge.mentions = list(entity.mentions)
                        entity.label = label
                        if has_description:
                            entity.description = None
                    entity.same_as = None
                    entity.merge_note = None
                    entity.wikidata = None  # the kept actor's link stands
                    known.add(target)
                    continue
                found = existing.get(entity.id)
                if found is None:
                    result.actors_added.append(entity.id)
                    continue
                kind_found, label, has_description = found
                if kind_found != entity.type:
                    problems.append(
                        cf.problem(
                            (*loc, "type"),
                            f"{entity.id!r} is a {kind_found} in the graph, not a {entity.type}",
                        )
                    )
                if label != entity.label:
                    # Same slug, same actor: the file's name for it becomes one more alias.
                    entity.aliases = sorted({*entity.aliases, entity.label} - {label})
                    entity.label = label
                if has_description:
                    entity.description = None
                known.add(entity.id)
        names.slugs |= set(renames.values())
        for old, new in renames.items():
            for folded, slug in list(names.local.items()):
                if slug == old:
                    names.local[folded] = new
            names.slugs.discard(old)
            names.local[names.normalize(old)] = new
        self.renames = renames

    # -- claims

    def _claim(
        self,
        cf: ClaimsFile,
        loc: Loc,
        claim: Claim,
        names: _Names,
        texts: dict[str, str],
        problems: list[Problem],
        known: set[str],
    ) -> None:
        def ref(field_: Loc, value: str) -> str | None:
            if value in self.renames or names.normalize(value) in self.absorbed_names:
                # Pointed at the kept actor by the merge: recorded, so that unmerge can point it back.
                target = self.renames.get(value) or names.ref(value)
                if target in self.merges:
                    self.merges[target].claims.add(loc[1] if isinstance(loc[1], int) else -1)
                    return target
            try:
                found = names.ref(value)
            except (NotFoundError, AmbiguousNameError) as e:
                problems.append(_name_problem(cf, (*loc, *field_), e))
                return None
            if found not in names.slugs:
                known.add(found)
            return found

        claim.subject = ref(("subject",), claim.subject) or claim.subject
        if isinstance(claim.object, str):
            claim.object = ref(("object",), claim.object) or claim.object
        claim.attributed_to = [ref(("attributed_to", j), a) or a for j, a in enumerate(claim.attributed_to)]
        if claim.qualifiers.since:
            claim.qualifiers.since = (
                ref(("qualifiers", "since"), claim.qualifiers.since) or claim.qualifiers.since
            )
        try:
            resolve_term(claim.predicate, kind="predicate")
        except DataModelError as e:
            problems.append(cf.problem((*loc, "predicate"), _predicate_problem(claim.predicate, str(e))))
        try:
            src = claim_source(claim, cf.dataset.default_source)
        except DataModelError as e:
            problems.append(cf.problem((*loc, "source"), str(e).split(": ", 1)[-1]))
            return
        claim.evidence = [
            ev
            for j, e in enumerate(claim.evidence)
            if (ev := self._evidence(cf, (*loc, "evidence", j), e, e.source or src, texts, problems))
            is not None
        ]


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _predicate_problem(predicate: str, message: str) -> str:
    from kgraph.names import normalize, suggest
    from kgraph.vocab import KG as KG_TERMS

    relations = [t for t in KG_TERMS.__annotations__ if t[:1].islower()]
    hints = suggest(
        normalize(predicate),
        [(t, [normalize(t), normalize(re.sub(r"(?<!^)(?=[A-Z])", " ", t))]) for t in relations],
    )
    detail = f"{predicate!r} is not a relation of the kgraph vocabulary (docs/relations.md)"
    return detail + (f" (did you mean {', '.join(repr(h) for h in hints)}?)" if hints else "")


# ---------------------------------------------------------------- the graph's side


_SOURCES = (
    "SELECT ?s ?id ?sha WHERE { ?s a kg:SourceDocument . "
    "OPTIONAL { ?s skos:notation ?id } OPTIONAL { ?s schema:sha256 ?sha } }"
)
_ENTITIES = """SELECT ?s ?type ?label ?description WHERE {{ {values}
  ?s a ?type . FILTER(STRSTARTS(STR(?type), STR(kg:)) && ?type != kg:Actor)
  OPTIONAL {{ ?s skos:prefLabel ?label }} OPTIONAL {{ ?s dcterms:description ?description }} }}"""
_WIKIDATA = "SELECT ?s ?wd WHERE {{ {values} ?s skos:exactMatch ?wd ; a kg:Actor }}"
_CLAIMS_OF = "{values} ?claim a kg:Claim ; prov:wasDerivedFrom ?src ."
_HAS_CLAIMS = "SELECT ?claim WHERE {{ {values} ?claim a kg:Claim }}"


def _graph_sources(backend: Backend) -> dict[str, str]:
    """Slug -> SHA-256 ("" when the text is not held) of every source document of the graph."""
    out = {}
    for row in select(backend, _SOURCES).rows:
        node = row["s"].value if row["s"] is not None else ""
        slug = row["id"].value if row["id"] is not None else _as_ref(node).removeprefix("source-")
        out[slug] = row["sha"].value if row["sha"] is not None else ""
    return out


def _graph_entities(backend: Backend, slugs: Iterable[str]) -> dict[str, tuple[str, str, bool]]:
    """Slug -> (kg type, label, has a description) of those of ``slugs`` the graph holds."""
    wanted = [entity_iri(s) for s in slugs if s]
    if not wanted:
        return {}
    out: dict[str, tuple[str, str, bool]] = {}
    for row in select(backend, _ENTITIES.format(values=values_block("s", wanted))).rows:
        node, kind, name = row["s"], row["type"], row["label"]
        if node is None or kind is None:
            continue
        slug = _as_ref(node.value)
        out[slug] = (
            kind.value[len(KG) :],
            name.value if name is not None else slug,
            row["description"] is not None,
        )
    return out


def _graph_wikidata(backend: Backend, ids: Iterable[str]) -> dict[str, str]:
    wanted = [NamedNode(WD + q) for q in ids]
    if not wanted:
        return {}
    rows = select(backend, _WIKIDATA.format(values=values_block("wd", wanted))).rows
    return {
        wd.value[len(WD) :]: s.value
        for r in rows
        if (wd := r["wd"]) is not None and (s := r["s"]) is not None
    }


def _claim_groups(triples: Iterable[Triple]) -> dict[str, set[Triple]]:
    """Claim IRI -> its triples: the node, its evidence and its attribution steps."""
    groups: dict[str, set[Triple]] = defaultdict(set)
    for t in triples:
        s = t.subject.value if isinstance(t.subject, NamedNode) else ""
        base = re.sub(r"-(ev|att)\d+(-target|-selector)?$", "", s)
        if base.startswith(KGR + "claim-"):
            groups[base].add(t)
    return groups


def same_statement(a: Claim, b: Claim) -> bool:
    """Do two claims of one source state the same thing (so that one with other details is a
    change, or a conflict, not a second claim)? The same key, or the same subject, relation and
    object with overlapping evidence. The one matcher of `add` and `diff`."""
    if a.source != b.source:
        return False
    if a.key and a.key == b.key:
        return True
    if (a.subject, a.predicate, str(a.object)) != (b.subject, b.predicate, str(b.object)):
        return False
    return any(_overlap(x, y) for x in a.evidence for y in b.evidence)


def _overlap(x: Evidence, y: Evidence) -> bool:
    if x.anchored and y.anchored:
        assert x.start is not None and x.end is not None and y.start is not None and y.end is not None
        return x.start < y.end and y.start < x.end
    return not x.anchored and not y.anchored and x.where() == y.where()


def differences(a: Claim, b: Claim) -> list[str]:
    """The fields in which two claims differ, named as a claims file names them."""
    out = []
    for name in (
        "predicate",
        "object",
        "modality",
        "attributed_to",
        "qualifiers",
        "text",
        "note",
        "evidence",
        "curated",
    ):
        if getattr(a, name) != getattr(b, name):
            out.append(name)
    return out


# ---------------------------------------------------------------- the verb


def add(
    files: Sequence[str | Path],
    *,
    graph: str | Path | None = None,
    store: str | Path | None = None,
    source_texts: Sequence[str | Path] = (),
    dry_run: bool = False,
    curator: str | None = None,
    today: str | None = None,
) -> AddResult:
    """Add claims files to the graph file ``graph`` (created when missing) or the store ``store``.

    Every file is read and checked in full first; if anything is wrong (a malformed file, an
    unknown actor or relation, a quote not in the text, a conflict with the graph, a violation
    of the shapes) a :class:`ClaimsFileError` lists every problem and nothing is written.
    ``dry_run`` does everything but the write.
    """
    if not files:
        raise ParameterError("files", "give at least one claims file")
    target = _Target(graph, store)
    problems: list[Problem] = []
    files_read: list[ClaimsFile] = []
    for path in files:
        try:
            files_read.append(read_claims_file(path))
        except ClaimsFileError as e:
            problems += e.problems
    texts = _read_texts(source_texts)
    with locked(target.path):
        backend = target.open()
        before = len(backend)
        preparer = _Preparer(backend, texts, curator)
        prepared = [preparer.prepare(cf, problems) for cf in files_read]
        new: list[Triple] = []
        results: list[FileResult] = []
        if not problems:
            new, results = _triples(backend, prepared, problems, curator, today or date.today().isoformat())
        if not problems and new:
            _check_shapes(backend, new, problems, prepared)
        if problems:
            order = {str(p): i for i, p in enumerate(files)}
            raise ClaimsFileError(
                sorted(problems, key=lambda p: (order.get(p.path, len(order)), p.line or 0))
            )
        if new and not dry_run:
            target.write(backend, new)
    return AddResult(target.shown, dry_run, results, before, len(new), bool(new) and not dry_run)


def _triples(
    backend: OxigraphBackend,
    prepared: list[_Prepared],
    problems: list[Problem],
    curator: str | None,
    today: str,
) -> tuple[list[Triple], list[FileResult]]:
    new: dict[Triple, None] = {}
    results = []
    for p in prepared:
        try:
            triples = dataset_triples(
                [p.dataset],
                names=[p.cf.path],
                known_entities=p.known_entities,
                known_sources=p.known_sources,
            )
        except DataModelError as e:
            problems.append(_located(p.cf, str(e)))
            continue
        groups = _claim_groups(_as_stored(triples))
        existing = _existing(backend, groups)
        old_claims = _claims_of_sources(
            backend, {claim_source(c, p.dataset.default_source) for c in p.dataset.claims}
        )
        for i, claim in enumerate(p.dataset.claims):
            src = claim_source(claim, p.dataset.default_source)
            iri = claim_iri(claim, src).value
            loc: Loc = ("claims", i)
            if iri in existing:
                if existing[iri] != groups[iri]:
                    problems.append(
                        p.cf.problem(
                            loc,
                            f"conflicts with {compact_iri(iri)}, already in the graph: "
                            "the same claim with another "
                            "text, note or evidence",
                        )
                    )
                p.result.claims.append(ClaimChange(claim.key, iri, claim.text, "unchanged"))
                continue
            # As the graph reads back: the source named on the claim and on each of its spans.
            spans = [e.model_copy(update={"source": e.source or src}) for e in claim.evidence]
            mine = claim.model_copy(update={"source": src, "evidence": spans})
            clash = next((old for old in old_claims if old.id != iri and same_statement(mine, old)), None)
            if clash is not None:
                what = ", ".join(differences(mine, clash)) or "details"
                problems.append(
                    p.cf.problem(
                        loc,
                        f"conflicts with {compact_iri(clash.id or '')}"
                        f"{f' (key {clash.key!r})' if clash.key else ''} of the same source, "
                        "already in the graph: "
                        f"it differs in {what}; remove that claim first or make this one the same",
                    )
                )
                continue
            p.result.claims.append(ClaimChange(claim.key, iri, claim.text, "added"))
        for m in p.result.merges:
            kind, n = m.entity
            moved = getattr(p.dataset, kind)[n]
            m.generated = sorted(
                {
                    claim_iri(c, claim_source(c, p.dataset.default_source)).value
                    for i, c in enumerate(p.dataset.claims)
                    if i in m.claims
                }
                | {
                    mention_iri(moved.id, span.source or m.source or "", span).value
                    for span in moved.mentions
                }
            )
            triples += _merge_triples(m, curator, today, p.cf.dataset.curator)
        for t in triples:
            if t not in new and Quad(t.subject, t.predicate, t.object) not in backend.store:
                new[t] = None
        p.result.sources_added = sorted(s.id for s in p.dataset.all_sources() if s.id not in p.known_sources)
        results.append(p.result)
    return list(new), results


def _as_stored(triples: Iterable[Triple]) -> list[Triple]:
    """``triples`` as a store gives them back: Oxigraph keeps the value of a typed literal, not
    its spelling (``1.0`` is read back as ``1``, ``PT24H`` as ``P1D``), so the claim a file
    adds is compared with the graph's in the graph's terms."""
    store = Store()
    store.extend(Quad(t.subject, t.predicate, t.object) for t in triples)
    return [q.triple for q in store]


def _located(cf: ClaimsFile, message: str) -> Problem:
    """A problem from :func:`dataset_triples` (``FILE: claims.3.subject (key 'k'): …``) at its line."""
    rest = message.removeprefix(cf.path + ": ")
    m = re.match(r"((?:source|sources|actors|events|claims)(?:\.[\w-]+)*)(?: \([^)]*\))?: (.*)", rest)
    if not m:
        return Problem(cf.path, None, (), rest)
    loc = tuple(int(x) if x.isdigit() else x for x in m.group(1).split("."))
    return Problem(cf.path, cf.line(loc), loc, m.group(2))


def _existing(backend: Backend, groups: dict[str, set[Triple]]) -> dict[str, set[Triple]]:
    if not groups:
        return {}
    found = select(
        backend, _HAS_CLAIMS.format(values=values_block("claim", [NamedNode(i) for i in groups]))
    ).rows
    iris = [r["claim"] for r in found if r["claim"] is not None]
    if not iris:
        return {}
    triples = construct(backend, patterns.claims_query(values_block("claim", iris) + " ?claim a kg:Claim ."))
    return {k: v for k, v in _claim_groups(triples).items() if k in {i.value for i in iris}}


def _claims_of_sources(backend: Backend, sources: set[str]) -> list[Claim]:
    if not sources:
        return []
    return fetch_claims(
        backend, _CLAIMS_OF.format(values=values_block("src", [source_iri(s) for s in sorted(sources)]))
    )


def _merge_triples(m: Merge, curator: str | None, today: str, file_curator: str | None) -> list[Triple]:
    node = NamedNode(
        KGR + "merge-" + hashlib.sha256(f"{m.absorbed}|{m.merged_into}".encode()).hexdigest()[:16]
    )
    who = curator or file_curator or "kgraph curators"
    out = [
        Triple(node, NamedNode(RDF + "type"), NamedNode(KG + "Merge")),
        Triple(node, NamedNode(KG + "absorbed"), NamedNode(m.absorbed)),
        Triple(node, NamedNode(KG + "mergedInto"), NamedNode(m.merged_into)),
        Triple(node, NamedNode(KG + "mergeReason"), Literal(m.reason)),
        Triple(node, NamedNode(DCT + "creator"), Literal(who)),
        Triple(
            node,
            NamedNode(DCT + "created"),
            Literal(today, datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ),
        Triple(NamedNode(m.absorbed), NamedNode(DCT + "isReplacedBy"), NamedNode(m.merged_into)),
        # What unmerge needs to give the absorbed actor back its own node.
        Triple(
            NamedNode(m.absorbed), NamedNode(SKOS + "prefLabel"), Literal(m.absorbed_label, language="en")
        ),
        Triple(NamedNode(m.absorbed), NamedNode(DCT + "type"), NamedNode(KG + m.absorbed_type)),
        *(Triple(node, NamedNode(SKOS + "altLabel"), Literal(a, language="en")) for a in m.aliases),
        *(Triple(node, NamedNode(PROV + "generated"), NamedNode(g)) for g in m.generated),
    ]
    if m.note:
        out.append(Triple(node, NamedNode(SKOS + "editorialNote"), Literal(m.note, language="en")))
    return out


def _check_shapes(
    backend: OxigraphBackend, new: list[Triple], problems: list[Problem], prepared: Sequence[_Prepared] = ()
) -> None:
    """The shipped shapes over what is added and what it points at in the graph; a violation
    is reported at the file and line of the claim, actor or source it is about."""
    from kgraph.api import KGraph
    from kgraph.validation import validate

    nodes = {t.object for t in new if isinstance(t.object, NamedNode)} | {
        t.subject for t in new if isinstance(t.subject, NamedNode)
    }
    context = construct(
        backend,
        # A source already in the graph is not among the new triples: bring its text's
        # SHA-256 and length, which offsets into it are checked against.
        "CONSTRUCT { ?s a ?t . ?s skos:prefLabel ?l . ?s schema:sha256 ?h . ?s kg:textLength ?n } "
        "WHERE { "
        + values_block("s", sorted(nodes, key=str))
        + " ?s a ?t . OPTIONAL { ?s skos:prefLabel ?l } OPTIONAL { ?s schema:sha256 ?h } "
        "OPTIONAL { ?s kg:textLength ?n } }",
    )
    store = Store()
    store.extend(Quad(t.subject, t.predicate, t.object) for t in [*new, *context])
    report = validate(KGraph(OxigraphBackend(store, "the triples to add")))
    where: dict[str, tuple[ClaimsFile, Loc]] = {}
    for p in prepared:
        for i, c in enumerate(p.dataset.claims):
            where[claim_iri(c, claim_source(c, p.dataset.default_source)).value] = (p.cf, ("claims", i))
        for kind in ("actors", "events"):
            for i, e in enumerate(getattr(p.dataset, kind)):
                where.setdefault(entity_iri(e.id).value, (p.cf, (kind, i)))
    for v in report.violations:
        found = where.get(v.iri)
        if found is not None:
            cf, loc = found
            problems.append(cf.problem(loc, f"{v.message} (rule {v.rule})"))
        else:
            problems.append(Problem("graph", None, (), f"{v.focus}: {v.rule}: {v.message}"))


__all__ = ["AddResult", "ClaimChange", "FileResult", "Merge", "add", "differences", "same_statement"]
