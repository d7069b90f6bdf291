"""Stage 4, RDF: the DealKG vocabulary, IRIs, records mapped to triples, the ontology, and
the Oxigraph-backed graphs everything else reads and writes.

:mod:`~kg.rdf.vocab` is the only module where ontology IRIs are spelled and
:mod:`~kg.rdf.iris` the only one that mints data IRIs; :mod:`~kg.rdf.mapping` turns
extraction records into triples; :mod:`~kg.rdf.ontology` loads the ontology, concept
schemes and shapes and validates; :mod:`~kg.rdf.graphs` creates, loads and writes graphs
(deterministic Turtle, atomic writes).
"""
