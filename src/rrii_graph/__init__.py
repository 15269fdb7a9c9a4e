"""rrii-graph: the knowledge graph of how local governments organise their international
relations."""

__version__ = "0.2.0"
