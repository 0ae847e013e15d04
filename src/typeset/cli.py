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
