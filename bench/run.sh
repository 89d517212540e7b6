#!/usr/bin/env bash
# make bench: generate a large sample chain, time fapiao against the gzip -dc floor, append to docs/BENCHMARKS.md.
# Variables: SCALE=BRANCHESxINVOICES (default 24x200000), RUNS (default 3), KEEP=1 keeps the generated chain.
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
RUN=$(median "$BIN" run "$PIPE" --date $DATE); RUN_RSS=$(cat "$OUT/rss")
EXTRACT=$(median "$BIN" extract "$PIPE" --date $DATE)
TRANSFORM=$(median "$BIN" transform "$PIPE" --date $DATE)
LOAD=$(median "$BIN" load "$PIPE" --date $DATE)

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
  echo "| gzip -dc, serial | $SERIAL | $(mb "$INFLATED" "$SERIAL") | | $(ratio "$SERIAL" "$PARALLEL") |"
  echo "| gzip -dc, 2 processes (floor) | $PARALLEL | $(mb "$INFLATED" "$PARALLEL") | | 1.00 |"
  echo "| fapiao run (peak RSS $((RUN_RSS / 1024)) MB) | $RUN | $(mb "$INFLATED" "$RUN") | $(awk -v n="$INVOICES" -v s="$RUN" 'BEGIN{printf "%.0f", n/s}') | $(ratio "$RUN" "$PARALLEL") |"
  echo "| fapiao extract | $EXTRACT | $(mb "$INFLATED" "$EXTRACT") | $(awk -v n="$INVOICES" -v s="$EXTRACT" 'BEGIN{printf "%.0f", n/s}') | $(ratio "$EXTRACT" "$PARALLEL") |"
  echo "| fapiao transform | $TRANSFORM | | $(awk -v n="$INVOICES" -v s="$TRANSFORM" 'BEGIN{printf "%.0f", n/s}') | $(ratio "$TRANSFORM" "$PARALLEL") |"
  echo "| fapiao load | $LOAD | | $(awk -v n="$INVOICES" -v s="$LOAD" 'BEGIN{printf "%.0f", n/s}') | $(ratio "$LOAD" "$PARALLEL") |"
  if [ -n "$DUCK" ]; then
    echo
    echo "DuckDB (bench/duckdb_job.py: the UTF-8 CSV branches only, $duck_branch branch + $duck_authority authority records; no GB18030, no XML, no validation): $DUCK s, $(awk -v n="$((duck_branch + duck_authority))" -v s="$DUCK" 'BEGIN{printf "%.0f", n/s}') records/s; fapiao run: $(awk -v n="$INVOICES" -v s="$RUN" 'BEGIN{printf "%.0f", 2*n/s}') records/s (branch + authority, every format)."
  fi
} | tee "$RESULTS" >> docs/BENCHMARKS.md
cat "$RESULTS"
[ "${KEEP:-0}" = 1 ] || rm -rf "$OUT"
