"""Name resolution: one function (kgraph.names.resolve) for every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgraph.errors import AmbiguousNameError, NotFoundError
from kgraph.names import normalize, resolve
from kgraph.namespaces import KGR
from kgraph.store import Backend, open_backend

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
    ],
)
def test_hostile_or_empty_names_are_just_unknown(tiny: Backend, name: str) -> None:
    with pytest.raises(NotFoundError):
        resolve(tiny, name)


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
