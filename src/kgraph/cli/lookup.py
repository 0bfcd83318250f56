"""Look-up verbs: show, claims, actors, sources, events, stats, path, neighbors.

Each verb parses its options, makes one call on :class:`kgraph.api.KGraph`, and prints the
result through
:func:`kgraph.cli.render.render_rows` (the card of ``show`` is laid out here, being text
rather than rows). Library modules are imported inside the verbs so that
``kgraph --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kgraph.cli.base import (
    ROW_FORMATS,
    EndpointKindOption,
    EndpointOption,
    ExactOption,
    FormatOption,
    GraphOption,
    StoreOption,
    TimeoutOption,
    WideOption,
    app,
    check_choice,
    complete_name,
    fail,
    open_graph,
    table_width,
)

if TYPE_CHECKING:
    from kgraph.lookup import ActorCard, ClaimView, EntityRef, Hop, LiteralRef
    from kgraph.views import CountedClaimView

SourceTextOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--source-text",
        metavar="PATH",
        help="Your copy of a source document (repeatable). When its SHA-256 matches one in the graph, "
        "evidence is quoted from it; any other file is refused.",
        show_default=False,
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since", help="Only what overlaps this date or later (YYYY, YYYY-MM or YYYY-MM-DD).", metavar="DATE"
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option(
        "--until",
        help="Only what overlaps this date or earlier (YYYY, YYYY-MM or YYYY-MM-DD).",
        metavar="DATE",
    ),
]

CLAIM_TABLE = ["subject", "relation", "object", "figure", "modality", "attributed_to", "sources", "evidence"]
"""``sources``: independent origins agreeing with the claim (only ``kgraph claims`` has it; ``show``
prints its card instead of this table)."""


def _statement_columns(counted: bool = True) -> list[str]:
    """The statement table's columns (:data:`kgraph.views.STATEMENT_COLUMNS`, shared with
    ``kgraph export -o x.csv``); a card's claims carry no ``sources`` count."""
    from kgraph.views import STATEMENT_COLUMNS

    return [c for c in STATEMENT_COLUMNS if counted or c != "sources"]


LINK_COLUMNS = ["figure", "modality", "attributed_to", "claim", "evidence"]


def _emit(
    fmt: str,
    flat: Sequence[Mapping[str, Any]],
    table: Sequence[str],
    columns: Sequence[str] | None = None,
    nested: Sequence[Any] | None = None,
    whole: Any = None,
) -> None:
    """Print one result. JSON keeps the nested models (``whole`` for one-object results); the
    other formats print the flat rows: ``table`` columns on screen, ``columns`` in files."""
    from kgraph.cli.render import render_object, render_rows

    if fmt == "json" and whole is not None:
        text = render_object(whole)
    elif fmt in ("json", "jsonl"):
        text = render_rows(nested if nested is not None else flat, fmt)
    else:
        cols = list(table if fmt == "table" else (columns or table))
        for extra in ("via", "quote"):
            if fmt == "table" and any(r.get(extra) for r in flat) and extra not in cols:
                cols.append(extra)
        text = render_rows(flat, fmt, cols, width=table_width() if fmt == "table" else None)
        if fmt == "table" and _has_mark(flat, cols):
            from kgraph.present import CURATORS_LEGEND

            text += CURATORS_LEGEND + "\n"
    typer.echo(text, nl=False)


def _has_mark(rows: Sequence[Mapping[str, Any]], cols: Sequence[str]) -> bool:
    from kgraph.present import CURATORS_MARK

    return any(CURATORS_MARK in str(r.get(c) or "") for r in rows for c in cols)


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json")


def _paths(values: list[Path] | None) -> list[Path]:
    return list(values or [])


# ---------------------------------------------------------------- show


def _modality_phrase(claim: ClaimView) -> str:
    if not claim.attributed_to:
        return claim.modality_label
    who = ", via ".join(a.label for a in claim.attributed_to)
    joiner = " by " if claim.modality == "reported" else ", per "
    return claim.modality_label + joiner + who


def _details(claim: ClaimView, lead: str) -> str:
    from kgraph.lookup import evidence_text
    from kgraph.present import mark

    modality = mark(_modality_phrase(claim), claim.by_curators)
    parts = [lead, claim.figure, modality, evidence_text(claim.evidence)]
    return " · ".join(p for p in parts if p)


