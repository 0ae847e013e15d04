"""The blank after a dateline (本报讯 7月30日，…) read back from the sample page: the same
one em in every article.  A space in Chinese text may be taken in to ¼ em in a tight line
(CLREQ's shrinking steps treat it as a word space), and the sample page had it at 1, 0.59 and
0.25 em in different articles — a newsroom's dateline blank is a fixed em (found by a
reviewer comparing the articles of the page)."""

from __future__ import annotations

from pdfread import read_chars, read_lines


def test_the_blank_after_every_dateline_is_a_full_em(sample_build, sample_issue):
    starts = [p.text for a in sample_issue.articles.values() for p in a.paragraphs
              if p.text.startswith("本报讯 ")]
    assert len(starts) >= 5
    lines = read_lines(read_chars(sample_build.page_pdfs[0]), gap_em=3.0)
    gaps = []
    for ln in lines:
        if not ln.text.startswith("本报讯"):
            continue
        j = 3
        while ln.chars[j].ch.isspace():
            j += 1
        gaps.append((ln.chars[j].x0 - ln.chars[2].x1) / ln.size)
    assert len(gaps) == len(starts), (gaps, starts)
    # a full em; a loose line may open it a little more, as every gap of the line
    assert all(0.98 <= g <= 1.3 for g in gaps), [round(g, 2) for g in gaps]
