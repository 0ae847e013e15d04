#!/bin/sh
# Instructions of a fresh-process build of the sample page, counted by cachegrind (issue #22,
# the cold start): the machine is shared and its load moves CPU seconds by a third; the
# instructions a process executes do not move with it.
#
#   sh bench/cold_count.sh [SRC] [RUNS]     # SRC: a checkout's src folder (default ./src)
#   ISSUE=/tmp/fd32 sh bench/cold_count.sh SRC 1   # another issue (default: the sample)
#
# Prints, for each run, the instructions of the build process (the one that imports the PDF
# libraries, draws and preflights: the critical path) and of all its processes together
# (the composing worker too: which of the two composes which of the sample's nine articles
# moves with the timing, and an article composed in the build process brings the word
# segmenter's import there too; their sum moves less).  Beware: cachegrind gives a forked
# child the parent's counts up to the fork, so the sum counts the build process's work before
# each fork again (small for the sample, whose worker is forked early; most of the sum for an
# issue of many pages, whose page workers are forked late: docs/speed.md).  PYTHONHASHSEED=0.  Each call has a
# private cache folder, a copy of the user's, warmed by one build not counted: two checkouts
# measured side by side do not rewrite each other's caches (startcache.py's file is
# written in the format of the code that writes it).
SRC=${1:-src}
RUNS=${2:-3}
PY=${PY:-.venv/bin/python}
ISSUE=${ISSUE:-issues/sichuan-kejibao-2020-08}
OUT=$(mktemp -d)
mkdir -p "$OUT/cache"
base=${XDG_CACHE_HOME:-$HOME/.cache}
[ -d "$base/typeset" ] && cp -r "$base/typeset" "$OUT/cache/"
XDG_CACHE_HOME="$OUT/cache" PYTHONHASHSEED=0 PYTHONPATH="$SRC" "$PY" -m typeset build \
    "$ISSUE" -o "$OUT/out" -q >/dev/null 2>&1
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1))
    rm -f "$OUT"/cg.*
    XDG_CACHE_HOME="$OUT/cache" PYTHONHASHSEED=0 PYTHONPATH="$SRC" valgrind \
        --tool=cachegrind --cache-sim=no --cachegrind-out-file="$OUT/cg.%p" "$PY" -m typeset \
        build "$ISSUE" -o "$OUT/out" -q >"$OUT/log" 2>&1
    main=$(grep -m1 'Command:' "$OUT/log" | sed 's/==\([0-9]*\)==.*/\1/')
    grep 'I *refs' "$OUT/log" | tr -d ',' | awk -v m="$main" -v s="$SRC" '
        { gsub(/=/, " "); pid = $1; n = $NF; all += n; if (pid == m) me = n }
        END { printf "%s: main %.1f M  all %.1f M\n", s, me / 1e6, all / 1e6 }'
done
rm -rf "$OUT"
