"""The backward pass of a convolution in matrix form, built from the forward op itself.

The derivation asks to "arrange these into matrix form". For a stride-1 convolution:

* dL/dX is the FULL convolution of dL/dY with W rotated by 180 degrees: pad dL/dY with
  KH-1 rows and KW-1 columns of zeros on every side, then cross-correlate it with rot180(W);
* dL/dW is X cross-correlated with dL/dY (the "valid" correlation, dL/dY as the kernel).

With a stride s, the same holds after inserting s-1 zeros between the entries of dL/dY.
These call ``ops.conv2d_forward``; nothing is a new layer. 2-D only.

The same layer written as one matrix product, two ways (vec = row-major flattening):

* the Jacobian view, vec(Y) = C @ vec(X) + vec(b), with C = dvec(Y)/dvec(X) of shape
  (HO*WO, H*W) (``conv_matrix``); then vec(dL/dX) = C^T @ vec(dL/dY);
* the im2col view, vec(Y) = P @ vec(W) + vec(b), with P the windows of X one per row, of
  shape (HO*WO, KH*KW) (``im2col``); then vec(dL/dW) = P^T @ vec(dL/dY).

>>> x, w, dy = np.arange(9.).reshape(3, 3), np.array([[1., 2.], [3., 4.]]), np.ones((2, 2))
>>> np.allclose(input_grad_as_full_convolution(dy, w, x.shape), ops.conv2d_backward(dy, x, w, 0.)[0])
True
"""
import numpy as np

from ..layers import _args
from ..layers import ops
from ..words import say

__all__ = ["rotate180", "insert_zeros", "full_padding", "input_grad_as_full_convolution",
           "weight_grad_as_correlation", "conv_matrix", "im2col", "input_grad_via_matrix",
           "weight_grad_via_im2col"]


def rotate180(w):
    """W turned upside down and left to right: rot180(W)[m, n] = W[KH-1-m, KW-1-n]."""
    return np.asarray(w, dtype=float)[::-1, ::-1]


def insert_zeros(dy, stride=1):
    """dL/dY with stride-1 zeros between neighbouring entries (nothing changes at stride 1).

    >>> insert_zeros([[1, 2], [3, 4]], 2)
    array([[1., 0., 2.],
           [0., 0., 0.],
           [3., 0., 4.]])
    """
    dy = _args.as_array(dy, "dy")
    sr, sc = _args.pair(stride, "stride", 1)
    out = np.zeros(((dy.shape[0] - 1) * sr + 1, (dy.shape[1] - 1) * sc + 1))
    out[::sr, ::sc] = dy
    return out


def full_padding(dy, kernel_shape, stride=1):
    """insert_zeros(dy, stride) padded with KH-1 / KW-1 zeros on every side."""
    kh, kw = kernel_shape
    return np.pad(insert_zeros(dy, stride), ((kh - 1, kh - 1), (kw - 1, kw - 1)))


def input_grad_as_full_convolution(dy, w, x_shape, stride=1, padding=0):
    """dL/dX = full convolution of (zero-inserted) dL/dY with rot180(W), cropped to X.

    The full convolution covers the padded input; the padding rows/cols are cropped off, and
    input rows that no window reached (when (H + 2p - KH) is not a multiple of the stride)
    get 0.
    """
    w = _args.as_array(w, "w")
    pr, pc = _args.pair(padding, "padding", 0)
    full = ops.conv2d_forward(full_padding(dy, w.shape, stride), rotate180(w), 0.0)
    h, wd = x_shape
    padded = np.zeros((h + 2 * pr, wd + 2 * pc))
    rows, cols = min(full.shape[0], padded.shape[0]), min(full.shape[1], padded.shape[1])
    padded[:rows, :cols] = full[:rows, :cols]
    return padded[pr:pr + h, pc:pc + wd]


def weight_grad_as_correlation(x, dy, kernel_shape, stride=1, padding=0):
    """dL/dW = X (zero-padded) cross-correlated with dL/dY, spread out by the stride.

    dW[m, n] = sum_ij dy[i, j] * xpad[i*s + m, j*s + n]: the correlation of xpad with dy
    taken with dilation s, whose first KH x KW entries are dW.
    """
    x = _args.as_array(x, "x")
    pr, pc = _args.pair(padding, "padding", 0)
    xp = np.pad(x, ((pr, pr), (pc, pc)))
    kh, kw = kernel_shape
    return ops.conv2d_forward(xp, dy, 0.0, dilation=stride)[:kh, :kw]


