"""Fonts.

Metrics follow their files (issue #13 item 8, issue #14 item 10): a font replaced while
`watch` runs is measured afresh at the next layout, a layout keeps the metrics it started
with, and the metrics cache on disk stays bounded.

Fonts as users have them (issue #17): Noto Serif CJK SC as Debian ships it (an OpenType
collection with CFF outlines, fonts-noto-cjk, installed by `make tools`), the .otf taken out
of it and the TrueType file typeset converts it to set the same page, read back the same; the
conversion is made once and cached; a face of a collection is chosen by index or name; a .ttf
without a half-width companion gets one.  A fallback chain per role: names outside the body
face (䶮 𬌗 𠮷) are set from the fallback faces and read back from the PDF, a character no face
has is exit 3 naming it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET, pdftotext_raw, need
from test_pdf_text import widen

import typeset.fonts as fonts_mod
from typeset.errors import TypesetError


@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(d))
    monkeypatch.delenv("TYPESET_PROJECT", raising=False)
    return d / "typeset" / "metrics"


def link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def make_project(proj: Path, skip=()) -> Path:
    """A project of its own: the layout copied, the font files linked (the fallback faces
    too), the sample issue copied; font files named in ``skip`` left out."""
    shutil.copytree(ROOT / "layout", proj / "layout")
    (proj / "fonts").mkdir()
    for f in (ROOT / "fonts").glob("*.ttf"):
        if f.name not in skip:
            link_or_copy(f, proj / "fonts" / f.name)
    shutil.copytree(SAMPLE, proj / "issues" / SAMPLE.name, ignore=shutil.ignore_patterns("out"))
    return proj


def without_fallback(proj: Path) -> None:
    """The project's fonts.yaml without its fallback faces."""
    y = proj / "layout" / "fonts.yaml"
    text = y.read_text(encoding="utf-8")
    assert "\nfallback:" in text
    y.write_text(re.sub(r"\nfallback:.*\n", "\n", text), encoding="utf-8")


@pytest.fixture
def project(tmp_path, cache):
    """A project of its own (layout and font files) holding the sample issue."""
    return make_project(tmp_path / "project")


def test_a_font_replaced_between_two_layouts_is_read_again(project):
    """As `watch` does: lay the issue out, replace the byline face's file by one that lacks
    the bylines' characters, lay it out again in the same process: the glyph check (on the
    pages set from that layout, as `check` and `build` set them) sees the new file's
    character map and names the missing characters."""
    from typeset.build import check_issue, lay_out

    without_fallback(project)
    issue_dir = project / "issues" / SAMPLE.name
    first = lay_out(issue_dir, 1)
    assert first.report.slots
    kai = project / "fonts" / "TypesetKaiSC-Regular.ttf"
    tmp = kai.with_suffix(".new")
    shutil.copyfile(project / "fonts" / "TypesetKaiSC-Regular-Halt.ttf", tmp)
    os.replace(tmp, kai)          # a new file renamed into place, as an installer does
    with pytest.raises(TypesetError) as e:
        check_issue(issue_dir, 1)
    msg = str(e.value)
    assert "'渝'" in msg and "TypesetKaiSC-Regular.ttf" in msg, msg    # byline （渝科）


def test_a_table_measures_with_the_file_it_first_saw_and_the_next_with_the_new(tmp_path,
                                                                                cache):
    """Advances come from the file as it is when a font table (one layout) first asks; the
    table made after the file was replaced (the next layout) measures with the new one,
    although path, face name and PostScript name are the same."""
    from typeset.fonts import load_font_table

    root = tmp_path / "proj"
    (root / "fonts").mkdir(parents=True)
    src = ROOT / "fonts" / "TypesetSerifSC-Regular-Halt.ttf"
    font = root / "fonts" / "f.ttf"
    shutil.copyfile(src, font)
    data = {"faces": {"f": {"file": "fonts/f.ttf"}}, "roles": {"body": "f"}}

    def table():
        return load_font_table(root / "fonts.yaml", data, root)

    before = table()
    assert before.face("body").advance("，") == 0.5
    widen(src, font, "，", 730)
    after = table()
    assert after.spec("body") == before.spec("body")         # nothing else tells them apart
    assert after.face("body").advance("，") == 0.73
    assert before.face("body").advance("，") == 0.5           # one layout, one set of metrics


