"""The matrix (Jacobian) view and the im2col view of a convolution agree with the ops."""
import numpy as np
import pytest

import cnnviz
from cnnviz.derivation.matrix_form import (
    conv_matrix,
    im2col,
    input_grad_via_matrix,
    weight_grad_via_im2col,
)
from cnnviz.layers.gradcheck import numerical_gradient


def _random_case(seed):
    """A random valid geometry (sizes, kernel, stride, padding, dilation, some as pairs)
    and random x, w, per-position b and dy for it."""
    rng = np.random.default_rng(seed)
    while True:
        h, w_ = (int(v) for v in rng.integers(1, 9, size=2))
        kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
        stride = tuple(int(v) for v in rng.integers(1, 4, size=2))
        padding = tuple(int(v) for v in rng.integers(0, 3, size=2))
        dilation = tuple(int(v) for v in rng.integers(1, 4, size=2))
        if rng.random() < 0.5:  # sometimes one int for both axes
            stride, padding, dilation = stride[0], padding[0], dilation[0]
        try:
            out_hw = cnnviz.output_size((h, w_), (kh, kw), stride, padding, dilation)
        except ValueError:
            continue
        x = rng.normal(size=(h, w_))
        w = rng.normal(size=(kh, kw))
        b = rng.normal(size=out_hw)
        dy = rng.normal(size=out_hw)
        return x, w, b, dy, dict(stride=stride, padding=padding, dilation=dilation)


SEEDS = range(40)


