"""The same layers as ``cnnviz.ops`` (convolution, max and average pooling), as plain Python loops.

This is the loop version: one ``for`` per index, so each line reads like a formula of the
derivation. It is slow on purpose and serves twice:

* as teaching text: the derivation writes, for a 2x2 kernel, stride 1, no padding,

      y_ij = sum_{m, n} w_mn * x_(i+m-1)(j+n-1) + b_ij

  and the loops below compute, with indices from 0 and any stride s, padding and dilation d,

      y[i, j] = sum over m, n of  w[m, n] * xpad[i*s + m*d, j*s + n*d]  +  b[i, j];

* as an independent reference: the tests check the vectorized ``cnnviz.ops`` against it.
  Nothing here calls ``cnnviz.ops``; only the argument checks (``cnnviz._args``) are shared,
  so both versions accept the same inputs and raise the same errors.

Layouts, as in ``cnnviz.ops``: the derivation's x (H, W), w (KH, KW); or NCHW x (N, C, H, W),
w (F, C, KH, KW). Output size, per axis: HO = (H + 2*padding - dilation*(KH - 1) - 1) // stride + 1.
"""
import numpy as np

from . import _args

__all__ = [
    "conv2d_forward",
    "conv2d_backward",
    "maxpool2d_forward",
    "maxpool2d_backward",
    "avgpool2d_forward",
    "avgpool2d_backward",
]


# --------------------------------------------------------------------------- convolution


def _conv_setup(x, w, b, stride, padding, dilation):
    """Check the arguments; return them as (N, C, H, W) / (F, C, KH, KW) plus the zero-padded x."""
    a = _args.conv_arguments(x, w, b, stride, padding, dilation)
    x4, w4, stride, padding, dilation = a.x, a.w, a.stride, a.padding, a.dilation

    # Padding: a bigger array of zeros with x copied into its middle.
    n_images, channels, height, width = x4.shape
    pad_r, pad_c = padding
    xpad = np.zeros((n_images, channels, height + 2 * pad_r, width + 2 * pad_c))
    xpad[:, :, pad_r : pad_r + height, pad_c : pad_c + width] = x4
    return (xpad, w4, a.bias, a.per_position, a.b_shape, stride, padding, dilation, a.out_hw,
            a.two_d)


def conv2d_forward(x, w, b, stride=1, padding=0, dilation=1):
    """y = x cross-correlated with w, plus b; one loop per index.

    x : (H, W) or (N, C, H, W);  w : (KH, KW) or (F, C, KH, KW)
    b : scalar or (F,) shared per output channel, or (HO, WO) / (F, HO, WO) one per position
    returns y : (HO, WO) or (N, F, HO, WO), float64 whatever the input's dtype, with
        HO = (H + 2*padding - dilation*(KH - 1) - 1) // stride + 1   (WO likewise)

    The derivation's y11 = w11*x11 + w12*x12 + w21*x21 + w22*x22 + b11, with x = 1..9, w = I, b = 0:

    >>> conv2d_forward([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, 1]], 0)
    array([[ 6.,  8.],
           [12., 14.]])

    One bias per output position (the derivation's b_ij), here b22 = 100:

    >>> conv2d_forward([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, 1]], [[0, 0], [0, 100]])
    array([[  6.,   8.],
           [ 12., 114.]])
    """
    xpad, w4, bias, per_position, _, stride, _, dilation, out_hw, two_d = _conv_setup(
        x, w, b, stride, padding, dilation
    )
    n_images, channels = xpad.shape[:2]
    filters, _, kh, kw = w4.shape
    (s_r, s_c), (d_r, d_c) = stride, dilation
    y = np.zeros((n_images, filters, *out_hw))

    for img in range(n_images):
        for f in range(filters):
            for i in range(out_hw[0]):
                for j in range(out_hw[1]):
                    # y_ij = sum over c, m, n of w_mn * (the input under tap m, n) + b_ij
                    total = 0.0
                    for c in range(channels):
                        for m in range(kh):
                            for n in range(kw):
                                total += w4[f, c, m, n] * xpad[img, c, i * s_r + m * d_r,
                                                               j * s_c + n * d_c]
                    y[img, f, i, j] = total + (bias[f, i, j] if per_position else bias[f])

    return y[0, 0] if two_d else y


