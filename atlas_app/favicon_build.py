"""Draws the app's favicon, a map pin, into atlas_app/favicon.png: ``python -m atlas_app.favicon_build``.

A local PNG, not an emoji (Streamlit checks an emoji against its catalogue, a 0.1 s import on a server's first run)
nor a Material icon (the browser would fetch it from Google's font CDN)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent / "favicon.png"
SIZE = 64                       # pixels of the PNG; drawn four times bigger and scaled down, for smooth edges
PIN = (214, 39, 40, 255)        # the front lines' red (geo.events.kinds)
HOLE = (255, 255, 255, 255)


def draw(size: int = SIZE) -> Image.Image:
    """A red map pin with a white hole on a transparent square of ``size`` pixels."""
    big = 4 * size
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(img)
    cx, cy, r = big / 2, big * 0.38, big * 0.30         # the pin's head
    pen.ellipse((cx - r, cy - r, cx + r, cy + r), fill=PIN)
    pen.polygon([(cx - r * 0.87, cy + r * 0.5), (cx + r * 0.87, cy + r * 0.5), (cx, big * 0.96)], fill=PIN)
    h = r * 0.42
    pen.ellipse((cx - h, cy - h, cx + h, cy + h), fill=HOLE)
    return img.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    draw().save(OUT, optimize=True)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
