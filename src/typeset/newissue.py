"""A new issue from the last one: same pages, templates and standing furniture, articles emptied.

Contract: ``new_issue(target, previous, date=None, number=None)`` writes folder ``target``
with an ``issue.yaml`` copied from ``previous`` — the date and the issue number advanced, every
page, template, slot position and page-level furniture (editor, co-organizer list) kept — an
empty article file for every article the old issue had (header lines to fill, no text), the
picture folder left empty, and ``CHECKLIST.md`` listing what must be filled, page by page and
slot by slot.  Each emptied article's slot gets ``expect_chars:`` (the length of the story it
held) so that ``check`` and ``proof`` draw it as a 待稿 placeholder; ``build`` refuses the
issue until every article is filled.  It refuses to write into a folder that exists.
The folder is made whole beside ``target`` (hidden) and renamed into place: a full or
read-only disk is an :class:`OutputError` (exit 74) naming the file, and leaves nothing.
"""

from __future__ import annotations

import datetime as _dt
import errno
import os
import re
import shutil
from pathlib import Path

from .errors import InputError, OutputError, SourceRef
from .load import MANIFEST, manifest_slots, named_files, read_manifest

DEFAULT_INTERVAL_DAYS = 7       # a weekly paper; override with --date


def advance_number(number: str | None) -> str | None:
    """第12期 → 第13期, 2020-31 → 2020-32: the last whole number goes up by one."""
    if not number:
        return number
    m = list(re.finditer(r"\d+", number))
    if not m:
        return number
    last = m[-1]
    n = str(int(last.group()) + 1).zfill(len(last.group()))
    return number[:last.start()] + n + number[last.end():]


def latest_issue(target: Path) -> Path:
    """The previous issue for a new issue folder ``target`` when none is named: the issue
    folder with the latest date among ``target``'s siblings (issues/ of the project)."""
    parent = Path(target).resolve().parent
    best = None
    for d in sorted(parent.iterdir()) if parent.is_dir() else ():
        if d == Path(target).resolve() or not (d / MANIFEST).is_file():
            continue
        try:
            _, data = read_manifest(d)
        except InputError:
            continue
        date = str(data.get("date", "")) if isinstance(data, dict) else ""
        if best is None or date > best[0]:
            best = (date, d)
    if best is None:
        raise InputError("no previous issue beside it (a folder with issue.yaml)",
                         SourceRef(Path(target)), "name the model issue with --previous")
    return best[1]


def new_issue(target: Path, previous: Path, date: str | None = None,
              number: str | None = None) -> dict:
    target, previous = Path(target), Path(previous)
    src, data = read_manifest(previous)
    if target.exists():
        raise InputError("the new issue's folder exists already; choose another name",
                         SourceRef(target))
    text = src.read_text(encoding="utf-8-sig")
    old_date = str(data.get("date", ""))
    if date is None:
        try:
            d = _dt.date.fromisoformat(old_date) + _dt.timedelta(days=DEFAULT_INTERVAL_DAYS)
        except ValueError:
            raise InputError(f"the previous date {old_date!r} is not YYYY-MM-DD; give --date",
                             SourceRef(src)) from None
        date = d.isoformat()
    else:
        try:
            _dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(f"--date must be YYYY-MM-DD, found {date!r}", None) from None
    old_number = data.get("number")
    new_number = number if number is not None else advance_number(
        str(old_number) if old_number is not None else None)
    # Edit the manifest as text so that comments and layout choices stay as the editor had
    # them; only the date and number lines change.
    text = re.sub(r"(?m)^date:.*$", f"date: {date}", text, count=1)
    if old_number is not None and new_number is not None:
        text = re.sub(r"(?m)^number:.*$", f"number: {new_number}", text, count=1)
    text = _expect_lengths(text, data, previous, src)
    # Everything is written into a hidden folder beside the target, then renamed into place
    # (a disk that fills up half way leaves no half-made issue).
    stage = target.parent / f".{target.name}.typeset-new-{os.getpid()}"
    written: list = []          # the files, relative to the issue folder, as they are begun
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(stage, ignore_errors=True)     # (a killed earlier run of this pid)
        stage.mkdir()
        written.append(MANIFEST)
        (stage / MANIFEST).write_text(text, encoding="utf-8")
        counts = _fill(stage, target, previous, data, date, new_number, written)
        written.append("")                           # the folder itself, renamed
        os.rename(stage, target)
    except OSError as e:
        shutil.rmtree(stage, ignore_errors=True)
        hint = {errno.ENOSPC: "free some space on that disk, or choose another folder",
                errno.EROFS: "the folder is on a read-only disk: choose another folder"}.get(
            e.errno, "check the folder, its rights and the free space")
        shown = target / written[-1] if written else target
        raise OutputError(f"cannot write {shown}: {e.strerror or e}; nothing was written",
                          hint=hint) from None
    return dict(path=str(target), date=date, number=new_number, **counts)


