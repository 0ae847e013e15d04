"""The layout editor's night: `typeset new`, and live proofs tested in a real headless browser
(Debian's Chromium driven by Selenium): the proofs and the fit report show, and an edit to an
article appears without reloading by hand."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import TYPESET, ROOT, SAMPLE


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
        # the proof images load, the fit report lists every slot
        imgs = wait_for(lambda: browser.execute_script(
            "return [...document.images].filter(i => i.complete && i.naturalWidth > 500)"
            ".length"))
        assert imgs >= 1
        rows = browser.execute_script(
            "return [...document.querySelectorAll('#report tr[data-slot]')]"
            ".map(r => [r.dataset.slot, r.className])")
        assert {r[0] for r in rows} >= {"chuanyu", "butuo", "pengzhou"}
        assert all(r[1] == "" for r in rows)
        first = gen()
        marker = browser.execute_script("window.__marker = 42; return window.__marker")
        # an edit: make one story far too long; the page updates by itself
        art = issue / "08-pengzhou-tuiyi.txt"
        art.write_text(art.read_text(encoding="utf-8").replace(
            "本报讯", "本报讯" + "补充的文字" * 80, 1), encoding="utf-8")
        t0 = time.monotonic()
        wait_for(lambda: gen() > first, timeout=20)
        took = time.monotonic() - t0
        over = wait_for(lambda: browser.execute_script(
            "return [...document.querySelectorAll('#report tr.over')]"
            ".map(r => r.dataset.slot)"))
        assert over == ["pengzhou"]
        assert browser.execute_script("return window.__marker") == marker   # no reload
        assert "not built" in browser.find_element("id", "status").text
        assert took < 10, took
    finally:
        server.terminate()
        server.wait(timeout=10)


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
    differ = sorted(n for n in before if before[n] != after[n])
    assert differ == ["typeset-demo-2020-08-07-p02.pdf"]
    assert r.report["slots"] and all(not s["overset_lines"] for s in r.report["slots"])
