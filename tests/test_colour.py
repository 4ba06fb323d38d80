"""The colour scale of the grids (cnnviz.render.colour): what a fill says, and that every text
of a cell stays readable on it.

Contrast is WCAG 2's (relative luminance of sRGB, (L1 + 0.05) / (L2 + 0.05)), worked out here
from the hex codes, not with the package's own numbers. The colour-blind check simulates the
three dichromacies with the matrices of Machado, Oliveira & Fernandes (2009, severity 1) and
measures differences as CIE76 ΔE in CIELAB.
"""
import math
import re
from pathlib import Path

import numpy as np
import pytest

from cnnviz.render import colour
from cnnviz.render import conv as views
from cnnviz.render import general as gviews

CSS = (Path(colour.__file__).with_name("style.css")).read_text(encoding="utf-8")
TINTS = list(colour.NEGATIVE) + list(colour.POSITIVE)
FILL = re.compile(r"\bcv-(?:[np][1-9]|z)\b(?!-)")  # a fill class, not cv-pad, cv-num ...


def rgb(hex_code):
    hex_code = hex_code.lstrip("#")
    if len(hex_code) == 3:
        hex_code = "".join(c * 2 for c in hex_code)
    return np.array([int(hex_code[i:i + 2], 16) / 255 for i in (0, 2, 4)])


def linear(c):
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def luminance(hex_code):
    r, g, b = linear(rgb(hex_code))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def lab(linear_rgb):
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(linear_rgb, 0, 1) / (m @ np.ones(3))
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def hue_of(hex_code):
    """'blue', 'orange' or 'white' (the tint's direction from white)."""
    r, g, b = rgb(hex_code)
    if r == g == b == 1:
        return "white"
    return "blue" if b > r else "orange" if r > b else "?"


# ---------------------------------------------------------------------------------------
# value -> colour
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("scale", [1.0, 4.0, 10.0, 0.25, 2500.0])
def test_the_sign_chooses_the_hue_and_zero_is_white(scale):
    for v in np.linspace(-scale, scale, 57):
        fill, hex_code = colour.fill_class(v, scale), colour.hex_of(v, scale)
        if v < 0:
            assert fill.startswith("cv-n") and hue_of(hex_code) == "blue", v
        elif v > 0:
            assert fill.startswith("cv-p") and hue_of(hex_code) == "orange", v
        else:
            assert fill == "cv-z" and hex_code == "#ffffff"
    # a number shown as 0 (format_number rounds to 6 decimals) is white too
    assert colour.fill_class(1e-9, scale) == colour.fill_class(-1e-9, scale) == "cv-z"
    assert colour.fill_class(-0.0, scale) == "cv-z"


def test_deeper_for_a_larger_magnitude_up_to_the_scale_then_clipped():
    scale = 4.0
    magnitudes = np.linspace(0.01, 4, 400)
    for sign, tints in ((-1, colour.NEGATIVE), (1, colour.POSITIVE)):
        lums = [luminance(colour.hex_of(sign * m, scale)) for m in magnitudes]
        assert all(a >= b for a, b in zip(lums, lums[1:]))  # never lighter for a larger |v|
        shown = [colour.hex_of(sign * m, scale) for m in magnitudes]
        assert sorted(set(shown), key=shown.index) == list(tints)  # every step, in order
        # each step's luminance strictly below the one before, white above all
        steps = [luminance(t) for t in ("#ffffff", *tints)]
        assert all(a > b for a, b in zip(steps, steps[1:]))
        # step k holds (k-1)/7 < |v|/scale <= k/7
        for k in range(1, colour.STEPS + 1):
            edge = k / colour.STEPS * scale
            assert colour.hex_of(sign * edge, scale) == tints[k - 1]
            if k < colour.STEPS:
                assert colour.hex_of(sign * edge * 1.001, scale) == tints[k]
        # beyond the scale: the deepest tint, however far
        for beyond in (4.0001, 5, 40, 1e9):
            assert colour.hex_of(sign * beyond, scale) == tints[-1]
            assert colour.fill_class(sign * beyond, scale) == f"cv-{'n' if sign < 0 else 'p'}7"


def test_nan_and_no_scale_give_no_fill():
    assert colour.fill_class(float("nan"), 3.0) == colour.fill_class(2.0, None) == ""
    assert colour.with_fill("cv-pending", float("nan"), 3.0) == "cv-pending"
    assert colour.with_fill("cv-win", 2.0, None) == "cv-win"
    assert colour.hex_of(float("nan"), 3.0) == "#ffffff"


