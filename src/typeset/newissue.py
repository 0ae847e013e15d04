"""A new issue from the last one: same pages, templates and standing furniture, articles emptied.

Contract: ``new_issue(target, previous, date=None, number=None)`` writes folder ``target``
with an ``issue.yaml`` copied from ``previous`` — the date and the issue number advanced, every
page, template, slot position and page-level furniture (editor, co-organizer list) kept — an
empty article file for every article the old issue had (header lines to fill, no text), the
picture folder left empty, and ``CHECKLIST.md`` listing what must be filled, page by page and
slot by slot.  It refuses to write into a folder that exists.  The new issue does not build
until its articles are filled: the loader reports every empty article with its file and slot.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from .errors import InputError, SourceRef
from .load import MANIFEST, named_files, read_manifest

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
    target.mkdir(parents=True)
    (target / MANIFEST).write_text(text, encoding="utf-8")
    todo = [f"# Checklist: {target.name}", "",
            f"Made from `{previous}` on the model of its pages. Date {date}"
            + (f", number {new_number}" if new_number else "") + ".", "",
            "Fill every article file (headline, byline, text), supply every picture, then run "
            "`paiban check` until nothing is over or short.", ""]
    articles: dict[str, list[str]] = {}
    pictures: list[tuple[int, str, str]] = []
    for page_no, sid, key, name in named_files(data):
        if key == "article":
            articles.setdefault(name, []).append(f"page {page_no}, slot '{sid}'")
        else:
            pictures.append((page_no, str(sid), name))
    for name, places in articles.items():
        p = (target / name).resolve()
        if not p.is_relative_to(target.resolve()):
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("headline: \nbyline: \n\n", encoding="utf-8")
        todo.append(f"- [ ] `{name}` ({'; '.join(places)}): headline, byline and text")
    for page_no, sid, img in pictures:
        if Path(img).suffix.lower() in (".pdf", ".svg", ".eps"):
            todo.append(f"- [ ] graphic `{img}` (page {page_no}, slot '{sid}'): the ad or logo")
        else:
            todo.append(f"- [ ] picture `{img}` (page {page_no}, slot '{sid}') and its caption")
    (target / "CHECKLIST.md").write_text("\n".join(todo) + "\n", encoding="utf-8")
    return dict(path=str(target), date=date, number=new_number, articles=len(articles),
                pictures=len(pictures))
