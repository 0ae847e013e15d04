"""The command line: ``paiban build``, ``check``, ``preflight``, ``proof``, the archive,
``init`` and ``schema``.  No layout logic lives here.

The program is installed as ``paiban`` (排版) and as ``typeset``; ``typeset`` is also a builtin
of bash and zsh, which wins over a program, so the README and every message name ``paiban``.
Every command takes ``-v/--verbose``, ``-q/--quiet`` and, where it reads a project,
``--project DIR``; a flag name means one thing in every command (``-o/--out`` the folder
written, ``--archive`` the archive folder, ``--from``/``--to`` dates).
"""

from __future__ import annotations

from . import startcache

# before anything else is imported: the dataclasses and regular expressions every module
# makes at import are taken from the disk (startcache.py, issue #22)
startcache.install()

import functools  # noqa: E402
import json
import os
import sys
import traceback
import unicodedata
from pathlib import Path

import click

from . import helpformat, i18n
from .errors import EXIT_ARCHIVE, EXIT_INTERNAL, EXIT_IO, TypesetError
from .i18n import _

i18n.for_click()        # click's own words ("Usage:", "Options:", its errors): our catalogue


class _Translated:
    """A command whose help, its docstring, is shown in the editor's language (i18n), laid
    out for Chinese text when it is Chinese (helpformat)."""

    context_class = helpformat.Context if i18n.translated() else click.Context

    def __init__(self, *args, help=None, short_help=None, **kw):
        help = i18n.help_text(help)
        super().__init__(*args, help=help, short_help=short_help or i18n.short_help(help),
                         **kw)


class _Command(_Translated, click.Command):
    pass


class _Group(_Translated, click.Group):
    command_class = _Command

    def __call__(self, *args, **kw):
        # the program run from a shell (``paiban …``; CliRunner calls .main, not this)
        _PROGRAM[0] = True
        try:
            return super().__call__(*args, **kw)
        except SystemExit as e:
            _leave(e.code)
            raise


_PROGRAM = [False]      # the program run from a shell: the process ends with the command


def _few_collections_to_the_end() -> None:
    """In a command run as the program (not under CliRunner) whose process ends with it:
    the garbage collector's thresholds raised as build._few_collections raises them for a
    build (the same figures), from the imports of the pipeline on, and never set back.  The
    build set them back as it returned, and the first allocation after that collected every
    object made since the last collection, about 100,000, 10–14 ms of CPU just before the
    process ended (issue #22, the cold start); most collections during the pipeline's
    imports go too (43 collections in the build process → 32).
    A build's workers still collect after each item (parallel._worker)."""
    if _PROGRAM[0]:
        import gc

        gc.set_threshold(100_000, 50, 100)


def _leave(code) -> None:
    """End the process at once with ``code`` once the command is done: its output flushed
    and the exit handlers run (temporary folders, weakref finalizers), but without the
    interpreter's teardown — freeing every module and object one by one, a last garbage
    collection — which took about a fifth of the CPU of a one-page build (issue #22; the
    technique Instagram described in "Dismissing Python Garbage Collection at Instagram").
    Returns (and the normal exit follows) when another thread still runs (`serve`, a Dask
    client): a normal exit waits for it; or when the output cannot be flushed (a closed
    pipe), which the normal exit reports."""
    import atexit
    import threading

    if threading.active_count() > 1:
        return
    if code is None:
        code = 0
    elif not isinstance(code, int):
        try:
            print(code, file=sys.stderr)
        except (OSError, ValueError):
            return
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


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
                             hint=_("check the folder, its rights and the free space"))]
    return EXIT_INTERNAL, [rec(message=_("internal error ({error}): a bug in typeset; please "
                                         "report it").format(error=f"{type(e).__name__}: {e}"),
                               code=EXIT_INTERNAL)]


def _fail(e: Exception, as_json: bool = False) -> None:
    """Report an error and exit with its code; with ``as_json`` also print a JSON document
    (``ok``, ``exit_code``, ``errors``) on standard output, so that a script always gets one."""
    code, records = _error_records(e)
    if as_json:
        click.echo(json.dumps(dict(ok=False, exit_code=code, errors=records, slots=[],
                                   warnings=[], normalised=[]), ensure_ascii=False, indent=1))
    if isinstance(e, TypesetError):
        click.echo(_("error: {message}").format(message=e), err=True)
        sys.exit(e.exit_code)
    if isinstance(e, OSError) and e.filename:
        # the file system said no (an output folder that is a file or not writable, a full
        # disk): not a bug, and nothing was half written (outputs are renamed into place)
        click.echo(_("error: {message}").format(message=_("{message} ({hint})").format(
            message=f"{e.filename}: {e.strerror or e}",
            hint=_("check the folder, its rights and the free space"))), err=True)
        sys.exit(EXIT_IO)
    traceback.print_exc()
    click.echo(_("internal error: this is a bug in typeset; please report it with the "
                 "traceback above and the issue folder."), err=True)
    sys.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="typeset")
def main():
    """Lay out a newspaper issue and write print-ready PDF pages.

    An issue is a folder with an issue.yaml manifest and one text file per article, in a
    project folder with layout/ (the paper, its templates, fonts.yaml).  `paiban init DIR`
    makes a project; `paiban check ISSUE_DIR` tells whether everything fits, then
    `paiban build ISSUE_DIR` writes the PDFs.

    The project folder is, in this order: --project DIR, $TYPESET_PROJECT, the issue folder
    or the nearest folder above it with layout/fonts.yaml, the current folder or the nearest
    above it, the checkout typeset runs from.
    """


VERBOSITY = "typeset.verbosity"       # ctx.meta key: -1 quiet, 0 normal, 1+ verbose


