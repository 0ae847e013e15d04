"""The command line: ``typeset build``, ``typeset check``.  No layout logic lives here."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import click

from .errors import EXIT_INTERNAL, TypesetError


def _fail(e: Exception) -> None:
    if isinstance(e, TypesetError):
        click.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
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


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PDFs (default: ISSUE_DIR/out).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the paths of the PDFs and errors.")
def build(issue_dir, out_dir, quiet):
    """Build ISSUE_DIR: one PDF per page and one PDF of the whole issue.

    Nothing is written if any slot is overset (its text does not fit) or a character
    has no glyph in its font; the error names the file, line and slot.
    """
    from .build import build_issue

    try:
        report = build_issue(issue_dir, out_dir)
    except Exception as e:  # noqa: BLE001 - every error is reported, never a bare traceback
        _fail(e)
    _print_report(report, quiet)
    for p in report.outputs:
        click.echo(str(p))


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
    if report.overset:
        if not as_json:
            click.echo(f"error: {overset_error(report)}", err=True)
        sys.exit(overset_error(report).exit_code)


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
