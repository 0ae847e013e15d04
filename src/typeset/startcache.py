"""What every fresh process compiles again at import, kept on disk (issue #22, the cold
start): the methods the ``dataclasses`` decorator writes as source text and compiles
(``__init__``, ``__repr__``, ``__eq__`` … about 280 of them for a build, 65 classes of this
package's) and the regular expressions compiled as modules are imported (about 100: this
package's, PyYAML's, pikepdf's, the standard library's).  Compiling them took about 30 and
25 ms of CPU of a one-page build's process, on its critical path (bench/cold_trace.py); the
compiled forms are the same in every process of one Python, so they are kept as Python keeps
a module's bytecode in ``__pycache__``.

Contract: :func:`install` (first thing the CLI does) reads the cache and makes the two
compilers look there first; what they compile anew is added, and the file is written again
when the process that installed it exits (atexit; ``cli._leave`` runs the exit handlers),
if it compiled at least ``_WORTH`` things anew.
Nothing is ever computed differently: an entry is found only under the exact source text of
the function, or the exact pattern (str or bytes) and flags of the expression, and is what
this Python's own compiler made of it —
- a dataclass method: the code object ``compile(text, "<string>", "exec")`` makes, which
  ``exec`` runs as it would have run the text (the decorator's module has no future
  imports; the compile here inherits none either);
- an expression: the arguments ``re``'s compiler gave ``_sre.compile`` for it (the final
  flags, the matcher's code, the groups), given to ``_sre.compile`` again (which validates
  the code it is given).
The file is one ``marshal`` payload under a tag, a digest of the Python it belongs to
(``sys.version``, the bytecode's and the regular expression engine's magic numbers) and the
CRC-32 of the payload (damage, not an adversary: the folder is the user's own, as
``__pycache__`` is, which Python reads unchecked; a SHA-256 took 1.5 ms of the 6 ms a read
takes): another Python, a file cut short or damaged is not read (and is replaced at exit).
Where it lives: the user's cache folder, as the other caches
(``$XDG_CACHE_HOME/typeset/startup-<python>-<its digest>.bin``); written under a private
name and renamed, merged with what other processes wrote meanwhile; bounded
(``MAX_ENTRIES``, ``MAX_BYTES``: past them, only what the writing process used is kept).
A folder that cannot be written, a Python whose ``dataclasses`` or ``re`` are made
differently: everything compiles as without the cache.  ``TYPESET_STARTCACHE=0`` turns it
off (benchmarks)."""

from __future__ import annotations

import os
import sys
import threading

MAX_ENTRIES = 4_000
# a build uses about 400 entries, 600 KB (a read: about 5 ms); past this only what the
# writing process used is kept (reportlab's pattern of each process that wrote the file,
# a few KB each, would otherwise pile up)
MAX_BYTES = 1 << 20
# The file is written again only when this process compiled at least this many things
# anew: reportlab's rl_safe_eval joins a set of names into a pattern, a different one in
# each process (string hashing is randomised), which would otherwise rewrite the file on
# every run — and make a build's steps on the file system differ from one run to the next
# (tests/test_faults_build.py kills a build at each of them).  A change to the program
# brings several (a dataclass: three or four methods); a lone new expression waits for
# the next write.
_WORTH = 2
_TAG = b"typeset-startcache 2\n"
_state: dict = {}             # pid, path, fns, res, used, new (set by install)
_counts = {"hits": 0, "misses": 0}
_local = threading.local()    # the call of re's compiler being recorded, per thread


def _path(me: bytes) -> str:
    # named after the Python too: two builds of one version (3.11.2 and 3.11.7, whose
    # cache_tag is the same) keep a file each instead of replacing each other's
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "typeset",
                        f"startup-{sys.implementation.cache_tag}-{me[:4].hex()}.bin")


def _python_id() -> bytes:
    import hashlib

    import _sre

    try:
        from _frozen_importlib_external import MAGIC_NUMBER     # loaded at start-up
    except ImportError:
        from importlib.util import MAGIC_NUMBER
    return hashlib.sha256(repr((sys.version, sys.hexversion, MAGIC_NUMBER,
                                _sre.MAGIC, _sre.CODESIZE, sys.maxunicode)).encode()).digest()


def _read(path: str, me: bytes) -> tuple[dict, dict]:
    import marshal
    import zlib

    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError:
        return {}, {}
    head = len(_TAG) + 36
    payload = raw[head:]
    if raw[:len(_TAG)] != _TAG or raw[len(_TAG):len(_TAG) + 32] != me or \
            raw[len(_TAG) + 32:head] != zlib.crc32(payload).to_bytes(4, "big"):
        return {}, {}
    try:
        fns, res = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}, {}
    if not isinstance(fns, dict) or not isinstance(res, dict):
        return {}, {}
    return fns, res


