"""SPARQL the library runs itself (merge-default-graph.ru) and the reading of query text
(text.py)."""