def _window_geometry(x_shape, kernel_shape, stride, padding, dilation):
    """Checked (size, kernel, padding, out_hw) and, for every output (i, j) and tap (m, n),
    the padded-input row and column the tap reads: rows, cols of shape (HO, WO, KH, KW),
    rows[i, j, m, n] = i*stride + m*dilation (cols likewise)."""
    size = _args.pair(x_shape, "x_shape", 1)
    kernel = _args.pair(kernel_shape, "kernel_shape", 1)
    stride = _args.pair(stride, "stride", 1)
    padding = _args.pair(padding, "padding", 0)
    dilation = _args.pair(dilation, "dilation", 1)
    out_hw = _args.output_shape(size, kernel, stride, padding, dilation)
    _args.within_limit((size[0] + 2 * padding[0]) * (size[1] + 2 * padding[1]), "the padded input")
    _args.within_limit(out_hw[0] * out_hw[1] * kernel[0] * kernel[1], "the windows, one by one,")
    rows = (np.arange(out_hw[0])[:, None, None, None] * stride[0]
            + np.arange(kernel[0])[None, None, :, None] * dilation[0])
    cols = (np.arange(out_hw[1])[None, :, None, None] * stride[1]
            + np.arange(kernel[1])[None, None, None, :] * dilation[1])
    rows, cols = np.broadcast_arrays(rows, cols)
    return size, kernel, padding, out_hw, rows, cols


def _kernel_2d(w):
    """w as a checked (KH, KW) float64 array."""
    return _args.kernel_4d(w, two_d=True)[0, 0]


def _input_2d(x):
    """x as a checked (H, W) float64 array."""
    x4, two_d = _args.input_4d(x)
    if not two_d:
        raise ValueError(say("matrix_form.one_image", shape=x4.shape))
    return x4[0, 0]


def conv_matrix(x_shape, w, stride=1, padding=0, dilation=1):
    """The convolution as a matrix C acting on the flattened input: vec(Y) = C @ vec(X) + vec(b).

    x_shape : (H, W);  w : (KH, KW);  stride, padding (zeros), dilation : int or (rows, cols)
    returns C : (HO*WO, H*W), float64, with
        HO = (H + 2*padding - dilation*(KH - 1) - 1) // stride + 1   (WO likewise)
    vec is row-major: vec(X)[r*W + c] = X[r, c], vec(Y)[i*WO + j] = Y[i, j].

    Row i*WO + j is window (i, j): it holds w[m, n] in the column of the input cell
    x[i*stride + m*dilation - padding, j*stride + n*dilation - padding]. Taps that fall on the
    zero padding multiply nothing and drop out. C does not depend on X: it is the Jacobian
    dvec(Y)/dvec(X), so the backward pass is vec(dL/dX) = C^T @ vec(dL/dY).

    The derivation's case (3x3 X, 2x2 W, stride 1) gives a 4x9 C; row 1 is
    [w11 w12 0 w21 w22 0 0 0 0], and each next window moves the pattern along:

    >>> conv_matrix((3, 3), [[1, 2], [3, 4]])
    array([[1., 2., 0., 3., 4., 0., 0., 0., 0.],
           [0., 1., 2., 0., 3., 4., 0., 0., 0.],
           [0., 0., 0., 1., 2., 0., 3., 4., 0.],
           [0., 0., 0., 0., 1., 2., 0., 3., 4.]])
    >>> x, w = np.arange(9.).reshape(3, 3), np.eye(2)
    >>> np.allclose(conv_matrix(x.shape, w) @ x.ravel(), ops.conv2d_forward(x, w, 0.).ravel())
    True
    """
    return _conv_matrix(x_shape, w, stride, padding, dilation)[0]


