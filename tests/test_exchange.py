"""Exchange: per-article PDFs and METS/ALTO packages of both sample issues, exported from
archived records and from an issue folder, validated against the official XSDs, and read back
(read_mets) to the same article texts as the archive's own text export.

What the export says is checked against independent readers of the PDFs: pdfplumber (glyph
positions, text along the article threads of the whole-issue PDF) and poppler's pdftotext
(the text of each article PDF)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SAMPLE, TYPESET, need, squash

DEMO = ROOT / "issues" / "demo-weekly-2020-08"
SCHEMAS = ROOT / "src" / "typeset" / "schemas"
JUMP = re.compile(r"[（(](?:上接|下转)第\d+版[）)]")
UNIT = 1200 / 72                  # ALTO inch1200 per point
A = "{http://www.loc.gov/standards/alto/ns-v4#}"
M = "{http://www.loc.gov/METS/}"
XLINK = "{http://www.w3.org/1999/xlink}"


def run(*args, **kw):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, **kw)


# --- fixtures: both samples archived, and exported from their records ------------------------

@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    a = tmp_path_factory.mktemp("exchange") / "archive"
    for issue in (SAMPLE, DEMO):
        r = run("archive", issue, "--to", a)
        assert r.returncode == 0, r.stderr
    return a


def record_of(archive: Path, issue: Path) -> Path:
    paper = yaml.safe_load((issue / "issue.yaml").read_text(encoding="utf-8"))["paper"]
    recs = [p for p in archive.glob("records/*/v1")
            if json.loads((p / "build.json").read_text(encoding="utf-8"))["paper"] == paper]
    assert len(recs) == 1
    return recs[0]


@pytest.fixture(scope="module")
def exported(archive, tmp_path_factory):
    """{issue folder name: (record, export folder)}: `paiban export RECORD -o DIR`."""
    out = {}
    for issue in (SAMPLE, DEMO):
        rec = record_of(archive, issue)
        d = tmp_path_factory.mktemp("export") / issue.name
        r = run("export", rec, "-o", d)
        assert r.returncode == 0, r.stderr
        printed = {Path(x) for x in r.stdout.split()}
        assert printed == {p for p in d.rglob("*") if p.is_file()}
        out[issue.name] = (rec, d)
    return out


ISSUES = [SAMPLE.name, DEMO.name]


def manifest_articles(issue_name: str) -> dict:
    """article key → [(page, slot id)] in page order, from the manifest."""
    data = yaml.safe_load((ROOT / "issues" / issue_name / "issue.yaml")
                          .read_text(encoding="utf-8"))
    out: dict = {}
    for page in sorted(data["pages"], key=lambda p: p["page"]):
        for slot in page["slots"]:
            if "article" in slot:
                out.setdefault(Path(slot["article"]).stem, []).append((page["page"], slot["id"]))
    return out


def text_export(record: Path, issue_name: str) -> dict:
    """article key → the archive's text export of each of its parts (text/pNN-slot.txt: what
    the page prints of it), in page order."""
    out = {}
    for key, parts in manifest_articles(issue_name).items():
        out[key] = [(record / "text" / f"p{page:02d}-{slot}.txt").read_text(encoding="utf-8")
                    for page, slot in parts]
    return out


def thread_texts(pdf_path: Path) -> dict:
    """(thread title, page label) → the text inside that thread's beads on that page of the
    whole-issue PDF, read with pdfplumber (characters in drawing order by baseline and x)."""
    import pdfplumber
    import pikepdf

    beads: dict = {}
    with pikepdf.open(pdf_path) as pdf:
        index = {p.objgen: k for k, p in enumerate(pdf.pages)}
        labels = [str(p.label) for p in pdf.pages]
        for t in pdf.Root.Threads:
            title = str(t.I.Title)
            b, n = t.F, 0
            while True:
                beads.setdefault(title, []).append((index[b.P.objgen],
                                                    [float(v) for v in b.R]))
                b, n = b.N, n + 1
                if b.objgen == t.F.objgen or n > 1000:
                    break
    out: dict = {}
    with pdfplumber.open(pdf_path) as doc:
        for title, bs in beads.items():
            for k, (x0, y0, x1, y1) in bs:
                page = doc.pages[k]
                chars = [c for c in page.chars
                         if x0 - 2 <= (c["x0"] + c["x1"]) / 2 <= x1 + 2
                         and y0 <= c["matrix"][5] <= y1]
                chars.sort(key=lambda c: (-round(c["matrix"][5], 1), c["matrix"][4]))
                key = (title, int(labels[k]))
                out[key] = out.get(key, "") + "".join(c["text"] for c in chars)
    return out


def whole_pdf(record: Path) -> Path:
    pdfs = [p for p in (record / "pdf").glob("*.pdf") if not re.search(r"-p\d+\.pdf$", p.name)]
    assert len(pdfs) == 1
    return pdfs[0]


# --- validation against the official schemas --------------------------------------------------

def schema(name: str):
    """An XSD of src/typeset/schemas, read without the network: the XLink schema both import
    from loc.gov is the shipped copy."""
    from lxml import etree

    class Local(etree.Resolver):
        def resolve(self, url, pubid, context):
            if url == "http://www.loc.gov/standards/xlink/xlink.xsd":
                return self.resolve_filename(str(SCHEMAS / "xlink.xsd"), context)
            return None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Local())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


def test_the_shipped_schemas_are_the_official_files():
    """The XSDs are the maintainers' files byte for byte, as schemas/README.md lists them."""
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    listed = dict((name, digest) for digest, name in
                  re.findall(r"^([0-9a-f]{64})  (\S+\.xsd)$", readme, re.M))
    assert set(listed) == {"alto-4-4.xsd", "mets-1-12-1.xsd", "xlink.xsd"}
    for name, digest in listed.items():
        assert hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest() == digest, name
    head = (SCHEMAS / "alto-4-4.xsd").read_text(encoding="utf-8")[:1500]
    assert "CC BY-SA 4.0" in head and "Version 4.4" in head
    assert "Version 1.12.1" in (SCHEMAS / "mets-1-12-1.xsd").read_text(encoding="utf-8")[:4000]


