"""Colour that carries meaning: a number's sign and size as the light fill of its cell.

A diverging scale, the same for every grid of an explorer: blue below zero, white at zero,
orange above; the deeper the tint, the larger |value|, up to the explorer's ``scale`` (a
round number at least as large as every |value| it shows, from ``scale_for``). Blue against
orange stays apart in the common forms of colour blindness (they differ on the blue-yellow
axis that red-green colour blindness keeps), and every tint is light enough for the darkest
grey of a cell's text (#595959) at 4.5:1 or more.

A cell gets its colour as a class (``cv-n1`` … ``cv-n7`` below zero, ``cv-p1`` … ``cv-p7``
above, ``cv-z`` at zero), one of ``STEPS`` steps per side: a few bytes per cell in a saved
frame, the colours themselves once in the stylesheet (style.css). A NaN (not computed yet)
or no scale (None) gives no class: the cell keeps its plain white.

    scale = scale_for(x, y)                     # one scale for the explorer's frames
    fill_class(-2.0, scale)                     # 'cv-n4' with scale 4
    with_fill("cv-win", 3.0, scale)             # 'cv-win cv-p6': the outline stays
    legend_html(scale)                          # what the colours mean, once per explorer

A highlight (the window, the current output, a maximum) keeps its outline and its mark; in a
coloured table its cell's background is the value's colour (the stylesheet lists the fills
after the highlights), except that padding and inserted zeros stay grey.

>>> scale_for([[1, -3]], 0.5), scale_for([0.0]), scale_for([7.2])
(3.0, 1.0, 8.0)
>>> [fill_class(v, 4.0) for v in (-4, -0.1, 0, 0.5, 2, 9, float("nan"))]
['cv-n7', 'cv-n1', 'cv-z', 'cv-p1', 'cv-p4', 'cv-p7', '']
"""
import html
import math

import numpy as np

from ..words import say

__all__ = ["STEPS", "NEGATIVE", "POSITIVE", "ZERO", "scale_for", "fill_class", "with_fill",
           "class_attr", "hex_of", "palette", "legend_html"]

STEPS = 7
# The tints, lightest first: equal steps of CIE lightness L* from 95.5 to 84.3, the chroma
# growing with the depth, at the hue of sky blue (LCh hue 245°) and of light orange (72°).
NEGATIVE = ("#e5f4ff", "#daf0ff", "#ceecff", "#c2e7ff", "#b6e3ff", "#a9dfff", "#9bdbff")
POSITIVE = ("#fff0e1", "#ffe9d5", "#ffe3c7", "#ffdcba", "#ffd6ab", "#ffcf9c", "#ffc88d")
ZERO = "#ffffff"

# Below this a number is shown as 0 (format_number rounds to 6 decimals): white, not a tint.
_SHOWN_AS_ZERO = 5e-7
_NICE = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


def scale_for(*arrays):
    """The scale of a set of numbers: their largest |value| rounded up to a round number
    (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten), 1 if they are all 0. NaN and
    infinities (nothing to colour) and None are left out; scalars count as arrays.

    >>> scale_for([[0, 4], [-1, 2]]), scale_for(-9, [0.21]), scale_for(None, [np.nan])
    (4.0, 10.0, 1.0)
    """
    largest = 0.0
    for a in arrays:
        if a is None:
            continue
        a = np.abs(np.asarray(a, dtype=float))
        a = a[np.isfinite(a)]
        if a.size:
            largest = max(largest, float(a.max()))
    if largest < _SHOWN_AS_ZERO:
        return 1.0
    power = 10.0 ** math.floor(math.log10(largest))
    for nice in _NICE:
        # a little slack: 3.0000000001 (rounding) is 3, not 4
        if largest <= nice * power * (1 + 1e-9):
            return float(nice * power)
    return float(10 * power)


