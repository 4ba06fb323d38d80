"""The convolution and max-pooling layers, forward and backward, checked four ways.

1. The vectorized ``cnnviz.ops`` agree with the plain loops of ``cnnviz.naive`` on random
   shapes (fixed seeds) and the edge cases that catch real bugs.
2. Both agree with every formula the seed derivation writes out for its 3x3 input, 2x2 kernel.
3. Both agree with finite differences (``cnnviz.gradcheck``).
4. Ties in max-pooling, bad inputs, dtypes and import hygiene behave as documented.
"""
import subprocess
import sys

import numpy as np
import pytest

from cnnviz import gradcheck, naive, ops

# Every behavioural test runs on both implementations.
both_impls = pytest.mark.parametrize("impl", [ops, naive], ids=["ops", "naive"])
TIES = ["first", "all", "split"]


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def expected_out_hw(in_hw, kernel_hw, stride=1, padding=0, dilation=1):
    """HO = (H + 2*padding - dilation*(KH - 1) - 1) // stride + 1, written out independently."""
    return tuple(
        (size + 2 * p - d * (k - 1) - 1) // s + 1
        for size, k, s, p, d in zip(
            in_hw, kernel_hw, _pair(stride), _pair(padding), _pair(dilation)
        )
    )


def conv_problem(seed, x_shape, w_shape, bias_mode, options):
    """Random x, w, b, dy (float64, fixed seed) for one convolution.

    bias_mode: "scalar" (one number), "shared" (2-D: scalar; 4-D: one per filter, (F,)),
    "per_position" (2-D: (HO, WO), the seed's b_ij; 4-D: (F, HO, WO)).
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=x_shape)
    w = rng.normal(size=w_shape)
    out_hw = expected_out_hw(x_shape[-2:], w_shape[-2:], **options)
    two_d = len(x_shape) == 2
    filters = 1 if two_d else w_shape[0]
    if bias_mode == "scalar" or (bias_mode == "shared" and two_d):
        b = float(rng.normal())
    elif bias_mode == "shared":
        b = rng.normal(size=filters)
    else:
        b = rng.normal(size=out_hw if two_d else (filters, *out_hw))
    y_shape = out_hw if two_d else (x_shape[0], filters, *out_hw)
    dy = rng.normal(size=y_shape)
    return x, w, b, dy


# ------------------------------------------------------------------ 1. fast ops == naive loops

CONV_CASES = {
    # name: (x shape, w shape, bias mode, stride/padding/dilation)
    "seed_3x3_2x2_shared_bias": ((3, 3), (2, 2), "shared", {}),
    "seed_3x3_2x2_bias_per_position": ((3, 3), (2, 2), "per_position", {}),
    "1x1_kernel_2d": ((4, 5), (1, 1), "shared", {}),
    "1x1_kernel_4d_stride_2": ((2, 3, 5, 5), (4, 3, 1, 1), "per_position", {"stride": 2}),
    # rows 2, 5, 6 and cols 2, 5 lie in no window: their dx must stay 0
    "stride_larger_than_kernel": ((7, 8), (2, 2), "per_position", {"stride": 3}),
    "padding": ((5, 5), (3, 3), "shared", {"padding": 1}),
    "kernel_larger_than_input_fits_padding": ((2, 2), (3, 3), "per_position", {"padding": 2}),
    "dilation": ((7, 7), (3, 3), "shared", {"dilation": 2}),
    "rectangular_input_kernel_stride_padding_dilation": (
        (6, 9), (2, 3), "per_position", {"stride": (1, 2), "padding": (0, 1), "dilation": (2, 1)}
    ),
    "batch_channels_bias_per_filter": ((2, 3, 6, 5), (4, 3, 3, 2), "shared", {}),
    "batch_channels_bias_per_position": ((2, 3, 6, 5), (4, 3, 3, 2), "per_position", {}),
    "batch_channels_scalar_bias": ((2, 2, 4, 4), (3, 2, 2, 2), "scalar", {"padding": 1}),
    "4d_stride_padding_dilation": (
        (2, 2, 9, 8), (3, 2, 3, 2), "per_position", {"stride": (2, 3), "padding": (1, 2), "dilation": (2, 1)}
    ),
}


@pytest.mark.parametrize("case", list(CONV_CASES), ids=list(CONV_CASES))
def test_conv_ops_match_naive_loops(case):
    """Vectorized y, dx, dw, db equal the loop version's, with the documented shapes."""
    x_shape, w_shape, bias_mode, options = CONV_CASES[case]
    x, w, b, dy = conv_problem(list(CONV_CASES).index(case), x_shape, w_shape, bias_mode, options)

    y_fast = ops.conv2d_forward(x, w, b, **options)
    y_loop = naive.conv2d_forward(x, w, b, **options)
    assert y_fast.shape == y_loop.shape == dy.shape
    np.testing.assert_allclose(y_fast, y_loop, rtol=1e-12, atol=1e-12)

    grads_fast = ops.conv2d_backward(dy, x, w, b, **options)
    grads_loop = naive.conv2d_backward(dy, x, w, b, **options)
    for name, fast, loop, like in zip("dx dw db".split(), grads_fast, grads_loop, (x, w, b)):
        assert np.shape(fast) == np.shape(loop) == np.shape(like), name
        np.testing.assert_allclose(fast, loop, rtol=1e-12, atol=1e-12, err_msg=name)


