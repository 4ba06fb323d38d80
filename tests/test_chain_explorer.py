"""The chain explorer (cnnviz.ChainExplorer) shows what the math computes, step by step.

No browser: sliders are set from Python, the stage's frames are read back with
``cnnviz.render.conv.shown_tables`` and compared with numbers worked out here from
``cnnviz.ops`` alone (conv, pool, their backward passes, with ∂L/∂Z zeroed past a step for the
running totals), and with ``chain.conv_pool_loss`` fed the target T = Z − ∂L/∂Z. Also: a slider
move sends the frames once; a bad setting shows its message on the stage and keeps every
value; the predict-then-reveal of notebook 05 says what the package computes.
"""
import re
from pathlib import Path

import numpy as np
import pytest

import cnnviz
from cnnviz import chain, ops
from cnnviz.explorers.chain import ChainExplorer
from cnnviz.render.conv import cell_name, format_number, shown_tables, subscript

SOURCE_05 = Path(__file__).resolve().parents[1] / "tools" / "nbsrc" / "05_end_to_end.py"


def shown(values, symbol):
    """{cell name: text} as a table of ``values`` shows them."""
    return {cell_name(symbol, r, c): format_number(v)
            for (r, c), v in np.ndenumerate(np.atleast_2d(np.asarray(values, dtype=float)))}


def table_of(frame, symbol, shape):
    """The one table of a frame whose cells are exactly symbol11 ... (its full shape)."""
    names = set(shown(np.zeros(shape), symbol))
    found = [t for t in shown_tables(frame) if set(t) == names]
    assert len(found) == 1, f"{len(found)} tables of {symbol} {shape} in the frame"
    return found[0]


def expected(x, w, b, dz):
    """Y, ∂L/∂Y, ∂L/∂X, ∂L/∂W, ∂L/∂b straight from the ops (2×2 pool, stride 1)."""
    y = ops.conv2d_forward(x, w, b)
    dy = ops.maxpool2d_backward(dz, y, 2, 1)
    return (y, dy, *ops.conv2d_backward(dy, x, w, b))


def random_case(seed):
    rng = np.random.default_rng(seed)
    return (rng.integers(-5, 6, size=(4, 4)).astype(float), rng.integers(-5, 6, size=(2, 2)).astype(float),
            rng.integers(-5, 6, size=(2, 2)).astype(float))


def test_defaults_are_notebook_05s_example_with_dz_from_the_target():
    ex = ChainExplorer()
    example = chain.example()
    y = ops.conv2d_forward(example["x"], example["w"], example["b"])
    z = ops.maxpool2d_forward(y, 2, 1)
    np.testing.assert_array_equal(ex.x, example["x"])
    np.testing.assert_array_equal(ex.dz, z - example["target"])
    assert ex.stage.n_steps == 4 + 9 and ex.error == "" and ex.stage.error == ""
    assert "cnnviz-slider-dz11" in ex.dz_editor.slider(0, 0)._dom_classes
    assert "cnnviz-slider-x22" in ex.x_editor.slider(1, 1)._dom_classes
    assert {"cnnviz-explorer", "cnnviz-chain"} <= set(ex.root.widget._dom_classes)
    assert ex.dz_editor.slider(0, 1).description == "∂L/∂z₁₂"


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_frames_show_the_chains_numbers_for_random_x_w_dz(seed):
    x, w, dz = random_case(seed)
    b = chain.example()["b"]
    ex = ChainExplorer()
    for editor, values in ((ex.x_editor, x), (ex.w_editor, w), (ex.dz_editor, dz)):
        for (r, c), v in np.ndenumerate(values):   # slider by slider, as a student would
            editor.slider(r, c).value = int(v)
    assert ex.error == ""
    y, dy, dx, dw, db = expected(x, w, b, dz)
    # the whole chain, as conv_pool_loss computes it with the target T = Z - dL/dZ
    r = chain.conv_pool_loss(x, w, b, ops.maxpool2d_forward(y, 2, 1) - dz)
    np.testing.assert_array_equal(r.dz, dz)
    frames = ex.stage.frames
    assert table_of(frames[3], "∂L/∂y", (3, 3)) == shown(r.dy, "∂L/∂y") == shown(dy, "∂L/∂y")
    assert table_of(frames[-1], "∂L/∂x", (4, 4)) == shown(r.dx, "∂L/∂x") == shown(dx, "∂L/∂x")
    assert table_of(frames[-1], "∂L/∂w", (2, 2)) == shown(r.dw, "∂L/∂w") == shown(dw, "∂L/∂w")
    assert table_of(frames[-1], "∂L/∂b", (3, 3)) == shown(r.db, "∂L/∂b") == shown(db, "∂L/∂b")
    assert table_of(frames[0], "y", (3, 3)) == shown(y, "y")
    # the conv steps start from the finished dL/dY
    for frame in frames[4:]:
        assert table_of(frame, "∂L/∂y", (3, 3)) == shown(dy, "∂L/∂y")


