"""Stage 1, read: files, folders, globs and standard input become :class:`kg.models.Document`\\ s.

:mod:`kg.read.documents` walks the inputs and reports every problem by name; one module
per format turns an input's text into articles (:mod:`~kg.read.text`, :mod:`~kg.read.html`,
:mod:`~kg.read.records` for JSON and JSON Lines, :mod:`~kg.read.feed` for pages of several
articles), with the shared helpers in :mod:`~kg.read.base` and :mod:`~kg.read.meta`.
No NLP happens here.
"""
