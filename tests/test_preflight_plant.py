"""The preflight a printing plant would run (issue #20): a corpus of foreign PDFs made here by
other producers (tests/plant_corpus.py), each clean or seeded with one known fault.  Every
file is checked by `typeset preflight --json` in a process of its own, under a 500 MB address
space limit and a 10 s timeout: every fault is found with its page and place, no clean file
gets a finding, nothing hangs, crashes (exit 70) or takes the machine's memory, and every
report validates against the documented JSON Schema."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, TYPESET

sys.path.insert(0, str(Path(__file__).parent))
import plant_corpus  # noqa: E402

DEMO = ROOT / "issues" / "demo-weekly-2020-08"
LIMIT_AS = 500 << 20          # bytes of address space a check may use
LIMIT_S = 10.0                # seconds a check may take
SCHEMA = ROOT / "src" / "typeset" / "schemas" / "preflight-report.schema.json"


def _bounded():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))


_WRAP = ("import resource, subprocess, sys\n"
         "r = subprocess.run(sys.argv[1:])\n"
         "m = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
         "print(f'maxrss={m}', file=sys.stderr)\n"
         "sys.exit(r.returncode)\n")


def preflight_bounded(*args) -> dict:
    """Run `typeset preflight ARGS` under the limits: its exit code, output, time and the
    most memory (resident, KB) it or a process it started used (a wrapper process of its own
    reports that: this test process's children include builds)."""
    t0 = time.monotonic()
    p = subprocess.Popen([sys.executable, "-c", _WRAP, *TYPESET, "preflight", *map(str, args)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_bounded,
                         cwd=ROOT)
    try:
        out, err = p.communicate(timeout=LIMIT_S + 20)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return dict(code=None, out=out.decode(), err=err.decode(),
                    seconds=time.monotonic() - t0, rss_mb=0)
    seconds = time.monotonic() - t0
    err = err.decode()
    m = re.search(r"maxrss=(\d+)\n?$", err)
    return dict(code=p.returncode, out=out.decode(), err=err[:m.start()] if m else err,
                seconds=seconds, rss_mb=int(m.group(1)) / 1024 if m else None)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    for t in ("gs", "qpdf", "convert"):
        assert shutil.which(t), f"{t} is not installed (make tools)"
    d = tmp_path_factory.mktemp("plant-corpus")
    built = plant_corpus.build(d)

    def run(item):
        case, path = item
        return case, path, preflight_bounded("--json", "--profile", case.profile, path)

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(run, built))


def test_the_corpus_is_made_by_other_producers(corpus):
    producers = {case.producer.split(" ")[0] for case, _, _ in corpus}
    assert {"ReportLab", "Ghostscript", "Typst", "ImageMagick", "qpdf", "pikepdf"} <= producers
    clean = [c for c, _, _ in corpus if not c.faults]
    faulty = [c for c, _, _ in corpus if c.faults]
    assert len(corpus) >= 25 and len(clean) >= 5 and len(faulty) >= 20
    for case, path, _ in corpus:
        assert path.is_file() and path.stat().st_size > 0, case.name
        if not case.refused and not case.name.startswith("damaged"):
            assert path.read_bytes().startswith(b"%PDF-"), case.name


def test_no_file_takes_more_than_10_s_or_500_mb_or_crashes(corpus):
    slow = [(c.name, round(r["seconds"], 1)) for c, _, r in corpus if r["seconds"] > LIMIT_S]
    assert not slow, slow
    crashed = [(c.name, r["code"], r["err"][-400:]) for c, _, r in corpus
               if r["code"] not in (0, 5)]
    assert not crashed, crashed
    assert not [c.name for c, _, r in corpus if "Traceback" in r["err"]]
    # every process ran under RLIMIT_AS; the resident size of the largest one, too
    assert max(r["rss_mb"] for _, _, r in corpus) < LIMIT_AS / (1 << 20)


def test_every_report_validates_against_the_schema(corpus):
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for case, path, r in corpus:
        doc = json.loads(r["out"])
        jsonschema.validate(doc, schema)
        assert doc["exit_code"] == r["code"] and doc["ok"] == (r["code"] == 0), case.name
        assert doc["files"][0]["file"] == str(path)


def test_the_schema_names_every_check():
    from typeset.profile import ALWAYS, CHECKS

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    enum = schema["$defs"]["finding"]["properties"]["check"]["enum"]
    assert sorted(enum) == sorted(set(CHECKS) | set(ALWAYS))


def test_no_clean_file_gets_a_finding(corpus):
    for case, path, r in corpus:
        if case.faults:
            continue
        doc = json.loads(r["out"])
        assert r["code"] == 0, (case.name, doc["files"][0]["findings"])
        assert doc["files"][0]["findings"] == [], case.name


def _close(got, want, tol) -> bool:
    return got is not None and all(abs(a - b) <= tol for a, b in zip(got, want))


def test_every_fault_is_found_on_its_page_and_at_its_place(corpus):
    problems = []
    for case, path, r in corpus:
        if not case.faults:
            continue
        doc = json.loads(r["out"])
        f = doc["files"][0]
        if r["code"] != 5 or f["ok"]:
            problems.append(f"{case.name}: exit {r['code']}, expected 5")
        found = f["findings"]
        used = set()
        for fault in case.faults:
            hits = [k for k, x in enumerate(found)
                    if x["check"] == fault.check and x["page"] == fault.page and
                    fault.needle in x["message"] and x["level"] == fault.level and
                    (fault.value is None or fault.value[0] <= x["value"] <= fault.value[1]) and
                    (fault.bbox is None or _close(x["bbox_mm"], fault.bbox, case.tol))]
            if not hits:
                problems.append(f"{case.name}: {fault} not found in "
                                f"{[(x['check'], x['page'], x['bbox_mm'], x['message']) for x in found]}")
            used.update(hits)
        extra = [x["message"] for k, x in enumerate(found) if k not in used]
        if extra and not case.others:
            problems.append(f"{case.name}: findings besides the seeded fault: {extra}")
        assert f["refused"] == case.refused or case.others, case.name
    assert not problems, "\n".join(problems)


def test_a_fault_in_text_output_names_page_place_value_and_limit(corpus):
    path = next(p for c, p, _ in corpus if c.name == "gs-hairline-page2")
    r = subprocess.run([*TYPESET, "preflight", "--profile", "newspaper", str(path)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 5
    line = next(ln for ln in r.stdout.splitlines() if "0.05 pt" in ln)
    assert re.fullmatch(r"  error   page 2: a line 0\.05 pt wide \(the profile's minimum is "
                        r"0\.25 pt\) \[at 47\.0, 147\.0 – 147\.0, 147\.0 mm\]", line), line


def test_the_proof_outlines_each_finding(corpus, tmp_path):
    from PIL import Image

    path = next(p for c, p, _ in corpus if c.name == "rl-white-overprint")
    r = subprocess.run([*TYPESET, "preflight", "--profile", "newspaper", "--proof-dir",
                        str(tmp_path), str(path)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 5, r.stderr
    png = tmp_path / "rl-white-overprint-p01-preflight.png"
    assert png.is_file() and f"proof: {png}" in r.stderr
    img = Image.open(png).convert("RGB")
    # the finding is 50–90 mm × 207–227 mm from the trim (10 mm in from the page's edge):
    # red outline around it, at 60 dpi
    s = 60 / 25.4
    x0, y0 = (10 + 50) * s - 2, (10 + 207) * s - 2
    x1, y1 = (10 + 90) * s + 2, (10 + 227) * s + 2
    edge = [img.getpixel((round(x), round(y0))) for x in range(int(x0) + 3, int(x1) - 3)]
    assert sum(1 for p in edge if p[0] > 180 and p[1] < 60 and p[2] < 60) > 0.8 * len(edge)
    inside = img.getpixel((round((x0 + x1) / 2), round((y0 + y1) / 2)))
    assert not (inside[0] > 180 and inside[1] < 60), "only the outline is drawn"


# --- our own pages under the plant's profiles ---------------------------------------------------

@pytest.fixture(scope="module")
def demo_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-out")
    r = subprocess.run([*TYPESET, "build", str(DEMO), "-o", str(out)], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return sorted(out.glob("*.pdf"))


@pytest.mark.parametrize("profile", ["house", "newspaper"])
def test_the_sample_and_demo_issues_pass_the_house_and_newspaper_profiles(
        sample_build, demo_build, profile):
    for issue, pdfs in ((SAMPLE, [*sample_build.page_pdfs, sample_build.issue_pdf]),
                        (DEMO, demo_build)):
        r = preflight_bounded("--json", "--profile", profile, "--issue", issue, *pdfs)
        doc = json.loads(r["out"])
        assert r["code"] == 0, [(f["file"], f["findings"]) for f in doc["files"]]
        assert all(f["findings"] == [] for f in doc["files"]), doc
        assert doc["profile"]["name"] == profile
        if profile == "newspaper":   # the ink was measured on the separations
            assert all(f["facts"]["separations"].startswith("Ghostscript tiffsep")
                       for f in doc["files"])


def test_coldset_refuses_our_output_condition(sample_build):
    r = preflight_bounded("--profile", "coldset", sample_build.page_pdfs[0])
    assert r["code"] == 5
    assert "output condition 'CGATS TR 002' is not one the profile accepts" in r["out"]


# --- profiles as data ---------------------------------------------------------------------------

def test_a_profile_file_with_an_error_names_file_line_and_key(tmp_path):
    bad = tmp_path / "plant.yaml"
    bad.write_text("name: plant\nchecks:\n  line_width: {level: error, min_pt: -1}\n"
                   "  hairlines: error\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "preflight", "--profile", str(bad), str(bad)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 3, r.stderr
    assert f"{bad}:3:" in r.stderr and "'min_pt': expected a number from 0 to 10" in r.stderr
    assert f"{bad}:4:" in r.stderr and "unknown check 'hairlines'" in r.stderr
    r = subprocess.run([*TYPESET, "preflight", "--json", "--profile", "newspapr", str(bad)],
                       capture_output=True, text=True, cwd=ROOT)
    doc = json.loads(r.stdout)
    assert r.returncode == 3 and doc["exit_code"] == 3 and doc["files"] == []
    assert "did you mean 'newspaper'?" in doc["errors"][0]["hint"]


def test_a_profile_of_ones_own(tmp_path, sample_build):
    """A plant whose own profile wants lines of at least 1 pt and no text under 12 pt."""
    mine = tmp_path / "plant.yaml"
    mine.write_text("name: strict-plant\nchecks:\n  line_width: {level: warning, min_pt: 1}\n"
                    "  text_size: {level: error, single_ink_pt: 12}\n", encoding="utf-8")
    r = preflight_bounded("--json", "--profile", mine, sample_build.page_pdfs[0])
    doc = json.loads(r["out"])
    f = doc["files"][0]
    checks = {x["check"] for x in f["findings"]}
    assert checks == {"line_width", "text_size"}, f["findings"]
    size = next(x for x in f["findings"] if x["check"] == "text_size" and x["value"] == 9.0)
    assert size["limit"] == 12 and size["unit"] == "pt" and size["count"] > 100
    assert len(size["boxes_mm"]) == 20 and size["kind"] == "text"
    line = next(x for x in f["findings"] if x["check"] == "line_width")
    assert line["level"] == "warning" and line["value"] < 1


def _project_with_paper_profile(tmp_path, value) -> Path:
    proj = tmp_path / "proj"
    shutil.copytree(ROOT / "layout", proj / "layout")
    shutil.copytree(ROOT / "fonts", proj / "fonts")
    shutil.copytree(SAMPLE, proj / "issues" / "s", ignore=shutil.ignore_patterns("out"))
    paper = proj / "layout" / "papers" / "sichuan-kejibao.yaml"
    text = paper.read_text(encoding="utf-8")
    paper.write_text(text.replace("  ink_limit: 240%", f"  ink_limit: 240%\n"
                                  f"  preflight_profile: {value}"), encoding="utf-8")
    return proj


def test_the_paper_names_its_profile_and_the_build_uses_it(tmp_path, sample_build):
    """A paper's `print: preflight_profile:` is what its build checks: a profile file of the
    project that wants rules of 1 pt stops the build (exit 5), nothing written."""
    proj = _project_with_paper_profile(tmp_path, "layout/profiles/thick.yaml")
    (proj / "layout" / "profiles").mkdir()
    (proj / "layout" / "profiles" / "thick.yaml").write_text(
        "name: thick\nchecks:\n  line_width: {level: error, min_pt: 1}\n", encoding="utf-8")
    env = dict(os.environ, TYPESET_PROJECT=str(proj))
    r = subprocess.run([*TYPESET, "build", str(proj / "issues" / "s")], capture_output=True,
                       text=True, cwd=ROOT, env=env)
    assert r.returncode == 5, r.stderr
    assert "a line 0.50 pt wide (the profile's minimum is 1 pt)" in r.stderr
    assert not (proj / "issues" / "s" / "out").exists()
    # and the preflight of the issue's files uses it too
    r = subprocess.run([*TYPESET, "preflight", "--issue", str(proj / "issues" / "s"),
                        str(sample_build.page_pdfs[0])],
                       capture_output=True, text=True, cwd=ROOT, env=env)
    assert r.returncode == 5 and "profile thick" in r.stdout, r.stdout + r.stderr


def test_the_profile_is_read_once_with_the_paper(tmp_path, monkeypatch):
    """The profile the paper names is read and checked when the paper is loaded, and every
    page's preflight, the make-up and the picture check ask that one (profile.paper_profile):
    a build never reads the file again per page (issue #22: 33 reads in a 32-page build),
    and an edit to it in the middle of a build cannot give two pages two profiles."""
    from typeset.load import load_issue
    from typeset.profile import paper_profile

    proj = _project_with_paper_profile(tmp_path, "layout/profiles/thick.yaml")
    (proj / "layout" / "profiles").mkdir()
    prof = proj / "layout" / "profiles" / "thick.yaml"
    prof.write_text("name: thick\nchecks:\n  line_width: {level: error, min_pt: 1}\n",
                    encoding="utf-8")
    monkeypatch.setenv("TYPESET_PROJECT", str(proj))
    issue = load_issue(proj / "issues" / "s")
    prof.unlink()                   # gone after the load: what the build uses was read then
    got = paper_profile(issue)
    assert got.name == "thick" and got.checks["line_width"][1]["min_pt"] == 1
    assert paper_profile(issue) is got
    # a paper that names none has the house profile, read once as well
    monkeypatch.setenv("TYPESET_PROJECT", str(ROOT))
    sample = load_issue(SAMPLE)
    assert paper_profile(sample).name == "house" and paper_profile(sample) is \
        paper_profile(sample)


def test_a_wrong_profile_in_the_paper_is_bad_input(tmp_path):
    proj = _project_with_paper_profile(tmp_path, "newsprint")
    env = dict(os.environ, TYPESET_PROJECT=str(proj))
    r = subprocess.run([*TYPESET, "check", str(proj / "issues" / "s")], capture_output=True,
                       text=True, cwd=ROOT, env=env)
    assert r.returncode == 3, r.stderr
    assert re.search(r"sichuan-kejibao\.yaml:\d+:\d+: unknown preflight profile 'newsprint' "
                     r"\(did you mean 'newspaper'\?\)", r.stderr), r.stderr


# --- placed graphics (advertisements) -------------------------------------------------------------

def test_an_advertisement_is_checked_as_placed(corpus):
    from typeset.preflight import preflight_graphic

    ad = next(p for c, p, _ in corpus if c.name == "rl-clean")
    assert preflight_graphic(ad, "newspaper", name="ads/bank.pdf") == []
    # placed at 40 %, its 0.5 pt rule prints 0.2 pt wide and its 10 pt text 4 pt
    found = preflight_graphic(ad, "newspaper", name="ads/bank.pdf", scale=0.4)
    msgs = [f.message for f in found]
    assert any(m.startswith("ad 'ads/bank.pdf': a line 0.20 pt wide") for m in msgs), msgs
    assert any(m.startswith("ad 'ads/bank.pdf': 4.0 pt text") for m in msgs), msgs
    # its PDF/X keys and boxes are not its concern, once placed
    assert not [f for f in found if f.check in ("pdfx", "output_intent", "boxes", "bleed")]
    two = next(p for c, p, _ in corpus if c.name == "typst-clean")
    assert any(f.check == "page_count" for f in preflight_graphic(two, "newspaper"))
    bomb = next(p for c, p, _ in corpus if c.name == "hostile-content-bomb")
    assert [f.check for f in preflight_graphic(bomb, "newspaper", name="x")] == ["file"]


# --- reading content streams within bounds --------------------------------------------------------

def test_operations_read_as_pikepdf_parses(sample_build):
    import pikepdf

    from typeset.pdfscan import decoded, operations

    with pikepdf.open(sample_build.page_pdfs[0]) as pdf:
        page = pdf.pages[0]
        data = decoded(page.obj.Contents, 1 << 26, "c")
        ours = list(operations(data))
        theirs = pikepdf.parse_content_stream(page)
    assert len(ours) == len(theirs) > 5000
    for (op, args), ref in zip(ours, theirs):
        assert op == str(ref.operator)
        assert len(args) == len(ref.operands)
    glued = list(operations(b"q 1 0 0 -1 28 189 cm/c0 cs 1 0 0 scn BT 0 Tr/f0 14 Tf"
                            b"[(a\\(b\\)c\\101)-20<4142>]TJ ET /S<</MCID 0>>BDC EMC "
                            b"BI /W 2 /H 1 /CS /G /BPC 8 ID \x00\xff EI Q"))
    assert glued == [("q", []), ("cm", [1.0, 0.0, 0.0, -1.0, 28.0, 189.0]), ("cs", ["/c0"]),
                     ("scn", [1.0, 0.0, 0.0]), ("BT", []), ("Tr", [0.0]), ("Tf", ["/f0", 14.0]),
                     ("TJ", [[b"a(b)cA", -20.0, b"AB"]]), ("ET", []),
                     ("BDC", ["/S", {"/MCID": 0.0}]), ("EMC", []),
                     ("BI", [{"/Width": 2.0, "/Height": 1.0, "/ColorSpace": "/G",
                              "/BitsPerComponent": 8.0}, b"\x00\xff"]), ("Q", [])]


def test_a_dense_content_stream_is_read_in_little_memory(tmp_path):
    """Three megabytes of `re f` (300 000 operators): pikepdf's parser holds about 300 MB
    for that (490 MB for five)."""
    import pikepdf

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Contents = pikepdf.Stream(pdf, b"0 0 0 1 k 10 10 1 1 re f\n" * 120_000)
    path = tmp_path / "dense.pdf"
    pdf.save(path)
    r = preflight_bounded("--profile", "house", path)
    assert r["code"] == 5 and "Traceback" not in r["err"], r["err"]
    assert r["rss_mb"] < 300, r["rss_mb"]
