"""The pipeline: load → normalise → compose → flow → page → render → preflight → write, with
a fit report.

Contract: ``lay_out(issue_dir)`` runs load, normalise, compose and flow and returns a
:class:`Layout` — the issue, its composed bodies, its flowed pages and the fit report, plain
data that the later stages are handed explicitly (nothing is kept in module state between
calls).  ``check_issue(issue_dir)`` is that layout's report, with the pages set too (without
converting pictures), so that it finds what a build would stop on.  ``build_issue(issue_dir,
out_dir)`` lays out (or takes a ``Layout``), refuses to write anything if a slot is overset
(unless the manifest allows it for that slot), anything would be drawn outside its box
(``Report.problems``) or a character drawn has no glyph, and otherwise writes one PDF per page
plus one of the whole issue, as one set: the output folder shows the previous set or the new
one, never a mix (``outdir.write_set``).
"""

from __future__ import annotations

import gc
import os
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .body import script_warning
from .errors import ErrorGroup, InputError, LayoutError, SourceRef, raise_all
from .flow import PageFlow, compose_bodies, flow_issue
from .i18n import _
from .load import load_issue
from .model import Issue
from .normalize import Change, normalise_issue


# "(图)" / "（图）" in a headline: the copy promises a picture (issue #15)
_PICTURE_NOTE = re.compile(r"[（(]\s*[组附]?图\s*[)）]")