def common(project: bool = True):
    """The options every command has: -v/--verbose, -q/--quiet and, for a command that reads
    a project, --project DIR (put into $TYPESET_PROJECT for this process and its workers, so
    that every stage that looks for the project finds this one).  A command that declares
    ``quiet`` or ``verbose`` parameters gets them; the level is also in ``ctx.meta``."""
    def deco(f):
        # the names of its parameters (inspect.signature took about 50 µs a command, 14
        # commands at every start: issue #22)
        inner = f
        while hasattr(inner, "__wrapped__"):
            inner = inner.__wrapped__
        code = inner.__code__
        wants = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]

        @functools.wraps(f)
        def run(*args, verbose=0, quiet=False, project_dir=None, **kw):
            if verbose and quiet:
                raise click.UsageError(_("give -v/--verbose or -q/--quiet, not both"))
            click.get_current_context().meta[VERBOSITY] = -1 if quiet else verbose
            if project_dir is not None:
                from .load import PROJECT_ENV, is_project

                if not is_project(project_dir):
                    raise click.BadParameter(_("'{path}' does not hold layout/fonts.yaml "
                                               "(a project folder has layout/ with the paper, "
                                               "its templates and fonts.yaml)").format(
                                                   path=project_dir), param_hint="--project")
                os.environ[PROJECT_ENV] = str(project_dir.resolve())
            if "quiet" in wants:
                kw["quiet"] = quiet
            if "verbose" in wants:
                kw["verbose"] = verbose
            return f(*args, **kw)

        if project:
            run = click.option("--project", "project_dir", metavar="DIR",
                               type=click.Path(exists=True, file_okay=False, path_type=Path),
                               help=_("The project folder (with layout/), instead of "
                                    "$TYPESET_PROJECT or the search from the issue "
                                    "folder."))(run)
        run = click.option("-q", "--quiet", is_flag=True,
                           help=_("Print only results (paths, failures) and errors."))(run)
        run = click.option("-v", "--verbose", count=True,
                           help=_("Print more: the project folder used and why, timings."))(run)
        return run
    return deco


def _level() -> int:
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(VERBOSITY, 0) if ctx is not None else 0


def _tell_project(issue_dir: Path) -> None:
    """With -v: the project folder an issue folder is laid out with, and how it was found."""
    if _level() < 1:
        return
    from .load import locate_project

    try:
        root, how = locate_project(issue_dir)
    except Exception:  # noqa: BLE001 - the command itself reports it
        return
    click.echo(_("project: {root} (from {how})").format(root=root, how=how), err=True)


def _tell_timings(timings: dict) -> None:
    if _level() >= 1 and timings:
        click.echo(_("timings: {list}").format(
            list=", ".join(f"{k} {v:.2f} s" for k, v in timings.items())), err=True)


def _deprecated(new: str, old: str, command: str):
    """A callback for an old spelling kept for one release: it warns and stands for ``new``."""
    def cb(ctx, param, value):
        if value is not None:
            click.echo(_("warning: '{command} {old}' is deprecated; use {new} (the old "
                         "spelling goes in the next release)").format(
                command=command, old=old, new=new), err=True)
        return value
    return cb



def _print_report(report, quiet=False):
    if not quiet:
        ctx = click.get_current_context(silent=True)
        _print_changes(report.changes, ctx.meta.get(VERBOSITY, 0) if ctx else 0)
    for n in report.notices:
        click.echo(_("notice: {message}").format(message=n), err=True) if not quiet else None
    for w in report.warnings:
        click.echo(_("warning: {message}").format(message=w), err=True)


def _print_changes(changes, verbose: int = 0) -> None:
    """What the normaliser changed in the copy: with -v every change (file:line:column), else
    one line per file, the same repair counted once with where it first occurs — an article
    typed with half-width punctuation has dozens, and the editor wants to know which kinds
    (`check --json` lists them all)."""
    if verbose > 0:
        for ch in changes:
            item = _("{file}:{line}:{col}: '{old}' → '{new}'").format(
                file=ch.file, line=ch.line, col=ch.col, old=ch.old, new=ch.new)
            if ch.why:   # the rule's reason, kept in English in the change (N_): shown here
                item = _("{change} ({why})").format(change=item, why=_(ch.why))
            click.echo(_("normalised {change}").format(change=item), err=True)
        return
    files: dict = {}
    for ch in changes:
        files.setdefault(ch.file, {}).setdefault((ch.old, ch.new, ch.why), []).append(ch)
    for name, kinds in files.items():
        items = []
        for (old, new, why), chs in kinds.items():
            where = f"{chs[0].line}:{chs[0].col}"
            item = (_("'{old}' → '{new}' at {where}") if len(chs) == 1 else
                    _("'{old}' → '{new}' ×{count}, first at {where}")).format(
                old=old, new=new, where=where, count=len(chs))
            items.append(_("{change} ({why})").format(change=item, why=_(why)) if why else item)
        click.echo(_("normalised {file}: {changes}").format(
            file=name, changes=_("; ").join(items)), err=True)
    if any(len(v) > 1 for k in files.values() for v in k.values()):
        click.echo(_("(-v lists every change)"), err=True)


def _pdfx_option(ctx, param, value):
    """``--pdfx`` spelling → the level's name, from the one table of levels (model.PDFX);
    imported here, not at start-up, to keep `typeset --help` quick."""
    if value is None:
        return None
    from .model import PDFX, pdfx_level

    lv = pdfx_level(value.lower(), by="spelling")
    if lv is None:
        raise click.BadParameter(_("{value} is not one of {names}").format(
            value=repr(value), names=", ".join(sp for lv in PDFX for sp in lv.spellings)))
    return lv.name


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("Folder for the PDFs (default: ISSUE_DIR/out)."))
@click.option("--pdfx", metavar="LEVEL", callback=_pdfx_option,
              help=_("PDF/X level, instead of the paper's (print: pdfx:): x-4 or x-1a "
                   "(PDF/X-1a:2001)."))
@click.option("--proof", is_flag=True, help=_("Also write PNG proofs (one per page and a "
              "contact sheet) into OUT/proofs/."))
@click.option("--grid", is_flag=True, help=_("With --proof: also a proof per page with the "
              "columns, grid lines and slots drawn over it (implies --proof)."))
@click.option("--dpi", type=click.FloatRange(20, 600), default=100, show_default=True,
              help=_("Resolution of the proofs."))
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help=_("Processes composing and drawing pages at once (default: one per core). "
                   "The PDFs are the same whatever the number."))
@click.option("--proofs-only", is_flag=True, help=_("Write the PNG proofs only, no PDF (as "
              "`paiban proof`): also while copy is still coming in (待稿 placeholders) or a "
              "slot is overset."))