def test_conv_stride_larger_than_kernel_leaves_skipped_inputs_without_gradient():
    """7x8 input, 2x2 kernel, stride 3: 2x3 windows; rows 2, 5, 6 and cols 2, 5 get no dx."""
    x, w, b, dy = conv_problem(7, (7, 8), (2, 2), "shared", {"stride": 3})
    for impl in (ops, naive):
        dx, _, _ = impl.conv2d_backward(dy, x, w, b, stride=3)
        skipped_rows, skipped_cols = [2, 5, 6], [2, 5]
        assert np.all(dx[skipped_rows, :] == 0) and np.all(dx[:, skipped_cols] == 0)
        assert np.count_nonzero(dx) == 6 * 4  # 2x3 windows of 2x2 taps, none overlapping


POOL_CASES = {
    # name: (x shape, size, stride)
    "seed_overlapping_2x2_stride_1": ((3, 3), 2, 1),
    "tiling_2x2_stride_2": ((4, 6), 2, 2),
    "skipping_2x2_stride_3": ((8, 7), 2, 3),
    "rectangular_window_and_stride": ((5, 7), (2, 3), (1, 2)),
    "1x1_window": ((3, 4), 1, 1),
    "window_is_whole_input": ((3, 4), (3, 4), 1),
    "batch_channels_overlapping_3x3": ((2, 3, 5, 6), 3, 1),
    "batch_channels_rectangular_skipping": ((2, 2, 6, 7), (3, 2), (2, 3)),
}


