"""Bad input gets a clear error naming file, line and slot, a documented exit code, and no
half-written output; text that does not fit is an error, never dropped."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import TYPESET, ROOT, SAMPLE


def run(*args, cwd=ROOT):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True,
                          text=True, cwd=cwd)


@pytest.fixture
def issue(tmp_path):
    d = tmp_path / "issue"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out"))
    return d


def edit(path: Path, old: str, new: str, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_overset_names_the_slot_and_writes_nothing(issue, tmp_path):
    edit(issue / "issue.yaml", "        article: 04-butuo-fupin.txt\n",
         "        article: 04-butuo-fupin.txt\n        lines: 12\n")
    out = tmp_path / "out"
    r = run("build", issue, "-o", out)
    assert r.returncode == 4, r.stderr
    assert "slot 'butuo'" in r.stderr
    m = re.search(r"slot 'butuo': (\d+) line\(s\) over", r.stderr)
    assert m and int(m.group(1)) > 0
    assert re.search(r"issue\.yaml:\d+", r.stderr)
    assert not out.exists() or not list(out.iterdir())
    c = run("check", issue, "--json")
    assert c.returncode == 4
    import json

    slots = {s["slot"]: s for s in json.loads(c.stdout)["slots"]}
    assert slots["butuo"]["overset_lines"] == int(m.group(1))


def test_a_failed_build_leaves_the_previous_pdfs(issue, tmp_path):
    out = tmp_path / "out"
    assert run("build", issue, "-o", out).returncode == 0
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()}
    edit(issue / "04-butuo-fupin.txt", "本报讯", "本报讯" + "新增的文字" * 200)
    assert run("build", issue, "-o", out).returncode == 4
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()}
    assert before == after


def test_unknown_key_suggests_the_nearest(issue):
    edit(issue / "issue.yaml", "        column: 4\n", "        colum: 4\n")
    r = run("check", issue)
    assert r.returncode == 3
    assert re.search(r"issue\.yaml:\d+:\d+, slot '\w+': unknown key 'colum'", r.stderr)
    assert "did you mean 'column'" in r.stderr


def test_all_errors_are_reported_together(issue):
    edit(issue / "issue.yaml", "        column: 4\n", "        colum: 4\n")
    edit(issue / "issue.yaml", "        span: 3\n", "        span: three\n")
    r = run("check", issue)
    assert r.returncode == 3
    assert "colum" in r.stderr and "three" in r.stderr


def test_missing_article_file(issue):
    (issue / "06-jinjiang-qiye.txt").unlink()
    r = run("build", issue)
    assert r.returncode == 3
    assert "06-jinjiang-qiye.txt" in r.stderr and "does not exist" in r.stderr
    assert "slot 'jinjiang'" in r.stderr


def test_a_misspelt_article_file_name_gets_did_you_mean(issue):
    edit(issue / "issue.yaml", "08-pengzhou-tuiyi.txt", "08-pengzhou-tuyi.txt")
    r = run("check", issue)
    assert r.returncode == 3
    assert "article file '08-pengzhou-tuyi.txt' does not exist (did you mean " \
        "'08-pengzhou-tuiyi.txt'?)" in r.stderr, r.stderr


def test_article_path_may_not_leave_the_issue(issue):
    edit(issue / "issue.yaml", "article: 06-jinjiang-qiye.txt", "article: ../../etc/passwd")
    r = run("check", issue)
    assert r.returncode == 3 and "leaves the issue folder" in r.stderr


def test_character_without_glyph_names_character_file_and_line(issue):
    edit(issue / "07-deyang-sheying.txt", "政务摄影", "政务\U00030000摄影")
    r = run("build", issue)
    assert r.returncode == 3
    assert "U+30000" in r.stderr
    assert re.search(r"07-deyang-sheying\.txt:\d+, slot 'deyang'", r.stderr)


def test_not_utf8_is_refused_with_offset_and_hint(issue):
    p = issue / "08-pengzhou-tuiyi.txt"
    p.write_bytes(p.read_text(encoding="utf-8").encode("gb18030"))
    r = run("check", issue)
    assert r.returncode == 3
    assert "byte offset" in r.stderr and "GB 18030" in r.stderr


def test_yaml_syntax_error_has_line(issue):
    edit(issue / "issue.yaml", "    slots:\n", "    slots: [\n")
    r = run("check", issue)
    assert r.returncode == 3 and re.search(r"issue\.yaml:\d+:\d+: YAML syntax", r.stderr)


def test_yaml_indentation_slip_says_to_check_the_indentation(issue):
    """One space too few before a slot key: PyYAML says "expected <block end>, but found
    '<block mapping start>'"; the message says what to do about it."""
    edit(issue / "issue.yaml", "        column: 3\n        span: 2\n        top: 67\n",
         "        column: 3\n       span: 2\n        top: 67\n")
    r = run("check", issue)
    assert r.returncode == 3 and re.search(r"issue\.yaml:\d+:\d+: YAML syntax", r.stderr)
    assert "check the indentation" in r.stderr, r.stderr


