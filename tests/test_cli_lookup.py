"""The look-up verbs end to end, on the tiny invented graph: exact output, every format, every exit code."""

# ruff: noqa: E501  (exact tables are wider than a source line)

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from .conftest import TINY_TEXT, TINY_TTL

G = ("--graph", str(TINY_TTL))


def csv_rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


# ---------------------------------------------------------------- show


BETASTAN_CARD = """\
Betastan
  id         kgr:betastan
  type       State
  aliases    Beta City, Betastani
  mentioned  tiny@25-33

Relations: Betastan → …
  attacked →
    Délta Valley · 2021-03 · asserted · tiny@154-211
  grants a base to →
    Alphaland Intelligence Service · alleged (hedged) · tiny@212-283

Relations: … → Betastan
  ← ally of
    Alphaland · analysis · tiny@284-345
  ← provided mapping to
    Omega Corp & "Sons" <Ltd> · maps of the Delta Valley · asserted · tiny@346-403
  ← supplies arms to
    Alphaland · 60% of Betastan's arms imports, drones, 2015–2019 · reported by Gamma Institute · tiny@0-153

Events
  2021-03  Attack on the Delta Valley · asserted · tiny@154-211

Through its parts, members and events (--exact leaves them out)
  Attack on the Delta Valley date 2021-03 · asserted · tiny@154-211
    via Attack on the Delta Valley (participant)
  Attack on the Delta Valley location Délta Valley · curator-inferred* · tiny@154-211
    via Attack on the Delta Valley (participant)

* added by the curators: not stated in the source
"""