@pytest.mark.parametrize("issue", ISSUES)
def test_mets_and_alto_validate_against_the_official_xsds(exported, issue):
    from lxml import etree

    _, out = exported[issue]
    alto, mets = schema("alto-4-4.xsd"), schema("mets-1-12-1.xsd")
    altos = sorted((out / "alto").glob("*.xml"))
    assert len(altos) == len({p for parts in manifest_articles(issue).values()
                              for p, _ in parts} | ({3} if issue == SAMPLE.name else set()))
    for f in altos:
        doc = etree.parse(str(f))
        assert alto.validate(doc), (f.name, [str(e) for e in alto.error_log][:5])
    doc = etree.parse(str(out / "mets.xml"))
    assert mets.validate(doc), [str(e) for e in mets.error_log][:5]
    # a picture is an Illustration just before its caption, in the picture's place
    pictures = sum(1 for parts in yaml.safe_load((ROOT / "issues" / issue / "issue.yaml")
                                                 .read_text(encoding="utf-8"))["pages"]
                   for s in parts["slots"] if "image" in s)
    found = 0
    for f in altos:
        blocks = list(next(etree.parse(str(f)).iter(f"{A}PrintSpace")))
        for k, el in enumerate(blocks):
            if el.tag == f"{A}Illustration":
                found += 1
                nxt = blocks[k + 1]
                assert nxt.get("TAGREFS") == "TAG_caption"
                assert float(nxt.get("VPOS")) > float(el.get("VPOS")) + float(el.get("HEIGHT"))
    assert found == pictures
    # the validators are not vacuous: a String without its text is refused
    doc = etree.parse(str(altos[0]))
    next(doc.iter(f"{A}String")).attrib.pop("CONTENT")
    assert not alto.validate(doc)


