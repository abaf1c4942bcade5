#!/usr/bin/env bash
# Throughput of `seloste check` on generated notices, against ripgrep.
#
#   scripts/bench.sh              # 1,000 and 10,000 notices
#   scripts/bench.sh 500 2000     # other corpus sizes
#   RUNS=10 scripts/bench.sh      # timed runs per measurement (default 21, 7 above 5,000 files)
#
# For each size it generates the corpus (benches/gen_corpus.rs, seed 42,
# about 9 KB a notice: half HTML pages with site chrome, half Markdown/text,
# known findings injected), checks that seloste still reports every injected
# finding and nothing inside HTML comments, then measures:
#   - seloste check --format json --threads 1, and --threads $(nproc)
#   - the other output formats (sarif, github, concise, human) on one
#     thread (FORMATS="sarif human" picks some, FORMATS="" none)
#   - rg -j1 for the placeholder and old-law patterns (what a grep-based CI
#     check would run; it cannot see entity-written or empty-section findings)
#   - the ratio of seloste --threads 1 to rg -j1 twice: from the two separate
#     series above, and from rounds that alternate the two (ROUNDS, default
#     21, 11 above 5,000 files; needs hyperfine), which the machine's drift
#     between series does not move
#   - peak memory (/usr/bin/time -v "Maximum resident set size")
#   - process start-up: seloste check on one small file
# and prints medians. Uses hyperfine when installed (Debian: apt-get install
# hyperfine), else repeated timed runs; ripgrep from Debian's `ripgrep`.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
COUNTS=("$@")
[ ${#COUNTS[@]} -eq 0 ] && COUNTS=(1000 10000)
NPROC=$(nproc 2>/dev/null || echo 1)

# The `dist` profile (release + LTO, what `cargo install --profile dist`
# gives users); the generator needs no LTO.
cargo build --profile dist --quiet --bin seloste
cargo build --release --quiet --example gen_corpus
SELOSTE=$TARGET/dist/seloste
GEN=$TARGET/release/examples/gen_corpus

WORK=$(mktemp -d "${TMPDIR:-/tmp}/seloste-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

HYPERFINE=$(command -v hyperfine || true)
RG=$(command -v rg || true)
GNUTIME=""
[ -x /usr/bin/time ] && GNUTIME=/usr/bin/time
if [ -z "$HYPERFINE" ]; then
  echo "note: hyperfine not found (apt-get install hyperfine); using repeated timed runs" >&2
fi
if [ -z "$RG" ]; then
  echo "note: ripgrep not found (apt-get install ripgrep); no rg comparison" >&2
fi

# median SECONDS of RUNS runs of a command (stdout discarded; exit 1 = findings is fine)
median() {
  local runs=$1; shift
  if [ -n "$HYPERFINE" ]; then
    "$HYPERFINE" -N --style none --warmup 1 --runs "$runs" -i \
      --export-json "$WORK/h.json" -- "$*" >/dev/null 2>&1
    sed -n 's/^ *"median": *\([0-9.eE+-]*\),*$/\1/p' "$WORK/h.json" | head -1
  else
    "$@" >/dev/null 2>&1 || true   # warm-up
    local i t0 t1 times=()
    for ((i = 0; i < runs; i++)); do
      t0=$(date +%s%N)
      "$@" >/dev/null 2>&1 || true
      t1=$(date +%s%N)
      times+=("$(( (t1 - t0) / 1000 ))")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.6f\n", a[int((NR+1)/2)]/1e6}'
  fi
}

# The ratio to rg from rounds that alternate the two commands, each round
# a 3-run hyperfine median of each (which goes first alternates too): the
# machine's speed drifts by 10 % and more between series of a few seconds
# (rg's own median moved 0.108-0.119 s), so separate series judge the ratio
# partly by when each ran. Prints "median (min-max of the rounds)".
interleaved_ratio() {
  local n=$1 dir=$2 rounds i r s ratios=()
  rounds=${ROUNDS:-$([ "$n" -gt 5000 ] && echo 11 || echo 21)}
  for ((i = 0; i < rounds; i++)); do
    if ((i % 2 == 0)); then
      r=$(median 3 "$RG" "${RGARGS[@]}")
      s=$(median 3 "$SELOSTE" check --format json --threads 1 "$dir")
    else
      s=$(median 3 "$SELOSTE" check --format json --threads 1 "$dir")
      r=$(median 3 "$RG" "${RGARGS[@]}")
    fi
    ratios+=("$(awk -v a="$s" -v b="$r" 'BEGIN {printf "%.4f", a/b}')")
  done
  printf '%s\n' "${ratios[@]}" | sort -g |
    awk -v k="$rounds" '{a[NR]=$1} END {printf "%.2fx (%.2f-%.2fx, %d rounds)", a[int((NR+1)/2)], a[1], a[NR], k}'
}

# peak resident memory in MB
peak_mb() {
  if [ -n "$GNUTIME" ]; then
    { "$GNUTIME" -v "$@" 2>&1 >/dev/null || true; } | sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' |
      awk '{printf "%.1f", $1/1024}'
  else
    echo "n/a"
  fi
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "seloste $("$SELOSTE" --version | cut -d' ' -f2); ${RG:+$("$RG" --version 2>/dev/null | head -1); }timing: $(if [ -n "$HYPERFINE" ]; then "$HYPERFINE" --version; else echo repeated runs; fi)"
echo

# Start-up: one small file, many runs.
printf 'Tietosuojaseloste\n\nRekisterinpitäjä\tEsimerkki Oy, tietosuoja@esimerkki.fi\n' > "$WORK/small.txt"
STARTUP=$(median 100 "$SELOSTE" check --format json "$WORK/small.txt")

ROWS=()
for N in "${COUNTS[@]}"; do
  DIR=$WORK/corpus-$N
  "$GEN" --out "$DIR" --count "$N" --seed 42 >&2
  BYTES=$(sed -n 's/.*"bytes":\([0-9]*\).*/\1/p' "$DIR/expected.json")
  MB=$(awk -v b="$BYTES" 'BEGIN {printf "%.1f", b/1e6}')
  # More runs for the short runs: a 1,000-notice run takes ~50 ms and rg's
  # ~12 ms, where 5 runs' medians moved the ratio by 0.2x between series.
  RUNS_N=${RUNS:-$([ "$N" -gt 5000 ] && echo 7 || echo 21)}

  # Correctness first: every injected finding is still found.
  "$SELOSTE" check --format json --threads "$NPROC" "$DIR" > "$WORK/out.json" || true
  "$GEN" verify "$DIR" "$WORK/out.json" >&2
  rm -f "$WORK/out.json"

  for T in 1 "$NPROC"; do
    S=$(median "$RUNS_N" "$SELOSTE" check --format json --threads "$T" "$DIR")
    M=$(peak_mb "$SELOSTE" check --format json --threads "$T" "$DIR")
    ROWS+=("$N|$MB|seloste check --format json --threads $T|$S|$M")
    if [ "$T" = 1 ]; then S1=$S; fi
    if [ "$NPROC" = 1 ]; then break; fi
  done
  # The other output formats, one thread: the GitHub Action writes SARIF
  # and workflow commands, and human is the default.
  for F in ${FORMATS-sarif github concise human}; do
    S=$(median "$RUNS_N" "$SELOSTE" check --format "$F" --color never --threads 1 "$DIR")
    ROWS+=("$N|$MB|seloste check --format $F --threads 1|$S|")
  done
  if [ -n "$RG" ]; then
    # Patterns in a file, so that hyperfine -N gets no arguments with spaces.
    printf '%s\n' 'henkilötietola(ki|i|e)' 'personuppgiftslag' \
      '\[(sähköposti|puhelinnumero|yrityksen nimi)\]' '\(s-postiosoite\)' 'ratapihantie 9' > "$WORK/patterns"
    RGARGS=(-j1 -c -i -g '!expected.json' -f "$WORK/patterns" "$DIR")
    S=$(median "$RUNS_N" "$RG" "${RGARGS[@]}")
    M=$(peak_mb "$RG" "${RGARGS[@]}")
    ROWS+=("$N|$MB|rg -j1 (placeholder and old-law patterns)|$S|$M")
    RATIO=$(awk -v a="$S1" -v b="$S" 'BEGIN {printf "%.2f", a/b}')
    ROWS+=("$N|$MB|ratio seloste --threads 1 / rg -j1, separate series|${RATIO}x|")
    if [ -n "$HYPERFINE" ]; then
      ROWS+=("$N|$MB|ratio seloste --threads 1 / rg -j1, interleaved|$(interleaved_ratio "$N" "$DIR")|")
    fi
  fi
done

echo
echo "| notices | MB | command | median s | notices/s | MB/s | peak RSS MB |"
echo "|---:|---:|---|---:|---:|---:|---:|"
for r in "${ROWS[@]}"; do
  IFS='|' read -r n mb cmd s m <<< "$r"
  if [[ $s == *x || $s == *rounds\) ]]; then
    echo "| $n | $mb | $cmd | $s | | | |"
  else
    awk -v n="$n" -v mb="$mb" -v c="$cmd" -v s="$s" -v m="$m" \
      'BEGIN {printf "| %d | %s | `%s` | %.3f | %.0f | %.1f | %s |\n", n, mb, c, s, n/s, mb/s, m}'
  fi
done
awk -v s="$STARTUP" 'BEGIN {printf "\nstart-up (seloste check --format json on one small file): median %.1f ms\n", s*1000}'
