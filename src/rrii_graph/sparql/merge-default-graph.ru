# Fill the default graph with the RDF merge of every named graph: each triple once, however many
# source graphs state it. Run by rrii_graph.build when it makes the dataset's store.
INSERT { ?s ?p ?o }
WHERE { GRAPH ?g { ?s ?p ?o } }