@pytest.mark.parametrize("ties", TIES)
@pytest.mark.parametrize("case", list(POOL_CASES), ids=list(POOL_CASES))
def test_maxpool_ops_match_naive_loops(case, ties):
    """Vectorized max-pool y and dx equal the loop version's, on inputs full of ties."""
    x_shape, size, stride = POOL_CASES[case]
    rng = np.random.default_rng(100 + list(POOL_CASES).index(case))
    x = rng.integers(0, 3, size=x_shape).astype(float)  # values 0, 1, 2: many tied maxima
    out_hw = expected_out_hw(x_shape[-2:], _pair(size), stride)
    dy = rng.normal(size=(*x_shape[:-2], *out_hw))

    y_fast = ops.maxpool2d_forward(x, size, stride)
    y_loop = naive.maxpool2d_forward(x, size, stride)
    assert y_fast.shape == y_loop.shape == dy.shape
    np.testing.assert_array_equal(y_fast, y_loop)

    dx_fast = ops.maxpool2d_backward(dy, x, size, stride, ties=ties)
    dx_loop = naive.maxpool2d_backward(dy, x, size, stride, ties=ties)
    assert dx_fast.shape == dx_loop.shape == x.shape
    np.testing.assert_allclose(dx_fast, dx_loop, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ 2. the seed's formulas


@pytest.fixture
def seed_numbers():
    """The seed's setting with random values: X 3x3, W 2x2, b 2x2 (one per position), dL/dY 2x2."""
    rng = np.random.default_rng(2024)
    return rng.normal(size=(3, 3)), rng.normal(size=(2, 2)), rng.normal(size=(2, 2)), rng.normal(size=(2, 2))


@both_impls
def test_worked_conv_forward_is_the_four_written_out_equations(impl, seed_numbers):
    """Section 1: y11 = w11*x11 + w12*x12 + w21*x21 + w22*x22 + b11, and y12, y21, y22."""
    x, w, b, _ = seed_numbers
    (x11, x12, x13), (x21, x22, x23), (x31, x32, x33) = x
    (w11, w12), (w21, w22) = w
    (b11, b12), (b21, b22) = b

    y11 = w11 * x11 + w12 * x12 + w21 * x21 + w22 * x22 + b11
    y12 = w11 * x12 + w12 * x13 + w21 * x22 + w22 * x23 + b12
    y21 = w11 * x21 + w12 * x22 + w21 * x31 + w22 * x32 + b21
    y22 = w11 * x22 + w12 * x23 + w21 * x32 + w22 * x33 + b22

    np.testing.assert_allclose(impl.conv2d_forward(x, w, b), [[y11, y12], [y21, y22]], rtol=1e-13)


@both_impls
def test_worked_conv_backward_is_the_nine_dx_and_four_dw_formulas(impl, seed_numbers):
    """Section 2: every dL/dx_ij and dL/dw_mn exactly as the seed writes them."""
    x, w, b, dy = seed_numbers
    (x11, x12, x13), (x21, x22, x23), (x31, x32, x33) = x
    (w11, w12), (w21, w22) = w
    (dy11, dy12), (dy21, dy22) = dy  # dyij stands for dL/dy_ij

    dx11 = dy11 * w11
    dx12 = dy11 * w12 + dy12 * w11
    dx13 = dy12 * w12
    dx21 = dy11 * w21 + dy21 * w11
    dx22 = dy11 * w22 + dy12 * w21 + dy21 * w12 + dy22 * w11
    dx23 = dy12 * w22 + dy22 * w12
    dx31 = dy21 * w21
    dx32 = dy21 * w22 + dy22 * w21
    dx33 = dy22 * w22

    dw11 = dy11 * x11 + dy12 * x12 + dy21 * x21 + dy22 * x22
    dw12 = dy11 * x12 + dy12 * x13 + dy21 * x22 + dy22 * x23
    dw21 = dy11 * x21 + dy12 * x22 + dy21 * x31 + dy22 * x32
    dw22 = dy11 * x22 + dy12 * x23 + dy21 * x32 + dy22 * x33

    dx, dw, _ = impl.conv2d_backward(dy, x, w, b)
    np.testing.assert_allclose(
        dx, [[dx11, dx12, dx13], [dx21, dx22, dx23], [dx31, dx32, dx33]], rtol=1e-13
    )
    np.testing.assert_allclose(dw, [[dw11, dw12], [dw21, dw22]], rtol=1e-13)


@both_impls
def test_seed_db_with_one_bias_per_position_is_dy(impl, seed_numbers):
    """Section 2: with b_ij one per output position, dL/db_ij = dL/dy_ij."""
    x, w, b, dy = seed_numbers
    (dy11, dy12), (dy21, dy22) = dy
    _, _, db = impl.conv2d_backward(dy, x, w, b)
    assert db.shape == (2, 2)
    np.testing.assert_array_equal(db, [[dy11, dy12], [dy21, dy22]])


@both_impls
def test_seed_db_with_one_shared_bias_is_the_sum_of_dy(impl, seed_numbers):
    """Section 2: b11 = b12 = b21 = b22 = one scalar b, so dL/db = sum_ij dL/dy_ij.

    The shared bias gives the same y as four equal per-position biases, and the same dx, dw.
    """
    x, w, _, dy = seed_numbers
    (dy11, dy12), (dy21, dy22) = dy
    shared = 0.75
    np.testing.assert_allclose(
        impl.conv2d_forward(x, w, shared), impl.conv2d_forward(x, w, np.full((2, 2), shared)),
        rtol=1e-15,
    )
    dx, dw, db = impl.conv2d_backward(dy, x, w, shared)
    dx_pp, dw_pp, _ = impl.conv2d_backward(dy, x, w, np.full((2, 2), shared))
    assert np.shape(db) == ()
    assert db == pytest.approx(dy11 + dy12 + dy21 + dy22, rel=1e-14)
    np.testing.assert_array_equal(dx, dx_pp)
    np.testing.assert_array_equal(dw, dw_pp)


@both_impls
def test_worked_pool_forward_is_the_max_of_the_four_windows(impl, seed_numbers):
    """Section 3: X'1..X'4 are the overlapping 2x2 windows, Y = their maxima."""
    x = seed_numbers[0]
    (x11, x12, x13), (x21, x22, x23), (x31, x32, x33) = x
    window1 = np.array([[x11, x12], [x21, x22]])  # X'1
    window2 = np.array([[x12, x13], [x22, x23]])  # X'2
    window3 = np.array([[x21, x22], [x31, x32]])  # X'3
    window4 = np.array([[x22, x23], [x32, x33]])  # X'4

    expected = [[window1.max(), window2.max()], [window3.max(), window4.max()]]
    np.testing.assert_array_equal(impl.maxpool2d_forward(x, size=2, stride=1), expected)
    if impl is ops:  # the masks M_k: 1 at the window's maximum
        masks = ops.maxpool2d_masks(x)
        for (i, j), window in zip([(0, 0), (0, 1), (1, 0), (1, 1)], [window1, window2, window3, window4]):
            np.testing.assert_array_equal(masks[i, j], window == window.max())


@both_impls
def test_worked_pool_backward_x22_collects_the_gradient_of_all_four_windows(impl, seed_numbers):
    """Section 4: x22 lies in every window; when it is the max, dL/dx22 = sum of all dL/dy_ij.

    Overwriting instead of ADDING would leave only one of the four contributions.
    """
    x, _, _, dy = seed_numbers
    x = x.copy()
    x[1, 1] = np.abs(x).max() + 1.0  # x22 is the largest entry
    dx = impl.maxpool2d_backward(dy, x)
    expected = np.zeros((3, 3))
    expected[1, 1] = dy[0, 0] + dy[0, 1] + dy[1, 0] + dy[1, 1]
    np.testing.assert_allclose(dx, expected, rtol=1e-15)


@both_impls
@pytest.mark.parametrize("ties", TIES)
def test_worked_pool_backward_routes_each_dy_through_its_mask(impl, ties):
    """Section 4 by hand: the maxima are x12 (X'1), x23 (X'2 and X'4), x32 (X'3).

    Without ties every policy gives the same masks M_k.
    """
    x = [[1, 5, 2], [4, 3, 9], [0, 8, 6]]
    (dy11, dy12), (dy21, dy22) = dy = np.array([[0.5, -2.0], [3.0, 7.0]])
    expected = np.zeros((3, 3))
    expected[0, 1] = dy11  # M1 at x12
    expected[1, 2] = dy12 + dy22  # M2 and M4 at x23
    expected[2, 1] = dy21  # M3 at x32
    np.testing.assert_array_equal(impl.maxpool2d_backward(dy, x, ties=ties), expected)


# ------------------------------------------------------------------ 3. finite differences

GRAD_CASES = {
    "seed_shared_bias": ((3, 3), (2, 2), "shared", {}),
    "seed_bias_per_position": ((3, 3), (2, 2), "per_position", {}),
    "2d_stride_padding_dilation": ((6, 7), (2, 3), "shared", {"stride": 2, "padding": 1, "dilation": (2, 1)}),
    "4d_bias_per_filter_strided_padded": ((2, 2, 5, 6), (3, 2, 3, 3), "shared", {"stride": 2, "padding": 1}),
    "4d_bias_per_position_dilated_padded": ((1, 2, 7, 6), (2, 2, 2, 2), "per_position", {"dilation": 2, "padding": (0, 1)}),
    "4d_scalar_bias_rectangular_stride": ((2, 1, 4, 5), (2, 1, 2, 2), "scalar", {"stride": (1, 2)}),
}


@both_impls
@pytest.mark.parametrize("case", list(GRAD_CASES), ids=list(GRAD_CASES))
def test_conv_gradients_match_finite_differences(impl, case):
    """dx, dw, db from the backward pass equal the centred differences of L = sum(dy * y)."""
    x_shape, w_shape, bias_mode, options = GRAD_CASES[case]
    x, w, b, dy = conv_problem(200 + list(GRAD_CASES).index(case), x_shape, w_shape, bias_mode, options)
    dx, dw, db = impl.conv2d_backward(dy, x, w, b, **options)

    def loss(x_, w_, b_):
        return np.sum(dy * impl.conv2d_forward(x_, w_, b_, **options))

    assert gradcheck.check_gradient(lambda x_: loss(x_, w, b), x, dx) < 1e-7
    assert gradcheck.check_gradient(lambda w_: loss(x, w_, b), w, dw) < 1e-7
    assert gradcheck.check_gradient(lambda b_: loss(x, w, b_), b, db) < 1e-7


@both_impls
@pytest.mark.parametrize("ties", TIES)
@pytest.mark.parametrize(
    "x_shape, size, stride",
    [((3, 3), 2, 1), ((2, 2, 5, 6), 3, 2), ((1, 2, 6, 7), (2, 3), (1, 2))],
    ids=["seed_overlapping", "4d_3x3_stride_2", "4d_rectangular"],
)
def test_maxpool_gradient_matches_finite_differences_without_ties(impl, x_shape, size, stride, ties):
    """All entries distinct (gaps of 0.1 >> eps), so max is differentiable and every policy is exact."""
    rng = np.random.default_rng(300)
    x = 0.1 * rng.permutation(np.prod(x_shape)).reshape(x_shape).astype(float)
    dy = rng.normal(size=impl.maxpool2d_forward(x, size, stride).shape)
    dx = impl.maxpool2d_backward(dy, x, size, stride, ties=ties)
    loss = lambda x_: np.sum(dy * impl.maxpool2d_forward(x_, size, stride))  # noqa: E731
    assert gradcheck.check_gradient(loss, x, dx) < 1e-7


def test_gradcheck_catches_a_flipped_kernel_in_dx():
    """The check has teeth: dx built from the 180-degree-rotated kernel is a classic bug.

    Forward is a cross-correlation, so dx is the full convolution with the rotated kernel,
    i.e. the scatter of dy * w; scattering dy * rot180(w) instead is wrong by a lot.
    """
    x, w, b, dy = conv_problem(400, (3, 3), (2, 2), "shared", {})
    wrong_dx, _, _ = ops.conv2d_backward(dy, x, w[::-1, ::-1], b)
    loss = lambda x_: np.sum(dy * ops.conv2d_forward(x_, w, b))  # noqa: E731
    assert gradcheck.check_gradient(loss, x, wrong_dx) > 1e-2


def test_numerical_gradient_leaves_x_unchanged_and_accepts_lists():
    """numerical_gradient nudges a copy; 2*x is the gradient of sum(x**2), ints/lists included."""
    x = np.random.default_rng(5).normal(size=(3, 4))
    before = x.copy()
    grad = gradcheck.numerical_gradient(lambda v: np.sum(v**2), x)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-8)
    grad_list = gradcheck.numerical_gradient(lambda v: np.sum(v**2), [[1, 2], [3, 4]])
    assert grad_list.dtype == np.float64
    np.testing.assert_allclose(grad_list, [[2, 4], [6, 8]], rtol=1e-8)


