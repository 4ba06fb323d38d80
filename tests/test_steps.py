"""The step-by-step traces end exactly where the vectorized ops end, step by step."""
import subprocess
import sys

import numpy as np
import pytest

from cnnviz import ops
from cnnviz.layers.steps import (
    conv_backward_steps,
    conv_forward_steps,
    pool_backward_steps,
    pool_forward_steps,
    window_coordinates,
)

# (x_shape, w_shape, stride, padding, dilation)
CONV_CASES = {
    "seed 3x3 * 2x2": ((3, 3), (2, 2), 1, 0, 1),
    "rectangular": ((4, 6), (2, 3), 1, 0, 1),
    "stride > kernel": ((7, 8), (2, 2), 3, 0, 1),
    "1x1 kernel": ((3, 4), (1, 1), 1, 0, 1),
    "kernel = input": ((3, 4), (3, 4), 1, 0, 1),
    "padding": ((4, 5), (3, 3), 1, 1, 1),
    "padding, stride 2": ((5, 5), (3, 3), 2, 1, 1),
    "windows fully in padding": ((2, 2), (1, 1), 1, 2, 1),
    "pairs everywhere": ((7, 6), (2, 3), (1, 2), (1, 0), (2, 1)),
    "dilation 2": ((6, 6), (2, 2), 1, 0, 2),
    "dilation + padding": ((5, 4), (3, 2), (2, 1), (2, 1), (2, 3)),
}

# (x_shape, size, stride)
POOL_CASES = {
    "seed 3x3, 2x2, stride 1": ((3, 3), 2, 1),
    "rectangular windows": ((5, 7), (2, 3), (2, 1)),
    "stride > size": ((7, 8), 2, 3),
    "size 1": ((3, 4), 1, 1),
    "window = input": ((3, 4), (3, 4), 1),
    "non-overlapping": ((6, 6), 2, 2),
}


def conv_problem(case, bias_mode, seed=0):
    x_shape, w_shape, stride, padding, dilation = CONV_CASES[case]
    rng = np.random.default_rng(seed)
    out_hw = ops.output_size(x_shape, w_shape, stride, padding, dilation)
    x = rng.normal(size=x_shape)
    w = rng.normal(size=w_shape)
    b = rng.normal() if bias_mode == "shared" else rng.normal(size=out_hw)
    dy = rng.normal(size=out_hw)
    return x, w, b, dy, dict(stride=stride, padding=padding, dilation=dilation), out_hw


def row_major(out_hw):
    return [(i * out_hw[1] + j + 1, i, j) for i in range(out_hw[0]) for j in range(out_hw[1])]


# ---------------------------------------------------------------------------------------
# Convolution forward
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("bias_mode", ["position", "shared"])
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_forward_trace_ends_at_the_ops_output(case, bias_mode):
    x, w, b, _, options, out_hw = conv_problem(case, bias_mode)
    steps = conv_forward_steps(x, w, b, **options)
    y = ops.conv2d_forward(x, w, b, **options)

    assert len(steps) == out_hw[0] * out_hw[1]
    assert [(s.k, s.i, s.j) for s in steps] == row_major(out_hw)
    np.testing.assert_allclose(steps[-1].Y, y)
    for t, s in enumerate(steps):
        assert s.y == pytest.approx(y[s.i, s.j])
        assert s.y == pytest.approx(s.weighted_sum + s.bias)
        assert s.weighted_sum == pytest.approx(s.products.sum())
        np.testing.assert_array_equal(s.products, w * s.window)
        expected_bias = b if bias_mode == "shared" else b[s.i, s.j]
        assert s.bias == expected_bias
        # Y holds exactly the outputs computed so far, NaN elsewhere
        done = np.zeros(out_hw, dtype=bool)
        done.flat[: t + 1] = True
        np.testing.assert_array_equal(np.isnan(s.Y), ~done)
        np.testing.assert_allclose(s.Y[done], y[done])


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_windows_read_x_or_the_zero_padding(case):
    x, w, b, _, options, _ = conv_problem(case, "shared")
    (H, W) = x.shape
    for s in conv_forward_steps(x, w, b, **options):
        inside_rows = (s.rows >= 0) & (s.rows < H)
        inside_cols = (s.cols >= 0) & (s.cols < W)
        np.testing.assert_array_equal(s.in_padding, ~np.outer(inside_rows, inside_cols))
        assert np.all(s.window[s.in_padding] == 0)
        for m, r in enumerate(s.rows):
            for n, c in enumerate(s.cols):
                if not s.in_padding[m, n]:
                    assert s.window[m, n] == x[r, c]


