"""Black-only pages and pictures (issue #19): a greyscale photo, a bitmap and a colour photo
on a page printed in black only land on the K plate only (Ghostscript's tiffsep and inkcov
say so), placed as one channel; on a colour page a colour photo is CMYK in the paper's
output profile, and a grey one is one channel still.  The preflight refuses a CMYK picture
with colour on a black-only page."""

from __future__ import annotations

import io
import subprocess
import textwrap
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageCms, ImageDraw

from conftest import ROOT, TYPESET, need
from typeset.images import pixels

ICC = ROOT / "layout" / "icc" / "typeset-newsprint-TR002-TAC240.icc"


def photo(mode: str, size=(900, 600)) -> Image.Image:
    """A photograph-like test picture: gradients, a disc, stripes and a colour patch."""
    im = Image.new("RGB", size)
    d = ImageDraw.Draw(im)
    w, h = size
    for x in range(w):
        d.line([(x, 0), (x, h)], fill=(int(255 * x / w), 120, 255 - int(255 * x / w)))
    d.ellipse([w * 0.2, h * 0.2, w * 0.5, h * 0.8], fill=(30, 30, 30))
    for k in range(0, w, 40):
        d.rectangle([k, h * 0.85, k + 20, h], fill=(250, 250, 250))
    d.rectangle([w * 0.6, h * 0.1, w * 0.9, h * 0.5], fill=(200, 30, 40))
    return im.convert(mode) if mode != "RGB" else im


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("black")
    issue = root / "issue"
    (issue / "pictures").mkdir(parents=True)
    photo("L").save(issue / "pictures" / "grey.jpg", quality=95)
    photo("1").save(issue / "pictures" / "bitmap.png")
    photo("RGB").save(issue / "pictures" / "colour.jpg", quality=95)
    photo("RGB").save(issue / "pictures" / "colour2.jpg", quality=95)
    photo("L").save(issue / "pictures" / "grey2.png")
    (issue / "a.txt").write_text("headline: 黑白版的图片\n\n本报讯 黑白版上的照片只用黑版印刷。\n",
                                 encoding="utf-8")
    (issue / "issue.yaml").write_text(textwrap.dedent("""\
        paper: typeset-demo
        date: 2020-08-07
        pages:
          - page: 1
            template: yaowen
            black_only: true
            slots:
              - {id: story, article: a.txt, column: 1, span: 4}
              - {id: grey, image: pictures/grey.jpg, column: 1, span: 2}
              - {id: bitmap, image: pictures/bitmap.png, column: 3, span: 2}
              - {id: colour, image: pictures/colour.jpg, column: 1, span: 4}
          - page: 2
            template: yaowen
            slots:
              - {id: photo, image: pictures/colour2.jpg, column: 1, span: 2}
              - {id: grey2, image: pictures/grey2.png, column: 3, span: 2}
        """), encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(issue), "-o", str(root / "out")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "colour.jpg: a colour picture on a black-only page: converted to grey" in r.stderr
    return issue, sorted((root / "out").glob("*-p*.pdf"))


def images(pdf: Path) -> list:
    out = []
    with pikepdf.open(pdf) as p:
        for _, xo in p.pages[0].Resources.XObject.items():
            if xo.Subtype == "/Image":
                out.append((str(xo.ColorSpace), pikepdf.PdfImage(xo).as_pil_image()))
    return out


def test_black_page_pictures_are_one_channel(built):
    _, (p1, p2) = built
    got = images(p1)
    assert len(got) == 3
    assert all(cs == "/DeviceGray" for cs, _ in got), [cs for cs, _ in got]


def test_black_page_inks_only_k(built, tmp_path):
    _, (p1, _) = built
    out = subprocess.run([need("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER",
                          "-sDEVICE=inkcov", "-dUseTrimBox", "-o", "-", str(p1)],
                         capture_output=True, text=True, check=True).stdout
    c, m, y, k = [float(v) for v in out.split()[:4]]
    assert (c, m, y) == (0.0, 0.0, 0.0) and k > 0.1, out
    # the separations, plate by plate, inside the bleed
    dpi = 50
    subprocess.run([need("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep",
                    f"-r{dpi}", "-o", str(tmp_path / "p.tif"), str(p1)], check=True)
    with pikepdf.open(p1) as p:
        media = [float(v) for v in p.pages[0].mediabox]
        bleed = [float(v) for v in p.pages[0].BleedBox]
    s = dpi / 72.0
    box = (int(bleed[0] * s), int((media[3] - bleed[3]) * s), int(bleed[2] * s),
           int((media[3] - bleed[1]) * s))
    for plate in ("Cyan", "Magenta", "Yellow", "Black"):
        im = Image.open(tmp_path / f"p({plate}).tif").convert("L").crop(box)
        inked = sum(1 for v in pixels(im) if v < 250)
        if plate == "Black":
            assert inked > 5000          # the photos and the text
        else:
            assert inked == 0, f"{plate} plate has ink on a black-only page"


def test_grey_tones_follow_the_profiles_black(built):
    """The K values come from the output profile's black channel: mid-grey prints lighter
    than 50 % K on newsprint (dot gain), black is full K, white no ink."""
    from typeset.images import k_curve

    curve = k_curve(ICC)
    assert curve[0] == 255 and curve[255] == 0
    assert all(a >= b for a, b in zip(curve, curve[1:]))
    assert curve[128] < 128
    issue, (p1, _) = built
    src = Image.open(issue / "pictures" / "grey.jpg").convert("L")
    placed = [im for cs, im in images(p1) if im.size[0] > 0]
    # the disc (dark) and a white stripe (255) of the grey photo, in the placed picture
    grey = max(placed, key=lambda im: im.size[0] * im.size[1] if im.mode == "L" else 0)
    assert min(pixels(grey)) < 40 and max(pixels(grey)) > 240
    assert src.size[0] > 0


def test_colour_page_photo_cmyk_in_the_papers_profile(built):
    issue, (_, p2) = built
    got = images(p2)
    kinds = sorted(cs for cs, _ in got)
    assert kinds == ["/DeviceCMYK", "/DeviceGray"], kinds
    cmyk = next(im for cs, im in got if cs == "/DeviceCMYK")
    assert cmyk.mode == "CMYK"
    # a pixel of the red patch, against LittleCMS's conversion with the paper's profile
    src = Image.open(issue / "pictures" / "colour2.jpg").convert("RGB")
    want = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), src.getpixel((int(src.size[0] * 0.75), int(src.size[1] * 0.3)))),
        ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(str(ICC)),
        outputMode="CMYK", renderingIntent=ImageCms.Intent.PERCEPTUAL).getpixel((0, 0))
    naive = Image.new("RGB", (1, 1), (200, 30, 40)).convert("CMYK").getpixel((0, 0))
    # the picture is cropped to its box: find the patch's colour among its pixels
    px = list(pixels(cmyk))
    best = min(px, key=lambda p: sum(abs(a - b) for a, b in zip(p, want)))
    assert sum(abs(a - b) for a, b in zip(best, want)) <= 12, (best, want)
    assert not any(sum(abs(a - b) for a, b in zip(p, naive)) <= 12 for p in px[::7])
    # total ink within the paper's 240 %
    assert max(sum(p) for p in px) <= 2.4 * 255 + 8


def test_preflight_refuses_colour_picture_on_black_page(tmp_path):
    """A black-only file whose picture is CMYK with colour: the preflight says so (a file
    made elsewhere; typeset itself converts such a picture to K)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from typeset.preflight import Expect, preflight

    buf = io.BytesIO()
    photo("RGB").convert("CMYK").save(buf, "JPEG")
    pdf = tmp_path / "x.pdf"
    c = Canvas(str(pdf), pagesize=(300, 300), invariant=1)
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 10, 10, 200, 130)
    c.showPage()
    c.save()
    r = preflight(pdf, Expect(colour=[False]))
    assert any("on a black-only page has ink on the cyan, magenta or yellow plate" in
               f.message for f in r.errors), r.text()
    assert not any("black-only" in f.message for f in preflight(pdf, Expect(colour=[True]))
                   .findings)
