#!/usr/bin/env python3
"""Render a `tmux capture-pane -e -p` capture to a PNG, the way a terminal would show it.

Usage: render.py CAPTURE.ans OUTPUT.png --size COLSxROWS [--cursor X,Y]

pyte is the terminal emulator (it interprets the escape sequences into a grid of cells with
colours and attributes); Pillow draws the grid with DejaVu Sans Mono. pyte has no "dim"
attribute (SGR 2), which the wizard uses for secondary text, so SGR 2/22 are carried through
pyte's otherwise unused blink attribute and drawn as dim.
"""

import argparse
import os
import sys

import pyte
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_SIZE = 16
PADDING = 14

# A dark theme with enough contrast for every role the wizard uses (white on blue, black on
# cyan, black on white, dim on the default background).
BACKGROUND = (0x1d, 0x1f, 0x21)
FOREGROUND = (0xd8, 0xd8, 0xd8)
PALETTE = {
    "black": (0x1d, 0x1f, 0x21),
    "red": (0xe0, 0x5d, 0x5d),
    "green": (0x8c, 0xc8, 0x5f),
    "brown": (0xe5, 0xc0, 0x7b),  # pyte's name for yellow
    "blue": (0x2f, 0x5f, 0xc0),
    "magenta": (0xc6, 0x78, 0xdd),
    "cyan": (0x4f, 0xb8, 0xc8),
    "white": (0xd8, 0xd8, 0xd8),
    "brightblack": (0x6c, 0x71, 0x7a),
    "brightred": (0xff, 0x7b, 0x7b),
    "brightgreen": (0xb0, 0xe8, 0x80),
    "brightbrown": (0xf5, 0xd8, 0x9a),
    "brightblue": (0x6a, 0x9a, 0xf0),
    "brightmagenta": (0xe0, 0x9c, 0xf0),
    "brightcyan": (0x80, 0xe0, 0xf0),
    "brightwhite": (0xff, 0xff, 0xff),
}
# The 256-colour indices 0-15 arrive from pyte as xterm's hex values: show them in our palette.
_ANSI16 = ["black", "red", "green", "brown", "blue", "magenta", "cyan", "white",
           "brightblack", "brightred", "brightgreen", "brightbrown", "brightblue",
           "brightmagenta", "brightcyan", "brightwhite"]
for _index, _name in enumerate(_ANSI16):
    PALETTE[pyte.graphics.FG_BG_256[_index]] = PALETTE[_name]


class DimAwareScreen(pyte.Screen):
    """A pyte screen that keeps SGR 2 (dim) by storing it in the blink attribute."""

    def select_graphic_rendition(self, *attrs, private=False):
        if private:  # CSI ? … m is not SGR (e.g. xterm key modifier queries): ignore it
            return
        translated = []
        params = list(attrs)
        i = 0
        while i < len(params):
            attr = params[i]
            if attr in (38, 48):  # extended colour: pass its sub-parameters through untouched
                width = 3 if i + 1 < len(params) and params[i + 1] == 5 else 5
                translated.extend(params[i:i + width])
                i += width
                continue
            if attr == 2:
                translated.append(5)
            elif attr == 22:
                translated.extend([22, 25])
            elif attr == 5 or attr == 25:
                pass  # real blink is not drawn; never confuse it with dim
            else:
                translated.append(attr)
            i += 1
        if attrs and not translated:
            return
        super().select_graphic_rendition(*translated)


def colour(name, default):
    if name == "default":
        return default
    if name in PALETTE:
        return PALETTE[name]
    if isinstance(name, str) and len(name) == 6:
        return tuple(int(name[k:k + 2], 16) for k in (0, 2, 4))
    return default


def blend(front, back, amount):
    return tuple(round(f * amount + b * (1 - amount)) for f, b in zip(front, back))


class Fonts:
    """DejaVu Sans Mono (regular/bold), falling back to DejaVu Sans for a glyph Mono lacks."""

    def __init__(self):
        def load(name):
            return ImageFont.truetype(os.path.join(FONT_DIR, name), FONT_SIZE)
        self.regular = load("DejaVuSansMono.ttf")
        self.bold = load("DejaVuSansMono-Bold.ttf")
        self.fallback = load("DejaVuSans.ttf")
        self.fallback_bold = load("DejaVuSans-Bold.ttf")
        self._missing = bytes(self.regular.getmask("\ue000"))
        self._has = {}
        ascent, descent = self.regular.getmetrics()
        self.ascent = ascent
        self.cell_width = round(self.regular.getlength("M"))
        self.cell_height = ascent + descent + 2

    def for_char(self, char, bold):
        if char not in self._has:
            self._has[char] = char.isascii() or bytes(self.regular.getmask(char)) != self._missing
        if self._has[char]:
            return self.bold if bold else self.regular
        return self.fallback_bold if bold else self.fallback


def render(capture, columns, rows, cursor, output):
    screen = DimAwareScreen(columns, rows)
    stream = pyte.ByteStream(screen)
    # capture-pane ends every row with a bare newline; a terminal needs CR LF, and no newline
    # after the last row (it would scroll the first row away).
    stream.feed(capture.rstrip(b"\n").replace(b"\n", b"\r\n"))

    fonts = Fonts()
    cw, ch = fonts.cell_width, fonts.cell_height
    image = Image.new("RGB", (columns * cw + 2 * PADDING, rows * ch + 2 * PADDING), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for y in range(rows):
        line = screen.buffer[y]
        for x in range(columns):
            cell = line[x]
            fg = colour(cell.fg, FOREGROUND)
            bg = colour(cell.bg, BACKGROUND)
            if cell.reverse:
                fg, bg = bg, fg
            if cell.blink:  # dim (see DimAwareScreen)
                fg = blend(fg, bg, 0.55)
            if cursor == (x, y):
                fg, bg = BACKGROUND, FOREGROUND
            left, top = PADDING + x * cw, PADDING + y * ch
            if bg != BACKGROUND:
                draw.rectangle([left, top, left + cw - 1, top + ch - 1], fill=bg)
            if cell.data and cell.data != " ":
                font = fonts.for_char(cell.data, cell.bold)
                if font in (fonts.fallback, fonts.fallback_bold):
                    offset = (cw - font.getlength(cell.data)) / 2  # centre a proportional glyph
                else:
                    offset = 0
                draw.text((left + offset, top + 1), cell.data, font=font, fill=fg)
            if cell.underscore:
                base = top + 1 + fonts.ascent + 2
                draw.line([left, base, left + cw - 1, base], fill=fg)
    image.save(output, optimize=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture")
    parser.add_argument("output")
    parser.add_argument("--size", required=True, help="COLSxROWS of the pane")
    parser.add_argument("--cursor", help="X,Y of the visible terminal cursor, 0-based")
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.lower().split("x"))
    cursor = tuple(int(n) for n in args.cursor.split(",")) if args.cursor else None
    with open(args.capture, "rb") as handle:
        capture = handle.read()
    render(capture, columns, rows, cursor, args.output)


if __name__ == "__main__":
    sys.exit(main())