def _quotes(claim: ClaimView, indent: str) -> list[str]:
    return [f"{indent}“{' '.join(e.exact.split())}”" for e in claim.evidence if e.exact is not None]


def _name(ref: EntityRef | LiteralRef) -> str:
    return ref.label if hasattr(ref, "label") else ref.value


def card_text(card: ActorCard) -> str:
    """The card as a person reads it: facts first, then claims grouped by relation."""
    from kgraph.views import evidence_text, via_text

    fields = [
        ("id", card.id if ":" in card.id else f"kgr:{card.id}"),
        ("type", card.type),
        ("aliases", ", ".join(card.aliases)),
        ("when", card.when or ""),
        ("about", " ".join((card.description or "").split())),
        *[(x.scheme, f"{x.id} (added by the curators, not by the source)") for x in card.external_ids],
        ("mentioned", evidence_text(card.mentions)),
    ]
    width = max(len(k) for k, v in fields if v)
    lines = [card.label] + [f"  {k.ljust(width)}  {v}" for k, v in fields if v]
    lines += [f"  {' ' * width}  “{' '.join(e.exact.split())}”" for e in card.mentions if e.exact is not None]

    def section(title: str, body: list[str]) -> None:
        if body:
            lines.extend(["", title, *body])

    def count(n: int) -> str:
        # Counts only on a card with claims left out: a whole card reads as it always has.
        return f" ({n:,})" if card.truncated else ""

    def more(shown: int, total: int, indent: str) -> list[str]:
        return [f"{indent}… {total - shown:,} more not shown"] if total > shown else []

    for groups, title in (
        (card.outgoing, f"Relations: {card.label} → …"),
        (card.incoming, f"Relations: … → {card.label}"),
    ):
        body = []
        for group in groups:
            outgoing = group.direction == "outgoing"
            label = group.predicate.label
            body.append((f"  {label} →" if outgoing else f"  ← {label}") + count(group.total))
            for c in group.claims:
                body.append("    " + _details(c, _name(c.object if outgoing else c.subject)))
                body += _quotes(c, "      ")
            body += more(len(group.claims), group.total, "    ")
        section(title + count(sum(g.total for g in groups)), body)
    body = []
    for c in card.properties:
        body += ["  " + _details(c, f"{c.predicate.label}: {_name(c.object)}"), *_quotes(c, "    ")]
    section(
        "Properties" + count(card.properties_total),
        body + more(len(card.properties), card.properties_total, "  "),
    )
    when_width = max((len(p.when or "undated") for p in card.events), default=0)
    body = []
    for p in card.events:
        body.append(f"  {(p.when or 'undated').ljust(when_width)}  " + _details(p.claim, p.event.label))
        body += _quotes(p.claim, "    ")
    section("Events" + count(card.events_total), body + more(len(card.events), card.events_total, "  "))
    body = []
    for c in card.attributed:
        lead = f"{c.subject.label} {c.predicate.label} {_name(c.object)}"
        body += ["  " + _details(c, lead), *_quotes(c, "    ")]
    section(
        f"Claims attributed to {card.label}" + count(card.attributed_total),
        body + more(len(card.attributed), card.attributed_total, "  "),
    )
    body = []
    for c in card.through:
        lead = f"{c.subject.label} {c.predicate.label} {_name(c.object)}"
        body += ["  " + _details(c, lead), f"    {via_text(c.via)}", *_quotes(c, "    ")]
    section(
        "Through its parts, members and events (--exact leaves them out)" + count(card.through_total),
        body + more(len(card.through), card.through_total, "  "),
    )
    if card.truncated:
        lines += ["", _left_out(card)]
    text = "\n".join(lines) + "\n"
    from kgraph.present import CURATORS_LEGEND, CURATORS_MARK

    return text + ("\n" + CURATORS_LEGEND + "\n" if CURATORS_MARK in text else "")


def _left_out(card: ActorCard) -> str:
    shown = len(card.statements())
    return (
        f"Showing {shown:,} of {card.total:,} claims: the first {card.limit} of each relation and "
        "section; --limit N shows more of each, --all every one."
    )


