#!/usr/bin/env bash
# The full CSV ingest against its floor in alternated pairs, run by hand, not in CI:
#
#   benches/pairs.sh [--pairs 3] [--out big]
#
# On a VM whose speed drifts from minute to minute, a ratio of two medians taken minutes
# apart (benches/scale.sh) moves with the drift; alternating the two measures (ingest, then
# the floor, N times) compares them under the same conditions. Needs the corpora that
# benches/scale.sh generates under --out (cables-251287.csv and its RFC 4180 copy).
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=3 OUT=big
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) PAIRS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "usage: $0 [--pairs N] [--out DIR]" >&2; exit 2 ;;
  esac
done
CSV="$OUT/cables-251287.csv" RFC="$OUT/cables-251287-rfc4180.csv"
for f in "$CSV" "$RFC"; do
  [ -f "$f" ] || { echo "error: $f not found (run benches/scale.sh --out $OUT first)" >&2; exit 1; }
done
cargo build --release --quiet
BIN=target/release/cable-archive DB="$OUT/pairs.db" RAW="$OUT/pairs-raw.db"
wall() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }
ingests=() floors=()
for i in $(seq "$PAIRS"); do
  rm -f "$DB" "$DB-wal" "$DB-shm" "$RAW"
  a=$(wall "$BIN" ingest --quiet --no-fts --db "$DB" "$CSV")
  sqlite3 "$RAW" 'CREATE TABLE raw(seq,created,refid,origin,classification,refs,header,body)'
  b=$(wall sqlite3 "$RAW" ".import --csv $RFC raw")
  echo "pair $i: ingest ${a}s, floor ${b}s, $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a/b}')x"
  ingests+=("$a") floors+=("$b")
done
med() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
A=$(med "${ingests[@]}") B=$(med "${floors[@]}")
awk -v a="$A" -v b="$B" 'BEGIN{printf "median ingest %.2fs (target <= 30s), median floor %.2fs: %.2fx (target <= 2.0x)\n", a, b, a/b}'
rm -f "$DB" "$DB-wal" "$DB-shm" "$RAW"