def _conv_matrix(x_shape, w, stride, padding, dilation):
    """C, with the input's (H, W) and the output's (HO, WO)."""
    w = _kernel_2d(w)
    size, kernel, (pr, pc), out_hw, rows, cols = _window_geometry(x_shape, w.shape, stride,
                                                                  padding, dilation)
    h, wd = size
    _args.within_limit(out_hw[0] * out_hw[1] * h * wd, "the matrix C")
    rows, cols = rows - pr, cols - pc  # in the unpadded input
    inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < wd)
    out_index = np.broadcast_to(np.arange(out_hw[0] * out_hw[1]).reshape(*out_hw, 1, 1),
                                rows.shape)
    taps = np.broadcast_to(w, rows.shape)
    c = np.zeros((out_hw[0] * out_hw[1], h * wd))
    np.add.at(c, (out_index[inside], rows[inside] * wd + cols[inside]), taps[inside])
    return c, size, out_hw


def im2col(x, kernel_shape, stride=1, padding=0, dilation=1):
    """The windows of x laid out one per row: vec(Y) = P @ vec(W) + vec(b).

    x : (H, W);  kernel_shape : (KH, KW);  stride, padding (zeros), dilation : int or pair
    returns P : (HO*WO, KH*KW), float64, with
        HO = (H + 2*padding - dilation*(KH - 1) - 1) // stride + 1   (WO likewise)
        P[i*WO + j, m*KW + n] = xpad[i*stride + m*dilation, j*stride + n*dilation]
    (0 where the window meets the padding). P depends on X, not on W: it is the Jacobian
    dvec(Y)/dvec(W), so the backward pass is vec(dL/dW) = P^T @ vec(dL/dY).

    In the derivation's case row 1 is window 1, [x11 x12 x21 x22]:

    >>> im2col(np.arange(1., 10.).reshape(3, 3), (2, 2))
    array([[1., 2., 4., 5.],
           [2., 3., 5., 6.],
           [4., 5., 7., 8.],
           [5., 6., 8., 9.]])
    """
    return _im2col(x, kernel_shape, stride, padding, dilation)[0]


def _im2col(x, kernel_shape, stride, padding, dilation):
    """P, with the kernel's (KH, KW) and the output's (HO, WO)."""
    x = _input_2d(x)
    _, kernel, padding, out_hw, rows, cols = _window_geometry(x.shape, kernel_shape, stride,
                                                              padding, dilation)
    xpad = _args.zero_padded(x, padding)
    return xpad[rows, cols].reshape(out_hw[0] * out_hw[1], kernel[0] * kernel[1]), kernel, out_hw


def input_grad_via_matrix(dy, w, x_shape, stride=1, padding=0, dilation=1):
    """dL/dX = C^T @ vec(dL/dY), reshaped to x_shape (C = ``conv_matrix``).

    dy : (HO, WO), dL/dY;  w : (KH, KW);  x_shape : (H, W);  returns dx : (H, W), float64.
    Column r*W + c of C lists every w that x[r, c] met, so C^T adds up dL/dy_ij * w_mn
    over the windows that cover x[r, c] (the full convolution with rot180(W)).

    >>> input_grad_via_matrix(np.ones((2, 2)), np.eye(2), (3, 3))
    array([[1., 1., 0.],
           [1., 2., 1.],
           [0., 1., 1.]])
    """
    c, size, out_hw = _conv_matrix(x_shape, w, stride, padding, dilation)
    dy = _args.gradient_like(dy, out_hw)
    return (c.T @ dy.ravel()).reshape(size)


def weight_grad_via_im2col(dy, x, kernel_shape, stride=1, padding=0, dilation=1):
    """dL/dW = P^T @ vec(dL/dY), reshaped to kernel_shape (P = ``im2col``).

    dy : (HO, WO), dL/dY;  x : (H, W);  kernel_shape : (KH, KW);  returns dw : (KH, KW).
    Column m*KW + n of P is what tap w_mn multiplied in each window, so P^T sums
    dL/dy_ij * xpad[i*stride + m*dilation, j*stride + n*dilation] over the windows.

    >>> weight_grad_via_im2col(np.ones((2, 2)), np.arange(9.).reshape(3, 3), (2, 2))
    array([[ 8., 12.],
           [20., 24.]])
    """
    p, kernel, out_hw = _im2col(x, kernel_shape, stride, padding, dilation)
    dy = _args.gradient_like(dy, out_hw)
    return (p.T @ dy.ravel()).reshape(kernel)