def test_show_card(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("show", "Betastani", *G)
    assert (r.code, r.err) == (0, "")
    assert r.out == BETASTAN_CARD


def test_show_event_card(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("show", "attack on the delta valley", *G)
    assert (
        r.out
        == """\
Attack on the Delta Valley
  id         kgr:delta-attack-2021
  type       Event
  when       2021-03
  mentioned  tiny@154-211

Relations: Attack on the Delta Valley → …
  location →
    Délta Valley · curator-inferred* · tiny@154-211
  participant →
    Betastan · asserted · tiny@154-211

Properties
  date: 2021-03 · asserted · tiny@154-211

* added by the curators: not stated in the source
"""
    )


def test_show_who_is_cited(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("show", "GI", *G)
    assert r.out.endswith(
        "Claims attributed to Gamma Institute\n"
        "  Alphaland supplies arms to Betastan · 60% of Betastan's arms imports, drones, 2015–2019 · "
        "reported by Gamma Institute · tiny@0-153\n"
    )


def test_show_with_source_text_quotes_each_span(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("show", "Alphaland", *G, "--source-text", TINY_TEXT)
    assert r.code == 0
    assert (
        r.out
        == """\
Alphaland
  id         kgr:alphaland
  type       State
  aliases    Alpha
  mentioned  tiny@0-9
             “Alphaland”

Relations: Alphaland → …
  ally of →
    Betastan · analysis · tiny@284-345
      “The author judges that the partnership matters to both sides.”
  supplies arms to →
    Betastan · 60% of Betastan's arms imports, drones, 2015–2019 · reported by Gamma Institute · tiny@0-153
      “Alphaland sold drones to Betastan between 2015 and 2019, according to the Gamma Institute, which put \
Alphaland's share of Betastan's arms imports at 60%.”
"""
    )


def test_show_json_is_one_object(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("show", "Betastan", *G, "--format", "json")
    card = json.loads(r.out)
    assert (card["id"], card["kind"], card["type"], card["aliases"]) == (
        "betastan",
        "actor",
        "State",
        ["Beta City", "Betastani"],
    )
    arms = card["incoming"][2]["claims"][0]
    assert set(arms) >= {
        "id",
        "key",
        "text",
        "subject",
        "predicate",
        "object",
        "qualifiers",
        "modality",
        "attributed_to",
        "source",
        "evidence",
    }
    assert arms["subject"] == {
        "id": "alphaland",
        "label": "Alphaland",
        "iri": "https://w3id.org/kgraph/id/alphaland",
        "type": "State",
    }
    assert arms["qualifiers"]["share"] == 0.6
    assert arms["evidence"] == [{"source": "tiny", "start": 0, "end": 153}]
    assert card["events"][0]["when"] == "2021-03"


def test_show_csv_and_jsonl_list_the_card_claims(run_cli) -> None:  # type: ignore[no-untyped-def]
    rows = csv_rows(run_cli("show", "Betastan", *G, "-f", "csv").out)
    assert [(r["section"], r["key"]) for r in rows] == [
        ("outgoing", "attack"),
        ("outgoing", "base"),
        ("incoming", "alliance"),
        ("incoming", "mapping"),
        ("incoming", "arms-share"),
        ("event", "attack-participant"),
        ("through", "attack-date"),
        ("through", "attack-location"),
    ]
    assert [r["via"] for r in rows[-2:]] == ["via Attack on the Delta Valley (participant)"] * 2
    lines = run_cli("show", "Betastan", *G, "-f", "jsonl").out.splitlines()
    assert [json.loads(x)["section"] for x in lines] == [r["section"] for r in rows]
    tsv = csv_rows(run_cli("show", "Betastan", *G, "-f", "tsv").out, "\t")
    assert [r["key"] for r in tsv] == [r["key"] for r in rows]


# ---------------------------------------------------------------- claims


ALL_CLAIMS = """\
subject                     relation             object                          figure                                             modality          attributed_to    sources  evidence
--------------------------  -------------------  ------------------------------  -------------------------------------------------  ----------------  ---------------  -------  ------------
Alphaland                   ally of              Betastan                                                                           analysis                           1        tiny@284-345
Alphaland                   supplies arms to     Betastan                        60% of Betastan's arms imports, drones, 2015–2019  reported          Gamma Institute  1        tiny@0-153
Attack on the Delta Valley  date                 2021-03                                                                            asserted                           1        tiny@154-211
Attack on the Delta Valley  location             Délta Valley                                                                       curatorInferred*                   1        tiny@154-211
Attack on the Delta Valley  participant          Betastan                                                                           asserted                           1        tiny@154-211
Betastan                    attacked             Délta Valley                    2021-03                                            asserted                           1        tiny@154-211
Betastan                    grants a base to     Alphaland Intelligence Service                                                     alleged                            1        tiny@212-283
Omega Corp & "Sons" <Ltd>   provided mapping to  Betastan                        maps of the Delta Valley                           asserted                           1        tiny@346-403
* added by the curators: not stated in the source
"""


def test_claims_table(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("claims", *G)
    assert (r.code, r.out, r.err) == (0, ALL_CLAIMS, "")


def test_claims_filtered(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("claims", "--about", "Alpha", "--predicate", "supplies arms to", *G)
    assert (
        r.out
        == """\
subject    relation          object    figure                                             modality  attributed_to    sources  evidence
---------  ----------------  --------  -------------------------------------------------  --------  ---------------  -------  ----------
Alphaland  supplies arms to  Betastan  60% of Betastan's arms imports, drones, 2015–2019  reported  Gamma Institute  1        tiny@0-153
"""
    )


@pytest.mark.parametrize(
    ("args", "keys"),
    [
        (("--modality", "hedged"), ["base"]),
        (("-m", "curator-inferred", "-m", "analysis"), ["alliance", "attack-location"]),
        (("--attributed-to", "Gamma Institute"), ["arms-share"]),
        (("--source", "tiny", "--about", "AIS", "--about", "Omega_Corp_Sons_Ltd"), ["base", "mapping"]),
        (("-p", "kg:attacked", "-p", "allyOf"), ["alliance", "attack"]),
        (("--since", "2022-12", "--until", "2022-12"), []),
        (
            ("--since", "2019"),
            ["arms-share", "attack-date", "attack-location", "attack-participant", "attack"],
        ),
        (("--until", "2015-01-01"), ["arms-share"]),
    ],
)
def test_claims_filters_in_json(run_cli, args: tuple[str, ...], keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("claims", *args, *G, "--format", "json")
    assert r.code == 0
    assert [c["key"] for c in json.loads(r.out)] == keys


def test_claims_json_objects(run_cli) -> None:  # type: ignore[no-untyped-def]
    [claim] = json.loads(run_cli("claims", "-p", "dcterms:date", *G, "-f", "json").out)
    assert claim["text"] == "The attack on the Delta Valley took place in March 2021."
    assert claim["predicate"] == {
        "id": "dcterms:date",
        "label": "date",
        "iri": "http://purl.org/dc/terms/date",
    }
    assert claim["object"] == {"value": "2021-03", "datatype": "xsd:gYearMonth", "language": None}
    assert claim["qualifiers"] == {} and claim["attributed_to"] == []
    assert claim["modality"] == "asserted"


def test_claims_jsonl_csv_tsv_agree(run_cli) -> None:  # type: ignore[no-untyped-def]
    jsonl = [json.loads(x) for x in run_cli("claims", *G, "-f", "jsonl").out.splitlines()]
    rows = csv_rows(run_cli("claims", *G, "-f", "csv").out)
    tsv = csv_rows(run_cli("claims", *G, "-f", "tsv").out, "\t")
    assert [c["id"] for c in jsonl] == [r["id"] for r in rows] == [r["id"] for r in tsv]
    assert len(rows) == 8
    arms = next(r for r in rows if r["key"] == "arms-share")
    assert (
        arms["subject"],
        arms["predicate"],
        arms["object_id"],
        arms["share"],
        arms["start"],
        arms["end"],
    ) == ("Alphaland", "kg:suppliesArmsTo", "betastan", "0.6", "2015", "2019")
    assert (arms["attributed_to"], arms["source"], arms["evidence"]) == (
        "Gamma Institute",
        "tiny",
        "tiny@0-153",
    )
    omega = next(r for r in rows if r["key"] == "mapping")
    assert omega["subject"] == 'Omega Corp & "Sons" <Ltd>'  # quotes survive CSV quoting


def test_claims_table_quotes_with_source_text(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("claims", "-p", "attacked", *G, "--source-text", TINY_TEXT)
    header = r.out.splitlines()[0].split()
    assert header[-1] == "quote"
    assert r.out.splitlines()[2].endswith("In March 2021, Betastan's army attacked the Delta Valley.")


def test_claims_by_id_takes_what_path_prints(run_cli) -> None:  # type: ignore[no-untyped-def]
    rows = csv_rows(run_cli("path", "AIS", "omega-corp", *G, "-f", "csv").out)
    ids = [r["claim"] for r in rows]  # kgr:claim-…
    r = run_cli("claims", "--id", ids[0], "--id", "mapping", *G)
    assert (r.code, r.err) == (0, "")
    assert (
        r.out
        == """\
subject                    relation             object                          figure                    modality  attributed_to  sources  evidence
-------------------------  -------------------  ------------------------------  ------------------------  --------  -------------  -------  ------------
Betastan                   grants a base to     Alphaland Intelligence Service                            alleged                  1        tiny@212-283
Omega Corp & "Sons" <Ltd>  provided mapping to  Betastan                        maps of the Delta Valley  asserted                 1        tiny@346-403
"""
    )
    [claim] = json.loads(run_cli("claims", "--id", ids[1], *G, "-f", "json").out)
    assert (claim["key"], "kgr:" + claim["id"].rsplit("/", 1)[1]) == ("mapping", ids[1])
    [row] = csv_rows(run_cli("claims", "--id", f"<{claim['id']}>", *G, "-f", "csv").out)
    assert (row["id"], row["key"]) == (claim["id"], "mapping")


def test_empty_result_is_a_success(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("claims", "--about", "GI", *G)
    assert (r.code, r.out, r.err) == (0, "(no results)\n", "")
    assert run_cli("claims", "--about", "GI", *G, "-f", "json").out == "[]\n"
    assert run_cli("claims", "--about", "GI", *G, "-f", "jsonl").out == ""
    assert run_cli("claims", "--about", "GI", *G, "-f", "csv").out.startswith("id,key,subject,")


# ---------------------------------------------------------------- actors, sources, events, stats


def test_actors(run_cli) -> None:  # type: ignore[no-untyped-def]
    assert (
        run_cli("actors", *G).out
        == """\
id               label                           type                  aliases               wikidata  claims
---------------  ------------------------------  --------------------  --------------------  --------  ------
alphaland        Alphaland                       State                 Alpha                           2
alpha-intel      Alphaland Intelligence Service  IntelligenceAgency    AIS                             1
betastan         Betastan                        State                 Beta City; Betastani            6
delta-valley     Délta Valley                    Territory             the valley                      2
gamma-institute  Gamma Institute                 ResearchOrganization  GI                              0
omega-corp       Omega Corp & "Sons" <Ltd>       Company                                               1
"""
    )
    rows = csv_rows(run_cli("actors", "--type", "state", *G, "-f", "csv").out)
    assert [(r["id"], r["iri"]) for r in rows] == [
        ("alphaland", "https://w3id.org/kgraph/id/alphaland"),
        ("betastan", "https://w3id.org/kgraph/id/betastan"),
    ]
    [omega] = json.loads(run_cli("actors", "-t", "Company", *G, "-f", "json").out)
    assert (
        omega["description"]
        == 'A label full of characters that break naive exporters: & " < > and a\nnewline.'
    )


def test_sources(run_cli) -> None:  # type: ignore[no-untyped-def]
    assert (
        run_cli("sources", *G).out
        == """\
id    title                                                claims  length  sha256
----  ---------------------------------------------------  ------  ------  -------------
tiny  An invented test story about Alphaland and Betastan  8       404     ea86b119152b…
"""
    )
    [row] = csv_rows(run_cli("sources", *G, "-f", "csv").out)
    assert row["sha256"] == "ea86b119152b5dd6f271a84d33c16abf8b407934390c8177b74b2a1c314945ce"
    assert json.loads(run_cli("sources", *G, "-f", "json").out)[0]["file_name"] == "tiny-source.txt"


def test_events(run_cli) -> None:  # type: ignore[no-untyped-def]
    assert (
        run_cli("events", *G).out
        == """\
when     event                       participants
-------  --------------------------  ------------
2021-03  Attack on the Delta Valley  Betastan
"""
    )
    [event] = json.loads(run_cli("events", "--participant", "Beta City", *G, "-f", "json").out)
    assert event["participants"][0]["id"] == "betastan" and event["locations"][0]["label"] == "Délta Valley"
    assert run_cli("events", "--since", "2022", *G).out == "(no results)\n"


def test_stats(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("stats", *G)
    assert r.out.splitlines()[:8] == [
        "group       item                  count",
        "----------  --------------------  -----",
        "graph       triples               274",
        "graph       actors                6",
        "graph       events                1",
        "graph       claims                8",
        "graph       sources               1",
        "graph       external_ids          0",
    ]
    assert "modality    curatorInferred       1" in r.out.splitlines()
    stats = json.loads(run_cli("stats", *G, "-f", "json").out)
    assert stats["claims_by_source"] == {"tiny": 8} and stats["actors_by_type"]["State"] == 2
    rows = csv_rows(run_cli("stats", *G, "-f", "csv").out)
    assert {"group": "predicate", "item": "kg:suppliesArmsTo", "count": "1"} in rows


# ---------------------------------------------------------------- path, neighbors


def test_path(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("path", "AIS", 'Omega Corp & "Sons" <Ltd>', *G)
    assert (r.code, r.err) == (0, "")
    assert (
        r.out
        == """\
path  hop  from                            relation               to                         figure                    modality  attributed_to  claim                       evidence
----  ---  ------------------------------  ---------------------  -------------------------  ------------------------  --------  -------------  --------------------------  ------------
1     1    Alphaland Intelligence Service  ← grants a base to     Betastan                                             alleged                  kgr:claim-a3195a02ddfab514  tiny@212-283
1     2    Betastan                        ← provided mapping to  Omega Corp & "Sons" <Ltd>  maps of the Delta Valley  asserted                 kgr:claim-a785fd2dd1607a4b  tiny@346-403
"""
    )
    rows = csv_rows(run_cli("path", "AIS", "omega-corp", *G, "-f", "csv").out)
    assert [(r["hop"], r["direction"], r["claim"]) for r in rows] == [
        ("1", "backward", "kgr:claim-a3195a02ddfab514"),
        ("2", "backward", "kgr:claim-a785fd2dd1607a4b"),
    ]
    result = json.loads(run_cli("path", "AIS", "omega-corp", *G, "-f", "json").out)
    assert (result["from"]["id"], result["to"]["id"], result["length"], result["max_hops"]) == (
        "alpha-intel",
        "omega-corp",
        2,
        4,
    )
    assert result["paths"][0]["hops"][0]["links"][0]["claim"]["key"] == "base"
    [line] = run_cli("path", "AIS", "omega-corp", *G, "-f", "jsonl").out.splitlines()
    assert [n["id"] for n in json.loads(line)["nodes"]] == ["alpha-intel", "betastan", "omega-corp"]


def test_no_path_exits_0_with_a_message(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("path", "Alphaland", "Gamma Institute", *G)
    assert (r.code, r.out) == (0, "(no results)\n")
    assert r.err == "kgraph: no path between Alphaland and Gamma Institute within 4 hops\n"
    r = run_cli("path", "Alphaland", "AIS", "--max-hops", "1", *G, "-f", "json")
    assert (r.code, json.loads(r.out)["paths"]) == (0, [])


def test_neighbors(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("neighbors", "Alpha", *G)
    assert (
        r.out
        == """\
distance  from       relation            to        figure                                             modality  attributed_to    claim                       evidence
--------  ---------  ------------------  --------  -------------------------------------------------  --------  ---------------  --------------------------  ------------
1         Alphaland  ally of →           Betastan                                                     analysis                   kgr:claim-26cc85d2c6990c27  tiny@284-345
1         Alphaland  supplies arms to →  Betastan  60% of Betastan's arms imports, drones, 2015–2019  reported  Gamma Institute  kgr:claim-4118dc2ef3a96df1  tiny@0-153
"""
    )
    rows = csv_rows(run_cli("neighbors", "Alpha", "--depth", "2", *G, "-f", "tsv").out, "\t")
    assert sorted({(r["distance"], r["neighbor"]) for r in rows}) == [
        ("1", "Betastan"),
        ("2", "Alphaland Intelligence Service"),
        ("2", "Attack on the Delta Valley"),
        ("2", "Délta Valley"),
        ("2", 'Omega Corp & "Sons" <Ltd>'),
    ]
    result = json.loads(run_cli("neighbors", "Alpha", *G, "-f", "json").out)
    assert result["center"]["id"] == "alphaland" and result["neighbors"][0]["entity"]["id"] == "betastan"


# ---------------------------------------------------------------- errors and exit codes


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("show", "Betastn"),
            1,
            "kgraph: no actor or event named 'Betastn'; did you mean 'Betastan', 'Betastani', 'Beta City'?\n",
        ),
        (
            ("show", 'x"} UNION { ?s ?p ?o }'),
            1,
            "kgraph: no actor or event named 'x\"} UNION { ?s ?p ?o }'\n",
        ),
        (("show", "two\nlines"), 1, "kgraph: no actor or event named 'two\\nlines'\n"),
        (("show", "{{name}}"), 1, "kgraph: no actor or event named '{{name}}'\n"),
        (("claims", "--about", "Nobody"), 1, "kgraph: no actor or event named 'Nobody'\n"),
        (("show", "http://a:b:c"), 1, "kgraph: no actor or event named 'http://a:b:c' (not a valid IRI)\n"),
        (("show", "http://[zz]/"), 1, "kgraph: no actor or event named 'http://[zz]/' (not a valid IRI)\n"),
        (("claims", "--about", "<http://[zz]/>"), 1, None),
        (("path", "Alpha", "urn:a b"), 1, None),
        (
            ("claims", "--id", "kgr:nothing"),
            1,
            "kgraph: no claim 'kgr:nothing' in this graph (give a claim key, CURIE or IRI)\n",
        ),
        (("claims", "--id", "http://a:b:c", "--about", "Alpha"), 1, None),
        (
            ("claims", "--predicate", "sellsArmsTo"),
            1,
            "kgraph: no predicate 'sellsArmsTo' in this graph (known: allyOf, attacked, dcterms:date, grantsBaseTo, "
            "participant, providedMappingTo, schema:location, suppliesArmsTo); did you mean 'suppliesArmsTo'?\n",
        ),
        (
            ("claims", "--source", "elsewhere"),
            1,
            "kgraph: no source 'elsewhere' in this graph (known: tiny)\n",
        ),
        (
            ("actors", "--type", "Cat"),
            1,
            "kgraph: no actor type 'Cat' in this graph (known: Actor, Company, "
            "IntelligenceAgency, ResearchOrganization, State, Territory)\n",
        ),
        (("path", "Alpha", "Nobody"), 1, "kgraph: no actor or event named 'Nobody'\n"),
        (
            ("claims", "--modality", "maybe"),
            2,
            "kgraph: --modality: 'maybe' is not one of asserted, reported, "
            "alleged (or hedged), analysis, curatorInferred (or curator-inferred)\n",
        ),
        (
            ("claims", "--since", "2022-13"),
            2,
            "kgraph: --since: '2022-13' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD\n",
        ),
        (
            ("claims", "--until", "last year"),
            2,
            "kgraph: --until: 'last year' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD\n",
        ),
        (
            ("claims", "--since", "2023", "--until", "2022"),
            2,
            "kgraph: --since: 2023 is later than until (2022)\n",
        ),
        (
            ("path", "Alpha", "alphaland"),
            2,
            "kgraph: 'Alpha' and 'alphaland' are the same State: Alphaland\n",
        ),
        (
            ("path", "Alpha", "Betastan", "--max-hops", "0"),
            2,
            "kgraph: --max-hops must be at least 1, not 0\n",
        ),
        (("neighbors", "Alpha", "--depth", "-1"), 2, "kgraph: --depth must be at least 1, not -1\n"),
        (
            ("stats", "--format", "xml"),
            2,
            "kgraph: Invalid value for --format: 'xml' is not one of table, json, "
            "jsonl, csv, tsv (see `kgraph stats --help`)\n",
        ),
        (("path", "Alpha", "Betastan", "--max-hops", "many"), 2, None),
        (("show",), 2, None),
    ],
)
def test_errors(run_cli, args: tuple[str, ...], code: int, message: str | None) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(*args, *G)
    assert (r.code, r.out) == (code, "")
    assert r.err.count("\n") == 1 and r.err.startswith("kgraph: ") and "Traceback" not in r.err
    if message is not None:
        assert r.err == message


def test_source_text_mismatch_is_exit_2(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("Not the story.\n", encoding="utf-8")
    r = run_cli("show", "Alpha", *G, "--source-text", wrong)
    assert (r.code, r.out) == (2, "")
    assert r.err.startswith(f"kgraph: {wrong}: SHA-256 ")
    assert r.err.endswith(
        "(15 code points) matches no source document in the graph; expected "
        "ea86b119152b5dd6f271a84d33c16abf8b407934390c8177b74b2a1c314945ce (404 code points, kgr:source-tiny)\n"
    )
    assert run_cli("show", "Alpha", *G, "--source-text", tmp_path / "none.txt").code == 2


def test_graph_errors_are_exit_2(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    for args in (
        ("--graph", bad),
        ("--graph", tmp_path / "missing.ttl"),
        ("--store", tmp_path / "nostore"),
        ("--graph", TINY_TTL, "--store", tmp_path),
    ):
        r = run_cli("stats", *args)
        assert r.code == 2 and r.err.startswith("kgraph: ") and r.err.count("\n") == 1


def test_debug_lets_the_traceback_through(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from kgraph.errors import NotFoundError

    monkeypatch.setenv("KGRAPH_DEBUG", "1")
    with pytest.raises(NotFoundError):
        run_cli("show", "Nobody", *G)


# ---------------------------------------------------------------- graphs: several files, the environment


def test_several_graph_files_are_one_graph(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix kg: <https://w3id.org/kgraph/ns#> . @prefix kgr: <https://w3id.org/kgraph/id/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'kgr:zeta a kg:Actor, kg:State ; skos:prefLabel "Zetania"@en .\n',
        encoding="utf-8",
    )
    r = run_cli("actors", "--graph", TINY_TTL, "--graph", extra, "-f", "json")
    assert [a["id"] for a in json.loads(r.out)][-1] == "zeta"
    assert (
        json.loads(run_cli("stats", "--graph", TINY_TTL, "--graph", extra, "-f", "json").out)["actors"] == 7
    )


def test_kgraph_graph_variable(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KGRAPH_GRAPH", str(TINY_TTL))
    assert run_cli("show", "Betastan").out == BETASTAN_CARD


def test_store_directory(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("load", tmp_path / "store", TINY_TTL).code == 0
    assert run_cli("show", "Betastan", "--store", tmp_path / "store").out == BETASTAN_CARD


def test_bundled_graph_by_default(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("stats", "-f", "json")
    assert r.code == 0 and json.loads(r.out)["claims"] > 0
