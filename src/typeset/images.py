"""Pictures: read, measure resolution, crop to the slot, convert for print.  Uses Pillow only.

Contract: ``probe(path)`` → (width px, height px); ``prepare(path, w_pt, h_pt, icc, black)``
crops the picture to the box's proportions (centred, as a picture editor would), checks the
effective resolution at that size and returns a :class:`Prepared` with the bytes to place:

- a colour picture on a colour page: CMYK JPEG, an ICC transform from the picture's embedded
  profile (or sRGB) to the paper's output profile when one is configured (without one,
  Pillow's plain formula, said in the warnings);
- a grey or bitmap picture, and any picture on a black-only page: one channel for the black
  plate (a grey JPEG, a bitmap as grey PNG), its tones mapped to K through the output
  profile's black channel (:func:`k_curve`); placed as DeviceGray, which a RIP prints on K
  only under the file's CMYK output intent (tests/test_black_pictures.py checks the plates
  with Ghostscript's tiffsep and inkcov).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

@dataclass
class Prepared:
    data: bytes
    ppi: float
    warnings: list[str] = field(default_factory=list)


def pixels(im):
    """The pixel values of ``im``, row by row (Pillow 12 names this get_flattened_data and
    removes getdata in Pillow 14; older Pillows have only getdata)."""
    flat = getattr(im, "get_flattened_data", None)
    return flat() if flat else im.getdata()


def probe(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as im:
        return im.size


def effective_ppi(px_w: int, px_h: int, w_pt: float, h_pt: float) -> float:
    """Resolution after cropping to fill the box: the scale of the side that fills it."""
    scale = max(w_pt / px_w, h_pt / px_h)     # pt per pixel
    return 72.0 / scale


GREY_MODES = ("1", "L", "LA", "I", "I;16", "F")


def k_curve(icc: Path | None) -> list[int]:
    """Grey level (0 black … 255 white, sRGB's tone curve) → K value (0 … 255) that prints
    the same lightness on the paper's press, read off the output profile: the lightness
    (L*) of 0 0 0 k for every k, and for each grey the k whose L* is nearest.  Without a
    profile, k = 255 − grey."""
    from PIL import Image, ImageCms

    if icc is None or not Path(icc).is_file():
        return [255 - g for g in range(256)]
    lab = ImageCms.createProfile("LAB")
    ramp = Image.new("CMYK", (256, 1))
    ramp.putdata([(0, 0, 0, k) for k in range(256)])
    k_lab = ImageCms.profileToProfile(ramp, ImageCms.ImageCmsProfile(str(icc)), lab,
                                      outputMode="LAB",
                                      renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    k_l = [px[0] for px in pixels(k_lab)]              # L* of each k, 0..255 scale
    greys = Image.new("RGB", (256, 1))
    greys.putdata([(g, g, g) for g in range(256)])
    g_lab = ImageCms.profileToProfile(greys, ImageCms.createProfile("sRGB"), lab,
                                      outputMode="LAB",
                                      renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    # relative colorimetric: the paper's white is white; scale so that grey 255 → k 0
    top, bottom = k_l[0], k_l[255]
    out = []
    for g, px in enumerate(pixels(g_lab)):
        want = bottom + (top - bottom) * px[0] / 255.0 if g < 255 else top
        out.append(min(range(256), key=lambda k: abs(k_l[k] - want)))
    return out


def to_k(im, icc: Path | None):
    """A picture as one channel for the black plate: mode L, 0 = full K (DeviceGray, which
    the RIP puts on K under a CMYK output intent), the tones mapped with :func:`k_curve`."""
    from PIL import ImageCms

    if im.mode not in ("L", "1"):
        if im.mode not in ("RGB", "CMYK"):
            im = im.convert("RGB")
        src = im.info.get("icc_profile")
        if im.mode == "RGB":
            prof = ImageCms.ImageCmsProfile(io.BytesIO(src)) if src else \
                ImageCms.createProfile("sRGB")
            lab = ImageCms.profileToProfile(im, prof, ImageCms.createProfile("LAB"),
                                            outputMode="LAB")
            im = lab.getchannel("L")
            # L* → the sRGB grey of the same lightness, for the k curve
            from PIL import Image

            grey = Image.new("RGB", (256, 1))
            grey.putdata([(g, g, g) for g in range(256)])
            gl = [px[0] for px in pixels(ImageCms.profileToProfile(
                grey, ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"),
                outputMode="LAB"))]
            im = im.point([min(range(256), key=lambda g: abs(gl[g] - v)) for v in range(256)])
        else:
            im = im.convert("L")
    elif im.mode == "1":
        im = im.convert("L")
    curve = k_curve(icc)
    return im.point([255 - curve[g] for g in range(256)])


def prepare(path: Path, w_pt: float, h_pt: float, icc: Path | None = None,
            black: bool = False) -> Prepared:
    """See the module docstring; a grey or bitmap picture, and any picture on a black-only
    page (``black``), is made one channel for K (:func:`to_k`)."""
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
        if im.mode in GREY_MODES or black:
            if im.mode not in GREY_MODES:
                warnings.append(f"{path.name}: a colour picture on a black-only page: "
                                f"converted to grey, printed on K only")
            bitmap = im.mode == "1"
            k = to_k(im, icc)
            buf = io.BytesIO()
            if bitmap:                  # line art: lossless, one channel
                k.save(buf, "PNG", optimize=False)
            else:
                k.save(buf, "JPEG", quality=92, optimize=False)
            return Prepared(buf.getvalue(), ppi, warnings)
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