def test_running_totals_after_every_step():
    """After pool step k, ∂L/∂Y is the pool's backward with ∂L/∂z zeroed past window k; after
    conv step t, ∂L/∂X, ∂L/∂W, ∂L/∂b are the conv's backward with ∂L/∂y zeroed past output t."""
    x, w, dz = random_case(7)
    b = chain.example()["b"]
    ex = ChainExplorer(x, w, b, dz)
    y, dy, *_ = expected(x, w, b, dz)
    for k in range(4):
        partial = np.where(np.arange(4).reshape(2, 2) <= k, dz, 0.0)
        frame = ex.stage.frames[k]
        assert table_of(frame, "∂L/∂y", (3, 3)) == shown(ops.maxpool2d_backward(partial, y, 2, 1), "∂L/∂y")
        assert table_of(frame, "∂L/∂z", (2, 2)) == shown(dz, "∂L/∂z")
    for t in range(9):
        partial = np.where(np.arange(9).reshape(3, 3) <= t, dy, 0.0)
        dx, dw, db = ops.conv2d_backward(partial, x, w, b)
        frame = ex.stage.frames[4 + t]
        assert table_of(frame, "∂L/∂x", (4, 4)) == shown(dx, "∂L/∂x")
        assert table_of(frame, "∂L/∂w", (2, 2)) == shown(dw, "∂L/∂w")
        assert table_of(frame, "∂L/∂b", (3, 3)) == shown(db, "∂L/∂b")


def test_the_pool_steps_mark_the_maximum_and_the_mask():
    ex = ChainExplorer()  # y11 = 7 wins Y'1; y22 = 6 wins Y'2, Y'3, Y'4
    for k, (window_cells, winner) in enumerate([({"y11", "y12", "y21", "y22"}, "y11"),
                                                ({"y12", "y13", "y22", "y23"}, "y22"),
                                                ({"y21", "y22", "y31", "y32"}, "y22"),
                                                ({"y22", "y23", "y32", "y33"}, "y22")]):
        frame = ex.stage.frames[k]
        fill = r"(?: cv-(?:[np][1-7]|z))?"  # the value's colour, after the highlight
        assert re.search(rf'<td class="cv-max{fill}" data-cell="{winner}">', frame)
        outlined = set(re.findall(rf'<td class="cv-(?:win|max){fill}" data-cell="(y\d\d)">',
                                  frame))
        assert outlined == window_cells
        mask = [t for t in shown_tables(frame) if set(t) == {"M11", "M12", "M21", "M22"}][0]
        assert sorted(mask.values()) == ["0", "0", "0", "1"]
        assert f"its maximum is y{subscript(winner[1:])}" in frame


def test_a_zero_gradient_step_says_nothing_changes():
    ex = ChainExplorer()  # dL/dy12 = 0
    frame = ex.stage.frames[4 + 1]
    assert "∂L/∂y₁₂ = 0: it sends nothing back, and nothing changes." in frame
    assert table_of(frame, "∂L/∂x", (4, 4)) == table_of(ex.stage.frames[4], "∂L/∂x", (4, 4))
    assert 'class="cv-new' not in frame  # nothing changed: no cell marked new


def test_one_slider_move_sends_the_frames_once():
    ex = ChainExplorer()
    sent = []
    ex.stage.observe(lambda change: sent.append(change["name"]), names="frames")
    ex.x_editor.slider(0, 0).value = 4
    assert sent == ["frames"]
    y, dy, dx, *_ = expected(ex.x, ex.w, ex.b, ex.dz)
    assert table_of(ex.stage.frames[-1], "∂L/∂x", (4, 4)) == shown(dx, "∂L/∂x")
    sent.clear()
    ex.dz_editor.value = [[0, 1], [2, 3]]  # a whole matrix at once: once too
    assert sent == ["frames"]


def test_a_bad_setting_shows_its_message_and_keeps_every_value():
    ex = ChainExplorer(dz=[[1, 2.5], [1, -1]])  # float sliders for dL/dZ
    frames, x, w = list(ex.stage.frames), ex.x, ex.w
    ex.dz = [[1e308, 1e308], [1e308, 1e308]]     # finite, but the sums overflow
    assert ex.error.startswith("∂L/∂Y is inf") and ex.stage.error == ex.error
    assert ex.stage.frames == frames              # the last good frames
    np.testing.assert_array_equal(ex.x, x)        # the student's other values, all kept
    np.testing.assert_array_equal(ex.w, w)
    assert ex.dz[0, 0] == 1e308 and ex.error in ex.summary()
    ex.dz = [[1, 2], [0, 0]]
    assert ex.error == "" and ex.stage.error == ""
    assert table_of(ex.stage.frames[3], "∂L/∂y", (3, 3)) == shown(
        ops.maxpool2d_backward([[1, 2], [0, 0]], ex.y, 2, 1), "∂L/∂y")


