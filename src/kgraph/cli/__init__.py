"""The ``kgraph`` command line: thin verbs over the library (see docs/cli.md)."""