@app.command("show")
def show_command(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="Actor or event: label, alias, slug, CURIE or IRI.",
            autocompletion=complete_name,
        ),
    ],
    source_text: SourceTextOption = None,
    exact: ExactOption = False,
    graph: GraphOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    timeout: TimeoutOption = 30.0,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            metavar="N",
            # kgraph.lookup.SHOW_WHOLE and SHOW_LIMIT, written out: importing it here would slow
            # every command's start (tests/test_paging.py checks they agree).
            help="At most N claims of each relation and section (default: all of them on a card of "
            "up to 250 claims, else 10); the counts say how many there are.",
            show_default=False,
        ),
    ] = None,
    all_claims: Annotated[
        bool, typer.Option("--all", help="Every claim, however many (no --limit).")
    ] = False,
    fmt: FormatOption = "table",
    wide: WideOption = False,
) -> None:
    """An actor's or event's card: names, ids, and the claims about it, grouped by relation (on a
    big card, how many of each and the first few)."""
    fmt = check_choice(fmt, ROW_FORMATS, "--format")
    if all_claims and limit is not None:
        from kgraph.errors import UsageError

        raise UsageError("give --limit or --all, not both")
    card = open_graph(graph, store, endpoint, endpoint_kind, timeout).show(
        name,
        source_texts=_paths(source_text),
        exact=exact,
        limit=None if all_claims else ("auto" if limit is None else limit),
    )
    if fmt == "table":
        typer.echo(card_text(card), nl=False)
        return
    if card.truncated:
        fail(_left_out(card))
    statements = card.statements()
    flat = [{"section": section, **c.row()} for section, c in statements]
    nested = [{"section": section, **_dump(c)} for section, c in statements]
    _emit(fmt, flat, ["section", *CLAIM_TABLE], ["section", *_statement_columns(False)], nested, _dump(card))


# ---------------------------------------------------------------- claims


def _many(flag: str, short: str, metavar: str, text: str) -> Any:
    """A repeatable filter option: several values accept any of them; a NAME completes on Tab."""
    names = [f for f in (flag, short) if f]
    return typer.Option(
        *names,
        metavar=metavar,
        help=text + " Repeat for any of several.",
        show_default=False,
        autocompletion=complete_name if metavar == "NAME" else None,
    )


@app.command("claims")
def claims_command(
    id_: Annotated[
        list[str] | None,
        _many(
            "--id",
            "",
            "ID",
            "The claim itself: its key, its CURIE (kgr:claim-…, as path and neighbors print it) or its IRI.",
        ),
    ] = None,
    about: Annotated[
        list[str] | None,
        _many("--about", "-a", "NAME", "Actor or event as subject or object."),
    ] = None,
    between: Annotated[
        list[str] | None,
        typer.Option(
            "--between",
            metavar="NAME",
            autocompletion=complete_name,
            help="Give it twice: only claims linking the two actors or events, either way round "
            "(one the subject or object, the other the object, subject, who says it or the event it "
            "runs from).",
            show_default=False,
        ),
    ] = None,
    predicate: Annotated[
        list[str] | None,
        _many(
            "--predicate",
            "-p",
            "P",
            "Relation: suppliesArmsTo, kg:suppliesArmsTo, an IRI or 'supplies arms to'.",
        ),
    ] = None,
    source: Annotated[
        list[str] | None, _many("--source", "-s", "S", "Source document: id, file name or title.")
    ] = None,
    attributed_to: Annotated[
        list[str] | None, _many("--attributed-to", "", "NAME", "Who the source says makes the claim.")
    ] = None,
    modality: Annotated[
        list[str] | None,
        _many("--modality", "-m", "M", "asserted, reported, alleged (hedged), analysis or curatorInferred."),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    exact: ExactOption = False,
    source_text: SourceTextOption = None,
    graph: GraphOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    timeout: TimeoutOption = 30.0,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            metavar="N",
            help="At most N claims (default: all of them; in a table on screen, the first 1000).",
            show_default=False,
        ),
    ] = None,
    offset: Annotated[
        int, typer.Option("--offset", metavar="N", help="Skip the first N claims of the list.")
    ] = 0,
    fmt: FormatOption = "table",
    wide: WideOption = False,
) -> None:
    """Claims, filtered: different options must all hold; a repeated option accepts any of its values."""
    fmt = check_choice(fmt, ROW_FORMATS, "--format")
    table = fmt == "table"
    pages = open_graph(graph, store, endpoint, endpoint_kind, timeout).claim_pages(
        id=id_ or None,
        about=about or None,
        between=between,
        predicate=predicate or None,
        source=source or None,
        attributed_to=attributed_to or None,
        modality=modality or None,
        since=since,
        until=until,
        source_texts=_paths(source_text),
        exact=exact,
        limit=TABLE_CLAIMS if table and limit is None else limit,
        offset=offset,
    )
    if table:
        found = [c for page in pages for c in page]
        _emit(fmt, [_table_row(c, fmt) for c in found], CLAIM_TABLE, _statement_columns())
    else:
        _stream_claims(fmt, pages)
    shown = max(min(pages.total - offset, pages.limit if pages.limit is not None else pages.total), 0)
    if shown < pages.total:
        fail(
            f"showing claims {offset + 1 if shown else offset}–{offset + shown} of {pages.total:,}; "
            "--limit N and --offset N page through them"
            + (", -f csv or -f jsonl gives all of them" if table and limit is None else "")
        )


