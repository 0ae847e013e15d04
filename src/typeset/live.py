"""The layout editor's night: rebuild on every change, and live proofs in the browser.

Contract: :class:`Watcher` polls the issue's files (manifest, articles, pictures, the project's
layout files) and, when one changes, builds again: the PDFs and the proofs (with the grid
overlay) when everything fits, the proofs alone when a slot is overset, so a broken build never
replaces good PDFs.  Each rebuild yields a :class:`Rebuild` with the fit report, the pages the
change touched and the time it took.  ``serve(issue_dir, port)`` runs a Watcher and a small
HTTP server on localhost (the standard library's ``http.server``): ``/`` shows every page's
proof beside the fit report, and refreshes by itself through server-sent events (``/events``)
after each rebuild.
"""

from __future__ import annotations

import errno
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import EXIT_IO, TypesetError

POLL_SECONDS = 0.25


@dataclass
class Rebuild:
    generation: int
    ok: bool
    seconds: float
    touched: list[int]                 # page numbers the change touched
    report: dict = field(default_factory=dict)
    error: str = ""
    proofs: list[str] = field(default_factory=list)


def _snapshot(issue_dir: Path, project: Path | None, out_dir: Path | None = None,
              written: frozenset = frozenset()) -> dict[Path, float]:
    """Modification times of the files a build reads: everything in the issue folder except
    hidden files and folders (an editor's swap files, the build's staging folders), the
    output folder and the files the last build wrote (by path: an issue may itself live under
    a folder named 'out', and ``-o`` may be a folder inside the issue); and the project's
    layout files."""
    skip = None
    if out_dir is not None:
        out_real = Path(os.path.realpath(out_dir))
        # an output folder holding the issue (-o ISSUE_DIR, -o ..) cannot be skipped whole:
        # then only the files the build wrote are
        if not Path(os.path.realpath(issue_dir)).is_relative_to(out_real):
            skip = out_real
    files = []
    for top, dirs, names in os.walk(os.path.abspath(issue_dir)):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and
                         (skip is None or Path(os.path.realpath(os.path.join(top, d))) != skip))
        files += [Path(top) / n for n in names if not n.startswith(".")]
    if project is not None:
        files += [p for p in (project / "layout").rglob("*") if p.is_file()]
    snap = {}
    for p in files:
        if p in written:
            continue
        try:
            snap[p] = p.stat().st_mtime_ns
        except OSError:
            pass
    return snap


def touched_pages(issue, changed: set[Path]) -> list[int]:
    """Pages of the loaded ``issue`` a change touches: those whose slots name a changed
    article or picture; every page when the manifest or a layout file changed (by path:
    an article in a folder named 'layout' is an article)."""
    names = {p.resolve() for p in changed}
    layout = (issue.project_root / "layout").resolve()
    if issue.manifest.resolve() in names or any(p.is_relative_to(layout) for p in names):
        return sorted(p.number for p in issue.pages)
    out = set()
    for page in issue.pages:
        for s in page.slots:
            files = (issue.articles[s.article].path if s.article else None, s.image, s.graphic)
            if any(f is not None and f.resolve() in names for f in files):
                out.add(page.number)
    return sorted(out)


