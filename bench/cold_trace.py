"""A timeline of one fresh-process build (issue #22, the cold start): when each stage and
each large import starts and ends, in which process, in ms from the start of this script.

    .venv/bin/python bench/cold_trace.py issues/sichuan-kejibao-2020-08 [build args...]

The interpreter's own start (about 15-20 ms, `python -c pass`) comes before 0.  The stages
are found by wrapping functions once their module is imported (an import hook), so the
program runs as it does from `python -m typeset`."""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import os
import sys
import time

T0 = time.perf_counter()
EVENTS = []          # (pid, start ms, end ms, name, thread CPU ms)

WRAP = {
    "typeset.build": ["lay_out", "_prepare_output", "_make_pages", "_draw", "_finish",
                      "_check", "_clean_stages", "_check_glyphs", "normalise_issue",
                      "_render_and_write", "build_issue", "_finish_one", "_pdfx"],
    "typeset.startcache": ["save"],
    "typeset.page": ["make_page"],
    "typeset.load": ["load_issue"],
    "typeset.flow": ["compose_bodies", "flow_issue", "_compose_article"],
    "typeset.pdf": ["render_pdf", "prepare_fonts", "issue_encoding", "issue_fonts"],
    "typeset.pdfx": ["finish_pdf", "prepare"],
    "typeset.preflight": ["preflight", "prepare"],
    "typeset.outdir": ["write_set", "stage_set"],
    "typeset.parallel": ["fork_map"],
}
WATCH = ("reportlab", "pikepdf", "pypdfium2", "click", "yaml", "fontTools", "PIL",
         "typeset.")


def _log(name, a, b, cpu=0.0):
    EVENTS.append((os.getpid(), (a - T0) * 1e3, (b - T0) * 1e3, name, cpu * 1e3))


def _wrap(mod, attr):
    f = getattr(mod, attr, None)
    if f is None or getattr(f, "_traced", False):
        return

    @functools.wraps(f)
    def g(*a, **kw):
        t, c = time.perf_counter(), time.thread_time()
        try:
            return f(*a, **kw)
        finally:
            _log(f"{mod.__name__.split('.')[-1]}.{attr}", t, time.perf_counter(),
                 time.thread_time() - c)
    g._traced = True
    setattr(mod, attr, g)


class _Loader(importlib.abc.Loader):
    def __init__(self, inner):
        self.inner = inner

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module):
        t = time.perf_counter()
        self.inner.exec_module(module)
        name = module.__name__
        if name.count(".") == 0 or name.startswith("typeset."):
            _log("import " + name, t, time.perf_counter())
        for attr in WRAP.get(name, ()):
            _wrap(module, attr)
        if name == "typeset.outdir" and hasattr(module, "Staged"):
            _wrap(module.Staged, "commit")      # (the switch of a set staged before)
        if name == "typeset.parallel":
            # the results' pickling (workers) and unpickling (the build process)
            module.pickle = _Pickle()


class _Pickle:
    """pickle as parallel.py sees it, its dumps and loads timed."""

    def __getattr__(self, attr):
        import pickle

        return getattr(pickle, attr)

    def dumps(self, *a, **kw):
        import pickle

        t, c = time.perf_counter(), time.thread_time()
        try:
            return pickle.dumps(*a, **kw)
        finally:
            _log("parallel.dumps", t, time.perf_counter(), time.thread_time() - c)

    def loads(self, *a, **kw):
        import pickle

        t, c = time.perf_counter(), time.thread_time()
        try:
            return pickle.loads(*a, **kw)
        finally:
            _log("parallel.loads", t, time.perf_counter(), time.thread_time() - c)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if not name.startswith(WATCH):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None and \
                hasattr(spec.loader, "exec_module"):
            spec.loader = _Loader(spec.loader)
        return spec


sys.meta_path.insert(0, _Finder())


def _dump():
    path = os.environ.get("COLD_TRACE", "/tmp/cold-trace.txt")
    me = os.getpid()
    with open(path, "a") as f:
        for e in EVENTS:
            if e[0] == me:          # (a forked worker holds a copy of its parent's events)
                f.write("%d\t%.1f\t%.1f\t%s\t%.1f\n" % e)
    EVENTS.clear()


# every process (the forked workers exit with os._exit too) writes its events at its end,
# and one "process" event: from its fork (or this script's start) to its end, with the
# process's CPU seconds (user + system, this process only)
_BORN = [time.perf_counter()]


def _forked():
    _BORN[0] = time.perf_counter()


os.register_at_fork(after_in_child=_forked)
_real_exit = os._exit


def _process_event():
    t = os.times()
    _log("process", _BORN[0], time.perf_counter(), t.user + t.system)


def _exit(code):
    _process_event()
    _dump()
    _real_exit(code)


os._exit = _exit

if __name__ == "__main__":
    from typeset.cli import main

    sys.argv = ["typeset", "build", *sys.argv[1:]]
    try:
        main()
    finally:
        _process_event()
        _dump()