def test_a_gradient_of_the_wrong_shape_is_named_on_the_stage():
    ex = ChainExplorer(dz=np.ones((3, 3)))
    assert "(3, 3)" in ex.error and "(2, 2)" in ex.error and ex.stage.error == ex.error
    assert ex.stage.frames == [] and ex.dx is None and ex.error in ex.summary()
    bundle = ex._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data and ex.error in data["text/plain"]
    with pytest.raises(ValueError, match="x33 = nan"):
        bad = ex.x.copy()
        bad[2, 2] = np.nan
        ex.x = bad


def test_a_shared_bias_gives_one_number():
    ex = ChainExplorer(b=0.0)
    y, dy, dx, dw, db = expected(ex.x, ex.w, 0.0, ex.dz)
    last = ex.stage.frames[-1]
    assert [t for t in shown_tables(last) if set(t) == {"∂L/∂b11"}][0] == {"∂L/∂b11": format_number(db)}
    assert db == dy.sum() == ex.dz.sum()


def test_the_static_copy_holds_the_frames():
    ex = ChainExplorer()
    html = ex.static_html()
    assert html.count('<script type="application/json" data-cnnviz-stage-data=') == 1
    assert "∂L/∂Z (arriving" in html and "cnnviz-slider" not in html


def test_the_explorer_is_served_by_the_package():
    assert cnnviz.ChainExplorer is ChainExplorer


# ---------------------------------------------------------------------------------------
# Notebook 05's predict-then-reveal says what the package computes
# ---------------------------------------------------------------------------------------
def _reveal(question):
    text = SOURCE_05.read_text(encoding="utf-8")
    start = text.index(question)
    return text[start:text.index("</details>", start)]


def _matrices(latex):
    """The numbers of every \\begin{bmatrix} ... \\end{bmatrix} in ``latex``, in order."""
    return [np.array([[float(v) for v in row.split("&")] for row in body.split(r"\\")])
            for body in re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", latex, flags=re.S)]


def test_05_reveals_say_what_the_chain_computes():
    """With every ∂L/∂z_ij = 1 and X, W, b of the example: ∂L/∂Y, its sum, ∂L/∂W and the two
    windows of X the reveal names."""
    ex = chain.example()
    r = chain.conv_pool_backward(ex["x"], ex["w"], ex["b"], np.ones((2, 2)))
    first = _reveal("Set all four ∂L/∂z<sub>ij</sub> to 1")
    (dy,) = _matrices(first)
    np.testing.assert_array_equal(dy, r.dy)
    assert f"= {format_number(r.dy.sum())}$, the sum of" in first and r.dy.sum() == 4
    dw, window_11, window_22 = _matrices(_reveal("And ∂L/∂W, with those four 1s?"))
    np.testing.assert_array_equal(dw, r.dw)
    np.testing.assert_array_equal(window_11, ex["x"][0:2, 0:2])
    np.testing.assert_array_equal(window_22, ex["x"][1:3, 1:3])
    np.testing.assert_array_equal(1 * window_11 + 3 * window_22, r.dw)
    # the explorer, moved to those 1s, shows the same
    explorer = ChainExplorer()
    explorer.dz_editor.value = np.ones((2, 2))
    assert table_of(explorer.stage.frames[3], "∂L/∂y", (3, 3)) == shown(r.dy, "∂L/∂y")
    assert table_of(explorer.stage.frames[-1], "∂L/∂w", (2, 2)) == shown(r.dw, "∂L/∂w")


# ---------------------------------------------------------------------------------------
# Colour: one diverging scale per explorer
# ---------------------------------------------------------------------------------------
from cnnviz.render import colour  # noqa: E402
from cnnviz.render import conv as _views  # noqa: E402

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


def test_every_grid_but_the_masks_shares_one_scale_over_both_passes():
    ex = ChainExplorer()
    numbers = assert_one_scale(ex, ex.stage.frames, uncoloured=("M",))
    r = chain.conv_pool_backward(ex.x, ex.w, ex.b, ex.dz, 2, 1)
    pool = cnnviz.steps.pool_backward_steps(r.dz, r.y, 2, 1)
    conv = cnnviz.steps.conv_backward_steps(r.dy, r.x, r.w, r.b)
    assert ex.scale == colour.scale_for(r.dz, r.y, r.x, r.dy, *(s.dX for s in pool),
                                        *(a for s in conv for a in (s.dX, s.dW, s.db)))
    assert max(abs(v) for vs in numbers.values() for v in vs) <= ex.scale
    assert all(legends(f) == [_views.format_number(ex.scale)] for f in ex.stage.frames)
    ex.dz_editor.value = [[5, -5], [3, 1]]
    assert_one_scale(ex, ex.stage.frames, uncoloured=("M",))
