"""CPU time of kg's extraction rules per 1,000 tokens, apart from the spaCy model (not a test).

    .venv/bin/python bench/rule_time.py                   # the dev corpus
    .venv/bin/python bench/rule_time.py --count 300       # synthetic articles (bench/generate.py)

Analyses the documents with the model, then runs the organisation rules
(:func:`kg.extract.orgs.find_organizations`) and the deal and clause rules
(:func:`kg.extract.deals.extract_agreements`) over each analysed document once, as a build
does (a second pass would find the rules' per-name caches warm), and prints each one's CPU
seconds per 1,000 tokens next to the model's. CPU time (``time.process_time``), because the
machine may be shared.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

DEV = HERE.parent.parent / "shared" / "corpus" / "dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=DEV, help="a folder of .txt articles")
    parser.add_argument("--count", type=int, help="this many synthetic articles instead")
    args = parser.parse_args()

    from kg.extract.deals import extract_agreements
    from kg.extract.nlp import analyse_many, load_nlp
    from kg.extract.orgs import find_organizations
    from kg.read.documents import read_documents

    nlp = load_nlp()
    if args.count:
        from generate import write_jsonl

        with tempfile.TemporaryDirectory() as tmp:
            source = write_jsonl(Path(tmp) / "articles.jsonl", args.count)
            documents = read_documents([source]).documents
    else:
        documents = read_documents(sorted(args.texts.glob("*.txt"))).documents
    started = time.process_time()
    docs = list(analyse_many(nlp, (d.text for d in documents)))
    model = time.process_time() - started
    tokens = sum(len(doc) for doc in docs)
    orgs = deals = 0.0
    for document, doc in zip(documents, docs, strict=True):
        started = time.process_time()
        findings = find_organizations(doc, document)
        between = time.process_time()
        extract_agreements(doc, document, findings, nlp)
        orgs += between - started
        deals += time.process_time() - between
    per_1k = 1000 / tokens
    print(f"{len(documents)} documents, {tokens} tokens")
    print(f"  spaCy model            {model * per_1k * 1000:7.1f} ms per 1k tokens")
    print(f"  organisation rules     {orgs * per_1k * 1000:7.1f} ms per 1k tokens")
    print(f"  deal and clause rules  {deals * per_1k * 1000:7.1f} ms per 1k tokens")


if __name__ == "__main__":
    main()
