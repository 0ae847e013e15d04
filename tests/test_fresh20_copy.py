"""Copy the project had not seen (fresh20: a 法治 paper's court reports, notices, lists and
briefs; a business paper's sports and markets) and looked at on the page.

- A list item's text hung 1.08 em in (its label 1. and a ¼-em gap): every Han line of it was
  a fraction of an em short of the measure and spaced out.  The hang is now whole ems
  (cjk.label_room).
- A paragraph numbered by hand (3. 总府路全段。) set the typed space after its number as an
  ideographic space the line could take in: 1 em after one number, ¼ after the next.
- A brief's lead-in lost the white after it on a tight line (…“家庭教育指导令”近日).
"""

from __future__ import annotations

import pdfplumber

from issue_helpers import make_issue, typeset


def _page(tmp_path, name: str, text: str):
    """The characters (no spaces) of the page file of a one-article issue of the demo paper
    (yaowen, column 1, one column), and the body's size (pt)."""
    issue = make_issue(tmp_path / "issue", {name: text}, """\
        - page: 1
          template: yaowen
          slots:
            - {id: a, article: %s, column: 1, span: 1}
        """ % name)
    r = typeset("build", issue, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(str(next((tmp_path / "out").glob("*-p01.pdf")))) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()]
    sizes = [round(c["size"], 2) for c in chars]
    return chars, max(set(sizes), key=sizes.count)


def _rows(chars, size):
    """The body's characters grouped into lines by baseline, top to bottom, left to right."""
    rows: dict[float, list] = {}
    for c in chars:
        if abs(c["size"] - size) < 0.01:
            rows.setdefault(round(c["bottom"], 0), []).append(c)
    return [sorted(r, key=lambda c: c["x0"]) for _, r in sorted(rows.items())]


_HAN = "公司应当依法履行劳动合同约定的各项义务按时足额支付劳动者工资报酬不得无故拖欠克扣并为其缴纳社会保险费用"


def test_a_hung_list_item_s_lines_keep_the_em_grid(tmp_path):
    """An item of a numbered list (.md) of Han text alone: every line but its last holds its
    characters one em apart (the hang a whole number of ems, the rest of the measure whole).
    With a hang of 1.08 em every such line was spaced out."""
    chars, size = _page(tmp_path, "a.md", "headline: 判决\n\n1. " + _HAN + "的\n2. 驳回其他诉讼请求的\n")
    rows = [r for r in _rows(chars, size) if r[0]["text"] in _HAN or r[0]["text"] == "1"]
    item = [r for r in rows if "".join(c["text"] for c in r).strip("1.") and
            set("".join(c["text"] for c in r)) <= set(_HAN + "1.的")]
    assert len(item) >= 4, ["".join(c["text"] for c in r) for r in rows]
    for r in item[:-1]:
        han = [c for c in r if c["text"] in _HAN]
        steps = [b["x0"] - a["x0"] for a, b in zip(han, han[1:])]
        assert max(steps) - size < 0.01 * size, ("".join(c["text"] for c in r), steps, size)
    starts = [next(c for c in r if c["text"] in _HAN)["x0"] for r in item]
    assert max(starts) - min(starts) < 0.01, starts


def test_a_numbered_paragraph_s_label_takes_whole_ems(tmp_path):
    """Paragraphs numbered by hand in plain text (1. … 2. … 3. 总府路全段。): the text after
    each number starts one em after the number's first figure, whatever the line (the typed
    space was 1 em on a short line and ¼ em on a full one)."""
    text = ("headline: 通告\n\n（一）禁止机动车通行路段\n\n"
            "1. 红星路三段（东大街至大慈寺路）；\n\n"
            "2. 东大街上东大街段（红星路三段至春熙路北口）；\n\n"
            "3. 总府路全段。\n")
    chars, size = _page(tmp_path, "a.txt", text)
    for n, first in (("1", "红"), ("2", "东"), ("3", "总")):
        row = next(r for r in _rows(chars, size) if r[0]["text"] == n)
        han = next(c for c in row if c["text"] == first)
        assert abs(han["x0"] - row[0]["x0"] - size) < 0.01 * size, (n, han["x0"], row[0]["x0"])


def test_a_brief_s_lead_in_keeps_its_white(tmp_path):
    """A brief's lead-in ending in a closing quote, on a tight line: the white between it
    and the brief's text stays an em (it was taken in to the quote's half)."""
    text = ("headline: 简讯\n\n■法院发出“家庭教育指导令” 近日，成都市双流区人民法院在"
            "审理一起抚养费纠纷案件时发出指导令。\n")
    chars, size = _page(tmp_path, "a.txt", text)
    row = next(r for r in _rows(chars, size) if "近" in "".join(c["text"] for c in r))
    s = "".join(c["text"] for c in row)
    q, j = row[s.index("”")], row[s.index("近")]
    assert j["x0"] - q["x0"] >= 1.45 * size, (s, q["x0"], j["x0"], size)
