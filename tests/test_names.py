"""Name resolution: one function (kgraph.names.resolve) for every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgraph.errors import AmbiguousNameError, NotFoundError
from kgraph.names import NameResolver, normalize, resolve
from kgraph.namespaces import KGR
from kgraph.store import Backend, SelectResult, open_backend

from .conftest import TINY_TTL


@pytest.fixture(scope="module")
def tiny() -> Backend:
    return open_backend([TINY_TTL])


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Alphaland", "alphaland"),
        ("alphaland", "alphaland"),
        ("  ALPHALAND ", "alphaland"),
        ("Alpha", "alphaland"),  # alias
        ("Beta City", "betastan"),
        ("beta-city", "betastan"),  # punctuation folds to spaces
        ("Delta Valley", "delta-valley"),  # accents fold: the label is "Délta Valley"
        ("délta valley", "delta-valley"),
        ("the valley", "delta-valley"),  # a leading "the" is ignored on both sides
        ("Valley", "delta-valley"),
        ("GI", "gamma-institute"),
        ("alpha-intel", "alpha-intel"),  # slug
        ('Omega Corp & "Sons" <Ltd>', "omega-corp"),
        ("omega corp sons ltd", "omega-corp"),
        ("Attack on the Delta Valley", "delta-attack-2021"),  # events too
        ("kgr:betastan", "betastan"),  # CURIE
        (f"{KGR}betastan", "betastan"),  # IRI
        (f"<{KGR}betastan>", "betastan"),
    ],
)
def test_resolves(tiny: Backend, name: str, slug: str) -> None:
    assert resolve(tiny, name).slug == slug


def test_match_carries_label_type_and_curie(tiny: Backend) -> None:
    m = resolve(tiny, "AIS")
    assert (m.iri, m.label, m.type, m.curie) == (
        KGR + "alpha-intel",
        "Alphaland Intelligence Service",
        "IntelligenceAgency",
        "kgr:alpha-intel",
    )
    assert resolve(tiny, "Attack on the Delta Valley").type == "Event"


def test_unknown_name_suggests_close_labels(tiny: Backend) -> None:
    with pytest.raises(NotFoundError) as e:
        resolve(tiny, "Betastn")
    assert e.value.suggestions == ["Betastan", "Betastani", "Beta City"]
    assert str(e.value) == (
        "no actor or event named 'Betastn'; did you mean 'Betastan', 'Betastani', 'Beta City'?"
    )


def test_unknown_name_without_suggestion(tiny: Backend) -> None:
    with pytest.raises(NotFoundError, match=r"^no actor or event named 'Zzyzx'$"):
        resolve(tiny, "Zzyzx")


@pytest.mark.parametrize(
    "name",
    [
        'x"} UNION { ?s ?p ?o',
        "a\nb",
        "{}",
        "' OR 1=1 --",
        "<>",
        "",
        "   ",
        "x" * 600,
        "kgr:nobody",
        f"{KGR}nobody",
        "nope:thing",
        "http://a:b:c",  # IRIs pyoxigraph refuses
        "http://[zz]/",
        "<http://[zz]/>",
        "kgr:a:b",
    ],
)
def test_hostile_or_empty_names_are_just_unknown(tiny: Backend, name: str) -> None:
    with pytest.raises(NotFoundError):
        resolve(tiny, name)


def test_a_malformed_iri_is_not_found() -> None:
    backend = open_backend([TINY_TTL])
    with pytest.raises(NotFoundError, match=r"^no actor or event named 'http://a:b:c' \(not a valid IRI\)$"):
        resolve(backend, "http://a:b:c")


class _Recording:
    """A backend that remembers its queries and every term its answers hold."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self.description = backend.description
        self.answers: list[set[str]] = []  # per query, the values of every term it returned

    def query(self, sparql: str, bindings=None, timeout=None):  # type: ignore[no-untyped-def]
        result = self.backend.query(sparql, bindings, timeout)
        assert isinstance(result, SelectResult)
        self.answers.append({t.value for row in result.rows for t in row.values() if t is not None})
        return result

    @property
    def seen(self) -> set[str]:
        return set().union(*self.answers)

    def triples(self):  # type: ignore[no-untyped-def]
        return self.backend.triples()


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Alphaland", "alphaland"),  # as written
        ("alphaland", "alphaland"),  # another case
        ("  betastani ", "betastan"),  # an alias, in another case
        ("beta-city", "betastan"),  # punctuation for a space
        ("THE VALLEY", "delta-valley"),  # the alias is "the valley"
        ("alpha-intel", "alpha-intel"),  # a slug
        ("Délta Valley", "delta-valley"),  # accents as written
    ],
)
def test_an_exact_spelling_reads_no_other_label(tiny: Backend, name: str, slug: str) -> None:
    recording = _Recording(tiny)
    assert resolve(recording, name).slug == slug  # type: ignore[arg-type]
    assert len(recording.answers) == 1
    assert "Gamma Institute" not in recording.seen  # another resource's label


def test_a_loose_spelling_reads_every_label_once_per_resolver(tiny: Backend) -> None:
    recording = _Recording(tiny)
    names = NameResolver(recording)  # type: ignore[arg-type]
    # neither is a label or slug as typed: both need the folded labels of everything
    assert names.resolve("delta valley").slug == "delta-valley"  # the label has an accent
    assert names.resolve("omega corp sons ltd").slug == "omega-corp"
    with pytest.raises(NotFoundError, match="did you mean 'Betastan'"):
        names.resolve("Betastn")
    assert sum("Gamma Institute" in answer for answer in recording.answers) == 1


def test_ambiguous_name_lists_candidates(tmp_path: Path) -> None:
    ttl = tmp_path / "twins.ttl"
    ttl.write_text(
        "@prefix kg: <https://w3id.org/kgraph/ns#> . @prefix kgr: <https://w3id.org/kgraph/id/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'kgr:a a kg:Actor, kg:State ; skos:prefLabel "Aland"@en ; skos:altLabel "Twin"@en .\n'
        'kgr:b a kg:Actor, kg:Company ; skos:prefLabel "Bland"@en ; skos:altLabel "twin"@en .\n',
        encoding="utf-8",
    )
    with pytest.raises(AmbiguousNameError) as e:
        resolve(open_backend([ttl]), "TWIN")
    assert e.value.candidates == ["Aland (State, kgr:a)", "Bland (Company, kgr:b)"]
    assert e.value.exit_code == 1


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Nagorno-Karabakh’s", "nagorno karabakh s"),
        ("The Islamic Republic", "islamic republic"),
        ("Délta", "delta"),
        ("IRGC", "irgc"),
    ],
)
def test_normalize(raw: str, folded: str) -> None:
    assert normalize(raw) == folded
