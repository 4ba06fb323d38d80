"""Where the windows of a convolution land, and the pieces notebook 06 sets side by side.

Numpy only. Nothing here is a new layer: the sizes come from ``ops.output_size``, the window
positions from ``steps.window_coordinates``, the numbers from ``ops.conv2d_forward`` /
``ops.conv2d_backward``, ``steps.conv_backward_steps`` and ``cnnviz.matrix_form``. What this
module adds is bookkeeping a picture needs: the terms of the output-size formula, which
cells of the padded input every window reads, the output of a multi-channel convolution
taken apart channel by channel, and the backward pass of a padded convolution seen on the
padded grid.

Per axis, with input size H, kernel K, padding p, stride s, dilation d:

    span = d*(K - 1) + 1                       input cells one window covers
    HO   = (H + 2p - d*(K - 1) - 1) // s + 1   = (H + 2p - span) // s + 1

>>> a = axis_arithmetic(5, 3, stride=2, padding=1)
>>> (a.padded, a.span, a.numerator, a.out, a.leftover)
(7, 3, 4, 3, 0)
>>> axis_arithmetic(6, 3, stride=2).leftover   # the last row of 6 is never read
1
"""
from dataclasses import dataclass

import numpy as np

from ..layers import _args
from . import matrix_form
from ..layers import ops
from ..layers import steps
from ..words import say

__all__ = [
    "AxisArithmetic",
    "Window",
    "WindowLayout",
    "ChannelSum",
    "InputGradTwoWays",
    "axis_arithmetic",
    "window_layout",
    "channel_sum",
    "padded_backward_steps",
    "input_grad_two_ways",
]


# ---------------------------------------------------------------------------------------
# Output size, one axis at a time
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AxisArithmetic:
    """The output-size formula along one axis, every term kept (for a picture or a formula).

    size, kernel, stride, padding, dilation : the settings (H, K, s, p, d)
    padded    : H + 2p, the padded input
    span      : d*(K - 1) + 1, how many input cells one window covers
    numerator : H + 2p - d*(K - 1) - 1 = padded - span (negative: no window fits)
    quotient  : numerator // s, how many strides a window can take after the first position
    out       : quotient + 1 (0 or less: no window fits)
    reached   : (out - 1)*s + span, cells of the padded input the windows reach (from the start)
    leftover  : padded - reached = numerator % s, cells at the end no window reads
    fits      : whether at least one window fits (span <= padded)
    """

    size: int
    kernel: int
    stride: int
    padding: int
    dilation: int
    padded: int
    span: int
    numerator: int
    quotient: int
    out: int
    reached: int
    leftover: int
    fits: bool


def axis_arithmetic(size, kernel, stride=1, padding=0, dilation=1):
    """Every term of HO = (H + 2p - d(K-1) - 1) // s + 1 along one axis; never raises for a
    window that does not fit (``fits`` is False), so a view can show why.

    >>> a = axis_arithmetic(3, 5)
    >>> (a.numerator, a.out, a.fits)
    (-2, -1, False)
    """
    (size, kernel) = (_args.pair(size, "size", 1)[0], _args.pair(kernel, "kernel", 1)[0])
    stride = _args.pair(stride, "stride", 1)[0]
    padding = _args.pair(padding, "padding", 0)[0]
    dilation = _args.pair(dilation, "dilation", 1)[0]
    padded = size + 2 * padding
    span = _args.window_span((kernel,), (dilation,))[0]
    numerator = size + 2 * padding - dilation * (kernel - 1) - 1
    quotient = numerator // stride
    out = quotient + 1
    fits = span <= padded
    reached = (out - 1) * stride + span if fits else 0
    return AxisArithmetic(size, kernel, stride, padding, dilation, padded, span, numerator,
                          quotient, out, reached, padded - reached if fits else 0, fits)


# ---------------------------------------------------------------------------------------
# Where every window lands
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Window:
    """Window k (1-based, row-major) of output y_ij (i, j 0-based).

    rows (KH,), cols (KW,) : 0-based coordinates in the PADDED input (0 .. H + 2p - 1)
    """

    k: int
    i: int
    j: int
    rows: np.ndarray
    cols: np.ndarray

    def cells(self):
        """{(r, c) in the padded input: (m, n) the kernel tap that reads it}."""
        return {(int(r), int(c)): (m, n) for m, r in enumerate(self.rows)
                for n, c in enumerate(self.cols)}


