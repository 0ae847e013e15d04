"""Work spread over the machine's cores: ``fork_map(fn, items, jobs, shared)``.

Contract: returns ``[fn(shared, item) for item in items]``, in order, computed by up to ``jobs``
forked worker processes that take items one at a time from a shared queue (so a long page
does not hold up the rest); with ``meanwhile`` work of its own, the calling process is one of
the ``jobs``: it forks one worker fewer and takes items from the same queue once that work
is done.  ``shared`` (the loaded issue, the laid-out pages) is not sent to
the workers: they are forked after it is in memory and read their copy.  ``fn`` and each
result must pickle.  An exception in a worker is raised again here; a worker that dies
without an answer raises ``RuntimeError``.  With ``jobs <= 1`` or a single item nothing is
forked.

A worker never outlives the process that forked it: the kernel sends it SIGKILL when that
process dies, however it dies (Linux ``prctl(PR_SET_PDEATHSIG)``), so a build killed with
SIGKILL — which gives it no chance to stop its workers — takes them with it.

Why not multiprocessing.Pool: importing it costs about 40 ms, a tenth of a one-page build, and
its workers are started before the shared data exists.  Here each call forks its own workers
(a few ms on Linux, copy-on-write) and they exit when the queue is empty.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import sys
import threading
import traceback

_HEADER = struct.Struct("<Q")


def cpu_count() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


_PR_SET_PDEATHSIG = 1


def _libc():
    """libc through ctypes, loaded in the parent before forking (the workers inherit it)."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True)
    except (ImportError, OSError):
        return None


def trim_heap() -> None:
    """Give the free memory of the C heap back to the operating system (glibc's
    ``malloc_trim``): what a build freed (the composed lines of every page, once the pages
    are set) would otherwise stay in the process, and in every worker forked from it
    (issue #22: 500 pages).  Nothing where there is no glibc."""
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is not None:
        trim(0)


def _die_with_parent(libc, parent: int) -> None:
    """In a worker: be killed when ``parent`` dies; leave at once if it died already (between
    the fork and this call)."""
    if libc is not None:
        try:
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except AttributeError:       # not Linux: the worker ends at its next result instead
            pass                     # (writing into a pipe nobody reads)
    if os.getppid() != parent:
        os._exit(1)


