"""What every exporter is: a name, file extensions, a media type and a pure function of a
:class:`~kgraph.subgraph.Subgraph`. The registry lives in :mod:`kgraph.export`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kgraph.errors import UsageError

if TYPE_CHECKING:
    from kgraph.subgraph import Subgraph, View

RANKDIRS: tuple[str, ...] = ("LR", "TB", "RL", "BT")
LAYOUTS: tuple[str, ...] = ("dot", "neato", "fdp", "sfdp", "circo", "twopi")
MERGES: tuple[str, ...] = ("relation", "pair", "none")
EDGE_LABELS: tuple[str, ...] = ("auto", "all", "none")


@dataclass(frozen=True)
class ExportOptions:
    """Knobs shared by the exporters; each uses those that make sense for it.

    ``view`` None means the exporter's default: ``claims`` for RDF (a file that stands alone),
    ``actors`` for networks and pictures (one edge per claim between actors).
    """

    view: View | None = None
    rankdir: str = "LR"
    engine: str | None = None
    """The Graphviz layout engine the user asked for: written into the DOT as ``layout=`` and
    used to render; None writes no ``layout=`` (any engine can lay the DOT out) and renders
    with ``dot``."""
    layout: str | None = None
    """The old name of ``engine`` (``--layout``), still accepted."""
    merge: str = "pair"
    legend: bool = True
    edge_labels: str = "auto"
    """Pictures: ``auto`` labels edges up to a size (kgraph.export.graphviz.EDGE_LABEL_LIMIT),
    ``all`` always, ``none`` never; an unlabelled edge keeps its claims as a tooltip."""
    title: str | None = None
    timeout: float = 60.0
    source_texts: Mapping[str, str] | None = None
    """Source id -> the user's copy of its text (:func:`kgraph.sources.load_source_texts`): the
    HTML view quotes passages from them; no other format carries source text."""

    def __post_init__(self) -> None:
        if self.view not in (None, "actors", "claims"):
            raise UsageError(f"unknown view {self.view!r}: use actors or claims")
        if self.rankdir.upper() not in RANKDIRS:
            raise UsageError(f"--rankdir must be one of {', '.join(RANKDIRS)}, not {self.rankdir!r}")
        if self.merge not in MERGES:
            raise UsageError(f"--merge must be one of {', '.join(MERGES)}, not {self.merge!r}")
        if self.edge_labels not in EDGE_LABELS:
            choices = ", ".join(EDGE_LABELS)
            raise UsageError(f"--edge-labels must be one of {choices}, not {self.edge_labels!r}")
        if self.engine is None and self.layout is not None:
            object.__setattr__(self, "engine", self.layout)
        if self.engine is not None and self.engine not in LAYOUTS:
            raise UsageError(f"--engine (--layout) must be one of {', '.join(LAYOUTS)}, not {self.engine!r}")


ExportFunction = Callable[["Subgraph", ExportOptions], "bytes | str"]


@dataclass(frozen=True)
class Exporter:
    """One output format."""

    name: str
    extensions: tuple[str, ...]
    media_type: str
    description: str
    function: ExportFunction
    family: str
    binary: bool = False
    default_view: View = "claims"
    program: str | None = None
    """An external program the format needs (``dot`` for SVG, PNG, PDF)."""

    def view(self, options: ExportOptions) -> View:
        return options.view or self.default_view

    def available(self) -> bool:
        import shutil

        return self.program is None or shutil.which(self.program) is not None