class Watcher:
    """Rebuild ``issue_dir`` whenever one of its files changes (see the module docstring)."""

    def __init__(self, issue_dir: Path, out_dir: Path | None = None, grid: bool = True):
        from .load import find_project_root

        self.issue_dir = Path(issue_dir)
        self.out_dir = Path(out_dir) if out_dir else self.issue_dir / "out"
        self.grid = grid
        try:
            self.project = find_project_root(self.issue_dir)
        except TypesetError:
            self.project = None
        self.generation = 0
        self.last: Rebuild | None = None
        self.cond = threading.Condition()
        self._snap: dict[Path, float] = {}
        self._written: frozenset = frozenset()     # what the last rebuild wrote
        self._stop = threading.Event()

    def rebuild(self, changed: set[Path] | None = None) -> Rebuild:
        from .build import build_issue, lay_out, proof_issue

        t0 = time.perf_counter()
        touched: list[int] = []
        ok, err, report, proofs = True, "", {}, []
        laid = rep = None
        try:
            # laid out once: the build, or the proofs after an overset or a failed preflight,
            # use this layout rather than laying the issue out again
            laid = lay_out(self.issue_dir)
            touched = touched_pages(laid.issue, changed) if changed else []
            # an edit to articles or pictures re-lays the issue but renders only the pages
            # it touched; a manifest or layout change (or the first build) renders them all
            only = set(touched) if touched and self.last is not None and self.last.ok \
                else None
            rep = build_issue(self.issue_dir, self.out_dir, proof=True, grid=self.grid,
                              only=only, layout=laid)
            proofs = [str(p) for p in rep.proofs]
            if only is not None:
                proofs = sorted(set(proofs) | {p for p in self.last.proofs
                                               if Path(p).is_file()})
        except Exception as e:  # noqa: BLE001 - a failed rebuild must not end the watcher
            ok = False
            err = str(e) if isinstance(e, TypesetError) else \
                f"internal error ({type(e).__name__}: {e}); the last good PDFs are kept"
            if laid is not None:
                try:  # overset or a failed preflight: show the proofs anyway, keep the PDFs
                    rep = proof_issue(self.issue_dir, self.out_dir, grid=self.grid,
                                      layout=laid)
                    proofs = [str(p) for p in rep.proofs]
                except TypesetError as e2:
                    rep = laid.report
                    err = str(e2)
        if rep is not None:
            report = dict(slots=[s.as_dict() for s in rep.slots], warnings=rep.warnings)
            self._written = frozenset(Path(os.path.abspath(p))
                                      for p in [*rep.outputs, *rep.proofs])
        with self.cond:
            self.generation += 1
            self.last = Rebuild(self.generation, ok, time.perf_counter() - t0, touched, report,
                                err, proofs)
            self.cond.notify_all()
        return self.last

    def changes(self) -> set[Path]:
        snap = _snapshot(self.issue_dir, self.project, self.out_dir, self._written)
        changed = {p for p in set(snap) | set(self._snap) if snap.get(p) != self._snap.get(p)}
        self._snap = snap
        return changed

    def run(self, on_rebuild=None, once: bool = False) -> None:
        self.changes()
        r = self.rebuild()
        if on_rebuild:
            on_rebuild(r)
        while not self._stop.is_set() and not once:
            time.sleep(POLL_SECONDS)
            changed = self.changes()
            if changed:
                time.sleep(POLL_SECONDS)        # let an editor finish saving
                changed |= self.changes()
                r = self.rebuild(changed)
                if on_rebuild:
                    on_rebuild(r)

    def stop(self) -> None:
        self._stop.set()
        with self.cond:
            self.cond.notify_all()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>typeset — {title}</title>
