"""The command line: ``typeset build``, ``check``, ``preflight``, ``proof``, the archive.
No layout logic lives here."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import click

from .errors import EXIT_INTERNAL, EXIT_IO, TypesetError


def _error_records(e: Exception) -> tuple[int, list[dict]]:
    """The exit code of an error and its entries for a JSON report: file, line, column,
    slot, message, hint and exit code of each problem."""
    from .errors import ErrorGroup

    def rec(file=None, line=None, column=None, slot=None, message="", hint=None, code=0):
        return dict(file=None if file is None else str(file), line=line, column=column,
                    slot=slot, message=message, hint=hint, exit_code=code)

    if isinstance(e, TypesetError):
        errs = e.errors if isinstance(e, ErrorGroup) else [e]
        out = []
        for x in errs:
            w = x.where
            out.append(rec(w.path if w else None, w.line if w else None,
                           w.col if w else None, w.slot if w else None, x.message, x.hint,
                           x.exit_code))
        return e.exit_code, out
    if isinstance(e, OSError) and e.filename:
        return EXIT_IO, [rec(e.filename, message=e.strerror or str(e), code=EXIT_IO,
                             hint="check the folder, its rights and the free space")]
    return EXIT_INTERNAL, [rec(message=f"internal error ({type(e).__name__}: {e}): a bug in "
                               "typeset; please report it", code=EXIT_INTERNAL)]


def _fail(e: Exception, as_json: bool = False) -> None:
    """Report an error and exit with its code; with ``as_json`` also print a JSON document
    (``ok``, ``exit_code``, ``errors``) on standard output, so that a script always gets one."""
    code, records = _error_records(e)
    if as_json:
        click.echo(json.dumps(dict(ok=False, exit_code=code, errors=records, slots=[],
                                   warnings=[], normalised=[]), ensure_ascii=False, indent=1))
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
def build(issue_dir, out_dir, quiet, pdfx, proof, grid, dpi, jobs):
    """Build ISSUE_DIR: one PDF per page and one PDF of the whole issue.

    Nothing is written if any slot is overset (its text does not fit), any text would be
    drawn outside its box (running head, footer unit …) or a character has no glyph in its
    font; the error names the file, line and slot or the element.  Every PDF is
    made PDF/X (the paper's level, with its OutputIntent) and preflighted before it is
    written: if the preflight fails nothing is written and the exit code is 5.
    """
    from .build import build_issue

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
        for n in report.notes:
            click.echo(f"cleaned: {n}", err=True)
        for r in report.preflight:
            click.echo(f"preflight: {r.text()}", err=True)
    for p in report.outputs + report.proofs:
        click.echo(str(p))


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
@click.option("--profile", "profile_spec", metavar="NAME|FILE",
              help="The preflight profile: house, newspaper, coldset or a profile file "
                   "(default: the paper's with --issue, else house).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the report as JSON (schemas/preflight-report.schema.json).")
@click.option("--proof", "proof_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write a PNG of every page with findings, each outlined and "
                   "numbered, into this folder.")
@click.option("--timeout", type=click.FloatRange(1, 3600), default=120, show_default=True,
              metavar="SECONDS", help="Time allowed to check one file; a file that needs "
              "more is refused.")
@click.option("--max-memory", "memory", type=click.IntRange(64, 1 << 20), default=1536,
              show_default=True, metavar="MB", help="Memory allowed to check one file; a "
              "file that needs more is refused.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the files that fail.")
def preflight(pdfs, issue_dir, pdfx, profile_spec, as_json, proof_dir, timeout, memory, quiet):
    """Check PDF files as a printing plant would and print a report.

    What is checked, and how strictly, is a profile: house (typeset's own rules: text
    and rules on K only), newspaper (modelled on GWG 2015 newspaper ads: hairlines, text
    size, image resolution, 245% ink over 15 mm from the separations, overprint, spot
    colours …) or coldset (ISO 12647-3, 220% ink).  Every finding names the page, the
    object and where it is (mm from the trim's top-left corner), the value and the limit.
    Each file is checked within a time and memory bound: a damaged, encrypted or hostile
    file is refused with a message, never a crash.

    Exit code 0 when every file passes, 5 when any file has an error.
    """
    from .errors import EXIT_PREFLIGHT
    from .preflight import Expect, _issue_expect, check_file, report_json

    profile = None
    try:
        if profile_spec is not None:
            from .profile import load_profile

            profile = load_profile(profile_spec)
        issue = None
        if issue_dir is not None:
            from .load import load_issue
            from .normalize import normalise_issue

            issue = load_issue(issue_dir)
            if issue.normalise:
                issue, _ = normalise_issue(issue)
        if profile is None:
            from .profile import load_profile

            # the paper's own profile with --issue (print: preflight_profile:), else house
            profile = load_profile("house") if issue is None else load_profile(
                issue.paper.output.preflight_profile, issue.project_root)
        results = []
        for p in pdfs:
            if issue is not None:
                def expect(src, _issue=issue):
                    return _issue_expect(Path(src), _issue, pdfx, profile)
            else:
                expect = Expect(profile=profile)
            res = check_file(p, expect, str(p), timeout=timeout, memory=memory,
                             proof_dpi=60 if proof_dir is not None else None)
            if proof_dir is not None and res.proofs:
                proof_dir.mkdir(parents=True, exist_ok=True)
                for fname, png in res.proofs:
                    (proof_dir / fname).write_bytes(png)
                    click.echo(f"proof: {proof_dir / fname}", err=True)
            results.append(res)
    except Exception as e:  # noqa: BLE001
        if as_json:
            code, records = _error_records(e)
            if code != EXIT_INTERNAL:
                click.echo(json.dumps(report_json([], profile, records, code),
                                      ensure_ascii=False, indent=1))
        _fail(e)
    bad = [r for r in results if not r.ok]
    if as_json:
        click.echo(json.dumps(report_json(results, profile), ensure_ascii=False, indent=1))
    else:
        for r in results:
            if r.ok and quiet:
                continue
            click.echo(r.text())
    if issue_dir is None and not quiet and not as_json:
        click.echo(f"note: without --issue the page size, the paper's bleed and the text are "
                   f"not checked (profile {profile.name})", err=True)
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
    are marked in red.  Exit code 4 if any slot is overset or any text runs outside its box,
    after writing the proofs.
    """
    from .build import overset_error, proof_issue

    try:
        report = proof_issue(issue_dir, out_dir, grid=grid, dpi=dpi)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    _print_report(report, quiet=True)
    for p in report.proofs:
        click.echo(str(p))
    if report.unfit:
        click.echo(f"error: {overset_error(report)}", err=True)
        sys.exit(overset_error(report).exit_code)


@main.command()
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the fit report as JSON, also when "
              "the input is bad: ok, exit_code, errors (file, line, column, slot, message), "
              "slots, warnings.")
def check(issue_dir, as_json):
    """Lay out ISSUE_DIR without writing PDFs and print the fit report per slot.

    Exit code 4 if any slot is overset or any text would be drawn outside its box (a running
    head wider than the type area, a co-organizer wider than its cell), 3 for bad input (a
    character no font has, anywhere on the page), 0 when everything fits.
    """
    from .build import check_issue, overset_error

    if not issue_dir.is_dir():
        # checked here rather than by click, so that --json still gets its JSON document
        msg = f"'{issue_dir}' " + ("is not a folder" if issue_dir.exists() else
                                   "does not exist")
        if as_json:
            click.echo(json.dumps(dict(ok=False, exit_code=2, errors=[dict(
                file=str(issue_dir), line=None, column=None, slot=None, message=msg,
                hint="give the issue folder", exit_code=2)], slots=[], warnings=[],
                normalised=[]), ensure_ascii=False, indent=1))
            sys.exit(2)
        raise click.BadParameter(msg, param_hint="ISSUE_DIR")
    try:
        report = check_issue(issue_dir)
    except Exception as e:  # noqa: BLE001
        _fail(e, as_json)
    # overset slots, and text the page stage would draw outside its box: exit 4
    over = overset_error(report) if report.unfit else None
    if as_json:
        errors = [s.as_error() for s in report.overset] + \
            [r for p in report.problems for r in _error_records(p)[1]]
        click.echo(json.dumps({"ok": over is None, "exit_code": over.exit_code if over else 0,
                               "errors": errors,
                               "slots": [s.as_dict() for s in report.slots],
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
            over_ = f"{s.overset_lines} ({s.overset_chars})" if s.overset_lines else "0"
            click.echo(f"{s.page:>4} {s.slot:<12} {s.lines_available:>5} {s.lines_used:>5} "
                       f"{over_:>11} {s.underset_lines:>5} {s.even_spaced_lines:>4}  {s.hint}")
    if over is not None:
        click.echo(f"error: {over}", err=True)
        sys.exit(over.exit_code)


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
@click.option("--repair", is_flag=True,
              help="With verify: bring the catalog in line with the records (it is rebuilt "
                   "from them; no record is ever changed or removed).")
def archive(args, archive_dir, replace, repair):
    """Store an issue in the archive, or check the archive.

    \b
    typeset archive ISSUE_DIR --to ARCHIVE_DIR [--replace]
    typeset archive verify [ARCHIVE_DIR] [--repair]

    A record holds the manifest and the files it names (articles, pictures), the layout
    files, the fonts (stored once per archive), the PDFs, proofs, a text export of every
    article and a SHA-256 of every file; it is read-only once written. `verify` re-hashes
    everything, compares the catalog with the records and names any file that changed or is
    missing (exit code 6); it never deletes a record, and repairs the catalog only with
    --repair.
    """
    from . import archive as arc

    try:
        if args[0] == "verify":
            if len(args) > 2:
                raise click.UsageError("give at most one archive folder after 'verify'")
            where = Path(args[1]) if len(args) > 1 else (archive_dir or _default_archive())
            res = arc.verify(where, repair=repair)
            for n in res.notes:
                click.echo(f"cleaned: {n}", err=True)
            for n in res.repaired:
                click.echo(f"repaired: {n}", err=True)
            for p in res.problems:
                click.echo(p, err=True)
            ro = " (read-only archive: checked as it is)" if res.read_only else ""
            click.echo(f"{res.records} record(s), {res.files} file(s) checked: "
                       f"{'OK' if not res.problems else f'{len(res.problems)} problem(s)'}{ro}")
            if res.problems:
                sys.exit(arc.EXIT_ARCHIVE)
            return
        if repair:
            raise click.UsageError("--repair goes with 'verify'")
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
        click.echo(f"{'note' if note.startswith('not archived') else 'cleaned'}: {note}",
                   err=True)
    click.echo(f"archived {out['id']} version {out['version']} "
               f"({out['articles']} articles): {out['path']}")


@main.command()
@click.argument("phrase")
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The archive folder (default: $TYPESET_ARCHIVE or ./archive).")
@click.option("--from", "date_from", help="Earliest issue date, YYYY-MM-DD.")
@click.option("--to", "date_to", help="Latest issue date, YYYY-MM-DD.")
@click.option("--paper", help="Paper key or name, e.g. sichuan-kejibao or 四川科技报.")
@click.option("--page", type=click.IntRange(1, 9999), help="Page number.")
@click.option("--section", help="Section, e.g. 地方动态.")
@click.option("--byline", help="Text in the byline, e.g. 科协.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search(phrase, archive_dir, date_from, date_to, paper, page, section, byline, as_json):
    """Find archived articles containing PHRASE (any Chinese substring, taken literally).
    Each hit names the page it is printed on and that page's PDF."""
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
                   f"    {h['snippet']}" + (f"\n    {h['pdf']}" if h["pdf"] else ""))
    if not hits:
        click.echo("no match")


@main.command()
@click.argument("records", nargs=-1, required=True)
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Resolve issue ids in this archive (latest version).")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Parallel rebuilds (default: all cores).")
def rebuild(records, archive_dir, jobs):
    """Rebuild archived issues from their stored inputs and fonts and report, page by page,
    whether the PDFs are byte-identical to the archived ones (exit 6 if not)."""
    from . import archive as arc

    try:
        for note in arc.clean_dead_rebuilds():
            click.echo(f"cleaned: {note}", err=True)
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


@main.command()
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--to", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the exported files (created if missing).")
@click.option("--mets", is_flag=True, help="The METS/ALTO package: mets.xml, alto/ (one ALTO "
              "4.4 file per page) and pdf/ (the page PDFs).")
@click.option("--articles", is_flag=True, help="One PDF per article: articles/ARTICLE.pdf, "
              "a page for each page the article is printed on.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Processes for building an issue folder (default: one per core).")
def export(source, out_dir, mets, articles, jobs):
    """Export an issue for readers and libraries: one PDF per article and a METS/ALTO
    package (without --mets or --articles: both).

    SOURCE is an issue folder (built first, in a temporary folder; nothing is written into
    it) or an archived record: ARCHIVE/records/ID/vN, or ARCHIVE/records/ID for its latest
    version.  Every file is complete before any is put in place.  Prints the paths written.
    """
    from . import exchange

    if exchange.source_kind(source) is None:
        raise click.UsageError(f"'{source}' is neither an issue folder (no issue.yaml) nor an "
                               f"archived record (no MANIFEST.sha256)")
    if not mets and not articles:
        mets = articles = True
    warnings: list[str] = []
    try:
        paths = exchange.export(source, out_dir, mets=mets, articles=articles, jobs=jobs,
                                warnings=warnings)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    for p in paths:
        click.echo(str(p))


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


HOST_HELP = ("Address to listen on (default 127.0.0.1, this machine only).  Requests are "
             "answered only when they name 127.0.0.1, localhost, [::1] or this address.")


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PDFs and proofs (default: ISSUE_DIR/out).")
@click.option("--serve", "port", type=click.IntRange(0, 65535), default=None,
              help="Also show live proofs in the browser at http://127.0.0.1:PORT/.")
@click.option("--host", default="127.0.0.1", show_default=True, help=HOST_HELP)
@click.option("--json", "as_json", is_flag=True, help="One JSON line per rebuild.")
def watch(issue_dir, out_dir, port, host, as_json):
    """Rebuild ISSUE_DIR whenever a manifest, article, picture or layout file changes, and
    print the fit report after each rebuild.  A build that fails (overset, bad input) never
    replaces the last good PDFs; its proofs still show where the problem is.  Ctrl-C stops."""
    from .live import Watcher, serve

    try:
        if port is not None:
            serve(issue_dir, port, host, on_rebuild=lambda r: _echo_rebuild(r, as_json),
                  out_dir=out_dir, on_ready=lambda url: click.echo(f"live proofs: {url}"))
        else:
            Watcher(issue_dir, out_dir).run(on_rebuild=lambda r: _echo_rebuild(r, as_json))
    except KeyboardInterrupt:
        pass
    except Exception as e:  # noqa: BLE001 - a port in use: one line, exit 74
        _fail(e)


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help=HOST_HELP)
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path))
def serve(issue_dir, port, host, out_dir):
    """Show every page of ISSUE_DIR as a proof with the grid overlay and the fit report, in
    the browser at http://127.0.0.1:PORT/, refreshed by itself after each rebuild."""
    from .live import serve as run

    try:
        run(issue_dir, port, host, on_rebuild=_echo_rebuild, out_dir=out_dir,
            on_ready=lambda url: click.echo(f"live proofs: {url}  (Ctrl-C stops)"))
    except KeyboardInterrupt:
        pass
    except Exception as e:  # noqa: BLE001 - a port in use: one line, exit 74
        _fail(e)
