#!/usr/bin/env python3
"""Draws the sample issue's two illustrations (made for this project):
pictures/kinsoku.png, a ten-character line showing a comma that may not start a line (wrong),
and the same text with one character pushed out so that the comma follows it (right);
pictures/spacing.png, the quarter-em gap between Han characters and Latin letters or digits.  Run from anywhere: python issues/demo-weekly-2020-08/pictures/make_picture.py"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parents[2] / "fonts" / "TypesetSerifSC-Regular.ttf"
BOLD = HERE.parents[2] / "fonts" / "TypesetSansSC-Bold.ttf"

W, H, CELL = 1620, 1000, 150


def grid(d, x0, y0, rows, font, marks):
    for r, row in enumerate(rows):
        step = CELL * 10 / len(row)          # a short line is spread evenly over the measure
        for c, ch in enumerate(row):
            x, y = x0 + c * step, y0 + r * CELL
            fill = (255, 236, 200) if (r, c) in marks else (245, 245, 240)
            d.rectangle([x, y, x + CELL - 8, y + CELL - 8], fill=fill, outline=(150, 150, 150))
            d.text((x + (CELL - 8) / 2, y + (CELL - 8) / 2), ch, font=font, fill=(20, 20, 20),
                   anchor="mm")


def main():
    im = Image.new("RGB", (W, H), (255, 255, 255))
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(str(FONT), 118)
    b = ImageFont.truetype(str(BOLD), 64)
    d.text((60, 30), "错误：逗号出现在行首", font=b, fill=(190, 30, 30))
    grid(d, 60, 130, ["一二三四五六七八九十", "，一二三四五六七八九"], f, {(1, 0)})
    d.line([(60, 280), (60 + CELL - 8, 280 + CELL - 8)], fill=(190, 30, 30), width=10)
    d.text((60, 520), "正确：推出一字，逗号随“十”移到下一行", font=b, fill=(20, 110, 60))
    grid(d, 60, 620, ["一二三四五六七八九", "十，一二三四五六七八"], f, {(1, 0), (1, 1)})
    im.save(HERE / "kinsoku.png", optimize=True)

    im = Image.new("RGB", (2000, 1100), (255, 255, 255))
    d = ImageDraw.Draw(im)
    d.text((60, 40), "汉字与西文之间留四分之一字宽，标点旁不留", font=b, fill=(20, 60, 140))
    parts = ["增长", "5.5%", "，其中", "GDP", "上升"]
    y = 190
    for label, gap in (("无间隙", 0), ("¼ 字宽", 0.25), ("½ 字宽", 0.5)):
        d.text((60, y + 30), label, font=b, fill=(90, 90, 90))
        x = 420
        for k, part in enumerate(parts):
            latin = part[0].isascii()
            prev_han = k > 0 and not parts[k - 1][0].isascii() and parts[k - 1][-1] not in "，"
            if latin and gap and prev_han:          # Han before Latin: a gap
                d.rectangle([x, y, x + gap * 118, y + 130], fill=(255, 220, 160))
                x += gap * 118
            if not latin and gap and k > 0 and parts[k - 1][0].isascii() and part[0] != "，":
                d.rectangle([x, y, x + gap * 118, y + 130], fill=(255, 220, 160))
                x += gap * 118                      # Latin before Han: a gap
            d.text((x, y + 65), part, font=f, fill=(20, 20, 20), anchor="lm")
            x += d.textlength(part, font=f)
        y += 300
    im.save(HERE / "spacing.png", optimize=True)


if __name__ == "__main__":
    main()
