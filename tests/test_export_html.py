"""The HTML view as a file: one page, nothing fetched, every label escaped, no source text
unless asked for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kgraph.export import REGISTRY, exporter_for_path
from kgraph.export.html import html_page, page_data, script_json
from tests.conftest import ARTICLE_TEXT, BUNDLED_TTL, TINY_TTL

HOSTILE = "</script><script>window.__pwned=1</script>\\\" ' <!-- & \u2028 <img src=x onerror=alert(1)>"


def hostile_graph(tmp_path: Path) -> Path:
    text = TINY_TTL.read_text(encoding="utf-8")
    text = text.replace('skos:prefLabel "Alphaland"@en', f"skos:prefLabel {json.dumps(HOSTILE)}@en")
    text = text.replace('skos:altLabel "AIS"@en', f"skos:altLabel {json.dumps('<script>' + HOSTILE)}@en")
    path = tmp_path / "hostile.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def _sub(graph: Path, focus: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    import kgraph
    from kgraph.subgraph import Selection, select

    return select(kgraph.open(graph), Selection(focus=focus))


def _inlined(page: str) -> object:
    m = re.search(r'<script type="application/json" id="kgraph-data">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))


def test_registered() -> None:
    assert REGISTRY["html"].media_type == "text/html"
    assert exporter_for_path("view.html").name == "html"
    assert exporter_for_path("view.htm").name == "html"


def test_one_file_no_external_url(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "israel.html"
    result = run_cli("export", "--graph", BUNDLED_TTL, "--focus", "Israel", "--depth", "1", "-o", out)
    assert result.code == 0, result.err
    page = out.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page, re.I)
    assert "fetch(" not in page and "XMLHttpRequest" not in page and "@import" not in page
    assert "innerHTML" not in page
    assert page.count("<script") == 2


def test_hostile_labels_escaped(tmp_path: Path) -> None:
    sub = _sub(hostile_graph(tmp_path))
    page = html_page(sub)
    assert page.count("</script>") == 2  # the data block's and the script's own
    assert "<script>window.__pwned" not in page
    assert "<img" not in page
    assert "\u2028" not in page
    data = _inlined(page)
    assert isinstance(data, dict)
    assert HOSTILE in [n.get("label") for n in data["nodes"]]


def test_round_trip(tmp_path: Path) -> None:
    sub = _sub(hostile_graph(tmp_path))
    data = page_data(sub)
    assert _inlined(html_page(sub)) == json.loads(json.dumps(data))
    weird = {"a": "</script><!--\u2028\u2029&<>"}
    assert json.loads(script_json(weird)) == weird
    assert not set("<>&\u2028\u2029") & set(script_json(weird))


def _runs(text: str, n: int = 8) -> set[str]:
    words = text.split()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_no_source_text_without_source_text(article_text: str) -> None:
    page = html_page(_sub(BUNDLED_TTL, ("Israel",)))
    flat = " ".join(page.split())
    leaked = [r for r in _runs(article_text) if r in flat]
    assert not leaked, leaked[:3]


def test_quotes_with_source_text(article_text: str) -> None:
    import kgraph
    from kgraph.sources import load_source_texts

    texts = load_source_texts(kgraph.open(BUNDLED_TTL).backend, [ARTICLE_TEXT])  # type: ignore[attr-defined]
    data = page_data(_sub(BUNDLED_TTL, ("Israel",)), texts)
    quotes = [q for e in data["edges"] for q in e.get("quotes", [])]
    assert quotes
    assert all(q[1] in article_text for q in quotes)


@pytest.mark.parametrize("focus", [("Israel",), ()])
def test_counts_match(focus: tuple[str, ...]) -> None:
    sub = _sub(BUNDLED_TTL, focus)
    data = page_data(sub)
    graph = sub.network()
    assert len(data["nodes"]) == graph.number_of_nodes()
    assert len(data["edges"]) == graph.number_of_edges()
    assert len({e["id"] for e in data["edges"]}) == len(data["edges"])


def test_cli_source_text_quotes_only_in_the_html_view(run_cli, article_text: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plain, quoted = tmp_path / "plain.html", tmp_path / "quoted.html"
    assert run_cli("export", "--focus", "Israel", "-o", plain).code == 0
    r = run_cli("export", "--focus", "Israel", "-o", quoted, "--source-text", ARTICLE_TEXT)
    assert r.code == 0, r.err
    runs = list(_runs(article_text))
    with_text = " ".join(quoted.read_text(encoding="utf-8").split())
    without = " ".join(plain.read_text(encoding="utf-8").split())
    assert any(run in with_text for run in runs) and not any(run in without for run in runs)
    r = run_cli("export", "--focus", "Israel", "-f", "turtle", "--source-text", ARTICLE_TEXT)
    assert (r.code, r.out) == (2, "")
    assert r.err.startswith("kgraph: --source-text quotes passages in the html view only; ")