def conv2d_backward(dy, x, w, b, stride=1, padding=0, dilation=1):
    """dL/dx, dL/dw, dL/db given dy = dL/dy; one loop per index.

    dy : y's shape, (HO, WO) or (N, F, HO, WO);  returns (float64) dx (x's shape), dw (w's shape),
    db (b's shape). For each output position (i, j), with g = dL/dy_ij:
        add g * w        into dx at the window that produced y_ij  (the derivation's dL/dx),
        add g * window   into dw                                   (the derivation's dL/dw),
        add g            into db_ij (one bias per position) or into the one shared db.
    "Add", because windows overlap: the derivation's x22 is in all four windows.

    >>> dx, dw, db = conv2d_backward([[1, 0], [0, 0]], np.arange(9).reshape(3, 3), [[1, 2], [3, 4]], 0)
    >>> dx        # only y11 has a gradient: dL/dx11 = dL/dy11*w11, dL/dx12 = dL/dy11*w12, ...
    array([[1., 2., 0.],
           [3., 4., 0.],
           [0., 0., 0.]])
    >>> dw        # dL/dw_mn = dL/dy11 * x_mn: the first window
    array([[0., 1.],
           [3., 4.]])
    >>> float(db)
    1.0
    """
    xpad, w4, bias, per_position, b_shape, stride, padding, dilation, out_hw, two_d = _conv_setup(
        x, w, b, stride, padding, dilation
    )
    n_images, channels = xpad.shape[:2]
    filters, _, kh, kw = w4.shape
    (s_r, s_c), (d_r, d_c) = stride, dilation
    y_shape = (n_images, filters, *out_hw)
    dy4 = _args.gradient_like(dy, out_hw if two_d else y_shape)
    if two_d:
        dy4 = dy4[None, None]

    dxpad = np.zeros(xpad.shape)
    dw = np.zeros(w4.shape)
    db = np.zeros(bias.shape)  # (F, HO, WO) one per position, or (F,) shared
    for img in range(n_images):
        for f in range(filters):
            for i in range(out_hw[0]):
                for j in range(out_hw[1]):
                    g = dy4[img, f, i, j]  # dL/dy_ij
                    for c in range(channels):
                        for m in range(kh):
                            for n in range(kw):
                                row, col = i * s_r + m * d_r, j * s_c + n * d_c
                                dxpad[img, c, row, col] += g * w4[f, c, m, n]
                                dw[f, c, m, n] += g * xpad[img, c, row, col]
                    if per_position:
                        db[f, i, j] += g  # dL/db_ij = dL/dy_ij
                    else:
                        db[f] += g  # shared bias: dL/db = sum of every dL/dy_ij

    # Drop the gradient that landed on the padding zeros: they are not inputs.
    pad_r, pad_c = padding
    height, width = xpad.shape[2] - 2 * pad_r, xpad.shape[3] - 2 * pad_c
    dx = dxpad[:, :, pad_r : pad_r + height, pad_c : pad_c + width]

    if b_shape == ():
        db = db.sum()  # one scalar bias shared by every filter
    else:
        db = db.reshape(b_shape)
    if two_d:
        return dx[0, 0], dw[0, 0], db
    return dx, dw, db


# --------------------------------------------------------------------------- max pooling


def _pool_setup(x, size, stride, kind="max"):
    """Check the arguments; return x as (N, C, H, W), whether it came 2-D, size, stride, (HO, WO)."""
    a = _args.pool_arguments(x, size, stride, kind)
    two_d = a.x.ndim == 2
    return (a.x[None, None] if two_d else a.x), two_d, a.size, a.stride, a.out_hw


def _window_mask(window, ties):
    """The derivation's mask M_k: zeros the size of the window, 1 where its maximum sits.

    ties (a window holding its maximum more than once):
        "first" -> 1 at the first maximum in row-major order (PyTorch's choice);
        "all"   -> 1 at every tied maximum (the gradient is counted several times);
        "split" -> 1/t at each of the t tied maxima.

    >>> _window_mask(np.array([[3., 1.], [0., 3.]]), "split")
    array([[0.5, 0. ],
           [0. , 0.5]])
    """
    rows, cols = window.shape
    biggest = window.max()
    at_max = [(m, n) for m in range(rows) for n in range(cols) if window[m, n] == biggest]
    mask = np.zeros(window.shape)
    if ties == "first":
        mask[at_max[0]] = 1.0
    else:
        for position in at_max:
            mask[position] = 1.0 if ties == "all" else 1.0 / len(at_max)
    return mask


def maxpool2d_forward(x, size=2, stride=1):
    """y_ij = max of window X'_k; one loop per index.

    x : (H, W) or (N, C, H, W);  size, stride : int or (rows, cols)
    returns y : (HO, WO) or (N, C, HO, WO), float64 whatever x's dtype,
    with HO = (H - size) // stride + 1 (WO likewise).

    The derivation's windows X'1 = [[x11, x12], [x21, x22]], ... (2x2, stride 1, overlapping):

    >>> maxpool2d_forward([[1, 5, 2], [4, 3, 9], [0, 8, 6]])
    array([[5., 9.],
           [8., 9.]])
    """
    x4, two_d, (kh, kw), (s_r, s_c), out_hw = _pool_setup(x, size, stride)
    n_images, channels = x4.shape[:2]
    y = np.zeros((n_images, channels, *out_hw))
    for img in range(n_images):
        for c in range(channels):
            for i in range(out_hw[0]):
                for j in range(out_hw[1]):
                    window = x4[img, c, i * s_r : i * s_r + kh, j * s_c : j * s_c + kw]
                    y[img, c, i, j] = window.max()
    return y[0, 0] if two_d else y


