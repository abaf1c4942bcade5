#!/bin/sh
# Runs every fuzz target in turn for SECONDS each (default 300), one at a
# time, seeding each corpus from the fixtures on first use. Logs go to
# fuzz/logs/TARGET.log, crashes to fuzz/artifacts/TARGET/.
#
#   fuzz/run.sh            # all targets, 5 minutes each
#   fuzz/run.sh 60 pipeline decode
#   MAX_LEN=4096 fuzz/run.sh    # shorter inputs, more executions
#
# Needs cargo-fuzz (cargo install --locked cargo-fuzz) and a nightly
# toolchain; on stable set SANITIZER=none (runs `cargo fuzz run -s none`).
set -u
cd "$(dirname "$0")"
secs=${1:-300}
[ $# -gt 0 ] && shift
targets=${*:-decode parse_html parse_markdown parse_text normalize rule_file pipeline}
if [ "${SANITIZER:-address}" = none ]; then
    run="cargo fuzz run -s none"
else
    run="cargo +nightly fuzz run"
fi
mkdir -p logs
for t in $targets; do
    mkdir -p "corpus/$t"
    if [ -z "$(ls -A "corpus/$t")" ]; then
        case $t in
        rule_file) for f in ../rules/*.toml; do printf '\0' | cat - "$f" > "corpus/$t/$(basename "$f")"; done ;;
        pipeline) for f in ../fixtures/*/*.md ../fixtures/*/*.txt; do printf '\0' | cat - "$f" > "corpus/$t/$(basename "$f")"; done ;;
        *) cp ../fixtures/*/*.md ../fixtures/*/*.txt "corpus/$t/" ;;
        esac
    fi
    dict=dict/notice.dict
    [ "$t" = rule_file ] && dict=dict/rules.dict
    echo "== $t ($secs s)"
    $run "$t" "corpus/$t" -- -max_total_time="$secs" -max_len="${MAX_LEN:-16384}" -timeout=10 \
        -rss_limit_mb=2048 -dict="$dict" -print_final_stats=1 > "logs/$t.log" 2>&1
    echo "   exit $?: $(grep -E '^#[0-9]+.*(DONE|INITED)' "logs/$t.log" | tail -1)"
    grep -E '^stat::number_of_executed_units|Test unit written|panicked at' "logs/$t.log" | head -5
done
