#!/bin/sh
# The SHA-256 of every PDF of the sample issue, both demo issues and /tmp/fd32, built with
# the CLI from this worktree (issue #22: a change to the writer, PDF/X or preflight must
# not change a byte).  Usage: sh bench/same_bytes.sh OUTFILE   (then diff two OUTFILEs)
set -e
out=$(mktemp -d)
for d in sichuan-kejibao-2020-08 demo-weekly-2020-08 demo-vertical-2020-08; do
  .venv/bin/typeset build issues/$d -o "$out/$d" >/dev/null 2>&1
done
[ -d /tmp/fd32 ] && .venv/bin/typeset build /tmp/fd32 -o "$out/fd32" >/dev/null 2>&1
(cd "$out" && sha256sum */*.pdf) > "$1"
rm -rf "$out"
wc -l "$1"
