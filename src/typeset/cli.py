"""The command line: ``typeset build``, ``check``, ``preflight``, ``proof``, the archive.
No layout logic lives here."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import click

from .errors import EXIT_INTERNAL, EXIT_IO, TypesetError


def _fail(e: Exception) -> None:
    if isinstance(e, TypesetError):
        click.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
    if isinstance(e, OSError) and e.filename:
        # the file system said no (an output folder that is a file or not writable, a full
        # disk): not a bug, and nothing was half written (outputs are renamed into place)
        click.echo(f"error: {e.filename}: {e.strerror or e} (check the folder, its "
                   "rights and the free space)", err=True)
        sys.exit(EXIT_IO)
    traceback.print_exc()
    click.echo("internal error: this is a bug in typeset; please report it with the "
               "traceback above and the issue folder.", err=True)
    sys.exit(EXIT_INTERNAL)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="typeset")
def main():
    """Lay out a newspaper issue and write print-ready PDF pages.

    An issue is a folder with an issue.yaml manifest and one text file per article.
    Start with `typeset check ISSUE_DIR` to see whether everything fits, then
    `typeset build ISSUE_DIR` to write the PDFs.
    """



def _print_report(report, quiet=False):
    for ch in report.changes:
        click.echo(f"normalised {ch}", err=True) if not quiet else None
    for w in report.warnings:
        click.echo(f"warning: {w}", err=True)


def _pdfx_option(ctx, param, value):
    """``--pdfx`` spelling → the level's name, from the one table of levels (model.PDFX);
    imported here, not at start-up, to keep `typeset --help` quick."""
    if value is None:
        return None
    from .model import PDFX, pdfx_level

    lv = pdfx_level(value.lower(), by="spelling")
    if lv is None:
        raise click.BadParameter(f"{value!r} is not one of " + ", ".join(
            sp for lv in PDFX for sp in lv.spellings))
    return lv.name


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PDFs (default: ISSUE_DIR/out).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the paths of the PDFs and errors.")
@click.option("--pdfx", metavar="LEVEL", callback=_pdfx_option,
              help="PDF/X level, instead of the paper's (print: pdfx:): x-4 or x-1a "
                   "(PDF/X-1a:2001).")
@click.option("--proof", is_flag=True, help="Also write PNG proofs (one per page and a "
              "contact sheet) into OUT/proofs/.")
@click.option("--grid", is_flag=True, help="With --proof: also a proof per page with the "
              "columns, grid lines and slots drawn over it (implies --proof).")
@click.option("--dpi", type=click.FloatRange(20, 600), default=100, show_default=True,
              help="Resolution of the proofs.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Processes composing and drawing pages at once (default: one per core). "
                   "The PDFs are the same whatever the number.")
@click.option("--proofs-only", is_flag=True, help="Write the PNG proofs only, no PDF (as "
              "`typeset proof`): also while copy is still coming in (待稿 placeholders) or a "
              "slot is overset.")
def build(issue_dir, out_dir, quiet, pdfx, proof, grid, dpi, jobs, proofs_only):
    """Build ISSUE_DIR: one PDF per page and one PDF of the whole issue.

    Nothing is written if any slot is overset (its text does not fit), an article is
    still a placeholder (待稿: its file is missing or empty; exit code 3, naming them) or a
    character has no glyph in its font; the error names the file, line and slot.  Every PDF is
    made PDF/X (the paper's level, with its OutputIntent) and preflighted before it is
    written: if the preflight fails nothing is written and the exit code is 5.
    """
    from .build import build_issue

    if proofs_only:
        _proofs_only(issue_dir, out_dir, grid, dpi)
        return

    def progress(done, total, what):
        # a progress line for long issues, on a terminal only (scripts read the paths)
        if total >= 4 and not quiet and sys.stderr.isatty():
            click.echo(f"\rrendering {what} ({done}/{total})", err=True,
                       nl=done == total)

    try:
        report = build_issue(issue_dir, out_dir, pdfx=pdfx,
                             proof=proof or grid, grid=grid, dpi=dpi, progress=progress,
                             jobs=jobs)
    except Exception as e:  # noqa: BLE001 - every error is reported, never a bare traceback
        _fail(e)
    _print_report(report, quiet)
    if not quiet:
        for r in report.preflight:
            click.echo(f"preflight: {r.text()}", err=True)
    for p in report.outputs + report.proofs:
        click.echo(str(p))


def _proofs_only(issue_dir, out_dir, grid, dpi):
    """`proof` and `build --proofs-only`: proofs of every page, placeholders shown; exit 4
    if a slot is overset, after writing them."""
    from .build import overset_error, proof_issue

    try:
        report = proof_issue(issue_dir, out_dir, grid=grid, dpi=dpi)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    _print_report(report, quiet=True)
    for p in report.proofs:
        click.echo(str(p))
    if report.overset:
        click.echo(f"error: {overset_error(report)}", err=True)
        sys.exit(overset_error(report).exit_code)


@main.command()
@click.argument("pdfs", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--issue", "issue_dir", type=click.Path(exists=True, file_okay=False,
              path_type=Path), help="The issue the PDFs were built from: checks the page "
              "size, bleed, PDF/X level, output condition and ink limit of its paper and "
              "reads every article back against the manifest.")
@click.option("--pdfx", metavar="LEVEL", callback=_pdfx_option,
              help="With --issue: the PDF/X level expected, if not the paper's (as given to "
                   "build --pdfx).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the files that fail.")
def preflight(pdfs, issue_dir, pdfx, quiet):
    """Check PDF files as a printing plant would and print a report.

    Checks: PDF/X version keys and OutputIntent with an embedded CMYK profile; TrimBox
    and BleedBox on every page, consistent (and as the paper says with --issue); fonts
    embedded and subset; no RGB or Lab colour; text only in 100 % K and every other
    mark on K only, except registration colour outside the bleed; total ink; with
    --issue the page size and the text of every article along its article thread.

    Exit code 0 when every file passes, 5 when any file has an error.
    """
    from .errors import EXIT_PREFLIGHT
    from .preflight import preflight as check, preflight_issue_file

    try:
        issue = None
        if issue_dir is not None:
            from .load import load_issue
            from .normalize import normalise_issue

            issue = load_issue(issue_dir)
            if issue.normalise:
                issue, _ = normalise_issue(issue)
        results = [preflight_issue_file(p, issue, pdfx) if issue is not None else check(p)
                   for p in pdfs]
    except Exception as e:  # noqa: BLE001
        _fail(e)
    bad = [r for r in results if not r.ok]
    for r in results:
        if r.ok and quiet:
            continue
        click.echo(r.text())
    if issue_dir is None and not quiet:
        click.echo("note: without --issue the page size, the paper's bleed and ink limit "
                   "and the text are not checked", err=True)
    if bad:
        click.echo(f"error: {len(bad)} of {len(results)} file(s) failed preflight", err=True)
        sys.exit(EXIT_PREFLIGHT)


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The proofs go into OUT/proofs/ (default: ISSUE_DIR/out).")
@click.option("--grid", is_flag=True, help="Also a proof per page with the columns, the grid "
              "lines and every slot drawn over it: green fits, red overset, orange underset.")
@click.option("--dpi", type=click.FloatRange(20, 600), default=100, show_default=True,
              help="Resolution of the proofs.")
def proof(issue_dir, out_dir, grid, dpi):
    """Write PNG proofs of ISSUE_DIR: one per page and a contact sheet of the issue.

    Works even when slots are overset (no PDF is written); with --grid the overset slots
    are marked in red.  Articles still coming in (待稿) are grey placeholders.  Exit code 4
    if any slot is overset, after writing the proofs.
    """
    _proofs_only(issue_dir, out_dir, grid, dpi)


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the fit report as JSON.")
def check(issue_dir, as_json):
    """Lay out ISSUE_DIR without writing PDFs and print the fit report per slot.

    Exit code 4 if any slot is overset, 3 for bad input, 0 when everything fits.
    """
    from .build import check_issue, overset_error

    try:
        report = check_issue(issue_dir)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    if as_json:
        click.echo(json.dumps({"slots": [s.as_dict() for s in report.slots],
                               "blocks": report.blocks, "feet": report.feet,
                               "warnings": report.warnings,
                               "normalised": [str(c) for c in report.changes]},
                              ensure_ascii=False, indent=1))
    else:
        _print_report(report)
        click.echo("lines: available and used in the slot's columns; over: lines (characters) "
                   "that do not fit; short: empty grid lines at the foot; even: lines that "
                   "needed even spacing of Han characters")
        click.echo(f"{'page':>4} {'slot':<12} {'avail':>5} {'used':>5} {'over':>11} "
                   f"{'short':>5} {'even':>4}  hint")
        for s in report.slots:
            over = f"{s.overset_lines} ({s.overset_chars})" if s.overset_lines else "0"
            click.echo(f"{s.page:>4} {s.slot:<12} {s.lines_available:>5} {s.lines_used:>5} "
                       f"{over:>11} {s.underset_lines:>5} {s.even_spaced_lines:>4}  {s.hint}")
        _print_geometry(report)
    if report.overset:
        if not as_json:
            click.echo(f"error: {overset_error(report)}", err=True)
        sys.exit(overset_error(report).exit_code)


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--page", "pages", type=click.IntRange(1, 9999), multiple=True,
              help="Make up this page (again), even if its slots are placed; repeat for more. "
                   "Default: every page with a slot that has no column and span.")
@click.option("-n", "--alternatives", type=click.IntRange(1, 20), default=1,
              show_default=True, help="How many proposals per page, best first.")
@click.option("--pick", type=click.IntRange(1, 20), default=1, show_default=True,
              help="The proposal --write or --to takes.")
@click.option("--write", is_flag=True, help="Write the picked proposal into ISSUE_DIR/"
              "issue.yaml (the slots of the pages made up; everything else as it was).")
@click.option("--to", "to_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the manifest with the picked proposal to this file instead.")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Proofs and the proposals' manifests go into OUT/makeup/ (default: "
                   "ISSUE_DIR/out).")
@click.option("--no-proofs", is_flag=True, help="Do not draw the proposals' PNG proofs.")
@click.option("--plan", is_flag=True, help="First share the manifest's `stories:` out over "
              "the pages that are not `fixed: true` (most important first, page 1 first; a "
              "story too long for any page is continued on a later one with jump lines), "
              "then make every page up.")
@click.option("--json", "as_json", is_flag=True, help="Print the proposals as JSON.")
def makeup(issue_dir, pages, alternatives, pick, write, to_file, out_dir, no_proofs, plan,
           as_json):
    """Propose layouts that fill the page: place every article, picture and banner of a
    page whose slots have no column and span (or of each --page), by the make-up rules
    (lead at the top, widest, with the largest headline; headline sizes by priority; no
    headlines side by side; every column to the foot).

    Each proposal is written as a manifest (OUT/makeup/issue-N.yaml) and drawn as a PNG
    proof with the grid (OUT/makeup/); --write puts the picked one into issue.yaml, so that
    `typeset build` then works unchanged.  Exit code 4 when a page cannot be filled (the
    message says why and what to add or cut), 3 for bad input.
    """
    from .build import write_atomically
    from .makeup import make_up_issue, manifest_text, proof_pngs, proposal_slots

    try:
        res = make_up_issue(issue_dir, list(pages) or None, alternatives, plan=plan)
        out = (out_dir or Path(issue_dir) / "out") / "makeup"
        files = []
        issue = res.issue
        stem = f"{issue.paper.key}-{issue.date}"
        best = max((len(r.proposals) for r in res.pages), default=0)
        for k in range(1, best + 1):
            made = {}
            for r in res.pages:
                page = next(pg for pg in issue.pages if pg.number == r.number)
                if r.proposals:
                    p = r.proposals[min(k, len(r.proposals)) - 1]
                    made[r.number] = proposal_slots(page, p)
                elif plan:
                    made[r.number] = list(page.slots)     # the plan, not yet placed
            files.append((out / f"issue-{k}.yaml", manifest_text(issue, made).encode()))
            if not no_proofs:
                laid = res.chosen(k)
                for r in res.pages:
                    if len(r.proposals) >= k:
                        for name, data in proof_pngs(laid, res.bodies, r.number, stem):
                            files.append((out / name.replace(
                                f"-p{r.number:02d}", f"-p{r.number:02d}-makeup{k}"), data))
        target = to_file if to_file else (Path(issue_dir) / "issue.yaml" if write else None)
        if target is not None and best:
            files.append((target, files[min(pick, best) - 1][1]))
        write_atomically(files)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    failed = [r for r in res.pages if r.error]
    for note in res.notes:
        click.echo(f"plan: {note}", err=True)
    if as_json:
        click.echo(json.dumps({"pages": [dict(
            page=r.number, seconds=round(r.seconds, 3), error=r.error or None,
            proposals=[dict(rank=k + 1, score=round(p.score, 2), terms=p.terms,
                            tiers=p.tiers, blocks=[b.__dict__ for b in p.blocks])
                       for k, p in enumerate(r.proposals)]) for r in res.pages],
            "files": [str(p) for p, _ in files]}, ensure_ascii=False, indent=1))
    else:
        for r in res.pages:
            if r.error:
                click.echo(f"error: {r.error}", err=True)
                continue
            for k, p in enumerate(r.proposals, 1):
                click.echo(f"page {r.number}, proposal {k}: {p.describe()}")
                for b in p.blocks:
                    band = f", headline {b.style} in {b.band} lines" if b.band else ""
                    click.echo(f"  {b.id:<14} {b.kind:<8} columns {b.column}–"
                               f"{b.column + b.span - 1}, lines {b.top}–"
                               f"{b.top + b.lines - 1}{band}")
        for p, _ in files:
            click.echo(str(p))
    if failed:
        sys.exit(4)


def _print_geometry(report) -> None:
    """The blocks on the grid and the empty feet with their levers (``check``)."""
    click.echo("blocks on the grid (grid lines of the page, the first is 0): columns, "
               "first–last line, headline band (first line, lines, least–most)")
    for b in report.blocks:
        head = ""
        if b["kind"] == "article":
            head = (f"  headline {b['headline']} lines {b['head_top']}–"
                    f"{b['head_top'] + b['head_lines'] - 1} ({b['head_lines']} lines, "
                    f"{b['head_min']}–{b['head_max']})")
            if b.get("placeholder"):
                head += "  待稿 (placeholder)"
        click.echo(f"{b['page']:>4} {b['slot']:<12} {b['kind']:<8} columns "
                   f"{b['columns'][0]}–{b['columns'][1]}  lines {b['top']}–{b['bottom']}{head}")
    for f in report.feet:
        click.echo(f"page {f['page']}, columns {f['columns'][0]}–{f['columns'][1]}: lines "
                   f"{f['first_line']}–{f['last_line']} ({f['lines']}) are empty; to fill them:")
        for lv in f["levers"]:
            click.echo(f"  {lv['lever']}: {lv['text']} (fills {lv['fills']} of {f['lines']})")


# --- the archive ---------------------------------------------------------------------------

def _default_archive() -> Path:
    import os

    return Path(os.environ.get("TYPESET_ARCHIVE", "archive"))


@main.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1, required=True)
@click.option("--to", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The archive folder (default: $TYPESET_ARCHIVE or ./archive).")
@click.option("--replace", is_flag=True,
              help="Store a new version of an issue already archived; the old one is kept "
                   "as superseded.")
def archive(args, archive_dir, replace):
    """Store an issue in the archive, or check the archive.

    \b
    typeset archive ISSUE_DIR --to ARCHIVE_DIR [--replace]
    typeset archive verify [ARCHIVE_DIR]

    A record holds the manifest, articles, pictures, layout files, the fonts (stored
    once per archive), the PDFs, proofs, a text export of every article and a SHA-256
    of every file. `verify` re-hashes everything and names any file that changed or is
    missing (exit code 6).
    """
    from . import archive as arc

    try:
        if args[0] == "verify":
            where = Path(args[1]) if len(args) > 1 else (archive_dir or _default_archive())
            res = arc.verify(where)
            for p in res.problems:
                click.echo(p, err=True)
            bad = [p for p in res.problems if not p.startswith("cleaned:")]
            click.echo(f"{res.records} record(s), {res.files} file(s) checked: "
                       f"{'OK' if not bad else f'{len(bad)} problem(s)'}")
            if bad:
                sys.exit(arc.EXIT_ARCHIVE)
            return
        if len(args) != 1:
            raise click.UsageError("give one issue folder (or 'verify')")
        issue_dir = Path(args[0])
        if not issue_dir.is_dir():
            raise click.UsageError(f"'{issue_dir}' is not a folder")
        out = arc.archive_issue(issue_dir, archive_dir or _default_archive(), replace=replace)
    except click.UsageError:
        raise
    except Exception as e:  # noqa: BLE001
        _fail(e)
    for note in out["notes"]:
        click.echo(f"cleaned: {note}", err=True)
    click.echo(f"archived {out['id']} version {out['version']} "
               f"({out['articles']} articles): {out['path']}")


@main.command()
@click.argument("phrase")
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The archive folder (default: $TYPESET_ARCHIVE or ./archive).")
@click.option("--from", "date_from", help="Earliest issue date, YYYY-MM-DD.")
@click.option("--to", "date_to", help="Latest issue date, YYYY-MM-DD.")
@click.option("--paper", help="Paper key, e.g. sichuan-kejibao.")
@click.option("--page", type=int, help="Page number.")
@click.option("--section", help="Section, e.g. 地方动态.")
@click.option("--byline", help="Text in the byline, e.g. 科协.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search(phrase, archive_dir, date_from, date_to, paper, page, section, byline, as_json):
    """Find archived articles containing PHRASE (any Chinese substring)."""
    import json

    from . import archive as arc

    try:
        hits = arc.search(archive_dir or _default_archive(), phrase, date_from, date_to, paper,
                          page, section, byline)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    if as_json:
        click.echo(json.dumps(hits, ensure_ascii=False, indent=1))
        return
    for h in hits:
        num = f" {h['number']}" if h["number"] else ""
        click.echo(f"{h['paper']} {h['date']}{num} 第{h['page']}版  {h['headline']}\n"
                   f"    {h['snippet']}")
    if not hits:
        click.echo("no match")


@main.command()
@click.argument("records", nargs=-1, required=True)
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Resolve issue ids in this archive (latest version).")
@click.option("-j", "--jobs", type=int, default=None, help="Parallel rebuilds (default: all "
              "cores).")
def rebuild(records, archive_dir, jobs):
    """Rebuild archived issues from their stored inputs and fonts and report, page by page,
    whether the PDFs are byte-identical to the archived ones (exit 6 if not)."""
    from . import archive as arc

    try:
        dirs = [arc.resolve_record(r, archive_dir) for r in records]
        if len(dirs) > 1 and sys.stderr.isatty():
            click.echo(f"rebuilding {len(dirs)} issues on {jobs or 'all'} core(s)…", err=True)
        results = arc.rebuild(dirs, jobs)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    ok = True
    for r in results:
        click.echo(r["record"])
        if r.get("error"):
            click.echo(f"  error: {r['error']}")
        for p in r["pages"]:
            click.echo(f"  {p['file']}: {'identical' if p['identical'] else 'DIFFERENT'}")
        ok = ok and r["identical"]
    if not ok:
        sys.exit(arc.EXIT_ARCHIVE)


# --- the layout editor's night ---------------------------------------------------------------

@main.command("new")
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.option("--from", "previous", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The previous issue's folder, the model for the new one.")
@click.option("--date", help="The new issue's date, YYYY-MM-DD (default: a week later).")
@click.option("--number", help="The new issue number (default: the previous one plus one).")
def new(issue_dir, previous, date, number):
    """Start ISSUE_DIR from the previous issue: same pages, templates, slots and standing
    furniture; date and number advanced; every article file emptied; CHECKLIST.md lists what
    must be filled."""
    from .newissue import new_issue

    try:
        r = new_issue(issue_dir, previous, date, number)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    click.echo(f"new issue {r['path']}: date {r['date']}"
               + (f", number {r['number']}" if r["number"] else "")
               + f"; {r['articles']} article(s) and {r['pictures']} picture(s) to fill "
                 f"(see {Path(r['path']) / 'CHECKLIST.md'})")


def _echo_rebuild(r, as_json=False):
    import json
    import time

    if as_json:
        click.echo(json.dumps(dict(generation=r.generation, ok=r.ok, seconds=r.seconds,
                                   touched=r.touched, error=r.error, **r.report),
                              ensure_ascii=False))
        return
    stamp = time.strftime("%H:%M:%S")
    pages = f" (pages {', '.join(map(str, r.touched))})" if r.touched else ""
    state = click.style("built", fg="green") if r.ok else click.style("NOT built", fg="red")
    click.echo(f"[{stamp}] {state} in {r.seconds:.2f} s{pages}")
    for s in r.report.get("slots", []):
        if s["overset_lines"]:
            click.echo(click.style(f"  page {s['page']} slot {s['slot']}: "
                                   f"{s['overset_lines']} line(s) over — {s['hint']}",
                                   fg="red"))
        elif s["underset_lines"] > 1:
            click.echo(click.style(f"  page {s['page']} slot {s['slot']}: "
                                   f"{s['underset_lines']} line(s) short — {s['hint']}",
                                   fg="yellow"))
    for w in r.report.get("warnings", []):
        click.echo(f"  warning: {w}")
    if r.error and not r.report.get("slots"):
        click.echo(click.style(f"  {r.error}", fg="red"))


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PDFs and proofs (default: ISSUE_DIR/out).")
@click.option("--serve", "port", type=int, default=None,
              help="Also show live proofs in the browser at http://127.0.0.1:PORT/.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per rebuild.")
def watch(issue_dir, out_dir, port, as_json):
    """Rebuild ISSUE_DIR whenever a manifest, article, picture or layout file changes, and
    print the fit report after each rebuild.  A build that fails (overset, bad input) never
    replaces the last good PDFs; its proofs still show where the problem is.  Ctrl-C stops."""
    from .live import Watcher, serve

    try:
        if port is not None:
            click.echo(f"live proofs: http://127.0.0.1:{port}/")
            serve(issue_dir, port, on_rebuild=lambda r: _echo_rebuild(r, as_json),
                  out_dir=out_dir)
        else:
            Watcher(issue_dir, out_dir).run(on_rebuild=lambda r: _echo_rebuild(r, as_json))
    except KeyboardInterrupt:
        pass


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-p", "--port", type=int, default=8765, help="Port on 127.0.0.1 (default 8765).")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path))
def serve(issue_dir, port, out_dir):
    """Show every page of ISSUE_DIR as a proof with the grid overlay and the fit report, in
    the browser at http://127.0.0.1:PORT/, refreshed by itself after each rebuild."""
    from .live import serve as run

    click.echo(f"live proofs: http://127.0.0.1:{port}/  (Ctrl-C stops)")
    try:
        run(issue_dir, port, on_rebuild=_echo_rebuild, out_dir=out_dir)
    except KeyboardInterrupt:
        pass
