#!/usr/bin/env bash
# make bench: generate a large sample chain, time fapiao against the gzip -dc floor, append to docs/BENCHMARKS.md.
# Variables: SCALE=BRANCHESxINVOICES (default 24x200000), RUNS (default 3), KEEP=1 keeps the generated chain,
# DOUBLING=0 skips the half-scale run, PROFILE=1 adds perf's top entries for one `fapiao run`.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-24x200000}
RUNS=${RUNS:-3}
BRANCHES=${SCALE%x*}
PER_BRANCH=${SCALE#*x}
DATE=2025-04-17
OUT=${BENCH_DIR:-$(mktemp -d /tmp/fapiao-bench.XXXXXX)}
RESULTS=$OUT/results.txt
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }

swift build -c release >/dev/null
BIN=$PWD/.build/release/fapiao
echo "generating $BRANCHES branches x $PER_BRANCH invoices into $OUT"
$BIN samples --out "$OUT/chain" --branches "$BRANCHES" --invoices-per-branch "$PER_BRANCH" >/dev/null
PIPE=$OUT/chain/pipeline.yaml
mapfile -t FILES < <(find "$OUT/chain/exports" "$OUT/chain/authority" -type f | sort)
COMPRESSED=$(cat "${FILES[@]}" | wc -c)
INFLATED=$( (for f in "${FILES[@]}"; do gzip -dcf "$f" 2>/dev/null; done) | wc -c)
INVOICES=$((BRANCHES * PER_BRANCH))

# median of RUNS timings of a command (seconds); peak RSS of the last run in KB goes to $OUT/rss
median() {
  local times=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$OUT/time" "$@" >/dev/null 2>&1 || true
    read -r secs rss < <(tail -n 1 "$OUT/time"); times+=("$secs"); echo "$rss" > "$OUT/rss"
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
printf '%s\n' "${FILES[@]}" > "$OUT/files.txt"
SERIAL=$(median sh -c 'while read -r f; do gzip -dcf "$f" >/dev/null 2>&1; done < "$1"' _ "$OUT/files.txt")
PARALLEL=$(median sh -c 'xargs -P 2 -n 4 sh -c '"'"'for f; do gzip -dcf "$f" >/dev/null 2>&1; done'"'"' _ < "$1"' _ "$OUT/files.txt")
# the first night creates the history database; the median re-runs replace that night
/usr/bin/time -f "%e %M" -o "$OUT/time" "$BIN" run "$PIPE" --date $DATE >/dev/null 2>&1 || true
read -r FIRST FIRST_RSS < <(tail -n 1 "$OUT/time")
WORK=$(dirname "$PIPE")/work
WRITTEN=$(du -sb --apparent-size "$WORK" | cut -f1)
RUN=$(median "$BIN" run "$PIPE" --date $DATE); RUN_RSS=$(cat "$OUT/rss")
EXTRACT=$(median "$BIN" extract "$PIPE" --date $DATE)
TRANSFORM=$(median "$BIN" transform "$PIPE" --date $DATE)
LOAD=$(median "$BIN" load "$PIPE" --date $DATE)

# the disk's rate for data that must be fsynced (through the page cache, and direct as fapiao writes its large
# files), and the floor it sets for the bytes a night writes
DISK=$(dd if=/dev/zero of="$OUT/disk-test" bs=1M count=1024 conv=fsync 2>&1 | awk '/copied/ {printf "%.0f", $1 / 1e6 / $(NF-3)}')
rm -f "$OUT/disk-test"
DISK_DIRECT=$(dd if=/dev/zero of="$OUT/disk-test" bs=4M count=256 oflag=direct conv=fsync 2>&1 | awk '/copied/ {printf "%.0f", $1 / 1e6 / $(NF-3)}')
rm -f "$OUT/disk-test"
DISTINCT=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["canonical_rows"])' \
  "$WORK/$(sed -n 's/^pipeline: *\([^ ]*\).*/\1/p' "$PIPE")/$DATE/out/summary.json")

HALF=""
if [ "${DOUBLING:-1}" = 1 ]; then
  $BIN samples --out "$OUT/half" --branches "$BRANCHES" --invoices-per-branch $((PER_BRANCH / 2)) >/dev/null
  "$BIN" run "$OUT/half/pipeline.yaml" --date $DATE >/dev/null 2>&1 || true
  HALF=$(median "$BIN" run "$OUT/half/pipeline.yaml" --date $DATE); HALF_RSS=$(cat "$OUT/rss")
  rm -rf "$OUT/half"
fi

PROFILE_TOP=""
if [ "${PROFILE:-0}" = 1 ] && command -v perf >/dev/null; then
  perf record -F 499 -g -o "$OUT/perf.data" "$BIN" run "$PIPE" --date $DATE >/dev/null 2>&1 || true
  perf report -i "$OUT/perf.data" --no-children --sort symbol -g none 2>/dev/null | grep '%' | head -15 \
    | swift demangle --simplified > "$OUT/perf-top.txt" || true
  PROFILE_TOP=$(python3 bench/perf_table.py "$OUT/perf-top.txt")