@pytest.mark.parametrize("seed", SEEDS)
def test_c_times_vec_x_plus_b_is_the_forward_pass(seed):
    x, w, b, _, geo = _random_case(seed)
    y = cnnviz.conv2d_forward(x, w, b, **geo)
    c = conv_matrix(x.shape, w, **geo)
    assert c.shape == (y.size, x.size)
    np.testing.assert_allclose(c @ x.ravel() + b.ravel(), y.ravel(), rtol=1e-12, atol=1e-12)
    # a shared (scalar) bias too
    y0 = cnnviz.conv2d_forward(x, w, 0.75, **geo)
    np.testing.assert_allclose((c @ x.ravel() + 0.75).reshape(y0.shape), y0, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_p_times_vec_w_plus_b_is_the_forward_pass(seed):
    x, w, b, _, geo = _random_case(seed)
    y = cnnviz.conv2d_forward(x, w, b, **geo)
    p = im2col(x, w.shape, **geo)
    assert p.shape == (y.size, w.size)
    np.testing.assert_allclose(p @ w.ravel() + b.ravel(), y.ravel(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_transposes_give_the_backward_pass(seed):
    x, w, b, dy, geo = _random_case(seed)
    dx, dw, _ = cnnviz.conv2d_backward(dy, x, w, b, **geo)
    c = conv_matrix(x.shape, w, **geo)
    p = im2col(x, w.shape, **geo)
    np.testing.assert_allclose((c.T @ dy.ravel()).reshape(x.shape), dx, atol=1e-12)
    np.testing.assert_allclose((p.T @ dy.ravel()).reshape(w.shape), dw, atol=1e-12)
    via_c = input_grad_via_matrix(dy, w, x.shape, **geo)
    via_p = weight_grad_via_im2col(dy, x, w.shape, **geo)
    assert via_c.shape == x.shape and via_p.shape == w.shape
    np.testing.assert_allclose(via_c, dx, atol=1e-12)
    np.testing.assert_allclose(via_p, dw, atol=1e-12)


def test_the_derivations_c_entry_by_entry():
    # w11 = 11, w12 = 12, w21 = 21, w22 = 22; columns are x11 x12 x13 x21 x22 x23 x31 x32 x33
    w = np.array([[11, 12], [21, 22]])
    expected = np.array([
        [11, 12, 0, 21, 22, 0, 0, 0, 0],  # y11 = w11 x11 + w12 x12 + w21 x21 + w22 x22
        [0, 11, 12, 0, 21, 22, 0, 0, 0],  # y12 = w11 x12 + w12 x13 + w21 x22 + w22 x23
        [0, 0, 0, 11, 12, 0, 21, 22, 0],  # y21 = w11 x21 + w12 x22 + w21 x31 + w22 x32
        [0, 0, 0, 0, 11, 12, 0, 21, 22],  # y22 = w11 x22 + w12 x23 + w21 x32 + w22 x33
    ], dtype=float)
    c = conv_matrix((3, 3), w)
    assert c.shape == (4, 9)
    assert c.dtype == np.float64
    for row in range(4):
        for col in range(9):
            assert c[row, col] == expected[row, col], (row, col)


def test_the_derivations_p_and_its_weight_gradient():
    x = np.arange(1, 10).reshape(3, 3)  # x11 = 1, ..., x33 = 9
    p = im2col(x, (2, 2))
    np.testing.assert_array_equal(p, [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]])
    dy = np.array([[1., 10.], [100., 1000.]])
    # dL/dw11 = dy11 x11 + dy12 x12 + dy21 x21 + dy22 x22, ...
    np.testing.assert_array_equal(weight_grad_via_im2col(dy, x, (2, 2)),
                                  [[1 + 20 + 400 + 5000, 2 + 30 + 500 + 6000],
                                   [4 + 50 + 700 + 8000, 5 + 60 + 800 + 9000]])


def test_padding_cells_drop_out_of_c_and_are_zeros_in_p():
    w = np.arange(1., 10.).reshape(3, 3)
    # a 1x1 input padded by 1: the one window sees x only through its centre tap w22
    np.testing.assert_array_equal(conv_matrix((1, 1), w, padding=1), [[5.]])
    np.testing.assert_array_equal(im2col([[7.]], (3, 3), padding=1),
                                  [[0, 0, 0, 0, 7, 0, 0, 0, 0]])
    # 2x2 input, 2x2 kernel, padding 1: 9 windows; the corner one meets x11 with w22 only
    c = conv_matrix((2, 2), [[1, 2], [3, 4]], padding=1)
    assert c.shape == (9, 4)
    np.testing.assert_array_equal(c[0], [4, 0, 0, 0])
    np.testing.assert_array_equal(c[4], [1, 2, 3, 4])
    np.testing.assert_array_equal(c[8], [0, 0, 0, 1])


def test_stride_and_dilation_place_the_taps():
    # 4x4 input, 2x2 kernel dilated by 2 (span 3), stride 3: HO = (4 - 3) // 3 + 1 = 1, one
    # window reading x[0, 0], x[0, 2], x[2, 0], x[2, 2]
    c = conv_matrix((4, 4), [[1, 2], [3, 4]], stride=3, dilation=2)
    expected = np.zeros((1, 16))
    expected[0, [0, 2, 8, 10]] = [1, 2, 3, 4]
    np.testing.assert_array_equal(c, expected)
    # stride (1, 2) on a 3x5 input with a 1x1 kernel picks columns 0, 2, 4 of each row
    c = conv_matrix((3, 5), [[2.]], stride=(1, 2))
    assert c.shape == (9, 15)
    np.testing.assert_array_equal(np.argwhere(c)[:, 1], [0, 2, 4, 5, 7, 9, 10, 12, 14])
    assert np.all(c[c != 0] == 2)


@pytest.mark.parametrize("seed", range(8))
def test_c_is_the_jacobian_and_does_not_depend_on_x(seed):
    x, w, b, _, geo = _random_case(seed)
    c = conv_matrix(x.shape, w, **geo)
    rng = np.random.default_rng(100 + seed)
    for point in (x, rng.normal(size=x.shape) * 10):
        for k in range(c.shape[0]):
            row = numerical_gradient(
                lambda x_: cnnviz.conv2d_forward(x_, w, b, **geo).ravel()[k], point)
            np.testing.assert_allclose(row.ravel(), c[k], atol=1e-7)


@pytest.mark.parametrize("seed", range(8))
def test_p_is_the_jacobian_with_respect_to_w(seed):
    x, w, b, _, geo = _random_case(seed)
    p = im2col(x, w.shape, **geo)
    for k in range(p.shape[0]):
        row = numerical_gradient(lambda w_: cnnviz.conv2d_forward(x, w_, b, **geo).ravel()[k], w)
        np.testing.assert_allclose(row.ravel(), p[k], atol=1e-7)


def test_views_accept_lists_ints_and_pairs():
    c = conv_matrix([3, 3], [[1, 2], [3, 4]], stride=(1, 1), padding=(0, 0), dilation=(1, 1))
    np.testing.assert_array_equal(c, conv_matrix((3, 3), np.array([[1., 2.], [3., 4.]])))
    p = im2col([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [2, 2])
    assert p.dtype == np.float64
    np.testing.assert_array_equal(p[0], [1, 2, 4, 5])


def _message(call):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    return info.type, str(info.value)


@pytest.mark.parametrize("geo", [dict(), dict(dilation=2), dict(padding=(0, 1), stride=2)])
def test_a_kernel_larger_than_the_input_gets_the_ops_error(geo):
    x, w = np.zeros((2, 3)), np.ones((4, 4))
    expected = _message(lambda: cnnviz.conv2d_forward(x, w, 0.0, **geo))
    assert expected[0] is ValueError and "larger than the padded input" in expected[1]
    assert _message(lambda: conv_matrix(x.shape, w, **geo)) == expected
    assert _message(lambda: im2col(x, w.shape, **geo)) == expected
    assert _message(lambda: input_grad_via_matrix(np.ones((1, 1)), w, x.shape, **geo)) == expected
    assert _message(lambda: weight_grad_via_im2col(np.ones((1, 1)), x, w.shape, **geo)) == expected


@pytest.mark.parametrize("dy_shape", [(3, 3), (2,), (1, 2, 2)])
def test_a_wrong_dy_shape_gets_the_ops_error(dy_shape):
    x, w, dy = np.zeros((3, 3)), np.ones((2, 2)), np.ones(dy_shape)
    expected = _message(lambda: cnnviz.conv2d_backward(dy, x, w, 0.0))
    assert expected[0] is ValueError
    assert "but the layer's output y has shape (2, 2)" in expected[1]
    assert _message(lambda: input_grad_via_matrix(dy, w, x.shape)) == expected
    assert _message(lambda: weight_grad_via_im2col(dy, x, w.shape)) == expected


@pytest.mark.parametrize("bad, name", [
    (dict(stride=0), "stride"), (dict(padding=-1), "padding"), (dict(dilation=0), "dilation"),
    (dict(stride=1.5), "stride"), (dict(padding=(1, 2, 3)), "padding"),
])
def test_bad_stride_padding_dilation_get_the_ops_errors(bad, name):
    x, w = np.zeros((4, 4)), np.ones((2, 2))
    expected = _message(lambda: cnnviz.conv2d_forward(x, w, 0.0, **bad))
    assert name in expected[1]
    assert _message(lambda: conv_matrix(x.shape, w, **bad)) == expected
    assert _message(lambda: im2col(x, w.shape, **bad)) == expected


def test_bad_kernel_and_input_are_named():
    expected = _message(lambda: cnnviz.conv2d_forward(np.zeros((3, 3)), np.ones((1, 1, 2, 2)), 0.))
    assert _message(lambda: conv_matrix((3, 3), np.ones((1, 1, 2, 2)))) == expected
    assert _message(lambda: conv_matrix((3, 3), [["a", 1]]))[0] is TypeError
    with pytest.raises(ValueError, match=r"x must be 2-D \(H, W\)"):
        im2col(np.zeros((1, 1, 3, 3)), (2, 2))
    with pytest.raises(ValueError, match="kernel_shape must be >= 1"):
        im2col(np.zeros((3, 3)), (0, 2))
    with pytest.raises(TypeError, match="x_shape must be an int or a"):
        conv_matrix((3, 3, 3), np.ones((2, 2)))