@pytest.mark.parametrize("issue", ISSUES)
def test_mets_describes_the_issue_its_pages_and_its_articles(exported, issue):
    import xml.etree.ElementTree as ET

    rec, out = exported[issue]
    info = json.loads((rec / "build.json").read_text(encoding="utf-8"))
    root = ET.parse(out / "mets.xml").getroot()
    assert root.get("OBJID") == info["id"]
    mods = "{http://www.loc.gov/mods/v3}"
    issue_mods = root.find(f"{M}dmdSec[@ID='DMD_ISSUE']")
    assert issue_mods.find(f".//{mods}dateIssued").text == info["date"]
    assert issue_mods.find(f".//{mods}relatedItem/{mods}titleInfo/{mods}title").text == \
        info["paper_name"]
    if info["number"]:
        assert issue_mods.find(f".//{mods}detail[@type='issue']/{mods}number").text == \
            info["number"]
    # every file listed is there, with its size and SHA-256
    files = {}
    for f in root.iter(f"{M}file"):
        href = f.find(f"{M}FLocat").get(f"{XLINK}href")
        data = (out / href).read_bytes()
        assert int(f.get("SIZE")) == len(data)
        assert f.get("CHECKSUM") == hashlib.sha256(data).hexdigest()
        files[f.get("ID")] = href
    # physical: a page PDF and its ALTO per page, in page order
    phys = root.find(f"{M}structMap[@TYPE='PHYSICAL']")
    pages = [int(d.get("ORDERLABEL")) for d in phys.iter(f"{M}div") if d.get("TYPE") == "page"]
    assert pages == info["pages"]
    for d in phys.iter(f"{M}div"):
        if d.get("TYPE") == "page":
            hrefs = sorted(files[f.get("FILEID")] for f in d.findall(f"{M}fptr"))
            n = int(d.get("ORDERLABEL"))
            assert hrefs[0].startswith("alto/") and hrefs[0].endswith(f"-p{n:02d}.xml")
            assert hrefs[1].startswith("pdf/") and hrefs[1].endswith(f"-p{n:02d}.pdf")
            assert (rec / "pdf" / Path(hrefs[1]).name).read_bytes() == \
                (out / hrefs[1]).read_bytes()
    # logical: each article of the manifest, its parts on the pages the manifest names, each
    # part's areas pointing at text blocks of that page's ALTO
    logical = root.find(f"{M}structMap[@TYPE='LOGICAL']")
    dmd = {s.get("ID"): s for s in root.findall(f"{M}dmdSec")}
    got = {}
    for d in logical.iter(f"{M}div"):
        if d.get("TYPE") != "article":
            continue
        key = dmd[d.get("DMDID")].find(f".//{mods}identifier[@type='local']").text
        parts = [p for p in d.findall(f"{M}div") if p.get("TYPE") == "part"]
        got[key] = [int(p.get("ORDERLABEL")) for p in parts]
        assert files[d.find(f"{M}fptr").get("FILEID")] == f"articles/{key}.pdf"
        for p in parts:
            for area in p.iter(f"{M}area"):
                alto = ET.parse(out / files[area.get("FILEID")]).getroot()
                assert alto.find(f".//{A}TextBlock[@ID='{area.get('BEGIN')}']") is not None
                assert files[area.get("FILEID")].endswith(f"-p{int(p.get('ORDERLABEL')):02d}.xml")
    want = {k: [p for p, _ in v] for k, v in manifest_articles(issue).items()}
    assert got == want
    if issue == DEMO.name:
        assert got["02-chuanyu-kepu"] == [1, 4]        # the continued story, both parts


# --- ALTO positions are the PDF's ---------------------------------------------------------------

@pytest.mark.parametrize("issue", ISSUES)
def test_alto_glyphs_are_where_the_pdf_draws_them(exported, issue):
    """Every character pdfplumber reads inside a page's TrimBox is a Glyph of that page's
    ALTO, at the same place (1/1200 inch from the trim's top-left corner), in its String."""
    import xml.etree.ElementTree as ET

    import pdfplumber
    import pikepdf

    _, out = exported[issue]
    for f in sorted((out / "alto").glob("*.xml")):
        pdf = out / "pdf" / f"{f.stem}.pdf"
        with pikepdf.open(pdf) as p:
            left, bottom, right, top = [float(v) for v in p.pages[0].TrimBox]
        glyphs = {}
        root = ET.parse(f).getroot()
        for s in root.iter(f"{A}String"):
            gs = s.findall(f"{A}Glyph")
            assert "".join(g.get("CONTENT") for g in gs) == s.get("CONTENT")
            for g in gs:
                glyphs.setdefault(g.get("CONTENT"), []).append(
                    (float(g.get("HPOS")), float(g.get("VPOS")) + float(g.get("HEIGHT"))))
        with pdfplumber.open(pdf) as doc:
            page = doc.pages[0]
            chars = [c for c in page.chars if not c["text"].isspace()
                     and left <= c["matrix"][4] <= right and bottom <= c["matrix"][5] <= top]
        assert len(chars) > 300
        assert len(chars) == sum(map(len, glyphs.values()))
        for c in chars:
            x = (c["matrix"][4] - left) * UNIT
            base = (top - c["matrix"][5]) * UNIT
            # the em box's foot is 0.12 em below the baseline (PDFium's box of a CJK face)
            near = [g for g in glyphs.get(c["text"], ())
                    if abs(g[0] - x) <= 1.5 and abs(g[1] - base) <= 0.2 * c["size"] * UNIT]
            assert near, (f.name, c["text"], x, base)


