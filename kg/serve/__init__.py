"""A read-only SPARQL 1.1 Protocol endpoint over a graph file or a store (:mod:`~kg.serve.server`)."""
