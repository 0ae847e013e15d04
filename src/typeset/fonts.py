"""Fonts: the role table and glyph metrics.  The only module that imports fontTools.

Contract: ``load_font_table(path)`` reads the font-roles YAML (role → face → file) and returns
a :class:`FontTable`; ``FontTable.face(role)`` gives a :class:`FontFace` whose ``advance`` and
``ink_x`` are in em units and whose ``missing(text)`` lists characters the file cannot draw.
Faces are loaded once per process and cached (the files are large; parsing them is the main
cost of a cold start, feasibility.md §1.3).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .compose import Face
from .errors import InputError, SourceRef


@dataclass(frozen=True)
class FaceSpec:
    key: str          # face name in the roles file, e.g. "song"
    path: Path        # absolute path of the TrueType file
    ps_name: str      # unique PostScript name (name ID 6)


class FontFace(Face):
    """Metrics of one TrueType file, read lazily with fontTools."""

    def __init__(self, spec: FaceSpec):
        from fontTools.ttLib import TTFont  # imported here: keeps `typeset --help` fast

        self.spec = spec
        self._tt = TTFont(str(spec.path), lazy=True)
        self.upem = self._tt["head"].unitsPerEm
        self.cmap = self._tt.getBestCmap()
        self._hmtx = self._tt["hmtx"].metrics
        self._adv: dict[str, float] = {}
        self._ink: dict[str, tuple[float, float]] = {}

    @property
    def key(self) -> str:
        return self.spec.key

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    def missing(self, text: str) -> list[str]:
        cmap = self.cmap
        return sorted({c for c in text if ord(c) not in cmap and c not in "\n\t"})

    def advance(self, ch: str) -> float:
        a = self._adv.get(ch)
        if a is None:
            gname = self.cmap.get(ord(ch))
            a = self._hmtx[gname][0] / self.upem if gname is not None else 1.0
            self._adv[ch] = a
        return a

    def ink_x(self, ch: str) -> tuple[float, float]:
        ink = self._ink.get(ch)
        if ink is None:
            gname = self.cmap.get(ord(ch))
            glyf = self._tt["glyf"] if "glyf" in self._tt else None
            if gname is None or glyf is None:
                ink = (0.0, self.advance(ch))
            else:
                g = glyf[gname]
                if not hasattr(g, "xMin") or g.numberOfContours == 0:
                    ink = (0.0, self.advance(ch))
                else:
                    ink = (g.xMin / self.upem, g.xMax / self.upem)
            self._ink[ch] = ink
        return ink

    def ascent_descent(self) -> tuple[float, float]:
        os2 = self._tt["OS/2"]
        return os2.sTypoAscender / self.upem, os2.sTypoDescender / self.upem


@lru_cache(maxsize=None)
def _load_face(spec: FaceSpec) -> FontFace:
    return FontFace(spec)


@lru_cache(maxsize=None)
def ps_name_of(path: Path) -> str:
    from fontTools.ttLib import TTFont

    tt = TTFont(str(path), lazy=True)
    name = tt["name"].getDebugName(6)
    tt.close()
    return name or path.stem


class FontTable:
    """Font roles (body, headline, kicker, byline, section head, …) mapped to faces."""

    def __init__(self, faces: dict[str, FaceSpec], roles: dict[str, str], source: Path):
        self.faces = faces
        self.roles = roles
        self.source = source

    def spec(self, role: str) -> FaceSpec:
        try:
            return self.faces[self.roles[role]]
        except KeyError:
            raise InputError(f"font role '{role}' is not defined",
                             SourceRef(self.source), hint="add it under 'roles:'") from None

    def face(self, role: str) -> FontFace:
        return _load_face(self.spec(role))

    def used_specs(self) -> list[FaceSpec]:
        return [self.faces[k] for k in sorted(set(self.roles.values()))]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_font_table(path: Path, data: dict, root: Path) -> FontTable:
    """Build the font table from the parsed roles file ``data`` (see layout/fonts.yaml)."""
    from .yamlsrc import ref_of

    faces: dict[str, FaceSpec] = {}
    for key, entry in (data.get("faces") or {}).items():
        file = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(file, str):
            raise InputError(f"face '{key}' needs a 'file:'", ref_of(entry, path))
        p = (root / file).resolve()
        if not p.is_relative_to(root.resolve()):
            raise InputError(f"font file '{file}' is outside the project folder",
                             ref_of(entry, path))
        if not p.is_file():
            raise InputError(f"font file '{file}' does not exist", ref_of(entry, path),
                             hint="run `python fonts/build_fonts.py` or check the path")
        faces[key] = FaceSpec(key=key, path=p, ps_name=ps_name_of(p))
    roles: dict[str, str] = {}
    for role, face in (data.get("roles") or {}).items():
        if face not in faces:
            from .errors import nearest

            raise InputError(f"role '{role}' names face '{face}', which is not defined",
                             ref_of(data["roles"], path), hint=nearest(face, faces))
        roles[role] = face
    return FontTable(faces, roles, path)