TABLE_CLAIMS = 1000
"""Claims a table on screen shows unless ``--limit`` says otherwise: its columns are fitted to
every row, so it is printed only once all are read (the other formats are written as they come)."""


def _stream_claims(fmt: str, pages: Iterable[Sequence[CountedClaimView]]) -> None:
    """Each page of claims written as soon as it is read: one header for csv/tsv, one JSON array."""
    import json

    from kgraph.cli.render import render_rows

    first = True
    columns = _statement_columns()
    for page in pages:
        if fmt == "json":
            for c in page:
                item = json.dumps(_dump(c), ensure_ascii=False, indent=2, default=str)
                typer.echo(("[\n  " if first else ",\n  ") + item.replace("\n", "\n  "), nl=False)
                first = False
            continue
        rows = [_dump(c) for c in page] if fmt == "jsonl" else [_table_row(c, fmt) for c in page]
        text = render_rows(rows, fmt, columns)
        if not first and fmt in ("csv", "tsv"):
            text = text.split("\n", 1)[1]  # the header is written once
        typer.echo(text, nl=False)
        first = False
    if fmt == "json":
        typer.echo("[]" if first else "\n]")
    elif first and fmt in ("csv", "tsv"):
        typer.echo(render_rows([], fmt, columns), nl=False)


def _table_row(claim: ClaimView, fmt: str) -> dict[str, Any]:
    """A claim's flat row; on screen a curator-inferred claim's modality carries the mark."""

    from kgraph.present import mark

    row = claim.row()
    if fmt == "table":
        row["modality"] = mark(str(row["modality"]), claim.by_curators)
    return row


# ---------------------------------------------------------------- actors, sources, events, stats


@app.command("actors")
def actors_command(
    type_: Annotated[
        str | None,
        typer.Option(
            "--type", "-t", metavar="T", help="Only actors of this class: State, Company, 'armed group'…"
        ),
    ] = None,
    graph: GraphOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    timeout: TimeoutOption = 30.0,
    fmt: FormatOption = "table",
    wide: WideOption = False,
) -> None:
    """The actors: id, label, type, aliases, Wikidata id, and how many claims involve each."""
    fmt = check_choice(fmt, ROW_FORMATS, "--format")
    found = open_graph(graph, store, endpoint, endpoint_kind, timeout).actors(type=type_)
    table = ["id", "label", "type", "aliases", "wikidata", "claims"]
    _emit(
        fmt, [a.model_dump() for a in found], table, [*table, "description", "iri"], [_dump(a) for a in found]
    )


