"""The layout editor's night: `typeset new`; `watch` rebuilding after an editor's atomic save
and after an in-place write, never from a half-written file, and writing the same PDF as
`build`; and live proofs tested in a real headless browser (Debian's Chromium driven by
Selenium): the page drawn from the layout and the fit report show, and an edit to an article
appears without reloading by hand."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import TYPESET, ROOT, SAMPLE, pdftotext_raw, squash

MM = 72 / 25.4


def run(*args):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT)


def test_new_issue_from_the_last_one(tmp_path):
    new = tmp_path / "next"
    r = run("new", new, "--previous", SAMPLE, "--date", "2020-08-11")
    assert r.returncode == 0, r.stderr
    text = (new / "issue.yaml").read_text(encoding="utf-8")
    assert "date: 2020-08-11" in text and "template: difang-dongtai" in text
    # every slot kept, every article emptied, the checklist names them
    checklist = (new / "CHECKLIST.md").read_text(encoding="utf-8")
    for src in SAMPLE.glob("*.txt"):
        assert (new / src.name).read_text(encoding="utf-8").strip() == "headline: \nbyline:"
        assert src.name in checklist
    # each emptied story keeps its place as a 待稿 placeholder of the last story's length:
    # check shows the page (a newcomer's `new` + `check` used to fail with 18 errors), build
    # refuses until the copy is in
    assert text.count("expect_chars: ") == len(list(SAMPLE.glob("*.txt")))
    r = run("check", new)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("待稿: copy not in yet") == len(list(SAMPLE.glob("*.txt")))
    r = run("build", new, "-o", tmp_path / "refused")
    assert r.returncode == 3 and "is not in yet" in r.stderr, r.stderr
    assert "banner" in checklist                        # the last issue's banner is named
    for src in SAMPLE.glob("*.txt"):                    # fill it: it builds
        shutil.copyfile(src, new / src.name)
    r = run("build", new, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert any("2020-08-11" in p.name for p in (tmp_path / "out").glob("*.pdf"))


def test_issue_number_advances():
    from typeset.newissue import advance_number

    assert advance_number("第12期") == "第13期"
    assert advance_number("2020-031") == "2020-032"
    assert advance_number(None) is None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def browser():
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.fail("Chromium is not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
              "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"):
        opts.add_argument(a)
    b = webdriver.Chrome(service=Service(driver), options=opts)
    yield b
    b.quit()


def wait_for(fn, timeout=30.0, step=0.2):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = fn()
        if v:
            return v
        time.sleep(step)
    raise AssertionError("timed out")


def test_live_proofs_in_the_browser(tmp_path, browser):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    port = free_port()
    env = dict(os.environ, TYPESET_PROJECT=str(ROOT))
    server = subprocess.Popen([*TYPESET, "serve", str(issue), "-p", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/"

        def up():
            try:
                browser.get(url)
                return True
            except Exception:  # noqa: BLE001 - not listening yet
                return False

        wait_for(up)
        gen = lambda: int(browser.execute_script(  # noqa: E731
            "return document.body.dataset.generation || 0"))
        wait_for(lambda: gen() >= 1)
        # the page is drawn from the layout: its text is the articles' text, in the
        # project's fonts (loaded from the server), with the grid overlay over it
        shown = lambda: squash(browser.execute_script(  # noqa: E731
            "return document.querySelector('#pages svg .text')?.textContent || ''"))
        wait_for(lambda: "川渝科协共建共享科普工作格局" in shown())
        assert wait_for(lambda: browser.execute_script(
            "return [...document.fonts].filter(f => f.status == 'loaded').length")) >= 2
        assert browser.execute_script(
            "return document.querySelectorAll('#pages svg .overlay rect').length") > 9
        rows = browser.execute_script(
            "return [...document.querySelectorAll('#report tr[data-slot]')]"
            ".map(r => [r.dataset.slot, r.className])")
        assert {r[0] for r in rows} >= {"chuanyu", "butuo", "pengzhou"}
        assert all(r[1] == "" for r in rows)
        marker = browser.execute_script("window.__marker = 42; return window.__marker")
        art = issue / "08-pengzhou-tuiyi.txt"
        text = art.read_text(encoding="utf-8")
        # an edit that fits, saved as editors do (a temporary file renamed over the
        # article): the proof shows the new words by itself
        assert "第2046号" not in shown()
        tmp = issue / ".08-pengzhou-tuiyi.txt.swp"
        tmp.write_text(text.replace("本报讯", "本报讯第2046号", 1), encoding="utf-8")
        os.replace(tmp, art)
        wait_for(lambda: "第2046号" in shown(), timeout=20)
        first = gen()
        # an edit: make one story far too long; the page updates by itself
        art.write_text(text.replace(
            "本报讯", "本报讯" + "补充的文字" * 80, 1), encoding="utf-8")
        t0 = time.monotonic()
        wait_for(lambda: gen() > first, timeout=20)
        took = time.monotonic() - t0
        over = wait_for(lambda: browser.execute_script(
            "return [...document.querySelectorAll('#report tr.over')]"
            ".map(r => r.dataset.slot)"))
        assert over == ["pengzhou"]
        # the overset page is drawn too, its slot tinted red by the overlay
        assert wait_for(lambda: browser.execute_script(
            "return [...document.querySelectorAll('#pages svg .overlay text')]"
            ".some(t => t.textContent == 'pengzhou: overset')"))
        assert browser.execute_script("return window.__marker") == marker   # no reload
        assert "not built" in browser.find_element("id", "status").text
        assert took < 10, took
    finally:
        server.terminate()
        server.wait(timeout=10)


class Watch:
    """`paiban watch ISSUE` in its own process; ``rebuilds()`` counts the lines it printed
    for rebuilds so far (one per rebuild)."""

    def __init__(self, issue: Path):
        env = dict(os.environ, TYPESET_PROJECT=str(ROOT))
        self.proc = subprocess.Popen([*TYPESET, "watch", str(issue)], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def rebuilds(self) -> int:
        return sum(1 for ln in self.lines if "built in" in ln)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _pdf_stamp(p: Path):
    try:
        st = p.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def test_watch_rebuilds_after_an_atomic_and_an_in_place_save(tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    art = issue / "08-pengzhou-tuiyi.txt"
    text = art.read_text(encoding="utf-8")
    w = Watch(issue)
    try:
        wait_for(lambda: w.rebuilds() >= 1, timeout=60)
        pdf = next((issue / "out").glob("*-p03.pdf"))
        for k, atomic in ((1, True), (2, False)):
            phrase = f"第{3000 + k}号"
            new = text.replace("本报讯", "本报讯" + phrase, 1)
            before = w.rebuilds()
            if atomic:      # written beside it under a hidden name, renamed over it
                tmp = issue / f".{art.name}.swp"
                tmp.write_text(new, encoding="utf-8")
                os.replace(tmp, art)
            else:           # truncated and written in place
                with open(art, "w", encoding="utf-8") as f:
                    f.write(new)
            wait_for(lambda: w.rebuilds() > before, timeout=30)
            assert "NOT built" not in w.lines[-1], w.lines
            assert phrase in squash(pdftotext_raw(pdf))
            # the PDF watch wrote is the PDF build writes
            ref = tmp_path / f"ref{k}"
            r = subprocess.run([*TYPESET, "build", str(issue), "-o", str(ref)], cwd=ROOT,
                               env=dict(os.environ, TYPESET_PROJECT=str(ROOT)),
                               capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
            assert (ref / pdf.name).read_bytes() == pdf.read_bytes()
    finally:
        w.stop()


def test_watch_never_builds_a_half_written_file(tmp_path):
    """A writer that stops half-way through the article (a slow disk, a big paste) and
    finishes a second later: nothing is built from the half, once from the whole."""
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    art = issue / "08-pengzhou-tuiyi.txt"
    text = art.read_text(encoding="utf-8").replace("本报讯", "本报讯第4001号", 1)
    text = text.rstrip("\n") + "第4002号\n"
    half = len(text) // 2
    w = Watch(issue)
    try:
        wait_for(lambda: w.rebuilds() >= 1, timeout=60)
        pdf = next((issue / "out").glob("*-p03.pdf"))
        time.sleep(0.5)
        before, stamp = w.rebuilds(), _pdf_stamp(pdf)
        with open(art, "w", encoding="utf-8") as f:
            f.write(text[:half])
            f.flush()
            os.fsync(f.fileno())
            time.sleep(2.0)         # far longer than any settling a watcher might wait
            assert w.rebuilds() == before and _pdf_stamp(pdf) == stamp, w.lines
            f.write(text[half:])
        wait_for(lambda: w.rebuilds() > before, timeout=30)
        time.sleep(1.0)
        assert w.rebuilds() == before + 1, w.lines
        got = squash(pdftotext_raw(pdf))
        assert "第4001号" in got and "第4002号" in got
    finally:
        w.stop()


def test_watch_rebuilds_only_the_page_an_edit_touches(tmp_path, monkeypatch):
    from typeset.live import Watcher

    demo = ROOT / "issues" / "demo-weekly-2020-08"
    issue = tmp_path / "issue"
    shutil.copytree(demo, issue, ignore=shutil.ignore_patterns("out"))
    monkeypatch.setenv("TYPESET_PROJECT", str(ROOT))
    w = Watcher(issue)
    w.changes()
    first = w.rebuild()
    assert first.ok, first.error
    before = {p.name: p.read_bytes() for p in (issue / "out").glob("*.pdf")}
    art = issue / "04-dazhou-liunao.txt"          # page 2 only
    art.write_text(art.read_text(encoding="utf-8").replace("近日，", "近日，记者获悉，", 1),
                   encoding="utf-8")
    changed = w.changes()
    assert changed == {art}
    r = w.rebuild(changed)        # how fast this is belongs to bench/, not to a timed test
    assert r.ok and r.touched == [2]
    after = {p.name: p.read_bytes() for p in (issue / "out").glob("*.pdf")}
    whole = "typeset-demo-2020-08-07.pdf"
    # the page files: only page 2's changed; the whole-issue file no longer matched them, so
    # it is gone (it stayed as it was, a file older than its pages, that a plant could take)
    assert whole not in after and w.whole_due
    differ = sorted(n for n in before if n != whole and before[n] != after[n])
    assert differ == ["typeset-demo-2020-08-07-p02.pdf"]
    assert r.report["slots"] and all(not s["overset_lines"] for s in r.report["slots"])
    # when the edits pause, the watcher makes the whole issue again: build's very bytes
    r = w.rebuild_whole()
    assert r.ok and not w.whole_due
    ref = tmp_path / "ref"
    b = subprocess.run([*TYPESET, "build", str(issue), "-o", str(ref), "-q"], cwd=ROOT,
                       capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    for p in ref.glob("*.pdf"):
        assert (issue / "out" / p.name).read_bytes() == p.read_bytes(), p.name


@pytest.mark.parametrize("name, article, old, page", [
    ("sichuan-kejibao-2020-08", "08-pengzhou-tuiyi.txt", "本报讯", 3),   # one page: all drawn
    ("demo-weekly-2020-08", "04-dazhou-liunao.txt", "近日，", 2),        # page 2 of four
])
def test_watch_preflights_the_page_as_written_and_takes_a_failed_one_back(
        tmp_path, monkeypatch, name, article, old, page):
    """After an edit to an article, `watch` writes the page PDF before its preflight (the
    editor waits for it) and preflights the file as it is on disk; a failed preflight takes
    the files back — the page and the whole-issue file are the last good ones again — and
    the rebuild fails saying what the preflight found.  The whole-issue file is never
    written before its preflight has passed."""
    from dataclasses import replace

    import typeset.preflight as pf
    from typeset.live import Watcher

    issue = tmp_path / "issue"
    shutil.copytree(ROOT / "issues" / name, issue, ignore=shutil.ignore_patterns("out"))
    monkeypatch.setenv("TYPESET_PROJECT", str(ROOT))
    out = issue / "out"
    w = Watcher(issue)
    w.changes()
    assert w.rebuild().ok
    good = {p.name: p.read_bytes() for p in out.glob("*.pdf")}
    page_pdf = next(out.glob(f"*-p{page:02d}.pdf"))
    whole = next(n for n in good if "-p" not in n)
    real = pf.expect_for
    seen = []

    def a4(issue, pages=None, roundtrip=True, **kw):      # a paper the pages do not fit
        files = {p.name for p in out.glob("*.pdf")}
        seen.append((whole in files, squash(pdftotext_raw(page_pdf))))
        return replace(real(issue, pages, roundtrip, **kw), trim=(210 * MM, 297 * MM))

    monkeypatch.setattr(pf, "expect_for", a4)
    art = issue / article
    text = art.read_text(encoding="utf-8")
    art.write_text(text.replace(old, old + "第6001号", 1), encoding="utf-8")
    r = w.rebuild(w.changes())
    assert not r.ok
    assert "preflight failed on the files just written; they were taken back" in r.error
    assert "the paper says 210.0 × 297.0 mm" in r.error
    # the preflight ran on the new page in place, and with no whole-issue file beside it
    assert seen and all(not has_whole and "第6001号" in t for has_whole, t in seen), seen
    assert {p.name: p.read_bytes() for p in out.glob("*.pdf")} == good

    monkeypatch.setattr(pf, "expect_for", real)
    art.write_text(text.replace(old, old + "第6002号", 1), encoding="utf-8")
    r = w.rebuild(w.changes())
    assert r.ok, r.error
    # (after a failed rebuild every page is drawn again, the whole-issue file too)
    assert "第6002号" in squash(pdftotext_raw(page_pdf))
    assert "第6002号" in squash(pdftotext_raw(out / whole))


def test_watch_reports_after_an_edit_what_a_fresh_layout_reports(tmp_path, monkeypatch):
    """`watch` keeps, of the articles an edit did not touch, their normalised text and their
    script warning from the rebuild before: after each edit the normalisation changes and
    the warnings are those of the issue laid out afresh (with the edited article's own
    changes, and an untouched article's kept), and the page is build's."""
    from typeset.build import lay_out
    from typeset.live import Watcher

    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    monkeypatch.setenv("TYPESET_PROJECT", str(ROOT))
    w = Watcher(issue)
    w.changes()
    assert w.rebuild().ok
    a, b = issue / "08-pengzhou-tuiyi.txt", issue / "01-chuanyu-kepu.txt"
    ta, tb = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    # set as Traditional Chinese (a script warning: the text is Simplified), with a comma
    # to normalise
    edits = [(a, "lang: zh-Hant\n" + ta.replace("本报讯", "本报讯,", 1)),
             (b, tb.rstrip("\n") + "第7001号\n"),                    # another article
             (a, ta)]                                               # back as it was

    def scripts(rep):
        return sorted(x for x in rep.warnings if a.name in x and "zh-Hant" in x)

    for k, (f, text) in enumerate(edits):
        f.write_text(text, encoding="utf-8")
        r = w.rebuild(w.changes())
        assert r.ok, r.error
        fresh = lay_out(issue).report
        got = w._layout.report
        assert got.changes == fresh.changes
        assert scripts(got) == scripts(fresh)
        assert bool(scripts(got)) == (k < 2)
        assert any(c.new == "，" and c.file == str(a) for c in got.changes) == (k < 2)
    ref = tmp_path / "ref"
    r = subprocess.run([*TYPESET, "build", str(issue), "-o", str(ref), "-q"], cwd=ROOT,
                       env=dict(os.environ, TYPESET_PROJECT=str(ROOT)),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for p in ref.glob("*.pdf"):
        assert (issue / "out" / p.name).read_bytes() == p.read_bytes(), p.name


def test_watch_makes_the_whole_issue_file_again_when_the_edits_pause(tmp_path):
    """`paiban watch` on a four-page issue: after an edit on page 2, the whole-issue file is
    never older than its pages (gone while they change), and is back, with the edit, soon
    after."""
    demo = ROOT / "issues" / "demo-weekly-2020-08"
    issue = tmp_path / "issue"
    shutil.copytree(demo, issue, ignore=shutil.ignore_patterns("out"))
    whole = issue / "out" / "typeset-demo-2020-08-07.pdf"
    art = issue / "04-dazhou-liunao.txt"          # page 2 only
    w = Watch(issue)
    try:
        wait_for(lambda: w.rebuilds() >= 1, timeout=90)
        assert whole.is_file()
        time.sleep(1.0)
        before = w.rebuilds()
        art.write_text(art.read_text(encoding="utf-8").replace("近日，", "近日第5001号，", 1),
                       encoding="utf-8")
        seen_stale = []

        def whole_with_edit():
            try:
                text = squash(pdftotext_raw(whole)) if whole.is_file() else None
            except Exception:  # noqa: BLE001 - being replaced while read: look again
                return False
            if text is not None and "第5001号" not in text and w.rebuilds() > before:
                seen_stale.append(w.rebuilds())
            return text is not None and "第5001号" in text

        wait_for(whole_with_edit, timeout=90, step=0.05)
        assert not seen_stale, (seen_stale, w.lines)
        # the page, then the whole issue (its line printed just after the file is written)
        wait_for(lambda: w.rebuilds() >= before + 2, timeout=10)
        assert "(pages 2)" in "\n".join(w.lines[before:]), w.lines
    finally:
        w.stop()


def test_saves_are_seen_as_editors_make_them(tmp_path):
    """live._Changes, on a folder of its own: which inotify events count as a save."""
    from typeset.live import _Changes

    art = tmp_path / "a.txt"
    art.write_text("old", encoding="utf-8")
    written = tmp_path / "issue.pdf"           # as if the last build wrote it here
    ch = _Changes(lambda: [tmp_path], lambda p: p == written)
    try:
        assert not ch.wait(0.05)
        # in place: nothing while the writer has the file open, a save when it closes
        f = open(art, "w", encoding="utf-8")
        f.write("half")
        f.flush()
        assert not ch.wait(0.2)
        f.write(" and the rest")
        f.close()
        assert ch.wait(0.5)
        # atomic: a hidden temporary (not followed) renamed over the file
        tmp = tmp_path / ".a.txt.swp"
        tmp.write_text("new", encoding="utf-8")
        assert not ch.wait(0.2)
        os.replace(tmp, art)
        assert ch.wait(0.5)
        # vim's default: the old file renamed away, the new one written (not a save until
        # it is closed), the old one deleted
        os.rename(art, tmp_path / "a.txt~")
        f = open(art, "w", encoding="utf-8")
        f.write("newer")
        f.flush()
        assert not ch.wait(0.2)
        f.close()
        (tmp_path / "a.txt~").unlink()
        assert ch.wait(0.5)
        # what the last build wrote is not followed
        written.write_bytes(b"%PDF")
        assert not ch.wait(0.2)
        # a touch (the time changed, nothing written) counts
        os.utime(art)
        assert ch.wait(0.5)
    finally:
        ch.close()