# --- reading the package back ------------------------------------------------------------------

def as_text_export(parts: list[dict]) -> list[str]:
    """An article's read_mets entries in the archive's text export format: a file per part
    (the headline, then the kicker and subtitle over the first part, the paragraphs printed
    on that page, the byline where it is printed)."""
    out = []
    for k, p in enumerate(parts):
        lines = [x for x in ((p["kicker"], p["headline"], p["subtitle"]) if k == 0 else
                             (p["headline"],)) if x]
        lines += ["", p["text"].replace("\n", "\n\n")]
        if p["byline"]:
            lines += ["", p["byline"]]
        out.append("\n".join(lines) + "\n")
    return out


@pytest.mark.parametrize("issue", ISSUES)
def test_reading_the_package_back_gives_the_archives_text(exported, issue):
    from typeset.exchange import read_mets

    rec, out = exported[issue]
    entries = read_mets(out / "mets.xml")
    arts: dict = {}
    for e in entries:
        arts.setdefault(e["article"], []).append(e)
    want = text_export(rec, issue)
    assert set(arts) == set(want)
    for key, parts in arts.items():
        assert [p["page"] for p in parts] == [p for p, _ in manifest_articles(issue)[key]]
        assert as_text_export(parts) == want[key], key


@pytest.mark.parametrize("issue", ISSUES)
def test_each_page_of_an_article_reads_back_with_its_own_text(exported, issue):
    """The text read back for (article, page) is what the issue PDF prints along the article's
    thread on that page: a phrase printed only on page 4 of the continued story is found on
    page 4 and not on page 1."""
    from typeset.exchange import read_mets

    rec, out = exported[issue]
    along = thread_texts(whole_pdf(rec))
    entries = read_mets(out)
    for e in entries:
        printed = squash(JUMP.sub("", along[(e["headline"], e["page"])]))
        assert squash(e["text"] + (e["byline"] or "")) == printed, (e["article"], e["page"])
    if issue == DEMO.name:
        p1, p4 = [e for e in entries if e["article"] == "02-chuanyu-kepu"]
        assert (p1["page"], p4["page"], p4["continues"]) == (1, 4, True)
        phrase = squash(p4["text"])[40:52]
        assert phrase in squash(p4["text"]) and phrase not in squash(p1["text"])


def test_a_continuation_without_its_jieti_takes_the_headline_from_the_mets(exported, tmp_path):
    """A continuation printed without a 接题 (a template may leave it out) has no headline
    of its own in the ALTO: read_mets gives the article's headline from its MODS record."""
    from typeset.exchange import read_mets

    _, out = exported[DEMO.name]
    pkg = tmp_path / "pkg"
    shutil.copytree(out, pkg)
    text = (pkg / "mets.xml").read_text(encoding="utf-8")
    before = read_mets(pkg)
    part = next(e for e in before if e["part"] == 2)
    # the part's first area is its headline group (the 接题): drop it
    m = re.search(r'(<mets:div TYPE="part" ID="ART\d+_P%d"[^>]*>\s*<mets:fptr>\s*<mets:seq>\s*)'
                  r'<mets:area [^>]*/>\s*' % part["page"], text)
    (pkg / "mets.xml").write_text(text[:m.start()] + m.group(1) + text[m.end():],
                                  encoding="utf-8")
    after = read_mets(pkg)
    assert after == before


