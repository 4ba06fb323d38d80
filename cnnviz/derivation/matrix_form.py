"""The backward pass of a convolution in matrix form, built from the forward op itself.

The seed asks to "arrange these into matrix form". For a stride-1 convolution:

* dL/dX is the FULL convolution of dL/dY with W rotated by 180 degrees: pad dL/dY with
  KH-1 rows and KW-1 columns of zeros on every side, then cross-correlate it with rot180(W);
* dL/dW is X cross-correlated with dL/dY (the "valid" correlation, dL/dY as the kernel).

With a stride s, the same holds after inserting s-1 zeros between the entries of dL/dY.
Everything here calls ``ops.conv2d_forward``; nothing is a new layer. 2-D only.

>>> x, w, dy = np.arange(9.).reshape(3, 3), np.array([[1., 2.], [3., 4.]]), np.ones((2, 2))
>>> np.allclose(input_grad_as_full_convolution(dy, w, x.shape), ops.conv2d_backward(dy, x, w, 0.)[0])
True
"""
import numpy as np

from ..layers import _args
from ..layers import ops

__all__ = ["rotate180", "insert_zeros", "full_padding", "input_grad_as_full_convolution",
           "weight_grad_as_correlation"]


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