def _step(value, scale):
    """-STEPS..STEPS: the sign of value times its step (0 at zero), or None (NaN / no scale)."""
    if scale is None or value is None:
        return None
    value = float(value)
    if value != value:
        return None
    size = abs(value)
    if size < _SHOWN_AS_ZERO:
        return 0
    # step k holds (k-1)/STEPS < |value|/scale <= k/STEPS; beyond the scale: the deepest
    k = min(STEPS, max(1, math.ceil(size / scale * STEPS - 1e-9)))
    return k if value > 0 else -k


def fill_class(value, scale):
    """The class of a value's fill: 'cv-n1'…'cv-n7' (negative, deeper for larger |value|),
    'cv-z' (zero, white), 'cv-p1'…'cv-p7' (positive); '' for NaN or no scale (None)."""
    k = _step(value, scale)
    if k is None:
        return ""
    return "cv-z" if k == 0 else f"cv-{'p' if k > 0 else 'n'}{abs(k)}"


# Classes whose zero needs no 'cv-z': white or their own grey is right for a zero (no
# background: cv-new; padding and inserted zeros stay grey; a hatched cell keeps its hatching).
_ZERO_AS_IS = frozenset({"cv-pad", "cv-ins", "cv-unread", "cv-new"})


def with_fill(classes, value, scale):
    """A cell's classes (a string, '' or None) with its value's fill added. A zero adds
    'cv-z' only to a highlighted cell (its highlight's own background gives way to white;
    over padding, to the padding's grey); a plain cell is white already, and padding,
    inserted zeros and hatched cells keep their grey.

    >>> with_fill("cv-win", -1, 2.0), with_fill("", 0, 2.0), with_fill("cv-cur", 0, 2.0)
    ('cv-win cv-n4', '', 'cv-cur cv-z')
    >>> with_fill("cv-pad", 0, 2.0), with_fill("cv-pad", -2, 2.0), with_fill(None, 1, None)
    ('cv-pad', 'cv-pad cv-n7', '')
    >>> with_fill("cv-pending", float("nan"), 2.0)
    'cv-pending'
    """
    classes = (classes or "").strip()
    fill = fill_class(value, scale)
    if not fill or (fill == "cv-z" and _ZERO_AS_IS.issuperset(classes.split())):
        return classes
    return f"{classes} {fill}" if classes else fill


def class_attr(classes, value, scale, quote='"'):
    """`` class="…"`` for a ``<td``: the cell's classes with its fill (``with_fill``), or ''
    if it has none (for views that write their cells by hand).

    >>> "<td" + class_attr("cv-max", 3, 4.0) + ">", "<td" + class_attr("", 0, 4.0) + ">"
    ('<td class="cv-max cv-p6">', '<td>')
    """
    classes = with_fill(classes, value, scale)
    return f" class={quote}{classes}{quote}" if classes else ""


def hex_of(value, scale):
    """The colour of a value's fill ('#rrggbb'; white for zero, NaN or no scale), e.g. for an
    SVG or a matplotlib picture that shows the same scale."""
    k = _step(value, scale)
    if not k:
        return ZERO
    return (POSITIVE if k > 0 else NEGATIVE)[abs(k) - 1]


def palette():
    """The 2*STEPS+1 colours from the deepest blue through white to the deepest orange; the
    step k from the middle holds (k-1)/STEPS < |value|/scale <= k/STEPS (for a picture drawn
    otherwise, e.g. ``matplotlib.colors.ListedColormap(palette())``; or ``hex_of`` per value)."""
    return list(NEGATIVE[::-1]) + [ZERO] + list(POSITIVE)


def _number(value):
    from .conv import format_number  # conv imports this module
    return format_number(value)


def legend_html(scale, lang="en"):
    """What the colours mean, in a block of its own (one per explorer, next to its grids):
    the tints as a bar from −scale to +scale, and the words (in ``lang``). ``data-scale`` holds
    the scale (tests read it back).

    >>> legend_html(4.0)[:60]
    "<div class='cnnviz-view cv-key' data-scale='4'><b>−4</b><i c"
    """
    end = html.escape(_number(scale))
    return (f"<div class='cnnviz-view cv-key' data-scale='{end}'><b>−{end}</b>"
            f"<i class='cv-key-bar'></i><b>+{end}</b> {say('colour.legend', lang, end=end)}</div>")