def test_read_mets_errors_name_the_file_and_line(exported, tmp_path):
    from typeset.errors import InputError
    from typeset.exchange import read_mets

    _, out = exported[SAMPLE.name]
    pkg = tmp_path / "pkg"
    shutil.copytree(out, pkg)
    text = (pkg / "mets.xml").read_text(encoding="utf-8")
    (pkg / "mets.xml").write_text(text.replace("</mets:fileSec>", "</mets:fileSek>"),
                                  encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_mets(pkg)
    line = text[:text.index("</mets:fileSec>")].count("\n") + 1
    assert f"mets.xml:{line}:" in str(e.value) and "not well-formed" in str(e.value)
    (pkg / "mets.xml").write_text(text, encoding="utf-8")
    next((pkg / "alto").glob("*.xml")).unlink()
    with pytest.raises(InputError, match="which is not there"):
        read_mets(pkg / "mets.xml")


# --- per-article PDFs --------------------------------------------------------------------------

def pdftotext_pages(pdf: Path) -> list[str]:
    text = subprocess.run([need("pdftotext"), "-raw", "-enc", "UTF-8", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


@pytest.mark.parametrize("issue", ISSUES)
def test_each_article_pdf_holds_its_article_and_nothing_else(exported, issue):
    """articles/KEY.pdf has a page per page the article is printed on (labelled with the page
    number); pdftotext reads on each page the article's headline group (the kicker, headline
    and subtitle on its first page, the 接题 on a continuation), the text printed along its
    thread on that page and its jump lines — and nothing of any other article."""
    import pikepdf

    rec, out = exported[issue]
    along = thread_texts(whole_pdf(rec))
    exports = text_export(rec, issue)
    articles = manifest_articles(issue)
    assert {p.stem for p in (out / "articles").glob("*.pdf")} == set(articles)
    for key, parts in articles.items():
        pdf = out / "articles" / f"{key}.pdf"
        head_lines = exports[key][0].split("\n\n")[0].split("\n")
        headline = next(t for (t, _) in along if t in head_lines)
        pages = pdftotext_pages(pdf)
        with pikepdf.open(pdf) as p:
            assert [str(pg.label) for pg in p.pages] == [str(n) for n, _ in parts]
            assert str(p.docinfo.Title) == headline
        for k, ((n, _), text) in enumerate(zip(parts, pages)):
            head = squash("".join(head_lines)) if k == 0 else squash(headline)
            got = squash(text)
            assert got.startswith(head), (key, n, got[:40])
            assert squash(JUMP.sub("", got[len(head):])) == \
                squash(JUMP.sub("", along[(headline, n)])), (key, n)
            if len(parts) > 1:
                jump = f"（下转第{parts[k + 1][0]}版）" if k + 1 < len(parts) else \
                    f"（上接第{parts[k - 1][0]}版）"
                assert jump in got, (key, n)
    if issue == DEMO.name:
        assert len(pdftotext_pages(out / "articles" / "02-chuanyu-kepu.pdf")) == 2


def test_an_article_pdf_is_cropped_to_its_block(exported):
    """The continued story's pages are its block on page 1 and on page 4, not whole pages."""
    import pikepdf

    rec, out = exported[DEMO.name]
    with pikepdf.open(out / "articles" / "02-chuanyu-kepu.pdf") as art, \
            pikepdf.open(whole_pdf(rec)) as whole:
        trim = [float(v) for v in whole.pages[0].TrimBox]
        for pg in art.pages:
            box = [float(v) for v in pg.MediaBox]
            assert box == [float(v) for v in pg.CropBox]
            # two of the page's four columns, not the page
            assert box[2] - box[0] < (trim[2] - trim[0]) * 0.6
            assert trim[0] - 1 <= box[0] and box[2] <= trim[2] + 1
            assert "/XObject" not in pg.Resources       # the pictures are left out


# --- from an issue folder; the same bytes every time ----------------------------------------------

def test_export_from_an_issue_folder_with_one_part_at_a_time(exported, tmp_path):
    from typeset.exchange import read_mets

    _, from_record = exported[SAMPLE.name]
    mets_only = tmp_path / "mets"
    r = run("export", SAMPLE, "-o", mets_only, "--mets")
    assert r.returncode == 0, r.stderr
    assert not (mets_only / "articles").exists() and (mets_only / "mets.xml").is_file()
    assert not (SAMPLE / "out" / "mets.xml").exists()
    assert read_mets(mets_only) == read_mets(from_record)
    alto = next((mets_only / "alto").glob("*.xml"))
    assert alto.read_bytes() == (from_record / "alto" / alto.name).read_bytes()
    arts = tmp_path / "arts"
    r = run("export", SAMPLE, "-o", arts, "--articles")
    assert r.returncode == 0, r.stderr
    assert not (arts / "mets.xml").exists()
    for p in (from_record / "articles").glob("*.pdf"):
        assert (arts / "articles" / p.name).read_bytes() == p.read_bytes(), p.name


def test_the_same_record_exports_the_same_bytes(exported, tmp_path):
    rec, first = exported[DEMO.name]
    again = tmp_path / "again"
    r = run("export", rec.parent, "-o", again)       # records/<id>: its latest version
    assert r.returncode == 0, r.stderr
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for f in files:
        assert (first / f).read_bytes() == (again / f).read_bytes(), f


# --- errors --------------------------------------------------------------------------------------

def test_export_usage_and_io_errors(tmp_path):
    r = run("export", tmp_path / "nothing", "-o", tmp_path / "out")
    assert r.returncode == 2 and "does not exist" in r.stderr
    (tmp_path / "empty").mkdir()
    r = run("export", tmp_path / "empty", "-o", tmp_path / "out")
    assert r.returncode == 2 and "neither an issue folder" in r.stderr
    (tmp_path / "file").write_text("x")
    r = run("export", SAMPLE, "-o", tmp_path / "file" / "out", "--articles")
    assert r.returncode == 74, r.stderr
    assert "Traceback" not in r.stderr and str(tmp_path / "file") in r.stderr


def test_a_bad_issue_folder_is_reported_as_build_reports_it(tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    text = (issue / "issue.yaml").read_text(encoding="utf-8")
    (issue / "issue.yaml").write_text(text.replace("column: 1", "colum: 1", 1), encoding="utf-8")
    r = run("export", issue, "-o", tmp_path / "out")
    assert r.returncode == 3 and "unknown key 'colum'" in r.stderr
    assert not (tmp_path / "out").exists()


def test_an_overset_slot_the_manifest_allows_exports_what_is_printed(tmp_path):
    """Text over an allowed overset slot is not in the PDF: the export says so, as build
    does, and reads back the text printed, not the article file's."""
    from typeset.exchange import read_mets

    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    text = (issue / "issue.yaml").read_text(encoding="utf-8")
    (issue / "issue.yaml").write_text(text.replace(
        "        article: 04-butuo-fupin.txt\n",
        "        article: 04-butuo-fupin.txt\n        lines: 12\n        allow_overset: true\n",
        1), encoding="utf-8")
    out = tmp_path / "out"
    r = run("export", issue, "-o", out)
    assert r.returncode == 0, r.stderr
    assert re.search(r"warning: .*slot 'butuo'.*NOT in the PDF", r.stderr), r.stderr
    along = thread_texts(out / "pdf" / "sichuan-kejibao-2020-08-04-p03.pdf")
    (entry,) = [e for e in read_mets(out) if e["article"] == "04-butuo-fupin"]
    printed = squash(along[(entry["headline"], 3)])
    full = squash((SAMPLE / "04-butuo-fupin.txt").read_text(encoding="utf-8").split("\n\n", 1)[1])
    assert squash(entry["text"]) == printed and entry["byline"] is None
    assert 100 < len(printed) < len(full) - 100 and full.startswith(printed[:50])
    pages = pdftotext_pages(out / "articles" / "04-butuo-fupin.pdf")
    assert squash(pages[0]).endswith(printed)


def copy_record(archive: Path, issue: Path, tmp_path: Path) -> Path:
    """A copy of the archive (so the module's stays as it is) and its record of ``issue``."""
    a = tmp_path / "archive"
    shutil.copytree(archive, a)
    return record_of(a, issue)


def test_a_record_whose_pdf_changed_is_refused(archive, tmp_path):
    rec = copy_record(archive, SAMPLE, tmp_path)
    pdf = next((rec / "pdf").glob("*-p03.pdf"))
    data = bytearray(pdf.read_bytes())
    data[-20] ^= 1
    pdf.write_bytes(bytes(data))
    r = run("export", rec, "-o", tmp_path / "out")
    assert r.returncode == 6, r.stderr
    assert pdf.name in r.stderr and "MANIFEST.sha256" in r.stderr
    assert not (tmp_path / "out").exists()


def test_a_record_laid_out_differently_is_refused(archive, tmp_path):
    """The stored inputs no longer give the stored PDFs (as when another version of typeset
    archived the record): the export cannot tell the articles apart and says so."""
    rec = copy_record(archive, SAMPLE, tmp_path)
    art = rec / "inputs" / "05-dazhou-liunao.txt"
    text = art.read_text(encoding="utf-8").replace("培训", "训练", 1)
    art.write_text(text, encoding="utf-8")
    # a consistent record (its manifest agrees), only not the one the PDFs were drawn from
    man = rec / "MANIFEST.sha256"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    man.write_text("".join(f"{digest}  {art.relative_to(rec).as_posix()}\n"
                           if ln.endswith(f"  {art.relative_to(rec).as_posix()}") else ln + "\n"
                           for ln in man.read_text(encoding="utf-8").splitlines()),
                   encoding="utf-8")
    r = run("export", rec, "-o", tmp_path / "out")
    assert r.returncode == 6, r.stderr
    assert "were not drawn from the layout" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()