def test_the_metrics_cache_on_disk_is_bounded(tmp_path, cache, monkeypatch):
    """Entries unused for CACHE_MAX_AGE go; then the least recently used until the folder
    holds CACHE_MAX_BYTES; a killed writer's old temporary file goes too; an entry read
    again is marked used and kept."""
    cache.mkdir(parents=True)
    now = time.time()

    def entry(name, age, size=1000):
        p = cache / name
        p.write_bytes(b"x" * size)
        os.utime(p, (now - age, now - age))
        return p

    ancient = entry("ancient.pickle", fonts_mod.CACHE_MAX_AGE + 10)
    old = [entry(f"old{k}.pickle", 7200 + 100 * k) for k in range(5)]   # old4 the oldest
    recent = entry("recent.pickle", 10)
    stale_tmp = entry("x.123.tmp", 7200)
    fresh_tmp = entry("y.456.tmp", 10)
    monkeypatch.setattr(fonts_mod, "CACHE_MAX_BYTES", 3600)
    font = tmp_path / "f.ttf"
    shutil.copyfile(ROOT / "fonts" / "TypesetSerifSC-Regular-Halt.ttf", font)
    fonts_mod.font_metrics(font)        # a new font: its entry is written, then pruned
    left = {p.name for p in cache.iterdir()}
    written = [n for n in left if n.endswith(".pickle") and n not in
               {p.name for p in old + [recent, ancient]}]
    assert len(written) == 1
    assert not ancient.exists() and not stale_tmp.exists() and fresh_tmp.exists()
    assert recent.exists()
    # 3600 bytes: the new entry (~500 bytes), recent and the two youngest old ones
    assert sum(p.stat().st_size for p in cache.glob("*.pickle")) <= 3600
    assert [p.exists() for p in old] == [True, True, False, False, False]
    # a hit on an old entry marks it used (its mtime), so it is pruned last
    entry_path = cache / written[0]
    os.utime(entry_path, (now - 7200, now - 7200))
    fonts_mod._metrics.cache_clear()
    fonts_mod.font_metrics(font)
    assert time.time() - entry_path.stat().st_mtime < 60


def test_the_metrics_cache_never_grows_past_its_bound(tmp_path, cache, monkeypatch):
    """Many fonts seen one after another (as copies in temporary folders, or a long `watch`
    session replacing files): the folder stays within CACHE_MAX_BYTES."""
    monkeypatch.setattr(fonts_mod, "CACHE_MAX_BYTES", 4000)
    src = ROOT / "fonts" / "TypesetSerifSC-Regular-Halt.ttf"
    for k in range(30):
        f = tmp_path / f"f{k}.ttf"
        shutil.copyfile(src, f)
        fonts_mod.font_metrics(f)
        assert sum(p.stat().st_size for p in cache.iterdir()) <= 4000
    assert len(list(cache.glob("*.pickle"))) >= 3


# --- issue #17: fonts as users have them --------------------------------------------------------

NOTO_OTC = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
SONG = "song:      {file: fonts/TypesetSerifSC-Regular.ttf}"


