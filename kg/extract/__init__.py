"""Stage 2, extract: an analysed document becomes records of organisations, products,
agreements, clauses, amounts and dates, each with the sentence it came from.

The spaCy pipeline and its rule components are :mod:`~kg.extract.nlp`; the rules are data
in ``patterns/``, loaded by :func:`kg.extract.rules.load_rules`. :mod:`~kg.extract.orgs`
finds organisations and resolves them inside one document, :mod:`~kg.extract.deals` the
agreements and their clauses, helped by :mod:`~kg.extract.amounts`,
:mod:`~kg.extract.dates` and :mod:`~kg.extract.tense`. :mod:`~kg.extract.documents` runs
them over a batch of documents, :mod:`~kg.extract.parallel` on several processes.
"""
