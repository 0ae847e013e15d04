"""makeup over several pages when one of them cannot be filled (the makeup2 round)."""

from __future__ import annotations

import re
import shutil
import subprocess

from conftest import ROOT, SAMPLE, TYPESET


def test_a_later_page_is_made_up_when_an_earlier_one_cannot_be(tmp_path):
    """Page 2 holds one brief that fills no page, page 3 the sample's stories unplaced.
    makeup verified page 3 by flowing page 2 as well, whose slot had no place: the command
    failed with "slot 'brief': the slot has no place on the page yet" and gave neither page
    3's proposal nor page 2's reason.  Now page 2 says why it cannot be filled (exit 4) and
    page 3's proposal is printed and written."""
    folder = tmp_path / "issue"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("out"))
    shutil.copy(ROOT / "tests" / "corpus" / "realcopy" /
                "009-beijing-daolu-jiebing-chengse.txt", folder / "brief.txt")
    m = folder / "issue.yaml"
    head, rest = m.read_text(encoding="utf-8").split("pages:\n", 1)
    rest = re.sub(r"\n\s+(column|span|lines|top|headline): [^\n]*", "", rest)
    m.write_text(head + "pages:\n  - page: 2\n    template: difang-dongtai\n    slots:\n"
                 "      - id: brief\n        article: brief.txt\n" + rest, encoding="utf-8")
    r = subprocess.run([*TYPESET, "makeup", str(folder), "--no-proofs"], capture_output=True,
                       text=True, cwd=ROOT)
    assert "has no place on the page yet" not in r.stderr, r.stderr
    assert r.returncode == 4, r.stderr
    assert "page 2:" in r.stderr and "page 3, proposal 1" in r.stdout + r.stderr, r.stderr
    written = (folder / "out" / "makeup" / "issue-1.yaml").read_text(encoding="utf-8")
    page3 = written.split("- page: 3", 1)[1]
    assert re.search(r"- id: chuanyu\n\s+article: \S+\n(\s+\S+: .*\n)*?\s+column: 1\n", page3)