def typeset(*args, cache: Path, cwd=ROOT):
    """Run typeset with ``cache`` as $XDG_CACHE_HOME (metrics under cache/typeset/metrics,
    derived fonts under cache/typeset/fonts)."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    env.pop("TYPESET_PROJECT", None)
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env=env)


def set_face(proj: Path, face: str, old: str = SONG) -> Path:
    """Replace a face line of the project's fonts.yaml (``song`` by default); the file."""
    y = proj / "layout" / "fonts.yaml"
    text = y.read_text(encoding="utf-8")
    assert old in text
    y.write_text(text.replace(old, face), encoding="utf-8")
    return y


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def noto(tmp_path_factory):
    """A project whose body face can be Noto Serif CJK SC as Debian ships it (the .ttc of
    fonts-noto-cjk: an OpenType collection with CFF outlines, face 2 is SC) and as an .otf taken
    out of it with fontTools (the tables as they are: how Noto's own SC .otf is made), with a
    derived-font cache shared by the module's builds."""
    if not NOTO_OTC.is_file():
        pytest.fail(f"{NOTO_OTC} is missing: install fonts-noto-cjk (`make tools` does)")
    from fontTools.ttLib import TTFont

    base = tmp_path_factory.mktemp("noto")
    proj = make_project(base / "project")
    link_or_copy(NOTO_OTC, proj / "fonts" / NOTO_OTC.name)
    tt = TTFont(str(NOTO_OTC), fontNumber=2, lazy=True, recalcTimestamp=False)
    tt.save(str(proj / "fonts" / "NotoSerifCJKsc-Regular.otf"))
    tt.close()
    original = (proj / "layout" / "fonts.yaml").read_text(encoding="utf-8")
    return dict(proj=proj, cache=base / "cache", issue=proj / "issues" / SAMPLE.name,
                original=original)


def noto_face(noto, face: str) -> None:
    (noto["proj"] / "layout" / "fonts.yaml").write_text(noto["original"], encoding="utf-8")
    set_face(noto["proj"], f"song: {face}")


def test_the_same_page_from_the_otc_the_otf_and_the_converted_ttf(noto, tmp_path):
    """The sample page with its body face set from Noto Serif CJK SC as the collection's face 2,
    as the same face picked by name, as the .otf and as the TrueType file typeset converted it
    to, copied into the project: the same text read back, the same glyphs at the same places
    (the four PDFs are the same bytes).  The conversion is made once — by the first build, which
    says so — and then found in the cache by the face's content, whatever file holds it."""
    variants = {
        "otc": "{file: fonts/NotoSerifCJK-Regular.ttc, index: 2}",
        "otc-by-name": "{file: fonts/NotoSerifCJK-Regular.ttc, face: Noto Serif CJK SC}",
        "otf": "{file: fonts/NotoSerifCJKsc-Regular.otf}",
    }
    pages = {}
    for name, face in variants.items():
        noto_face(noto, face)
        r = typeset("build", noto["issue"], "-o", tmp_path / name, cache=noto["cache"])
        assert r.returncode == 0, r.stderr
        converting = re.findall(r"fonts: converting (.*) to TrueType outlines \(once", r.stderr)
        assert converting == (["NotoSerifCJK-Regular.ttc face 2"] if name == "otc" else []), \
            (name, r.stderr)
        pages[name] = next((tmp_path / name).glob("*-p03.pdf"))
    derived = sorted((noto["cache"] / "typeset" / "fonts").glob("*-ttf*.ttf"))
    assert len(derived) == 1, derived
    assert fonts_mod.sfnt_faces(derived[0])[0][0] == b"\0\1\0\0"       # TrueType outlines
    shutil.copyfile(derived[0], noto["proj"] / "fonts" / "NotoSerifSC-converted.ttf")
    noto_face(noto, "{file: fonts/NotoSerifSC-converted.ttf}")
    r = typeset("build", noto["issue"], "-o", tmp_path / "ttf", cache=noto["cache"])
    assert r.returncode == 0 and "converting" not in r.stderr, r.stderr
    pages["ttf"] = next((tmp_path / "ttf").glob("*-p03.pdf"))

    texts = {name: pdftotext_raw(p) for name, p in pages.items()}
    assert len(set(texts.values())) == 1, {k: len(v) for k, v in texts.items()}
    assert "川渝科协共建共享科普工作格局" in texts["otf"]
    fonts_used = subprocess.run([need("pdffonts"), str(pages["otf"])], capture_output=True,
                                text=True, check=True).stdout
    assert "NotoSerifCJKsc-Regular" in fonts_used and "TypesetSerifSC" not in fonts_used
    digests = {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in pages.items()}
    assert len(set(digests.values())) == 1, digests