@common()
def build(issue_dir, out_dir, quiet, pdfx, proof, grid, dpi, jobs, proofs_only):
    """Build ISSUE_DIR: one PDF per page and one PDF of the whole issue.

    Nothing is written if any slot is overset (its text does not fit), any text would be
    drawn outside its box (running head, footer unit …), an article is still a placeholder
    (待稿: its file is missing or empty; exit code 3, naming them) or a character has no
    glyph in its font; the error names the file, line and slot or the element.  Every PDF is
    made PDF/X (the paper's level, with its OutputIntent) and preflighted before it is
    written: if the preflight fails nothing is written and the exit code is 5.
    """
    _few_collections_to_the_end()
    from .build import build_issue

    if proofs_only:
        _proofs_only(issue_dir, out_dir, grid, dpi)
        return
    _tell_project(issue_dir)

    def progress(done, total, what):
        # a progress line for long issues, on a terminal only (scripts read the paths)
        if total >= 4 and not quiet and sys.stderr.isatty():
            click.echo("\r" + _("rendering {what} ({done}/{total})").format(
                what=what, done=done, total=total), err=True,
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
            click.echo(_("cleaned: {note}").format(note=n), err=True)
        for r in report.preflight:
            click.echo(_("preflight: {report}").format(report=r.text()), err=True)
    _tell_timings(report.timings)
    for p in report.outputs + report.proofs:
        click.echo(str(p))


def _proofs_only(issue_dir, out_dir, grid, dpi):
    """`proof` and `build --proofs-only`: proofs of every page, placeholders shown; exit 4
    if a slot is overset, after writing them."""
    from .build import overset_error, proof_issue

    _tell_project(issue_dir)
    try:
        report = proof_issue(issue_dir, out_dir, grid=grid, dpi=dpi)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    _print_report(report, quiet=True)
    for p in report.proofs:
        click.echo(str(p))
    if report.unfit:
        click.echo(_("error: {message}").format(message=overset_error(report)), err=True)
        sys.exit(overset_error(report).exit_code)


@main.command()
@click.argument("pdfs", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--issue", "issue_dir", type=click.Path(exists=True, file_okay=False,
              path_type=Path), help=_("The issue the PDFs were built from: checks the page "
              "size, bleed, PDF/X level, output condition and ink limit of its paper and "
              "reads every article back against the manifest."))
@click.option("--pdfx", metavar="LEVEL", callback=_pdfx_option,
              help=_("With --issue: the PDF/X level expected, if not the paper's (as given to "
                   "build --pdfx)."))
@click.option("--profile", "profile_spec", metavar="NAME|FILE",
              help=_("The preflight profile: house, newspaper, coldset or a profile file "
                   "(default: the paper's with --issue, else house)."))
@click.option("--json", "as_json", is_flag=True,
              help=_("Print the report as JSON (schemas/preflight-report.schema.json)."))
@click.option("--proof-dir", "proof_dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("Also write a PNG of every page with findings, each outlined and "
                   "numbered, into this folder."))
@click.option("--timeout", type=click.FloatRange(1, 3600), default=120, show_default=True,
              metavar="SECONDS", help=_("Time allowed to check one file; a file that needs "
              "more is refused."))
@click.option("--max-memory", "memory", type=click.IntRange(64, 1 << 20), default=1536,
              show_default=True, metavar="MB", help=_("Memory allowed to check one file; a "
              "file that needs more is refused."))
