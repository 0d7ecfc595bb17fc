#!/usr/bin/env bash
# Scrubs a tar.gz of generated support files with one worker thread and with every core, in
# the same session, and prints MB/s (uncompressed bytes), the speed-up and peak memory.
#
#   bash benches/batch_archive.sh [MEGABYTES] [RUNS]
#
# The archive holds MEGABYTES (default 200) of the project's generated support text cut into
# files of about 256 KB at line ends, written to corpora/bench/ (not tracked). The one-thread
# run is pinned to one core (`taskset -c 0`, RAYON_NUM_THREADS=1), so that the archive reader's
# decompression does not borrow a second core: single-threaded means one core. The other run
# uses every core. Times are wall-clock medians of RUNS runs (default 3); memory is
# /usr/bin/time's maximum resident set size.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh

mb=${1:-200}
runs=${2:-3}

need /usr/bin/time time
need bc bc

cargo build --release --quiet -p redactyl-cli -p redactyl-corpus-gen
bin=target/release/redactyl
mkdir -p corpora/bench
archive=corpora/bench/export-${mb}MB.tar.gz
if [ ! -f "$archive" ]; then
  work=$(mktemp -d)
  target/release/redactyl-corpus-gen bench --bytes $((mb * 1000 * 1000)) --out "$work/all.txt"
  mkdir -p "$work/export/notes"
  (cd "$work/export/notes" && split -C 256k -d -a 5 --additional-suffix=.txt "$work/all.txt" note-)
  rm "$work/all.txt"
  tar czf "$archive" -C "$work" export
  rm -rf "$work"
fi
bytes=$(tar xzf "$archive" -O | wc -c)
files=$(tar tzf "$archive" | grep -c '\.txt$')
out=$(mktemp -d)

declare -a t1 tn
rss1=0; rssn=0
for ((i = 0; i < runs; i++)); do
  for threads in 1 all; do
    log=$(mktemp)
    pin=()
    if [ "$threads" = 1 ]; then export RAYON_NUM_THREADS=1; pin=(taskset -c 0); else unset RAYON_NUM_THREADS; fi
    /usr/bin/time -f "%e %M" -o "$log" "${pin[@]}" "$bin" scrub -q "$archive" -o "$out/scrubbed.tar.gz"
    read -r secs kb < "$log"
    rm -f "$log"
    if [ "$threads" = 1 ]; then t1+=("$secs"); rss1=$((kb > rss1 ? kb : rss1))
    else tn+=("$secs"); rssn=$((kb > rssn ? kb : rssn)); fi
  done
done
unset RAYON_NUM_THREADS
m1=$(median "${t1[@]}")
mn=$(median "${tn[@]}")
rm -rf "$out"

cpu=$(cpu_model)
echo "machine: ${cpu:-unknown}, $(nproc) cores"
echo "input:   $archive ($(stat -c %s "$archive") bytes compressed, $bytes bytes in $files files)"
printf "1 core         median %.2f s  %6.1f MB/s  peak RSS %.0f MB\n" "$m1" "$(echo "$bytes / $m1 / 1000000" | bc -l)" "$(echo "$rss1 / 1024" | bc -l)"
printf "%s threads      median %.2f s  %6.1f MB/s  peak RSS %.0f MB\n" "$(nproc)" "$mn" "$(echo "$bytes / $mn / 1000000" | bc -l)" "$(echo "$rssn / 1024" | bc -l)"
printf "speed-up: %.2fx\n" "$(echo "$m1 / $mn" | bc -l)"
