"""Writes hand-written records to the corpus format, computing UTF-8 byte offsets.

A record is a list of segments: a plain string, or a (label, text) pair for a labelled span."""
import json
import os


def write_cases(records, file_name, id_prefix, corpus):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), file_name)
    with open(path, "w") as out:
        for i, segments in enumerate(records):
            text, spans = "", []
            for seg in segments:
                if isinstance(seg, tuple):
                    label, value = seg
                    start = len(text.encode())
                    text += value
                    spans.append({"start": start, "end": len(text.encode()), "label": label})
                else:
                    text += seg
            record = {"id": f"{id_prefix}-{i:03d}", "corpus": corpus, "split": "test", "text": text, "spans": spans}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
