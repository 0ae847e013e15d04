"""The layout editor's night: rebuild on every save, and live proofs in the browser.

Contract: :class:`Watcher` follows the issue's files (manifest, articles, pictures, the project's
layout files) and, when one is saved, builds again: the PDFs first, then the proofs (the grid
overlay of the pages the save touched) when everything fits, the proofs alone when a slot is
overset, so a broken build never replaces good PDFs.  Saves are seen through Linux inotify
(:class:`_Changes`): a file counts as saved when it is closed after writing or renamed into
place (an editor's atomic save), never while a writer still has it open, so a half-written file
is never built; where inotify is not to be had (another system, no watches left) the folders
are polled.  An edit to article files only composes again just the articles that changed
(``lay_out(previous=…)``) and draws just the pages they are on.  Each rebuild yields a
:class:`Rebuild` with the fit report, the pages the change touched and the time it took.

``serve(issue_dir, port)`` runs a Watcher and a small HTTP server on localhost (the standard
library's ``http.server``): ``/`` shows every page beside the fit report and refreshes by
itself through server-sent events (``/events``).  The page is drawn in the browser from the
layout itself (``/layout.json``: each page's text runs with their glyph positions, rules,
boxes and the grid overlay, :func:`proof.live_page`), in SVG with the project's own fonts
(``/font/N``), as soon as the pages are set — before the PDF is drawn, and without
rasterising it.
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


class _Changes:
    """The saves in the watched folders, from Linux inotify (the maintained ctypes wrapper
    ``inotify_simple``): ``wait(seconds)`` returns True when something may have been saved —
    a file closed after writing, renamed into place, deleted or touched — and no file of the
    folders is still open for writing (modified or created, not closed yet: a half-written
    file is not built; a file left "open" with no event for WRITING_SECONDS counts as closed,
    for a writer that died or a hard link, which never closes).  Hidden names (an editor's
    swap files, the build's staging folders), the output folder and the files the last build
    wrote are not followed.  ``dirs()`` lists the folders to follow; it is asked again when a
    folder appears or the kernel's queue overflowed."""

    WRITING_SECONDS = 10.0
    GRACE_SECONDS = 0.05      # after a deletion: an editor renaming the old file away and
                              # writing the new one (vim's default) is one save, not two

    def __init__(self, dirs, ignored):
        from inotify_simple import INotify, flags

        self.f = flags
        self.ino = INotify()
        self.dirs, self.ignored = dirs, ignored
        self.mask = (flags.CLOSE_WRITE | flags.MOVED_TO | flags.MOVED_FROM | flags.DELETE |
                     flags.CREATE | flags.ATTRIB | flags.MODIFY | flags.DELETE_SELF)
        self.wd: dict[int, Path] = {}
        self.writing: dict[Path, float] = {}    # path → time of its last write event
        self._watch_all(strict=True)

    def _watch_all(self, strict: bool = False) -> None:
        for d in self.dirs():
            try:
                self.wd[self.ino.add_watch(str(d), self.mask)] = d
            except OSError as e:
                if strict and e.errno == errno.ENOSPC:     # out of watches: poll instead
                    raise
                # (a folder gone since it was listed; later, out of watches: the new
                # folder is not followed, the others still are)

    def close(self) -> None:
        self.ino.close()

    def _read(self, ms: int) -> tuple[bool, bool]:
        """(a save happened, a deletion happened) in the events read within ``ms``."""
        f = self.f
        saved = deleted = False
        rewatch = False
        for ev in self.ino.read(timeout=ms):
            if ev.mask & f.Q_OVERFLOW:
                saved = rewatch = True
                continue
            d = self.wd.get(ev.wd)
            if d is None or ev.mask & f.IGNORED:
                self.wd.pop(ev.wd, None)
                continue
            if not ev.name or ev.name.startswith("."):
                continue
            path = d / ev.name
            if self.ignored(path):
                continue
            if ev.mask & f.ISDIR:
                if ev.mask & (f.CREATE | f.MOVED_TO):
                    rewatch = saved = True
                elif ev.mask & (f.DELETE | f.MOVED_FROM):
                    saved = True
                continue
            now = time.monotonic()
            if ev.mask & (f.MODIFY | f.CREATE):
                self.writing[path] = now
            if ev.mask & (f.CLOSE_WRITE | f.MOVED_TO | f.ATTRIB):
                if ev.mask & (f.CLOSE_WRITE | f.MOVED_TO):
                    self.writing.pop(path, None)
                saved = True
            if ev.mask & (f.DELETE | f.MOVED_FROM):
                self.writing.pop(path, None)
                saved = deleted = True
        if rewatch:
            self._watch_all()
        return saved, deleted

    def wait(self, seconds: float) -> bool:
        saved, deleted = self._read(int(seconds * 1000))
        # the events that came with these (an editor's save is several), without waiting;
        # after a deletion, a little longer, for the file that replaces it
        while True:
            more, gone = self._read(int(self.GRACE_SECONDS * 1000) if deleted else 0)
            if not (more or gone):
                break
            saved |= more
            deleted = gone
        now = time.monotonic()
        for p, t in list(self.writing.items()):
            if now - t > self.WRITING_SECONDS:
                del self.writing[p]
                saved = True
        return saved and not self.writing


class Watcher:
    """Rebuild ``issue_dir`` whenever one of its files is saved (see the module docstring)."""

    def __init__(self, issue_dir: Path, out_dir: Path | None = None, grid: bool = True,
                 live: bool = False):
        from .load import find_project_root

        self.issue_dir = Path(issue_dir)
        self.live_proof = live          # `serve`: publish the pages for the browser
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
        self._layout = None                        # the last layout that set its pages
        self.whole_due = False                     # the whole-issue file to be made again
        self._yaml: dict = {}                      # the YAML files as last parsed
        # the pages as the browser draws them (proof.live_page), and the layout generation:
        # it moves on as soon as a rebuild has set its pages, before their PDF is drawn
        self.live: bytes = b"{}"
        self.font_paths: list[Path] = []
        self.layout_generation = 0

    def _publish(self, issue, pages) -> None:
        from .proof import live_page

        with self.cond:
            gen = self.layout_generation + 1
            live = json.dumps(dict(generation=gen, fonts=live_fonts(issue.fonts),
                                   pages=[live_page(p, issue.paper) for p in pages]),
                              ensure_ascii=False, separators=(",", ":")).encode()
            self.live, self.font_paths = live, font_files(issue.fonts)
            self.layout_generation = gen
            self.cond.notify_all()

    def _article_files_only(self, changed: set[Path] | None) -> bool:
        """Whether ``changed`` are article files of the last layout and nothing else (not the
        manifest, a layout file or a picture): then the paper, fonts and every other article
        are what they were, and ``lay_out`` may take the bodies it composed before."""
        prev = self._layout
        if changed is None or prev is None:     # (an empty set: nothing changed since)
            return False
        arts = {os.path.realpath(a.path) for a in prev.issue.articles.values()}
        return all(os.path.realpath(p) in arts for p in changed)

    def rebuild(self, changed: set[Path] | None = None) -> Rebuild:
        from .build import build_issue, lay_out, proof_issue

        t0 = time.perf_counter()
        touched: list[int] = []
        ok, err, report, proofs = True, "", {}, []
        laid = rep = None
        pages_set: list = []
        previous = self._layout if self._article_files_only(changed) else None

        def on_pages(pages):
            pages_set[:] = pages
            if self.live_proof:
                self._publish(laid.issue, pages)

        try:
            # laid out once: the build, or the proofs after an overset or a failed preflight,
            # use this layout rather than laying the issue out again
            laid = lay_out(self.issue_dir, previous=previous, yaml_memo=self._yaml)
            touched = touched_pages(laid.issue, changed) if changed else []
            # an edit to articles or pictures re-lays the issue but renders only the pages
            # it touched; a manifest or layout change (or the first build) renders them all
            only = set(touched) if touched and self.last is not None and self.last.ok \
                else None
            self.whole_due = False
            # the PDFs first (what `watch` is waited for), then the proofs of the pages drawn
            # after an edit to articles only (the editor's loop), the page files are written
            # as soon as they are made and preflighted as written: a failed preflight takes
            # them back and fails the rebuild (build_issue's preflight_after)
            rep = build_issue(self.issue_dir, self.out_dir, only=only, layout=laid,
                              on_pages=on_pages,
                              preflight_after=previous is not None and only is not None)
            self._layout = laid
            self.whole_due = rep.whole_pending
            shown = [p for p in pages_set if p.number in rep.page_files]
            pdfs = [rep.page_files[p.number] for p in shown]
            proofs = [str(p) for p in write_page_proofs(laid.issue, shown, pdfs, self.out_dir,
                                                        grid=self.grid, full=only is None)]
            if only is not None:
                proofs = sorted(set(proofs) | {p for p in self.last.proofs
                                               if Path(p).is_file()})
            self._written = frozenset(Path(os.path.abspath(p))
                                      for p in [*rep.outputs, *proofs])
        except Exception as e:  # noqa: BLE001 - a failed rebuild must not end the watcher
            ok = False
            err = str(e) if isinstance(e, TypesetError) else \
                f"internal error ({type(e).__name__}: {e}); the last good PDFs are kept"
            if laid is not None:
                self._layout = laid if pages_set else self._layout
                try:  # overset or a failed preflight: show the proofs anyway, keep the PDFs
                    rep = proof_issue(self.issue_dir, self.out_dir, grid=self.grid,
                                      layout=laid, plain=False, fast=True,
                                      on_pages=None if pages_set else on_pages)
                    proofs = [str(p) for p in rep.proofs]
                    self._written = frozenset(Path(os.path.abspath(p)) for p in rep.proofs)
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

    def rebuild_whole(self) -> Rebuild:
        """Every page again, after rebuilds of some pages only: the whole-issue file (removed
        by those, so that no file older than its pages is left) is made again, and with it
        the contact sheet.  The layout of the last rebuild is reused (nothing changed)."""
        return self.rebuild(set())

    def changes(self) -> set[Path]:
        snap = _snapshot(self.issue_dir, self.project, self.out_dir, self._written)
        changed = {p for p in set(snap) | set(self._snap) if snap.get(p) != self._snap.get(p)}
        self._snap = snap
        return changed

    def _dirs(self) -> list[Path]:
        """The folders whose files a build reads (as :func:`_snapshot` walks them)."""
        out_real = Path(os.path.realpath(self.out_dir))
        skip = out_real if not Path(os.path.realpath(self.issue_dir)).is_relative_to(
            out_real) else None
        dirs = []
        for top, names, _ in os.walk(os.path.abspath(self.issue_dir)):
            names[:] = sorted(d for d in names if not d.startswith(".") and (
                skip is None or Path(os.path.realpath(os.path.join(top, d))) != skip))
            dirs.append(Path(top))
        if self.project is not None and (self.project / "layout").is_dir():
            dirs += [Path(t) for t, _, _ in os.walk(self.project / "layout")]
        return dirs

    def _ignored(self, path: Path) -> bool:
        return Path(os.path.abspath(path)) in self._written or \
            os.path.realpath(path) == os.path.realpath(self.out_dir)

    def _inotify(self):
        try:
            return _Changes(self._dirs, self._ignored)
        except (ImportError, OSError):      # not Linux, or no inotify watches left: poll
            return None

    def run(self, on_rebuild=None, once: bool = False) -> None:
        events = self._inotify()
        self.changes()
        r = self.rebuild()
        if on_rebuild:
            on_rebuild(r)
        try:
            while not self._stop.is_set() and not once:
                if events is not None:
                    try:
                        if not events.wait(0.5):      # (and then looks at the stop flag)
                            if self.whole_due:        # the edits paused: the issue file
                                r = self.rebuild_whole()
                                if on_rebuild:
                                    on_rebuild(r)
                            continue
                    except OSError:                   # inotify failed: poll from now on
                        events.close()
                        events = None
                    changed = self.changes()
                else:
                    time.sleep(POLL_SECONDS)
                    changed = self.changes()
                    if changed:
                        time.sleep(POLL_SECONDS)        # let an editor finish saving
                        changed |= self.changes()
                    elif self.whole_due:
                        changed = set()
                        r = self.rebuild_whole()
                        if on_rebuild:
                            on_rebuild(r)
                if changed:
                    r = self.rebuild(changed)
                    if on_rebuild:
                        on_rebuild(r)
        finally:
            if events is not None:
                events.close()

    def stop(self) -> None:
        self._stop.set()
        with self.cond:
            self.cond.notify_all()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()


def write_page_proofs(issue, pages, pdfs: list[Path], out_dir: Path, grid: bool,
                      full: bool) -> list[Path]:
    """The proofs `watch` writes after the PDFs: of each page drawn, the one the editor looks
    at (the grid overlay, or the plain page without ``grid``), PNG encoded fast; and the
    contact sheet after a build of every page (``full``: it shows the whole issue, so a build
    of some pages leaves it as it was).  Returns the files written."""
    from .build import file_stem, proof_files
    from .outdir import set_of, write_set

    files = proof_files(issue, pages, [p.read_bytes() for p in pdfs], out_dir, grid=grid,
                        plain=not grid, contact=full, fast=True)
    pngs = set_of(file_stem(issue), True)
    write_set(out_dir, files, (lambda r: len(r.parts) == 2 and pngs(r)) if full else None,
              keep_inode=(issue.root, issue.project_root))
    return [p for p, _ in files]


def live_fonts(fonts) -> list[dict]:
    """The faces the browser draws the live proof with: for each font role and form (the
    role's own face, its ½-em punctuation companion) the face and its fallbacks, as indexes
    into :func:`font_files`."""
    files = font_files(fonts)
    index = {str(p): k for k, p in enumerate(files)}
    out = []
    for role in fonts.roles:
        specs = fonts.specs(role)
        out.append(dict(role=role, form="", faces=[index[str(s.path)] for s in specs]))
        if specs[0].halt_path is not None:
            out.append(dict(role=role, form="halt",
                            faces=[index[str(s.halt_path)] for s in specs
                                   if s.halt_path is not None] +
                            [index[str(s.path)] for s in specs]))
    return out


def font_files(fonts) -> list[Path]:
    """Every font file the live proof may ask for, in a fixed order (``/font/N``)."""
    seen: dict[str, Path] = {}
    for role in fonts.roles:
        for s in fonts.specs(role):
            for p in (s.path, s.halt_path):
                if p is not None:
                    seen.setdefault(str(p), Path(p))
    return list(seen.values())


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>typeset — {title}</title>
<style>
body {{ font-family: sans-serif; margin: 0; display: flex; }}
#pages {{ flex: 3; padding: 12px; display: flex; flex-wrap: wrap; gap: 12px; }}
#pages figure {{ margin: 0; }}
#pages svg {{ height: 88vh; border: 1px solid #999; background: #fff; white-space: pre; }}
#side {{ flex: 1; padding: 12px; background: #f4f4f4; min-width: 320px; font-size: 13px; }}
table {{ border-collapse: collapse; }} td, th {{ padding: 2px 6px; border-bottom: 1px solid #ddd; }}
.over {{ color: #b00; font-weight: bold; }} .short {{ color: #a60; }}
#status.ok {{ color: #070; }} #status.bad {{ color: #b00; }}
</style></head><body>
<div id="pages"></div>
<div id="side"><h3>{title}</h3><p id="status">…</p><table id="report"></table>
<ul id="warnings"></ul><pre id="error"></pre>
<p><label><input type="checkbox" id="grid" checked> grid overlay</label></p></div>
<script>
const loaded = new Set();
let families = {{}};
function esc(t) {{
  return t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}}
function rgb(c, a) {{ return 'rgba(' + c[0] + ',' + c[1] + ',' + c[2] + ',' + a + ')'; }}
function useFonts(fonts) {{
  families = {{}};
  for (const f of fonts) {{
    for (const k of f.faces) if (!loaded.has(k)) {{
      loaded.add(k);
      // (loaded when a text first needs it: a fallback face may be tens of MB)
      document.fonts.add(new FontFace('tsf' + k, 'url(/font/' + k + ')'));
    }}
    families[f.role + (f.form ? '/' + f.form : '')] =
      f.faces.map(k => "'tsf" + k + "'").join(',') + ',serif';
  }}
}}
function overlay(o) {{
  const c = o.colours, out = [];
  for (const s of o.slots) if (s[5] != 'ok')
    out.push('<rect x="' + s[1] + '" y="' + s[2] + '" width="' + s[3] + '" height="' + s[4] +
             '" fill="' + rgb(c[s[5]], 0.24) + '"/>');
  for (const r of o.columns)
    out.push('<rect x="' + r[0] + '" y="' + r[1] + '" width="' + r[2] + '" height="' + r[3] +
             '" fill="' + rgb(c.column, 0.07) + '" stroke="' + rgb(c.column, 0.67) +
             '" stroke-width="0.3"/>');
  o.lines.forEach((y, i) => out.push('<line x1="' + o.left + '" x2="' + o.right + '" y1="' +
    y + '" y2="' + y + '" stroke="' + rgb(c.grid, i % 5 ? 0.59 : 0.9) +
    '" stroke-width="0.25"/>'));
  for (const s of o.slots) {{
    const col = c[s[5]] || [120, 120, 120];
    const label = s[5] == 'ok' ? s[0] : s[0] + ': ' + s[5];
    out.push('<rect x="' + s[1] + '" y="' + s[2] + '" width="' + s[3] + '" height="' + s[4] +
             '" fill="none" stroke="' + rgb(col, 1) + '" stroke-width="0.9"/>' +
             '<text class="label" x="' + (s[1] + 2) + '" y="' + (s[2] + 8) +
             '" font-size="7" font-family="sans-serif" fill="' + rgb(col, 1) + '">' +
             esc(label) + '</text>');
  }}
  for (const t of o.threads)
    out.push('<circle cx="' + t[0] + '" cy="' + t[1] + '" r="3.2" fill="' +
             rgb(c.thread, 0.9) + '"/><text class="label" x="' + t[0] + '" y="' + (t[1] + 1.8) +
             '" font-size="5" text-anchor="middle" fill="#fff" font-family="sans-serif">' +
             t[2] + '</text>');
  return '<g class="overlay">' + out.join('') + '</g>';
}}
function drawPage(p) {{
  const b = p.bleed, out = [];
  out.push('<svg xmlns="http://www.w3.org/2000/svg" xml:space="preserve" data-page="' +
           p.number + '" viewBox="' +
           (-b) + ' ' + (-b) + ' ' + (p.trim_w + 2 * b) + ' ' + (p.trim_h + 2 * b) + '">');
  out.push('<rect x="0" y="0" width="' + p.trim_w + '" height="' + p.trim_h +
           '" fill="none" stroke="#ccc" stroke-width="0.3"/>');
  for (const q of p.pictures)
    out.push('<rect x="' + q[0] + '" y="' + q[1] + '" width="' + q[2] + '" height="' + q[3] +
             '" fill="#ddd"/>');
  for (const x of p.boxes) {{
    const fill = x[5] === null ? 'none' : 'rgb(' + Array(3).fill(
      Math.round(255 * (1 - x[5]))).join(',') + ')';
    const stroke = x[4] ? ' stroke="#000" stroke-width="' + x[4] + '"' : '';
    out.push(x[6] ? '<ellipse cx="' + (x[0] + x[2] / 2) + '" cy="' + (x[1] + x[3] / 2) +
                    '" rx="' + x[2] / 2 + '" ry="' + x[3] / 2 + '" fill="' + fill + '"' +
                    stroke + '/>'
                  : '<rect x="' + x[0] + '" y="' + x[1] + '" width="' + x[2] + '" height="' +
                    x[3] + '" fill="' + fill + '"' + stroke + '/>');
  }}
  for (const r of p.rules)
    out.push('<line x1="' + r[0] + '" y1="' + r[1] + '" x2="' + r[2] + '" y2="' + r[3] +
             '" stroke="#000" stroke-width="' + r[4] + '"/>');
  out.push('<g class="text">');
  for (const r of p.runs) {{
    const fam = families[r.f] || families[r.f.split('/')[0]] || 'serif';
    const st = ' font-size="' + r.s + '" style="font-family:' + fam + '"' +
      (r.w ? ' stroke="#000" stroke-width="' + r.w + '"' : '');
    if (r.v) {{
      for (const g of r.v)
        out.push(g[3] ? '<text' + st + ' transform="translate(' + g[0] + ',' + g[1] +
                        ') rotate(90)">' + esc(g[2]) + '</text>'
                      : '<text' + st + ' x="' + g[0] + '" y="' + (g[1]) + '">' + esc(g[2]) +
                        '</text>');
      continue;
    }}
    for (const [h, xs, t] of r.g) {{
      if (h == 1) out.push('<text' + st + ' x="' + xs.join(' ') + '" y="' + r.y + '">' +
                           esc(t) + '</text>');
      else out.push('<text' + st + ' transform="scale(' + h + ',1)" x="' +
                    xs.map(x => x / h).join(' ') + '" y="' + r.y + '">' + esc(t) + '</text>');
    }}
  }}
  out.push('</g>');
  if (document.getElementById('grid').checked) out.push(overlay(p.overlay));
  out.push('</svg>');
  return out.join('');
}}
async function drawLayout() {{
  const r = await (await fetch('/layout.json', {{cache: 'no-store'}})).json();
  // (two redraws close together: the answers may come back in either order)
  if (!r.pages || r.generation < +(document.body.dataset.layout || 0)) return;
  useFonts(r.fonts);
  const pages = document.getElementById('pages');
  const html = r.pages.map(p => '<figure>' + drawPage(p) + '</figure>').join('');
  pages.innerHTML = html;
  document.body.dataset.layout = r.generation;
}}
async function refresh() {{
  const r = await (await fetch('/state.json', {{cache: 'no-store'}})).json();
  const st = document.getElementById('status');
  st.textContent = (r.ok ? 'built' : 'not built') + ' — rebuild #' + r.generation +
                   ' in ' + r.seconds.toFixed(2) + ' s';
  st.className = r.ok ? 'ok' : 'bad';
  document.getElementById('error').textContent = r.error || '';
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
document.getElementById('grid').onchange = drawLayout;
drawLayout(); refresh();
const es = new EventSource('/events');
es.addEventListener('layout', () => drawLayout());
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
            "img-src 'self'; font-src 'self'; connect-src 'self'; base-uri 'none'; "
            "form-action 'none'; "
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

    def _send(self, code, body: bytes, ctype: str, headers: dict | None = None,
              cache: str | None = None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Cache-Control", cache or self.cache)
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
            if path == "/layout.json":
                with watcher.cond:
                    body = watcher.live
                return self._send(200, body, "application/json; charset=utf-8")
            if path.startswith("/font/"):
                # a face of the live proof, by its number: never a path to open
                k = path[len("/font/"):]
                files = watcher.font_paths
                if k.isascii() and k.isdigit() and len(k) <= 4 and int(k) < len(files):
                    try:
                        data = files[int(k)].read_bytes()
                    except OSError:
                        data = None
                    if data is not None:
                        # (the same number names the same file while the server runs)
                        return self._send(200, data, "font/ttf", cache="private, max-age=3600")
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
                # "layout" as soon as a rebuild has set its pages (the page draws them),
                # a plain message when it is done (the page reads the fit report).  Both are
                # sent at once on connecting, for what is there already: a page that fetched
                # /layout.json before the first layout was set, and connected here just after
                # it, would otherwise wait for the next edit to draw anything (a CI run lost
                # that race)
                seen, seen_layout = -1, -1
                while not watcher.stopped:
                    with watcher.cond:
                        watcher.cond.wait_for(lambda: watcher.generation != seen or
                                              watcher.layout_generation != seen_layout
                                              or watcher.stopped, timeout=15)
                    sent = False
                    if watcher.layout_generation != seen_layout:
                        seen_layout = watcher.layout_generation
                        self.wfile.write(f"event: layout\ndata: {seen_layout}\n\n".encode())
                        sent = True
                    if watcher.generation != seen:
                        seen = watcher.generation
                        self.wfile.write(f"data: {seen}\n\n".encode())
                        sent = True
                    if not sent:
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
    watcher = Watcher(issue_dir, out_dir, live=True)
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