def test_an_issue_set_from_a_collection_is_archived_with_it_and_rebuilt_the_same(noto,
                                                                                 tmp_path):
    """The archive keeps the project's own font files — the .ttc, not the TrueType file
    derived from it, which lies in a cache outside the project — and a rebuild derives it
    again: the PDFs are byte-identical."""
    import json

    noto_face(noto, "{file: fonts/NotoSerifCJK-Regular.ttc, index: 2}")
    arch = tmp_path / "archive"
    r = typeset("archive", noto["issue"], "--archive", arch, cache=noto["cache"])
    assert r.returncode == 0, r.stderr
    fonts_json = next(arch.glob("records/**/fonts.json"))
    names = json.loads(fonts_json.read_text(encoding="utf-8"))
    assert "fonts/NotoSerifCJK-Regular.ttc" in names, names
    assert all(n.startswith("fonts/") for n in names), names
    r = typeset("rebuild", "sichuan-kejibao-2020-08-04", "--archive", arch, cache=noto["cache"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "identical" in r.stdout and "DIFFERENT" not in r.stdout


def test_a_collection_face_must_be_named_and_exist(noto):
    """A collection without 'index:' or 'face:', an index past its faces, a name no face has:
    exit 3 naming fonts.yaml and the line, with the faces there are (nothing converted)."""
    y = noto["proj"] / "layout" / "fonts.yaml"
    cases = [
        ("{file: fonts/NotoSerifCJK-Regular.ttc}",
         r"is a collection of 5 faces \(0: Noto Serif CJK JP.*2: Noto Serif CJK SC.*\); say "
         r"which with 'index:' or 'face:' under 'song'"),
        ("{file: fonts/NotoSerifCJK-Regular.ttc, index: 5}",
         r"has no face 5: it is a collection of 5 faces, 0 to 4"),
        ("{file: fonts/NotoSerifCJK-Regular.ttc, face: Noto Serif CJK XX}",
         r"has no face named 'Noto Serif CJK XX' \(faces: 0: Noto Serif CJK JP"),
        ("{file: fonts/NotoSerifCJKsc-Regular.otf, index: 1}",
         r"has no face 1: it holds one face \(index 0\)"),
    ]
    for face, message in cases:
        noto_face(noto, face)
        r = typeset("check", noto["issue"], cache=noto["cache"])
        assert r.returncode == 3, (face, r.stderr)
        assert re.search(rf"{re.escape(str(y))}:\d+:\d+: font file '.*' {message}",
                         r.stderr), (face, r.stderr)
        assert "converting" not in r.stderr


def test_font_roles_file_mistakes_name_file_and_line(tmp_path, cache):
    """fonts.yaml's new keys are checked like the others: a role's list naming a face that
    is not defined, a fallback naming one, 'index' and 'face' together, an index that is not a
    whole number, a cache folder outside the project."""
    proj = make_project(tmp_path / "p")
    y = proj / "layout" / "fonts.yaml"
    issue = proj / "issues" / SAMPLE.name
    cases = [
        (("  body: song\n", "  body: [song, hanamin-c]\n"),
         r"fonts\.yaml:\d+:\d+: role 'body' names face 'hanamin-c', which is not defined under "
         r"'faces' \(did you mean 'hanamin-.'\?\)"),
        (("fallback: [hanamin-a, hanamin-b]", "fallback: [hanamin-a, hanamin]"),
         r"fonts\.yaml:\d+:\d+: 'fallback' names face 'hanamin', which is not defined"),
        ((SONG, "song: {file: fonts/TypesetSerifSC-Regular.ttf, index: 0, face: x}"),
         r"fonts\.yaml:\d+:\d+: face 'song' gives both 'index' and 'face'"),
        ((SONG, "song: {file: fonts/TypesetSerifSC-Regular.ttf, index: two}"),
         r"fonts\.yaml:\d+:\d+: 'index': expected a whole number"),
        (("fallback: [hanamin-a, hanamin-b]", "fallback: [hanamin-a, hanamin-b]\ncache: ../x"),
         r"fonts\.yaml:\d+:\d+: cache folder '\.\./x' is outside the project folder"),
    ]
    original = y.read_text(encoding="utf-8")
    for (old, new), message in cases:
        y.write_text(original.replace(old, new), encoding="utf-8")
        assert new in y.read_text(encoding="utf-8")
        r = typeset("check", issue, cache=cache.parent.parent)
        assert r.returncode == 3 and re.search(message, r.stderr), (new, r.stderr)


def test_a_font_file_without_usable_outlines_is_refused_by_name(tmp_path, cache):
    """A variable font with CFF2 outlines, a file with no outlines at all: exit 3 saying why,
    not a traceback (the table's tag rewritten in a small real font)."""
    proj = make_project(tmp_path / "p")
    set_face(proj, "song: {file: fonts/odd.ttf}")
    src = (ROOT / "fonts" / "TypesetSerifSC-Regular-Halt.ttf").read_bytes()
    at = src.index(b"glyf", 12)
    for tag, why in ((b"CFF2", "has CFF2 outlines"), (b"xxxx", "has no glyph outlines")):
        (proj / "fonts" / "odd.ttf").write_bytes(src[:at] + tag + src[at + 4:])
        r = typeset("check", proj / "issues" / SAMPLE.name, cache=cache.parent.parent)
        assert r.returncode == 3, r.stderr
        assert re.search(rf"fonts\.yaml:\d+:\d+: font file 'fonts/odd\.ttf' {why}", r.stderr), \
            r.stderr


def test_a_ttf_without_a_companion_gets_one_derived(tmp_path, cache, sample_build):
    """The Kai face without its -Halt.ttf beside it: the build derives the half-width
    punctuation companion into the cache — the same bytes as the committed one, the same
    function made it — and draws compressed marks with it: the page is the sample's, byte for
    byte."""
    proj = make_project(tmp_path / "p", skip={"TypesetKaiSC-Regular-Halt.ttf"})
    r = typeset("build", proj / "issues" / SAMPLE.name, "-o", tmp_path / "out",
                cache=cache.parent.parent)
    assert r.returncode == 0, r.stderr
    derived = list((cache.parent / "fonts").glob("*-halt*.ttf"))
    assert len(derived) == 1, derived
    assert derived[0].read_bytes() == (ROOT / "fonts" / "TypesetKaiSC-Regular-Halt.ttf") \
        .read_bytes()
    page = next((tmp_path / "out").glob("*-p03.pdf"))
    assert page.read_bytes() == sample_build.page_pdfs[0].read_bytes()


def test_a_face_of_a_truetype_collection_is_taken_out(tmp_path, cache, sample_build):
    """A .ttc of TrueType faces (the Kai and the Serif face, put together with fontTools):
    the body face as face 1 is taken out into the cache with its tables as they are, gets its
    companion (derived: the same bytes as the committed one) and sets the sample page byte for
    byte."""
    from fontTools.ttLib import TTCollection, TTFont

    proj = make_project(tmp_path / "p")
    coll = TTCollection()
    coll.fonts = [TTFont(str(ROOT / "fonts" / f), lazy=True, recalcTimestamp=False)
                  for f in ("TypesetKaiSC-Regular.ttf", "TypesetSerifSC-Regular.ttf")]
    coll.save(str(proj / "fonts" / "two.ttc"))
    set_face(proj, "song: {file: fonts/two.ttc, index: 1}")
    r = typeset("build", proj / "issues" / SAMPLE.name, "-o", tmp_path / "out",
                cache=cache.parent.parent)
    assert r.returncode == 0, r.stderr
    assert "converting" not in r.stderr                   # TrueType outlines: nothing to convert
    derived = cache.parent / "fonts"
    assert len(list(derived.glob("*-ttf*.ttf"))) == 1
    halt = list(derived.glob("*-halt*.ttf"))
    assert len(halt) == 1 and halt[0].read_bytes() == \
        (ROOT / "fonts" / "TypesetSerifSC-Regular-Halt.ttf").read_bytes()
    page = next((tmp_path / "out").glob("*-p03.pdf"))
    assert page.read_bytes() == sample_build.page_pdfs[0].read_bytes()


def test_the_project_may_keep_derived_fonts(tmp_path, cache):
    """'cache:' in fonts.yaml: derived files go into that folder of the project (shared by
    everyone who builds from it), not the user's cache folder."""
    proj = make_project(tmp_path / "p", skip={"TypesetKaiSC-Regular-Halt.ttf"})
    y = proj / "layout" / "fonts.yaml"
    y.write_text(y.read_text(encoding="utf-8") + "cache: .typeset-cache\n", encoding="utf-8")
    r = typeset("check", proj / "issues" / SAMPLE.name, cache=cache.parent.parent)
    assert r.returncode == 0, r.stderr
    assert len(list((proj / ".typeset-cache").glob("*-halt*.ttf"))) == 1
    assert not (cache.parent / "fonts").exists()


def test_the_derived_font_cache_is_bounded(tmp_path, cache, monkeypatch):
    """Derived files unused for DERIVED_MAX_AGE go, then the least recently used beyond
    DERIVED_MAX_BYTES — but not one used in the last two hours (another build may be about to
    open it): the folder stays over its bound for that while."""
    src = ROOT / "fonts" / "TypesetSerifSC-Regular-Halt.ttf"
    derived = cache.parent / "fonts"
    made = []
    for k in range(6):
        f = tmp_path / f"f{k}.ttf"
        widen(src, f, "，", 1000)            # a mark 1 em wide: the file gets a companion
        widen(f, f, "。", 600 + k)           # and each file is another face
        _, halt = fonts_mod.writer_files(f, None, derived)
        made.append(halt)
        assert halt.is_file()
        size = halt.stat().st_size
        old = time.time() - 3 * 3600 - 100 * (6 - k)      # used three hours ago, oldest first
        os.utime(halt, (old, old))
        monkeypatch.setattr(fonts_mod, "DERIVED_MAX_BYTES", 3 * size + size // 2)
    # the last call pruned: at most three entries' worth left, the newest kept
    left = sorted(derived.glob("*.ttf"))
    assert sum(p.stat().st_size for p in left) <= 3 * size + size // 2, left
    assert made[-1].is_file() and not made[0].exists()
    # entries used recently are spared, whatever the bound
    monkeypatch.setattr(fonts_mod, "DERIVED_MAX_BYTES", 1)
    for p in left:
        os.utime(p)
    f = tmp_path / "g.ttf"
    widen(src, f, "，", 1000)
    fonts_mod.writer_files(f, None, derived)
    assert all(p.is_file() for p in left)


# --- issue #17: a fallback chain per role -----------------------------------------------------

NAMES = "会议由大足区科协党组书记刘䶮主持，王𬌗、吉田𠮷参加。"


def test_names_outside_the_body_face_are_set_from_the_fallback_and_read_back(tmp_path, cache):
    """䶮 (Extension A), 𠮷 (B) and 𬌗 (E) are not in the committed faces (GBK): the build sets
    them from the fallback face (HanaMin A), says so in a notice naming file, line and slot,
    and the PDF reads back the text with them (pdftotext and PDFium in the preflight), each
    drawn in HanaMin A one em wide, in the line's flow."""
    import pdfplumber

    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    edit(issue / "03-ziyang-dazu.txt", "会议由大足区科协党组书记苏华文主持。", NAMES)
    edit(issue / "03-ziyang-dazu.txt", "byline: （资阳市科协）", "byline: （资阳市科协 吉田𠮷）")
    r = typeset("build", issue, "-o", tmp_path / "out", cache=cache.parent.parent)
    assert r.returncode == 0, r.stderr
    for ch, cp in (("䶮", "4DAE"), ("𬌗", "2C317"), ("𠮷", "20BB7")):
        assert re.search(rf"notice: .*03-ziyang-dazu\.txt:\d+, slot 'ziyang': '{ch}' "
                         rf"\(U\+{cp}\) is not in the body font \(TypesetSerifSC-Regular\.ttf\): "
                         rf"set from the fallback face 'hanamin-a' \(HanaMinA\.ttf\)", r.stderr), \
            r.stderr
    assert re.search(r"notice: .*'𠮷' \(U\+20BB7\) is not in the byline font", r.stderr)
    assert "9 of 9 article(s) read back" in r.stderr          # the preflight's round trip
    page = next((tmp_path / "out").glob("*-p03.pdf"))
    text = re.sub(r"\s+", "", pdftotext_raw(page))
    assert re.sub(r"\s+", "", NAMES) in text and "（资阳市科协吉田𠮷）" in text
    with pdfplumber.open(page) as pdf:
        chars = pdf.pages[0].chars
    for ch in "䶮𬌗𠮷":
        hits = [c for c in chars if c["text"] == ch]
        assert hits, ch
        for c in hits:
            assert c["fontname"].endswith("+HanaMinA"), c["fontname"]
            assert abs(c["x1"] - c["x0"] - c["size"]) < 0.01        # one em
            nxt = [d for d in chars if abs(d["top"] - c["top"]) < 0.5 and
                   d["x0"] > c["x0"] + 0.1]
            assert nxt and min(d["x0"] for d in nxt) >= c["x1"] - 0.01   # nothing overlaps


def test_a_character_no_face_has_is_bad_input_naming_it(tmp_path, cache):
    """𰻞 (biáng, CJK Extension G) is in no face, the fallbacks neither: exit 3 naming the
    character, the file, its line and the slot, for check and build; nothing written."""
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    edit(issue / "03-ziyang-dazu.txt", "会议由大足区科协党组书记苏华文主持。",
         "会议由大足区科协党组书记刘䶮主持，席间吃𰻞𰻞面。")
    for cmd in ("check", "build"):
        r = typeset(cmd, issue, *(("-o", tmp_path / "out") if cmd == "build" else ()),
                    cache=cache.parent.parent)
        assert r.returncode == 3, r.stderr
        assert re.search(r"03-ziyang-dazu\.txt:\d+, slot 'ziyang': character '𰻞' \(U\+30EDE\) "
                         r"is not in the body font \(TypesetSerifSC-Regular\.ttf\) nor in its "
                         r"fallback face\(s\) \(HanaMinA\.ttf, HanaMinB\.ttf\)", r.stderr), r.stderr
        assert "'䶮'" not in r.stderr             # the one set from a fallback is no error
    assert not (tmp_path / "out").exists()
    # the same in Chinese (LANG=zh_CN.UTF-8): the character, file, line and slot as they are
    env = {k: v for k, v in os.environ.items()
           if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "TYPESET_PROJECT")}
    r = subprocess.run([*TYPESET, "check", str(issue)], capture_output=True, text=True,
                       env=dict(env, LANG="zh_CN.UTF-8", XDG_CACHE_HOME=str(cache.parent.parent)))
    assert r.returncode == 3, r.stderr
    assert re.search(r"^错误：.*03-ziyang-dazu\.txt:\d+，版位“ziyang”：字符“𰻞”（U\+30EDE）在字体"
                     r"角色 body（TypesetSerifSC-Regular\.ttf）中没有，备用字体（HanaMinA\.ttf, "
                     r"HanaMinB\.ttf）中也没有（请替换该字", r.stderr, re.M), r.stderr


def test_a_role_may_have_fallbacks_of_its_own(tmp_path, cache):
    """A role's own list comes first: with the byline role set to [kai, hanamin-b], 𠮷 (in both
    HanaMin faces) is drawn from HanaMin B there, from HanaMin A in the body."""
    import pdfplumber

    proj = make_project(tmp_path / "p")
    set_face(proj, "  byline: [kai, hanamin-b]", old="  byline: kai")
    issue = proj / "issues" / SAMPLE.name
    edit(issue / "03-ziyang-dazu.txt", "会议由大足区科协党组书记苏华文主持。", NAMES)
    edit(issue / "03-ziyang-dazu.txt", "byline: （资阳市科协）", "byline: （吉田𠮷）")
    r = typeset("build", issue, "-o", tmp_path / "out", cache=cache.parent.parent)
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(next((tmp_path / "out").glob("*-p03.pdf"))) as pdf:
        fonts_of = {c["fontname"].split("+")[1] for c in pdf.pages[0].chars if c["text"] == "𠮷"}
    assert fonts_of == {"HanaMinA", "HanaMinB"}, fonts_of
