"""Average pooling, forward and backward, checked the same ways as max pooling.

1. The vectorized ``cnnviz.ops`` agree with the plain loops of ``cnnviz.naive`` on random
   shapes, sizes and strides (overlapping and tiling windows).
2. The seed's case by hand: 3x3 input, 2x2 windows, stride 1.
3. Finite differences (``cnnviz.gradcheck``).
4. Bad input gets the same clear errors as max pooling; any real dtype comes back float64.
"""
import re

import numpy as np
import pytest

import cnnviz
from cnnviz import gradcheck, naive, ops

both_impls = pytest.mark.parametrize("impl", [ops, naive], ids=["ops", "naive"])


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def expected_out_hw(in_hw, size, stride):
    """HO = (H - size) // stride + 1, written out independently."""
    return tuple((h - k) // s + 1 for h, k, s in zip(in_hw, _pair(size), _pair(stride)))


# ------------------------------------------------------------------ 1. fast ops == naive loops

SHAPES = [
    ((3, 3), 2, 1),  # the seed: overlapping
    ((4, 4), 2, 2),  # tiling
    ((6, 7), 3, 3),  # tiling, a column left over
    ((7, 8), 3, 2),  # overlapping, strided
    ((5, 5), 5, 1),  # one window covering everything
    ((5, 6), 1, 1),  # 1x1 windows: the identity
    ((2, 3, 7, 8), 2, 1),
    ((2, 3, 7, 8), (2, 3), (1, 2)),
    ((1, 2, 9, 6), (3, 2), (3, 2)),  # tiling, rectangular
    ((3, 1, 5, 9), (1, 4), (2, 3)),
]


@pytest.mark.parametrize("x_shape, size, stride", SHAPES, ids=[str(s) for s in SHAPES])
def test_fast_average_pooling_agrees_with_the_loops(x_shape, size, stride):
    rng = np.random.default_rng(sum(x_shape))
    x = rng.normal(size=x_shape)
    y = ops.avgpool2d_forward(x, size, stride)
    out_shape = (*x_shape[:-2], *expected_out_hw(x_shape[-2:], size, stride))
    assert y.shape == out_shape
    np.testing.assert_allclose(y, naive.avgpool2d_forward(x, size, stride), rtol=1e-12, atol=1e-12)
    dy = rng.normal(size=out_shape)
    dx = ops.avgpool2d_backward(dy, x, size, stride)
    assert dx.shape == x.shape
    np.testing.assert_allclose(dx, naive.avgpool2d_backward(dy, x, size, stride),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_random_shapes_sizes_and_strides_agree(seed):
    rng = np.random.default_rng(1000 + seed)
    kh, kw = rng.integers(1, 4, size=2)
    sr, sc = rng.integers(1, 4, size=2)
    h, w = kh + rng.integers(0, 6), kw + rng.integers(0, 6)
    shape = (h, w) if seed % 2 else (int(rng.integers(1, 3)), int(rng.integers(1, 4)), h, w)
    size, stride = (int(kh), int(kw)), (int(sr), int(sc))
    x = rng.normal(size=shape)
    y = ops.avgpool2d_forward(x, size, stride)
    np.testing.assert_allclose(y, naive.avgpool2d_forward(x, size, stride), rtol=1e-12, atol=1e-12)
    dy = rng.normal(size=y.shape)
    np.testing.assert_allclose(ops.avgpool2d_backward(dy, x, size, stride),
                               naive.avgpool2d_backward(dy, x, size, stride),
                               rtol=1e-12, atol=1e-12)


@both_impls
def test_the_mean_of_each_window_written_out(impl):
    x = np.arange(16.0).reshape(4, 4)
    np.testing.assert_array_equal(impl.avgpool2d_forward(x, 2, 2),
                                  [[(0 + 1 + 4 + 5) / 4, (2 + 3 + 6 + 7) / 4],
                                   [(8 + 9 + 12 + 13) / 4, (10 + 11 + 14 + 15) / 4]])


@both_impls
def test_tiling_windows_spread_each_gradient_over_their_own_cells_only(impl):
    dy = np.array([[1.0, 2.0], [3.0, 4.0]])
    dx = impl.avgpool2d_backward(dy, np.zeros((4, 4)), 2, 2)
    np.testing.assert_array_equal(dx, np.kron(dy, np.ones((2, 2))) / 4)


@both_impls
def test_cells_no_window_covers_get_no_gradient(impl):
    dx = impl.avgpool2d_backward(np.ones((1, 1)), np.ones((3, 3)), 2, 2)
    np.testing.assert_array_equal(dx, [[0.25, 0.25, 0], [0.25, 0.25, 0], [0, 0, 0]])


# ------------------------------------------------------------------ 2. the seed's case by hand

SEED_X = np.array([[1.0, 5.0, 2.0], [4.0, 3.0, 9.0], [0.0, 8.0, 6.0]])


@both_impls
def test_seed_forward_by_hand(impl):
    x = SEED_X
    expected = [[(x[0, 0] + x[0, 1] + x[1, 0] + x[1, 1]) / 4,
                 (x[0, 1] + x[0, 2] + x[1, 1] + x[1, 2]) / 4],
                [(x[1, 0] + x[1, 1] + x[2, 0] + x[2, 1]) / 4,
                 (x[1, 1] + x[1, 2] + x[2, 1] + x[2, 2]) / 4]]
    np.testing.assert_array_equal(impl.avgpool2d_forward(x, 2, 1), expected)
    np.testing.assert_array_equal(impl.avgpool2d_forward(x), [[3.25, 4.75], [3.75, 6.5]])


@both_impls
def test_seed_backward_by_hand(impl):
    """Each x's gradient is the sum of dy/4 over the windows that contain it."""
    d11, d12, d21, d22 = 1.0, -2.0, 4.0, 8.0
    dy = np.array([[d11, d12], [d21, d22]])
    expected = np.array([
        [d11 / 4, (d11 + d12) / 4, d12 / 4],
        [(d11 + d21) / 4, (d11 + d12 + d21 + d22) / 4, (d12 + d22) / 4],
        [d21 / 4, (d21 + d22) / 4, d22 / 4],
    ])
    dx = impl.avgpool2d_backward(dy, SEED_X, 2, 1)
    np.testing.assert_array_equal(dx, expected)
    assert dx[1, 1] == pytest.approx(11 / 4)  # x22 is in all four windows
    np.testing.assert_array_equal(impl.avgpool2d_backward(np.ones((2, 2)), SEED_X),
                                  [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]])


@both_impls
def test_backward_does_not_depend_on_the_values_of_x(impl):
    dy = np.random.default_rng(7).normal(size=(2, 2))
    np.testing.assert_array_equal(impl.avgpool2d_backward(dy, SEED_X),
                                  impl.avgpool2d_backward(dy, -10 * SEED_X + 3))


def test_the_package_exports_both_operations():
    from cnnviz import avgpool2d_backward, avgpool2d_forward

    assert avgpool2d_forward is ops.avgpool2d_forward
    assert avgpool2d_backward is ops.avgpool2d_backward
    assert {"avgpool2d_forward", "avgpool2d_backward"} <= set(cnnviz.__all__)
    assert {"avgpool2d_forward", "avgpool2d_backward"} <= set(ops.__all__) & set(naive.__all__)


# ------------------------------------------------------------------ 3. finite differences

GRAD_CASES = [((3, 3), 2, 1), ((4, 6), 2, 2), ((2, 2, 5, 6), 3, 2), ((1, 2, 6, 7), (2, 3), (1, 2))]
GRAD_IDS = ["seed_overlapping", "tiling", "4d_3x3_stride_2", "4d_rectangular"]


@pytest.mark.parametrize("x_shape, size, stride", GRAD_CASES, ids=GRAD_IDS)
def test_avgpool_layer_check_passes(x_shape, size, stride):
    rng = np.random.default_rng(300)
    x = rng.normal(size=x_shape)
    dy = rng.normal(size=(*x_shape[:-2], *expected_out_hw(x_shape[-2:], size, stride)))
    report = gradcheck.avgpool_layer_check(dy, x, size, stride)
    analytic, numeric, err = report["x"]
    assert set(report) == {"x"}
    assert analytic.shape == numeric.shape == x.shape
    assert err < 1e-7
    np.testing.assert_allclose(analytic, ops.avgpool2d_backward(dy, x, size, stride))


@both_impls
@pytest.mark.parametrize("x_shape, size, stride", GRAD_CASES, ids=GRAD_IDS)
def test_avgpool_gradient_matches_finite_differences(impl, x_shape, size, stride):
    rng = np.random.default_rng(301)
    x = rng.normal(size=x_shape)
    dy = rng.normal(size=impl.avgpool2d_forward(x, size, stride).shape)
    dx = impl.avgpool2d_backward(dy, x, size, stride)
    loss = lambda x_: np.sum(dy * impl.avgpool2d_forward(x_, size, stride))  # noqa: E731
    assert gradcheck.check_gradient(loss, x, dx) < 1e-7


def test_gradcheck_catches_overwriting_instead_of_adding():
    """dx written with '=' where windows overlap (the classic bug) fails the check."""
    rng = np.random.default_rng(302)
    x, dy = rng.normal(size=(3, 3)), rng.normal(size=(2, 2))
    wrong_dx = np.zeros((3, 3))
    for i in range(2):
        for j in range(2):
            wrong_dx[i:i + 2, j:j + 2] = dy[i, j] / 4
    loss = lambda x_: np.sum(dy * ops.avgpool2d_forward(x_))  # noqa: E731
    assert gradcheck.check_gradient(loss, x, wrong_dx) > 1e-2


# ------------------------------------------------------------------ 4. bad input and dtypes


def _message(call):
    """The (type, message) a call raises."""
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    return type(info.value), str(info.value)


EVERY_DIMENSION = "every dimension must be at least 1"
OUTPUT_Y = "but the layer's output y has shape"

# name: (call, given {"forward": ..., "backward": ...}; the error's type; a pattern of its message)
BAD_CALLS = {
    "dy_wrong_shape": (lambda p: p["backward"](np.ones((3, 3)), np.ones((3, 3)), 2, 1),
                       ValueError, rf"dy has shape \(3, 3\) {OUTPUT_Y} \(2, 2\)"),
    "dy_wrong_shape_4d": (lambda p: p["backward"](np.ones((1, 1, 2, 2)), np.ones((2, 3, 3, 3))),
                          ValueError, rf"dy has shape \(1, 1, 2, 2\) {OUTPUT_Y} \(2, 3, 2, 2\)"),
    "window_larger_than_input": (lambda p: p["forward"](np.ones((3, 3)), 4, 1), ValueError,
                                 r"pooling window 4x4 spans 4x4, larger than the padded input 3x3"),
    "window_larger_backward": (lambda p: p["backward"](np.ones((1, 1)), np.ones((2, 5)), 3, 1),
                               ValueError,
                               r"window 3x3 spans 3x3, larger than the padded input 2x5"),
    "masked_array": (lambda p: p["forward"](np.ma.masked_array(np.ones((3, 3)), mask=np.eye(3))),
                     TypeError, r"x is a masked array: its mask would be ignored"),
    "masked_dy": (lambda p: p["backward"](np.ma.masked_array(np.ones((2, 2))), np.ones((3, 3))),
                  TypeError, r"dy is a masked array"),
    "zero_size_batch": (lambda p: p["forward"](np.zeros((0, 1, 3, 3))),
                        ValueError, rf"x has shape \(0, 1, 3, 3\): {EVERY_DIMENSION}"),
    "zero_size_channels": (lambda p: p["backward"](np.zeros((2, 0, 2, 2)), np.zeros((2, 0, 3, 3))),
                           ValueError, rf"x has shape \(2, 0, 3, 3\): {EVERY_DIMENSION}"),
    "zero_size_2d": (lambda p: p["forward"](np.zeros((0, 0))),
                     ValueError, rf"x has shape \(0, 0\): {EVERY_DIMENSION}"),
    "three_dims": (lambda p: p["forward"](np.ones((2, 3, 3))),
                   ValueError, r"x must be 2-D \(H, W\) or 4-D .*, got shape \(2, 3, 3\)"),
    "nan": (lambda p: p["forward"](np.array([[1.0, np.nan], [2.0, 3.0]])),
            ValueError, r"x has NaN at index \(0, 1\)"),
    "size_zero": (lambda p: p["forward"](np.ones((3, 3)), 0),
                  ValueError, r"size must be >= 1, got 0"),
    "stride_float": (lambda p: p["forward"](np.ones((3, 3)), 2, 1.5),
                     TypeError, r"stride must be an int or a \(rows, cols\) pair of ints"),
    "complex": (lambda p: p["forward"](np.ones((3, 3), dtype=complex)), TypeError, r"complex"),
    "ragged": (lambda p: p["forward"]([[1, 2], [3]]),
               ValueError, r"x must be a rectangular array of numbers"),
}

IMPLS = {
    "ops": {"forward": ops.avgpool2d_forward, "backward": ops.avgpool2d_backward},
    "naive": {"forward": naive.avgpool2d_forward, "backward": naive.avgpool2d_backward},
}
MAX_POOL = {"forward": ops.maxpool2d_forward, "backward": ops.maxpool2d_backward}


@pytest.mark.parametrize("impl", list(IMPLS))
@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_input_gets_the_same_clear_error_as_max_pooling(impl, case):
    call, expected_kind, pattern = BAD_CALLS[case]
    kind, message = _message(lambda: call(IMPLS[impl]))
    if case == "nan":  # the same refusal, with average pooling's own reason
        assert "average of a window that holds NaN" in message
        assert message.split(":")[0] == _message(lambda: call(MAX_POOL))[1].split(":")[0]
    else:
        assert (kind, message) == _message(lambda: call(MAX_POOL))
    assert kind is expected_kind
    assert re.search(pattern, message), message


def test_work_beyond_the_limit_is_refused_as_for_max_pooling():
    with pytest.raises(ValueError, match=r"numbers, more than the .* \(256 MiB\)"):
        ops.avgpool2d_forward(np.zeros((12000, 12000)))
    with pytest.raises(ValueError, match=r"numbers, more than the .* \(256 MiB\)"):
        ops.avgpool2d_backward(np.zeros((5000, 5000)), np.zeros((5001, 5001)))


@both_impls
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int8, np.uint16, bool])
def test_every_real_dtype_comes_back_float64_with_the_same_numbers(impl, dtype):
    x = (np.arange(16).reshape(4, 4) % 3).astype(dtype)
    dy = (np.arange(9).reshape(3, 3) % 2).astype(dtype)
    y = impl.avgpool2d_forward(x)
    dx = impl.avgpool2d_backward(dy, x)
    assert y.dtype == np.float64 and dx.dtype == np.float64
    np.testing.assert_array_equal(y, impl.avgpool2d_forward(x.astype(np.float64)))
    np.testing.assert_array_equal(dx, impl.avgpool2d_backward(dy.astype(np.float64),
                                                              x.astype(np.float64)))


def test_float32_in_float64_out_with_full_precision():
    x32 = np.array([[0.1, 0.2], [0.3, 0.7]], dtype=np.float32)
    y = ops.avgpool2d_forward(x32)
    assert y.dtype == np.float64
    assert y[0, 0] == x32.astype(np.float64).sum() / 4
    dx = ops.avgpool2d_backward(np.array([[1.0]], dtype=np.float32), x32)
    assert dx.dtype == np.float64
    np.testing.assert_array_equal(dx, np.full((2, 2), 0.25))


def test_lists_and_pairs_are_accepted():
    y = ops.avgpool2d_forward([[1, 2, 3, 4], [5, 6, 7, 8]], size=[2, 2], stride=(1, 2))
    np.testing.assert_array_equal(y, [[3.5, 5.5]])
    dx = ops.avgpool2d_backward([[4, 8]], [[1, 2, 3, 4], [5, 6, 7, 8]], size=(2, 2), stride=[1, 2])
    np.testing.assert_array_equal(dx, [[1, 1, 2, 2], [1, 1, 2, 2]])
