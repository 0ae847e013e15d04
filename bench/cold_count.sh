#!/bin/sh
# Instructions of a fresh-process build of the sample page, counted by cachegrind (issue #22,
# the cold start): the machine is shared and its load moves CPU seconds by a third; the
# instructions a process executes do not move with it.
#
#   sh bench/cold_count.sh [SRC] [RUNS]     # SRC: a checkout's src folder (default ./src)
#
# Prints, for each run, the instructions of the build process (the one that imports the PDF
# libraries, draws and preflights: the critical path) and of all its processes together
# (the composing worker too: how the sample's nine articles fall between the two processes
# moves with the timing, their sum does not).  PYTHONHASHSEED=0; the disk caches are the
# user's, as warm as a second build's.
SRC=${1:-src}
RUNS=${2:-3}
PY=${PY:-.venv/bin/python}
OUT=$(mktemp -d)
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1))
    rm -f "$OUT"/cg.*
    PYTHONHASHSEED=0 PYTHONPATH="$SRC" valgrind --tool=cachegrind --cache-sim=no \
        --cachegrind-out-file="$OUT/cg.%p" "$PY" -m typeset build \
        issues/sichuan-kejibao-2020-08 -o "$OUT/out" -q >"$OUT/log" 2>&1
    main=$(grep -m1 'Command:' "$OUT/log" | sed 's/==\([0-9]*\)==.*/\1/')
    grep 'I *refs' "$OUT/log" | tr -d ',' | awk -v m="$main" -v s="$SRC" '
        { gsub(/=/, " "); pid = $1; n = $NF; all += n; if (pid == m) me = n }
        END { printf "%s: main %.1f M  all %.1f M\n", s, me / 1e6, all / 1e6 }'
done
rm -rf "$OUT"
