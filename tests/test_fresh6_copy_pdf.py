"""Fresh real copy, sixth round (issue #15): what the pages of tests/corpus/realcopy/144–145 (a
public notice with telephone numbers, an e-mail address and a web address) showed at narrow
measures, set by `typeset build` on the sample paper and read back from the PDF:

- ``电话（84688931、84688933、84688935）`` at 8–10 characters: the line ``84688933、`` held a
  number and its mark only, and the whole slack went into the one gap even spacing could
  open — the 、 stood 3 em from its number and read back as the start of a line;
- ``网址：http://`` ended a line (a solidus at a line end, the scheme torn from its host);

Measured with bench/realcopy.py's builder and tests/pdfread.py (glyph origins as drawn).
"""

from __future__ import annotations

import re

from test_fresh_copy_pdf import body_lines, build_article, corpus_paragraphs, project  # noqa: F401

NOTICE = "144-jnszq-zhengfu-kaifangyue-2024.txt"
HEARING = "145-gaoyou-renda-pingyi-gonggao-2012.txt"


def _gaps(ln):
    """The gaps (em) between adjacent glyphs of a read-back line, spaces left out."""
    cs = [c for c in ln.chars if not c.ch.isspace()]
    return [((b.x0 - a.x1) / ln.size, a.ch, b.ch) for a, b in zip(cs, cs[1:])]


def test_a_mark_stays_with_the_number_it_follows(tmp_path, project):
    """CLREQ §line_breaking_rules: a mark stays with what it follows.  A line of a number and
    the 、 after it (``84688933、``, between two lines of a list of telephone numbers) has no
    gap between Han characters to open; the slack went into the number–mark gap.  Now the
    number is letter-spaced as a lone Latin run is (the emergency of CLREQ §procedures_for_
    inter-character_spacing_expansion) and the mark is set solid after it.  Read back at 8, 9
    and 10 characters: the line is flush, nothing starts with 、, and the 、 touches its 3.  (At
    10, since the digits are half-width, the line holds the next number too: 84688933、84688935）、
    is 9 ems; the 、 still touches its 3.)"""
    body = next(p for p in corpus_paragraphs(HEARING) if "84688933" in p)
    for measure in (8, 9, 10):
        sub = tmp_path / f"m{measure}"
        sub.mkdir()
        whole, f = build_article(sub, project, measure, "电话号码", body)
        assert (f["lost"], f["added"], f["start"], f["end"], f["flush"]) == (0,) * 5, \
            (measure, f["examples"])
        lines = body_lines(whole)
        num = [ln for ln in lines if ln.text.replace(" ", "").startswith("84688933")]
        alone = {8: "84688933、", 9: "84688933、", 10: "84688933、84688935）、"}[measure]
        assert len(num) == 1 and num[0].text.replace(" ", "") == alone, \
            (measure, [ln.text for ln in lines])
        gaps = _gaps(num[0])
        assert gaps[7][1:] == ("3", "、") and gaps[7][0] < 0.02, (measure, gaps)


def test_a_web_address_does_not_break_after_its_scheme(tmp_path, project):
    """``网址：http://`` / ``www.shizhong.gov.cn``: a scheme alone at a line end is no address,
    and at gb a solidus may not end a line (GB/T 15834 分隔号); the address breaks before its
    scheme or inside its host (Chicago 14.18, compose._sensible), after the scheme only as a
    last resort (compose._SCHEME_BREAK).  Read back at 8, 17 and 18 characters (where it
    ended a line): no line ends with a solidus, nothing starts or ends a line against the
    level, no text lost.  At 8 the address is wider than the line: its pieces alone on a
    line stay short rather than letter-spaced (the composer's contract: a spaced-out URL
    reads as another address) — the only lines not flush (``tp://www`` was letter-spaced
    while the run before "://" was taken for a word of its own)."""
    body = next(p for p in corpus_paragraphs(NOTICE) if "http://" in p)
    for measure in (8, 17, 18):
        sub = tmp_path / f"m{measure}"
        sub.mkdir()
        whole, f = build_article(sub, project, measure, "网址", body)
        assert (f["lost"], f["added"], f["start"], f["end"]) == (0,) * 4, \
            (measure, f["examples"])
        short = [t for t in f["examples"].get("flush", [])
                 if not re.fullmatch(r"[-+.0-9]+pt '[A-Za-z0-9:/.]+'", t)]
        assert not short, (measure, f["examples"])      # only pieces of the address
        lines = body_lines(whole)
        for ln in lines:
            piece = ln.text.replace(" ", "")
            if re.fullmatch(r"[A-Za-z0-9:/.]+", piece) and len(piece) > 3:
                # a piece of the address alone: set solid, never letter-spaced
                gaps = [b.x0 - a.x1 for a, b in zip(ln.chars, ln.chars[1:])]
                assert max(gaps) < 0.05 * ln.size, (measure, ln.text, gaps)
        assert not any(ln.text.rstrip().endswith("/") for ln in lines), \
            (measure, [ln.text for ln in lines])
        assert any("http://www" in ln.text for ln in lines), (measure, [ln.text for ln in lines])


def test_a_character_the_body_face_lacks_is_read_back_on_its_line(tmp_path, project):
    """``（国办发„2009‟3号）`` (the circular of tests/corpus/realcopy/154, its brackets broken by
    a scrape): the body face has no ‟ (U+201F), so the fallback face of layout/fonts.yaml
    draws it, on the body's line at the body's size.  bench/realcopy.py read the body by the
    body face's name only and counted the ‟ as lost; it reads the fallback faces too.  Read
    back at 12 characters: nothing lost or added, the ‟ between 2009 and 3."""
    body = next(p for p in corpus_paragraphs("154-hunan-biyesheng-jiuye-2009.txt") if "‟" in p)
    whole, f = build_article(tmp_path, project, 12, "国办发", body)
    assert (f["lost"], f["added"]) == (0, 0), f["examples"]
    assert any("2009‟3" in ln.text for ln in body_lines(whole))


def test_an_interpunct_gives_back_its_compression_before_han_characters_are_spaced(tmp_path,
                                                                                  project):
    """``新华社专电 哈里·波特的命运尘埃落定后…`` (tests/corpus/realcopy/143) at 8 characters:
    the interpunct of a foreign name is set ½ em in the mainland (CLREQ §h-punctuation_
    adjustment_space), compressed from its em; a line too short gives that half back, equally
    on both sides of the dot, before its Han characters are spaced (CLREQ allows undoing a
    compression as a means of justification).  ``哈里·波特的命`` was set with ¼ em between
    every two characters and 运 carried to the next line although ``哈里·波特的命运`` fits.
    Read back: that line holds the whole name and 命运, its Han characters solid, the dot
    centred in its em."""
    body = corpus_paragraphs("143-xhs-luolin-mofa-baike-2007.txt")[0]
    whole, f = build_article(tmp_path, project, 8, "罗琳", body)
    assert (f["lost"], f["added"], f["start"], f["end"], f["flush"]) == (0,) * 5, f["examples"]
    lines = [ln for ln in body_lines(whole) if ln.text.replace(" ", "").startswith("哈里·")]
    assert lines and lines[0].text.replace(" ", "").startswith("哈里·波特的命运"), \
        [ln.text for ln in body_lines(whole)]
    ln = lines[0]
    gaps = _gaps(ln)
    han = [g for g, a, b in gaps if "\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff"]
    assert max(han) <= 0.05 + 1e-3, gaps
    left, right = [g for g, a, b in gaps if b == "·"][0], [g for g, a, b in gaps if a == "·"][0]
    assert abs(left - right) < 0.02, gaps
