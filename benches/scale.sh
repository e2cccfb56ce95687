#!/usr/bin/env bash
# Full-corpus benchmark (issue 4), run by hand, not in CI:
#
#   benches/scale.sh [--runs 3] [--out big] [--skip-raw]
#
# Generates the corpora with ../shared/tools/gen_scale.py (once; reused afterwards), builds the
# release binary, then measures in the same run on this machine, median of --runs:
#   - cable-archive ingest of 25k, 100k and 251,287 cables from cables.csv (wall, cables/s,
#     MB/s, peak RSS from /usr/bin/time -v), and the full CSV again unchanged (re-ingest);
#   - the floor: sqlite3 .import of the same cables unparsed (RFC 4180 copy) into one table;
#   - the full corpus as 251,287 raw files in a directory tree;
#   - the parse stage alone (--dry-run) with --jobs 1 and --jobs 2;
#   - the full corpus with the search index (the default) against the floor plus SQLite
#     building an FTS5 index over the same bodies, database sizes with and without the index,
#     and `search` latency for a two-word query (median of 10).
# Ingests without --fts flags below use --no-fts: the scale targets are for the tables alone.
# Prints one line per measurement and the ratios the targets are stated in.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=3 OUT=big RAW=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --skip-raw) RAW=0; shift ;;
    *) echo "usage: $0 [--runs N] [--out DIR] [--skip-raw]" >&2; exit 2 ;;
  esac