@dataclass
class SlotReport:
    page: int
    slot: str
    article: str | None
    lines_available: int
    lines_used: int
    overset_lines: int
    overset_chars: int
    underset_lines: int
    even_spaced_lines: int
    allow_overset: bool
    where: str
    span: int = 1
    column_chars: int = 0
    ref: object = None          # the slot's SourceRef (file, line, column) for scripts
    # every visibly letter-spaced body line (compose.Line.visibly_spaced): column, grid line,
    # the spacing added to each gap (em) and the line's text
    spaced_lines: list = field(default_factory=list)

    def as_error(self) -> dict:
        """This slot's overset as an entry of ``check --json``'s ``errors``."""
        return dict(file=str(self.ref.path) if self.ref and self.ref.path else None,
                    line=getattr(self.ref, "line", None), column=getattr(self.ref, "col", None),
                    slot=self.slot, message=_("{lines} line(s) over ({chars} characters)")
                    .format(lines=self.overset_lines, chars=self.overset_chars),
                    hint=self.hint, exit_code=4)
    # the block on the page grid (grid lines; the headline band is head_lines from top)
    column: int = 0
    top: int = 0
    bottom: int = 0
    head_lines: int = 0
    headline: str = ""               # the headline style
    placeholder: str = ""            # copy still coming in: the length expected ("" = in)
    fixed_height: bool = True        # the slot gives its height (`lines:`); else it grew as
    #                                  far as the page let it, and more lines are not its to give
    # the stories stacked above it in its columns (a slot placed where the ones before it
    # end, not at a `top:`): when it is overset, they took its room as much as it overran
    # it — the story that grew may well be one of them (lay_out fills this)
    above: list = field(default_factory=list)

    @property
    def short_chars(self) -> int:
        """About how many characters would fill the empty lines at the foot."""
        return self.underset_lines * self.span * self.column_chars

    @property
    def hint(self) -> str:
        """A copyfit hint in the editor's terms."""
        if self.placeholder:
            return _("待稿: copy not in yet ({expected} expected)").format(
                expected=self.placeholder)
        if self.overset_lines and not self.fixed_height and self.above and \
                not self.lines_available:
            # pushed off the page: "cut 394 characters" would mean cut the whole story
            return _("no room left for it: {above} above it in its columns reach the block "
                     "below; cut them by about {lines} grid line(s) and this story's headline "
                     "band, or move this story; `paiban makeup --page {page}` proposes layouts "
                     "that fit").format(above=_(", ").join(self.above),
                                        lines=-(-self.overset_lines // max(1, self.span)),
                                        page=self.page)
        if self.overset_lines and not self.fixed_height and self.above:
            return _("cut about {chars} characters, or make room under the slot (the block "
                     "below it, a smaller headline band, a wider span) or above it (cut "
                     "{above}, stacked above it in its columns); `paiban makeup --page {page}` "
                     "proposes layouts that fit").format(chars=self.overset_chars,
                                                         above=_(", ").join(self.above),
                                                         page=self.page)
        if self.overset_lines and not self.fixed_height:
            return _("cut about {chars} characters, or make room under the slot (the block "
                     "below it, a smaller headline band, a wider span); `paiban makeup --page "
                     "{page}` proposes layouts that fit").format(chars=self.overset_chars,
                                                                 page=self.page)
        if self.overset_lines:
            return _("cut about {chars} characters or give the slot {lines} more grid "
                     "line(s)").format(chars=self.overset_chars,
                                       lines=-(-self.overset_lines // self.span))
        if self.underset_lines > 1:
            return _("add about {chars} characters or take {lines} grid line(s) from the "
                     "slot").format(chars=self.short_chars, lines=self.underset_lines - 1)
        return ""

    def as_dict(self) -> dict:
        d = dict(self.__dict__)
        del d["ref"]
        d.update(short_chars=self.short_chars, hint=self.hint)
        return d


@dataclass
class Report:
    slots: list[SlotReport] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    page_files: dict = field(default_factory=dict)    # page number → its PDF written
    # a build of some pages only removed the whole-issue file, to be made again by a build
    # of every page (watch does it when the edits pause)
    whole_pending: bool = False
    timings: dict = field(default_factory=dict)
    preflight: list = field(default_factory=list)     # preflight.Result per PDF written
    proofs: list[Path] = field(default_factory=list)
    # what the page stage drew outside its box (a running head wider than the type area …)
    problems: list = field(default_factory=list)      # [LayoutError]
    notes: list[str] = field(default_factory=list)     # leftovers of killed runs cleaned
    # characters set from a fallback face (not errors: the editor may want to know)
    notices: list[str] = field(default_factory=list)
    # every block of every page on the grid, and every empty foot with the levers that would
    # fill it (makeup.block_geometry, makeup.foot_levers): plain dicts, as `check --json` says
    blocks: list[dict] = field(default_factory=list)
    feet: list[dict] = field(default_factory=list)

    @property
    def overset(self) -> list[SlotReport]:
        return [s for s in self.slots if s.overset_lines and not s.allow_overset]

    @property
    def unfit(self) -> bool:
        """Something does not fit: a slot overset, or text outside its box (exit 4)."""
        return bool(self.overset or self.problems)
    @property
    def placeholders(self) -> list[SlotReport]:
        """Slots whose copy is not in yet (待稿)."""
        return [s for s in self.slots if s.placeholder]


@dataclass
class Layout:
    """An issue laid out, as the stages made it: the issue loaded and normalised, each
    article's composed paragraphs (compose), each page's blocks on the grid (flow) and the
    fit report.  Made once by :func:`lay_out` and handed to the page, render and preflight
    stages (``build_issue(layout=…)``, ``proof_issue``), so that `watch` and `archive` lay an
    issue out once for a build and its proofs."""

    issue: Issue
    bodies: dict                 # article key → composed paragraphs (lists of lines)
    flows: list[PageFlow]        # one per page, in page order
    report: Report
    # what the load and normalisation made of each article, for the next lay_out(previous=)
    # (normalize.normalise_issue's ``known``; key → (article as loaded, script warning))
    normalised: dict = field(default_factory=dict, repr=False)
    scripts: dict = field(default_factory=dict, repr=False)


def _check_glyphs(issue, pages) -> list[str]:
    """Every character drawn must have a glyph in a face of the role that draws it (its own
    face or one of its fallbacks): never an empty box (.notdef).  Read off what the page
    stage drew — each text run knows its font role and where its text comes from — so that
    every piece of text on the page is covered (body, headlines, bylines, jump lines,
    captions, banners, running head, section head, notices, the footer, the slug) without a
    second list of which text goes in which face.  A character no face has raises (exit 3);
    one set from a fallback face is returned as a notice, with the same file, line and slot."""
    from itertools import chain

    from .frame import LineGlyphs, TextRun

    errors: list = []
    notices: list[str] = []
    fonts = issue.fonts
    seen = set()

    def places(run, ch, element):
        """Where a character of ``run`` comes from: [(SourceRef, prefix)]."""
        where = run.where
        art = issue.articles.get(run.article) if run.article else None
        if art is not None and run.kind in ("body", "note"):
            # the paragraph(s) the character is in (or the byline); a jump line's text is
            # the engine's own, named by its slot
            lines = [p.line for p in art.paragraphs if ch in p.text] if \
                run.kind == "body" else []
            note = ""
            if run.kind == "note" and not (art.byline and ch in art.byline):
                note = "jump line: "
            return [(replace(where, line=line) if line else where, note)
                    for line in lines or [None]]
        return [(where, element)]

    def once(ch, role, where, what) -> bool:
        key = (str(getattr(where, "path", "")), getattr(where, "line", None), ch, role, what)
        if key in seen:        # a headline set twice (its 接题), a running head on every page
            return False
        seen.add(key)
        return True

    def report(ch, role, where, element):
        if not once(ch, role, where, "missing"):
            return
        specs = fonts.specs(role)
        also = (_(" nor in its fallback face(s) ({faces})").format(
            faces=", ".join(s.label for s in specs[1:])) if len(specs) > 1 else "")
        errors.append(InputError(
            _("{element}character '{char}' ({code}) is not in the {role} font ({face}){also}")
            .format(element=element, char=ch, code=f"U+{ord(ch):04X}", role=role,
                    face=specs[0].label, also=also), where,
            _("replace it, or add a face that has it under 'fallback:' in layout/fonts.yaml")))

    def notice(ch, role, face, where, element):
        if not once(ch, role, where, face.key):
            return
        notices.append(_("{where}: {element}'{char}' ({code}) is not in the {role} font "
                         "({face}): set from the fallback face '{fallback}' ({label})").format(
            where=where, element=element, char=ch, code=f"U+{ord(ch):04X}", role=role,
            face=fonts.spec(role).label, fallback=face.key, label=face.spec.label))

    # Whether a character has a glyph (or comes from a fallback face) depends on the
    # character and the role alone: each role's characters are looked up once over the
    # whole issue, and only the runs with a character to report are looked at one by one
    # (the same reports in the same order; 18,000 runs at 32 pages, issue #22).
    # (each role's runs' glyphs gathered, then their characters taken in one comprehension
    # a role: the glyphs' own strings, their hashes kept)
    # (a run of a line still in columns, compose.Line.cols, gives its characters as they are)
    glyphs: dict = {}
    texts: dict = {}
    for page in pages:
        for run in page.items:
            if isinstance(run, TextRun):
                gl = run.glyphs
                to = glyphs
                if type(gl) is LineGlyphs and gl.made is None:
                    if gl.src is None:
                        gl, to = gl.chars, texts
                    else:
                        gl = gl.src
                got = to.get(run.role)
                if got is None:
                    to[run.role] = [gl]
                else:
                    got.append(gl)
    chars = {role: {g.ch for g in chain.from_iterable(gls)} for role, gls in glyphs.items()}
    for role, txs in texts.items():
        have = chars.get(role)
        if have is None:
            chars[role] = set(chain.from_iterable(txs))
        else:
            have.update(chain.from_iterable(txs))
    del glyphs, texts
    suspect = {}
    for role, have in chars.items():
        face = fonts.face(role)
        have = "".join(have)
        suspect[role] = frozenset(face.missing(have)) | frozenset(face.fallbacks(have))
    for page in pages:
        for run in page.items:
            if not isinstance(run, TextRun) or not suspect[run.role]:
                continue
            text = run.text
            if suspect[run.role].isdisjoint(text):
                continue
            face = fonts.face(run.role)
            missing = face.missing(text)
            fallback = face.fallbacks(text)
            if not missing and not fallback:
                continue
            area = page.areas[run.area].name if run.area >= 0 else ""
            element = "" if area.startswith("slot '") else f"{area}: " if area else ""
            for ch in missing:
                for where, prefix in places(run, ch, element):
                    report(ch, run.role, where, prefix)
            for ch in sorted(fallback):
                for where, prefix in places(run, ch, element):
                    notice(ch, run.role, fallback[ch], where, prefix)
        face = fonts.face(page.slug_role)
        slug_where = SourceRef(issue.manifest)
        for ch in face.missing(page.slug):
            report(ch, page.slug_role, slug_where, _("slug line (outside the trim): "))
        for ch, f in sorted(face.fallbacks(page.slug).items()):
            notice(ch, page.slug_role, f, slug_where, _("slug line (outside the trim): "))
    raise_all(errors)
    return notices


def _make_pages(layout: Layout, pictures: bool = True, consume: bool = False) -> list:
    """The page stage for every flow; what it warns about (a picture's resolution) goes to
    the layout's report, and the flows are left as they were (a layout may be paged twice:
    `watch` draws proofs from the layout a failed build used) — unless ``consume``: a build
    that laid the issue out itself lets go of each flow (and the composed lines it holds)
    once its page is set, so that an issue of hundreds of pages is never held twice, as
    lines and as pages (issue #22).  Then the checks of what it drew: a character without a
    glyph raises (exit 3); text outside its box is listed in ``report.problems`` (layout
    errors, exit 4).  ``pictures=False``: place pictures without converting them
    (``check``)."""
    from .page import make_page

    pages = []
    memo: dict = {}
    jumps = []
    if consume:
        layout.bodies = {}
    for k, f in enumerate(layout.flows):
        for b in f.blocks:
            if b.ends_here:
                # 下转第N版 over a later part with no text: a page that passes the preflight
                # and is wrong (fresh18c: the whole story fitted page 1, page 3 printed its
                # 接题 and 上接第1版 over an empty slot)
                jumps.append(LayoutError(
                    _("the article '{file}' ends in this slot on page {page}, yet it is to "
                      "continue on page {next} (下转第{next}版): that part would have no "
                      "text").format(file=layout.issue.articles[b.article].path.name,
                                     page=f.page.number, next=b.part.next_page),
                    b.slot.where,
                    _("give this slot fewer lines, or take the article's slot off page "
                      "{next}").format(next=b.part.next_page)))
        before = len(f.warnings)
        pages.append(make_page(layout.issue, f, pictures, memo))
        layout.report.warnings.extend(_("page {page}: {message}").format(
            page=f.page.number, message=w) for w in f.warnings[before:])
        del f.warnings[before:]
        if consume:
            layout.flows[k] = None
    layout.report.notices = _check_glyphs(layout.issue, pages)
    layout.report.problems = jumps + [LayoutError(msg, where) for p in pages
                                      for where, msg in p.problems]
    bad = [(p.number, where, msg) for p in pages for where, msg in p.graphic_problems]
    if bad:
        from .errors import PreflightError

        raise PreflightError("preflight: placed graphics the plant would refuse, nothing was "
                             "written:\n" + "\n".join(f"  page {n}: {where}: {msg}"
                                                       for n, where, msg in bad),
                             hint="ask the advertiser for a PDF/X file in CMYK with its "
                                  "fonts embedded")
    return pages


_GC_LOCK = threading.Lock()
_GC_DEPTH = [0, None]       # calls inside _few_collections, thresholds to restore


@contextmanager
def _few_collections():
    """A build makes millions of small objects (glyphs, lines, PDF operators) that hold no
    cycles; with the default thresholds the garbage collector walks all of them again and
    again, a tenth of a 32-page build (issue #8).  Collect young objects less often for the
    length of a call, then restore the thresholds."""
    with _GC_LOCK:            # counted, so that calls from several threads nest properly
        if _GC_DEPTH[0] == 0:
            _GC_DEPTH[1] = gc.get_threshold()
            gc.set_threshold(100_000, 50, 100)
        _GC_DEPTH[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_DEPTH[0] -= 1
            if _GC_DEPTH[0] == 0:
                gc.set_threshold(*_GC_DEPTH[1])


@_few_collections()
def lay_out(issue_dir: Path, jobs: int | None = None, meanwhile=None,
            previous: Layout | None = None, yaml_memo: dict | None = None,
            keep=None) -> Layout:
    """Load, normalise, compose (the bodies on ``jobs`` processes, default every core;
    ``meanwhile(issue)`` runs here as they work) and flow the issue; see :class:`Layout`.
    ``previous``: the layout of the same issue before an edit to article files only (the
    caller knows: `watch`); an article that reads the same as it did there, on the same
    paper, keeps the body composed then, and only the others are composed.  ``yaml_memo``:
    the YAML files parsed at the last load, for a caller that lays the issue out again and
    again (load.load_issue)."""
    from .parallel import cpu_count

    jobs = cpu_count() if jobs is None else max(1, jobs)
    report = Report()
    t0 = time.perf_counter()
    issue = load_issue(Path(issue_dir), memo=yaml_memo)
    t1 = time.perf_counter()
    # what an article file could not carry over (a Word document's tracked changes …)
    report.warnings.extend(f"{where}: {msg}" for art in issue.articles.values()
                           for where, msg in art.warnings)
    normalised = dict(previous.normalised) if previous is not None else {}
    keep_one = keep is not None and len(issue.pages) == 1 and jobs > 1
    # Each article's script warning is made and its text normalised in its compose task
    # (compose_bodies(loaded=…)), on the workers beside composition, not all of them here
    # before the workers are forked (issue #22) — unless the normalised issue is wanted
    # first: to tell the bodies of the layout before an edit that can be kept (``previous``:
    # reuse, below), or by the worker kept after the round (``keep``), which is forked with
    # the issue as it is then
    in_tasks = previous is None and not keep_one
    scripts: dict = {}
    if not in_tasks:
        _scripts(issue, previous, scripts, report)
        if issue.normalise:
            issue, report.changes = normalise_issue(issue, normalised)
    t2 = time.perf_counter()
    reuse = {}
    if previous is not None and previous.issue.paper == issue.paper and \
            previous.issue.lang == issue.lang:
        old = previous.issue.articles
        reuse = {k: b for k, b in previous.bodies.items()
                 if k in issue.articles and old.get(k) == issue.articles[k]}
    heads: dict = {}
    bylines: dict = {}          # set by the compose workers too: flow does not set them again
    if keep_one:
        from .parallel import keep_next

        keep_next(_helper_setup, _HelperState(issue))
        meanwhile = keep
    done = {} if in_tasks else None
    bodies = compose_bodies(issue, jobs, (lambda: meanwhile(issue)) if meanwhile else None,
                            reuse=reuse, heads=heads, bylines=bylines, loaded=done)
    if in_tasks:
        # the articles not composed there (set vertically throughout) are looked at here;
        # the warnings and notes come out in the order of the articles, as they did
        _scripts(issue, None, scripts, report, {k: v[0] for k, v in done.items()})
        if issue.normalise:
            issue, report.changes = normalise_issue(issue, normalised,
                                                    {k: v[1] for k, v in done.items()})
    t25 = time.perf_counter()
    flows = flow_issue(issue, bodies, heads, bylines)
    from .makeup import block_geometry, foot_levers, holes

    for flow in flows:
        page = flow.page
        report.warnings.extend(_("page {page}: {message}").format(page=page.number, message=w)
                               for w in flow.warnings)
        for c1, c2, top, n in holes(issue.paper.columns, flow):
            report.warnings.append(
                _("page {page}, {columns}, lines {first}–{last}: {lines} empty grid lines "
                  "above a block (white in the page: move the block up, or fill the hole)"
                  ).format(page=page.number, columns=_("column {c}").format(c=c1) if c1 == c2
                           else _("columns {a}–{b}").format(a=c1, b=c2),
                           first=top, last=top + n - 1, lines=n))
        report.blocks.extend(block_geometry(issue, flow))
        report.feet.extend(foot_levers(issue, flow))
        for b in flow.blocks:
            if b.slot.kind != "article":
                continue
            spaced = [dict(column=f.column, line=f.first + k, spacing=round(ln.spacing, 3),
                           latin=ln.letterspaced, text=ln.text.strip())
                      for f in b.frames for k, ln in enumerate(f.lines) if ln.visibly_spaced]
            report.slots.append(SlotReport(
                page=page.number, slot=b.slot.id, article=b.article,
                lines_available=sum(f.capacity for f in b.frames),
                lines_used=sum(len(c) for c in b.columns),
                overset_lines=b.overset, overset_chars=b.overset_chars,
                underset_lines=b.underset,
                even_spaced_lines=len(spaced),
                allow_overset=b.slot.allow_overset, where=str(b.slot.where),
                span=b.slot.span, column_chars=issue.paper.column_chars, ref=b.slot.where,
                spaced_lines=spaced,
                column=b.slot.column, top=b.top, bottom=b.bottom, head_lines=b.head_lines,
                headline=b.slot.headline_style, fixed_height=b.slot.lines is not None,
                placeholder=issue.articles[b.article].expect_what if b.placeholder else ""))
            art = issue.articles[b.article]
            for what in ("headline", "kicker", "subtitle"):
                if _PICTURE_NOTE.search(getattr(art, what) or ""):
                    report.warnings.append(
                        _("page {page}, slot '{slot}': the {what} says '{note}' (picture) but "
                          "the slot has no picture ({file})").format(
                            page=page.number, slot=b.slot.id,
                            what={"headline": _("headline"), "kicker": _("kicker"),
                                  "subtitle": _("subtitle")}[what],
                            note=_PICTURE_NOTE.search(getattr(art, what)).group(0),
                            file=art.path.name))
            if b.placeholder:
                report.warnings.append(
                    _("page {page}, slot '{slot}': 待稿, copy not in yet: a placeholder of "
                      "{expected}").format(page=page.number, slot=b.slot.id,
                                           expected=issue.articles[b.article].expect_what))
            elif b.underset > 1:
                report.warnings.append(
                    _("page {page}, slot '{slot}': {lines} empty line(s) at the foot "
                      "(underset)").format(page=page.number, slot=b.slot.id,
                                           lines=b.underset))
    _stacked_above(issue, report.slots)
    t3 = time.perf_counter()
    report.timings.update(load=t1 - t0, normalise=t2 - t1, compose=t25 - t2, flow=t3 - t25,
                          compose_flow=t3 - t2)
    return Layout(issue, bodies, flows, report, normalised, scripts)


def _scripts(issue, previous, scripts: dict, report: Report, done: dict | None = None) -> None:
    """Each article's script warning (body.script_warning) into ``scripts`` (key → (article
    as loaded, warning)) and the report's warnings, in the order of the articles.  After an
    edit (``previous``) an article loaded as it was keeps its warning from the layout
    before; ``done``: the warnings the compose tasks made (key → warning)."""
    same = previous is not None and previous.issue.lang == issue.lang
    for key, art in issue.articles.items():
        if art.placeholder:
            continue
        hit = previous.scripts.get(key) if same else None
        if done is not None and key in done:
            msg = done[key]
        else:
            msg = hit[1] if hit is not None and hit[0] == art else script_warning(issue, art)
        scripts[key] = (art, msg)
        if msg:
            report.warnings.append(f"{art.path}: {msg}")


def _stacked_above(issue: Issue, slots: list[SlotReport]) -> None:
    """Fill each slot report's ``above``: the article slots of its page that end above its
    top in columns it shares, when its place is where they end (the manifest gives it no
    ``top:``) — what grew there pushed it down."""
    placed = {(p.number, s.id): s for p in issue.pages for s in p.slots}
    for r in slots:
        slot = placed.get((r.page, r.slot))
        if slot is None or slot.top is not None:
            continue
        r.above = [o.slot for o in slots
                   if o is not r and o.page == r.page and o.bottom <= r.top and
                   o.lines_used and
                   o.column < r.column + r.span and r.column < o.column + o.span]


def check_issue(issue_dir: Path, jobs: int | None = None) -> Report:
    """Lay the issue out (bodies composed on ``jobs`` processes, default every core), set
    the pages (without converting pictures) and return the fit report; nothing is written.
    A character without a glyph raises (exit 3); ``report.unfit`` says whether a build
    would stop with a layout error (exit 4)."""
    from .makeup import verify_levers

    layout = lay_out(issue_dir, jobs)
    _make_pages(layout, pictures=False)
    # the levers the report gives for each empty foot, tried with the real flow: check's
    # advice is taken as it stands
    verify_levers(layout.issue, layout.bodies, layout.flows, layout.report.feet)
    return layout.report


def placeholder_error(report: Report, issue: Issue) -> InputError:
    """Build prints no page while copy is still coming in: the error names every slot and
    its article file."""
    parts = [_("{where}: article '{file}' is not in yet ({expected} expected)").format(
        where=s.where, file=issue.articles[s.article].path.name, expected=s.placeholder)
        for s in report.placeholders]
    return InputError(_("待稿: copy still coming in, no print PDF is written while a "
                        "placeholder is on a page") + "\n  " + "\n  ".join(parts),
                      hint=_("`paiban proof` or `build --proofs-only` shows the pages with "
                             "their placeholders"))


def overset_error(report: Report):
    """The layout error of a report that does not fit: the overset slots, with what to cut,
    and the text the page stage found outside its box."""
    errors = list(report.problems)
    if report.overset:
        parts = [_("{where}: {lines} line(s) over ({chars} characters); {hint}").format(
            where=s.where, lines=s.overset_lines, chars=s.overset_chars, hint=s.hint)
            for s in report.overset]
        errors.insert(0, LayoutError(_("overset: text does not fit its slot") + "\n  " +
                                     "\n  ".join(parts)))
    return errors[0] if len(errors) == 1 else ErrorGroup(errors)


@dataclass
class _Job:
    """What every page task reads: forked into the workers, never pickled."""

    issue: object
    pages: list
    title: str              # the whole-issue file's title
    output: object
    titles: dict
    section: dict
    cut: frozenset
    doc_meta: object        # pdfx.DocMeta
    raws: list = field(default_factory=list)    # each page as drawn by the PDF writer
    whole_name: str | None = None    # the whole-issue file, when the build makes one
    encoding: dict | None = None     # the issue's codes for every face (pdf.issue_encoding)
    # where the workers leave what they draw and finish (a private temporary folder): the
    # build process holds their names, not hundreds of MB of PDFs (issue #22)
    stage: Path | None = None
    # per page, what the preflight checks its content against (frame.drawn_areas), taken
    # when the page is drawn
    frames: list = field(default_factory=list)
    # the preflight runs on the files once written, not between PDF/X and the write
    # (build_issue(preflight_after=True): `watch` after an edit)
    check_later: bool = False
    written: Path | None = None      # the output folder, once the files are in it
    # the preflight's memo of the embedded font programs it has read (preflight(programs=)):
    # the page files' subsets of the small faces are the same bytes on every page; each
    # worker fills its own copy
    font_programs: dict = field(default_factory=dict)

    def doc(self, ps, title: str):
        return self.doc_meta(title=title, paper=self.issue.paper.name, date=self.issue.date,
                             pages=[p.number for p in ps], number=self.issue.number,
                             sections=list(dict.fromkeys(self.section[p.number] for p in ps)),
                             lang=self.issue.document_lang({p.number for p in ps}))

    def check(self, data: bytes, ps, name: str, **kw):
        return _preflight(self.issue, [p.number for p in ps], self.cut, self.output.pdfx,
                          data, name, self.font_programs, **kw)


def _preflight(issue, numbers: list, cut, pdfx: str, data: bytes, name: str, programs, **kw):
    """The preflight of the file ``data`` holding pages ``numbers`` of ``issue``: the issue's
    expectations for those pages, at the PDF/X level ``pdfx``; ``kw``: what else the check
    is told (the areas drawn, where the text is read back)."""
    from dataclasses import replace

    from .preflight import expect_for, preflight

    expect = expect_for(issue, numbers, cut=cut)
    return preflight(data, replace(expect, pdfx=pdfx, **kw), name=name, programs=programs)


# pages a worker draws or finishes before a fresh one takes over (parallel.fork_map):
# reading the pages it is given copies their memory into the worker bit by bit
_RENEW = 24


def _draw(job: _Job, k: int) -> tuple:
    """Draw page ``k`` (ReportLab's PDF): the PDF, the CPU seconds it took and the areas
    of what it drew, for the preflight (frame.drawn_areas).  In a worker."""
    from .frame import drawn_areas
    from .pdf import render_pdf

    c0 = time.process_time()
    p = job.pages[k]
    raw = render_pdf([p], job.issue.fonts, job.encoding)
    if job.stage is not None:
        path = job.stage / f"drawn-{k:05d}.pdf"
        path.write_bytes(raw)
        raw = path
    return raw, time.process_time() - c0, drawn_areas(p)


def _bytes(data) -> bytes:
    """A PDF as bytes: ``data`` itself, or the file a worker staged it in."""
    return data.read_bytes() if isinstance(data, Path) else data


def _finish(job: _Job, task) -> tuple:
    """Make one file PDF/X and preflight it: (bytes, preflight result, CPU seconds of each
    step).  ``task`` is (page index, file name) for a page file, or (None, file name) for the
    whole issue, whose pages are the page files' drawings joined.  In a worker."""
    k, name = task
    c0 = time.process_time()
    data = _pdfx(job, k)
    c1 = time.process_time()
    res = None if job.check_later else _check(job, (k, name), data)
    if job.stage is not None:
        path = job.stage / name
        path.write_bytes(data)
        data = path
    return data, res, dict(pdfx=c1 - c0, preflight=time.process_time() - c1)


def _pdfx(job: _Job, k) -> bytes:
    """Page ``k``'s drawing made a PDF/X file (``k`` None: the whole issue's, its pages the
    page files' drawings joined)."""
    from .pdfx import finish_pdf

    if k is None:
        ps, title, raw = job.pages, job.title, job.raws     # opened from their files
    else:
        ps, title, raw = [job.pages[k]], job.pages[k].title, _bytes(job.raws[k])
    fonts = None
    if k is None and job.encoding is not None:
        from .pdf import issue_fonts

        fonts = issue_fonts(job.encoding)     # one set of subsets for every page
    return finish_pdf(raw, job.doc(ps, title), job.output, [p.threads for p in ps], job.titles,
                      fonts)


def _check(job: _Job, task, data):
    """The preflight of the file ``data`` of ``task`` (as for :func:`_finish`)."""
    k, name = task
    ps = job.pages if k is None else [job.pages[k]]
    # The whole-issue file's pages are copies of the page files': their content is walked
    # in the page files, their text read back in the whole-issue file (once, and there
    # articles continued from page to page read back whole).
    if k is None:
        return job.check(data, ps, name, content_checked=True)
    # and the page file's content is walked against the areas its items were placed in
    return job.check(data, ps, name, text_checked_in=job.whole_name, frames=[job.frames[k]])


def _check_file(job: _Job, item) -> tuple:
    """``item`` (page index or None, file name, path): the preflight of that file as it is
    on disk (build_issue(preflight_after=True)), and the CPU seconds it took.  In a
    worker."""
    k, name, path = item
    c0 = time.process_time()
    return _check(job, (k, name), Path(path).read_bytes()), time.process_time() - c0


def _prepare_output(issue) -> None:
    """Import the PDF libraries and register the faces with the PDF writer: run while the
    bodies are composed in worker processes, and before the page workers are forked, so
    that they inherit all of it instead of each doing it again."""
    from .pdf import prepare_fonts
    from .pdfx import prepare as prepare_pdfx
    from .preflight import prepare as prepare_preflight

    prepare_fonts(issue.fonts)
    prepare_pdfx()
    prepare_preflight()


@_few_collections()
def build_issue(issue_dir: Path, out_dir: Path | None = None, *, pdfx: str | None = None,
                proof: bool = False, grid: bool = False, dpi: float = 100,
                only: set[int] | None = None, progress=None, jobs: int | None = None,
                layout: Layout | None = None, on_pages=None,
                preflight_after: bool = False) -> Report:
    """Build the PDFs; each is made PDF/X (``pdfx`` overrides the paper's level) and
    preflighted before anything is written: a failed preflight writes nothing and raises
    PreflightError (exit 5).  ``proof`` also writes PNG proofs into OUT/proofs/.

    ``only`` (page numbers): lay out the whole issue (continuations cross pages) but render
    and write only those pages' PDFs and proofs, not the whole-issue file — what `watch`
    does after an edit that touches a few pages.  ``progress(done, total, what)`` is called
    as pages are rendered, for a progress display.  ``jobs``: processes for composing and
    drawing (default: every core); the output is the same bytes whatever the number.
    ``layout``: the :class:`Layout` from :func:`lay_out` when the caller laid the issue out
    already (the archive, `watch`): it is not laid out again.  ``on_pages(pages)`` is called
    with every page as the page stage set it, before anything is drawn or checked (`serve`
    shows them at once).

    ``preflight_after`` (`watch`, after an edit: the editor waits for the page): the page
    files are written as soon as they are PDF/X, and the preflight runs on the files as
    written; a failed preflight takes them back (the files of the build before, or none,
    are in place again) and raises PreflightError saying so.  The whole-issue file (what a
    plant takes) is still written only once its preflight has passed, in a second switch:
    the first removes the old one, which no longer matches the new pages.  (With ``proof``
    the preflight runs before the write, as without preflight_after.)"""
    from .parallel import cpu_count

    jobs = cpu_count() if jobs is None else max(1, jobs)
    own = layout is None
    helper = None
    if own:
        # a one-page issue (lay_out decides, once it is loaded): the composing worker is
        # kept to make the page PDF/X and preflight it (_finish_one), and this process
        # imports only the PDF writer meanwhile
        from .parallel import kept

        keep = None if proof or preflight_after or not _second_core_free(jobs) else \
            _prepare_drawing
        try:
            layout = lay_out(issue_dir, jobs, meanwhile=_prepare_output, keep=keep)
        except BaseException:
            helper = kept()         # (kept before what failed after the composition)
            if helper is not None:
                helper.close(kill=True)
            raise
        helper = kept()
    else:
        _prepare_output(layout.issue)
    try:
        return _build_laid_out(layout, own, helper, out_dir, pdfx, proof, grid, dpi, only,
                               progress, jobs, on_pages, preflight_after)
    finally:
        if helper is not None:
            helper.close(kill=True)      # (after an answer marked last it has ended)


def _build_laid_out(layout, own, helper, out_dir, pdfx, proof, grid, dpi, only, progress,
                    jobs, on_pages, preflight_after) -> Report:
    """The rest of :func:`build_issue`, once the issue is laid out; ``helper``: the
    composing worker kept for a one-page issue (parallel.keep_next), or None."""
    from dataclasses import replace

    from .pdfx import DocMeta

    issue, report = layout.issue, layout.report
    if report.placeholders:
        raise placeholder_error(report, issue)
    t0 = time.perf_counter()
    # the page stage first: a character without a glyph (exit 3) is said before what does
    # not fit (exit 4), as bad input always is
    pages = _make_pages(layout, consume=own)
    if own:
        from .parallel import trim_heap

        trim_heap()             # the composed lines, let go of as the pages were set
    if on_pages is not None:
        on_pages(pages)
    t1 = time.perf_counter()
    if report.unfit:
        raise overset_error(report)
    # overset the manifest allows: built, but said loudly, and not read back by the preflight
    cut = frozenset(s.article for s in report.slots if s.overset_lines and s.article)
    for s in report.slots:
        if s.overset_lines:
            report.warnings.append(_("{where}: {lines} line(s) over, allowed by the "
                                     "manifest: that text is NOT in the PDF").format(
                where=s.where, lines=s.overset_lines))
    out_dir = Path(out_dir) if out_dir else issue.root / "out"
    stem = file_stem(issue)
    output = issue.paper.output if pdfx is None else replace(issue.paper.output, pdfx=pdfx)
    partial = only is not None and not {p.number for p in pages} <= set(only)
    # An issue of several pages is drawn with one code for each character of each face
    # over all its pages (made from every page, so that a page file is the same bytes in a
    # build of some pages only): the whole-issue file's pages are the page files' pages,
    # with one set of font subsets for them all instead of each page's own (issue #22).
    encoding = None
    if len(pages) > 1:
        from .pdf import issue_encoding, prepare_fonts

        prepare_fonts(issue.fonts)
        encoding = issue_encoding(pages, issue.fonts)
    if partial:
        pages = [p for p in pages if p.number in only]
    job = _Job(issue=issue, pages=pages, title=f"{issue.paper.name} {issue.date}",
               output=output,
               titles={k: a.headline.replace("|", "") for k, a in issue.articles.items()},
               section={p.number: p.template.section for p in issue.pages}, cut=cut,
               doc_meta=DocMeta, encoding=encoding,
               check_later=preflight_after and not proof)
    names = [out_dir / f"{stem}-p{p.number:02d}.pdf" for p in pages]
    if len(pages) == 1 and not proof and not job.check_later:
        # One file, drawn and finished in this process: no stage folder to hand the PDFs
        # between processes; its file is written while its preflight runs (_finish_one)
        return _finish_one(job, layout, names[0], out_dir / f"{stem}.pdf", partial, jobs,
                           progress, t0, t1, helper)
    import shutil
    import tempfile

    _clean_stages()
    job.stage = Path(tempfile.mkdtemp(prefix=f"typeset-build-{os.getpid()}-"))
    try:
        return _render_and_write(job, layout, pages, names, out_dir, stem, partial, jobs,
                                 progress, proof, grid, dpi, t0, t1)
    finally:
        shutil.rmtree(job.stage, ignore_errors=True)


def _clean_stages() -> None:
    """Remove the temporary folders of builds that were killed (SIGKILL gives a build no
    chance to remove its own): a folder is named after the process that made it."""
    import shutil
    import tempfile

    for d in Path(tempfile.gettempdir()).glob("typeset-build-*-*"):
        pid = d.name.split("-")[2]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass                # a process of another user: alive


def _render_and_write(job, layout, pages, names, out_dir, stem, partial, jobs, progress,
                      proof, grid, dpi, t0, t1) -> Report:
    """The rest of :func:`build_issue`: draw, finish and preflight every file on the
    workers, then write them as one set."""
    from dataclasses import replace

    from .errors import PreflightError
    from .parallel import fork_map

    issue, report = layout.issue, layout.report
    # Two rounds on the workers: draw every page; then make each file PDF/X and preflight
    # it, the whole-issue file (the pages drawn for the page files, joined, so nothing is
    # drawn twice) as one more task beside the pages.  This process is one of the jobs in
    # each (``lane``): it only waited for the workers' results, and each worker forked is
    # a fork and the memory it copies as it reads the pages (issue #22).
    drawn = fork_map(_draw, list(range(len(pages))), jobs, job,
                     progress=(lambda d, n: progress(d, n, "pages")) if progress else None,
                     renew=_RENEW, lane=True)
    job.raws = [d[0] for d in drawn]
    job.frames = [d[2] for d in drawn]
    tasks = [(k, n.name) for k, n in enumerate(names)]
    whole_path = out_dir / f"{stem}.pdf"
    if not partial and len(pages) > 1:
        tasks.insert(0, (None, whole_path.name))        # the longest task first
        job.whole_name = whole_path.name
    done = fork_map(_finish, tasks, jobs, job, renew=_RENEW, lane=True)
    cpu = {"draw": sum(d[1] for d in drawn), "pdfx": 0.0, "preflight": 0.0}
    for d in done:
        for key, v in d[2].items():
            cpu[key] += v
    results = dict(zip([t[0] for t in tasks], done))
    if job.check_later:
        return _write_then_check(job, layout, pages, names, out_dir, stem, partial, jobs,
                                 results, cpu, t0, t1)
    files: list[tuple[Path, bytes]] = [(n, results[k][0]) for k, n in enumerate(names)]
    report.preflight.extend(results[k][1] for k in range(len(names)))
    t2 = time.perf_counter()
    if not partial:
        # the whole issue in one file; for a one-page issue, the page's own file
        if len(pages) == 1:
            files.append((whole_path, files[0][1]))
            report.preflight.append(replace(report.preflight[0], name=whole_path.name))
        else:
            files.append((whole_path, results[None][0]))
            report.preflight.append(results[None][1])
    t3 = time.perf_counter()
    failed = [r for r in report.preflight if not r.ok]
    if failed:
        raise PreflightError("preflight failed, nothing was written:\n" +
                             "\n".join(r.text() for r in failed))
    proofs: list[tuple[Path, bytes]] = []
    if proof:
        proofs = proof_files(issue, pages, [_bytes(d) for _, d in files[:len(pages)]], out_dir,
                             grid=grid, dpi=dpi)
        if partial:     # the contact sheet shows the whole issue: leave it as it was
            proofs = [(p, d) for p, d in proofs if "contact" not in p.name]
    from .outdir import set_of, write_set

    # one set: the PDFs of the issue (and its proofs, when made) replace the previous ones
    # together; a build of some pages only (watch) replaces just those files
    # A build of some pages only (watch) leaves no whole-issue file behind that no longer
    # matches the page files: it is removed in the same switch, and `watch` makes it again
    # when the edits pause (Watcher.rebuild_whole) — a stale issue file must never reach the
    # plant.
    report.notes = write_set(out_dir, files + proofs,
                             (lambda r: len(r.parts) == 1 and r.name == whole_path.name)
                             if partial else set_of(stem, proof),
                             keep_inode=(issue.root, issue.project_root))
    report.whole_pending = partial and len(job.issue.pages) > 1
    report.outputs = [p for p, _ in files]
    report.page_files = {p.number: n for p, n in zip(pages, names)}
    report.proofs = [p for p, _ in proofs]
    # render: drawing, PDF/X and preflight of every file, on the workers (wall time; the
    # cpu_* figures are the CPU seconds of each step summed over the workers)
    report.timings.update(page=t1 - t0, render=t3 - t1, write=time.perf_counter() - t3,
                          jobs=jobs,
                          **{f"cpu_{k}": v for k, v in cpu.items()})
    return report


class _HelperState:
    """What the kept composing worker holds (parallel.keep_next): the issue as it was
    forked, and the page's PDF/X file once made (so that it is not sent back for its
    preflight)."""

    def __init__(self, issue):
        self.issue = issue
        self.data = None


def _helper_setup(state: _HelperState) -> None:
    """In the kept worker, once the bodies are composed: the PDF/X and preflight
    libraries, imported while the build process flows, sets and draws the page."""
    from .pdfx import prepare as prepare_pdfx
    from .preflight import prepare as prepare_preflight

    prepare_pdfx()
    prepare_preflight()


def _helper_pdfx(state: _HelperState, raw: bytes, doc, output, threads, titles) -> tuple:
    """In the kept worker: the page made PDF/X, as _pdfx makes it (the same arguments), and
    the CPU seconds it took."""
    from .pdfx import finish_pdf

    c0 = time.process_time()
    state.data = finish_pdf(raw, doc, output, threads, titles, None)
    return state.data, time.process_time() - c0


def _helper_check(state: _HelperState, name: str, number: int, cut, pdfx: str, frame):
    """In the kept worker: the preflight of the file it made, as _check makes it for a page
    (_Job.check: the issue's expectations for that page, its drawn areas)."""
    c0 = time.process_time()
    return _preflight(state.issue, [number], cut, pdfx, state.data, name, {},
                      text_checked_in=None, frames=[frame]), time.process_time() - c0


def _second_core_free(jobs: int) -> bool:
    """Whether another core is free for the kept worker's chain (compose, import, PDF/X,
    preflight) to run beside the build process: the load average of the last minute below
    one core fewer than the jobs, plus a half.  On a busy machine the worker's chain waits
    for a core while the build process waits for it (the sample page, 30 pairs at load 7:
    wall 1.13 ×), and the work is done in the build process as before; on a free one it
    takes about 16 ms off the sample's 0.20 s (issue #22)."""
    forced = os.environ.get("TYPESET_KEEP_WORKER")     # "1", "0": benchmarks, tests
    if forced in ("0", "1"):
        return jobs > 1 and forced == "1"
    try:
        return jobs > 1 and os.getloadavg()[0] < jobs - 0.5
    except OSError:
        return False


def _prepare_drawing(issue) -> None:
    """What a one-page build imports while its bodies are composed when the composing
    worker is kept to make the page PDF/X and preflight it: the PDF writer only."""
    from .pdf import prepare_fonts

    prepare_fonts(issue.fonts)


def _finish_one(job, layout, name: Path, whole_path: Path, partial: bool, jobs, progress,
                t0, t1, helper=None) -> Report:
    """The end of build_issue for one page (the sample page from a fresh process, issue
    #22): draw it, make it PDF/X, then preflight it in a thread while this one writes the
    file (and for a whole issue, the whole-issue file: the same bytes) into a staging folder
    beside the output folder and fsyncs it (outdir.stage_set) — waits for the disk, a few ms
    each, that used to follow the preflight.  The set is switched in only once the
    preflight has passed, as before: a failed preflight discards the staging folder and the
    output folder never changed; a preflight that fails and a write that fails say the
    preflight's error, as when nothing was written."""
    import sys
    import threading
    from dataclasses import replace

    from .errors import PreflightError
    from .outdir import set_of, stage_set

    issue, report = layout.issue, layout.report
    raw, cpu_draw, frame = _draw(job, 0)
    job.raws, job.frames = [raw], [frame]
    if progress:
        progress(1, 1, "pages")
    c0 = time.process_time()
    data = None
    helper_cpu = {}
    if helper is not None:
        from .parallel import HelperGone

        page = job.pages[0]
        try:
            helper.send(_helper_pdfx, raw, job.doc([page], page.title), job.output,
                        [page.threads], job.titles)
            data, helper_cpu["pdfx"] = helper.receive()
            helper.send(_helper_check, name.name, page.number, job.cut, job.output.pdfx,
                        frame, last=True)
        except HelperGone:
            helper = None           # (it ended: both steps here, as without it)
    if data is None:
        data = _pdfx(job, 0)
    cpu_pdfx = helper_cpu.get("pdfx", time.process_time() - c0)
    checked: dict = {}

    def check() -> None:
        c = time.thread_time()
        try:
            result = None
            if helper is not None:
                from . import preflight  # noqa: F401 - what its answer unpickles into
                from .parallel import HelperGone

                try:
                    result, checked["cpu"] = helper.receive()    # (the worker's CPU)
                except HelperGone:
                    pass                # (it ended: the check is made here)
            checked["result"] = result if result is not None else \
                _check(job, (0, name.name), data)
        except BaseException as e:  # noqa: BLE001 - raised in the build's thread, below
            checked["error"] = e
        checked.setdefault("cpu", time.thread_time() - c)

    files = [(name, data)] + ([] if partial else [(whole_path, data)])
    replaces = (lambda r: len(r.parts) == 1 and r.name == whole_path.name) if partial \
        else set_of(file_stem(issue), False)
    # this thread mostly waits for the disk, and wants the interpreter back briefly after
    # each wait: with the default switch interval (5 ms) each of those would wait for the
    # preflight's thread to give it up (at 0.2 ms the switches cost more than they saved)
    interval = sys.getswitchinterval()
    thread = threading.Thread(target=check, name="typeset-preflight")

    def start() -> None:
        try:
            thread.start()
        except RuntimeError:        # (no thread to be had: the check runs here, first)
            check()

    staged = failed_write = None
    sys.setswitchinterval(0.001)
    try:
        try:
            _clean_stages()
            # the check is started once the output folder is locked and cleaned, as the
            # files are written (stage_set's meanwhile)
            staged = stage_set(name.parent, files, replaces,
                               keep_inode=(issue.root, issue.project_root), meanwhile=start)
        except Exception as e:  # noqa: BLE001 - said after the preflight's verdict
            failed_write = e
        finally:
            if thread.ident is None and not checked:    # the write failed before it
                check()
            if thread.ident is not None:
                thread.join()
    finally:
        sys.setswitchinterval(interval)
    try:
        if "error" in checked:
            raise checked["error"]
        res = checked["result"]
        report.preflight.append(res)
        if not partial:
            report.preflight.append(replace(res, name=whole_path.name))
        t3 = time.perf_counter()
        failed = [r for r in report.preflight if not r.ok]
        if failed:
            raise PreflightError("preflight failed, nothing was written:\n" +
                                 "\n".join(r.text() for r in failed))
        if failed_write is not None:
            raise failed_write
        report.notes = staged.commit()
        if helper is not None:
            helper.close()          # (it ends by itself after its last answer)
    finally:
        if staged is not None:
            staged.discard()         # (nothing left to do after a commit)
    report.whole_pending = partial and len(job.issue.pages) > 1
    report.outputs = [p for p, _ in files]
    report.page_files = {job.pages[0].number: name}
    report.proofs = []
    report.timings.update(page=t1 - t0, render=t3 - t1, write=time.perf_counter() - t3,
                          jobs=jobs, cpu_draw=cpu_draw, cpu_pdfx=cpu_pdfx,
                          cpu_preflight=checked.get("cpu", 0.0))
    return report


def _write_then_check(job, layout, pages, names, out_dir, stem, partial, jobs, results, cpu,
                      t0, t1) -> Report:
    """The end of build_issue(preflight_after=True): the page files are written first (one
    switch, which also removes the whole-issue file: it no longer matches them), then each is
    preflighted as it is on disk, and the whole-issue file (its bytes as staged, before it is
    written) beside them; the whole-issue file is written only when all pass.  A failed
    preflight puts back what the first switch replaced or removed, in one switch again."""
    from dataclasses import replace
    from pathlib import PurePath

    from .errors import PreflightError, TypesetError
    from .outdir import set_of, write_set
    from .parallel import fork_map

    issue, report = layout.issue, layout.report
    keep = (issue.root, issue.project_root)
    whole_path = out_dir / f"{stem}.pdf"
    page_files = [(n, results[k][0]) for k, n in enumerate(names)]
    # what the first switch replaces: the pages drawn, the whole-issue file and, when every
    # page is drawn, the files of pages no longer in the issue (as a build removes them)
    gone = (lambda r: len(r.parts) == 1 and r.name == whole_path.name) if partial \
        else set_of(stem, False)
    mine = {n.name for n in names}
    before: dict[str, bytes] = {}
    if out_dir.is_dir():
        for e in os.scandir(out_dir):
            if (e.name in mine or gone(PurePath(e.name))) and e.is_file(follow_symlinks=False):
                before[e.name] = Path(e.path).read_bytes()
    t_write = time.perf_counter()
    report.notes = write_set(out_dir, page_files, gone, keep_inode=keep)
    t_written = time.perf_counter()
    items = [(k, n.name, str(n)) for k, n in enumerate(names)]
    whole = None
    if not partial:
        # the whole issue in one file; for a one-page issue, the page's own file
        whole = results[0][0] if len(pages) == 1 else results[None][0]
        if len(pages) > 1:
            items.insert(0, (None, whole_path.name, str(whole)))

    def take_back() -> None:
        # the files the first switch replaced or removed, as they were, and none of the new
        # ones
        back = [(out_dir / n, b) for n, b in before.items()]
        new = {PurePath(n) for n in mine} - {PurePath(n) for n in before}
        write_set(out_dir, back, lambda r: r in new, keep_inode=keep)

    try:
        checked = fork_map(_check_file, items, jobs, job, renew=_RENEW)
    except BaseException:       # the preflight itself failed: nothing unchecked is left
        try:
            take_back()
        except TypesetError:
            pass                # (the error raised is the preflight's)
        raise
    res = dict(zip([it[0] for it in items], checked))
    cpu["preflight"] = sum(c[1] for c in checked)
    report.preflight.extend(res[k][0] for k in range(len(names)))
    if whole is not None:
        report.preflight.append(res[None][0] if len(pages) > 1 else
                                replace(res[0][0], name=whole_path.name))
    failed = [r for r in report.preflight if not r.ok]
    if failed:
        try:
            take_back()
        except TypesetError as e:
            raise PreflightError(
                "preflight failed on the files just written, and taking them back failed "
                f"({e}): remove them before they reach the plant:\n" +
                "\n".join(r.text() for r in failed)) from None
        raise PreflightError("preflight failed on the files just written; they were taken "
                             "back, the files before this build are in place again:\n" +
                             "\n".join(r.text() for r in failed))
    outputs = [n for n, _ in page_files]
    if whole is not None:
        write_set(out_dir, [(whole_path, whole)], keep_inode=keep)
        outputs.append(whole_path)
    report.whole_pending = partial and len(job.issue.pages) > 1
    report.outputs = outputs
    report.page_files = {p.number: n for p, n in zip(pages, names)}
    report.proofs = []
    report.timings.update(page=t1 - t0, render=t_write - t1, write=t_written - t_write,
                          preflight=time.perf_counter() - t_written, jobs=jobs,
                          **{f"cpu_{k}": v for k, v in cpu.items()})
    return report


def file_stem(issue) -> str:
    """The start of every output file's name: ``PAPER-DATE`` (``-pNN.pdf`` a page, ``.pdf``
    the whole issue, ``-pNN-grid.png`` a proof …)."""
    return f"{issue.paper.key}-{issue.date}"


def proof_files(issue, pages, page_pdfs, out_dir: Path, *, grid: bool, dpi: float = 100,
                plain: bool = True, contact: bool = True, fast: bool = False):
    """The proofs of ``pages`` (their single-page PDFs ``page_pdfs``) as (path under
    OUT/proofs, PNG bytes); ``plain``, ``contact``, ``fast`` as for proof.proof_images."""
    from .proof import proof_images

    try:
        font = issue.fonts.spec("body").path
    except Exception:  # noqa: BLE001 - labels fall back to Pillow's own font
        font = None
    sections = {p.number: p.template.section for p in issue.pages}
    images = proof_images(list(zip(page_pdfs, pages)), issue.paper, file_stem(issue),
                          grid=grid, dpi=dpi,
                          label_font=font, sections=sections, plain=plain, contact=contact,
                          fast=fast)
    return [(out_dir / "proofs" / name, data) for name, data in images]


@_few_collections()
def proof_issue(issue_dir: Path, out_dir: Path | None = None, *, grid: bool = False,
                dpi: float = 100, layout: Layout | None = None, plain: bool = True,
                fast: bool = False, on_pages=None) -> Report:
    """PNG proofs of every page, written into OUT/proofs/, even when slots are overset (the
    grid overlay shows them in red).  No PDF is written.  ``layout``, ``on_pages`` as for
    build_issue; ``plain=False``: with ``grid``, only the grid overlay of each page (what
    `watch` shows); ``fast``: PNG encoded for speed (larger files)."""
    from .pdf import render_pdf

    layout = layout if layout is not None else lay_out(issue_dir)
    issue, report = layout.issue, layout.report
    pages = _make_pages(layout)
    if on_pages is not None:
        on_pages(pages)
    out_dir = Path(out_dir) if out_dir else issue.root / "out"
    pdfs = [render_pdf([p], issue.fonts) for p in pages]
    proofs = proof_files(issue, pages, pdfs, out_dir, grid=grid, dpi=dpi,
                         plain=plain or not grid, fast=fast)
    from .outdir import write_set

    report.notes = write_set(out_dir, proofs, keep_inode=(issue.root, issue.project_root))
    report.proofs = [p for p, _ in proofs]
    return report