def test_conv_forward_seed_case_by_hand():
    x = np.arange(1.0, 10.0).reshape(3, 3)  # x11 = 1 ... x33 = 9
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([[0.0, 10.0], [20.0, 30.0]])
    steps = conv_forward_steps(x, w, b)
    # y12 = w11*x12 + w12*x13 + w21*x22 + w22*x23 + b12 = 2 + 6 + 15 + 24 + 10
    s = steps[1]
    assert (s.k, s.i, s.j) == (2, 0, 1)
    assert s.rows.tolist() == [0, 1] and s.cols.tolist() == [1, 2]
    np.testing.assert_array_equal(s.products, [[2, 6], [15, 24]])
    assert (s.weighted_sum, s.bias, s.y) == (47.0, 10.0, 57.0)
    assert [t.y for t in steps] == [37.0, 57.0, 87.0, 107.0]


def test_conv_window_coordinates_with_padding_and_dilation():
    rows, cols = window_coordinates(1, 2, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(2, 3))
    assert rows.tolist() == [1, 3, 5]  # 1*2 - 1 + 2*m
    assert cols.tolist() == [2, 5]  # 2*1 - 0 + 3*n


# ---------------------------------------------------------------------------------------
# Convolution backward
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("bias_mode", ["position", "shared"])
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_backward_trace_ends_at_the_ops_gradients(case, bias_mode):
    x, w, b, dy, options, out_hw = conv_problem(case, bias_mode)
    steps = conv_backward_steps(dy, x, w, b, **options)
    dx, dw, db = ops.conv2d_backward(dy, x, w, b, **options)

    assert len(steps) == out_hw[0] * out_hw[1]
    assert [(s.k, s.i, s.j) for s in steps] == row_major(out_hw)
    last = steps[-1]
    np.testing.assert_allclose(last.dX, dx)
    np.testing.assert_allclose(last.dW, dw)
    np.testing.assert_allclose(last.db, db)
    assert np.shape(last.db) == (() if bias_mode == "shared" else out_hw)
    # the running totals are the sums of what each step adds
    np.testing.assert_allclose(sum(s.dx_add for s in steps), dx)
    np.testing.assert_allclose(sum(s.dw_add for s in steps), dw)
    np.testing.assert_allclose(sum(s.db_add for s in steps), db)
    for s in steps:
        assert s.grad == dy[s.i, s.j]
        np.testing.assert_allclose(s.dw_add, dy[s.i, s.j] * s.window)
        # dx_add is dL/dy_ij * w on the taps inside x, zero elsewhere
        expected = np.zeros(x.shape)
        for m, r in enumerate(s.rows):
            for n, c in enumerate(s.cols):
                if not s.in_padding[m, n]:
                    expected[r, c] = s.grad * w[m, n]
        np.testing.assert_allclose(s.dx_add, expected)


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_coverage_counts_the_windows_over_each_cell(case):
    x, w, b, dy, options, _ = conv_problem(case, "shared")
    steps = conv_backward_steps(dy, x, w, b, **options)
    # with dL/dY = 1 and W = 1, dL/dX counts the windows that read each cell
    ones = ops.conv2d_backward(np.ones_like(dy), x, np.ones_like(w), 0.0, **options)[0]
    np.testing.assert_array_equal(steps[-1].coverage, ones)
    for s in steps:
        np.testing.assert_array_equal(s.coverage_total, ones)
    running = np.cumsum([s.dx_add != 0 for s in steps], axis=0)  # dy, w have no zeros
    np.testing.assert_array_equal([s.coverage for s in steps], running)


def test_conv_coverage_seed_case():
    x = np.arange(9.0).reshape(3, 3)
    steps = conv_backward_steps(np.ones((2, 2)), x, np.ones((2, 2)), np.zeros((2, 2)))
    assert steps[-1].coverage.tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    assert steps[0].coverage.tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    assert steps[0].coverage_total.tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]