done
GEN=../shared/tools/gen_scale.py
[ -f "$GEN" ] || { echo "error: $GEN not found (../shared beside the checkout)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "error: sqlite3 shell not found (apt-get install sqlite3)" >&2; exit 1; }
mkdir -p "$OUT"
FULL=251287
gen() { # count format dialect path
  [ -e "$4" ] && return
  echo "generating $4" >&2
  if [ "$2" = csv ]; then python3 "$GEN" --count "$1" --format csv --csv-dialect "$3" --out "$4" >&2
  else python3 "$GEN" --count "$1" --format raw --out "$4" >&2; fi
}
for n in 25000 100000 $FULL; do gen $n csv backslash "$OUT/cables-$n.csv"; done
gen $FULL csv rfc4180 "$OUT/cables-$FULL-rfc4180.csv"
[ $RAW = 1 ] && gen $FULL raw - "$OUT/raw-$FULL"
cargo build --release --quiet
BIN=target/release/cable-archive
DB="$OUT/bench.db"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM; $($BIN --version)"

# run LABEL CMD... : median wall seconds and max RSS over $RUNS runs; sets WALL and RSS_MB.
measure() {
  local label=$1; shift
  local walls=() rss=0
  for _ in $(seq "$RUNS"); do
    [ -n "${PREP:-}" ] && eval "$PREP"
    /usr/bin/time -v "$@" 2>"$OUT/time.log" >/dev/null || { cat "$OUT/time.log" >&2; exit 1; }
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/{split($2,t,":"); s=0; for(i=1;i<=length(t);i++) s=s*60+t[i]; print s}' "$OUT/time.log")")
    local r; r=$(awk -F': ' '/Maximum resident/{print $2}' "$OUT/time.log")
    [ "$r" -gt "$rss" ] && rss=$r
  done
  WALL=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  RSS_MB=$((rss / 1024))
  echo "$label: median ${WALL}s of [${walls[*]}], peak RSS ${RSS_MB} MB"
}
rate() { # cables bytes
  awk -v n="$1" -v b="$2" -v w="$WALL" 'BEGIN{printf "  %.0f cables/s, %.1f MB/s\n", n/w, b/w/1e6}'
}

for n in 25000 100000 $FULL; do
  f="$OUT/cables-$n.csv"
  PREP="rm -f $DB $DB-wal $DB-shm" measure "ingest csv $n (--no-fts)" $BIN ingest --quiet --no-fts --db "$DB" "$f"
  rate $n "$(stat -c %s "$f")"
  [ $n = $FULL ] && { CSV_WALL=$WALL; CSV_RSS=$RSS_MB; }
  [ $n = 25000 ] && RSS_25K=$RSS_MB
done
SIZE_NOFTS=$(stat -c %s "$DB")
PREP="" measure "re-ingest unchanged csv $FULL (--no-fts)" $BIN ingest --quiet --no-fts --db "$DB" "$OUT/cables-$FULL.csv"
REINGEST=$WALL

PREP="rm -f $OUT/raw.db; sqlite3 $OUT/raw.db 'CREATE TABLE raw(seq,created,refid,origin,classification,refs,header,body)'" \
  measure "floor: sqlite3 .import $FULL" sqlite3 "$OUT/raw.db" ".import --csv $OUT/cables-$FULL-rfc4180.csv raw"
FLOOR=$WALL

if [ $RAW = 1 ]; then
  PREP="rm -f $DB $DB-wal $DB-shm" measure "ingest raw directory $FULL (--no-fts)" $BIN ingest --quiet --no-fts --db "$DB" "$OUT/raw-$FULL"
  RAW_WALL=$WALL
fi
PREP="" measure "parse stage --jobs 1 (dry run) $FULL" $BIN ingest --quiet --dry-run --jobs 1 "$OUT/cables-$FULL.csv"
J1=$WALL
PREP="" measure "parse stage --jobs 2 (dry run) $FULL" $BIN ingest --quiet --dry-run --jobs 2 "$OUT/cables-$FULL.csv"
J2=$WALL

PREP="rm -f $DB $DB-wal $DB-shm" measure "ingest csv $FULL with search index" $BIN ingest --quiet --db "$DB" "$OUT/cables-$FULL.csv"
FTS_WALL=$WALL
SIZE_FTS=$(stat -c %s "$DB")
PREP="rm -f $OUT/raw.db; sqlite3 $OUT/raw.db 'CREATE TABLE raw(seq,created,refid,origin,classification,refs,header,body)'; sqlite3 $OUT/raw.db '.import --csv $OUT/cables-$FULL-rfc4180.csv raw'" \
  measure "floor part 2: FTS5 rebuild over the bodies" sqlite3 "$OUT/raw.db" "CREATE VIRTUAL TABLE raw_fts USING fts5(body, content='raw', content_rowid='rowid'); INSERT INTO raw_fts(raw_fts) VALUES('rebuild');"
FLOOR_FTS=$(awk -v a="$FLOOR" -v b="$WALL" 'BEGIN{print a+b}')
lat=()
for _ in $(seq 10); do
  s=$(date +%s%N); $BIN search "nuclear reactor" --db "$DB" >/dev/null 2>&1; e=$(date +%s%N)
  lat+=($(( (e - s) / 1000000 )))
done
SEARCH_MS=$(printf '%s\n' "${lat[@]}" | sort -n | awk '{a[NR]=$1} END{print (a[5]+a[6])/2}')
echo "search \"nuclear reactor\": median ${SEARCH_MS} ms of [${lat[*]}]"

awk -v c="$CSV_WALL" -v f="$FLOOR" -v r="${RAW_WALL:-0}" -v re="$REINGEST" -v j1="$J1" -v j2="$J2" \
    -v rss="$CSV_RSS" -v rss25="$RSS_25K" 'BEGIN{
  printf "full csv ingest / .import floor: %.2fx (target <= 2.0x; csv %.1fs target <= 30s)\n", c/f, c
  if (r > 0) printf "raw directory / csv: %.2fx (target <= 1.3x)\n", r/c
  printf "re-ingest unchanged / first run: %.0f%% (target <= 50%%)\n", 100*re/c
  printf "parse stage jobs 1 / jobs 2: %.2fx (target >= 1.6x)\n", j1/j2
  printf "peak RSS full %d MB (target <= 512), 25k %d MB (%.0f%% of full)\n", rss, rss25, 100*rss25/rss
}'
awk -v w="$FTS_WALL" -v f="$FLOOR_FTS" -v a="$SIZE_NOFTS" -v b="$SIZE_FTS" -v ms="$SEARCH_MS" 'BEGIN{
  printf "with search index: %.1fs (target <= 90s), %.2fx the floor + FTS5 rebuild %.1fs (target <= 1.3x)\n", w, w/f, f
  printf "database size: %.2f GB without the index, %.2f GB with it\n", a/1e9, b/1e9
  printf "search two words: %s ms median of 10 (target <= 100 ms)\n", ms
}'
rm -f "$DB" "$DB-wal" "$DB-shm" "$OUT/raw.db" "$OUT/time.log"