def _read_exact(fd: int, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


_LINGER = (1 << 64) - 1     # a worker's header: its round is done, it stays as a helper
_KEEP: dict = {}            # keep_next's request, then the Helper it made (kept())


def keep_next(setup, state) -> None:
    """Have the next round with ``meanwhile`` (fork_map) keep its first worker once the
    queue is empty, instead of letting it end: it runs ``setup(state)`` and then computes
    what :class:`Helper` sends it, ``fn(state, *args)``; :func:`kept` hands it over.  Why
    (issue #22, the cold start): a one-page build's composing worker was done long before
    the build process, which then drew, made the page PDF/X and preflighted it on one core
    while the other idled; kept, the worker imports the PDF/X and preflight libraries and
    does those two steps, and the build process never imports them.  A worker forked
    anew for it (2026-12-03, morning) cost more than it gained: its fork and the memory it
    copied.  ``state`` is read in the worker as forked (the loaded issue)."""
    _KEEP.clear()
    _KEEP["req"] = (setup, state)


def kept() -> "Helper | None":
    """The worker :func:`keep_next` asked for, or None (nothing was forked, or it ended
    before its round did); the request is dropped either way."""
    _KEEP.pop("req", None)
    return _KEEP.pop("helper", None)


def _worker(fn, items, shared, task_r: int, out_w: int, renew: int = 0, linger=None,
            collect: bool = True) -> None:
    count = 0
    while True:
        raw = _read_exact(task_r, 4)
        if raw is None:                   # the queue is empty
            if linger is not None:
                setup, state, cmd_r = linger
                os.close(task_r)
                _write_all(out_w, _HEADER.pack(_LINGER))
                _KEEP["served"] = True
                failed = None
                try:
                    setup(state)
                except Exception as e:  # noqa: BLE001
                    failed = e
                # What it compiled is stored now and before its last answer, never after
                # it: the build process stores its own as it ends, and a store of this
                # worker's after that one could drop it (each reads the file, adds its
                # own and writes it whole) — and make the next build's steps on the file
                # system differ (tests/test_faults_build.py)
                _keep_compiled()
                _serve(state, cmd_r, out_w, failed)
            return
        (i,) = struct.unpack("<I", raw)
        try:
            msg = pickle.dumps((i, True, fn(shared, items[i])), pickle.HIGHEST_PROTOCOL)
        except Exception as e:  # noqa: BLE001 - sent to the parent, raised there
            tb = traceback.format_exc()
            try:
                msg = pickle.dumps((i, False, (e, tb)), pickle.HIGHEST_PROTOCOL)
                pickle.loads(msg)        # the parent must be able to read it back
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                msg = pickle.dumps((i, False, (RuntimeError(f"{type(e).__name__}: {e}"), tb)))
        # (KeyboardInterrupt, SystemExit: the worker ends; the parent stops the others)
        _write_all(out_w, _HEADER.pack(len(msg)) + msg)
        del msg
        # What an item leaves in reference cycles (a PDF writer's document and its pages)
        # would wait for a full collection, which the build's thresholds make rare: a worker
        # drawing hundreds of pages kept every one.  Cheap here: the objects inherited from
        # the parent are frozen (fork_map), only the worker's own are walked.  Not free
        # all the same (about 1 ms a composed article, a third of the worker's gaps in the
        # compose round): a round whose items make no such garbage says so (``collect``).
        if collect:
            gc.collect()
        count += 1
        if renew and count >= renew:
            _write_all(out_w, _HEADER.pack(0))      # "renew me": a fresh worker goes on
            return


def _keep_compiled() -> None:
    """In a worker about to end: store what it compiled that the start-up cache did not
    have (startcache.py; a worker ends with os._exit, which runs no exit handlers).  What
    only workers compile (the word segmenter's expressions) was never stored, and was new
    again whenever the build process composed an article itself, which it does or not with
    the timing: the build process then wrote the cache, and its steps on the file system
    differed from one run to the next (tests/test_faults_build.py)."""
    cache = sys.modules.get("typeset.startcache")
    if cache is not None:
        try:
            cache.save(forked=True)
        except Exception:  # noqa: BLE001 - a cache: the worker's work is done
            pass


_MAX_ITEMS = 16_000     # task numbers of one round fit in a pipe's 64 KB buffer


def _stop(workers) -> None:
    """Kill the workers, close every read end, then reap them (in that order: a worker
    blocked writing a result only ends when it is killed or its pipe has no reader)."""
    for pid, _ in workers:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _close_and_reap(workers)


def _close_and_reap(workers) -> None:
    for _, fd in workers:
        try:
            os.close(fd)
        except OSError:
            pass
    for pid, _ in workers:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass



_PIPE_BYTES = 1 << 20
_F_SETPIPE_SZ = 1031            # Linux's fcntl F_SETPIPE_SZ (the fcntl module names it in 3.10+)


def _widen(fd: int) -> None:
    """Give a worker's result pipe 1 MB where the system lets it: with Linux's 64 KB, the
    worker composing the sample page's articles blocked on its third result (86 KB of lines)
    until the build process had imported the PDF libraries, about 285 ms, and the build
    process then composed what was left itself (issue #22: 0.327 → 0.305 s on an idle
    machine, bench/cold_trace.py).  Elsewhere, or past the system's limit, the pipe stays as
    it is: a full pipe only makes the worker wait."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", _F_SETPIPE_SZ), _PIPE_BYTES)
    except (ImportError, OSError):
        pass

def fork_map(fn, items: list, jobs: int, shared=None, progress=None, meanwhile=None,
             renew: int = 0, received=None, lane: bool = False, collect: bool = True) -> list:
    """``[fn(shared, x) for x in items]`` on up to ``jobs`` processes; ``progress(done, total)``
    is called in this process as results arrive.  ``meanwhile()`` runs in this process while
    the workers work (before any work when nothing is forked): a build imports the PDF
    libraries there, so that the import overlaps composition.  ``renew``: a worker stops
    after that many items and a fresh one is forked in its place (0: never), so that no
    worker accumulates private copies of the shared data it touched (a 500-page build's
    pages: reading an object writes its reference count, which copies its memory page).

    Nothing is forked from a process that runs other threads (`serve`): a forked child gets
    only the calling thread, and a lock another thread held at that moment would stay locked
    in the child for ever.  When an item fails, the error raised is that of the first failing
    item in order, as without workers, and the remaining work is stopped.  ``received(value)``
    is called in this process on each result as it arrives (unpickled) and returns what is
    kept in its place (compose_bodies shares the character strings of composed lines).

    With ``meanwhile``, this process counts as one of the ``jobs``: ``jobs - 1`` workers are
    forked, and once ``meanwhile()`` returns this process takes items from the same queue as
    they do, between reading their results.  A build's ``meanwhile`` (importing the PDF
    libraries, about as long as composing a one-page issue) used to run beside ``jobs``
    workers, three processes on two cores: a worker fewer costs a one-page build nothing in
    time on an idle machine, saves the CPU of a worker (its fork, the memory pages it copies,
    its results pickled and read back) and is faster on a busy one; a long build loses
    nothing either, this process composing beside the workers once it is free (issue #22).

    ``lane``: this process is one of the ``jobs`` without a ``meanwhile`` of its own — it
    forks a worker fewer and takes items from the queue at once.  A build's rounds of pages
    (draw; PDF/X and preflight) used to fork one worker per core and wait in ``select``:
    each worker is a fork and the memory pages it copies as it reads the pages.  With
    ``renew`` too (items that make garbage in cycles: PDF documents), this process's own
    objects are frozen for the round and the garbage collector runs after each item it
    takes, as a worker does (issue #22), walking only what the round made.

    ``collect``: a worker runs the garbage collector after each item (what the item left in
    reference cycles: a drawn page's PDF document); False for items that leave none worth
    it — composed articles: about 1 ms a collection, 100 ms of a worker's 280 ms of
    composition in a 32-page build's compose round (issue #22); the build's thresholds
    still collect as objects pile up."""
    items = list(items)
    n = len(items)
    jobs = min(jobs, n)
    if jobs <= 1 or not hasattr(os, "fork") or threading.active_count() > 1:
        if meanwhile:
            meanwhile()
        out = []
        for k, it in enumerate(items):
            out.append(fn(shared, it) if received is None else received(fn(shared, it)))
            if progress:
                progress(k + 1, n)
        return out
    if n > _MAX_ITEMS:
        out = []
        for k in range(0, n, _MAX_ITEMS):
            out += fork_map(fn, items[k:k + _MAX_ITEMS], jobs, shared,
                            (lambda d, _t, k=k: progress(k + d, n)) if progress else None,
                            meanwhile if k == 0 else None, renew, received, lane, collect)
        return out
    _reap()
    keep = _KEEP.pop("req", None) if meanwhile is not None else None
    task_r, task_w = os.pipe()
    try:
        _write_all(task_w, b"".join(struct.pack("<I", i) for i in range(n)))
    finally:
        os.close(task_w)
    sys.stdout.flush()
    sys.stderr.flush()
    libc, me = _libc(), os.getpid()
    workers: list = []        # (pid, read end of its result pipe)
    # The workers read what this process holds (the issue, its lines, its pages: hundreds of
    # MB at 500 pages) without copying it, as long as nothing writes to it; the garbage
    # collector would (it marks every object it walks), copying all of it into each worker.
    # Frozen objects are never walked: frozen before forking, unfrozen here after.
    helper = meanwhile is not None or lane     # this process takes items too
    hold = helper and bool(renew)       # frozen for the round, collecting after its items

    lingering: dict = {}

    def spawn() -> int:
        gc.freeze()
        try:
            out_r, out_w = os.pipe()
            _widen(out_w)
            linger = None
            if keep is not None and not lingering:
                cmd_r, cmd_w = os.pipe()
                _widen(cmd_w)
                linger = (keep[0], keep[1], cmd_r)
            try:
                pid = os.fork()
            except BaseException:
                os.close(out_r)
                os.close(out_w)
                raise
            if pid == 0:      # the worker: never returns into the caller's code
                status = 0
                try:
                    _die_with_parent(libc, me)
                    os.close(out_r)
                    if linger is not None:
                        os.close(cmd_w)
                    for _, fd in workers:       # the other workers' read ends
                        os.close(fd)
                    _worker(fn, items, shared, task_r, out_w, renew, linger, collect)
                except BaseException:  # noqa: BLE001
                    status = 1
                finally:
                    if linger is None or not _KEEP.get("served"):
                        _keep_compiled()
                    os._exit(status)
            os.close(out_w)
            if linger is not None:
                os.close(linger[2])
                lingering[out_r] = (pid, cmd_w)
            workers.append((pid, out_r))
            return out_r
        finally:
            if not hold:
                gc.unfreeze()

    keep_tasks = renew or helper        # the queue's read end stays open here
    if hold:
        gc.freeze()
    try:
        return _run(fn, items, n, shared, progress, meanwhile, received, jobs, task_r,
                    keep_tasks, helper, hold, workers, spawn, lingering)
    finally:
        if hold:
            gc.unfreeze()


def _run(fn, items, n, shared, progress, meanwhile, received, jobs, task_r, keep_tasks,
         helper, hold, workers, spawn, lingering=None) -> list:
    """fork_map's round, once the task queue is written: fork the workers, take items here
    when ``helper``, read the results."""
    import selectors

    try:
        for _ in range(jobs - 1 if helper else jobs):
            spawn()
    except BaseException:
        os.close(task_r)
        _stop(workers)
        raise
    if not keep_tasks:
        os.close(task_r)
    results: list = [None] * n
    have = [False] * n
    failures: dict = {}
    done = 0
    sel = selectors.DefaultSelector()
    try:
        if meanwhile:
            meanwhile()
        for _, fd in workers:
            sel.register(fd, selectors.EVENT_READ)
        open_fds = {fd for _, fd in workers}
        own = helper
        while open_fds or own:
            if failures:
                first = min(failures)
                if all(have[k] or k in failures for k in range(first)):
                    break     # every item before the first failure is known: stop
            timeout = None
            if own:
                raw = _read_exact(task_r, 4)
                if raw is None:                   # the queue is empty
                    own = False
                else:
                    (i,) = struct.unpack("<I", raw)
                    try:
                        value = fn(shared, items[i])
                    except Exception as e:  # noqa: BLE001 - raised in order, below
                        failures[i] = (e, None)
                        own = False
                    else:
                        results[i] = value if received is None else received(value)
                        have[i] = True
                        done += 1
                        if progress:
                            progress(done, n)
                        if hold:
                            del value
                            gc.collect()      # (what the round made: the rest is frozen)
                    timeout = 0       # read what the workers sent meanwhile, then go on
            if not open_fds:
                continue
            for key, _ in sel.select(timeout):
                fd = key.fd
                head = _read_exact(fd, _HEADER.size)
                if head is not None and _HEADER.unpack(head)[0] == _LINGER:
                    sel.unregister(fd)
                    open_fds.discard(fd)
                    pid, cmd_w = lingering.pop(fd)
                    workers.remove((pid, fd))
                    _KEEP["helper"] = Helper(pid, cmd_w, fd)
                    continue
                if head is not None and _HEADER.unpack(head)[0] == 0:
                    # a worker stopped at its number of items: reaped, and a fresh one
                    # forked while items may be left
                    sel.unregister(fd)
                    open_fds.discard(fd)
                    pid = next(p for p, f in workers if f == fd)
                    workers.remove((pid, fd))
                    _close_and_reap([(pid, fd)])
                    if done + len(failures) < n and not failures:
                        new_fd = spawn()
                        sel.register(new_fd, selectors.EVENT_READ)
                        open_fds.add(new_fd)
                    continue
                body = None if head is None else _read_exact(fd, _HEADER.unpack(head)[0])
                if body is None:
                    sel.unregister(fd)
                    open_fds.discard(fd)
                    continue
                i, ok, value = pickle.loads(body)
                if ok:
                    results[i] = value if received is None else received(value)
                    have[i] = True
                    done += 1
                    if progress:
                        progress(done, n)
                else:
                    failures[i] = value
    except BaseException:
        sel.close()
        if keep_tasks:
            os.close(task_r)
        _stop(workers)
        raise
    sel.close()
    if keep_tasks:
        os.close(task_r)
    if failures:
        _stop(workers)
        exc, tb = failures[min(failures)]
        if tb is None:                  # raised here, by an item this process took
            raise exc
        if isinstance(exc, BaseException):
            exc.add_note(f"in a worker process:\n{tb}")
            raise exc
        raise RuntimeError(tb)
    for _pid, cmd_w in (lingering or {}).values():
        try:
            os.close(cmd_w)
        except OSError:
            pass
    _close_and_reap(workers)
    if not all(have):
        raise RuntimeError(f"a worker process ended without finishing its work "
                           f"({have.count(False)} of {n} item(s) not done; out of memory?)")
    return results


class HelperGone(RuntimeError):
    """The kept worker ended (killed, out of memory) before it answered."""


class Helper:
    """A worker kept after its round (:func:`keep_next`): ``send(fn, *args)`` has it compute
    ``fn(state, *args)``, ``receive()`` returns the answers in order (an exception there is
    raised here, with its traceback as a note); ``send(..., last=True)``: it ends once it
    has answered.  ``close()`` ends it (it also ends when this process does: PDEATHSIG)."""

    def __init__(self, pid: int, to_w: int, from_r: int):
        self.pid, self._to, self._from = pid, to_w, from_r

    def send(self, fn, *args, last: bool = False) -> None:
        data = pickle.dumps((fn, args, last), pickle.HIGHEST_PROTOCOL)
        try:
            _write_all(self._to, _HEADER.pack(len(data)) + data)
        except OSError as e:
            raise HelperGone(f"the helper process ended ({e})") from None

    def receive(self):
        head = _read_exact(self._from, _HEADER.size)
        body = None if head is None else _read_exact(self._from, _HEADER.unpack(head)[0])
        if body is None:
            raise HelperGone("the helper process ended without an answer")
        ok, value = pickle.loads(body)
        if ok:
            return value
        exc, tb = value
        if isinstance(exc, BaseException):
            exc.add_note(f"in a helper process:\n{tb}")
            raise exc
        raise RuntimeError(tb)

    def close(self, kill: bool = False) -> None:
        """Let go of it; ``kill``: end it at once (a build that stopped before its last
        call).  Once it has answered a call marked last it ends by itself: it is reaped
        if it has ended, else later (``_reap``), so that this process does not wait for
        its exit (a few ms of the kernel freeing its memory, at the end of a build)."""
        if self.pid is None:
            return
        for fd in (self._to, self._from):
            try:
                os.close(fd)
            except OSError:
                pass
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
        else:
            _ENDING.append(self.pid)
            _reap()
        self.pid = None


_ENDING: list = []      # kept workers let go of, not yet reaped


def _reap() -> None:
    """Reap the kept workers that have ended since they were let go of (no waiting)."""
    for pid in list(_ENDING):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _ENDING.remove(pid)


def _serve(state, cmd_r: int, out_w: int, failed=None) -> None:
    """The kept worker's loop: compute what it is sent, in order, until the pipe closes or
    a call marked last has been answered."""
    while True:
        head = _read_exact(cmd_r, _HEADER.size)
        body = None if head is None else _read_exact(cmd_r, _HEADER.unpack(head)[0])
        if body is None:
            return
        fn, args, last = pickle.loads(body)
        try:
            if failed is not None:          # its setup failed: every call says so
                raise failed
            msg = pickle.dumps((True, fn(state, *args)), pickle.HIGHEST_PROTOCOL)
            if last:
                _keep_compiled()        # (see _worker)
        except Exception as e:  # noqa: BLE001 - sent to the caller, raised there
            tb = traceback.format_exc()
            try:
                msg = pickle.dumps((False, (e, tb)), pickle.HIGHEST_PROTOCOL)
                pickle.loads(msg)
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                msg = pickle.dumps((False, (RuntimeError(f"{type(e).__name__}: {e}"), tb)))
        _write_all(out_w, _HEADER.pack(len(msg)) + msg)
        del msg
        if last:
            return
