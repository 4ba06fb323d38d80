"""For the colour tests of the explorers: read a frame's grids back with their fills, and check
that they all stand on the explorer's one diverging scale (cnnviz.render.colour)."""
import re

from cnnviz.render import colour
from cnnviz.render import conv as _views

_POWER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def shown_value(text):
    """The number a cell shows ('1.5×10⁻⁵' too)."""
    mantissa, _, power = text.partition("×10")
    return float(mantissa) * (10.0 ** int(power.translate(_POWER)) if power else 1.0)


def coloured_cells(frame):
    """[(cell name, number shown, fill class)] of every number cell of the frame's grids."""
    out = []
    for body in re.findall(r'<table class="cv-m">.*?</table>', frame, flags=re.S):
        (numbers,), (fills,) = _views.shown_tables(body), _views.shown_fills(body)
        out += [(name, numbers[name], fills[name]) for name in numbers]
    return out


def legends(frame):
    return re.findall(r"<div class='cnnviz-view cv-key' data-scale='([^']*)'>", frame)


def assert_one_scale(ex, frames, uncoloured=()):
    """Each grid cell's fill says its number's sign, on the explorer's one scale (the same
    number, the same colour, in every frame); cells named with a prefix in ``uncoloured`` have
    none; the scale is the round number above the largest |value| the coloured grids show.
    Returns {cell name: [numbers shown]}."""
    numbers = {}
    for name, shown, fill in (cell for f in frames for cell in coloured_cells(f)):
        if name.startswith(tuple(uncoloured)) and uncoloured:
            assert fill == "", (name, shown, fill)
            continue
        if shown == "?":
            assert fill == "", (name, fill)  # not computed yet: no fill
            continue
        v = shown_value(shown)
        numbers.setdefault(name, []).append(v)
        want = r"cv-n[1-7]" if v < 0 else r"cv-p[1-7]" if v > 0 else r"(cv-z)?"
        assert re.fullmatch(want, fill), (name, shown, fill)
        assert fill == colour.fill_class(v, ex.scale) or (v == 0 and fill == "")
    assert numbers
    assert ex.scale == colour.scale_for([v for vs in numbers.values() for v in vs])
    return numbers