@common()
def preflight(pdfs, issue_dir, pdfx, profile_spec, as_json, proof_dir, timeout, memory, quiet):
    """Check PDF files as a printing plant would and print a report.

    What is checked, and how strictly, is a profile: house (typeset's own rules: text
    and rules on K only), newspaper (modelled on GWG 2015 newspaper ads: hairlines, text
    size, image resolution, total ink at most 245%, over 15 mm, from the separations,
    overprint, spot colours …) or coldset (ISO 12647-3, total ink at most 220%).  Every finding names the page, the
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

            _tell_project(issue_dir)
            issue = load_issue(issue_dir)
            if issue.normalise:
                issue = normalise_issue(issue)[0]
        if profile is None:
            from .profile import load_profile, paper_profile

            # the paper's own profile with --issue (print: preflight_profile:), else house
            profile = load_profile("house") if issue is None else paper_profile(issue)
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
                    click.echo(_("proof: {path}").format(path=proof_dir / fname), err=True)
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
        click.echo(_("note: without --issue the page size, the paper's bleed and the text are "
                     "not checked (profile {profile})").format(profile=profile.name), err=True)
    if bad:
        click.echo(_("error: {bad} of {files} file(s) failed preflight").format(
            bad=len(bad), files=len(results)), err=True)
        sys.exit(EXIT_PREFLIGHT)


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("The proofs go into OUT/proofs/ (default: ISSUE_DIR/out)."))
@click.option("--grid", is_flag=True, help=_("Also a proof per page with the columns, the grid "
              "lines and every slot drawn over it: green fits, red overset, orange underset."))
@click.option("--dpi", type=click.FloatRange(20, 600), default=100, show_default=True,
              help=_("Resolution of the proofs."))
@common()
def proof(issue_dir, out_dir, grid, dpi):
    """Write PNG proofs of ISSUE_DIR: one per page and a contact sheet of the issue.

    Works even when slots are overset (no PDF is written); with --grid the overset slots
    are marked in red.  Articles still coming in (待稿) are grey placeholders.  Exit code 4
    if any slot is overset or any text runs outside its box, after writing the proofs.
    """
    _proofs_only(issue_dir, out_dir, grid, dpi)


@main.command()
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=_("Print the fit report as JSON, also when "
              "the input is bad: ok, exit_code, errors (file, line, column, slot, message), "
              "slots, warnings."))
@common()
def check(issue_dir, as_json, quiet):
    """Lay out ISSUE_DIR without writing PDFs and print the fit report per slot.

    Exit code 4 if any slot is overset or any text would be drawn outside its box (a running
    head wider than the type area, a co-organizer wider than its cell), 3 for bad input (a
    character no font has, anywhere on the page), 0 when everything fits.
    """
    from .build import check_issue, overset_error

    if not issue_dir.is_dir():
        # checked here rather than by click, so that --json still gets its JSON document
        msg = (_("'{path}' is not a folder") if issue_dir.exists() else
               _("'{path}' does not exist")).format(path=issue_dir)
        if as_json:
            click.echo(json.dumps(dict(ok=False, exit_code=2, errors=[dict(
                file=str(issue_dir), line=None, column=None, slot=None, message=msg,
                hint=_("give the issue folder"), exit_code=2)], slots=[], warnings=[],
                normalised=[]), ensure_ascii=False, indent=1))
            sys.exit(2)
        raise click.BadParameter(msg, param_hint="ISSUE_DIR")
    _tell_project(issue_dir)
    try:
        report = check_issue(issue_dir)
    except Exception as e:  # noqa: BLE001
        _fail(e, as_json)
    _tell_timings(report.timings)
    # overset slots, and text the page stage would draw outside its box: exit 4
    over = overset_error(report) if report.unfit else None
    if as_json:
        errors = [s.as_error() for s in report.overset] + \
            [r for p in report.problems for r in _error_records(p)[1]]
        click.echo(json.dumps({"ok": over is None, "exit_code": over.exit_code if over else 0,
                               "errors": errors,
                               "slots": [s.as_dict() for s in report.slots],
                               "blocks": report.blocks, "feet": report.feet,
                               "warnings": report.warnings,
                               "notices": report.notices,
                               "normalised": [str(c) for c in report.changes]},
                              ensure_ascii=False, indent=1))
    else:
        _print_report(report, quiet)
        if not quiet:
            click.echo(_("lines: available and used in the slot's columns; over: lines "
                         "(characters) that do not fit; short: empty grid lines at the foot; "
                         "even: lines letter-spaced more than 1/20 em a gap (listed below)"))
        # the column headings (one word each; the legend above says what they count)
        cols = [(_("page"), 4, ">"), (_("slot"), 12, "<"), (_("avail"), 5, ">"),
                (_("used"), 5, ">"), (_("over"), 11, ">"), (_("short"), 5, ">"),
                (_("even"), 4, ">")]
        shown = [s for s in report.slots if s.hint or not quiet]  # -q: only slots to act on
        if shown:
            click.echo(" ".join(_pad(h, w, a) for h, w, a in cols) + "  " + _("hint"))
        for s in shown:
            over_ = f"{s.overset_lines} ({s.overset_chars})" if s.overset_lines else "0"
            row = (s.page, s.slot, s.lines_available, s.lines_used, over_, s.underset_lines,
                   s.even_spaced_lines)
            click.echo(" ".join(_pad(str(v), w, a) for v, (_h, w, a) in zip(row, cols))
                       + f"  {s.hint}")
        spaced = [(s, x) for s in report.slots for x in s.spaced_lines]
        if spaced:
            click.echo(_("letter-spaced lines (grid line counted from 0, as 'top:'):"))
        for s, x in spaced:
            how = _("Latin run spaced out") if x["latin"] else \
                _("+{spacing} em a gap").format(spacing=f"{x['spacing']:.2f}")
            click.echo("  " + _("page {page}, slot '{slot}', column {column}, line {line}: "
                                "{how}  {text}").format(page=s.page, slot=s.slot,
                                                        column=x["column"], line=x["line"],
                                                        how=how, text=x["text"]))
        if not quiet:
            _print_geometry(report)
    if over is not None:
        click.echo(_("error: {message}").format(message=over), err=True)
        sys.exit(over.exit_code)


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--page", "pages", type=click.IntRange(1, 9999), multiple=True,
              help=_("Make up this page (again), even if its slots are placed; repeat for more. "
                   "Default: every page with a slot that has no column and span."))
@click.option("-n", "--alternatives", type=click.IntRange(1, 20), default=1,
              show_default=True, help=_("How many proposals per page, best first."))
@click.option("--pick", type=click.IntRange(1, 20), default=1, show_default=True,
              help=_("The proposal --write or --save-as takes."))
@click.option("--write", is_flag=True, help=_("Write the picked proposal into ISSUE_DIR/"
              "issue.yaml (the slots of the pages made up; everything else as it was)."))
@click.option("--save-as", "to_file", type=click.Path(dir_okay=False, path_type=Path),
              help=_("Write the manifest with the picked proposal to this file instead."))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("Proofs and the proposals' manifests go into OUT/makeup/ (default: "
                   "ISSUE_DIR/out)."))
@click.option("--no-proofs", is_flag=True, help=_("Do not draw the proposals' PNG proofs."))
@click.option("--plan", is_flag=True, help=_("First share the manifest's `stories:` out over "
              "the pages that are not `fixed: true` (most important first, page 1 first; a "
              "story too long for any page is continued on a later one with jump lines), "
              "then make every page up."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the proposals as JSON."))
@common()
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
    from .build import file_stem
    from .makeup import make_up_issue, manifest_text, proof_pngs, proposal_slots
    from .outdir import write_files

    try:
        res = make_up_issue(issue_dir, list(pages) or None, alternatives, plan=plan)
        out = (out_dir or Path(issue_dir) / "out") / "makeup"
        files = []
        issue = res.issue
        stem = file_stem(issue)
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
        write_files(files)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    failed = [r for r in res.pages if r.error]
    for note in res.notes:
        click.echo(_("plan: {note}").format(note=note), err=True)
    if as_json:
        click.echo(json.dumps({"pages": [dict(
            page=r.number, seconds=round(r.seconds, 3), error=r.error or None,
            proposals=[dict(rank=k + 1, score=round(p.score, 2), terms=p.terms,
                            tiers=p.tiers, notes=list(p.notes),
                            blocks=[b.__dict__ for b in p.blocks])
                       for k, p in enumerate(r.proposals)]) for r in res.pages],
            "files": [str(p) for p, _ in files]}, ensure_ascii=False, indent=1))
    else:
        for r in res.pages:
            if r.error:
                click.echo(_("error: {message}").format(message=r.error), err=True)
                continue
            kinds = {"article": _("article"), "banner": _("banner"), "picture": _("picture"),
                     "reserve": _("reserve")}
            for k, p in enumerate(r.proposals, 1):
                click.echo(_("page {page}, proposal {k}: {score}").format(
                    page=r.number, k=k, score=p.describe()))
                for b in p.blocks:
                    band = _(", headline {style} in {lines} lines").format(
                        style=b.style, lines=b.band) if b.band else ""
                    click.echo(f"  {b.id:<14} {_pad(kinds.get(b.kind, b.kind), 8, '<')} "
                               + _("columns {first}–{last}, lines {top}–{bottom}").format(
                                   first=b.column, last=b.column + b.span - 1, top=b.top,
                                   bottom=b.top + b.lines - 1) + band)
        for p, _data in files:
            click.echo(str(p))
        if failed and target is not None and best:
            # the plan and the pages that could be made up are written; say so, with the way on
            click.echo(_("{file} written: page(s) {failed} not made up — their stories are on "
                         "them, not yet placed; when the copy fits (see above), `paiban makeup "
                         "ISSUE_DIR --page N --write` places them").format(
                             file=target, failed=", ".join(str(r.number) for r in failed)),
                       err=True)
    if failed:
        sys.exit(4)


def _pad(text: str, width: int, align: str) -> str:
    """``text`` padded to ``width`` terminal cells (a Chinese character takes two), so that
    the fit report's columns line up in either language."""
    cells = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    fill = " " * max(0, width - cells)
    return fill + text if align == ">" else text + fill


