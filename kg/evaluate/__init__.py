"""Measuring extraction: the facts export (:mod:`~kg.evaluate.facts`, one JSON per input
read back from the graph) and its scoring against gold annotations (:mod:`~kg.evaluate.score`).
"""
