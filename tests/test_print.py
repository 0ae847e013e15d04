"""Print output: PDF/X, boxes and marks, plates, reproducible bytes, article threads, the
preflight (on our files and on broken ones made here) and the proofs.

The real tools are used where the issue asks for them: pdfinfo, qpdf --check, Ghostscript's
inkcov and tiffsep devices (Makefile `tools` installs poppler-utils, qpdf and ghostscript).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, SAMPLE, need

MM = 72 / 25.4
ICC = ROOT / "layout" / "icc" / "typeset-newsprint-TR002-TAC240.icc"
DEMO = ROOT / "issues" / "demo-weekly-2020-08"


def run(*args, cwd=ROOT, env=None):
    return subprocess.run(list(args), capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})})


def typeset(*args, **kw):
    return run(sys.executable, "-m", "typeset", *map(str, args), **kw)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def all_pdfs(built) -> list[Path]:
    return built.page_pdfs + [built.issue_pdf]


# --- the real tools -----------------------------------------------------------------------------

def test_pdfinfo_boxes_3mm_apart_on_every_page_and_pdfx_version(sample_build):
    for pdf in all_pdfs(sample_build):
        info = run(need("pdfinfo"), "-box", "-f", "1", "-l", "99", str(pdf)).stdout
        assert re.search(r"PDF subtype:\s+PDF/X-4", info), info
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        trims = re.findall(r"Page\s+\d+ TrimBox:\s+([\d.\s]+)\n", info)
        bleeds = re.findall(r"Page\s+\d+ BleedBox:\s+([\d.\s]+)\n", info)
        assert len(trims) == len(bleeds) == pages
        for t, b in zip(trims, bleeds):
            t, b = [float(x) for x in t.split()], [float(x) for x in b.split()]
            sides = (t[0] - b[0], t[1] - b[1], b[2] - t[2], b[3] - t[3])
            assert all(abs(s - 3 * MM) < 0.02 for s in sides), sides
            assert abs((t[2] - t[0]) - 270 * MM) < 0.02 and abs((t[3] - t[1]) - 390 * MM) < 0.02


def test_qpdf_check_passes(sample_build):
    for pdf in all_pdfs(sample_build):
        r = run(need("qpdf"), "--check", str(pdf))
        assert r.returncode == 0, r.stdout + r.stderr
        assert "No syntax or stream encoding errors found" in r.stdout


def _inkcov(pdf: Path, *opts) -> list[list[float]]:
    out = run(need("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=inkcov", *opts,
              "-o", "-", str(pdf)).stdout
    return [[float(x) for x in ln.split()[:4]] for ln in out.splitlines() if "CMYK" in ln]


def test_inkcov_over_the_trim_is_black_only(sample_build):
    pages = _inkcov(sample_build.page_pdfs[0], "-dUseTrimBox")
    assert pages, "gs inkcov printed nothing"
    for c, m, y, k in pages:
        assert (c, m, y) == (0.0, 0.0, 0.0)
        assert k > 0.05
    # over the whole MediaBox the registration marks put a little of every ink on the sheet
    c, m, y, k = _inkcov(sample_build.page_pdfs[0])[0]
    assert c > 0 and m > 0 and y > 0


def test_tiffsep_crop_marks_on_all_four_plates(sample_build, tmp_path):
    pdf = sample_build.page_pdfs[0]
    dpi = 100
    r = run(need("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep",
            f"-r{dpi}", "-o", str(tmp_path / "p.tif"), str(pdf))
    assert r.returncode == 0, r.stderr
    from PIL import Image

    with pikepdf.open(pdf) as p:
        page = p.pages[0]
        media = [float(v) for v in page.mediabox]
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
    s = dpi / 72.0
    H = media[3]

    def ink(px, x0, y0, x1, y1):          # PDF coordinates → count of inked pixels
        X0, X1, Y0, Y1 = int(x0 * s), int(x1 * s), int((H - y1) * s), int((H - y0) * s)
        return sum(1 for x in range(X0, X1) for y in range(Y0, Y1) if px[x, y] < 128)

    for plate in ("Cyan", "Magenta", "Yellow", "Black"):
        im = Image.open(tmp_path / f"p({plate}).tif").convert("L")
        px = im.load()
        for cx in (trim[0], trim[2]):
            for cy in (trim[1], trim[3]):
                # the horizontal mark beside the corner and the vertical one above/below it
                hx = (0, bleed[0]) if cx == trim[0] else (bleed[2], media[2])
                vy = (0, bleed[1]) if cy == trim[1] else (bleed[3], H)
                assert ink(px, hx[0], cy - 2, hx[1], cy + 2) > 5, (plate, cx, cy)
                assert ink(px, cx - 2, vy[0], cx + 2, vy[1]) > 5, (plate, cx, cy)
        inside = ink(px, *bleed)
        if plate == "Black":
            assert inside > 1000
        else:
            assert inside == 0, f"{plate} plate has ink inside the bleed"


def test_fonts_embedded_and_subset(sample_build):
    out = run(need("pdffonts"), str(sample_build.page_pdfs[0])).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        assert re.match(r"[A-Z]{6}\+", row), row
        assert re.search(r"\byes\s+yes\s+yes\b", row), row


# --- reproducible bytes -------------------------------------------------------------------------

def test_two_builds_give_the_same_bytes(sample_build, tmp_path):
    r = typeset("build", SAMPLE, "-o", tmp_path, "-q", env={"PYTHONHASHSEED": "12345"})
    assert r.returncode == 0, r.stderr
    for pdf in all_pdfs(sample_build):
        assert sha(tmp_path / pdf.name) == sha(pdf), pdf.name


# --- PDF/X structure ------------------------------------------------------------------------------

def test_pdfx_keys_output_intent_and_metadata(sample_build):
    from typeset import __version__

    with pikepdf.open(sample_build.page_pdfs[0]) as pdf:
        assert pdf.pdf_version == "1.6"
        info = pdf.docinfo
        assert str(info.GTS_PDFXVersion) == "PDF/X-4"
        assert info.Trapped == pikepdf.Name("/False")
        assert str(info.CreationDate) == str(info.ModDate) == "D:20200804000000+08'00'"
        assert str(info.Title) == "四川科技报 2020-08-04 第3版"
        assert str(info.Producer) == f"typeset {__version__}"
        (oi,) = pdf.Root.OutputIntents
        assert oi.S == pikepdf.Name("/GTS_PDFX")
        assert str(oi.OutputConditionIdentifier) == "CGATS TR 002"
        assert str(oi.RegistryName) == "http://www.color.org"
        assert oi.DestOutputProfile.read_bytes() == ICC.read_bytes()
        assert int(oi.DestOutputProfile.N) == 4
        assert str(pdf.Root.Lang) == "zh-CN"
        assert pdf.pages[0].label == "3"
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "/Filter" not in pdf.Root.Metadata          # readable by any XMP reader
        assert "/ID" in pdf.trailer
    for needle in ("<pdfxid:GTS_PDFXVersion>PDF/X-4<", "<pdf:Trapped>False<",
                   ">四川科技报 2020-08-04 第3版<", "<prism:publicationName>四川科技报<",
                   "<prism:coverDate>2020-08-04<", "<prism:pageRange>3<",
                   "<prism:section>地方动态<", f"<pdf:Producer>typeset {__version__}<",
                   f"<xmp:CreatorTool>typeset {__version__}<",
                   "<xmp:CreateDate>2020-08-04T00:00:00+08:00<",
                   "<xmpMM:RenditionClass>default<", "<rdf:li>zh-CN<"):
        assert needle in xmp, needle
    assert re.search(r"<xmpMM:DocumentID>uuid:[0-9a-f-]{36}<", xmp)


def test_issue_number_in_xmp(tmp_path):
    from typeset.pdfx import DocMeta, xmp_packet

    x = xmp_packet(DocMeta("t", "四川科技报", "2020-08-04", [1, 2, 3, 5], ["要闻"],
                           number="第1234期"), "PDF/X-4", "uuid:a", "uuid:b").decode()
    assert "<prism:issueIdentifier>第1234期<" in x
    assert "<prism:pageRange>1-3,5<" in x


def test_article_threads_one_per_article_along_its_columns(sample_build, sample_issue):
    from typeset.build import lay_out
    from typeset.page import make_page

    laid = lay_out(SAMPLE, 1)
    page = make_page(laid.issue, laid.flows[0])
    with pikepdf.open(sample_build.page_pdfs[0]) as pdf:
        threads = pdf.Root.Threads
        trim = [float(v) for v in pdf.pages[0].TrimBox]
        assert len(threads) == len(page.threads) == 9
        titles = [str(t.I.Title) for t in threads]
        assert titles == [laid.issue.articles[k].headline.replace("|", "") for k in page.threads]
        on_page = set()
        for t, (key, rects) in zip(threads, page.threads.items()):
            first = bead = t.F
            seen = []
            while True:
                r = [float(v) for v in bead.R]
                assert trim[0] <= r[0] < r[2] <= trim[2] and trim[1] <= r[1] < r[3] <= trim[3]
                seen.append(r)
                on_page.add(bead.objgen)
                assert bead.N.V.objgen == bead.objgen
                bead = bead.N
                if bead.objgen == first.objgen:
                    break
            assert len(seen) == len(rects)
            # reading order: the columns left to right
            assert [r[0] for r in seen] == sorted(r[0] for r in seen)
        assert {b.objgen for b in pdf.pages[0].B} == on_page


def test_a_continued_story_is_one_thread_across_pages(tmp_path):
    r = typeset("build", DEMO, "-o", tmp_path, "-q")
    assert r.returncode == 0, r.stderr
    whole = next(p for p in tmp_path.glob("*.pdf") if "-p" not in p.name)
    with pikepdf.open(whole) as pdf:
        index = {p.objgen: k + 1 for k, p in enumerate(pdf.pages)}
        labels = [p.label for p in pdf.pages]
        assert labels == ["1", "2", "3", "4"]
        spans = {}
        for t in pdf.Root.Threads:
            first = bead = t.F
            pages = []
            while True:
                pages.append(index[bead.P.objgen])
                bead = bead.N
                if bead.objgen == first.objgen:
                    break
            spans[str(t.I.Title)] = pages
    multi = {k: v for k, v in spans.items() if len(set(v)) > 1}
    assert multi, spans
    for pages in multi.values():
        assert pages == sorted(pages)


def test_pdfx_1a_option(tmp_path):
    r = typeset("build", SAMPLE, "-o", tmp_path, "-q", "--pdfx", "x-1a")
    assert r.returncode == 0, r.stderr
    pdf = next(tmp_path.glob("*-p03.pdf"))
    assert pdf.read_bytes()[:8] == b"%PDF-1.3"
    info = run(need("pdfinfo"), str(pdf)).stdout
    assert re.search(r"PDF subtype:\s+PDF/X-1:2001", info), info
    with pikepdf.open(pdf) as p:
        assert str(p.docinfo.GTS_PDFXConformance) == "PDF/X-1a:2001"
        assert b"<pdfx:GTS_PDFXConformance>PDF/X-1a:2001<" in p.Root.Metadata.read_bytes()
    assert run(need("qpdf"), "--check", str(pdf)).returncode == 0
    ok = typeset("preflight", pdf, "--issue", SAMPLE, "--pdfx", "x-1a")
    assert ok.returncode == 0, ok.stdout
    wrong = typeset("preflight", pdf, "--issue", SAMPLE)
    assert wrong.returncode == 5
    assert "the file is PDF/X-1a:2001, the paper asks for PDF/X-4" in wrong.stdout


# --- preflight --------------------------------------------------------------------------------

def test_build_preflights_every_pdf(sample_build):
    from typeset.preflight import preflight_issue_file
    from typeset.load import load_issue
    from typeset.normalize import normalise_issue

    issue, _ = normalise_issue(load_issue(SAMPLE))
    for pdf in all_pdfs(sample_build):
        res = preflight_issue_file(pdf, issue)
        assert res.ok, res.text()
        assert not res.warnings, res.text()
        assert "9 of 9 article(s) read back" in res.text()
    r = typeset("preflight", *all_pdfs(sample_build), "--issue", SAMPLE)
    assert r.returncode == 0, r.stdout
    assert r.stdout.count("PASS ") == 2


def _reportlab_pdf(path: Path, draw, boxes=True, **canvas_kw) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(path), pagesize=(200 * MM, 200 * MM), invariant=1, **canvas_kw)
    if boxes:
        c.setTrimBox((20 * MM, 20 * MM, 180 * MM, 180 * MM))
        c.setBleedBox((17 * MM, 17 * MM, 183 * MM, 183 * MM))
    draw(c)
    c.showPage()
    c.save()
    return path


def preflight_fails(pdf: Path, *needles, issue=None):
    args = ["preflight", pdf] + (["--issue", issue] if issue else [])
    r = typeset(*args)
    assert r.returncode == 5, r.stdout + r.stderr
    assert r.stdout.startswith("FAIL "), r.stdout
    for n in needles:
        assert n in r.stdout, f"{n!r} not in:\n{r.stdout}"
    return r.stdout


def test_preflight_unembedded_font(tmp_path):
    def draw(c):
        c.setFillColorCMYK(0, 0, 0, 1)
        c.setFont("Helvetica", 12)
        c.drawString(30 * MM, 100 * MM, "not embedded")

    out = preflight_fails(_reportlab_pdf(tmp_path / "font.pdf", draw),
                          "font 'Helvetica' (Type1) is not embedded",
                          "not a PDF/X file", "no PDF/X OutputIntent")
    assert "no TrimBox" not in out


def test_preflight_rgb_vector_colour(tmp_path):
    def draw(c):
        c.setFillColorRGB(1, 0, 0)
        c.rect(50 * MM, 50 * MM, 20 * MM, 20 * MM, fill=1, stroke=0)

    preflight_fails(_reportlab_pdf(tmp_path / "rgb.pdf", draw),
                    "page 1: RGB colour: '1 0 0 rg' (print files must be CMYK)")


def test_preflight_rgb_image(tmp_path):
    from PIL import Image

    png = tmp_path / "rgb.png"
    Image.new("RGB", (40, 40), (200, 30, 30)).save(png)

    def draw(c):
        c.drawImage(str(png), 50 * MM, 50 * MM, 20 * MM, 20 * MM)

    preflight_fails(_reportlab_pdf(tmp_path / "img.pdf", draw), "RGB image",
                    "pictures must be converted to CMYK")


def test_preflight_missing_boxes(tmp_path):
    def draw(c):
        c.setFillColorCMYK(0, 0, 0, 1)
        c.rect(50 * MM, 50 * MM, 20 * MM, 20 * MM, fill=1, stroke=0)

    preflight_fails(_reportlab_pdf(tmp_path / "noboxes.pdf", draw, boxes=False),
                    "page 1: no TrimBox", "page 1: no BleedBox")


def _edit(src: Path, dst: Path, fn) -> Path:
    with pikepdf.open(src) as pdf:
        fn(pdf)
        pdf.save(dst)
    return dst


def test_preflight_our_page_with_its_boxes_removed(sample_build, tmp_path):
    def strip(pdf):
        del pdf.pages[0].obj["/TrimBox"]
        del pdf.pages[0].obj["/BleedBox"]

    pdf = _edit(sample_build.page_pdfs[0], tmp_path / "p.pdf", strip)
    out = preflight_fails(pdf, "page 1: no TrimBox", "page 1: no BleedBox")
    assert out.count("error ") == 2, out


def test_preflight_our_page_with_an_rgb_object_added(sample_build, tmp_path):
    def add_rgb(pdf):
        pdf.pages[0].contents_add(pikepdf.Stream(pdf, b"q 0 0 1 rg 100 100 50 50 re f Q"))

    pdf = _edit(sample_build.page_pdfs[0], tmp_path / "p.pdf", add_rgb)
    preflight_fails(pdf, "page 1: RGB colour: '0 0 1 rg'")


def test_preflight_wrong_bleed_size_and_no_output_intent(sample_build, tmp_path):
    def damage(pdf):
        page = pdf.pages[0]
        b = [float(v) for v in page.BleedBox]
        page.obj.BleedBox = pikepdf.Array([b[0] + 2, b[1] + 2, b[2] - 2, b[3] - 2])
        del pdf.Root["/OutputIntents"]

    pdf = _edit(sample_build.page_pdfs[0], tmp_path / "p.pdf", damage)
    preflight_fails(pdf, "bleed 2.3 mm, the paper says 3.0 mm", "no PDF/X OutputIntent",
                    issue=SAMPLE)


def test_preflight_colour_text_registration_inside_and_ink_limit(tmp_path):
    from PIL import Image

    font = ROOT / "fonts" / "TypesetSerifSC-Regular.ttf"
    jpg = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (40, 40), (255, 255, 255, 255)).save(jpg)

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("TestSerif", str(font)))

    def draw(c):
        c.setFont("TestSerif", 12)
        c.setFillColorCMYK(1, 0, 0, 0)
        c.drawString(30 * MM, 150 * MM, "青色文字")
        c.setStrokeColorCMYK(1, 1, 1, 1)
        c.line(30 * MM, 120 * MM, 150 * MM, 120 * MM)        # registration inside the bleed
        c.line(1 * MM, 20 * MM, 10 * MM, 20 * MM)            # a crop mark: fine
        c.drawImage(str(jpg), 50 * MM, 50 * MM, 20 * MM, 20 * MM)

    out = preflight_fails(_reportlab_pdf(tmp_path / "ink.pdf", draw,
                                         initialFontName="TestSerif"),
                          "text in CMYK 1 0 0 0: text must be 100% K",
                          "registration colour (all four inks) inside the BleedBox",
                          "CMYK image", "total ink up to 400%, over the paper's limit of 240%",
                          issue=SAMPLE)             # the paper gives the ink limit
    assert "not embedded" not in out                # the TrueType font is embedded, subset
    assert out.count("registration colour") == 1    # the crop mark outside is fine


def test_preflight_text_round_trip_names_the_article_line(sample_build, tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    art = issue / "02-luzhou-yongchuan.txt"
    art.write_text(art.read_text(encoding="utf-8").replace("本报讯", "本报电", 1),
                   encoding="utf-8")
    out = preflight_fails(sample_build.page_pdfs[0], issue=issue)
    assert re.search(r"02-luzhou-yongchuan\.txt:\d+: the text along the article's thread "
                     r"differs at character 3: expected '本报电", out), out
    assert "8 of 9 article(s) read back" in out


def test_a_failing_preflight_stops_the_build_and_writes_nothing(tmp_path, monkeypatch):
    from dataclasses import replace

    import typeset.preflight as pf
    from typeset.build import build_issue
    from typeset.errors import EXIT_PREFLIGHT, PreflightError

    real = pf.expect_for

    def a4(issue, pages=None, roundtrip=True, **kw):
        return replace(real(issue, pages, roundtrip, **kw), trim=(210 * MM, 297 * MM))

    monkeypatch.setattr(pf, "expect_for", a4)
    with pytest.raises(PreflightError) as e:
        build_issue(SAMPLE, tmp_path / "out")
    assert e.value.exit_code == EXIT_PREFLIGHT == 5
    assert "the trimmed page is 270.0 × 390.0 mm, the paper says 210.0 × 297.0 mm" in str(e.value)
    assert "nothing was written" in str(e.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# --- paper print keys ---------------------------------------------------------------------------

def _project(tmp_path: Path, paper_edit) -> Path:
    proj = tmp_path / "proj"
    shutil.copytree(ROOT / "layout", proj / "layout")

    def link_or_copy(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(ROOT / "fonts", proj / "fonts", copy_function=link_or_copy,
                    ignore=shutil.ignore_patterns("*.py", "*.md", "*.txt"))
    p = proj / "layout" / "papers" / "sichuan-kejibao.yaml"
    p.write_text(paper_edit(p.read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copytree(SAMPLE, proj / "issue", ignore=shutil.ignore_patterns("out"))
    return proj


def test_paper_print_keys_are_checked(tmp_path):
    proj = _project(tmp_path, lambda s: s.replace("pdfx: PDF/X-4", "pdfx: PDF/X-3")
                    .replace("icc: layout/icc/typeset-newsprint-TR002-TAC240.icc",
                             "icc: layout/icc/missing.icc"))
    r = typeset("check", proj / "issue", env={"TYPESET_PROJECT": str(proj)})
    assert r.returncode == 3, r.stderr
    assert "unknown PDF/X level 'PDF/X-3'" in r.stderr
    assert "ICC profile not found: layout/icc/missing.icc" in r.stderr


def test_paper_can_ask_for_pdfx_1a(tmp_path):
    proj = _project(tmp_path, lambda s: s.replace("pdfx: PDF/X-4", "pdfx: PDF/X-1a:2001"))
    r = typeset("build", proj / "issue", "-o", tmp_path / "out",
                env={"TYPESET_PROJECT": str(proj)})
    assert r.returncode == 0, r.stderr
    assert "PASS sichuan-kejibao-2020-08-04-p03.pdf: PDF/X-1a:2001" in r.stderr


# --- proofs -----------------------------------------------------------------------------------

def test_build_with_grid_proofs(tmp_path):
    from PIL import Image

    r = typeset("build", SAMPLE, "-o", tmp_path, "--grid", "--dpi", "50")
    assert r.returncode == 0, r.stderr
    proofs = tmp_path / "proofs"
    names = sorted(p.name for p in proofs.iterdir())
    assert names == ["sichuan-kejibao-2020-08-04-contact.png",
                     "sichuan-kejibao-2020-08-04-p03-grid.png",
                     "sichuan-kejibao-2020-08-04-p03.png"]
    for n in names:
        assert str(proofs / n) in r.stdout
    page = Image.open(proofs / names[2]).convert("RGB")
    grid = Image.open(proofs / names[1]).convert("RGB")
    # the whole MediaBox: 270 × 390 mm + 2 × (3 mm bleed + 12 mm marks) at 50 dpi
    assert page.size == (round(300 / 25.4 * 50), round(420 / 25.4 * 50))
    assert grid.size == page.size
    assert page.tobytes() != grid.tobytes()
    assert not _has_red(grid, _trim_px(50))        # everything fits: no overset slot
    assert _has_red(grid) > 0                      # only the legend's swatch is red


def _trim_px(dpi):
    s = dpi / 25.4
    return (round(15 * s), round(15 * s), round(285 * s), round(405 * s))


def _has_red(img, box=None) -> int:
    img = img.crop(box) if box else img
    data = img.tobytes()
    return sum(1 for k in range(0, len(data), 3)
               if data[k] > 200 and data[k + 1] < 60 and data[k + 2] < 60)


def test_proof_marks_an_overset_slot_in_red(tmp_path):
    from PIL import Image

    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    y = issue / "issue.yaml"
    y.write_text(y.read_text(encoding="utf-8").replace(
        "        article: 09-mianyang-diaoyan.txt\n        column: 4\n        span: 3\n",
        "        article: 09-mianyang-diaoyan.txt\n        column: 4\n        span: 3\n"
        "        lines: 12\n"), encoding="utf-8")
    r = typeset("proof", issue, "--grid", "--dpi", "50", "-o", tmp_path / "out")
    assert r.returncode == 4, r.stderr                 # overset, like `check`
    assert "slot 'mianyang'" in r.stderr
    grid = Image.open(next((tmp_path / "out" / "proofs").glob("*-grid.png"))).convert("RGB")
    assert _has_red(grid, _trim_px(50)) > 200
    assert not any((tmp_path / "out").glob("*.pdf"))   # proofs only


def test_write_proofs_for_pdfs_already_written(sample_build, tmp_path):
    from typeset.proof import write_proofs

    paths = write_proofs(sample_build.page_pdfs, tmp_path, dpi=30)
    assert sorted(p.name for p in paths) == ["sichuan-kejibao-2020-08-04-contact.png",
                                             "sichuan-kejibao-2020-08-04-p03.png"]


# --- cost -------------------------------------------------------------------------------------

def test_help_does_not_import_the_pdf_libraries():
    code = ("import sys, typeset.cli; "
            "print(sorted(m for m in ('pikepdf', 'pypdfium2', 'PIL', 'reportlab') "
            "if m in sys.modules))")
    r = run(sys.executable, "-c", code)
    assert r.stdout.strip() == "[]", r.stdout + r.stderr


def test_xmp_is_well_formed():
    import xml.dom.minidom

    from typeset.pdfx import DocMeta, xmp_packet

    for level in ("PDF/X-4", "PDF/X-1a:2001"):
        x = xmp_packet(DocMeta("<&>", "报", "2020-08-04", [3]), level, "uuid:a", "uuid:b")
        body = x.decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0]
        xml.dom.minidom.parseString(body)


def test_preflight_damaged_and_unreadable_files(sample_build, tmp_path):
    data = sample_build.page_pdfs[0].read_bytes()
    bad_xref = tmp_path / "xref.pdf"
    bad_xref.write_bytes(data[:data.rfind(b"startxref")] + b"startxref\n12345\n%%EOF\n")
    preflight_fails(bad_xref, "the file is damaged and had to be repaired")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"hello\n")
    out = preflight_fails(junk, "not a readable PDF")
    assert "BytesIO" not in out
