"""kgraph: structured-claims knowledge graphs in RDF.

    >>> import kgraph
    >>> kg = kgraph.open()            # the bundled article graph
    >>> kg.show("Baku")               # an actor card (see docs/python-api.md)

Names are imported lazily so that ``import kgraph`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "open": "kgraph.api",
    "KGraph": "kgraph.api",
    "KGraphError": "kgraph.errors",
    "UsageError": "kgraph.errors",
    "NotFoundError": "kgraph.errors",
    "AmbiguousNameError": "kgraph.errors",
    "Claim": "kgraph.models",
    "Entity": "kgraph.models",
    "Evidence": "kgraph.models",
    "Qualifiers": "kgraph.models",
    "Source": "kgraph.models",
    "Dataset": "kgraph.models",
    "ActorCard": "kgraph.views",
    "ActorSummary": "kgraph.views",
    "ClaimView": "kgraph.views",
    "CompareGroup": "kgraph.views",
    "CompareResult": "kgraph.views",
    "EntityRef": "kgraph.views",
    "EventView": "kgraph.views",
    "LiteralRef": "kgraph.views",
    "NeighborsResult": "kgraph.views",
    "PathResult": "kgraph.views",
    "PredicateRef": "kgraph.views",
    "SourceRef": "kgraph.views",
    "SourceView": "kgraph.views",
    "Stats": "kgraph.views",
    "Selection": "kgraph.subgraph",
    "Subgraph": "kgraph.subgraph",
    "ValidationReport": "kgraph.validation",
    "Violation": "kgraph.validation",
}

__all__ = [
    "ActorCard",
    "ActorSummary",
    "AmbiguousNameError",
    "Claim",
    "ClaimView",
    "CompareGroup",
    "CompareResult",
    "Dataset",
    "Entity",
    "EntityRef",
    "EventView",
    "Evidence",
    "KGraph",
    "KGraphError",
    "LiteralRef",
    "NeighborsResult",
    "NotFoundError",
    "PathResult",
    "PredicateRef",
    "Qualifiers",
    "Selection",
    "Source",
    "SourceRef",
    "SourceView",
    "Stats",
    "Subgraph",
    "UsageError",
    "ValidationReport",
    "Violation",
    "__version__",
    "compare",
    "open",
]

if TYPE_CHECKING:
    from kgraph import compare
    from kgraph.api import KGraph, open
    from kgraph.errors import AmbiguousNameError, KGraphError, NotFoundError, UsageError
    from kgraph.models import Claim, Dataset, Entity, Evidence, Qualifiers, Source
    from kgraph.subgraph import Selection, Subgraph
    from kgraph.validation import ValidationReport, Violation
    from kgraph.views import (
        ActorCard,
        ActorSummary,
        ClaimView,
        CompareGroup,
        CompareResult,
        EntityRef,
        EventView,
        LiteralRef,
        NeighborsResult,
        PathResult,
        PredicateRef,
        SourceRef,
        SourceView,
        Stats,
    )


_SUBMODULES = {"compare"}
"""Modules reached as ``kgraph.NAME`` without an import of their own: ``kgraph.compare.compare()``
(the module, not its function, since an import of the module would shadow the function)."""


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"kgraph.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kgraph' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