def _print_geometry(report) -> None:
    """The blocks on the grid and the empty feet with their levers (``check``)."""
    click.echo(_("blocks on the grid (grid lines of the page, the first is 0): columns, "
                 "first–last line, headline band (first line, lines, least–most)"))
    kinds = {"article": _("article"), "banner": _("banner"), "picture": _("picture"),
             "graphic": _("graphic"), "reserve": _("reserve")}
    levers = {"headline band": _("headline band"), "headline lines": _("headline lines"),
              "picture height": _("picture height"), "span": _("span"), "copy": _("copy")}
    for b in report.blocks:
        head = ""
        if b["kind"] == "article":
            head = "  " + _("headline {style} lines {first}–{last} ({lines} lines, "
                            "{least}–{most})").format(
                style=b["headline"], first=b["head_top"],
                last=b["head_top"] + b["head_lines"] - 1, lines=b["head_lines"],
                least=b["head_min"], most=b["head_max"])
            if b.get("placeholder"):
                head += "  " + _("待稿 (placeholder)")
        what = _pad(kinds.get(b["kind"], b["kind"]), 8, "<")
        click.echo(f"{b['page']:>4} {b['slot']:<12} {what} "
                   + _("columns {first}–{last}  lines {top}–{bottom}").format(
                       first=b["columns"][0], last=b["columns"][1], top=b["top"],
                       bottom=b["bottom"]) + head)
    for f in report.feet:
        click.echo(_("page {page}, columns {first}–{last}: lines {top}–{bottom} ({lines}) are "
                     "empty; to fill them:").format(
            page=f["page"], first=f["columns"][0], last=f["columns"][1],
            top=f["first_line"], bottom=f["last_line"], lines=f["lines"]))
        for lv in f["levers"]:
            click.echo("  " + _("{lever}: {text} (fills {fills} of {lines})").format(
                lever=levers.get(lv["lever"], lv["lever"]), text=lv["text"],
                fills=lv["fills"], lines=f["lines"]))


# --- the archive ---------------------------------------------------------------------------

def _default_archive() -> Path:
    import os

    return Path(os.environ.get("TYPESET_ARCHIVE", "archive"))


HOST_HELP = (_("Address to listen on (default 127.0.0.1, this machine only).  Requests are "
             "answered only when they name 127.0.0.1, localhost, [::1] or this address."))


def _bulk_options(f):
    f = click.option("--log", "log", type=click.Path(dir_okay=False, path_type=Path),
                     help=_("Resumable log (JSON lines): a run with the same log skips what "
                          "is done."))(f)
    f = click.option("--workers", type=click.IntRange(1, 1024), default=None,
                     help=_("Worker processes of the local cluster (default: one per core)."))(f)
    f = click.option("--scheduler", metavar="ADDRESS",
                     help=_("A Dask scheduler (tcp://HOST:8786) whose workers see the archive "
                          "at the same path; default: a local cluster."))(f)
    return f


def _bulk_progress(what):
    def progress(done, total, r):
        state = _("error") if r.get("error") else what(r)
        again = _(" (retried: its worker was lost)") if r.get("retried") else ""
        click.echo(f"[{done}/{total}] {r['item']}: {state}{again}", err=True)
    return progress


CATALOG_HELP = (_("The catalog: postgresql://USER@HOST/DB for a PostgreSQL database the "
                "newsroom shares, or sqlite for ARCHIVE/catalog.sqlite (default: what "
                "ARCHIVE/archive.yaml names, else sqlite)."))


@main.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1, required=True)
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("The archive folder (default: $TYPESET_ARCHIVE or ./archive)."))
@click.option("--to", "archive_to", type=click.Path(file_okay=False, path_type=Path),
              hidden=True, callback=_deprecated("--archive ARCHIVE_DIR", "--to", "archive"))
@click.option("--replace", is_flag=True,
              help=_("Store a new version of an issue already archived; the old one is kept "
                   "as superseded."))
@click.option("--repair", is_flag=True,
              help=_("With verify: bring the catalog in line with the records (it is rebuilt "
                   "from them; no record is ever changed or removed)."))
@click.option("--catalog", metavar="URL", help=CATALOG_HELP)
@_bulk_options
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8766, show_default=True,
              help=_("With serve: the port to listen on."))
@click.option("--host", default="127.0.0.1", show_default=True,
              help=_("With serve: ") + HOST_HELP)
