"""The claims of notebooks 03 and 04 about pooling on its own (why pool, average pooling, the
exercises' settings), recomputed with the package: a reveal or a sentence that states a number
must state the one the package computes."""
import re
from pathlib import Path

import numpy as np

import cnnviz
from cnnviz.derivation.formulas import format_number

SOURCES = Path(__file__).resolve().parents[1] / "tools" / "nbsrc"
FORWARD, BACKWARD = "03_maxpool_forward.py", "04_maxpool_backward.py"
SEED = cnnviz.examples.worked_pool()


def _text(source):
    return (SOURCES / source).read_text(encoding="utf-8")


def _reveal(source, question):
    text = _text(source)
    start = text.index(question)
    return text[start:text.index("</details>", start)]


def _bmatrix(values):
    rows = [" & ".join(format_number(v) for v in row) for row in np.asarray(values)]
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def _changed(before, after):
    """1-based (i, j) of the entries that differ."""
    return {(int(i) + 1, int(j) + 1) for i, j in zip(*np.nonzero(~np.isclose(before, after)))}


# ---------------------------------------------------------------------------------------
# 03: why pool at all
# ---------------------------------------------------------------------------------------
def _bar(col):
    picture = np.zeros((4, 4))
    picture[0:2, col - 1] = 9
    return picture


def test_03_a_one_pixel_shift_inside_a_window_leaves_y_unchanged_and_across_moves_it():
    text = _text(FORWARD)
    assert "four of the sixteen inputs change and none of the four outputs does" in text
    assert "the 9 moves from $y_{11}$ to\n# $y_{12}$" in text
    one, two, three = (cnnviz.maxpool2d_forward(_bar(c), size=2, stride=2) for c in (1, 2, 3))
    assert int((_bar(1) != _bar(2)).sum()) == 4 and _bar(1).size == 16
    assert np.array_equal(one, two)  # shifted by one pixel, the same Y
    assert _changed(two, three) == {(1, 1), (1, 2)}
    assert one[0, 0] == 9 and three[0, 1] == 9 and three[0, 0] == 0


def test_03_stride_one_barely_downsamples_and_stride_two_halves():
    assert cnnviz.output_size((3, 3), 2, stride=1) == (2, 2)
    assert cnnviz.output_size((6, 6), 2, stride=1) == (5, 5)
    assert cnnviz.output_size((6, 6), 2, stride=2) == (3, 3)


# ---------------------------------------------------------------------------------------
# 03: average pooling, forward
# ---------------------------------------------------------------------------------------
def test_03_average_x11_to_5_moves_only_y11_and_by_one():
    reveal = _reveal(FORWARD, "Average mode: set x<sub>11</sub> to 5")
    x = SEED["x"]
    moved = x.copy()
    moved[0, 0] = 5
    before, after = cnnviz.avgpool2d_forward(x), cnnviz.avgpool2d_forward(moved)
    assert _changed(before, after) == {(1, 1)}
    rise = after[0, 0] - before[0, 0]
    assert f"$(5 - {format_number(x[0, 0])})/4 = {format_number(rise)}$" in reveal
    assert f"from {format_number(before[0, 0])} to {format_number(after[0, 0])}" in reveal
    # "With max pooling the same change moved nothing"
    assert np.array_equal(cnnviz.maxpool2d_forward(moved), cnnviz.maxpool2d_forward(x))


def test_03_average_x22_to_0_moves_all_four_by_two():
    reveal = _reveal(FORWARD, "Average mode: set x<sub>22</sub> to 0")
    x = SEED["x"]
    moved = x.copy()
    moved[1, 1] = 0
    before, after = cnnviz.avgpool2d_forward(x), cnnviz.avgpool2d_forward(moved)
    assert _changed(before, after) == {(1, 1), (1, 2), (2, 1), (2, 2)}
    assert np.allclose(before - after, x[1, 1] / 4)
    assert reveal.startswith("Average mode") and "All four" in reveal
    assert f"${format_number(x[1, 1])}/4 = {format_number(x[1, 1] / 4)}$" in reveal
    assert f"from ${_bmatrix(before)}$ to ${_bmatrix(after)}$" in reveal


