#!/usr/bin/env python3
"""Prints the side-by-side table of compare_tools.sh from the `redactyl eval --json` reports
it wrote: one row per corpus and tool.

  table.py OUT_DIR CORPUS... (each CORPUS names OUT_DIR/CORPUS.TOOL.json and .timing.json)
"""
import json
import os
import sys

COLUMNS = [
    ("PERSON", "PERSON"),
    ("EMAIL_ADDRESS", "EMAIL"),
    ("PHONE_NUMBER", "PHONE"),
    ("CREDIT_CARD", "CARD"),
    ("US_SSN", "SSN"),
    ("IBAN_CODE", "IBAN"),
    ("IP_ADDRESS", "IP"),
    ("STREET_ADDRESS", "ADDRESS"),
    ("DATE_OF_BIRTH", "DOB"),
]
TOOLS = ["redactyl", "presidio-spacy", "presidio-patterns", "scrubadub", "presidio-rs"]


def f1(c):
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["found"] / (c["found"] + c["fn_"]) if c["found"] + c["fn_"] else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def main():
    out, corpora = sys.argv[1], sys.argv[2:]
    head = ["corpus", "tool"] + [h for _, h in COLUMNS] + ["leak", "over-redaction", "MB/s"]
    print("| " + " | ".join(head) + " |")
    print("|---|---|" + "---:|" * (len(head) - 2))
    for corpus in corpora:
        for tool in TOOLS:
            path = os.path.join(out, f"{corpus}.{tool}.json")
            if not os.path.exists(path):
                continue
            r = json.load(open(path))
            cells = [corpus, tool]
            for label, _ in COLUMNS:
                l = r["labels"].get(label)
                gold = l and l["overlap"]["found"] + l["overlap"]["fn_"]
                cells.append(f"{f1(l['overlap']):.3f}" if gold else "-")
            c = r["coverage"]
            leak = c["leaked_bytes"] / c["gold_bytes"] if c["gold_bytes"] else 0.0
            over = c["over_redacted_bytes"] / c["clean_bytes"] if c["clean_bytes"] else 0.0
            cells += [f"{leak:.4f}", f"{over:.4f}"]
            timing = os.path.join(out, f"{corpus}.{tool}.timing.json")
            if tool == "redactyl":
                mbs = r["bytes"] / 1e6 / r["scan_seconds"] if r["scan_seconds"] else 0.0
            else:
                t = json.load(open(timing))
                mbs = t["bytes"] / 1e6 / t["seconds"] if t["seconds"] else 0.0
            cells.append(f"{mbs:.2f}")
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
