"""The graph as a network: the NetworkX view (:mod:`~kg.network.view`) that the map and
the exports draw, and company-network analytics (:mod:`~kg.network.analytics`).
"""