@app.command("sources")
def sources_command(
    graph: GraphOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    timeout: TimeoutOption = 30.0,
    fmt: FormatOption = "table",
    wide: WideOption = False,
) -> None:
    """The source documents, with the SHA-256 and length that let anyone check a copy of the text."""
    fmt = check_choice(fmt, ROW_FORMATS, "--format")
    from kgraph.models import SOURCE_RECORD_FIELDS
    from kgraph.present import mark

    found = open_graph(graph, store, endpoint, endpoint_kind, timeout).sources()
    flat = []
    for s in found:
        row = s.model_dump()
        for name in s.not_stated:
            row[name] = "not stated"
        row["not_stated"] = "; ".join(s.not_stated) or None
        if fmt == "table":  # the full hash is in every other format
            row["sha256"] = row["sha256"][:12] + "…" if row["sha256"] else None
            row["title"] = mark(row["title"], s.title_by_curators)
        flat.append(row)
    record = list(SOURCE_RECORD_FIELDS)
    columns = ["id", "title", "title_by_curators", "claims", "length", "language", "file_name", "sha256"]
    columns += [*record, "not_stated", "description", "iri"]
    # On screen, only the record fields some source gives or declares not stated.
    table = ["id", "title", "claims", "length", "sha256", *(f for f in record if any(r.get(f) for r in flat))]
    _emit(fmt, flat, table, columns, [_dump(s) for s in found])


