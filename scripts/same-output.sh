#!/usr/bin/env bash
# Checks that two seloste binaries give byte-identical output: what every
# speed change here is held to. Lints the fixtures, 1,000 + 2,000 generated
# notices (benches/gen_corpus.rs, seeds 42 and 7) in JSON and (fixtures and seed
# 42) every other output format, and, when it is beside the
# repository, the labelled corpus (plus its accuracy table and `sections`).
#
#   git stash; cargo build --release; cp target/release/seloste /tmp/before; git stash pop
#   cargo build --release
#   scripts/same-output.sh /tmp/before target/release/seloste
#
# Exit 0 and "same" when every output matches; else the files that differ.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BEFORE_BINARY AFTER_BINARY" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BEFORE=$(realpath "$1"); AFTER=$(realpath "$2")
cd "$ROOT"
cargo build --release --quiet --example gen_corpus
GEN=${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/gen_corpus
WORK=$(mktemp -d "${TMPDIR:-/tmp}/seloste-same.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
"$GEN" --out "$WORK/gen42" --count 1000 --seed 42 >/dev/null 2>&1
"$GEN" --out "$WORK/gen7" --count 2000 --seed 7 >/dev/null 2>&1
CORPUS=$ROOT/../shared/corpus

outputs() {
  local bin=$1 out=$2
  mkdir -p "$out"
  # Exit status 1 means findings; only the output is compared.
  "$bin" check --format json fixtures > "$out/fixtures.json" 2>&1 || true
  "$bin" check --format json "$WORK/gen42" > "$out/gen42.json" 2>&1 || true
  "$bin" check --format json "$WORK/gen7" > "$out/gen7.json" 2>&1 || true
  # Every other output format too, on the fixtures and one generated set
  # (the GitHub Action writes SARIF and workflow commands; human is the
  # default).
  local f
  for f in sarif github concise human; do
    "$bin" check --format "$f" --color never fixtures > "$out/fixtures.$f" 2>&1 || true
    "$bin" check --format "$f" --color never "$WORK/gen42" > "$out/gen42.$f" 2>&1 || true
  done
  if [ -d "$CORPUS/notices" ]; then
    "$bin" check --format json "$CORPUS/notices" > "$out/corpus.json" 2>&1 || true
    "$bin" check --format sarif "$CORPUS/notices" > "$out/corpus.sarif" 2>&1 || true
    "$bin" check --format human --color never "$CORPUS/notices" > "$out/corpus.human" 2>&1 || true
    "$bin" accuracy "$CORPUS" > "$out/accuracy.txt" 2>&1 || true
    "$bin" sections "$CORPUS"/notices/* > "$out/sections.txt" 2>&1 || true
  fi
}
outputs "$BEFORE" "$WORK/before"
outputs "$AFTER" "$WORK/after"
[ -d "$CORPUS/notices" ] || echo "note: $CORPUS is absent; fixtures and generated notices only" >&2
if diff -rq "$WORK/before" "$WORK/after"; then
  echo same
else
  exit 1
fi
