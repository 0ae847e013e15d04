"""Pictures: read, check resolution, crop to the slot, convert to CMYK.  Uses Pillow only.

Contract: ``probe(path)`` → (width px, height px); ``prepare(path, w_pt, h_pt, icc)`` crops the
picture to the box's proportions (centred, as a picture editor would), checks the effective
resolution at that size and returns a :class:`Prepared` with CMYK JPEG bytes.  The colour
conversion is an ICC transform from the picture's embedded profile (or sRGB) to the paper's
output profile when one is configured; without one it falls back to Pillow's plain formula
and says so in the warnings.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

WARN_PPI = 200.0     # below this a picture prints soft: a warning
MIN_PPI = 120.0      # below this it is refused


@dataclass
class Prepared:
    data: bytes
    ppi: float
    warnings: list[str] = field(default_factory=list)


def probe(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as im:
        return im.size


def effective_ppi(px_w: int, px_h: int, w_pt: float, h_pt: float) -> float:
    """Resolution after cropping to fill the box: the scale of the side that fills it."""
    scale = max(w_pt / px_w, h_pt / px_h)     # pt per pixel
    return 72.0 / scale


def prepare(path: Path, w_pt: float, h_pt: float, icc: Path | None = None) -> Prepared:
    from PIL import Image, ImageCms

    warnings = []
    with Image.open(path) as im:
        im.load()
        px_w, px_h = im.size
        ppi = effective_ppi(px_w, px_h, w_pt, h_pt)
        # crop to the box's proportions, centred
        box_ratio = w_pt / h_pt
        if px_w / px_h > box_ratio:
            cw = round(px_h * box_ratio)
            x0 = (px_w - cw) // 2
            im = im.crop((x0, 0, x0 + cw, px_h))
        else:
            ch = round(px_w / box_ratio)
            y0 = (px_h - ch) // 2
            im = im.crop((0, y0, px_w, y0 + ch))
        src_icc = im.info.get("icc_profile")
        if im.mode == "CMYK":
            cmyk = im
        else:
            rgb = im.convert("RGB")
            if icc is not None and icc.is_file():
                src = (ImageCms.ImageCmsProfile(io.BytesIO(src_icc)) if src_icc
                       else ImageCms.createProfile("sRGB"))
                cmyk = ImageCms.profileToProfile(
                    rgb, src, ImageCms.ImageCmsProfile(str(icc)), outputMode="CMYK",
                    renderingIntent=ImageCms.Intent.PERCEPTUAL)
            else:
                warnings.append(f"{path.name}: no output ICC profile configured; "
                                f"converted to CMYK with a plain formula")
                cmyk = rgb.convert("CMYK")
        buf = io.BytesIO()
        cmyk.save(buf, "JPEG", quality=92, optimize=False)
    return Prepared(buf.getvalue(), ppi, warnings)


def cmyk_of(rgb: tuple, icc: Path | None) -> tuple:
    """One sRGB colour (components 0..1) as CMYK (0..1) through the output profile ``icc``
    (relative colorimetric), or Pillow's plain formula without one."""
    from PIL import Image, ImageCms

    px = Image.new("RGB", (1, 1), tuple(round(v * 255) for v in rgb))
    if icc is not None and Path(icc).is_file():
        out = ImageCms.profileToProfile(px, ImageCms.createProfile("sRGB"),
                                        ImageCms.ImageCmsProfile(str(icc)), outputMode="CMYK",
                                        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    else:
        out = px.convert("CMYK")
    return tuple(v / 255.0 for v in out.getpixel((0, 0)))
