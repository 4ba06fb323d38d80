"""Views of an image and its feature maps: state -> HTML. No widgets, no math beyond colours.

Each picture is a small grid of coloured squares (inline styles: the grids are made on the
fly and must stay small). Colour is never the only cue: every square carries its name and
value in ``title`` (shown on hover, read by screen readers and by ``shown_values``), and each
map says in words what its colours mean and the range of its values.

- the image in grey: paper (0) white, full ink black;
- a feature map in a diverging scale: negative blue, 0 white, positive orange (the hues of
  ``cnnviz.render.colour``, which colours the numbers of the other explorers, here deeper: no
  number is written on a square), the strongest value of the map (either sign) at full colour.

The views' words come from the catalog (``cnnviz.words``, entries "images.") in their ``lang``
argument ("en" by default); the classic kernels' names too (``kernel_name``).

>>> import numpy as np
>>> view = grey_grid(np.array([[0., 16.]]), "x", 0, 16)
>>> shown_values(view)
{'x11': '0', 'x12': '16'}
>>> 'background:#fff' in view and 'background:#000' in view
True
"""
import html
import re

import numpy as np

from . import colour
from ..words import say
from .conv import STYLE, cell_name, format_number, panel
from ..derivation.images import kernel_name

__all__ = ["grey_grid", "diverging_grid", "kernel_grid", "image_panel", "feature_map_panel",
           "feature_maps_view", "shown_grids", "shown_values", "diverging_colour",
           "grey_colour", "kernel_name"]

CELL_PX = 16  # one pixel of the image, drawn as a square this wide

def _level(t):
    """A colour channel 0..15 as one hex digit."""
    return "0123456789abcdef"[int(round(min(max(t, 0.0), 1.0) * 15))]


def grey_colour(value, low, high):
    """#rgb grey for ``value`` between ``low`` (white) and ``high`` (black)."""
    t = 0.0 if high == low else (value - low) / (high - low)
    g = _level(1 - t)
    return f"#{g}{g}{g}"


def diverging_colour(value, scale):
    """#rgb: 0 white, +scale full orange (#f80), -scale full blue (#08f), linear between.

    >>> [diverging_colour(v, 4) for v in (0, 4, -4, 2)]
    ['#fff', '#f80', '#08f', '#fb8']
    """
    t = 0.0 if scale == 0 else max(-1.0, min(1.0, value / scale))
    deep, half = _level(1 - abs(t)), _level(1 - 0.47 * abs(t))
    return f"#f{half}{deep}" if t > 0 else (f"#{deep}{half}f" if t < 0 else "#fff")


def _grid(values, symbol, paint, px=CELL_PX, numbers=False):
    """A CSS grid of squares, one per entry, coloured by ``paint(value)``, each titled
    'x23 = 5' (its name in the derivation's notation and its value)."""
    values = np.asarray(values, dtype=float)
    rows, cols = values.shape
    cells = []
    for r, row in enumerate(values.tolist()):
        for c, v in enumerate(row):
            text = format_number(v)
            inner = html.escape(text) if numbers else ""
            cells.append(f'<b title="{cell_name(symbol, r, c)} = {html.escape(text)}" '
                         f'style="background:{paint(v)}">{inner}</b>')
    font = f";font-size:12px;line-height:{px}px;color:#111;text-align:center" if numbers else ""
    return (f'<div style="display:grid;grid-template-columns:repeat({cols},{px}px);'
            f'grid-auto-rows:{px}px;gap:1px;background:#9a9a9a;border:1px solid #9a9a9a;'
            f'width:max-content{font}">{"".join(cells)}</div>')


def grey_grid(values, symbol, low, high):
    """The image in grey: ``low`` white (paper), ``high`` black (ink)."""
    return _grid(values, symbol, lambda v: grey_colour(v, low, high))


def diverging_grid(values, symbol, scale=None):
    """A feature map: negative blue, 0 white, positive orange; ``scale`` (default: the largest
    absolute value) at full colour."""
    values = np.asarray(values, dtype=float)
    scale = float(np.abs(values).max()) if scale is None else float(scale)
    return _grid(values, symbol, lambda v: diverging_colour(v, scale))


def kernel_grid(kernel):
    """A kernel, small, with its numbers written in (2 decimals: 1/9 is 0.11), on the light
    tints of ``cnnviz.render.colour`` (dark text stays readable)."""
    kernel = np.round(np.asarray(kernel, dtype=float), 2)
    scale = colour.scale_for(kernel)
    return _grid(kernel, "w", lambda v: colour.hex_of(v, scale), px=32, numbers=True)


def image_panel(image, title=None, lang="en"):
    """The image in grey, with its size and range in words (in ``lang``; title None: "X (the
    image)" in it)."""
    title = say("images.image_title", lang) if title is None else title
    image = np.asarray(image, dtype=float)
    low, high = float(image.min()), float(image.max())
    caption = say("images.image_caption", lang, h=image.shape[0], w=image.shape[1],
                  low=format_number(low), high=format_number(high))
    return panel(title, grey_grid(image, "x", low, high), caption)


def feature_map_panel(name, kernel, y, mark="", lang="en"):
    """One kernel (``name``: its name, shown by ``kernel_name``) and its feature map, with the
    map's range in words."""
    y = np.asarray(y, dtype=float)
    low, high = float(y.min()), float(y.max())
    kh, kw = np.shape(kernel)
    caption = say("images.map_caption", lang, h=y.shape[0], w=y.shape[1],
                  low=format_number(low), high=format_number(high))
    body = (f'<div class="cv-row" style="gap:8px;align-items:center">{kernel_grid(kernel)}'
            f'<span class="cv-op">→</span>{diverging_grid(y, "y")}</div>')
    title = say("images.kernel_title", lang, name=html.escape(kernel_name(name, lang)), kh=kh,
                kw=kw, mark=mark)
    return panel(title, body, caption)


def feature_maps_view(image, maps, yours=None, lang="en"):
    """The image, then every feature map (records with name, kernel, y); the map named
    ``yours`` is marked ◀ (the student's kernel). ``lang``: the language of the words."""
    panels = [image_panel(image, lang=lang)]
    panels += [feature_map_panel(m.name, m.kernel, m.y, " ◀" if m.name == yours else "", lang)
               for m in maps]
    legend = f'<div class="cv-facts">{say("images.legend", lang)}</div>'
    return (f'{STYLE}<div class="cnnviz-view">{legend}<div class="cv-row">{"".join(panels)}'
            "</div></div>")


_GRID = re.compile(r'<div style="display:grid[^>]*>(.*?)</div>', flags=re.S)
_TITLE = re.compile(r'<b title="([^"=]+) = ([^"]*)" style="background:(#[0-9a-f]{3,6})"')


def shown_grids(view_html):
    """A list with one {name: (value text, colour)} dict per grid, in document order."""
    return [{html.unescape(n): (html.unescape(v), colour) for n, v, colour in _TITLE.findall(grid)}
            for grid in _GRID.findall(view_html)]


def shown_values(view_html):
    """{name: value text} of the squares of a view with one grid (the last grid wins a name)."""
    return {name: value for grid in shown_grids(view_html) for name, (value, _) in grid.items()}
