"""Stage 5, lineage: order the agreements between the same companies over time and link
them (``dk:extends``, ``dk:amends``, ``dk:supersedes``, superseded and terminated clauses).

:func:`kg.lineage.link.link_lineage` runs on a built graph; a store relinks the lineages a
change touches (:mod:`kg.store`).
"""
