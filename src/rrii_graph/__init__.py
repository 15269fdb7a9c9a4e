"""rrii-graph: the knowledge graph of how local governments organise their international
relations."""

# The project's version, its one source: `make release VERSION=x.y.z` stamps it here and in
# the ontology (owl:versionInfo, owl:versionIRI), docs/model.md and CITATION.cff; a test keeps
# them equal.
__version__ = "0.2.0"