fi

python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb >/dev/null 2>&1 || true
DUCK=""
if python3 -c 'import duckdb' 2>/dev/null; then
  DUCK_TIMES=()
  for _ in $(seq "$RUNS"); do
    read -r secs duck_branch duck_authority < <(python3 bench/duckdb_job.py "$OUT/chain" "$OUT/duck")
    DUCK_TIMES+=("$secs")
  done
  DUCK=$(printf '%s\n' "${DUCK_TIMES[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
fi

mb() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
{
  echo
  echo "### $(date -u +%Y-%m-%d) · $(git rev-parse --short HEAD) · SCALE=$SCALE · $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB · $(uname -m)"
  echo
  echo "Input: ${#FILES[@]} files, $INVOICES branch invoices (+ authority), $(awk -v b="$COMPRESSED" 'BEGIN{printf "%.1f", b/1e6}') MB compressed, $(awk -v b="$INFLATED" 'BEGIN{printf "%.1f", b/1e6}') MB inflated. Median of $RUNS runs."
  echo
  echo "| measure | seconds | inflated MB/s | invoices/s | vs 2-process floor |"
  echo "|---|---|---|---|---|"
  echo "| gzip -dcf, serial | $SERIAL | $(mb "$INFLATED" "$SERIAL") | | $(ratio "$SERIAL" "$PARALLEL") |"
  echo "| gzip -dcf, 2 processes (floor) | $PARALLEL | $(mb "$INFLATED" "$PARALLEL") | | 1.00 |"
  echo "| fapiao run, first night (peak RSS $((FIRST_RSS / 1024)) MB) | $FIRST | $(mb "$INFLATED" "$FIRST") | $(awk -v n="$INVOICES" -v s="$FIRST" 'BEGIN{printf "%.0f", n/s}') | $(ratio "$FIRST" "$PARALLEL") |"
  echo "| fapiao run, re-run of the night (peak RSS $((RUN_RSS / 1024)) MB) | $RUN | $(mb "$INFLATED" "$RUN") | $(awk -v n="$INVOICES" -v s="$RUN" 'BEGIN{printf "%.0f", n/s}') | $(ratio "$RUN" "$PARALLEL") |"
  echo "| fapiao extract | $EXTRACT | $(mb "$INFLATED" "$EXTRACT") | $(awk -v n="$INVOICES" -v s="$EXTRACT" 'BEGIN{printf "%.0f", n/s}') | $(ratio "$EXTRACT" "$PARALLEL") |"
  echo "| fapiao transform | $TRANSFORM | | $(awk -v n="$INVOICES" -v s="$TRANSFORM" 'BEGIN{printf "%.0f", n/s}') | $(ratio "$TRANSFORM" "$PARALLEL") |"
  echo "| fapiao load | $LOAD | | $(awk -v n="$INVOICES" -v s="$LOAD" 'BEGIN{printf "%.0f", n/s}') | $(ratio "$LOAD" "$PARALLEL") |"
  echo
  echo "Memory budget (issue 8: 200 MB + 150 B per distinct invoice): $(( (200000000 + 150 * DISTINCT) / 1000000 )) MB for $DISTINCT distinct invoices (canonical rows)."
  echo "Bytes a night writes (work folder after the first night: stage folders, archive, history): $(awk -v b="$WRITTEN" 'BEGIN{printf "%.0f", b/1e6}') MB; this disk writes fsynced data at $DISK MB/s through the page cache and ${DISK_DIRECT:-?} MB/s direct (large blocks, as fapiao writes its large files), a floor of $(awk -v b="$WRITTEN" -v r="${DISK_DIRECT:-$DISK}" 'BEGIN{printf "%.1f", b/1e6/r}') s for them."
  if [ -n "$HALF" ]; then
    echo "Doubling: SCALE=${BRANCHES}x$((PER_BRANCH / 2)) re-run $HALF s (peak RSS $((HALF_RSS / 1024)) MB) → SCALE=$SCALE $RUN s: $(ratio "$RUN" "$HALF")× the time for 2× the invoices (target ≤ 2.1×)."
  fi
  if [ -n "$PROFILE_TOP" ]; then
    echo
    echo "perf, one \`fapiao run\` (self time, top 15):"
    echo
    echo "| share | symbol |"
    echo "|---|---|"
    echo "$PROFILE_TOP"
  fi
  if [ -n "$DUCK" ]; then
    echo
    echo "DuckDB (bench/duckdb_job.py: the UTF-8 CSV branches only, $duck_branch branch + $duck_authority authority records; no GB18030, no XML, no validation): $DUCK s, $(awk -v n="$((duck_branch + duck_authority))" -v s="$DUCK" 'BEGIN{printf "%.0f", n/s}') records/s; fapiao run: $(awk -v n="$INVOICES" -v s="$RUN" 'BEGIN{printf "%.0f", 2*n/s}') records/s (branch + authority, every format)."
  fi
} | tee "$RESULTS" >> docs/BENCHMARKS.md
cat "$RESULTS"
[ "${KEEP:-0}" = 1 ] || rm -rf "$OUT"
