"""Stage 6, store: a persistent graph on disk, one named graph per document.

:mod:`~kg.store.directory` is the store folder (layout, lock, opening, reading; no NLP
needed); :mod:`~kg.store.ingest` writes documents into it and removes them;
:mod:`~kg.store.push` copies a store or a graph file to a SPARQL 1.1 server.
"""