def _expect_lengths(text: str, data, previous: Path, manifest: Path) -> str:
    """The manifest ``text`` with ``expect_chars: N`` under each slot's ``article:`` line, N
    the length of the story the previous issue had there: the emptied article is then a 待稿
    placeholder of that length, so ``check`` and ``proof`` show the new issue's pages from the
    start (``build`` still refuses them until the copy is in).  A slot that gives its length
    already, or whose ``article:`` line is not a plain line of this file, is left alone."""
    lines = text.split("\n")
    inserts: list[tuple[int, str]] = []
    seen: set = set()
    for _page, slot in manifest_slots(data):
        if "article" not in slot or "expect_chars" in slot or "expect_lines" in slot:
            continue
        name = str(slot["article"])
        mark = getattr(slot, "key_marks", {}).get("article")
        paths = getattr(slot, "key_paths", None) or {}
        if name in seen or mark is None or "article" in paths:
            continue
        seen.add(name)          # a story continued on a later page: its first slot only
        n = _article_chars(previous / name)
        line, col = mark
        if not n or not re.match(r"\s*(- )?article\s*:", lines[line - 1]):
            continue
        inserts.append((line, " " * (col - 1) + f"expect_chars: {n}"))
    for line, new in sorted(inserts, reverse=True):
        lines.insert(line, new)
    return "\n".join(lines)


def _article_chars(path: Path) -> int | None:
    """The characters of an article file's text (rounded up to tens), or None when it cannot
    be read as an article (the new issue then asks for that slot's length by hand)."""
    from .load import parse_article, read_text

    try:
        if path.suffix.lower() == ".docx":
            from .word import read_docx
            art = read_docx(path)
        else:
            art = parse_article(path, read_text(path, SourceRef(path)))
    except InputError:
        return None
    n = sum(len("".join(p.text.split())) for p in art.paragraphs)
    return -(-n // 10) * 10 if n else None


def _fill(stage: Path, target: Path, previous: Path, data, date: str, new_number,
          written: list) -> dict:
    """Write the empty articles and CHECKLIST.md into ``stage`` (the folder that becomes
    ``target``); ``written`` gets the name of each file as it is begun."""
    todo = [f"# Checklist: {target.name}", "",
            f"Made from `{previous}` on the model of its pages. Date {date}"
            + (f", number {new_number}" if new_number else "") + ".", "",
            "Fill every article file (headline, byline, text), supply every picture, then run "
            "`paiban check` until nothing is over or short.  Until a story is in, its slot is "
            "a grey 待稿 placeholder as long as the story the last issue had there "
            "(`expect_chars:` in issue.yaml: change it to the length the reporter promised); "
            "`check` and `proof` show the pages, `build` waits for the copy.", ""]
    articles: dict[str, list[str]] = {}
    pictures: list[tuple[int, str, str]] = []
    for page_no, sid, key, name in named_files(data):
        if key == "article":
            articles.setdefault(name, []).append(f"page {page_no}, slot '{sid}'")
        else:
            pictures.append((page_no, str(sid), name))
    for name, places in articles.items():
        p = (stage / name).resolve()
        if not p.is_relative_to(stage.resolve()):
            continue
        written.append(p.relative_to(stage.resolve()))
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("headline: \nbyline: \n\n", encoding="utf-8")
        todo.append(f"- [ ] `{name}` ({'; '.join(places)}): headline, byline and text")
    for page_no, sid, words in _banners(data):
        todo.append(f"- [ ] banner of page {page_no}, slot '{sid}': still the last issue's "
                    f"`{words}` — renew it or remove the slot")
    for page_no, sid, img in pictures:
        if Path(img).suffix.lower() in (".pdf", ".svg", ".eps"):
            todo.append(f"- [ ] graphic `{img}` (page {page_no}, slot '{sid}'): the ad or logo")
        else:
            todo.append(f"- [ ] picture `{img}` (page {page_no}, slot '{sid}') and its caption")
    written.append("CHECKLIST.md")
    (stage / "CHECKLIST.md").write_text("\n".join(todo) + "\n", encoding="utf-8")
    return dict(articles=len(articles), pictures=len(pictures))


def _banners(data) -> list[tuple]:
    """``(page, slot id, text)`` of every banner the manifest carries: its words belong to
    the last issue."""
    return [(page.get("page"), slot.get("id"), str(slot["banner"]))
            for page, slot in manifest_slots(data) if slot.get("banner")]