@common()
def archive(args, archive_dir, archive_to, replace, repair, catalog, scheduler, workers, log,
            port, host, quiet):
    """Store an issue in the archive, or check the archive.

    \b
    paiban archive ISSUE_DIR --archive ARCHIVE_DIR [--replace]
    paiban archive verify [ARCHIVE_DIR] [--repair]
    paiban archive ingest DIR... --archive ARCHIVE_DIR [--scheduler ADDRESS] [--log FILE]
    paiban archive serve ARCHIVE_DIR [-p PORT]

    A record holds the manifest and the files it names (articles, pictures), the layout
    files, the fonts (stored once per archive), the PDFs, proofs, a text export of every
    article and a SHA-256 of every file; it is read-only once written. `verify` re-hashes
    everything, compares the catalog with the records and names any file that changed or is
    missing (exit code 6); it never deletes a record, and repairs the catalog only with
    --repair.  `ingest` archives many issues (each DIR an issue folder or a folder of issue
    folders) as a bulk run on Dask distributed.  `serve` shows the archive in the browser.
    """
    from . import archive as arc

    archive_dir = archive_dir or archive_to
    try:
        if args[0] == "serve":
            if len(args) > 2:
                raise click.UsageError(_("give at most one archive folder after 'serve'"))
            from .browse import serve

            where = Path(args[1]) if len(args) > 1 else (archive_dir or _default_archive())
            try:
                serve(where, port, host, catalog=catalog,
                      on_ready=lambda url: click.echo(_("archive: {url}  (Ctrl-C stops)")
                                                      .format(url=url)))
            except KeyboardInterrupt:
                pass
            return
        if args[0] == "ingest":
            if len(args) < 2:
                raise click.UsageError(_("give the issue folders to ingest after 'ingest'"))
            from . import bulk

            to = archive_dir or _default_archive()
            folders = [str(p) for p in arc.issue_folders([Path(a) for a in args[1:]])]
            from .catalog import is_postgres, resolve_spec

            if is_postgres(resolve_spec(to, catalog)):
                arc.open_catalog(to, catalog, write=True).close()    # reachable, schema made
            click.echo(_("ingesting {n} issue(s) into {to} on {where}…").format(
                n=len(folders), to=to, where=scheduler or _("a local Dask cluster")), err=True)
            results = bulk.run("ingest", folders, args=(str(to), replace, catalog),
                               scheduler=scheduler, workers=workers, log=log,
                               progress=_bulk_progress(lambda r: _("{id} version {version}")
                                                       .format(id=r["id"],
                                                               version=r["version"])))
            bad = [r for r in results if r.get("error")]
            for r in results:
                if r.get("error"):
                    click.echo(_("{item}: error: {message}").format(
                        item=r["item"], message=r["error"]), err=True)
                else:
                    note = _(" (done in an earlier run: skipped)") if r.get("skipped") else ""
                    click.echo(_("archived {id} version {version}: {path}").format(
                        id=r["id"], version=r["version"], path=r["path"]) + note)
            click.echo(_("{good} of {n} issue(s) archived").format(
                good=len(results) - len(bad), n=len(results)), err=True)
            if bad:
                sys.exit(max(r.get("exit_code", 6) for r in bad))
            return
        if scheduler or workers or log:
            raise click.UsageError(_("--scheduler, --workers and --log go with 'ingest'"))
        if args[0] == "verify":
            if len(args) > 2:
                raise click.UsageError(_("give at most one archive folder after 'verify'"))
            where = Path(args[1]) if len(args) > 1 else (archive_dir or _default_archive())
            res = arc.verify(where, repair=repair, catalog=catalog)
            for n in res.notes if not quiet else ():
                click.echo(_("cleaned: {note}").format(note=n), err=True)
            for n in res.repaired:
                click.echo(_("repaired: {note}").format(note=n), err=True)
            for p in res.problems:
                click.echo(p, err=True)
            ro = _(" (read-only archive: checked as it is)") if res.read_only else ""
            verdict = _("OK") if not res.problems else _("{n} problem(s)").format(
                n=len(res.problems))
            click.echo(_("{records} record(s), {files} file(s) checked: {verdict}").format(
                records=res.records, files=res.files, verdict=verdict) + ro)
            if res.problems:
                sys.exit(EXIT_ARCHIVE)
            return
        if repair:
            raise click.UsageError(_("--repair goes with 'verify'"))
        if len(args) != 1:
            raise click.UsageError(_("give one issue folder (or 'verify')"))
        issue_dir = Path(args[0])
        if not issue_dir.is_dir():
            raise click.UsageError(_("'{path}' is not a folder").format(path=issue_dir))
        _tell_project(issue_dir)
        out = arc.archive_issue(issue_dir, archive_dir or _default_archive(), replace=replace,
                                catalog=catalog)
    except click.UsageError:
        raise
    except Exception as e:  # noqa: BLE001
        _fail(e)
    for note in out["notes"] if not quiet else ():
        click.echo((_("note: {note}") if note.startswith("not archived") else
                    _("cleaned: {note}")).format(note=note), err=True)
    click.echo(_("archived {id} version {version} ({articles} articles): {path}").format(
        id=out["id"], version=out["version"], articles=out["articles"], path=out["path"]))


@main.command()
@click.argument("phrase")
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("The archive folder (default: $TYPESET_ARCHIVE or ./archive)."))
@click.option("--from", "date_from", help=_("Earliest issue date, YYYY-MM-DD."))
@click.option("--to", "date_to", help=_("Latest issue date, YYYY-MM-DD."))
@click.option("--paper", help=_("Paper key or name, e.g. sichuan-kejibao or 四川科技报."))
@click.option("--page", type=click.IntRange(1, 9999), help=_("Page number."))
@click.option("--section", help=_("Section, e.g. 地方动态."))
@click.option("--byline", help=_("Text in the byline, e.g. 科协."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the results as JSON."))
@click.option("--catalog", metavar="URL", help=CATALOG_HELP)
@common(project=False)
def search(phrase, archive_dir, date_from, date_to, paper, page, section, byline, as_json,
           catalog, quiet):
    """Find archived articles containing PHRASE (any Chinese substring, taken literally).
    Each hit names the page it is printed on and that page's PDF."""
    import json

    from . import archive as arc

    try:
        hits = arc.search(archive_dir or _default_archive(), phrase, date_from, date_to, paper,
                          page, section, byline, catalog=catalog)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    if as_json:
        click.echo(json.dumps(hits, ensure_ascii=False, indent=1))
        return
    for h in hits:
        num = f" {h['number']}" if h["number"] else ""
        click.echo(f"{h['paper']} {h['date']}{num} 第{h['page']}版  {h['headline']}\n"
                   f"    {h['snippet']}" + (f"\n    {h['pdf']}" if h["pdf"] else "")
                   + (f"\n    {h['article_pdf']}" if h["article_pdf"] else ""))
    if not hits and not quiet:
        click.echo(_("no match"))


@main.command()
@click.argument("records", nargs=-1)
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("Resolve issue ids in this archive (latest version)."))
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help=_("Parallel rebuilds on this machine (default: all cores)."))
@click.option("--all", "every", is_flag=True,
              help=_("Every issue of the --archive (its latest version), as a bulk run on Dask."))
@_bulk_options
@common(project=False)
def rebuild(records, archive_dir, jobs, every, scheduler, workers, log, quiet):
    """Rebuild archived issues from their stored inputs and fonts and report, page by page,
    whether the PDFs are byte-identical to the archived ones (exit 6 if not).

    With --all, --scheduler or --log it is a bulk run on Dask distributed: a local cluster
    (--workers processes) or the cluster of --scheduler; a lost worker's issues are given to
    another worker, one issue that fails does not stop the rest, and --log makes the run
    resumable.
    """
    from . import archive as arc

    bulk = every or scheduler or log or workers
    try:
        for note in arc.clean_dead_rebuilds():
            click.echo(_("cleaned: {note}").format(note=note), err=True)
        if every:
            if archive_dir is None:
                raise click.UsageError(_("--all needs --archive"))
            if records:
                raise click.UsageError(_("give issue ids or --all, not both"))
            dirs = arc.latest_records(archive_dir)
        elif not records:
            raise click.UsageError(_("give the issues to rebuild (ids with --archive, or record "
                                     "folders), or --all --archive ARCHIVE"))
        else:
            dirs = [arc.resolve_record(r, archive_dir) for r in records]
        if bulk:
            from . import bulk as bulk_mod

            click.echo(_("rebuilding {n} issue(s) on {where}…").format(
                n=len(dirs), where=scheduler or _("a local Dask cluster")), err=True)
            results = bulk_mod.run(
                "rebuild", [str(d) for d in dirs], scheduler=scheduler, workers=workers,
                log=log, progress=_bulk_progress(
                    lambda r: _("identical") if r["identical"] else _("DIFFERENT")))
        else:
            if len(dirs) > 1 and sys.stderr.isatty():
                click.echo(_("rebuilding {n} issues on {cores} core(s)…").format(
                    n=len(dirs), cores=jobs or _("all")), err=True)
            results = arc.rebuild(dirs, jobs)
    except click.UsageError:
        raise
    except Exception as e:  # noqa: BLE001
        _fail(e)
    ok = True
    for r in results:
        ok = ok and r["identical"]
        if quiet and r["identical"]:        # -q: only the records that differ
            continue
        notes = [n for n, on in ((_("done in an earlier run: skipped"), r.get("skipped")),
                                 (_("retried: its worker was lost"), r.get("retried"))) if on]
        click.echo(r["record"] + (f"  ({'; '.join(notes)})" if notes else ""))
        if r.get("error"):
            click.echo("  " + _("error: {message}").format(message=r["error"]))
        for p in r["pages"]:
            click.echo("  " + (_("{file}: identical") if p["identical"] else
                               _("{file}: DIFFERENT")).format(file=p["file"]))
    if bulk:
        same = sum(bool(r["identical"]) for r in results)
        click.echo(_("{same} of {n} issue(s) identical").format(same=same, n=len(results)),
                   err=True)
    if not ok:
        sys.exit(EXIT_ARCHIVE)


