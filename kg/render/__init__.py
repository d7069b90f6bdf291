"""The interactive relationship map: one self-contained, offline HTML file
(:mod:`~kg.render.map`, with its page, styles and script in ``templates/``).
"""
