"""Proofs: a PNG of every page, a contact sheet of the issue, and a grid overlay for the editor.

Contract: ``proof_images(pages, paper, stem, grid=False, dpi=100, label_font=None)`` takes
``[(pdf_bytes, PageOut)]`` (one single-page PDF per page, as the build writes them) and returns
``[(file name, PNG bytes)]``: ``STEM-pNN.png`` per page (the whole MediaBox: bleed and marks
included), with ``grid`` also ``STEM-pNN-grid.png``, and ``STEM-contact.png`` with every page
trimmed, side by side, labelled with its page number and section.  ``write_proofs(pdfs, out)``
does the same (without grid) for PDF files already written, e.g. for the archive.

The grid overlay shows the type area's columns (blue), every grid line (cyan), each slot's
rectangle coloured by its status (green ok, red overset, orange underset, with the slot id) and
the order of an article's columns along its thread (magenta numbers).

Pages are rendered with pypdfium2 (feasibility.md §5: PDFium converts CMYK naively, which is
fine for layout proofs but is not a colour proof) and drawn on with Pillow; both are imported
lazily.  The same input gives the same PNG bytes.
"""

from __future__ import annotations

import io

STATUS = {"ok": (0, 150, 60), "overset": (220, 0, 0), "underset": (255, 140, 0)}
COLUMN = (40, 110, 255)
GRID = (0, 170, 220)
THREAD = (200, 0, 160)


def _font(path, size):
    from PIL import ImageFont

    if path is not None:
        try:
            return ImageFont.truetype(str(path), size)
        except OSError:
            pass
    try:
        return ImageFont.load_default(size=size)
    except TypeError:                       # Pillow < 10.1
        return ImageFont.load_default()


