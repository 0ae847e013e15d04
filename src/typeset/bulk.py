"""Bulk work on the archive across machines: rebuilding every record, ingesting many issues.

Contract: ``run(kind, items, …)`` runs one task per item — ``rebuild`` (a record folder:
``archive.rebuild_one``) or ``ingest`` (an issue folder: ``archive.archive_issue``) — on Dask
distributed: a local cluster of ``workers`` processes (default: one per core) or the
scheduler at ``scheduler`` (a real cluster: every worker must see the archive at the same
path, e.g. on shared storage, and have typeset installed).  Each task builds on one core.

- One failed item does not stop the rest: a task's error is its result (``error``).
- A worker that dies (killed, out of memory) loses nothing: the scheduler gives its tasks to
  another worker (Dask retries a task up to ``distributed.scheduler.allowed-failures``
  times, 3 by default, before giving it up as failed).  Each task reports when it starts and
  where (a Dask event), so a task started twice is reported ``retried``.
- ``log`` (JSON lines) is the resumable log: a line when a task starts (``start``: item,
  worker address, process id) and when it ends (``done`` with its result); it is flushed to
  disk line by line.  A second run with the same log skips the items already done without
  error and runs the others.
- ``progress(done, total, result)`` is called as results come in.

The worker processes of a local cluster end with this process, even when it is killed
(Linux PR_SET_PDEATHSIG, set when each worker starts: ``dask_setup``).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

TOPIC = "typeset-bulk"
_PARENT_ENV = "TYPESET_BULK_PARENT"


# --- in the worker processes ---------------------------------------------------------------------

def dask_setup(worker=None) -> None:
    """Run by Dask in each local worker process as it starts (``preload``): die with the
    process that started the cluster."""
    parent = os.environ.get(_PARENT_ENV)
    if not parent:
        return
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != int(parent):
        os._exit(1)             # the parent ended before the line above: end now


def _started(item: str) -> None:
    try:
        from distributed import get_worker

        w = get_worker()
        w.log_event(TOPIC, dict(event="start", item=item, worker=w.address, pid=os.getpid(),
                                time=time.time()))
    except (ImportError, ValueError):
        pass


def rebuild_task(record: str) -> dict:
    from .archive import _safe_rebuild

    _started(record)
    out = _safe_rebuild(Path(record), jobs=1)
    out["pid"] = os.getpid()
    return out


def ingest_task(issue_dir: str, archive: str, replace: bool, catalog: str | None) -> dict:
    from .archive import archive_issue
    from .errors import TypesetError

    _started(issue_dir)
    try:
        r = archive_issue(Path(issue_dir), Path(archive), replace=replace, catalog=catalog,
                          jobs=1)
        return dict(item=issue_dir, id=r["id"], version=r["version"], path=r["path"],
                    notes=r["notes"], pid=os.getpid())
    except TypesetError as e:
        return dict(item=issue_dir, error=str(e), exit_code=e.exit_code, pid=os.getpid())
    except OSError as e:
        return dict(item=issue_dir, error=f"{e.filename}: {e.strerror or e}", exit_code=74,
                    pid=os.getpid())


TASKS = {"rebuild": rebuild_task, "ingest": ingest_task}


# --- the resumable log ----------------------------------------------------------------------------

class Log:
    """The JSON-lines log of a bulk run (see the module docstring); thread-safe."""

    def __init__(self, path: Path | None):
        self.path = Path(path) if path else None
        self.lock = threading.Lock()
        self.done: dict[str, dict] = {}
        self.starts: dict[str, int] = {}
        if self.path is not None and self.path.exists():
            for n, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
                try:
                    e = json.loads(line)
                except ValueError:
                    continue            # a line cut short by a kill: the item runs again
                if isinstance(e, dict) and e.get("event") == "done" and \
                        not (e.get("result") or {}).get("error"):
                    self.done[e.get("item")] = e.get("result")
        self.fh = open(self.path, "a", encoding="utf-8") if self.path else None

    def write(self, entry: dict) -> None:
        with self.lock:
            if entry.get("event") == "start":
                self.starts[entry["item"]] = self.starts.get(entry["item"], 0) + 1
            if self.fh is not None:
                self.fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
                self.fh.flush()
                os.fsync(self.fh.fileno())

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


# --- the driver -------------------------------------------------------------------------------------

def _client(scheduler: str | None, workers: int | None):
    """A Dask client: of the scheduler at ``scheduler``, or of a new local cluster."""
    import logging

    import dask
    from distributed import Client, LocalCluster

    from .parallel import cpu_count

    for name in ("distributed", "tornado"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if scheduler:
        from .errors import OutputError

        try:
            return Client(scheduler, timeout="30s"), None
        except (OSError, TimeoutError) as e:
            raise OutputError(f"the Dask scheduler at {scheduler} cannot be reached ({e})",
                              hint="start it with `dask scheduler`, and workers with "
                                   "`dask worker ADDRESS`") from None
    os.environ[_PARENT_ENV] = str(os.getpid())
    dask.config.set({"distributed.worker.daemon": True, "logging.distributed": "error"})
    cluster = LocalCluster(n_workers=workers or cpu_count(), threads_per_worker=1,
                           processes=True, dashboard_address=None, preload=["typeset.bulk"],
                           silence_logs=logging.ERROR)
    return Client(cluster), cluster


def run(kind: str, items: list[str], *, args: tuple = (), scheduler: str | None = None,
        workers: int | None = None, log: Path | None = None, progress=None) -> list[dict]:
    """Run the ``kind`` task on every item (see the module docstring); the results in the
    order of ``items``, each with ``item``, ``retried`` (started more than once) and, for
    items a previous run with the same log did, ``skipped``."""
    from distributed import as_completed

    book = Log(log)
    results: dict[str, dict] = {}
    for item in items:
        if item in book.done:
            results[item] = dict(book.done[item] or {}, item=item, skipped=True,
                                 retried=False)
    todo = [i for i in dict.fromkeys(items) if i not in results]
    total = len(todo)
    if not todo:
        book.close()
        return [results[i] for i in items]
    client, cluster = _client(scheduler, workers)
    try:
        client.subscribe_topic(TOPIC, lambda ev: book.write(dict(ev[1], event="start")))
        fn = TASKS[kind]
        futures = {client.submit(fn, item, *args, key=f"typeset-{kind}-{k}-{os.getpid()}",
                                 pure=False): item for k, item in enumerate(todo)}
        done = 0
        for fut in as_completed(futures):
            item = futures[fut]
            try:
                res = fut.result()
            except Exception as e:  # noqa: BLE001 - a task lost with every worker it ran on
                res = dict(error=f"the task failed on every worker it was given to "
                                 f"({type(e).__name__}: {e})", pages=[], identical=False)
            res = dict(res, item=item, retried=book.starts.get(item, 0) > 1)
            results[item] = res
            book.write(dict(event="done", item=item, result=res, time=time.time()))
            done += 1
            if progress:
                progress(done, total, res)
        time.sleep(0.2)             # (the last start events may still be on their way)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        book.close()
    for item in todo:       # (a start event may come after its result)
        results[item]["retried"] = book.starts.get(item, 0) > 1
    return [results[i] for i in items]