def test_with_fill_keeps_the_highlight_and_gives_a_highlighted_zero_white():
    assert colour.with_fill("cv-win", -3, 4.0) == "cv-win cv-n6"
    assert colour.with_fill("cv-cur", 0, 4.0) == "cv-cur cv-z"  # not the highlight's own tint
    assert colour.with_fill("", 0, 4.0) == colour.with_fill(None, 0, 4.0) == ""  # white anyway
    assert colour.with_fill(None, 1, 4.0) == "cv-p2"
    # a zero of the padding (or inserted, or hatched) keeps its own look; a changed one is white
    for own in ("cv-pad", "cv-ins", "cv-unread", "cv-new", "cv-pad cv-new"):
        assert colour.with_fill(own, 0, 4.0) == own
    assert colour.with_fill("cv-pad", 4, 4.0) == "cv-pad cv-p7"
    assert colour.with_fill("cv-win cv-pad", 0, 4.0) == "cv-win cv-pad cv-z"  # grey, not blue


@pytest.mark.parametrize("values, expected", [
    ([[1, -3]], 3.0), ([0.0, 0.0], 1.0), ([7.2], 8.0), ([-9], 10.0), ([11], 15.0),
    ([0.21], 0.25), ([2.0000000001], 2.0), ([4, np.nan], 4.0), ([[100, -149]], 150.0),
    ([5e-8], 1.0)])
def test_scale_for_is_a_round_number_at_least_the_largest_magnitude(values, expected):
    scale = colour.scale_for(values)
    assert scale == expected
    finite = np.abs(np.asarray(values, dtype=float))
    finite = finite[np.isfinite(finite)]
    assert scale >= finite.max() * (1 - 1e-9)
    # round: 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten
    mantissa = scale / 10 ** math.floor(math.log10(scale))
    assert round(mantissa, 9) in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8)


def test_scale_for_takes_every_array_scalars_and_none():
    assert colour.scale_for([[1, 2]], -5.5, None, np.array([[[3.0]]])) == 6.0
    assert colour.scale_for() == colour.scale_for(None) == 1.0


def test_the_legend_names_both_hues_white_and_the_scale():
    legend = colour.legend_html(2.5)
    text = re.sub(r"<[^>]+>", " ", legend)
    for words in ("blue = negative", "white = 0", "orange = positive", "±2.5", "−2.5", "+2.5",
                  "the deeper, the larger |value|"):
        assert words in text, words
    assert "data-scale='2.5'" in legend and "cv-key-bar" in legend
    assert '"' not in legend  # single quotes only: nothing to escape in a stage's JSON


# ---------------------------------------------------------------------------------------
# Contrast and the stylesheet
# ---------------------------------------------------------------------------------------
def cell_text_colours():
    """Every text colour the stylesheet gives inside a matrix cell (#111, #333, #595959 ...)."""
    found = set()
    for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", CSS):
        if "table.cv-m td" in selector:
            found |= set(re.findall(r"(?<![-\w])color:(#[0-9a-fA-F]{3,6})", body))
    return found


def test_every_text_of_a_cell_stays_at_least_4_5_to_1_on_every_tint():
    texts = cell_text_colours()
    assert {"#111", "#333", "#595959"} <= texts  # number, label, pending / padding grey
    for tint in ["#ffffff", *TINTS]:
        for text in texts:
            assert contrast(text, tint) >= 4.5, (text, tint, contrast(text, tint))
    # the deepest tints are the worst case, and still pass for the lightest grey
    assert min(contrast("#595959", t) for t in TINTS) == pytest.approx(
        min(contrast("#595959", colour.NEGATIVE[-1]), contrast("#595959", colour.POSITIVE[-1])))


def test_the_stylesheet_has_one_rule_per_step_with_the_modules_colours():
    for sign, tints in (("n", colour.NEGATIVE), ("p", colour.POSITIVE)):
        for k, tint in enumerate(tints, 1):
            rule = re.search(
                rf"\.cnnviz-view table\.cv-m td\.cv-{sign}{k}\{{background-color:(#\w+)\}}", CSS)
            assert rule and rule.group(1) == tint, (sign, k)
    assert ".cnnviz-view table.cv-m td.cv-z{background-color:#fff}" in CSS
    # the legend's bar: from the deepest blue through white to the deepest orange
    bar = re.search(r"\.cv-key-bar\{[^}]*linear-gradient\(90deg,([^)]*)\)", CSS).group(1)
    assert bar.split(",") == [colour.NEGATIVE[-1], "#fff", colour.POSITIVE[-1]]
    assert colour.palette() == [*colour.NEGATIVE[::-1], "#ffffff", *colour.POSITIVE]