def test_relative_error_is_scale_aware_and_refuses_mismatched_shapes():
    """Entries near zero do not blow the error up; both-zero is 0; shapes must match."""
    assert gradcheck.relative_error([3.0, 0.0], [3.0, 1e-12]) < 1e-12
    assert gradcheck.relative_error(np.zeros(4), np.zeros(4)) == 0.0
    assert gradcheck.relative_error([1.0, 2.0], [1.0, 3.0]) == pytest.approx(0.2)
    with pytest.raises(ValueError, match=r"shapes \(2,\) and \(3,\)"):
        gradcheck.relative_error([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="f must return a scalar loss"):
        gradcheck.numerical_gradient(lambda v: v * 2, np.ones(3))


# ------------------------------------------------------------------ 4. ties in max-pooling

DY = np.array([[1.0, 2.0], [3.0, 4.0]])  # sum 10

ALL_EQUAL_DX = {
    # x all 7: every window is a four-way tie
    "first": [[1, 2, 0], [3, 4, 0], [0, 0, 0]],  # each window's top-left entry
    "split": [[0.25, 0.75, 0.5], [1.0, 2.5, 1.5], [0.75, 1.75, 1.0]],  # dy_ij / 4 to each entry
    "all": [[1, 3, 2], [4, 10, 6], [3, 7, 4]],  # dy_ij to each entry: counted 4 times
}
CHECKERBOARD_DX = {
    # x = [[1,0,1],[0,1,0],[1,0,1]]: every window is a two-way tie on a diagonal
    # "first" is row-major: X'2 = [[0,1],[1,0]] sends dy12 to x13 (column-major would pick x22)
    "first": [[1, 0, 2], [0, 7, 0], [0, 0, 0]],  # x22 = dy21 + dy22: ADDED
    "split": [[0.5, 0, 1], [0, 5, 0], [1.5, 0, 2]],
    "all": [[1, 0, 2], [0, 10, 0], [3, 0, 4]],
}


@both_impls
@pytest.mark.parametrize("ties", TIES)
@pytest.mark.parametrize(
    "x, expected_by_policy",
    [(np.full((3, 3), 7.0), ALL_EQUAL_DX), ([[1, 0, 1], [0, 1, 0], [1, 0, 1]], CHECKERBOARD_DX)],
    ids=["all_equal", "checkerboard"],
)
def test_ties_route_the_gradient_as_documented(impl, x, expected_by_policy, ties):
    """"first"/"split" conserve sum(dx) == sum(dy); "all" over-counts when ties exist."""
    dx = impl.maxpool2d_backward(DY, x, ties=ties)
    np.testing.assert_allclose(dx, expected_by_policy[ties], rtol=1e-15)
    if ties == "all":
        assert dx.sum() > DY.sum()
    else:
        assert dx.sum() == pytest.approx(DY.sum(), rel=1e-15)


@both_impls
@pytest.mark.parametrize("ties", TIES)
def test_ties_on_random_binary_batches(impl, ties):
    """On 0/1 inputs (ties everywhere), "first" and "split" conserve the gradient, "all" does not."""
    rng = np.random.default_rng(500)
    x = rng.integers(0, 2, size=(2, 3, 6, 6)).astype(float)
    dy = rng.uniform(0.5, 1.5, size=(2, 3, 5, 5))  # positive, so over-counting shows in the sum
    dx = impl.maxpool2d_backward(dy, x, size=2, stride=1, ties=ties)
    if ties == "all":
        assert dx.sum() > dy.sum()
    else:
        assert dx.sum() == pytest.approx(dy.sum(), rel=1e-13)
    # every entry that got gradient is the maximum of a 2x2 window that covers it
    y = impl.maxpool2d_forward(x, size=2, stride=1)
    for img, c, row, col in zip(*np.nonzero(dx)):
        covering = y[img, c, max(row - 1, 0) : row + 1, max(col - 1, 0) : col + 1]
        assert x[img, c, row, col] in covering


@both_impls
@pytest.mark.parametrize("ties", TIES)
def test_overlapping_windows_add_their_gradients(impl, ties):
    """Windows [0, 5] and [5, 0] share the 5: it receives dy1 + dy2 (an "=" bug gives dy2)."""
    dx = impl.maxpool2d_backward([[2.0, 3.0]], [[0, 5, 0]], size=(1, 2), stride=1, ties=ties)
    np.testing.assert_array_equal(dx, [[0.0, 5.0, 0.0]])


# ------------------------------------------------------------------ 5. bad inputs

ONES_3x3, ONES_2x2 = np.ones((3, 3)), np.ones((2, 2))
BAD_INPUTS = {
    # name: (function, args, keyword args, exception, message pattern)
    "kernel_larger_than_input": (
        "conv2d_forward", (ONES_2x2, ONES_3x3, 0.0), {}, ValueError,
        r"kernel 3x3 spans 3x3, larger than the padded input 2x2",
    ),
    "dilated_kernel_larger_than_input": (
        "conv2d_forward", (np.ones((4, 4)), ONES_2x2, 0.0), {"dilation": 4}, ValueError,
        r"kernel 2x2 with dilation \(4, 4\) spans 5x5, larger than the padded input 4x4",
    ),
    "kernel_larger_than_padded_input_backward": (
        "conv2d_backward", (np.ones((1, 1)), ONES_2x2, np.ones((5, 5)), 0.0), {"padding": 1},
        ValueError, r"kernel 5x5 spans 5x5, larger than the padded input 4x4",
    ),
    "pool_window_larger_than_input": (
        "maxpool2d_forward", (np.ones((2, 3)),), {"size": 3}, ValueError,
        r"pooling window 3x3 spans 3x3, larger than the padded input 2x3",
    ),
    "channel_mismatch": (
        "conv2d_forward", (np.ones((1, 3, 5, 5)), np.ones((2, 2, 3, 3)), 0.0), {}, ValueError,
        r"channel mismatch: x has C=3 channels .* but w expects C=2",
    ),
    "bias_fits_neither_mode_2d": (
        "conv2d_forward", (ONES_3x3, ONES_2x2, ONES_3x3), {}, ValueError,
        r"b has shape \(3, 3\), which fits neither bias mode: expected a scalar \(shared\) "
        r"or \(2, 2\) \(one per output position\)",
    ),
    "bias_fits_neither_mode_4d": (
        "conv2d_forward", (np.ones((1, 1, 3, 3)), np.ones((2, 1, 2, 2)), np.ones(3)), {},
        ValueError, r"b has shape \(3,\), which fits neither bias mode: .*\(2,\).*\(2, 2, 2\)",
    ),
    "conv_dy_not_y_shape": (
        "conv2d_backward", (ONES_3x3, ONES_3x3, ONES_2x2, 0.0), {}, ValueError,
        r"dy has shape \(3, 3\) but the layer's output y has shape \(2, 2\)",
    ),
    "conv_dy_without_batch_axes": (
        "conv2d_backward", (ONES_2x2, np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), 0.0), {},
        ValueError, r"dy has shape \(2, 2\) but the layer's output y has shape \(1, 1, 2, 2\)",
    ),
    "pool_dy_not_y_shape": (
        "maxpool2d_backward", (ONES_3x3, ONES_3x3), {}, ValueError,
        r"dy has shape \(3, 3\) but the layer's output y has shape \(2, 2\)",
    ),
    "conv_stride_0": ("conv2d_forward", (ONES_3x3, ONES_2x2, 0.0), {"stride": 0}, ValueError, r"stride must be >= 1, got 0"),
    "conv_stride_pair_with_0": (
        "conv2d_forward", (ONES_3x3, ONES_2x2, 0.0), {"stride": (1, 0)}, ValueError, r"stride must be >= 1, got \(1, 0\)",
    ),
    "pool_stride_0": ("maxpool2d_forward", (ONES_3x3,), {"stride": 0}, ValueError, r"stride must be >= 1, got 0"),
    "pool_size_0": ("maxpool2d_forward", (ONES_3x3,), {"size": 0}, ValueError, r"size must be >= 1, got 0"),
    "dilation_0": ("conv2d_forward", (ONES_3x3, ONES_2x2, 0.0), {"dilation": 0}, ValueError, r"dilation must be >= 1, got 0"),
    "negative_padding": ("conv2d_forward", (ONES_3x3, ONES_2x2, 0.0), {"padding": -1}, ValueError, r"padding must be >= 0, got -1"),
    "fractional_stride": (
        "conv2d_forward", (ONES_3x3, ONES_2x2, 0.0), {"stride": 1.5}, TypeError,
        r"stride must be an int or a \(rows, cols\) pair of ints, got 1.5",
    ),
    "stride_of_three_numbers": (
        "maxpool2d_forward", (ONES_3x3,), {"stride": (1, 1, 1)}, TypeError,
        r"stride must be an int or a \(rows, cols\) pair of ints, got \(1, 1, 1\)",
    ),
    "conv_x_3d": (
        "conv2d_forward", (np.ones((1, 3, 3)), ONES_2x2, 0.0), {}, ValueError,
        r"x must be 2-D \(H, W\) or 4-D \(N, C, H, W\), got shape \(1, 3, 3\)",
    ),
    "pool_x_3d": (
        "maxpool2d_forward", (np.ones((1, 3, 3)),), {}, ValueError,
        r"x must be 2-D \(H, W\) or 4-D \(N, C, H, W\), got shape \(1, 3, 3\)",
    ),
    "x_2d_with_w_4d": (
        "conv2d_forward", (ONES_3x3, np.ones((1, 1, 2, 2)), 0.0), {}, ValueError,
        r"w must be 2-D \(KH, KW\) to match a 2-D x, got shape \(1, 1, 2, 2\)",
    ),
    "x_4d_with_w_2d": (
        "conv2d_forward", (np.ones((1, 1, 3, 3)), ONES_2x2, 0.0), {}, ValueError,
        r"w must be 4-D \(F, C, KH, KW\) to match a 4-D x, got shape \(2, 2\)",
    ),
    "x_of_strings": (
        "conv2d_forward", ([["a", "b"], ["c", "d"]], ONES_2x2, 0.0), {}, TypeError,
        r"x must hold numbers only, got an entry 'a' of type str",
    ),
    "x_with_none": (
        "maxpool2d_forward", ([[1, None], [3, 4]],), {}, TypeError,
        r"x must hold numbers only, got an entry None of type NoneType",
    ),
    "w_with_none": (
        "conv2d_forward", (ONES_3x3, [[1, None], [0, 1]], 0.0), {}, TypeError,
        r"w must hold numbers only, got an entry None",
    ),
    "b_as_string": (
        "conv2d_forward", (ONES_3x3, ONES_2x2, "0"), {}, TypeError, r"b must hold numbers only, got an entry '0'",
    ),
    "dy_with_none": (
        "maxpool2d_backward", ([[1, None], [1, 1]], ONES_3x3), {}, TypeError, r"dy must hold numbers only, got an entry None",
    ),
    "x_ragged": (
        "maxpool2d_forward", ([[1, 2, 3], [4, 5]],), {}, ValueError, r"x must be a rectangular array of numbers",
    ),
    "x_complex": (
        "conv2d_forward", ([[1j, 2, 3], [4, 5, 6], [7, 8, 9]], ONES_2x2, 0.0), {}, TypeError,
        r"x must hold real numbers",
    ),
    "pool_x_with_nan": (
        "maxpool2d_forward", ([[1, 2, 3], [4, np.nan, 6], [7, 8, 9]],), {}, ValueError,
        r"x has NaN at index \(1, 1\): max pooling compares",
    ),
    "pool_backward_x_with_nan_4d": (
        "maxpool2d_backward", (np.ones((1, 1, 2, 2)), np.where(np.eye(3) > 0, np.nan, 1.0)[None, None]),
        {}, ValueError, r"x has NaN at index \(0, 0, 0, 0\)",
    ),
    "unknown_ties_policy": (
        "maxpool2d_backward", (ONES_2x2, ONES_3x3), {"ties": "max"}, ValueError,
        r"ties must be one of \('first', 'all', 'split'\), got 'max'",
    ),
}