@main.command()
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("Folder for the exported files (created if missing; required)."))
@click.option("--to", "out_to", type=click.Path(file_okay=False, path_type=Path), hidden=True,
              callback=_deprecated("-o/--out DIR", "--to", "export"))
@click.option("--mets", is_flag=True, help=_("The METS/ALTO package: mets.xml, alto/ (one ALTO "
              "4.4 file per page) and pdf/ (the page PDFs)."))
@click.option("--articles", is_flag=True, help=_("One PDF per article: articles/ARTICLE.pdf, "
              "a page for each page the article is printed on."))
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help=_("Processes for building an issue folder (default: one per core)."))
@common()
def export(source, out_dir, out_to, mets, articles, jobs):
    """Export an issue for readers and libraries: one PDF per article and a METS/ALTO
    package (without --mets or --articles: both).

    SOURCE is an issue folder (built first, in a temporary folder; nothing is written into
    it) or an archived record: ARCHIVE/records/ID/vN, or ARCHIVE/records/ID for its latest
    version.  Every file is complete before any is put in place.  Prints the paths written.
    """
    from . import archive as arc
    from . import exchange

    out_dir = out_dir or out_to
    if out_dir is None:
        raise click.UsageError(_("give the folder for the exported files: -o/--out DIR"))
    if exchange.source_kind(source) is None:
        raise click.UsageError(_("'{path}' is neither an issue folder (no issue.yaml) nor an "
                                 "archived record (no MANIFEST.sha256)").format(path=source))
    if not mets and not articles:
        mets = articles = True
    warnings: list[str] = []
    try:
        for note in arc.clean_dead_rebuilds():
            click.echo(_("cleaned: {note}").format(note=note), err=True)
        paths = exchange.export(source, out_dir, mets=mets, articles=articles, jobs=jobs,
                                warnings=warnings)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    for w in warnings:
        click.echo(_("warning: {message}").format(message=w), err=True)
    for p in paths:
        click.echo(str(p))


# --- the layout editor's night ---------------------------------------------------------------

@main.command("new")
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.option("--previous", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help=_("The previous issue's folder, the model for the new one (default: the "
                   "issue beside ISSUE_DIR with the latest date)."))
@click.option("--from", "previous_from", hidden=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              callback=_deprecated("--previous PREVIOUS", "--from", "new"))
@click.option("--date", help=_("The new issue's date, YYYY-MM-DD (default: a week later)."))
@click.option("--number", help=_("The new issue number (default: the previous one plus one)."))
@common(project=False)
def new(issue_dir, previous, previous_from, date, number, quiet):
    """Start ISSUE_DIR from the previous issue: same pages, templates, slots and standing
    furniture; date and number advanced; every article file emptied; CHECKLIST.md lists what
    must be filled."""
    from .newissue import latest_issue, new_issue

    try:
        previous = previous or previous_from
        if previous is None:
            previous = latest_issue(issue_dir)
            if _level() >= 1:
                click.echo(_("previous issue: {path}").format(path=previous), err=True)
        r = new_issue(issue_dir, previous, date, number)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    if quiet:
        click.echo(r["path"])
        return
    click.echo(_("new issue {path} from {previous}: date {date}").format(
                   path=r["path"], previous=previous, date=r["date"])
               + (_(", number {number}").format(number=r["number"]) if r["number"] else "")
               + _("; {articles} article(s) and {pictures} picture(s) to fill (see "
                   "{checklist})").format(articles=r["articles"], pictures=r["pictures"],
                                          checklist=Path(r["path"]) / "CHECKLIST.md"))


def _echo_rebuild(r, as_json=False):
    import json
    import time

    if as_json:
        click.echo(json.dumps(dict(generation=r.generation, ok=r.ok, seconds=r.seconds,
                                   touched=r.touched, error=r.error, **r.report),
                              ensure_ascii=False))
        return
    stamp = time.strftime("%H:%M:%S")
    pages = _(" (pages {pages})").format(pages=", ".join(map(str, r.touched))) \
        if r.touched else ""
    state = click.style(_("built"), fg="green") if r.ok else \
        click.style(_("NOT built"), fg="red")
    click.echo(f"[{stamp}] " + _("{state} in {seconds:.2f} s").format(
        state=state, seconds=r.seconds) + pages)
    for s in r.report.get("slots", []):
        if s["overset_lines"]:
            click.echo(click.style("  " + _("page {page} slot {slot}: {lines} line(s) over — "
                                            "{hint}").format(
                page=s["page"], slot=s["slot"], lines=s["overset_lines"], hint=s["hint"]),
                fg="red"))
        elif s["underset_lines"] > 1:
            click.echo(click.style("  " + _("page {page} slot {slot}: {lines} line(s) short — "
                                            "{hint}").format(
                page=s["page"], slot=s["slot"], lines=s["underset_lines"], hint=s["hint"]),
                fg="yellow"))
    for w in r.report.get("warnings", []):
        click.echo("  " + _("warning: {message}").format(message=w))
    if r.error and not r.report.get("slots"):
        click.echo(click.style(f"  {r.error}", fg="red"))




@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("Folder for the PDFs and proofs (default: ISSUE_DIR/out)."))
@click.option("--serve", "port", type=click.IntRange(0, 65535), default=None,
              help=_("Also show live proofs in the browser at http://127.0.0.1:PORT/."))