@dataclass(frozen=True, eq=False)
class WindowLayout:
    """All the windows of a convolution over a padded input (no values, only places).

    size (H, W), kernel (KH, KW), stride, padding, dilation : (rows, cols) pairs
    rows, cols : the AxisArithmetic of each axis
    padded_shape : (H + 2p, W + 2p);  out_shape : (HO, WO)
    windows : tuple of Window, one per output, row-major (k = 1 .. HO*WO)
    coverage : (H + 2p, W + 2p) int -- how many windows read each padded cell
    in_padding : (H + 2p, W + 2p) bool -- True on the zero padding
    anchors : {(r, c): k} -- the padded cell where window k's first tap w11 sits
    """

    size: tuple
    kernel: tuple
    stride: tuple
    padding: tuple
    dilation: tuple
    rows: AxisArithmetic
    cols: AxisArithmetic
    padded_shape: tuple
    out_shape: tuple
    windows: tuple
    coverage: np.ndarray
    in_padding: np.ndarray
    anchors: dict

    @property
    def unread(self):
        """(H + 2p, W + 2p) bool: cells of the input itself (not padding) no window reads."""
        return (self.coverage == 0) & ~self.in_padding


def window_layout(size, kernel, stride=1, padding=0, dilation=1):
    """Where every window of a convolution lands on the zero-padded input.

    size (H, W), kernel, stride, padding, dilation : int or (rows, cols), checked by
    ``ops.output_size`` (a ValueError names a kernel larger than the padded input).

    >>> lay = window_layout((5, 5), 3, stride=2, padding=1)
    >>> lay.out_shape, lay.padded_shape, len(lay.windows)
    ((3, 3), (7, 7), 9)
    >>> lay.windows[1].rows.tolist(), lay.windows[1].cols.tolist()
    ([0, 1, 2], [2, 3, 4])
    >>> lay.coverage[:3]
    array([[1, 1, 2, 1, 2, 1, 1],
           [1, 1, 2, 1, 2, 1, 1],
           [2, 2, 4, 2, 4, 2, 2]])
    >>> window_layout((3, 3), 5)
    Traceback (most recent call last):
    ...
    ValueError: kernel 5x5 spans 5x5, larger than the padded input 3x3 (input 3x3, padding (0, 0))
    """
    size = _args.pair(size, "size", 1)
    kernel = _args.pair(kernel, "kernel", 1)
    stride = _args.pair(stride, "stride", 1)
    padding = _args.pair(padding, "padding", 0)
    dilation = _args.pair(dilation, "dilation", 1)
    out_shape = ops.output_size(size, kernel, stride, padding, dilation)
    padded_shape = (size[0] + 2 * padding[0], size[1] + 2 * padding[1])
    coverage = np.zeros(padded_shape, dtype=int)
    windows, anchors = [], {}
    for i in range(out_shape[0]):
        for j in range(out_shape[1]):
            rows, cols = steps.window_coordinates(i, j, kernel, stride, padding, dilation)
            rows, cols = rows + padding[0], cols + padding[1]
            k = i * out_shape[1] + j + 1
            windows.append(Window(k, i, j, rows, cols))
            coverage[np.ix_(rows, cols)] += 1
            anchors[(int(rows[0]), int(cols[0]))] = k
    in_padding = np.ones(padded_shape, dtype=bool)
    in_padding[padding[0]:padding[0] + size[0], padding[1]:padding[1] + size[1]] = False
    return WindowLayout(
        size, kernel, stride, padding, dilation,
        axis_arithmetic(size[0], kernel[0], stride[0], padding[0], dilation[0]),
        axis_arithmetic(size[1], kernel[1], stride[1], padding[1], dilation[1]),
        padded_shape, out_shape, tuple(windows), coverage, in_padding, anchors,
    )


# ---------------------------------------------------------------------------------------
# Several input channels: one output map, taken apart
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ChannelSum:
    """Output channel f of image n, as the sum it is.

    maps : (C, HO, WO) -- X[n, c] cross-correlated with W[f, c], no bias, for every c
    bias : float -- b[f]
    y : (HO, WO) -- Y[n, f] from the 4-D op; equals maps.sum(0) + bias
    all_y : (N, F, HO, WO) -- the 4-D op's whole output
    """

    maps: np.ndarray
    bias: float
    y: np.ndarray
    all_y: np.ndarray


