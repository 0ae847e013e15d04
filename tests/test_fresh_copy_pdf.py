"""Fresh real copy (the fifth round: an interview, market and sports results, notices with
e-mail addresses and web addresses; tests/corpus/realcopy/138–146) set by `typeset build` on
the sample paper and read back from the PDF.  What a layout editor rejected on those pages:

- a space typed beside a full-width bracket (copy that spaced its ASCII brackets, ``A: (中文)
  谢谢``, ``金井宣茂 (Norishige Kanai) 送上``) was set a whole em next to the bracket's own blank
  half: 1½ em of white around the bracket;
- an e-mail address broke inside its user name (``zhangsanfeng`` / ``2024@example.com``) or
  inside its domain, never between the two, before its @.

Measured with bench/realcopy.py's builder and tests/pdfread.py (glyph origins as drawn).
"""

from __future__ import annotations

import sys


from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import realcopy  # noqa: E402
from realcopy_build import body_lines, build_article, project  # noqa: E402,F401


def test_a_typed_space_beside_a_bracket_makes_one_em_of_white(tmp_path, project):
    """CLREQ §punctuation_width_adjustment: a full-width bracket's blank half separates it from
    its neighbour, so a space typed beside it (on its blank side) adds only what makes the
    white one em — as a typed space between two Han characters is one em (本报讯 为…).  Read
    back: from the glyph before the bracket to the bracket (and from the bracket to the glyph
    after it) the origins are at most 1½ em apart (the glyph's em and the white's ½ em beyond
    the bracket's own half); they were 2 em apart (1½ em of white)."""
    body = "\n\n".join(("A: (中文) 谢谢。", "Q: 赖利先生,您好。", "脸书 (Meta) 下跌。"))
    whole, f = build_article(tmp_path, project, 12, "括号旁的空格", body)
    assert (f["lost"], f["added"], f["flush"], f["start"], f["end"]) == (0,) * 5
    lines = body_lines(whole)
    texts = [ln.text for ln in lines]
    assert any(t.replace(" ", "").startswith("A：（中文）谢谢") for t in texts), texts
    assert any(t.startswith("A：（") for t in texts), texts       # no space after the colon
    checked = 0
    for ln in lines:
        glyphs = [c for c in ln.chars if not c.ch.isspace()]
        em = ln.size
        for a, b in zip(glyphs, glyphs[1:]):
            spaced = any(c.ch.isspace() and a.x0 < c.x0 < b.x0 for c in ln.chars)
            if spaced and (b.ch == "（" or a.ch == "）"):
                assert (b.x0 - a.x0) / em <= 1.5 + 0.01, (ln.text, a.ch, b.ch, (b.x0 - a.x0) / em)
                checked += 1
    assert checked == 3, texts            # ） | 谢, 脸书 | （, ） | 下 (A：（ has none left)


def test_an_email_address_breaks_before_its_at(tmp_path, project):
    """An e-mail address wider than what is left of the line breaks between its user name and
    its domain, the @ starting the next line (Chicago 14.18: a URL's mark starts the next
    line, showing that the address goes on); it broke inside the user name
    (``zhangsanfeng`` / ``2024@example.com``).  Read back at the sample paper's 12
    characters: one line ends with the whole user name, the next starts with the @."""
    body = "来信请寄电子邮箱:zhangsanfeng2024@example.com,我们将尽快回复。"
    whole, f = build_article(tmp_path, project, 12, "电子邮件地址的断行", body)
    assert (f["lost"], f["added"], f["start"], f["end"]) == (0,) * 4
    texts = [ln.text.strip() for ln in body_lines(whole)]
    at = [k for k, t in enumerate(texts) if "@" in t]
    assert len(at) == 1 and texts[at[0]].startswith("@example.com"), texts
    assert texts[at[0] - 1].endswith("zhangsanfeng2024"), texts


def corpus_paragraphs(name: str) -> list[str]:
    text = (realcopy.CORPUS / name).read_text(encoding="utf-8-sig")
    return [p.strip() for p in text.split("\n\n")[1:] if p.strip()]


def test_a_hyphen_between_han_characters_is_set_solid(tmp_path, project):
    """``道-琼斯`` (the market report of 2001, tests/corpus/realcopy/139): a hyphen-minus between
    two Han characters is the 连接号 (GB/T 15834-2011 §4.13), not Western text, so it takes no
    Han–Latin gap (CLREQ §mixed_text_composition_in_horizontal_writing_mode spaces Western
    letters and digits) and no even spacing — as every connector.  Read back from the PDF at
    the sample paper's 12 characters: each 道-琼 is drawn solid (the hyphen's advance touching
    both characters); it had a ¼-em gap each side and, in a loose line, nearly an em
    (``当 天 ， 道 - 琼 斯``)."""
    body = "\n\n".join(p for p in corpus_paragraphs("139-zqzx-niuyue-gushi-2001.txt"))
    whole, f = build_article(tmp_path, project, 12, "道琼斯指数", body)
    assert (f["lost"], f["added"], f["flush"], f["start"], f["end"], f["split"]) == (0,) * 6
    found = 0
    for ln in body_lines(whole):
        cs = ln.chars
        for a, h, b in zip(cs, cs[1:], cs[2:]):
            if (a.ch, h.ch, b.ch) == ("道", "-", "琼"):
                assert abs(h.x0 - a.x1) < 0.02 * ln.size and abs(b.x0 - h.x1) < 0.02 * ln.size, \
                    (ln.text, (h.x0 - a.x1) / ln.size, (b.x0 - h.x1) / ln.size)
                found += 1
    assert found == 3


def test_a_hyphen_connector_never_ends_a_line(tmp_path, project):
    """``科尔贝-埃松`` (tests/corpus/realcopy/088) at 10 characters: once the hyphen between two
    Han characters was a connector, a line could end with it, and the PDF read back
    ``科尔贝`` + soft hyphen + ``埃松`` — the preflight refused the build.  A hyphen-minus
    connector neither starts nor ends a line (it joins one name); read back: the build passes
    and no line ends with the hyphen."""
    body = next(p for p in corpus_paragraphs("088-xhw-amusiteliang-qiduo.txt") if "科尔贝" in p)
    whole, f = build_article(tmp_path, project, 10, "连接号不在行末", body)
    assert (f["lost"], f["added"], f["start"], f["end"]) == (0,) * 4
    texts = [ln.text for ln in body_lines(whole)]
    assert any("贝-埃" in t for t in texts), texts            # the connector inside a line
    assert not any(t.rstrip().endswith("-") for t in texts), texts
