#!/bin/sh
# The archive's fault suite with a larger budget than CI's: many more random SIGKILLs of
# `archive` and `rebuild` (default 300 each; CI runs 30), plus the disk-full and read-only
# cases.  Needs root (tmpfs and bind mounts).  Usage:
#   scripts/archive-fault-soak.sh [KILLS] [SEED]
# A failure prints the seed; run again with that SEED to replay the same kill delays.
set -e
cd "$(dirname "$0")/.."
export TYPESET_FAULT_KILLS="${1:-300}"
[ -n "$2" ] && export TYPESET_FAULT_SEED="$2"
exec .venv/bin/python -m pytest -q tests/test_faults_archive.py
