"""kgraph.ordering: ORDER BY made total before Oxigraph sorts (it aborts the process otherwise)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from pyoxigraph import Store

from kgraph.ordering import total_order
from tests.conftest import TINY_TTL

X = "http://www.w3.org/2001/XMLSchema#"

MIXED = [
    "5",
    "10",
    "1.5",
    '"NaN"^^xsd:double',
    '"5"',
    '"10"',
    '"7x"',
    '"a"@en',
    "true",
    '"2020-01-01"^^xsd:date',
    '"2020-01-01Z"^^xsd:date',
    '"2020-01-01T00:00:00"^^xsd:dateTime',
    '"2020-01-01T00:00:00Z"^^xsd:dateTime',
    '"P1M"^^xsd:duration',
    '"P30D"^^xsd:duration',
    '"P1M1D"^^xsd:duration',
    '"P2M"^^xsd:duration',
    '"PT24H"^^xsd:dayTimeDuration',
    '"abc"^^xsd:integer',
    '"x"^^<http://example.org/t>',
    '"zz"^^xsd:date',
    "<http://example.org/a>",
]


def _sorted(values: list[str], condition: str = "?x") -> list[str | None]:
    rows = " ".join(f"({v})" for v in values) + " (UNDEF)"
    query = f"PREFIX xsd: <{X}> SELECT ?x WHERE {{ VALUES (?x) {{ {rows} }} }} ORDER BY {condition}"
    return [None if r["x"] is None else str(r["x"]) for r in Store().query(total_order(query))]  # type: ignore[union-attr]


def test_a_query_without_order_by_is_unchanged() -> None:
    q = 'SELECT ?order WHERE { ?s <http://x/ORDER> ?order FILTER(?order != "ORDER BY ?x") }'
    assert total_order(q) is q


def test_order_by_inside_strings_iris_and_variables_is_left_alone() -> None:
    q = 'SELECT ?order WHERE { ?s <http://x/ORDER_BY> "ORDER BY ?s" } # ORDER BY ?s\n'
    assert total_order(q) == q


def test_each_condition_gets_keys_and_keeps_its_direction() -> None:
    out = total_order("SELECT * WHERE { ?s ?p ?o } ORDER BY DESC(?o) ?s LIMIT 3")
    head, _, tail = out.partition("ORDER BY")
    assert head == "SELECT * WHERE { ?s ?p ?o } "
    first, _, second = tail.partition(" DESC(?o) ")
    assert first.count("DESC(COALESCE(") == 2 and "ASC(" not in first
    assert second.count("ASC(COALESCE(") == 2 and second.endswith(")) ?s LIMIT 3")


def test_values_sort_by_value_inside_their_kind_and_unbound_first() -> None:
    got = _sorted(MIXED)
    assert got[0] is None
    numbers = [v for v in got if v and (v.endswith("#integer>") or v.endswith("#decimal>"))]
    # 1.5 < 5 < 10 by value, the ill-typed "abc"^^xsd:integer apart at the end
    assert numbers[:3] == [f'"1.5"^^<{X}decimal>', f'"5"^^<{X}integer>', f'"10"^^<{X}integer>']
    assert got[-1] == f'"abc"^^<{X}integer>'
    assert got.index("<http://example.org/a>") == 1  # IRIs before literals
    # plain strings by code point, not by the numbers they spell
    strings = [v for v in got if v in ('"5"', '"10"', '"7x"')]
    assert strings == ['"10"', '"5"', '"7x"']


def test_desc_is_the_reverse_of_asc() -> None:
    distinct = [v for v in MIXED if v not in ('"NaN"^^xsd:double',)]
    assert _sorted(distinct, "DESC(?x)") == list(reversed(_sorted(distinct, "ASC(?x)")))


def test_expression_and_function_conditions() -> None:
    assert _sorted(['"bb"', '"a"', '"ccc"'], "(STRLEN(?x))") == [None, '"a"', '"bb"', '"ccc"']
    assert _sorted(['"bb"', '"a"', '"ccc"'], "DESC(STRLEN(?x))") == ['"ccc"', '"bb"', '"a"', None]
    assert _sorted(['"b"', '"A"'], "UCASE(?x)") == [None, '"A"', '"b"']


@pytest.mark.parametrize(
    "condition",
    ["STR(?x)", "DESC(STR(?x))", "(str (?x))", 'COALESCE(STR(?x), "")', "COALESCE(STR(?x), STR(?y), 'z')"],
)
def test_a_condition_that_is_always_a_plain_string_gets_no_keys(condition: str) -> None:
    q = f"SELECT ?x WHERE {{ ?x ?p ?y }} ORDER BY {condition} ?x"
    out = total_order(q)
    assert out.startswith(f"SELECT ?x WHERE {{ ?x ?p ?y }} ORDER BY {condition} ASC(COALESCE(")
    assert out.count("COALESCE(IF(isBLANK") == 2  # the class and tie keys of ?x only


@pytest.mark.parametrize(
    "condition",
    ["STR(?x) + 1", 'COALESCE(STR(?x), "a"@en)', "COALESCE(STR(?x), 0)", "LCASE(STR(?x))", "STRLEN(?x)"],
)
def test_a_condition_that_may_be_another_kind_keeps_its_keys(condition: str) -> None:
    out = total_order(f"SELECT ?x WHERE {{ ?x ?p ?y }} ORDER BY ({condition})")
    assert out.count("COALESCE(IF(isBLANK") == 2


def test_plain_string_conditions_still_sort_mixed_values_by_their_text() -> None:
    got = _sorted(MIXED, "STR(?x) ?x")
    texts = [v for v in got if v in ('"5"', '"10"', '"7x"')]
    assert got[0] is None and texts == ['"10"', '"5"', '"7x"']


def test_mixed_kinds_no_longer_abort_the_process() -> None:
    """Without total_order this script dies of SIGABRT within a few trials (Oxigraph 0.5.13)."""
    script = textwrap.dedent(
        f"""
        import random
        from pyoxigraph import Store
        from kgraph.ordering import total_order
        values = {MIXED!r}
        store = Store()
        random.seed(7)
        for _ in range(300):
            rows = " ".join(f"({{random.choice(values)}})" for _ in range(random.randint(2, 40)))
            q = "PREFIX xsd: <{X}> SELECT ?x WHERE {{ VALUES (?x) {{ " + rows + " }} }} ORDER BY ?x"
            list(store.query(total_order(q)))
        print("sorted")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "sorted\n"), done.stderr[-2000:]


@pytest.mark.parametrize("limit", ["", " LIMIT 2"])
def test_the_fuzz_case_that_aborted_now_answers(run_cli, limit: str) -> None:  # type: ignore[no-untyped-def]
    q = "SELECT ?s WHERE { { ?s ?p kgr:betastan } UNION { ?o ?p ?s } } ORDER BY ?s" + limit
    r = run_cli("query", q, "--graph", TINY_TTL, "-f", "csv")
    assert r.code == 0, r.err
    assert r.out.splitlines()[0] == "s"
    assert len(r.out.splitlines()) == (3 if limit else len(r.out.splitlines()))
