"""Convolution, max-pooling and average-pooling layers, forward and backward, in vectorized numpy.

Each backward pass sits right below its forward pass. Two layouts are accepted:

* the derivation's case, one image, one channel, one kernel: x (H, W), w (KH, KW), y (HO, WO);
* the general case, NCHW: x (N, C, H, W), w (F, C, KH, KW), y (N, F, HO, WO).

Output size, per axis:  HO = (H + 2*padding - dilation*(KH - 1) - 1) // stride + 1.

"Convolution" is cross-correlation (the kernel is not flipped), as in the derivation and in every
deep-learning framework. No Python loop runs over output positions: the windows come from
``numpy.lib.stride_tricks.sliding_window_view`` and are contracted with ``einsum``; the
backward scatter loops only over the KH*KW kernel taps.

Inputs of any real dtype (int, float16, float32, ...) are computed and returned in float64.
Bad input gets a ValueError or TypeError naming the argument, in the notebook's language; work
of more than ``_args.MAX_NUMBERS`` (2**25) numbers in one array is refused before anything is
allocated.

This module imports numpy and nothing else of ours but the argument checks (which take their
messages from the catalog of words, a pure-Python data module).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import _args

__all__ = [
    "conv2d_forward",
    "conv2d_backward",
    "maxpool2d_forward",
    "maxpool2d_backward",
    "maxpool2d_masks",
    "avgpool2d_forward",
    "avgpool2d_backward",
    "output_size",
]


def output_size(size, kernel, stride=1, padding=0, dilation=1):
    """Output (HO, WO) of a window ``kernel`` sliding over an input of ``size`` (H, W).

    HO = (H + 2*padding - dilation*(KH - 1) - 1) // stride + 1, and WO likewise.
    Raises ValueError when the (dilated) window is larger than the padded input.

    >>> output_size((3, 3), (2, 2))
    (2, 2)
    >>> output_size((32, 32), 3, stride=2, padding=1)
    (16, 16)
    """
    return _args.output_shape(
        _args.pair(size, "size", 1),
        _args.pair(kernel, "kernel", 1),
        _args.pair(stride, "stride", 1),
        _args.pair(padding, "padding", 0),
        _args.pair(dilation, "dilation", 1),
    )


def _windows(x, kernel, stride, dilation):
    """All windows of x (..., H, W) as a view (..., HO, WO, KH, KW), no copy."""
    span = _args.window_span(kernel, dilation)
    view = sliding_window_view(x, span, axis=(-2, -1))
    return view[..., :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]


def _scatter_add(patches, size, stride, dilation):
    """Inverse of ``_windows``: ADD patches (..., HO, WO, KH, KW) into a zero (..., H, W).

    Where windows overlap, their contributions accumulate. Loops over the KH*KW taps only.
    """
    *lead, ho, wo, kh, kw = patches.shape
    out = np.zeros((*lead, *size))
    for m in range(kh):
        for n in range(kw):
            r0, c0 = m * dilation[0], n * dilation[1]
            out[..., r0 : r0 + stride[0] * (ho - 1) + 1 : stride[0],
                c0 : c0 + stride[1] * (wo - 1) + 1 : stride[1]] += patches[..., m, n]
    return out


def _conv_setup(x, w, b, stride, padding, dilation):
    """The checked arguments and x zero-padded: (args, xpad (N, C, H + 2p, W + 2p))."""
    args = _args.conv_arguments(x, w, b, stride, padding, dilation)
    (pr, pc) = args.padding
    return args, np.pad(args.x, ((0, 0), (0, 0), (pr, pr), (pc, pc)))


def conv2d_forward(x, w, b, stride=1, padding=0, dilation=1):
    """Cross-correlate x with w and add b (what frameworks call convolution).

    x : (H, W) or (N, C, H, W);  w : (KH, KW) or (F, C, KH, KW)
    b : scalar or (F,) shared per output channel, or (HO, WO) / (F, HO, WO) one per output
        position (the derivation's b_ij)
    stride, padding (zeros), dilation : int or (rows, cols)
    returns y : (HO, WO) or (N, F, HO, WO), float64, with
        HO = (H + 2*padding - dilation*(KH - 1) - 1) // stride + 1   (WO likewise)

    y[n, f, i, j] = sum_{c, m, k} w[f, c, m, k] * xpad[n, c, i*stride + m*dilation,
                                                         j*stride + k*dilation] + b

    >>> conv2d_forward(np.arange(9.).reshape(3, 3), np.eye(2), 0.0)
    array([[ 4.,  6.],
           [10., 12.]])
    >>> conv2d_forward([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, 1]], [[0, 0], [0, 100]])
    array([[  6.,   8.],
           [ 12., 114.]])
    """
    a, xp = _conv_setup(x, w, b, stride, padding, dilation)
    windows = _windows(xp, a.w.shape[2:], a.stride, a.dilation)  # (N, C, HO, WO, KH, KW)
    y = np.einsum("nchwkl,fckl->nfhw", windows, a.w, optimize=True)
    y += a.bias if a.per_position else a.bias[:, None, None]
    return y[0, 0] if a.two_d else y


def conv2d_backward(dy, x, w, b, stride=1, padding=0, dilation=1):
    """Gradients of the loss w.r.t. x, w and b, given dy = dL/dy.

    dy : same shape as y = conv2d_forward(x, w, b, ...): (HO, WO) or (N, F, HO, WO)
    returns dx (x's shape), dw (w's shape), db (b's shape), float64 whatever the input's dtype:
        dx : each window of x receives dL/dy_ij * w, added up where windows overlap
             (equivalently the full convolution of dy with w rotated by 180 degrees);
        dw : sum over output positions of dL/dy_ij * (window ij of x)
             (equivalently x cross-correlated with dy);
        db : dL/dy itself (summed over the batch) for one bias per position,
             sum of dL/dy over every position (and batch) for a shared bias.

    >>> dx, dw, db = conv2d_backward(np.ones((2, 2)), np.arange(9.).reshape(3, 3), np.eye(2), 0.0)
    >>> dx
    array([[1., 1., 0.],
           [1., 2., 1.],
           [0., 1., 1.]])
    >>> dw
    array([[ 8., 12.],
           [20., 24.]])
    >>> float(db)
    4.0
    """
    a, xp = _conv_setup(x, w, b, stride, padding, dilation)
    windows = _windows(xp, a.w.shape[2:], a.stride, a.dilation)  # (N, C, HO, WO, KH, KW)
    y_shape = (xp.shape[0], a.w.shape[0], *a.out_hw)
    dy4 = _args.gradient_like(dy, a.out_hw if a.two_d else y_shape)
    if a.two_d:
        dy4 = dy4[None, None]

    dw = np.einsum("nfhw,nchwkl->fckl", dy4, windows, optimize=True)
    patches = np.einsum("nfhw,fckl->nchwkl", dy4, a.w, optimize=True)
    dxp = _scatter_add(patches, xp.shape[2:], a.stride, a.dilation)
    (pr, pc) = a.padding
    dx = dxp[:, :, pr : dxp.shape[2] - pr, pc : dxp.shape[3] - pc]

    if a.per_position:
        db = dy4.sum(axis=0)  # (F, HO, WO)
    else:
        db = dy4.sum(axis=(0, 2, 3))  # (F,)
    db = db.sum() if a.b_shape == () else db.reshape(a.b_shape)

    if a.two_d:
        return dx[0, 0], dw[0, 0], db
    return dx, dw, db


def maxpool2d_forward(x, size=2, stride=1):
    """Max over each size x size window, per channel.

    x : (H, W) or (N, C, H, W);  size, stride : int or (rows, cols)
    returns y : (HO, WO) or (N, C, HO, WO), float64 whatever x's dtype, with
        HO = (H - size) // stride + 1 (WO likewise).
    Windows overlap when stride < size (the derivation's case: 2x2 windows, stride 1).

    >>> maxpool2d_forward([[1, 5, 2], [4, 3, 9], [0, 8, 6]])
    array([[5., 9.],
           [8., 9.]])
    """
    a = _args.pool_arguments(x, size, stride)
    return _window_max(a.x, a.size, a.stride)[0]


def _tap(x, m, n, stride, out_hw):
    """x[..., i*stride + m, j*stride + n] for every output position (i, j): a strided view."""
    return x[..., m : m + stride[0] * (out_hw[0] - 1) + 1 : stride[0],
             n : n + stride[1] * (out_hw[1] - 1) + 1 : stride[1]]


def _window_max(x, size, stride):
    """The max of every window (..., HO, WO) and where it first sits in the window
    (row-major index m * KW + n), found tap by tap: KH*KW passes over whole arrays."""
    out_hw = _args.output_shape(x.shape[-2:], size, stride)
    best = _tap(x, 0, 0, stride, out_hw).copy()
    first = np.zeros(best.shape, dtype=np.int16 if size[0] * size[1] < 2**15 else np.intp)
    for m in range(size[0]):
        for n in range(size[1]):
            if m == n == 0:
                continue
            value = _tap(x, m, n, stride, out_hw)
            larger = value > best  # strictly: a tie keeps the earlier position
            np.maximum(best, value, out=best)
            first = np.where(larger, m * size[1] + n, first)
    return best, first


def maxpool2d_masks(x, size=2, stride=1, ties="first"):
    """The mask M_k of every window: (..., HO, WO, KH, KW), float64, 1 where the window's max sits.

    ties : "first" -> 1 at the first maximum in row-major order (PyTorch's choice);
           "all"   -> 1 at every tied maximum (sums to the number of ties: over-counts);
           "split" -> 1/t at each of the t tied maxima (sums to 1).

    >>> maxpool2d_masks([[3, 1], [0, 3]], ties="split")[0, 0]
    array([[0.5, 0. ],
           [0. , 0.5]])
    >>> maxpool2d_masks([[3, 1], [0, 3]], ties="first")[0, 0]
    array([[1., 0.],
           [0., 0.]])
    """
    a = _args.pool_arguments(x, size, stride)
    ties = _args.ties_policy(ties)
    windows = _windows(a.x, a.size, a.stride, (1, 1))
    flat = windows.reshape(*windows.shape[:-2], -1)
    if ties == "first":
        first = flat.argmax(axis=-1)
        mask = np.zeros(flat.shape)
        np.put_along_axis(mask, first[..., None], 1.0, axis=-1)
    else:
        mask = (flat == flat.max(axis=-1, keepdims=True)).astype(np.float64)
        if ties == "split":
            mask /= mask.sum(axis=-1, keepdims=True)
    return mask.reshape(windows.shape)


def maxpool2d_backward(dy, x, size=2, stride=1, ties="first"):
    """dL/dx of max pooling, given dy = dL/dy of y's shape.

    For every output y_ij: local gradient dL/dy_ij * M_k, ADDED into dx at window k's place
    (overlapping windows accumulate: in the derivation's case x22 lies in all four windows).
    returns dx : x's shape, float64 whatever the input's dtype.  ties: see ``maxpool2d_masks``.

    >>> maxpool2d_backward(np.ones((2, 2)), [[1, 5, 2], [4, 3, 9], [0, 8, 6]])
    array([[0., 1., 0.],
           [0., 0., 2.],
           [0., 1., 0.]])
    """
    a = _args.pool_arguments(x, size, stride)
    dy = _args.gradient_like(dy, (*a.x.shape[:-2], *a.out_hw))
    if _args.ties_policy(ties) != "first":
        masks = maxpool2d_masks(a.x, a.size, a.stride, ties)
        return _scatter_add(dy[..., None, None] * masks, a.x.shape[-2:], a.stride, (1, 1))
    # Each window sends its whole gradient to one input: add dL/dy_ij at that input's index.
    _, first = _window_max(a.x, a.size, a.stride)
    h, w = a.x.shape[-2:]
    first = first.astype(np.intp)
    rows = np.arange(a.out_hw[0])[:, None] * a.stride[0] + first // a.size[1]
    cols = np.arange(a.out_hw[1])[None, :] * a.stride[1] + first % a.size[1]
    planes = np.arange(first.size // (a.out_hw[0] * a.out_hw[1])).reshape(*first.shape[:-2], 1, 1)
    where = (planes * (h * w) + rows * w + cols).ravel()  # index into x, flattened
    dx = np.bincount(where, weights=dy.ravel(), minlength=a.x.size)
    return dx.reshape(a.x.shape)


def avgpool2d_forward(x, size=2, stride=1):
    """Mean over each size x size window, per channel.

    x : (H, W) or (N, C, H, W);  size, stride : int or (rows, cols)
    returns y : (HO, WO) or (N, C, HO, WO), float64 whatever x's dtype, with
        HO = (H - size) // stride + 1 (WO likewise), and
        y[..., i, j] = sum_{m, n} x[..., i*stride + m, j*stride + n] / (KH * KW).
    Windows overlap when stride < size (the derivation's case: 2x2 windows, stride 1).
    The arguments are checked as for ``maxpool2d_forward`` (NaN in x is refused too, with
    its own reason).

    >>> avgpool2d_forward([[1, 5, 2], [4, 3, 9], [0, 8, 6]])
    array([[3.25, 4.75],
           [3.75, 6.5 ]])
    """
    a = _args.pool_arguments(x, size, stride, kind="average")
    windows = _windows(a.x, a.size, a.stride, (1, 1))  # (..., HO, WO, KH, KW), a view
    return windows.sum(axis=(-2, -1)) / (a.size[0] * a.size[1])


def avgpool2d_backward(dy, x, size=2, stride=1):
    """dL/dx of average pooling, given dy = dL/dy of y's shape.

    Every input of window ij gets dL/dy_ij / (KH * KW), ADDED into dx at the window's place
    (overlapping windows accumulate: in the derivation's case x22 lies in all four windows).
    dx does not depend on x's values, only on its shape; x is still checked as in the forward.
    returns dx : x's shape, float64 whatever the input's dtype.

    >>> avgpool2d_backward(np.ones((2, 2)), [[1, 5, 2], [4, 3, 9], [0, 8, 6]])
    array([[0.25, 0.5 , 0.25],
           [0.5 , 1.  , 0.5 ],
           [0.25, 0.5 , 0.25]])
    """
    a = _args.pool_arguments(x, size, stride, kind="average")
    dy = _args.gradient_like(dy, (*a.x.shape[:-2], *a.out_hw))
    share = dy / (a.size[0] * a.size[1])  # what each cell of window ij receives
    patches = np.broadcast_to(share[..., None, None], (*share.shape, *a.size))  # no copy
    return _scatter_add(patches, a.x.shape[-2:], a.stride, (1, 1))