def test_fills_come_after_the_highlights_with_the_same_weight():
    """A highlighted cell keeps its value's colour (the highlight is its outline and mark):
    the fill rules have the highlights' specificity and come later; padding and inserted
    zeros stay grey (a more specific rule)."""
    first_fill = CSS.index("td.cv-z{")
    for highlight in ("cv-win", "cv-cur", "cv-max", "cv-pad", "cv-ins", "cv-unread"):
        rule = re.search(rf"\.cnnviz-view table\.cv-m td\.{highlight}\{{([^}}]*)\}}", CSS)
        assert rule and rule.start() < first_fill, highlight
        if highlight in ("cv-win", "cv-cur", "cv-max"):
            assert "border" in rule.group(1)  # the cue that stays
    assert ".cnnviz-view table.cv-m td.cv-pad.cv-z{background-color:#eee}" in CSS
    assert ".cnnviz-view table.cv-m td.cv-ins.cv-z{background-color:#f7f7f7}" in CSS
    # fills set the colour only: a hatched cell (background-image) keeps its hatching
    assert not re.search(r"td\.cv-[np]\d\{background:", CSS)


MACHADO = {  # linear RGB -> linear RGB as seen with the dichromacy (severity 1)
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}


@pytest.mark.parametrize("vision", ["normal", *MACHADO])
def test_signs_and_steps_stay_apart_in_colour_blind_vision(vision):
    m = np.eye(3) if vision == "normal" else np.array(MACHADO[vision])
    seen = lambda hex_code: lab(m @ linear(rgb(hex_code)))
    delta = lambda a, b: float(np.linalg.norm(seen(a) - seen(b)))
    for k in range(colour.STEPS):
        # a negative and a positive of the same size: clearly two colours
        assert delta(colour.NEGATIVE[k], colour.POSITIVE[k]) >= 10, k
    for tints in (colour.NEGATIVE, colour.POSITIVE):
        ramp = ["#ffffff", *tints]
        # each step tells from the next (a just noticeable difference is about 2.3)
        assert all(delta(a, b) >= 2.3 for a, b in zip(ramp, ramp[1:])), (vision, tints)


# ---------------------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------------------
def test_matrix_table_without_a_scale_is_unchanged_and_with_one_fills_each_cell():
    values = np.array([[-4.0, 0.0, 1.0], [np.nan, 2.5, -0.5]])
    classes = {(0, 1): "cv-win", (0, 2): "cv-cur"}
    plain = views.matrix_table(values, "x", classes=classes)
    assert not FILL.search(plain)
    filled = views.matrix_table(values, "x", classes=classes, scale=4.0)
    # the same numbers and names; the highlights kept
    assert views.shown_tables(filled) == views.shown_tables(plain)
    assert re.sub(r" cv-[npz]\d?(?=\")|(?<=class=\")cv-[npz]\d?(?: |(?=\"))", "", filled) \
        .replace(' class=""', "") == plain
    fills = views.shown_fills(filled)[0]
    assert fills == {"x11": "cv-n7", "x12": "cv-z", "x13": "cv-p2", "x21": "",
                     "x22": "cv-p5", "x23": "cv-n1"}
    assert 'class="cv-pending" data-cell="x21"' in filled  # not computed yet: no fill
    assert 'class="cv-win cv-z"' in filled and 'class="cv-cur cv-p2"' in filled


def test_grid_fills_each_number_and_leaves_empty_cells_and_no_scale_alone():
    values = np.array([[0.0, -2.0], [3.0, 1.0]])
    plain = gviews.grid(values, "x", offset=(1, 0), inner=(0, 2))
    filled = gviews.grid(values, "x", offset=(1, 0), inner=(0, 2), scale=3.0)
    assert views.shown_tables(filled) == views.shown_tables(plain)
    assert not FILL.search(plain)
    assert views.shown_fills(filled)[0] == {"pad(0,1)": "", "pad(0,2)": "cv-n5",
                                            "pad(1,1)": "cv-p7", "pad(1,2)": "cv-p3"}
    assert "<td class='cv-pad' data-cell=\"pad(0,1)\"" in filled  # a padding zero: grey
    empty = gviews.grid(None, "x", rows=[0, 1], cols=[0], scale=3.0)
    assert not FILL.search(empty)
