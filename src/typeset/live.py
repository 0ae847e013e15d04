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

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import TypesetError

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


def _snapshot(issue_dir: Path, project: Path | None) -> dict[Path, float]:
    files = [p for p in issue_dir.rglob("*") if p.is_file() and "out" not in p.parts
             and not p.name.startswith(".")]
    if project is not None:
        files += [p for p in (project / "layout").rglob("*") if p.is_file()]
    snap = {}
    for p in files:
        try:
            snap[p] = p.stat().st_mtime_ns
        except OSError:
            pass
    return snap


def touched_pages(issue, changed: set[Path]) -> list[int]:
    """Pages of the loaded ``issue`` a change touches: those whose slots name a changed
    article or picture; every page when the manifest or a layout file changed."""
    names = {p.resolve() for p in changed}
    if issue.manifest.resolve() in names or any("layout" in p.parts for p in changed):
        return sorted(p.number for p in issue.pages)
    out = set()
    for page in issue.pages:
        for s in page.slots:
            files = (issue.articles[s.article].path if s.article else None, s.image)
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
        with self.cond:
            self.generation += 1
            self.last = Rebuild(self.generation, ok, time.perf_counter() - t0, touched, report,
                                err, proofs)
            self.cond.notify_all()
        return self.last

    def changes(self) -> set[Path]:
        snap = _snapshot(self.issue_dir, self.project)
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


def make_handler(watcher: Watcher, title: str):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):          # quiet: the watcher prints what matters
            pass

        def _send(self, code, body: bytes, ctype: str):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 - http.server's name
            path = self.path.split("?", 1)[0]
            if path == "/":
                return self._send(200, PAGE.format(title=title).encode(), "text/html; "
                                  "charset=utf-8")
            if path == "/state.json":
                r = watcher.last
                body = json.dumps(dict(generation=r.generation if r else 0,
                                       ok=r.ok if r else False,
                                       seconds=r.seconds if r else 0.0,
                                       error=r.error if r else "",
                                       report=r.report if r else {},
                                       proofs=_page_proofs(r.proofs if r else [])),
                                  ensure_ascii=False).encode()
                return self._send(200, body, "application/json")
            if path.startswith("/proof/"):
                from urllib.parse import unquote

                name = Path(unquote(path[len("/proof/"):])).name
                f = watcher.out_dir / "proofs" / name
                if f.is_file():
                    return self._send(200, f.read_bytes(), "image/png")
                return self._send(404, b"not found", "text/plain")
            if path == "/events":
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                seen = watcher.generation
                try:
                    while True:
                        with watcher.cond:
                            watcher.cond.wait_for(lambda: watcher.generation != seen, timeout=15)
                        if watcher.generation != seen:
                            seen = watcher.generation
                            self.wfile.write(f"data: {seen}\n\n".encode())
                        else:
                            self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return
            return self._send(404, b"not found", "text/plain")

    return Handler


def serve(issue_dir: Path, port: int = 8765, host: str = "127.0.0.1", on_rebuild=None,
          out_dir: Path | None = None) -> None:
    """Watch and serve until interrupted (see the module docstring)."""
    watcher = Watcher(issue_dir, out_dir)
    server = ThreadingHTTPServer((host, port), make_handler(watcher, Path(issue_dir).name))
    server.daemon_threads = True
    t = threading.Thread(target=watcher.run, kwargs=dict(on_rebuild=on_rebuild), daemon=True)
    t.start()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        watcher.stop()
        server.server_close()
