#!/usr/bin/env bash
# Scrubs one huge single-line input through stdin and reports peak resident memory and
# throughput, next to the scan and scrub throughput of the same text as a file.
#
#   bash benches/scrub_stream.sh [GIGABYTES] [CHUNK_MEGABYTES]
#
# The input is the project's generated support text (transcripts, tickets, notes) with every
# newline turned into a space: a single line. A CHUNK_MEGABYTES piece (default 16) is written
# once to corpora/bench/ (not tracked) and piped GIGABYTES times over (default 4) into
# `redactyl scrub -` (every built-in rule, default policy), output counted and discarded.
# Memory is `/usr/bin/time -v`'s "Maximum resident set size". Single-threaded.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh

gb=${1:-4}
chunk_mb=${2:-16}

need /usr/bin/time time
need bc bc

cargo build --release --quiet -p redactyl-cli -p redactyl-corpus-gen
bin=target/release/redactyl
mkdir -p corpora/bench
lines=corpora/bench/support-${chunk_mb}MB.txt
chunk=corpora/bench/one-line-${chunk_mb}MB.txt
[ -f "$lines" ] || target/release/redactyl-corpus-gen bench --bytes $((chunk_mb * 1000 * 1000)) --out "$lines"
[ -f "$chunk" ] || tr '\n' ' ' < "$lines" > "$chunk"
size=$(stat -c %s "$chunk")
repeats=$(( (gb * 1000 * 1000 * 1000 + size - 1) / size ))
total=$((repeats * size))

mbps() { echo "$1 / $2 / 1000000" | bc -l; }

# Scan and scrub of the chunk as a file (one run each, after one warm-up).
"$bin" scan "$chunk" > /dev/null || [ $? = 1 ]
a=$(now); "$bin" scan "$chunk" > /dev/null || [ $? = 1 ]; b=$(now)
t_scan=$(echo "$b - $a" | bc -l)
a=$(now); "$bin" scrub -q "$chunk" > /dev/null; b=$(now)
t_scrub=$(echo "$b - $a" | bc -l)

# The big one: the chunk repeated, one line, through stdin.
log=$(mktemp)
a=$(now)
for ((i = 0; i < repeats; i++)); do cat "$chunk"; done |
  /usr/bin/time -v "$bin" scrub -q - 2> "$log" | wc -c > "$log.out"
b=$(now)
t_big=$(echo "$b - $a" | bc -l)
rss_kb=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$log")
out_bytes=$(cat "$log.out")
rm -f "$log" "$log.out"
newlines=$(tr -cd '\n' < "$chunk" | wc -c)

cpu=$(cpu_model)
echo "machine: ${cpu:-unknown}, $(nproc) cores (redactyl single-threaded)"
echo "input:   $chunk ($size bytes, $newlines newlines) x $repeats = $total bytes on stdin"
printf "scan  (file, %s MB)        %7.1f MB/s\n" "$chunk_mb" "$(mbps "$size" "$t_scan")"
printf "scrub (file, %s MB)        %7.1f MB/s\n" "$chunk_mb" "$(mbps "$size" "$t_scrub")"
printf "scrub (stdin, %s bytes)  %7.1f MB/s, %s bytes out, peak RSS %.1f MB\n" \
  "$total" "$(mbps "$total" "$t_big")" "$out_bytes" "$(echo "$rss_kb / 1024" | bc -l)"