def channel_sum(x, w, b, n=0, f=0, stride=1, padding=0, dilation=1):
    """Y[n, f] of a multi-channel convolution and the per-channel maps it adds up.

    x (N, C, H, W), w (F, C, KH, KW), b (F,) or a scalar; n, f 0-based.
    The maps are ``ops.conv2d_forward`` on one channel at a time (the op itself, 2-D);
    ``y`` and ``all_y`` are ``ops.conv2d_forward`` on the 4-D arrays.

    >>> x = np.arange(2 * 9.).reshape(1, 2, 3, 3)
    >>> w = np.ones((1, 2, 2, 2))
    >>> s = channel_sum(x, w, [1.0])
    >>> s.maps[0], s.maps[1]
    (array([[ 8., 12.],
           [20., 24.]]), array([[44., 48.],
           [56., 60.]]))
    >>> s.y
    array([[53., 61.],
           [77., 85.]])
    """
    x = _args.as_array(x, "x")
    w = _args.as_array(w, "w")
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(say("geometry.channel_shapes", x_shape=x.shape, w_shape=w.shape))
    all_y = ops.conv2d_forward(x, w, b, stride, padding, dilation)
    if not (0 <= n < x.shape[0] and 0 <= f < w.shape[0]):
        raise ValueError(say("geometry.channel_index", n=n, f=f, images=x.shape[0],
                             channels=w.shape[0]))
    maps = np.stack([ops.conv2d_forward(x[n, c], w[f, c], 0.0, stride, padding, dilation)
                     for c in range(x.shape[1])])
    bias = float(np.broadcast_to(_args.as_array(b, "b"), (w.shape[0],))[f])
    return ChannelSum(maps, bias, all_y[n, f], all_y)


# ---------------------------------------------------------------------------------------
# The backward pass of a strided, padded convolution
# ---------------------------------------------------------------------------------------
def padded_backward_steps(dy, x, w, stride=1, padding=0):
    """``steps.conv_backward_steps`` run on the zero-padded x (padding 0 there), one image.

    The same windows as the padded convolution, but the taps that fall in the padding keep
    their gradient: ``dX`` is (H + 2p, W + 2p), its border the gradient of the padding zeros
    (thrown away by the layer), its inside the layer's dL/dX. Bias shared, 0.

    >>> s = padded_backward_steps(np.ones((1, 1)), np.zeros((1, 1)), np.eye(3), padding=1)
    >>> s[-1].dX
    array([[1., 0., 0.],
           [0., 1., 0.],
           [0., 0., 1.]])
    """
    x = _args.as_array(x, "x")
    (pr, pc) = _args.pair(padding, "padding", 0)
    if x.ndim != 2:
        raise ValueError(say("geometry.x_2d", shape=x.shape))
    return steps.conv_backward_steps(dy, np.pad(x, ((pr, pr), (pc, pc))), w, 0.0, stride, 0)


@dataclass(frozen=True, eq=False)
class InputGradTwoWays:
    """dL/dX of a strided, padded convolution, by the backward pass and as a full convolution.

    spread : dL/dY with stride-1 zeros inserted between its entries
    padded : spread, bordered with KH-1 / KW-1 zeros (``matrix_form.full_padding``)
    rotated : W rotated by 180 degrees
    full : (H + 2p, W + 2p) -- padded cross-correlated with rotated, on the padded input's
        grid (cells no window reached stay 0); its border is the padding's gradient
    dx_full : full without its border: ``matrix_form.input_grad_as_full_convolution``
    dx_backward : ``ops.conv2d_backward``'s dL/dX
    agree : np.allclose(dx_full, dx_backward)
    """

    spread: np.ndarray
    padded: np.ndarray
    rotated: np.ndarray
    full: np.ndarray
    dx_full: np.ndarray
    dx_backward: np.ndarray
    agree: bool


def input_grad_two_ways(dy, x, w, stride=1, padding=0):
    """dL/dX two ways for x (H, W), w (KH, KW), dy (HO, WO); see ``InputGradTwoWays``.

    >>> rng = np.random.default_rng(0)
    >>> x, w, dy = rng.normal(size=(5, 5)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    >>> t = input_grad_two_ways(dy, x, w, stride=2, padding=1)
    >>> t.spread.shape, t.padded.shape, t.full.shape, t.agree
    ((5, 5), (9, 9), (7, 7), True)
    """
    x = _args.as_array(x, "x")
    w = _args.as_array(w, "w")
    (pr, pc) = _args.pair(padding, "padding", 0)
    dx_backward = ops.conv2d_backward(dy, x, w, 0.0, stride, padding)[0]
    padded = matrix_form.full_padding(dy, w.shape, stride)
    rotated = matrix_form.rotate180(w)
    reached = ops.conv2d_forward(padded, rotated, 0.0)
    full = np.zeros((x.shape[0] + 2 * pr, x.shape[1] + 2 * pc))
    full[:reached.shape[0], :reached.shape[1]] = reached
    dx_full = matrix_form.input_grad_as_full_convolution(dy, w, x.shape, stride, padding)
    return InputGradTwoWays(matrix_form.insert_zeros(dy, stride), padded, rotated, full,
                            dx_full, dx_backward, bool(np.allclose(dx_full, dx_backward)))
