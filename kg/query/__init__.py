"""Asking the graph: SPARQL (named queries, bindings, result formats, ORDER BY done in
Python), the timeline of a company's deals and the terms in force on a date.
"""