def test_conv_backward_seed_case_by_hand():
    x = np.arange(1.0, 10.0).reshape(3, 3)
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    dy = np.array([[1.0, -1.0], [2.0, 0.5]])
    steps = conv_backward_steps(dy, x, w, np.zeros((2, 2)))
    # step 2 (y12, dL/dy12 = -1): adds -W on x12, x13, x22, x23; -X'_2 into dW
    np.testing.assert_array_equal(steps[1].dx_add, [[0, -1, -2], [0, -3, -4], [0, 0, 0]])
    np.testing.assert_array_equal(steps[1].dw_add, [[-2, -3], [-5, -6]])
    np.testing.assert_array_equal(steps[1].db_add, [[0, -1], [0, 0]])
    # dL/dx22 = dy11*w22 + dy12*w21 + dy21*w12 + dy22*w11
    assert steps[-1].dX[1, 1] == 1 * 4 + (-1) * 3 + 2 * 2 + 0.5 * 1
    np.testing.assert_array_equal(steps[-1].db, dy)


def test_conv_padding_contributions_are_dropped():
    # a 1x1 kernel over a 2x2 input padded by 1: 16 windows, only the inner 4 touch x
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    steps = conv_backward_steps(np.ones((4, 4)), x, [[5.0]], 0.0, padding=1)
    assert len(steps) == 16
    assert sum(1 for s in steps if s.in_padding.all()) == 12
    assert all(not s.dx_add.any() for s in steps if s.in_padding.all())
    np.testing.assert_array_equal(steps[-1].dX, 5 * np.ones((2, 2)))
    assert steps[-1].dW.tolist() == [[10.0]]


# ---------------------------------------------------------------------------------------
# Records are frozen, own their running totals, and reject what the ops reject
# ---------------------------------------------------------------------------------------
def test_records_are_read_only_snapshots():
    x = np.arange(9.0).reshape(3, 3)
    steps = conv_backward_steps(np.ones((2, 2)), x, np.ones((2, 2)), 0.0)
    with pytest.raises(ValueError):
        steps[0].dX[0, 0] = 1.0
    with pytest.raises(AttributeError):
        steps[0].grad = 3.0
    assert steps[0].dX.sum() == 4 and steps[-1].dX.sum() == 16  # not one shared array
    forward = conv_forward_steps(x, np.ones((2, 2)), 0.0)
    assert np.isnan(forward[0].Y).sum() == 3 and np.isnan(forward[-1].Y).sum() == 0


def test_running_totals_never_show_minus_zero():
    # A negative dL/dy times a zero input adds -0.0; a running total starts from 0 and
    # stays +0.0, so a view never prints "−0".
    x = np.zeros((3, 3))
    steps = conv_backward_steps(-np.ones((2, 2)), x, np.ones((2, 2)), np.zeros((2, 2)))
    assert np.signbit(steps[0].dw_add).all()  # what step 1 adds is -0.0 ...
    for s in steps:
        assert not np.signbit(s.dW).any()  # ... the total is 0.0
        assert not np.signbit(s.db[s.db == 0]).any()
    pool = pool_backward_steps(-np.ones((2, 2)), np.zeros((3, 3)))
    assert not any(np.signbit(s.dX[s.dX == 0]).any() for s in pool)


def test_pool_forward_takes_the_first_maximum_itself():
    # -0.0 and 0.0 tie; the trace reports the first one, as ops.maxpool2d_masks picks it
    steps = pool_forward_steps([[-0.0, 0.0], [-1.0, -2.0]], size=2)
    assert steps[0].argmax == (0, 0) and np.signbit(steps[0].y)


def test_bad_arguments_raise_like_the_ops():
    x, w = np.zeros((3, 3)), np.zeros((2, 2))
    with pytest.raises(ValueError, match="2-D only"):
        conv_forward_steps(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 2, 2)), 0.0)
    with pytest.raises(ValueError, match="bias mode"):
        conv_forward_steps(x, w, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="dy has shape"):
        conv_backward_steps(np.zeros((3, 3)), x, w, 0.0)
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv_forward_steps(x, np.zeros((4, 4)), 0.0)
    with pytest.raises(ValueError, match="stride must be >= 1"):
        conv_forward_steps(x, w, 0.0, stride=0)
    with pytest.raises(ValueError, match="2-D only"):
        pool_forward_steps(np.zeros((1, 1, 3, 3)))
    with pytest.raises(ValueError, match="ties must be one of"):
        pool_backward_steps(np.zeros((2, 2)), x, ties="last")


# ---------------------------------------------------------------------------------------
# Max pooling
# ---------------------------------------------------------------------------------------
TIE_INPUTS = {
    "random": lambda rng, shape: rng.normal(size=shape),
    "all equal": lambda rng, shape: np.full(shape, 2.0),
    "zeros and ones": lambda rng, shape: rng.integers(0, 2, size=shape).astype(float),
    "few levels": lambda rng, shape: rng.integers(-1, 2, size=shape).astype(float),
}


