"""Browsing the archive (`typeset archive serve`) in a real headless browser (Debian's Chromium
driven by Selenium): open an issue, search, open an article, take a screenshot; and the
server's rules (its own Host names only, everything escaped, 4xx for what it does not serve,
a busy port is exit 74)."""

from __future__ import annotations

import http.client
import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET, pdftotext_raw, squash
from test_live import browser, free_port, wait_for  # noqa: F401 - the browser fixture

DEMO = ROOT / "issues" / "demo-weekly-2020-08"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    a = tmp_path_factory.mktemp("browse") / "archive"
    for issue in (SAMPLE, DEMO):
        r = subprocess.run([*TYPESET, "archive", str(issue), "--to", str(a)], cwd=ROOT,
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    port = free_port()
    server = subprocess.Popen([*TYPESET, "archive", "serve", str(a), "-p", str(port)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    assert line.startswith("archive: http://127.0.0.1:"), line + server.stderr.read()
    yield a, port
    server.terminate()
    server.wait(timeout=10)


def get(port, path, host=None, method="GET"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, headers={"Host": host or f"127.0.0.1:{port}"})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheader("Content-Type") or "", body


def test_open_an_issue_search_open_an_article(served, browser, tmp_path):
    from PIL import Image, ImageStat

    from typeset.load import load_issue

    a, port = served
    url = f"http://127.0.0.1:{port}"
    browser.get(url + "/")
    papers = browser.find_elements("css selector", "li.paper")
    assert sorted(p.text.split(" ")[0] for p in papers) == ["四川科技报", "示例周报"]
    # a paper's year, then its issue: a thumbnail of every page
    year = next(p for p in papers if "typeset-demo" in p.text).find_element("tag name", "a")
    year.click()
    browser.find_element("css selector", "a.issue").click()
    wait_for(lambda: browser.find_elements("css selector", "figure.page"))
    figs = browser.find_elements("css selector", "figure.page")
    assert len(figs) == 4
    loaded = wait_for(lambda: browser.execute_script(
        "return [...document.images].filter(i => i.complete && i.naturalWidth > 300).length"))
    assert loaded == 4
    # search: a phrase printed on page 4 only (the continued story), highlighted
    art = load_issue(DEMO).articles["02-chuanyu-kepu"]
    last = squash(art.paragraphs[-1].text)
    phrase = last[len(last) // 2: len(last) // 2 + 6]
    box = browser.find_element("name", "q")
    box.clear()
    box.send_keys(phrase)
    box.submit()
    wait_for(lambda: browser.find_elements("css selector", "div.hit"))
    # (the sample issue prints the same story whole, on its page 3)
    hits = [h for h in browser.find_elements("css selector", "div.hit") if "示例周报" in h.text]
    assert len(hits) == 1, [h.text for h in hits]
    assert hits[0].find_element("tag name", "mark").text == phrase
    assert "第4版" in hits[0].text
    # the article: its text, page by page, and its PDF
    hits[0].find_element("css selector", "a.hit-article").click()
    wait_for(lambda: browser.find_elements("css selector", "h2.headline"))
    assert browser.find_element("css selector", "h2.headline").text == \
        art.headline.replace("|", "")
    text = squash(browser.find_element("css selector", "div.text").text)
    assert phrase in text and "第1版" in text and "第4版" in text
    shot = tmp_path / "article.png"
    if os.environ.get("TYPESET_KEEP_SCREENSHOT"):
        shot = Path(os.environ["TYPESET_KEEP_SCREENSHOT"])
    assert browser.save_screenshot(str(shot))
    img = Image.open(shot).convert("L")
    assert img.size[0] >= 600 and img.size[1] >= 400
    lo, hi = img.getextrema()
    assert hi - lo > 100 and ImageStat.Stat(img).stddev[0] > 20, "the screenshot is blank"
    pdf_href = browser.find_element("css selector", "a.pdf").get_attribute("href")
    status, ctype, data = get(port, pdf_href.split(str(port), 1)[1])
    assert status == 200 and ctype == "application/pdf" and data.startswith(b"%PDF")
    out = tmp_path / "article.pdf"
    out.write_bytes(data)
    assert phrase in squash(pdftotext_raw(out))


def test_the_server_keeps_the_live_server_rules(served, tmp_path):
    a, port = served
    assert get(port, "/", host="evil.example:80")[0] == 421
    assert get(port, "/", method="POST")[0] == 405
    status, ctype, body = get(port, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert status == 200 and b"<script>" not in body and b"&lt;script&gt;" in body
    rec = "/file/sichuan-kejibao-2020-08-04/v1/"
    for bad in (rec + "..%2F..%2F..%2Fcatalog.sqlite", rec + "inputs/issue.yaml",
                rec + "../../../../etc/passwd", "/issue/nothing/v1", "/issue/x/y", "/%ff%fe",
                "/paper/sichuan-kejibao/20x0", "/search?q=%E7%A7%91&from=yesterday"):
        status, ctype, body = get(port, bad)
        assert status in (400, 404), (bad, status)
        assert b"Traceback" not in body
    status, ctype, data = get(port, rec + "proofs/sichuan-kejibao-2020-08-04-p03.png")
    assert status == 200 and ctype == "image/png" and data[:8] == b"\x89PNG\r\n\x1a\n"
    # the port is taken: one line, exit 74
    r = subprocess.run([*TYPESET, "archive", "serve", str(a), "-p", str(port)], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 74 and "Traceback" not in r.stderr, r.stderr
    assert "cannot listen" in r.stderr