@both_impls
@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_raises_an_error_naming_the_fault(impl, case):
    function, args, kwargs, error, message = BAD_INPUTS[case]
    with pytest.raises(error, match=message):
        getattr(impl, function)(*args, **kwargs)


# ------------------------------------------------------------------ 6. dtypes and imports


@both_impls
def test_ints_and_nested_lists_give_float64_results(impl):
    """Student input (int lists, int/float32 arrays) is computed and returned in float64."""
    x_list, w_list = [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, 1]]
    y = impl.conv2d_forward(x_list, w_list, 1)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, [[7, 9], [13, 15]])
    grads = impl.conv2d_backward([[1, 1], [1, 1]], np.array(x_list), np.array(w_list), [[0, 0], [0, 0]])
    assert [np.asarray(g).dtype for g in grads] == [np.float64] * 3
    np.testing.assert_array_equal(grads[1], [[12, 16], [24, 28]])  # dw_mn = sum of window entries

    y32 = impl.conv2d_forward(np.ones((1, 1, 3, 3), np.float32), np.ones((1, 1, 2, 2), np.float32), 0)
    assert y32.dtype == np.float64

    pooled = impl.maxpool2d_forward(x_list)
    dx = impl.maxpool2d_backward([[1, 1], [1, 1]], x_list)
    assert pooled.dtype == dx.dtype == np.float64
    np.testing.assert_array_equal(pooled, [[5, 6], [8, 9]])
    np.testing.assert_array_equal(dx, [[0, 0, 0], [0, 1, 1], [0, 1, 1]])


@both_impls
def test_inputs_are_not_modified(impl):
    """Forward and backward read x, w, b, dy and never write into them."""
    x, w, b, dy = conv_problem(600, (2, 2, 5, 5), (3, 2, 2, 2), "shared", {"padding": 1})
    copies = [a.copy() for a in (x, w, b, dy)]
    impl.conv2d_forward(x, w, b, padding=1)
    impl.conv2d_backward(dy, x, w, b, padding=1)
    impl.maxpool2d_backward(np.ones((2, 2, 4, 4)), x)
    for original, copy in zip((x, w, b, dy), copies):
        np.testing.assert_array_equal(original, copy)


@pytest.mark.parametrize("module", ["cnnviz.layers.ops", "cnnviz.layers.naive", "cnnviz.layers.gradcheck"])
def test_math_modules_import_neither_ipywidgets_nor_matplotlib(module):
    """The math layer is numpy only: a fresh interpreter importing it stays free of UI packages."""
    code = (
        f"import {module}, sys; "
        "print(sorted(m for m in ('ipywidgets', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
