"""When a story stacked in a column grows, the stories below it are pushed down and the last
of them off the page: the overset report names the stories above a pushed slot, and a slot
pushed off entirely is not told to "cut" its whole text (the editor would cut the wrong
story).  Read from ``check --json`` and the build's message, as the editor gets them."""

from __future__ import annotations

import json
import shutil
import subprocess

from conftest import ROOT, SAMPLE, TYPESET


def grown(tmp_path, name="02-luzhou-yongchuan.txt"):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    art = issue / name
    head, body = art.read_text(encoding="utf-8").split("\n\n", 1)
    art.write_text(head + "\n\n" + body + "\n\n" + body, encoding="utf-8")
    return issue


def check(issue):
    r = subprocess.run([*TYPESET, "check", str(issue), "--json"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 4, r.stderr
    return {s["slot"]: s for s in json.loads(r.stdout)["slots"]}


def test_a_story_pushed_off_names_the_stories_above_it(tmp_path):
    slots = check(grown(tmp_path))
    # luzhou (doubled) ran down to the foot band; ziyang, stacked under it, has no room
    zy, lz = slots["ziyang"], slots["luzhou"]
    assert zy["lines_available"] == 0 and zy["overset_lines"] > 0
    assert zy["above"] == ["chuanyu", "luzhou"]
    assert "luzhou" in zy["hint"] and "chuanyu" in zy["hint"]
    assert f"cut about {zy['overset_chars']} characters" not in zy["hint"]
    assert "no room left" in zy["hint"]
    # the grown story is overset too, and told it may also make room above
    assert lz["overset_lines"] > 0 and lz["above"] == ["chuanyu"]
    assert "chuanyu" in lz["hint"]
    # a slot at a given `top:` is not pushed by what is above it, and one that fits has no
    # hint at all
    assert slots["dazhou"]["above"] == [] and slots["chuanyu"]["hint"] == ""


def test_the_build_says_it_too(tmp_path):
    issue = grown(tmp_path)
    r = subprocess.run([*TYPESET, "build", str(issue), "-o", str(tmp_path / "out")], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 4
    line = next(ln for ln in r.stderr.splitlines() if "'ziyang'" in ln)
    assert "no room left for it: chuanyu, luzhou above it" in line
    assert not (tmp_path / "out").exists()


def test_a_fitting_issue_reports_above_without_blame():
    r = subprocess.run([*TYPESET, "check", str(SAMPLE), "--json"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    slots = {s["slot"]: s for s in json.loads(r.stdout)["slots"]}
    assert slots["ziyang"]["above"] == ["chuanyu", "luzhou"]
    assert all(not s["hint"] or "above it" not in s["hint"] for s in slots.values())