def test_03_exercise_4_is_not_the_derivations_all_four():
    """x22 of a 4x4 input lies in four of the nine windows (1, 2, 4, 5): the check agrees."""
    assert cnnviz.exercises.check_windows({1, 2, 4, 5}, cell="x22", x_shape=(4, 4)).ok
    assert not cnnviz.exercises.check_windows({1, 2, 3, 4}, cell="x22", x_shape=(4, 4)).ok


# ---------------------------------------------------------------------------------------
# 04: average pooling, backward
# ---------------------------------------------------------------------------------------
def test_04_average_which_cells_get_gradient_and_how_much():
    reveal = _reveal(BACKWARD, "Average mode, before you play: which cells of X get gradient")
    dy, x = SEED["dy"], SEED["x"]
    dx = cnnviz.avgpool2d_backward(dy, x)
    covered = cnnviz.avgpool2d_backward(np.ones_like(dy), x) > 0
    assert covered.all() and "all nine" in reveal  # every cell is in some window
    terms = " + ".join(f"({format_number(v)})" if v < 0 else format_number(v) for v in dy.ravel())
    assert (f"$({terms})/4 = {format_number(dy.sum())}/4 = {format_number(dx[1, 1])}$"
            in reveal)
    assert f"$1/4 = {format_number(dx[0, 0])}$" in reveal and dy[0, 0] == 1
    # x21 is in X'1 and X'3 and its two shares cancel
    assert dy[0, 0] / 4 + dy[1, 0] / 4 == dx[1, 0] == 0
    assert "$1/4 + (-1)/4 = 0$" in reveal and (dy[0, 0], dy[1, 0]) == (1, -1)
    # a cell in no window: 2x2 windows, stride 2, 5x5 input -> the fifth row and column
    far = cnnviz.avgpool2d_backward(np.ones((2, 2)), np.zeros((5, 5)), size=2, stride=2)
    assert np.all(far[4, :] == 0) and np.all(far[:, 4] == 0) and np.all(far[:4, :4] > 0)
    assert "fifth row and\n# fifth column" in reveal


def test_04_average_with_every_gradient_one_counts_the_windows():
    reveal = _reveal(BACKWARD, "Average mode: set every ∂L/∂y to 1")
    dx = cnnviz.avgpool2d_backward(np.ones((2, 2)), SEED["x"])
    assert dx[0, 0] == dx[0, 2] == dx[2, 0] == dx[2, 2] == 0.25  # corners: one window
    assert dx[0, 1] == dx[1, 0] == dx[1, 2] == dx[2, 1] == 0.5   # edge centres: two
    assert dx[1, 1] == 1                                        # x22: four
    assert dx.sum() == 4
    for claim in ("corners $0.25$ (one window)", "edge centres $0.5$ (two)",
                  "$x_{22}$ $1$ (four)", "add up to 4"):
        assert claim in reveal


def test_04_exercise_1_asks_for_a_number_no_view_shows():
    """x11 = 9 takes X'1 from x22, dL/dy21 = 4: x22 keeps X'2 and X'3 only, so its gradient
    differs from every value the reveals above state (2 and 5)."""
    text = _text(BACKWARD)
    assert "$x_{11} = 9$ and\n# $\\partial L/\\partial y_{21} = 4$" in text
    x, dy = SEED["x"].copy(), SEED["dy"].copy()
    x[0, 0], dy[1, 0] = 9, 4
    masks = cnnviz.maxpool2d_masks(x)
    won = [k for k, (i, j) in enumerate(np.ndindex(2, 2), start=1)
           if masks[i, j][1 - i, 1 - j] == 1]  # x22 sits at (1 - i, 1 - j) in window (i, j)
    assert won == [2, 3]
    answer = cnnviz.maxpool2d_backward(dy, x)[1, 1]
    assert answer == dy[0, 1] + dy[1, 0] and answer not in (2, 5)
    assert not re.search(rf"\b{int(answer)}\b", text[text.index("**1.** Start"):
                                                     text.index("**2.**")].split("# %%")[0])


def test_04_argmax_cell_says_what_numpy_returns():
    window = SEED["x"][0:2, 0:2]
    flat = np.argmax(window)
    assert flat == 3 and np.unravel_index(flat, window.shape) == (1, 1)
    assert np.argmax([[5, 5], [1, 2]]) == 0
    text = _text(BACKWARD)
    assert "# 3: the fourth entry" in text and "# (1, 1): second row" in text
