"""Preflight profiles: which checks a printing plant runs, each with its level and thresholds.

Contract: ``load_profile(spec, root=None)`` returns a :class:`Profile` read from a YAML file —
``spec`` is the name of a profile shipped with typeset (``house``, ``newspaper``,
``coldset``: ``src/typeset/profiles/NAME.yaml``) or the path of a profile file (relative to
``root``, the project folder, when a paper names it; to the current folder on the command
line).  A profile file that is wrong raises :class:`InputError` naming the file, line and key.
The preflight (preflight.py) asks ``profile.level(check)`` ("error", "warning" or None when the
check is off) and ``profile.param(check, name)``; nothing else reads the files.

A profile file::

    name: newspaper
    title: Newspaper ads, modelled on GWG 2015 NewspaperAds CMYK
    checks:
      line_width: {level: error, min_pt: 0.25}
      font_type3: error                # a check with a level only
      image_ppi_high: off

Every check the preflight knows is in :data:`CHECKS` with its parameters and their defaults; a
check a profile does not name is off.  Some checks are not in any profile because a plant
always makes them: the file can be read (not damaged, encrypted, a decompression bomb, too
large or too complex to check within the bounds), its content streams can be read, every
resource they use is defined, no .notdef glyph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, SourceRef, kind, nearest, show

LEVELS = ("error", "warning", "off")
PROFILES_DIR = Path(__file__).parent / "profiles"


def _number(lo: float, hi: float):
    def conv(v):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
            raise ValueError(f"expected a number from {lo:g} to {hi:g}, found {show(v)}")
        return float(v)
    conv.what = f"a number from {lo:g} to {hi:g}"
    return conv


def _optional(conv):
    def opt(v):
        return None if v is None else conv(v)
    opt.what = f"{conv.what}, or ~ (none)"
    return opt


def _whole(lo: int, hi: int):
    def conv(v):
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise ValueError(f"expected a whole number from {lo} to {hi}, found {show(v)}")
        return int(v)
    conv.what = f"a whole number from {lo} to {hi}"
    return conv


def _percent(lo: float, hi: float):
    """'245%' or 245 → 2.45."""
    def conv(v):
        given = v
        if isinstance(v, str) and v.strip().endswith("%"):
            try:
                v = float(v.strip()[:-1])
            except ValueError:
                v = None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
            raise ValueError(f"expected a percentage from {lo:g}% to {hi:g}%, found "
                             f"{show(given)}")
        return float(v) / 100.0
    conv.what = f"a percentage from {lo:g}% to {hi:g}%"
    return conv


def _flag(v):
    if not isinstance(v, bool):
        raise ValueError(f"expected true or false, found {kind(v)}")
    return v


_flag.what = "true or false"


def _one_of(*choices):
    def conv(v):
        if v not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, found {show(v)}")
        return v
    conv.what = "one of " + ", ".join(choices)
    return conv


def _texts(v):
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        raise ValueError(f"expected a list of names, found {kind(v)}")
    return tuple(x.strip() for x in v)


_texts.what = "a list of names"


@dataclass(frozen=True)
class CheckSpec:
    """A check the preflight knows: what it looks at, and its parameters (conv, default)."""

    about: str
    params: dict = field(default_factory=dict)


# The one table of checks.  The README's table of profiles and the JSON Schema of the report
# (schemas/preflight-report.schema.json, its "check" enum) name the same ids.
CHECKS = {
    # the document
    "pdfx": CheckSpec("PDF/X: the version keys, /Trapped, a title, a file /ID, the PDF version "
                      "the level allows", {"levels": (_texts, ())}),
    "output_intent": CheckSpec("a PDF/X OutputIntent with an embedded CMYK output profile, "
                               "for one of the printing conditions named",
                               {"conditions": (_texts, ())}),
    "page_count": CheckSpec("at most this many pages in a file", {"max": (_whole(1, 100000), 1)}),
    "boxes": CheckSpec("TrimBox and BleedBox on every page, TrimBox ⊂ BleedBox ⊂ MediaBox, "
                       "no UserUnit"),
    "bleed": CheckSpec("the bleed on every side of the page, the same on all four",
                       {"min_mm": (_number(0, 50), 3.0)}),
    "bleed_objects": CheckSpec("what runs to the trim edge runs on into the bleed",
                               {"min_mm": (_number(0, 50), 3.0)}),
    "trim_area": CheckSpec("no text crosses the trim edge"),
    # fonts
    "font_embedded": CheckSpec("every font embedded (unused: true: also a font the resources "
                               "name that no text is drawn with)",
                               {"unused": (_flag, False)}),
    "font_type3": CheckSpec("no Type 3 font (bitmap or procedure glyphs)"),
    "font_subset": CheckSpec("fonts embedded as subsets"),
    "font_courier": CheckSpec("no font named Courier (usually a substitution)"),
    # colour
    "rgb_lab": CheckSpec("no RGB or Lab colour: vector colours, images, shadings"),
    "text_colour": CheckSpec("text only in 100% K"),
    "paint_colour": CheckSpec("everything but the marks on the black plate only"),
    "registration": CheckSpec("registration colour (all inks) only outside the BleedBox"),
    "spot_colours": CheckSpec("at most this many spot colours", {"max": (_whole(0, 64), 0)}),
    "spot_names": CheckSpec("spot colour names unambiguous (not the same but for case or "
                            "spaces), not empty"),
    "ink_limit": CheckSpec("total area coverage (the sum of all inks)", {
        "max": (_percent(100, 400), 2.4),
        "method": (_one_of("objects", "separations"), "objects"),
        "window_mm": (_number(0.5, 100), 15.0)}),
    # text
    "text_size": CheckSpec("minimum text size, by the inks the text is printed with", {
        "single_ink_pt": (_optional(_number(0, 100)), None),
        "multi_ink_pt": (_optional(_number(0, 100)), None),
        "reversed_pt": (_optional(_number(0, 100)), None)}),
    "black_text_overprint": CheckSpec("100% K text overprints (below a size, or all)", {
        "below_pt": (_optional(_number(0, 1000)), None),
        "opm": (_flag, False)}),
    "rich_black_text": CheckSpec("rich black text (K at least k_min with C, M or Y): "
                                 "not below a size, not over a total", {
                                     "k_min": (_percent(0, 100), 0.85),
                                     "below_pt": (_optional(_number(0, 1000)), None),
                                     "max": (_optional(_percent(100, 400)), None)}),
    "white_overprint": CheckSpec("no white (no ink) text or path set to overprint"),
    # lines
    "line_width": CheckSpec("minimum stroke width after scaling (no hairlines)",
                            {"min_pt": (_number(0, 10), 0.25)}),
    "black_line_overprint": CheckSpec("thin 100% K lines overprint",
                                      {"below_pt": (_number(0, 100), 2.0)}),
    # images
    "image_ppi": CheckSpec("effective resolution of continuous-tone images, at least",
                           {"min": (_number(1, 10000), 99.0),
                            "exempt_px": (_whole(0, 10000), 16)}),
    "image_ppi_low": CheckSpec("effective resolution of continuous-tone images, at least "
                               "(a second, lower severity)",
                               {"min": (_number(1, 10000), 149.0),
                                "exempt_px": (_whole(0, 10000), 16)}),
    "image_ppi_high": CheckSpec("effective resolution of images, at most",
                                {"max": (_number(1, 100000), 1200.0)}),
    "image_ppi_1bit": CheckSpec("effective resolution of 1-bit images, at least",
                                {"min": (_number(1, 10000), 549.0),
                                 "exempt_px": (_whole(0, 10000), 16)}),
    "image_ppi_1bit_low": CheckSpec("effective resolution of 1-bit images, at least (a second, "
                                    "lower severity)",
                                    {"min": (_number(1, 10000), 799.0),
                                     "exempt_px": (_whole(0, 10000), 16)}),
    "jpeg2000": CheckSpec("no JPEG 2000 images"),
    "image_16bit": CheckSpec("no 16-bit images"),
    "transparency": CheckSpec("no transparency (soft masks, constant alpha, blend modes, "
                              "transparency groups) where the PDF/X level forbids it, or always",
                              {"when": (_one_of("x1a", "always"), "x1a")}),
}

# Checks every profile makes, always as errors: a plant cannot check what it cannot read;
# and what the paper itself says of its pages (``layout``: each item inside its box;
# ``black_only``: a page the paper prints on the black plate alone has nothing on C, M or Y,
# pictures and placed graphics included).
ALWAYS = ("file", "content", "notdef", "layout", "black_only")


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    source: str                  # the file it was read from
    checks: dict                 # check id → (level, {param: value})

    def level(self, check: str) -> str | None:
        """'error', 'warning' or None (off)."""
        if check in ALWAYS:
            return "error"
        got = self.checks.get(check)
        return got[0] if got else None

    def param(self, check: str, name: str):
        got = self.checks.get(check)
        if got is not None and name in got[1]:
            return got[1][name]
        return CHECKS[check].params[name][1]

    def image_ppi_range(self) -> tuple[float, float]:
        """The effective resolutions of a continuous-tone picture this plant takes without a
        finding, error or warning: (the highest of ``image_ppi`` and ``image_ppi_low``, the
        ``image_ppi_high`` maximum), each end 0 / infinity when the profile does not check
        it.  What make-up sizes pictures to (makeup.py), so its layouts pass clean."""
        mins = [self.param(c, "min") for c in ("image_ppi", "image_ppi_low") if self.level(c)]
        high = self.param("image_ppi_high", "max") if self.level("image_ppi_high") else None
        return (max(mins) if mins else 0.0, high if high is not None else float("inf"))

    def picture_limits(self) -> tuple[float, float]:
        """(refused under, warned under): the effective resolutions at which the build refuses a
        continuous-tone picture (exit 3) and warns of it.  The plant's profile owns both, so a
        build and its preflight agree: refused under the lowest minimum this profile checks at
        level error (house 120, newspaper 99 ppi), warned under the highest minimum it checks
        (house 200, newspaper 149).  A profile that makes no error of it still refuses under
        ``image_ppi``'s default (99 ppi, GWG's lowest): no plant prints less."""
        checked = [(self.level(c), self.param(c, "min"))
                   for c in ("image_ppi", "image_ppi_low") if self.level(c)]
        errors = [m for lv, m in checked if lv == "error"]
        refuse = min(errors) if errors else CHECKS["image_ppi"].params["min"][1]
        return refuse, max([refuse] + [m for _, m in checked])

    def replace(self, check: str, level: str | None = None, **params) -> "Profile":
        """This profile with one check's level or parameters changed (a paper's own ink
        limit, bleed, output condition)."""
        old = self.checks.get(check)
        if old is None and level is None:
            return self
        lv = level or (old[0] if old else "error")
        merged = dict(old[1]) if old else {}
        merged.update(params)
        return Profile(self.name, self.title, self.source, {**self.checks, check: (lv, merged)})


def paper_profile(issue) -> Profile:
    """The profile the issue's paper names (``print: preflight_profile:``, a built-in name or a
    file of the project), house when it names none: what its build and make-up check against."""
    out = issue.paper.output
    if getattr(out, "profile", None) is not None:
        return out.profile          # read once, when the paper was loaded
    return load_profile(getattr(out, "preflight_profile", "house") or "house",
                        getattr(issue, "project_root", None))


def builtin_names() -> list[str]:
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


def find_profile(spec: str, root: Path | None = None, where: SourceRef | None = None) -> Path:
    """The file of profile ``spec``: a built-in name, or a path (relative to ``root``)."""
    if not isinstance(spec, str) or not spec.strip():
        raise InputError(f"a profile is a name or a file, found {kind(spec)}", where)
    spec = spec.strip()
    if "/" not in spec and not spec.endswith((".yaml", ".yml")):
        path = PROFILES_DIR / f"{spec}.yaml"
        if not path.is_file():
            names = builtin_names()
            raise InputError(f"unknown preflight profile '{spec}'", where,
                             nearest(spec, names) or f"profiles: {', '.join(names)}, or the "
                             "path of a profile file")
        return path
    path = Path(spec)
    if root is not None and not path.is_absolute():
        path = root / path
        if "\0" in spec or not path.resolve().is_relative_to(Path(root).resolve()):
            raise InputError(f"profile path '{spec}' leaves the project folder", where,
                             "give a path from the project folder, e.g. layout/profiles/x.yaml")
    if not path.is_file():
        raise InputError(f"profile file not found: {spec}", where)
    return path


def load_profile(spec: str = "house", root: Path | None = None,
                 where: SourceRef | None = None) -> Profile:
    """Read and check a profile (see the module docstring)."""
    from .yamlsrc import Map, load_yaml

    path = find_profile(spec, root, where)
    d = load_yaml(path)
    errors: list[InputError] = []

    def err(msg, at, hint=None):
        errors.append(InputError(msg, at, hint))

    if not isinstance(d, Map):
        raise InputError(f"a profile is a mapping (name:, title:, checks:), found {kind(d)}",
                         SourceRef(path))
    for key in d:
        if key not in ("name", "title", "checks", "sources"):
            err(f"unknown key '{key}'", d.ref(path, key),
                nearest(key, ("name", "title", "checks", "sources")))
    name = d.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        err(f"'name' must be text, found {kind(name)}", d.ref(path, "name"))
        name = path.stem
    title = d.get("title", name)
    if not isinstance(title, str):
        err(f"'title' must be text, found {kind(title)}", d.ref(path, "title"))
        title = str(name)
    checks: dict = {}
    node = d.get("checks")
    if not isinstance(node, Map):
        err(f"'checks' must be a mapping of check: level, found {kind(node)}",
            d.ref(path, "checks"))
        node = Map()
    for cid, val in node.items():
        at = node.ref(path, cid)
        spec_ = CHECKS.get(cid)
        if spec_ is None:
            err(f"unknown check '{cid}'", at, nearest(cid, CHECKS) or
                "see the README's table of preflight checks")
            continue
        if isinstance(val, str) or val is None:
            val = Map(level=val)
        if not isinstance(val, Map):
            err(f"check '{cid}': expected a level (error, warning, off) or a mapping "
                f"(level: …, …), found {kind(val)}", at)
            continue
        level = val.get("level", "error")
        if level not in LEVELS:
            err(f"check '{cid}': 'level' must be one of {', '.join(LEVELS)}, found "
                f"{show(level)}", val.ref(path, "level") if "level" in val else at)
            continue
        params = {}
        for pk, pv in val.items():
            if pk == "level":
                continue
            if pk not in spec_.params:
                err(f"check '{cid}': unknown parameter '{pk}'", val.ref(path, pk),
                    nearest(pk, spec_.params) or (
                        f"its parameters: {', '.join(spec_.params)}" if spec_.params
                        else "it has no parameters"))
                continue
            conv = spec_.params[pk][0]
            try:
                params[pk] = conv(pv)
            except ValueError as e:
                err(f"check '{cid}', '{pk}': {e}", val.ref(path, pk))
        if level != "off":
            checks[cid] = (level, params)
    if errors:
        from .errors import raise_all

        raise_all(errors)
    return Profile(name=str(name).strip(), title=title, source=str(path), checks=checks)