@app.command("events")
def events_command(
    participant: Annotated[
        list[str] | None, _many("--participant", "", "NAME", "Only events this actor took part in.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    exact: ExactOption = False,
    graph: GraphOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    timeout: TimeoutOption = 30.0,
    fmt: FormatOption = "table",
    wide: WideOption = False,
) -> None:
    """A timeline of the events, oldest first, each date at its own precision; undated events last."""
    from kgraph.dates import marked_period

    fmt = check_choice(fmt, ROW_FORMATS, "--format")
    found = open_graph(graph, store, endpoint, endpoint_kind, timeout).events(
        since=since, until=until, participant=participant or None, exact=exact
    )
    flat = [
        {
            "when": marked_period(e.date, e.start, e.end, e.by_curators) if fmt == "table" else e.when,
            "by_curators": "; ".join(e.by_curators) or None,
            "event": e.label,
            "id": e.id,
            "date": e.date,
            "start": e.start,
            "end": e.end,
            "participants": [p.label for p in e.participants],
            "locations": [p.label for p in e.locations],
            "description": e.description,
        }
        for e in found
    ]
    columns = [
        *("when", "event", "id", "date", "start", "end", "by_curators", "participants", "locations"),
        "description",
    ]
    _emit(fmt, flat, ["when", "event", "participants"], columns, [_dump(e) for e in found])


@app.command("stats")
def stats_command(
    graph: GraphOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    timeout: TimeoutOption = 30.0,
    fmt: FormatOption = "table",
    wide: WideOption = False,
) -> None:
    """Counts: triples, actors by type, claims by predicate, modality and source."""
    fmt = check_choice(fmt, ROW_FORMATS, "--format")
    s = open_graph(graph, store, endpoint, endpoint_kind, timeout).stats()
    rows: list[dict[str, Any]] = [
        {"group": "graph", "item": item, "count": getattr(s, item)}
        for item in ("triples", "actors", "events", "claims", "sources", "external_ids")
    ]
    for group, counts in (
        ("actor type", s.actors_by_type),
        ("predicate", s.claims_by_predicate),
        ("modality", s.claims_by_modality),
        ("source", s.claims_by_source),
    ):
        rows += [{"group": group, "item": k, "count": v} for k, v in counts.items()]
    _emit(fmt, rows, ["group", "item", "count"], whole=_dump(s))


# ---------------------------------------------------------------- path, neighbors


def _link_rows(hop: Hop, lead: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A hop's claims as rows that read left to right: ``from  relation →  to``."""
    from kgraph.lookup import evidence_text
    from kgraph.namespaces import compact_iri

    rows = []
    for link in hop.links:
        c = link.claim
        rows.append(
            {
                **lead,
                "from": hop.from_.label,
                "relation": f"{c.predicate.label} →"
                if link.direction == "forward"
                else f"← {c.predicate.label}",
                "to": hop.to.label,
                "direction": link.direction,
                "figure": c.figure,
                "modality": c.modality,
                "attributed_to": "; ".join(a.label for a in c.attributed_to),
                "claim": compact_iri(c.id),
                "evidence": evidence_text(c.evidence),
            }
        )
    return rows


@app.command("path")
def path_command(
    a: Annotated[
        str,
        typer.Argument(
            metavar="A", help="Where the path starts (actor or event).", autocompletion=complete_name
        ),
    ],
    b: Annotated[str, typer.Argument(metavar="B", help="Where it ends.", autocompletion=complete_name)],
    max_hops: Annotated[int, typer.Option("--max-hops", metavar="N", help="Longest path to look for.")] = 4,
    limit: Annotated[int, typer.Option("--limit", metavar="N", help="At most this many paths.")] = 10,
    all_paths: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every path of at most --max-hops hops (no actor twice), not only the shortest: "
            "fewest hops first, then the firmest, then those with the most claims.",
        ),
    ] = False,
    graph: GraphOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    timeout: TimeoutOption = 30.0,
    fmt: FormatOption = "table",
    wide: WideOption = False,
) -> None:
    """How two actors are connected: the shortest chains of claims (with --all, every chain within
    --max-hops), followed in either direction."""
    fmt = check_choice(fmt, ROW_FORMATS, "--format")
    result = open_graph(graph, store, endpoint, endpoint_kind, timeout).path(
        a, b, max_hops=max_hops, limit=limit, all_paths=all_paths
    )
    hops = "1 hop" if max_hops == 1 else f"{max_hops} hops"
    if not result.paths:
        fail(f"no path between {result.from_.label} and {result.to.label} within {hops}")
    elif result.truncated and all_paths:
        from kgraph.lookup import MAX_ALL_PATHS_CONSIDERED

        more = "more than " if result.found >= MAX_ALL_PATHS_CONSIDERED else ""
        fail(
            f"showing {limit} of {more}{result.found} paths within {hops} "
            f"({more}{result.found - limit} cut); raise --limit to see more"
        )
    elif result.truncated:
        fail(f"showing {limit} of {result.found} shortest paths; raise --limit to see more")
    flat = [
        row
        for n, p in enumerate(result.paths, 1)
        for h, hop in enumerate(p.hops, 1)
        for row in _link_rows(hop, {"path": n, "hop": h})
    ]
    ends = ["path", "hop", "from", "relation", "to"]
    _emit(
        fmt,
        flat,
        [*ends, *LINK_COLUMNS],
        [*ends, "direction", *LINK_COLUMNS],
        [_dump(p) for p in result.paths],
        _dump(result),
    )


@app.command("neighbors")
def neighbors_command(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help="The actor or event at the centre.", autocompletion=complete_name
        ),
    ],
    depth: Annotated[int, typer.Option("--depth", metavar="N", help="How many hops out to go.")] = 1,
    budget: Annotated[
        int,
        typer.Option(
            "--budget",
            metavar="N",
            help="Collect at most this many actors and events; past it the walk stops expanding "
            "and says on stderr how many it left out.",
        ),
    ] = 500,
    exact: ExactOption = False,
    graph: GraphOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    endpoint_kind: EndpointKindOption = "auto",
    timeout: TimeoutOption = 30.0,
    fmt: FormatOption = "table",
    wide: WideOption = False,
) -> None:
    """Actors and events within --depth hops, each with the claims that connect it."""
    fmt = check_choice(fmt, ROW_FORMATS, "--format")
    result = open_graph(graph, store, endpoint, endpoint_kind, timeout).neighbors(
        name, depth=depth, exact=exact, budget=budget
    )
    if result.truncated:
        fail(
            f"kept {budget} actors and events (--budget) and left out {result.cut:,} more it reached, "
            "and what lies beyond them; raise --budget to see them"
        )
    flat = [
        row
        for n in result.neighbors
        for hop in n.hops
        for row in _link_rows(
            hop, {"distance": n.distance, "neighbor": n.entity.label, "type": n.entity.type}
        )
    ]
    table = ["distance", "from", "relation", "to", *LINK_COLUMNS]
    columns = ["distance", "neighbor", "type", "from", "relation", "to", "direction", *LINK_COLUMNS]
    _emit(fmt, flat, table, columns, [_dump(n) for n in result.neighbors], _dump(result))
