"""A hyphenated compound or number broken at its hyphen: after it, and read back whole.

Fresh copy (a bilingual press briefing, fresh12) at the sample paper's 12 characters set
``…developing China`` | ``-Australia relations…`` and, in notices, ``举报电话：010`` |
``-84233460``: a hyphen at the start of a line, which Western typesetting never does in a
compound (Chicago 7.42: the break comes after the hyphen) and CLREQ forbids for the
connector (§prohibition_rules_for_line_start_end; GB/T 15834 §4.13).  The composer kept the
hyphen off the line's end because PDFium reads a line-final hyphen after a letter as a soft
hyphen (U+FFFE) and the preflight compared that with the copy's ``-``.  Now the hyphen ends
the line (compose._hyphen_kind; a URL's still starts the next one, Chicago 14.18) and the
preflight reads PDFium's mark as the hyphen it is (preflight.SOFT_HYPHEN: this writer draws
no soft hyphen as text).  Measured from the PDF: glyphs read back with pdfplumber
(tests/pdfread.py) and the PDF's text through PDFium.
"""

from __future__ import annotations

import shutil
import subprocess

from conftest import ROOT, SAMPLE, TYPESET

# our own words (not copied from a source), many compounds so that some fall at a line end
BODY = [
    "The long-term plan for China-Australia trade was agreed at a follow-up meeting of "
    "state-owned firms and well-known private ones, with a Sino-European panel looking on.",
    "Officials said the China-Africa forum and the Asia-Pacific talks would keep a "
    "step-by-step approach; a decision-making body will meet in mid-December.",
    "Enquiries: 0531-82886032 or 010-84233460, office hours only; see "
    "https://www.example-site.org/follow-up-notes for the full-length record.",
]


def _build(tmp_path):
    d = tmp_path / "issue"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out"))
    p = d / "05-dazhou-liunao.txt"
    head = p.read_text(encoding="utf-8").split("\n")[:2]
    p.write_text("\n".join(head + [""] + ["\n\n".join(BODY), ""]), encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(d)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr          # the preflight read every article back
    return d


def test_a_compound_breaks_after_its_hyphen_and_reads_back(tmp_path):
    import re

    import pypdfium2 as pdfium

    from pdfread import read_chars, read_lines

    d = _build(tmp_path)
    pdf = next((d / "out").glob("*-p03.pdf"))
    texts = [ln.text.strip() for ln in read_lines(read_chars(pdf, 0))]
    ends = [(a, b) for a, b in zip(texts, texts[1:])
            if re.search(r"[A-Za-z0-9]-$", a) and re.match(r"[A-Za-z0-9]", b)]
    # (the URL's pieces break before their hyphens: its lines hold its / or its www.)
    starts = [(a, b) for a, b in zip(texts, texts[1:])
              if re.search(r"[A-Za-z0-9]$", a) and b.startswith("-") and
              not re.search(r"/|www\.", a.split()[-1] + b.split()[0])]
    assert ends, texts                          # some compound or number broke at its hyphen
    assert not starts, starts                   # and never before it (the URL's excepted)
    # PDFium marks such a hyphen as a soft one: what the preflight now reads as "-"
    doc = pdfium.PdfDocument(str(pdf))
    try:
        raw = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    if any(re.search(r"[A-Za-z]-$", a) for a, _ in ends):
        assert "\ufffe" in raw
    # the exporter's characters (ALTO, exchange.py) read the same mark as the hyphen
    from typeset.exchange import _pdf_chars

    drawn = "".join(c.ch for c in _pdf_chars(pdf)[0])
    assert "\x02" not in drawn and "\ufffe" not in drawn
    drawn = re.sub(r"\s+", "", drawn)
    got = re.sub(r"\s+", "", "".join(texts))
    for para in BODY:
        # every compound reads back whole from the glyphs (the URL's path too), and from
        # the exporter's characters
        for word in re.findall(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+", para):
            assert word in got, word
            assert word in drawn, word


def test_a_url_hyphen_still_starts_the_next_line():
    """Chicago 14.18: a URL breaks before its hyphen (a hyphen at the end of a line would read
    as a hyphenation hyphen), a compound after it — composer's lines at 8 to 20 characters."""
    from typeset.compose import Settings, compose_paragraph
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face("body")
    settings = Settings(level="gb", style="quanjiao", indent=2.0, hanging=False)
    url = "详见https://www.example-site.org/some-long-path-name/with-many-parts.html的报道。"
    compound = "他说，China-Australia relations and the Asia-Pacific follow-up talks matter。"
    seen_url = seen_word = 0
    for m in range(8, 21):
        for text, is_url in ((url, True), (compound, False)):
            lines = [ln.text for ln in compose_paragraph(text, face, float(m), settings)]
            for a, b in zip(lines, lines[1:]):
                if is_url:
                    assert not a.endswith("-"), (m, a, b)
                    seen_url += b.startswith("-")
                else:
                    assert not b.startswith("-"), (m, a, b)
                    seen_word += a.endswith("-")
    assert seen_url and seen_word, (seen_url, seen_word)
