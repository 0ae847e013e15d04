"""Total area coverage from the separations, as a plant's preflight measures it.

Contract: ``ink_regions(pdf_path, pages, limit, window_mm, timeout, tmp)`` renders the file's
pages with Ghostscript's ``tiffsep`` device (one 8-bit plate per ink, process and spot, with
overprint as the press prints it), adds the plates up, averages the sum over a square window
of ``window_mm`` and returns ``({page number: [(box, highest average)]}, how)``: the places
where the average is over ``limit`` (1.0 = 100 %), each box in PDF points, and a line saying
how it was measured.  ``pages`` is ``[(page number, MediaBox, box to measure)]`` (the BleedBox:
what lies outside it — the marks, printed in every ink — is not measured).
Raises :class:`Unavailable` when Ghostscript is not installed and :class:`Failed` when it
cannot render the file within ``timeout`` seconds.

Only the preflight uses this module.  Why render instead of adding up colour values: what
prints is what the plates carry — overprinted black on a tint, a transparent object's blend,
an image's darkest area — and only a RIP knows that (newsroom.md §4.3); Ghostscript is the RIP
a plant without one would use, and it is already a tool of the tests.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

PIXELS = 16_000_000          # at most this many pixels a page (a large page is rendered coarser)
DPI = 50.0                   # the resolution of the plates, unless the window asks for more


class Unavailable(Exception):
    """Ghostscript is not installed."""


class Failed(Exception):
    """Ghostscript could not render the file."""


def _dpi(pages: list, window_mm: float) -> float:
    dpi = max(DPI, 9.0 / (window_mm / 25.4))          # a window at least 9 pixels wide
    biggest = max(((m[2] - m[0]) * (m[3] - m[1]) for _, m, _ in pages), default=1.0)
    return max(10.0, min(dpi, 72.0 * math.sqrt(PIXELS / max(1.0, biggest))))


def ink_regions(pdf: Path, pages: list, limit: float, window_mm: float, timeout: float,
                tmp: Path) -> tuple[dict, str]:
    gs = shutil.which("gs")
    if gs is None:
        raise Unavailable("Ghostscript (gs) is not installed, so the separations cannot be "
                          "rendered")
    dpi = _dpi(pages, window_mm)
    out = tmp / "sep"
    out.mkdir()
    cmd = [gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiffsep", f"-r{dpi:.2f}",
           "-dMaxSpots=58", "-sCompression=none", f"-sOutputFile={out}/p-%d.tif", str(pdf)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise Failed(f"Ghostscript did not render the separations within {timeout:.0f} s: the "
                     f"ink limit is not checked (refused)") from None
    if done.returncode != 0:
        first = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
        raise Failed("Ghostscript could not render the separations (" +
                     (first[0][:200] if first else f"exit {done.returncode}") +
                     "): a RIP may not print this file")
    found = {}
    for k, (page_no, media, crop) in enumerate(pages, start=1):
        plates = sorted(p for p in out.glob(f"p-{k}(*).tif"))
        if not plates:
            continue
        regions = _page_regions(plates, media, crop, dpi, limit, window_mm)
        if regions:
            found[page_no] = regions
    return found, f"Ghostscript tiffsep at {dpi:.0f} dpi, {window_mm:g} mm window"


def _page_regions(plates: list, media, crop, dpi: float, limit: float, window_mm: float):
    from PIL import Image, ImageMath

    s = 72.0 / dpi                                     # pt per pixel
    px = (max(0, math.floor((crop[0] - media[0]) / s)), max(0, math.floor((media[3] - crop[3]) / s)),
          math.ceil((crop[2] - media[0]) / s), math.ceil((media[3] - crop[1]) / s))
    bands = {}
    for k, p in enumerate(plates):
        with Image.open(p) as im:
            im = im.convert("L")
            box = (px[0], px[1], min(px[2], im.width), min(px[3], im.height))
            if box[2] <= box[0] or box[3] <= box[1]:
                return []
            bands[f"p{k}"] = im.crop(box).convert("I")
    names = list(bands)
    # a plate is 255 where it carries no ink: ink = 255 - value; the sum / 4 fits 0…255 up to
    # 400 % (more, with spot inks, is cut at 400 %: over any limit anyway)
    full = 255 * len(names)

    def total(a):
        acc = a[names[0]]
        for n in names[1:]:
            acc = acc + a[n]
        return (full - acc) / 4

    try:
        tot = ImageMath.lambda_eval(total, **bands)
    except AttributeError:                                  # Pillow < 11
        tot = ImageMath.eval("(%d - (%s)) / 4" % (full, " + ".join(names)), **bands)
    tot = tot.convert("L")
    from PIL import ImageFilter

    r = max(1, round(window_mm / 25.4 * dpi / 2))
    avg = tot.filter(ImageFilter.BoxBlur(r))
    thr = limit * 255 / 4 + 0.5                             # half a step of tolerance
    over = avg.point(lambda v: 255 if v > thr else 0)
    if over.getbbox() is None:
        return []
    hot = tot.point(lambda v: 255 if v > thr else 0)       # the pixels over the limit
    regions = []
    for x0, y0, x1, y1 in _components(over, 4)[:20]:
        # the windows over the limit, widened by half a window: the inked area they cover
        wx0, wy0 = max(0, x0 - r), max(0, y0 - r)
        wx1, wy1 = min(tot.width, x1 + r), min(tot.height, y1 + r)
        inked = hot.crop((wx0, wy0, wx1, wy1)).getbbox()
        if inked is None:
            inked = (x0 - wx0, y0 - wy0, x1 - wx0, y1 - wy0)
        bx0, by0, bx1, by1 = (inked[0] + wx0, inked[1] + wy0, inked[2] + wx0, inked[3] + wy0)
        peak = avg.crop((x0, y0, x1, y1)).getextrema()[1]
        ox, oy = media[0] + px[0] * s, media[3] - px[1] * s
        regions.append(((ox + bx0 * s, oy - by1 * s, ox + bx1 * s, oy - by0 * s),
                        peak * 4 / 255))
    return regions


def _components(mask, cell: int) -> list:
    """Bounding boxes (pixels) of the connected areas of a 0/255 mask, found on cells of
    ``cell`` pixels (a page's worth of cells is a few tens of thousands)."""
    w, h = mask.width, mask.height
    cw, ch = math.ceil(w / cell), math.ceil(h / cell)
    from PIL import Image

    padded = Image.new("L", (cw * cell, ch * cell), 0)
    padded.paste(mask, (0, 0))
    small = padded.reduce(cell)                  # a cell with any pixel set is not 0
    data = small.tobytes()
    seen = bytearray(len(data))
    boxes = []
    for start in range(len(data)):
        if not data[start] or seen[start]:
            continue
        stack = [start]
        seen[start] = 1
        x0 = x1 = start % cw
        y0 = y1 = start // cw
        while stack:
            i = stack.pop()
            x, y = i % cw, i // cw
            x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
            for j in (i - 1 if x else -1, i + 1 if x + 1 < cw else -1,
                      i - cw if y else -1, i + cw if y + 1 < ch else -1):
                if j >= 0 and data[j] and not seen[j]:
                    seen[j] = 1
                    stack.append(j)
        fine = mask.crop((x0 * cell, y0 * cell, min(w, (x1 + 1) * cell),
                          min(h, (y1 + 1) * cell))).getbbox()
        if fine is not None:
            boxes.append((fine[0] + x0 * cell, fine[1] + y0 * cell, fine[2] + x0 * cell,
                          fine[3] + y0 * cell))
    boxes.sort(key=lambda b: (b[1], b[0]))
    return boxes