<style>
body {{ font-family: sans-serif; margin: 0; display: flex; }}
#pages {{ flex: 3; padding: 12px; display: flex; flex-wrap: wrap; gap: 12px; }}
#pages figure {{ margin: 0; }} #pages img {{ height: 88vh; border: 1px solid #999; }}
#side {{ flex: 1; padding: 12px; background: #f4f4f4; min-width: 320px; font-size: 13px; }}
table {{ border-collapse: collapse; }} td, th {{ padding: 2px 6px; border-bottom: 1px solid #ddd; }}
.over {{ color: #b00; font-weight: bold; }} .short {{ color: #a60; }}
#status.ok {{ color: #070; }} #status.bad {{ color: #b00; }}
</style></head><body>
<div id="pages"></div>
<div id="side"><h3>{title}</h3><p id="status">…</p><table id="report"></table>
<ul id="warnings"></ul><pre id="error"></pre></div>
<script>
async function refresh() {{
  const r = await (await fetch('/state.json', {{cache: 'no-store'}})).json();
  const st = document.getElementById('status');
  st.textContent = (r.ok ? 'built' : 'not built') + ' — rebuild #' + r.generation +
                   ' in ' + r.seconds.toFixed(2) + ' s';
  st.className = r.ok ? 'ok' : 'bad';
  document.getElementById('error').textContent = r.error || '';
  const pages = document.getElementById('pages');
  pages.innerHTML = '';
  for (const p of r.proofs) {{
    const f = document.createElement('figure');
    const img = document.createElement('img');
    img.src = '/proof/' + encodeURIComponent(p) + '?g=' + r.generation;
    img.alt = p; f.appendChild(img); pages.appendChild(f);
  }}
  const t = document.getElementById('report');
  t.innerHTML = '<tr><th>page</th><th>slot</th><th>over</th><th>short</th><th>hint</th></tr>';
  for (const s of (r.report.slots || [])) {{
    const tr = document.createElement('tr');
    tr.className = s.overset_lines ? 'over' : (s.underset_lines > 1 ? 'short' : '');
    tr.dataset.slot = s.slot;
    for (const v of [s.page, s.slot, s.overset_lines, s.underset_lines, s.hint])
      {{ const td = document.createElement('td'); td.textContent = v; tr.appendChild(td); }}
    t.appendChild(tr);
  }}
  const w = document.getElementById('warnings'); w.innerHTML = '';
  for (const x of (r.report.warnings || []))
    {{ const li = document.createElement('li'); li.textContent = x; w.appendChild(li); }}
  document.body.dataset.generation = r.generation;
}}
refresh();
const es = new EventSource('/events');
es.onmessage = () => refresh();
</script></body></html>
"""


def _page_proofs(paths: list[str]) -> list[str]:
    """The page images to show: the grid-overlay proof of each page where there is one."""
    names = [Path(p).name for p in paths if p.endswith(".png") and "contact" not in p]
    grid = [n for n in names if n.endswith("-grid.png")]
    return grid or names


# Bounds of the server (issue #14): a request line and its headers are read within these
# sizes and this time, and at most this many connections are served at once (the others get
# 503 at once), of which at most MAX_EVENT_STREAMS may be open event streams (one per tab).
MAX_REQUEST_BYTES = 16 * 1024
REQUEST_SECONDS = 10.0
MAX_CONNECTIONS = 64
MAX_EVENT_STREAMS = 32
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_HOSTS = ("", "0.0.0.0", "::", "[::]")
_BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
         b"Content-Length: 5\r\nConnection: close\r\n\r\nbusy\n")


class ServeError(TypesetError):
    """The server cannot listen (the port is taken, the address is not this machine's)."""

    exit_code = EXIT_IO

    @classmethod
    def usage(cls, message: str, hint: str | None = None) -> "ServeError":
        """The same, for an address that is wrong on the command line (exit 2)."""
        e = cls(message, hint=hint)
        e.exit_code = 2
        return e


def host_names(host: str, port: int) -> frozenset:
    """The Host headers the server answers: the loopback names and ``host`` (what --host
    names), each with the port (and without it on port 80).  A web page the editor visits
    can make the browser send requests here under its own name (DNS rebinding): they carry
    that name in their Host header and are refused."""
    h = host.lower()
    if ":" in h and not h.startswith("["):
        h = f"[{h}]"                    # an IPv6 address, as it appears in a URL
    names = {*LOOPBACK_NAMES, h}
    out = {f"{n}:{port}" for n in names}
    if port == 80:
        out |= names
    return frozenset(out)


class _Bounded:
    """The request's input, cut off after MAX_REQUEST_BYTES or REQUEST_SECONDS: a client
    that sends headers for ever, or one byte a minute, is answered 431 or dropped."""

    def __init__(self, raw, sock, budget: int, seconds: float):
        self.raw, self.sock, self.budget = raw, sock, budget
        self.deadline = time.monotonic() + seconds

    def readline(self, limit: int = -1) -> bytes:
        import http.client

        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("request not complete in time")
        if self.budget <= 0:
            raise http.client.LineTooLong("request headers too large")
        self.sock.settimeout(left)
        n = self.budget if limit is None or limit < 0 else min(limit, self.budget)
        line = self.raw.readline(n)
        self.budget -= len(line)
        return line

    def read(self, n: int = -1) -> bytes:      # (no request here has a body)
        return b""


def _csp(page: str) -> str:
    """A Content-Security-Policy allowing only the page's own script (by its hash) and
    same-origin requests: should anything ever slip into the page unescaped, it would not
    run."""
    import base64
    import hashlib

    script = page.split("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
            "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")


class BoundedHandler(BaseHTTPRequestHandler):
    """The request handling every typeset server shares (live proofs, the archive's browse
    page): a request line and headers read within MAX_REQUEST_BYTES and REQUEST_SECONDS, only
    GET and HEAD, the Host header checked against ``allowed_hosts`` before anything else, a
    bug answered 500 with one line on stderr (never a traceback to the client), and every
    answer sent with ``_send`` (no-store, nosniff, no referrer; HTML with ``csp``).
    Subclasses set ``allowed_hosts`` and ``csp`` and define ``route()``."""

    timeout = REQUEST_SECONDS              # a socket timeout for every read and write
    default_request_version = "HTTP/1.0"     # errors get a status line (no HTTP/0.9)
    allowed_hosts: frozenset = frozenset()
    csp = "default-src 'none'"
    cache = "no-store"

    def version_string(self):
        return "typeset"

    def log_message(self, *args):          # quiet: the commands print what matters
        pass

    def handle_one_request(self):
        """http.server's, with the request read within MAX_REQUEST_BYTES and
        REQUEST_SECONDS, only GET and HEAD, and the Host header checked first."""
        import http.client

        raw = self.rfile
        self.command = None
        try:
            self.rfile = _Bounded(raw, self.connection, MAX_REQUEST_BYTES, REQUEST_SECONDS)
            try:
                self.raw_requestline = self.rfile.readline(MAX_REQUEST_BYTES + 1)
            except http.client.LineTooLong:
                self.requestline, self.request_version, self.command = "", "", ""
                self.close_connection = True
                return self.send_error(414)
            if self.raw_requestline in (b"\r\n", b"\n"):    # (RFC 9112 2.2: ignore one)
                self.raw_requestline = self.rfile.readline(MAX_REQUEST_BYTES + 1)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.raw_requestline.strip():
                self.requestline, self.request_version, self.command = "", "", ""
                return self.send_error(400, "empty request line")
            if not self.parse_request():    # (400, 414, 431, 505 sent by it)
                return
            self.rfile = raw
            self.connection.settimeout(self.timeout)
            self.close_connection = True
            if self.command not in ("GET", "HEAD"):
                self.send_response(405)
                self.send_header("Allow", "GET, HEAD")
                self.send_header("Content-Length", "0")
                return self.end_headers()
            host = (self.headers.get("Host") or "").strip().lower()
            if host not in self.allowed_hosts:
                return self._send(421, b"this server answers only to its own address "
                                  b"(127.0.0.1 or localhost)\n", "text/plain")
            try:
                self.route()
            except (OSError, ValueError):
                raise
            except Exception as e:  # noqa: BLE001 - a bug: one line, and a 500
                import sys

                print(f"serve: {self.path[:80]!r} failed ({type(e).__name__}: {e})",
                      file=sys.stderr)
                self._send(500, b"internal error\n", "text/plain")
            self.wfile.flush()
        except (OSError, ValueError):   # the client went away, timed out or sent junk
            self.close_connection = True
        finally:
            self.rfile = raw

    def _send(self, code, body: bytes, ctype: str, headers: dict | None = None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Cache-Control", self.cache)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if ctype.startswith("text/html"):
            self.send_header("Content-Security-Policy", self.csp)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self):
        raise NotImplementedError


def make_handler(watcher: Watcher, title: str, allowed_hosts: frozenset = frozenset(),
                 streams: threading.BoundedSemaphore | None = None):
    import html
    from urllib.parse import unquote

    page = PAGE.format(title=html.escape(title, quote=True)).encode()
    streams = streams or threading.BoundedSemaphore(MAX_EVENT_STREAMS)

    class Handler(BoundedHandler):
        csp = _csp(page.decode())

        def route(self):
            path = self.path.split("?", 1)[0]
            if path == "/":
                return self._send(200, page, "text/html; charset=utf-8")
            if path == "/state.json":
                r = watcher.last
                body = json.dumps(dict(generation=r.generation if r else 0,
                                       ok=r.ok if r else False,
                                       seconds=r.seconds if r else 0.0,
                                       error=r.error if r else "",
                                       report=r.report if r else {},
                                       proofs=_page_proofs(r.proofs if r else [])),
                                  ensure_ascii=False).encode()
                return self._send(200, body, "application/json; charset=utf-8")
            if path.startswith("/proof/"):
                # only a proof the last rebuild made, by its name: never a path to open
                name = unquote(path[len("/proof/"):], errors="replace")
                r = watcher.last
                known = {Path(p).name: p for p in (r.proofs if r else [])}
                if name in known:
                    try:
                        data = (watcher.out_dir / "proofs" / name).read_bytes()
                    except OSError:
                        data = None
                    if data is not None:
                        return self._send(200, data, "image/png")
                return self._send(404, b"not found\n", "text/plain")
            if path == "/events":
                return self.events()
            return self._send(404, b"not found\n", "text/plain")

        def events(self):
            if not streams.acquire(blocking=False):
                return self._send(503, b"too many open pages\n", "text/plain")
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                if self.command == "HEAD":
                    return
                seen = watcher.generation
                while not watcher.stopped:
                    with watcher.cond:
                        watcher.cond.wait_for(lambda: watcher.generation != seen
                                              or watcher.stopped, timeout=15)
                    if watcher.generation != seen:
                        seen = watcher.generation
                        self.wfile.write(f"data: {seen}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            finally:
                streams.release()

    Handler.allowed_hosts = allowed_hosts
    return Handler


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer with a bound on the connections served at once."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, handler, family):
        self.address_family = family
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(address, handler)

    def server_bind(self):
        # (HTTPServer.server_bind would also look the host's name up in the DNS: not needed)
        import socketserver

        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):
            try:
                request.settimeout(1.0)
                request.sendall(_BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address):
        # one line, never a traceback: the page shows the state, the watcher prints builds
        import sys

        e = sys.exc_info()[1]
        if not isinstance(e, OSError):
            print(f"serve: a request failed ({type(e).__name__}: {e})", file=sys.stderr)


def listen(host: str, port: int, handler) -> _Server:
    """Bind the server or raise ServeError with a one-line reason (exit 74)."""
    import socket

    where = f"{host}:{port}" if ":" not in host else f"[{host}]:{port}"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise ServeError.usage(f"cannot listen on {where}: the name is not known "
                               f"({getattr(e, 'strerror', None) or e})") from None
    family, _, _, _, address = infos[0]
    try:
        return _Server(address[:2], handler, family)
    except OSError as e:
        if e.errno == errno.EADDRNOTAVAIL:
            raise ServeError.usage(f"cannot listen on {where}: this address is not one of "
                                   "this machine's", hint="--host NAME") from None
        hint = {errno.EADDRINUSE: "another program (another paiban serve?) uses this port: "
                                  "choose another with -p",
                errno.EACCES: "ports under 1024 need root: choose another with -p"}.get(e.errno)
        raise ServeError(f"cannot listen on {where}: {e.strerror or e}", hint=hint) from None


def serve(issue_dir: Path, port: int = 8765, host: str = "127.0.0.1", on_rebuild=None,
          out_dir: Path | None = None, on_ready=None) -> None:
    """Watch and serve until interrupted (see the module docstring).  The port is bound
    before the first build, so that a port in use is reported at once (ServeError);
    ``on_ready(url)`` is called when the server listens."""
    if host.strip() in WILDCARD_HOSTS:
        raise ServeError.usage(f"will not listen on every address ('{host}'): give the name or "
                         "address others use to reach this machine", hint="--host NAME")
    watcher = Watcher(issue_dir, out_dir)
    server = listen(host, port, BaseHTTPRequestHandler)
    # (the Host names need the port actually bound: -p 0 takes any free one)
    server.RequestHandlerClass = make_handler(watcher, Path(issue_dir).resolve().name,
                                              host_names(host, server.server_address[1]))
    if on_ready:
        shown = host if ":" not in host else f"[{host}]"
        on_ready(f"http://{shown}:{server.server_address[1]}/")
    t = threading.Thread(target=watcher.run, kwargs=dict(on_rebuild=on_rebuild), daemon=True)
    t.start()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        watcher.stop()
        server.server_close()
