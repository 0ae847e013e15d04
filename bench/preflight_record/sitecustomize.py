"""Records every preflight call of any Python process started with this folder on PYTHONPATH
and PREFLIGHT_RECORD=DIR (the test suite and the CLI children it spawns), for
``bench/preflight_bench.py replay DIR`` (issue #22)::

    PYTHONPATH=src:bench/preflight_record PREFLIGHT_RECORD=/tmp/rec \\
        .venv/bin/python -m pytest -q tests/test_preflight_plant.py …
"""
import os
import sys

if os.environ.get("PREFLIGHT_RECORD"):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import preflight_bench

    preflight_bench.install(os.environ["PREFLIGHT_RECORD"])
