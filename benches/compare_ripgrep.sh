#!/usr/bin/env bash
# Times `redactyl scan` (every structured rule, one thread; names, addresses, birth dates and
# spoken forms are left out: recognizers and context-bound rules ripgrep has no equivalent
# for, see UNSTRUCTURED_RULES in common.sh) against ripgrep searching the same
# patterns (`--no-unicode`, every match with its byte offset: `-o -b`) on the same generated
# support text, interleaving the runs in one session, and prints MB/s for both and the ratio.
#
#   bash benches/compare_ripgrep.sh [MEGABYTES] [RUNS]
#
# Installs ripgrep from Debian's packages if it is missing. The text comes from the project's
# generator (chat transcripts, tickets, agent notes, logs, with decoys), written to
# corpora/bench/ (not tracked). Times are wall-clock medians of RUNS runs, each including
# start-up and compiling the rules, as a user would run it.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh

mb=${1:-10}
runs=${2:-9}
bytes=$((mb * 1000 * 1000))

need rg ripgrep
need bc bc

cargo build --release --quiet -p redactyl-cli -p redactyl-corpus-gen
bin=target/release/redactyl
text=corpora/bench/support-${mb}MB.txt
mkdir -p corpora/bench
[ -f "$text" ] || target/release/redactyl-corpus-gen bench --bytes "$bytes" --out "$text"
patterns=corpora/bench/patterns.txt
"$bin" rules list --patterns --disable "$UNSTRUCTURED_RULES" > "$patterns"
size=$(stat -c %s "$text")

declare -a t_redactyl t_rg
for ((i = 0; i < runs; i++)); do
  a=$(now); "$bin" scan --disable "$UNSTRUCTURED_RULES" "$text" > /dev/null || [ $? = 1 ]; b=$(now)
  t_redactyl+=("$(echo "$b - $a" | bc -l)")
  a=$(now); rg --no-unicode -o -b -f "$patterns" "$text" > /dev/null || [ $? = 1 ]; b=$(now)
  t_rg+=("$(echo "$b - $a" | bc -l)")
done
mr=$(median "${t_redactyl[@]}")
mg=$(median "${t_rg[@]}")
findings=$("$bin" scan --disable "$UNSTRUCTURED_RULES" "$text" | tail -n 1 || true)
matches=$(rg --no-unicode -o -b -f "$patterns" "$text" | wc -l)

cpu=$(cpu_model)
echo "machine: ${cpu:-unknown}, $(nproc) cores (both tools single-threaded on one file)"
echo "input:   $text, $size bytes, $(grep -c . "$patterns") patterns"
printf "redactyl scan           median %.3f s  %7.1f MB/s   (%s)\n" "$mr" "$(echo "$size / $mr / 1000000" | bc -l)" "$findings"
printf "rg --no-unicode -o -b   median %.3f s  %7.1f MB/s   (%s raw matches)\n" "$mg" "$(echo "$size / $mg / 1000000" | bc -l)" "$matches"
printf "ratio (rg time / redactyl time): %.2fx\n" "$(echo "$mg / $mr" | bc -l)"
