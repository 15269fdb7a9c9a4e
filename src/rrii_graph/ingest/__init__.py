"""Import stage: outside data into source graphs of the project's profile.

- :mod:`.org`: W3C ORG, CPOV, OWL-Time, schema.org and FOAF files, lifted by the SPARQL
  mappings of ``queries/mappings/``;
- :mod:`.municipalities`: the official municipality lists (INE, Idescat, Generalitat);
- :mod:`.wikidata`: population, twinnings and memberships from a Wikidata SPARQL endpoint;
- :mod:`.survey`: the council survey spreadsheet, both ways.

Each writes one TriG file whose graphs describe their source document, atomically.
"""