def _plain(x):
    """``x`` with every int of a subclass (re's opcodes are named ints, which marshal does
    not take) made a plain int of the same value, in lists, tuples and dicts."""
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, int):
        return int(x)
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, tuple):
        return tuple(_plain(v) for v in x)
    if isinstance(x, dict):
        return {_plain(k): _plain(v) for k, v in x.items()}
    return x


def install() -> None:
    """Make ``dataclasses`` and ``re`` take what this Python compiled before from the cache;
    once per process (a forked worker inherits it, and never writes the file)."""
    if _state or os.environ.get("TYPESET_STARTCACHE") == "0":
        return
    try:
        import builtins
        import dataclasses
        import re._compiler as rc
    except ImportError:
        return
    sre = getattr(rc, "_sre", None)
    if not callable(getattr(rc, "compile", None)) or sre is None or \
            not callable(getattr(sre, "compile", None)) or "exec" in vars(dataclasses):
        return
    me = _python_id()
    path = _path(me)
    fns, res = _read(path, me)
    used: set = set()
    new: list = [0]               # entries compiled anew (not in the file)
    _state.update(pid=os.getpid(), path=path, me=me, fns=fns, res=res, used=used, new=new)
    real_exec, real_compile, real_sre_compile = builtins.exec, rc.compile, sre.compile

    def cached_exec(source, globals=None, locals=None, /):
        # dataclasses' only use of exec: the text of a method it writes
        if globals is None:             # exec's own default: the caller's namespaces
            frame = sys._getframe(1)
            globals = frame.f_globals
            if locals is None:
                locals = frame.f_locals
        if isinstance(source, str):
            code = fns.get(source)
            _counts["hits" if code is not None else "misses"] += 1
            if code is None:
                code = compile(source, "<string>", "exec", dont_inherit=True)
                fns[source] = code
                new[0] += 1
            used.add(source)
            source = code
        return real_exec(source, globals, locals)

    class _Sre:
        """re's compiler's ``_sre``: the module's names, and a ``compile`` that records what
        it is given while a call of :func:`cached_re_compile` asks it to."""

        def __init__(self):
            self.__dict__.update((k, v) for k, v in vars(sre).items() if k != "compile")

        @staticmethod
        def compile(pattern, *args):
            rec = getattr(_local, "rec", None)
            if rec is not None:
                rec.append(args)
            return real_sre_compile(pattern, *args)

    def cached_re_compile(p, flags=0):
        if not isinstance(p, (str, bytes)) or not isinstance(flags, int) or \
                flags & rc.SRE_FLAG_DEBUG:
            return real_compile(p, flags)
        key = (p, int(flags))
        args = res.get(key)
        if args is not None:
            try:
                out = real_sre_compile(p, *args)
            except Exception:  # noqa: BLE001 - not what this Python makes: compiled afresh
                res.pop(key, None)
            else:
                used.add(key)
                _counts["hits"] += 1
                return out
        _counts["misses"] += 1
        outer = getattr(_local, "rec", None)
        _local.rec = rec = []
        try:
            out = real_compile(p, flags)
        finally:
            _local.rec = outer
        if len(rec) == 1:
            import marshal

            args = _plain(rec[0])
            try:
                marshal.dumps(args)
            except ValueError:
                return out
            res[key] = args
            used.add(key)
            new[0] += 1
        return out

    rc._sre = _Sre()
    rc.compile = cached_re_compile
    dataclasses.exec = cached_exec
    import atexit

    atexit.register(save)


def counts() -> dict:
    """How many compilations this process took from the cache (hits) and made (misses)."""
    return dict(_counts)


def save(forked: bool = False) -> None:
    """Write the cache again if this process compiled at least ``_WORTH`` things it did not
    find there; nothing, and no error, where it cannot.  In the process that installed it,
    or (``forked``) in a process forked from it (parallel's workers, as they end)."""
    st = _state
    if not st or (st["pid"] != os.getpid() and not forked) or st["new"][0] < _WORTH:
        return
    import marshal
    import zlib

    used = st["used"]
    # what other processes wrote since this one read the file is kept (a command of another
    # kind, run meanwhile, stored what it compiles)
    fns, res = _read(st["path"], st["me"])
    fns.update(st["fns"])
    res.update(st["res"])
    if len(fns) + len(res) > MAX_ENTRIES:
        fns = {k: v for k, v in fns.items() if k in used}
        res = {k: v for k, v in res.items() if k in used}
    try:
        payload = marshal.dumps((fns, res))
        if len(payload) > MAX_BYTES:
            payload = marshal.dumps(({k: v for k, v in fns.items() if k in used},
                                     {k: v for k, v in res.items() if k in used}))
    except ValueError:
        return
    path = st["path"]
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(_TAG + st["me"] + zlib.crc32(payload).to_bytes(4, "big"))
            fh.write(payload)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return
    st["new"][0] = 0