@click.option("--host", default="127.0.0.1", show_default=True, help=HOST_HELP)
@click.option("--json", "as_json", is_flag=True, help=_("One JSON line per rebuild."))
@common()
def watch(issue_dir, out_dir, port, host, as_json, quiet):
    """Rebuild ISSUE_DIR whenever a manifest, article, picture or layout file changes, and
    print the fit report after each rebuild.  A build that fails (overset, bad input) never
    replaces the last good PDFs; its proofs still show where the problem is.  Ctrl-C stops."""
    from .live import Watcher, serve

    _tell_project(issue_dir)

    def echo(r):            # -q: only the rebuilds that fail
        if not (quiet and r.ok and not as_json):
            _echo_rebuild(r, as_json)

    try:
        if port is not None:
            serve(issue_dir, port, host, on_rebuild=echo,
                  out_dir=out_dir,
                  on_ready=lambda url: click.echo(_("live proofs: {url}").format(url=url)))
        else:
            Watcher(issue_dir, out_dir).run(on_rebuild=echo)
    except KeyboardInterrupt:
        pass
    except Exception as e:  # noqa: BLE001 - a port in use: one line, exit 74
        _fail(e)


@main.command()
@click.argument("issue_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help=_("Port to listen on."))
@click.option("--host", default="127.0.0.1", show_default=True, help=HOST_HELP)
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("Folder for the PDFs and proofs (default: ISSUE_DIR/out)."))
@common()
def serve(issue_dir, port, host, out_dir, quiet):
    """Show every page of ISSUE_DIR as a proof with the grid overlay and the fit report, in
    the browser at http://127.0.0.1:PORT/, refreshed by itself after each rebuild."""
    from .live import serve as run

    _tell_project(issue_dir)

    def echo(r):            # -q: only the rebuilds that fail
        if not (quiet and r.ok):
            _echo_rebuild(r)

    try:
        run(issue_dir, port, host, on_rebuild=echo, out_dir=out_dir,
            on_ready=lambda url: click.echo(_("live proofs: {url}  (Ctrl-C stops)").format(
                url=url)))
    except KeyboardInterrupt:
        pass
    except Exception as e:  # noqa: BLE001 - a port in use: one line, exit 74
        _fail(e)


# --- a paper of its own ----------------------------------------------------------------------

def _format_option(ctx, param, value):
    """--format: one of the starters' names (newpaper.STARTERS), else a usage error."""
    from .newpaper import FORMAT_NAMES, starter

    try:
        return starter(value).key
    except Exception:  # noqa: BLE001 - an unknown name
        raise click.BadParameter(_("{value} is not one of {names}").format(
            value=repr(value), names=", ".join(FORMAT_NAMES))) from None


FORMAT_HELP = (_("四开 (or sikai, tabloid): 270 × 390 mm, 6 columns; 对开 (or duikai, "
               "broadsheet): 390 × 550 mm, 8 columns, a front page with 报头 and 导读."))


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("-f", "--format", "fmt", default="四开", show_default=True, metavar="FORMAT",
              help=FORMAT_HELP, callback=_format_option)
@click.option("--name", help=_("The paper's name, printed in the running head and the 报头 "
              "(default: the folder's name)."))
@click.option("--key", help=_("The paper's file name, layout/papers/KEY.yaml (default: the "
              "folder's name)."))
@click.option("--date", help=_("The first issue's date, YYYY-MM-DD (default: today)."))
@click.option("--fonts", "fonts_dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("A folder holding the font files fonts.yaml names (the fonts/ folder of "
                   "typeset's repository); they are copied into FOLDER/fonts/.  Default: the "
                   "checkout typeset runs from, then the system's font folders."))
@click.option("--no-fonts", is_flag=True, help=_("Write the project without fonts (put them "
              "into FOLDER/fonts/ before the first build)."))
@common(project=False)
def init(folder, fmt, name, key, date, fonts_dir, no_fonts, quiet):
    """Make FOLDER a new paper's project: layout/ (the paper, its templates, fonts.yaml, the
    ICC profile), fonts/, a first issue with placeholder articles in issues/, and the JSON
    Schemas of the YAML files for editors (schemas/, .vscode/settings.json).

    FOLDER must not exist or be empty; nothing is written unless all of it can be.  Then, in
    FOLDER: `paiban check issues/…`, `paiban build issues/…`, `paiban new issues/NEXT`.
    """
    from .newpaper import init_project

    try:
        r = init_project(folder, fmt, name=name, key=key, date=date, fonts=fonts_dir,
                         no_fonts=no_fonts)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    if quiet:
        click.echo(str(r["path"]))
        return
    click.echo(_("new project {path}: {name} ({format}), paper {paper}").format(
        path=r["path"], name=r["name"], format=r["format"].names[0],
        paper=f"layout/papers/{r['paper']}.yaml"))
    if _level() >= 1:
        for f in r["fonts"]:
            click.echo(_("font: {file}").format(file=f), err=True)
    if r["missing"]:
        click.echo(_("warning: no font files yet: put {files} into {folder}").format(
            files=", ".join(r["missing"]), folder=r["path"] / "fonts"), err=True)
    rel = r["issue"].relative_to(r["path"])
    click.echo(_("first issue: {issue}").format(issue=r["issue"]) + "\n" +
               _("next: {commands}").format(
                   commands=f"cd {r['path']} && paiban check {rel} && paiban build {rel}"))


@main.command()
@click.argument("kind", required=False, type=click.Choice(["issue", "paper", "template",
                                                           "fonts"]))
@click.option("--markdown", is_flag=True, help=_("The reference of every key (type, range, "
              "default, example) as Markdown, instead of a JSON Schema."))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help=_("Write the four schemas into this folder as KIND.schema.json."))
@common(project=False)
def schema(kind, markdown, out_dir, quiet):
    """Print the JSON Schema of one kind of YAML file (issue, paper, template, fonts), for
    editors' completion and checking.  In VS Code with the YAML extension, start a file with
    `# yaml-language-server: $schema=PATH/issue.schema.json`, or map the schemas to the files
    under "yaml.schemas" in .vscode/settings.json (paiban init writes one)."""
    from . import schema as sch

    if markdown:
        click.echo(sch.reference(), nl=False)
        return
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            for k in sch.FILES:
                p = out_dir / f"{k}.schema.json"
                p.write_text(sch.json_text(k), encoding="utf-8")
                if not quiet:
                    click.echo(str(p))
        except OSError as e:
            _fail(e)
        return
    if kind is None:
        raise click.UsageError(_("give the kind of file: issue, paper, template or fonts "
                                 "(or --markdown, or -o DIR for all four)"))
    click.echo(sch.json_text(kind), nl=False)