@pytest.mark.parametrize("kind", TIE_INPUTS)
@pytest.mark.parametrize("case", POOL_CASES)
def test_pool_forward_trace_ends_at_the_ops_output(case, kind):
    x_shape, size, stride = POOL_CASES[case]
    x = TIE_INPUTS[kind](np.random.default_rng(1), x_shape)
    steps = pool_forward_steps(x, size, stride)
    y = ops.maxpool2d_forward(x, size, stride)

    assert len(steps) == y.size
    assert [(s.k, s.i, s.j) for s in steps] == row_major(y.shape)
    np.testing.assert_array_equal(steps[-1].Y, y)
    for t, s in enumerate(steps):
        assert s.y == y[s.i, s.j] == x[s.argmax]
        assert not s.in_padding.any()
        np.testing.assert_array_equal(s.window, x[np.ix_(s.rows, s.cols)])
        # argmax is the FIRST maximum of the window in row-major order
        first = [(r, c) for r in s.rows for c in s.cols if x[r, c] == s.y][0]
        assert s.argmax == first
        assert np.isnan(s.Y).sum() == y.size - t - 1


@pytest.mark.parametrize("ties", ["first", "all", "split"])
@pytest.mark.parametrize("kind", TIE_INPUTS)
@pytest.mark.parametrize("case", POOL_CASES)
def test_pool_backward_trace_ends_at_the_ops_gradient(case, kind, ties):
    x_shape, size, stride = POOL_CASES[case]
    rng = np.random.default_rng(2)
    x = TIE_INPUTS[kind](rng, x_shape)
    out_hw = ops.output_size(x_shape, size, stride)
    dy = rng.normal(size=out_hw)
    steps = pool_backward_steps(dy, x, size, stride, ties)
    dx = ops.maxpool2d_backward(dy, x, size, stride, ties)
    masks = ops.maxpool2d_masks(x, size, stride, ties)

    assert len(steps) == out_hw[0] * out_hw[1]
    np.testing.assert_allclose(steps[-1].dX, dx)
    np.testing.assert_allclose(sum(s.dx_add for s in steps), dx)
    for s in steps:
        np.testing.assert_array_equal(s.mask, masks[s.i, s.j])
        assert s.grad == dy[s.i, s.j]
        np.testing.assert_allclose(s.local_grad, s.grad * s.mask)
        np.testing.assert_allclose(s.dx_add[np.ix_(s.rows, s.cols)], s.local_grad)
        assert s.dx_add.sum() == pytest.approx(s.local_grad.sum())
    # wins: with dL/dY = 1 and the 0/1 masks of "first"/"all", dL/dX counts the wins
    counting = "all" if ties == "split" else ties
    wins = ops.maxpool2d_backward(np.ones(out_hw), x, size, stride, counting)
    np.testing.assert_array_equal(steps[-1].wins, wins)


def test_pool_seed_case_windows_overlap_and_accumulate():
    # x22 = 9 is the maximum of all four windows X'1..X'4
    x = np.array([[1.0, 2.0, 3.0], [4.0, 9.0, 5.0], [6.0, 7.0, 8.0]])
    dy = np.array([[1.0, 2.0], [3.0, 4.0]])
    forward = pool_forward_steps(x)
    assert [s.argmax for s in forward] == [(1, 1)] * 4
    backward = pool_backward_steps(dy, x)
    assert [s.wins[1, 1] for s in backward] == [1, 2, 3, 4]
    assert [s.dX[1, 1] for s in backward] == [1.0, 3.0, 6.0, 10.0]  # +=, not =
    np.testing.assert_array_equal(backward[0].mask, [[0, 0], [0, 1]])
    assert backward[-1].dX.sum() == 10.0


def test_pool_ties_policies_on_a_constant_input():
    x = np.ones((3, 3))
    dy = np.ones((2, 2))
    first = pool_backward_steps(dy, x, ties="first")[-1]
    every = pool_backward_steps(dy, x, ties="all")[-1]
    split = pool_backward_steps(dy, x, ties="split")[-1]
    assert first.dX.tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 0]]  # top-left of each window
    assert every.dX.tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]  # gradient counted 4x
    np.testing.assert_allclose(split.dX, every.dX / 4)
    assert split.dX.sum() == pytest.approx(dy.sum())
    assert every.wins.tolist() == split.wins.tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]


def test_importing_steps_loads_no_widget_or_plotting_library():
    code = (
        "import sys, cnnviz.layers.steps\n"
        "bad = [m for m in ('ipywidgets', 'matplotlib') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