def test_an_old_word_document_is_named_as_one(issue):
    """A Word 97–2003 .doc (an OLE2 file) named as an article is said to be one, with what to
    do, not "not valid utf-8-sig (byte offset 0)"."""
    (issue / "08-pengzhou-tuiyi.txt").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    r = run("check", issue)
    assert r.returncode == 3
    assert "08-pengzhou-tuiyi.txt" in r.stderr and "97–2003 .doc" in r.stderr, r.stderr
    assert "save it as .docx" in r.stderr and "utf-8" not in r.stderr


def test_overlapping_slots(issue):
    edit(issue / "issue.yaml", "        column: 3\n        span: 2\n        top: 67\n",
         "        column: 2\n        span: 2\n        top: 67\n")
    r = run("check", issue)
    assert r.returncode == 3 and "overlaps slot 'dazhou'" in r.stderr
    assert "slot 'deyang'" in r.stderr


def test_half_width_punctuation_is_normalised_and_reported(issue, tmp_path):
    edit(issue / "05-dazhou-liunao.txt", "近日，达州市", "近日,达州市")
    edit(issue / "05-dazhou-liunao.txt", "各县（市、区）", "各县(市、区)")
    for at in ("会上，省疾", "培训，全市"):
        edit(issue / "05-dazhou-liunao.txt", at, at.replace("，", ","))
    out = tmp_path / "out"
    r = run("build", issue, "-o", out)
    assert r.returncode == 0, r.stderr
    # one line for the file, each kind of repair once with where it first is
    line = next(ln for ln in r.stderr.splitlines() if ln.startswith("normalised "))
    assert re.search(r"05-dazhou-liunao\.txt: ',' → '，' ×3, first at \d+:\d+", line), line
    assert "'(' → '（' at " in line and "')' → '）' at " in line
    assert sum(ln.startswith("normalised ") for ln in r.stderr.splitlines()) == 1
    # -v: every change with its file, line and column
    r = run("check", issue, "-v")
    assert re.search(r"05-dazhou-liunao\.txt:\d+:\d+: ',' → '，'", r.stderr)
    assert sum(ln.startswith("normalised ") for ln in r.stderr.splitlines()) == 5
    text = subprocess.run(["pdftotext", "-raw", str(next(out.glob("*-p03.pdf"))), "-"],
                          capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "近日，达州市" in flat and "各县（市、区）" in flat


def test_no_traceback_for_bad_input(issue):
    (issue / "issue.yaml").write_text("pages: 5\npaper: [\n", encoding="utf-8")
    r = run("build", issue)
    assert r.returncode == 3 and "Traceback" not in r.stderr


def test_allowed_overset_builds_with_a_warning(issue, tmp_path):
    edit(issue / "issue.yaml", "        article: 04-butuo-fupin.txt\n",
         "        article: 04-butuo-fupin.txt\n        lines: 20\n        allow_overset: true\n")
    out = tmp_path / "out"
    r = run("build", issue, "-o", out)
    assert r.returncode == 0, r.stderr
    assert re.search(r"slot 'butuo': \d+ line\(s\) over, allowed by the manifest", r.stderr)
    pdfs = list(out.glob("*.pdf"))
    assert pdfs and all(p.stat().st_mode & 0o044 for p in pdfs)   # readable by others too


def test_white_inside_the_page_is_warned_of(issue, tmp_path):
    """A block placed with ``top:`` under the foot of the block above leaves grid lines empty
    in the middle of the page (the foot levers look only at the page's foot): `check` and
    `build` name the columns and lines, and the built page has nothing there.  Before, it
    built with exit 0 and no word (a newcomer's page had 13 empty lines above an ad)."""
    from pdfread import read_chars
    from typeset.load import load_issue

    edit(issue / "issue.yaml", "article: 08-pengzhou-tuiyi.txt\n        column: 5\n"
         "        span: 2\n        top: 67", "article: 08-pengzhou-tuiyi.txt\n        column: 5\n"
         "        span: 2\n        top: 70")
    art = issue / "08-pengzhou-tuiyi.txt"
    text = art.read_text(encoding="utf-8").rstrip("\n")
    art.write_text(text[:text.rindex("\n\n")] + "\n", encoding="utf-8")   # its last paragraph
    r = run("check", issue)
    assert r.returncode == 0, r.stderr
    said = "page 3, columns 5–6, lines 67–69: 3 empty grid lines above a block"
    assert said in r.stderr, r.stderr
    assert "columns 1–" not in r.stderr.split(said)[0][-200:]      # only that hole
    out = tmp_path / "out"
    r = run("build", issue, "-o", out, "-j", 1)
    assert r.returncode == 0 and said in r.stderr, r.stderr
    paper = load_issue(issue).paper
    x0, x1 = paper.column_x(5), paper.column_x(6) + paper.column_width
    y0, y1 = paper.line_top(67), paper.line_top(70)
    inside = [c for c in read_chars(next(out.glob("*-p03.pdf")))
              if x0 <= c.x0 < x1 and y0 < c.base < y1]
    assert inside == [], inside
    # and the sample as it is has no hole
    r = run("check", SAMPLE)
    assert "empty grid lines above a block" not in r.stderr


def test_a_misspelt_file_in_a_slot_that_expects_copy_is_said_at_once(issue):
    """In a slot with ``expect_chars:`` a missing file is copy still to come (待稿), but a
    name one letter off a file beside it is more likely a typo: `check` says so with the
    name it meant, naming the manifest's line and the slot.  A name near no file stays a
    plain 待稿.  Before, the typo showed only as 待稿 until the build refused it."""
    edit(issue / "issue.yaml", "article: 07-deyang-sheying.txt\n",
         "article: 07-deyang-sheyng.txt\n        expect_chars: 300\n")
    edit(issue / "issue.yaml", "article: 08-pengzhou-tuiyi.txt\n",
         "article: 10-xinwen.txt\n        expect_chars: 300\n")
    r = run("check", issue)
    assert r.returncode == 0, r.stderr
    line = next(ln for ln in r.stderr.splitlines() if "07-deyang-sheyng.txt" in ln)
    assert re.search(r"issue\.yaml:\d+:\d+, slot 'deyang': article file '07-deyang-sheyng\.txt' "
                     r"does not exist yet \(did you mean '07-deyang-sheying\.txt'\?\)", line), line
    assert "10-xinwen.txt" not in r.stderr            # a plain 待稿: no file near it
    assert "slot 'pengzhou': 待稿" in r.stderr and "slot 'deyang': 待稿" in r.stderr