def maxpool2d_backward(dy, x, size=2, stride=1, ties="first"):
    """dL/dx of max pooling given dy = dL/dy, the derivation's recipe as loops.

    Start dx at zero; for every output y_ij: take its window X'_k and mask M_k, and ADD the
    local gradient dL/dy_ij * M_k into dx at the window's place (windows overlap).
    dy : y's shape;  returns dx : x's shape, float64;  ties : "first", "all" or "split" (see
    ``_window_mask``).

    x22 = 9 is the max of all four windows, so it collects every dL/dy_ij:

    >>> maxpool2d_backward([[1, 2], [3, 4]], [[1, 2, 3], [4, 9, 6], [7, 8, 5]])
    array([[ 0.,  0.,  0.],
           [ 0., 10.,  0.],
           [ 0.,  0.,  0.]])
    """
    x4, two_d, (kh, kw), (s_r, s_c), out_hw = _pool_setup(x, size, stride)
    n_images, channels = x4.shape[:2]
    dy4 = _args.gradient_like(dy, out_hw if two_d else (n_images, channels, *out_hw))
    if two_d:
        dy4 = dy4[None, None]
    ties = _args.ties_policy(ties)

    dx = np.zeros(x4.shape)
    for img in range(n_images):
        for c in range(channels):
            for i in range(out_hw[0]):
                for j in range(out_hw[1]):
                    rows = slice(i * s_r, i * s_r + kh)
                    cols = slice(j * s_c, j * s_c + kw)
                    mask = _window_mask(x4[img, c, rows, cols], ties)  # M_k of window X'_k
                    dx[img, c, rows, cols] += dy4[img, c, i, j] * mask  # ADD, never overwrite
    return dx[0, 0] if two_d else dx


# --------------------------------------------------------------------------- average pooling


def avgpool2d_forward(x, size=2, stride=1):
    """y_ij = mean of window X'_k; one loop per index.

    x : (H, W) or (N, C, H, W);  size, stride : int or (rows, cols)
    returns y : (HO, WO) or (N, C, HO, WO), float64 whatever x's dtype,
    with HO = (H - size) // stride + 1 (WO likewise).

    The derivation's windows, averaged: y11 = (x11 + x12 + x21 + x22) / 4, ...

    >>> avgpool2d_forward([[1, 5, 2], [4, 3, 9], [0, 8, 6]])
    array([[3.25, 4.75],
           [3.75, 6.5 ]])
    """
    x4, two_d, (kh, kw), (s_r, s_c), out_hw = _pool_setup(x, size, stride, "average")
    n_images, channels = x4.shape[:2]
    y = np.zeros((n_images, channels, *out_hw))
    for img in range(n_images):
        for c in range(channels):
            for i in range(out_hw[0]):
                for j in range(out_hw[1]):
                    total = 0.0
                    for m in range(kh):
                        for n in range(kw):
                            total += x4[img, c, i * s_r + m, j * s_c + n]
                    y[img, c, i, j] = total / (kh * kw)  # y_ij = sum of the window / size^2
    return y[0, 0] if two_d else y


def avgpool2d_backward(dy, x, size=2, stride=1):
    """dL/dx of average pooling given dy = dL/dy, as loops.

    Every cell of window X'_k took part in y_ij with weight 1 / size^2, so start dx at zero
    and, for every output y_ij, ADD dL/dy_ij / size^2 into each cell of its window
    (windows overlap). dy : y's shape;  returns dx : x's shape, float64.

    x22 lies in all four of the derivation's windows, so it collects (sum of every dL/dy_ij) / 4:

    >>> avgpool2d_backward([[1, 2], [3, 4]], [[1, 2, 3], [4, 9, 6], [7, 8, 5]])
    array([[0.25, 0.75, 0.5 ],
           [1.  , 2.5 , 1.5 ],
           [0.75, 1.75, 1.  ]])
    """
    x4, two_d, (kh, kw), (s_r, s_c), out_hw = _pool_setup(x, size, stride, "average")
    n_images, channels = x4.shape[:2]
    dy4 = _args.gradient_like(dy, out_hw if two_d else (n_images, channels, *out_hw))
    if two_d:
        dy4 = dy4[None, None]

    dx = np.zeros(x4.shape)
    for img in range(n_images):
        for c in range(channels):
            for i in range(out_hw[0]):
                for j in range(out_hw[1]):
                    share = dy4[img, c, i, j] / (kh * kw)  # dL/dy_ij / size^2
                    for m in range(kh):
                        for n in range(kw):
                            dx[img, c, i * s_r + m, j * s_c + n] += share  # ADD, never overwrite
    return dx[0, 0] if two_d else dx