def render_page(pdf_bytes: bytes, dpi: float):
    """(RGB image of page 1's CropBox, (trim left, trim top) in px, px per pt)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf_bytes)
    try:
        page = doc[0]
        scale = dpi / 72.0
        crop = page.get_cropbox()
        trim = page.get_trimbox()
        img = page.render(scale=scale, fill_color=(255, 255, 255, 255)).to_pil().convert("RGB")
        origin = ((trim[0] - crop[0]) * scale, (crop[3] - trim[3]) * scale)
        size = ((trim[2] - trim[0]) * scale, (trim[3] - trim[1]) * scale)
        page.close()
    finally:
        doc.close()
    return img, origin, size, scale


def grid_overlay(img, origin, scale, page, paper, font_path=None):
    """The page image with columns, grid lines, slots and thread order drawn over it."""
    from PIL import Image, ImageDraw

    ox, oy = origin
    P = lambda x, y: (ox + x * scale, oy + y * scale)          # noqa: E731
    out = img.convert("RGBA")

    def layer(draw):
        lay = Image.new("RGBA", out.size, (0, 0, 0, 0))
        draw(ImageDraw.Draw(lay))
        return Image.alpha_composite(out, lay)

    top, bottom = paper.line_top(0), paper.line_top(paper.lines)
    small = _font(font_path, max(10, int(7 * scale)))
    label = _font(font_path, max(12, int(9 * scale)))
    width = max(2, int(scale * 1.2))

    def slot_fills(d):                    # a tint over slots that do not fit
        for x, y, w, h, status in page.slots.values():
            if status != "ok":
                d.rectangle([P(x, y), P(x + w, y + h)], fill=STATUS.get(status) + (60,))

    def columns(d):
        for c in range(1, paper.columns + 1):
            x0 = paper.column_x(c)
            d.rectangle([P(x0, top), P(x0 + paper.column_width, bottom)],
                        fill=COLUMN + (18,), outline=COLUMN + (170,), width=1)

    def grid_lines(d):
        x_left = paper.column_x(1)
        x_right = paper.column_x(paper.columns) + paper.column_width
        for i in range(paper.lines + 1):
            y = paper.line_top(i)
            d.line([P(x_left, y), P(x_right, y)], fill=GRID + (150 if i % 5 else 230,),
                   width=1)

    def slots(d):
        for sid, (x, y, w, h, status) in page.slots.items():
            col = STATUS.get(status, (120, 120, 120))
            d.rectangle([P(x, y), P(x + w, y + h)], outline=col + (255,), width=width)
            text = sid if status == "ok" else f"{sid}: {status}"
            tx, ty = P(x, y)
            bb = d.textbbox((tx + 3, ty + 3), text, font=label)
            d.rectangle([bb[0] - 2, bb[1] - 2, bb[2] + 2, bb[3] + 2], fill=col + (230,))
            d.text((tx + 3, ty + 3), text, fill=(255, 255, 255, 255), font=label)

    def threads(d):                       # column order of each article, in the gutter
        r = max(6, int(4.5 * scale))
        for rects in page.threads.values():
            for k, (x, y, w, h) in enumerate(rects, start=1):
                cx, cy = P(x + w + paper.gutter / 2.0, y + 5)
                d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=THREAD + (230,))
                d.text((cx, cy), str(k), fill=(255, 255, 255, 255), font=small, anchor="mm")

    def legend(d):                        # in the margin under the page
        items = [("ok", STATUS["ok"]), ("overset", STATUS["overset"]),
                 ("underset", STATUS["underset"]), ("column", COLUMN),
                 ("grid line", GRID), ("thread order", THREAD)]
        lx, ly = ox, oy + (paper.trim_h + paper.bleed) * scale + 4
        stop = ox + (paper.trim_w / 2.0 - 12 * 72 / 25.4) * scale   # clear of the target
        for name, col in items:
            w = 26 + d.textlength(name, font=small)
            if lx + w > stop and lx > ox:
                lx, ly = ox, ly + 18
            d.rectangle([lx, ly, lx + 14, ly + 14], fill=col + (255,))
            d.text((lx + 18, ly), name, fill=(0, 0, 0, 255), font=small)
            lx += w

    for draw in (slot_fills, columns, grid_lines, slots, threads, legend):
        out = layer(draw)
    return out.convert("RGB")


def _png(img, fast: bool = False) -> bytes:
    # fast: zlib's quickest level, about a third of the time of level 6 for files about a
    # third larger (`watch` writes a proof after every save; a build writes them once)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=1 if fast else 6)
    return buf.getvalue()


def contact_sheet(thumbs, font_path=None, per_row: int = 4, height: int = 560):
    """Trimmed pages side by side, each labelled; ``thumbs`` = [(image, label, bad)]."""
    from PIL import Image, ImageDraw

    pad, label_h = 24, 40
    scaled = []
    for img, text, bad in thumbs:
        w = max(1, round(img.width * height / img.height))
        scaled.append((img.resize((w, height), Image.LANCZOS), text, bad))
    cell_w = max(im.width for im, _, _ in scaled) + pad
    rows = (len(scaled) + per_row - 1) // per_row
    cols = min(per_row, len(scaled))
    sheet = Image.new("RGB", (pad + cols * cell_w, pad + rows * (height + label_h + pad)),
                      (200, 200, 200))
    d = ImageDraw.Draw(sheet)
    font = _font(font_path, 22)
    for k, (im, text, bad) in enumerate(scaled):
        x = pad + (k % per_row) * cell_w
        y = pad + (k // per_row) * (height + label_h + pad)
        d.rectangle([x - 1, y - 1, x + im.width, y + im.height], outline=(90, 90, 90))
        sheet.paste(im, (x, y))
        d.text((x, y + height + 8), text, fill=(200, 0, 0) if bad else (0, 0, 0), font=font)
    return sheet


def proof_images(pages, paper, stem: str, grid: bool = False, dpi: float = 100,
                 label_font=None, sections: dict | None = None, plain: bool = True,
                 contact: bool = True, fast: bool = False) -> list[tuple[str, bytes]]:
    """PNG files (name, bytes) for ``pages`` = [(single-page PDF bytes, PageOut)];
    ``plain=False`` leaves out each page's plain PNG (with ``grid``: `watch` shows the grid
    overlay only), ``contact=False`` the contact sheet, ``fast`` encodes for speed."""
    out: list[tuple[str, bytes]] = []
    thumbs = []
    for data, page in pages:
        img, origin, size, scale = render_page(data, dpi)
        name = f"{stem}-p{page.number:02d}"
        if plain or not grid:
            out.append((f"{name}.png", _png(img, fast)))
        if grid:
            out.append((f"{name}-grid.png",
                        _png(grid_overlay(img, origin, scale, page, paper, label_font), fast)))
        if not contact:
            continue
        box = (round(origin[0]), round(origin[1]), round(origin[0] + size[0]),
               round(origin[1] + size[1]))
        section = (sections or {}).get(page.number, "")
        bad = [s for s, v in page.slots.items() if v[4] == "overset"]
        text = f"第{page.number}版 {section}".strip() + (f"  overset: {', '.join(bad)}"
                                                         if bad else "")
        thumbs.append((img.crop(box), text, bool(bad)))
    if contact:
        out.append((f"{stem}-contact.png", _png(contact_sheet(thumbs, label_font), fast)))
    return out


def write_proofs(pdfs, out_dir, dpi: float = 100) -> list:
    """PNG proofs of PDF files already written (one page each, as ``build`` writes them):
    ``NAME.png`` per file and ``STEM-contact.png``; returns the paths written."""
    from pathlib import Path

    import pypdfium2 as pdfium

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written, thumbs = [], []
    for path in sorted(Path(p) for p in pdfs):
        data = path.read_bytes()
        doc = pdfium.PdfDocument(data)
        n = len(doc)
        labels = [doc.get_page_label(i) for i in range(n)]
        doc.close()
        for i in range(n):
            if n > 1:
                import pikepdf

                one = io.BytesIO()
                with pikepdf.open(io.BytesIO(data)) as src, pikepdf.new() as dst:
                    dst.pages.append(src.pages[i])
                    dst.save(one)
                page_data = one.getvalue()
            else:
                page_data = data
            img, origin, size, _ = render_page(page_data, dpi)
            name = path.stem if n == 1 else f"{path.stem}-{i + 1}"
            target = out_dir / f"{name}.png"
            target.write_bytes(_png(img))
            written.append(target)
            box = (round(origin[0]), round(origin[1]), round(origin[0] + size[0]),
                   round(origin[1] + size[1]))
            label = f"第{labels[i]}版" if labels[i] else name
            thumbs.append((img.crop(box), label, False))
    if thumbs:
        stem = sorted(Path(p) for p in pdfs)[0].stem
        stem = stem.rsplit("-p", 1)[0] if "-p" in stem else stem
        target = out_dir / f"{stem}-contact.png"
        target.write_bytes(_png(contact_sheet(thumbs)))
        written.append(target)
    return written


def live_page(page, paper) -> dict:
    """Page ``page`` (a PageOut) as plain data for the live proof the browser draws
    (`serve`): every text run with the x of each glyph (pt from the trim's top-left, y down,
    as the PDF writer places them), the rules, boxes, pictures (their boxes) and the grid
    overlay's shapes with their colours — the same facts :func:`grid_overlay` draws, read from
    the layout instead of a rendered PDF.  JSON-ready; numbers rounded to 0.01 pt."""
    from .frame import Box, Graphic, Image, Rule, TextRun

    r2 = lambda v: round(v, 2)      # noqa: E731
    runs, rules, boxes, pictures = [], [], [], []
    for it in page.items:
        if isinstance(it, TextRun):
            if it.form == "rule":           # drawn as a rule by the page; invisible text
                continue
            face = it.role + ("/halt" if it.form == "halt" else "")
            if it.vertical:
                runs.append(dict(f=face, s=r2(it.size), w=r2(it.weight), v=[
                    [r2(g.x), r2(g.y), g.ch, int(g.turn)] for g in it.glyphs]))
                continue
            parts: list = []
            for g in it.glyphs:
                if g.ch.isspace():          # each glyph has its x: a space draws nothing
                    continue
                if not parts or parts[-1][0] != g.hscale:
                    parts.append([g.hscale, [], []])
                parts[-1][1].append(r2(g.x))
                parts[-1][2].append(g.ch)
            runs.append(dict(f=face, s=r2(it.size), y=r2(it.y), w=r2(it.weight),
                             g=[[h, xs, "".join(cs)] for h, xs, cs in parts]))
        elif isinstance(it, Rule):
            rules.append([r2(it.x0), r2(it.y0), r2(it.x1), r2(it.y1), r2(it.width)])
        elif isinstance(it, Box):
            boxes.append([r2(it.x), r2(it.y), r2(it.w), r2(it.h), r2(it.width),
                          None if it.fill is None else r2(it.fill), int(it.round)])
        elif isinstance(it, (Image, Graphic)):
            pictures.append([r2(it.x), r2(it.y), r2(it.w), r2(it.h), it.source])
    top, bottom = paper.line_top(0), paper.line_top(paper.lines)
    overlay = dict(
        columns=[[r2(paper.column_x(c)), r2(top), r2(paper.column_width), r2(bottom - top)]
                 for c in range(1, paper.columns + 1)],
        lines=[r2(paper.line_top(i)) for i in range(paper.lines + 1)],
        left=r2(paper.column_x(1)),
        right=r2(paper.column_x(paper.columns) + paper.column_width),
        slots=[[sid, r2(x), r2(y), r2(w), r2(h), status]
               for sid, (x, y, w, h, status) in page.slots.items()],
        threads=[[r2(x + w + paper.gutter / 2.0), r2(y + 5), k]
                 for rects in page.threads.values()
                 for k, (x, y, w, h) in enumerate(rects, start=1)],
        colours=dict(STATUS, column=COLUMN, grid=GRID, thread=THREAD))
    return dict(number=page.number, trim_w=r2(page.trim_w), trim_h=r2(page.trim_h),
                bleed=r2(page.bleed), runs=runs, rules=rules, boxes=boxes,
                pictures=pictures, overlay=overlay)
