"""Step-by-step traces of the 2-D layers, one step per output position, as plain data.

Each function returns a list of frozen records, one per output y_ij in row-major order
(y11, y12, ..., as the seed lists them). A record says which window was used, what was
computed there, and the running totals after this step, so an animation only has to show
``steps[t]``. The last record's running totals equal what ``cnnviz.ops`` computes.

Index conventions (the same in every record):

* ``i, j`` are 0-based output positions (``y[i, j]``); ``k = i*WO + j + 1`` is the seed's
  1-based window number (X'1 ... X'4 in the seed's case).
* ``rows`` (KH,) and ``cols`` (KW,) are 0-based coordinates in the ORIGINAL, unpadded x;
  with padding some are negative or >= H (W): those taps read the zero padding, marked in
  ``in_padding`` (KH, KW).
* ``window`` (KH, KW) holds the values the window reads (0 in the padding).
* Arrays in the records are read-only copies; every record owns its running totals.

Only one image and one channel: x (H, W), w (KH, KW). The window positions are

    rows[m] = i*stride - padding + m*dilation,   cols[n] = j*stride - padding + n*dilation
    HO = (H + 2*padding - dilation*(KH - 1) - 1) // stride + 1   (WO likewise)

Imports numpy and cnnviz's own numpy modules only.
"""
from dataclasses import dataclass

import numpy as np

from . import _args, ops

__all__ = [
    "WindowStep",
    "ConvForwardStep",
    "ConvBackwardStep",
    "PoolForwardStep",
    "PoolBackwardStep",
    "window_coordinates",
    "conv_forward_steps",
    "conv_backward_steps",
    "pool_forward_steps",
    "pool_backward_steps",
]


# ---------------------------------------------------------------------------------------
# The records
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class WindowStep:
    """What every step shares: which window (see the module docstring for the indices).

    k : int, 1-based window number;  i, j : int, 0-based output position
    rows : (KH,) int, cols : (KW,) int -- coordinates in the original x
    in_padding : (KH, KW) bool -- True where the window reads the zero padding
    window : (KH, KW) float -- the values read (X'_k in the seed)
    """

    k: int
    i: int
    j: int
    rows: np.ndarray
    cols: np.ndarray
    in_padding: np.ndarray
    window: np.ndarray


@dataclass(frozen=True, eq=False)
class ConvForwardStep(WindowStep):
    """One output y_ij of a convolution (fields of ``WindowStep`` plus):

    products : (KH, KW) -- w * window, element by element
    weighted_sum : float -- products.sum()
    bias : float -- the bias added here: b_ij (one per position) or the shared b
    y : float -- y_ij = weighted_sum + bias
    Y : (HO, WO) -- the output so far; NaN where not yet computed
    """

    products: np.ndarray
    weighted_sum: float
    bias: float
    y: float
    Y: np.ndarray


@dataclass(frozen=True, eq=False)
class ConvBackwardStep(WindowStep):
    """What output y_ij sends back (fields of ``WindowStep`` plus):

    grad : float -- dL/dy_ij
    dx_add : (H, W) -- dL/dy_ij * w placed on the window (taps in the padding dropped)
    dw_add : (KH, KW) -- dL/dy_ij * window
    db_add : float (shared bias) or (HO, WO) (one per position, dL/dy_ij at (i, j))
    dX : (H, W), dW : (KH, KW), db : float or (HO, WO) -- running totals, this step included
    coverage : (H, W) int -- how many windows so far have read each x cell
    coverage_total : (H, W) int -- the same count over all windows (how many terms
        dL/dx_rc has in the end)
    """

    grad: float
    dx_add: np.ndarray
    dw_add: np.ndarray
    db_add: float | np.ndarray
    dX: np.ndarray
    dW: np.ndarray
    db: float | np.ndarray
    coverage: np.ndarray
    coverage_total: np.ndarray


@dataclass(frozen=True, eq=False)
class PoolForwardStep(WindowStep):
    """One output of max pooling (fields of ``WindowStep`` plus; in_padding is all False):

    y : float -- max of the window
    argmax : (int, int) -- (row, col) in x of the window's FIRST maximum in row-major order
    Y : (HO, WO) -- the output so far; NaN where not yet computed
    """

    y: float
    argmax: tuple[int, int]
    Y: np.ndarray


@dataclass(frozen=True, eq=False)
class PoolBackwardStep(WindowStep):
    """What window k sends back (fields of ``WindowStep`` plus):

    mask : (KH, KW) -- M_k from ``ops.maxpool2d_masks`` (depends on the ties policy)
    grad : float -- dL/dy_ij
    local_grad : (KH, KW) -- dL/dX'_k = dL/dy_ij * M_k
    dx_add : (H, W) -- local_grad placed at the window's place in x
    dX : (H, W) -- running dL/dX, this step included
    wins : (H, W) int -- how many windows so far each x cell has won (mask > 0)
    """

    mask: np.ndarray
    grad: float
    local_grad: np.ndarray
    dx_add: np.ndarray
    dX: np.ndarray
    wins: np.ndarray


# ---------------------------------------------------------------------------------------
# Window geometry
# ---------------------------------------------------------------------------------------
def window_coordinates(i, j, kernel, stride=1, padding=0, dilation=1):
    """Rows and cols of the original x that window (i, j) reads (0-based, may fall in padding).

    rows[m] = i*stride - padding + m*dilation  for m = 0 .. KH-1  (cols likewise)

    >>> window_coordinates(1, 0, (2, 2))
    (array([1, 2]), array([0, 1]))
    >>> window_coordinates(0, 0, 3, stride=2, padding=1, dilation=2)
    (array([-1,  1,  3]), array([-1,  1,  3]))
    """
    (kh, kw) = _args.pair(kernel, "kernel", 1)
    (sh, sw) = _args.pair(stride, "stride", 1)
    (ph, pw) = _args.pair(padding, "padding", 0)
    (dh, dw) = _args.pair(dilation, "dilation", 1)
    rows = i * sh - ph + dh * np.arange(kh)
    cols = j * sw - pw + dw * np.arange(kw)
    return rows, cols


def _taps_inside(rows, cols, shape):
    """Where the taps that fall inside x (not in the padding) sit: (index into x, into w).

    Each index is a pair of integer arrays as ``np.ix_`` gives them, the rows as a column and
    the columns as a row (built directly: this runs for every window of every trace an
    explorer draws).
    """
    row_ok = (rows >= 0) & (rows < shape[0])
    col_ok = (cols >= 0) & (cols < shape[1])
    in_x = (rows[row_ok][:, None], cols[col_ok][None, :])
    in_w = (np.flatnonzero(row_ok)[:, None], np.flatnonzero(col_ok)[None, :])
    return in_x, in_w


def _window_at(x, i, j, kernel, stride, padding, dilation):
    """(rows, cols, in_padding, window) of window (i, j) over x (H, W)."""
    rows, cols = window_coordinates(i, j, kernel, stride, padding, dilation)
    in_x, in_w = _taps_inside(rows, cols, x.shape)
    in_padding = np.ones((rows.size, cols.size), dtype=bool)
    in_padding[in_w] = False
    window = np.zeros(in_padding.shape)
    window[in_w] = x[in_x]
    return rows, cols, in_padding, window


def _frozen(value):
    """A read-only copy of an array (floats and tuples pass through)."""
    if isinstance(value, np.ndarray):
        value = value.copy()
        value.flags.writeable = False
    return value


def _record(cls, **fields):
    return cls(**{name: _frozen(value) for name, value in fields.items()})


def _two_d_only(x):
    raise ValueError(
        f"step-by-step traces are 2-D only (one image, one channel): x (H, W), w (KH, KW); "
        f"got x with shape {np.shape(x)}"
    )


def _conv_arguments(x, w, b, stride, padding, dilation):
    """The ops' own checks, then the 2-D pieces: x, w, bias, per_position, pairs, (HO, WO)."""
    a = _args.conv_arguments(x, w, b, stride, padding, dilation)
    if not a.two_d:
        _two_d_only(x)
    bias = a.bias[0]  # shape () for a shared bias, (HO, WO) for one per position
    return a.x[0, 0], a.w[0, 0], bias, a.per_position, a.stride, a.padding, a.dilation, a.out_hw


def _pool_arguments(x, size, stride):
    a = _args.pool_arguments(x, size, stride)
    if a.x.ndim != 2:
        _two_d_only(x)
    return a.x, a.size, a.stride, a.out_hw


def _positions(out_hw):
    """(k, i, j) for every output position in row-major order, k 1-based."""
    for i in range(out_hw[0]):
        for j in range(out_hw[1]):
            yield i * out_hw[1] + j + 1, i, j


# ---------------------------------------------------------------------------------------
# Convolution
# ---------------------------------------------------------------------------------------
def conv_forward_steps(x, w, b, stride=1, padding=0, dilation=1):
    """Trace of ``ops.conv2d_forward``: one ``ConvForwardStep`` per output y_ij.

    x : (H, W);  w : (KH, KW);  b : scalar (shared) or (HO, WO) (one per position)
    stride, padding, dilation : int or (rows, cols), checked as the ops check them.
    Returns a list of HO*WO steps; ``steps[-1].Y`` equals ``ops.conv2d_forward(...)``.

    >>> steps = conv_forward_steps(np.arange(1., 10.).reshape(3, 3), np.eye(2), 0.5)
    >>> s = steps[1]
    >>> (s.k, s.i, s.j, s.rows.tolist(), s.cols.tolist())
    (2, 0, 1, [0, 1], [1, 2])
    >>> s.window
    array([[2., 3.],
           [5., 6.]])
    >>> (s.weighted_sum, s.bias, s.y)
    (8.0, 0.5, 8.5)
    >>> s.Y
    array([[6.5, 8.5],
           [nan, nan]])
    """
    x, w, bias, per_position, stride, padding, dilation, out_hw = _conv_arguments(
        x, w, b, stride, padding, dilation
    )
    Y = np.full(out_hw, np.nan)
    steps = []
    for k, i, j in _positions(out_hw):
        rows, cols, in_padding, window = _window_at(x, i, j, w.shape, stride, padding, dilation)
        products = w * window
        weighted_sum = float(products.sum())
        b_used = float(bias[i, j] if per_position else bias)
        Y[i, j] = weighted_sum + b_used
        steps.append(_record(
            ConvForwardStep, k=k, i=i, j=j, rows=rows, cols=cols, in_padding=in_padding,
            window=window, products=products, weighted_sum=weighted_sum, bias=b_used,
            y=float(Y[i, j]), Y=Y,
        ))
    return steps


def conv_backward_steps(dy, x, w, b, stride=1, padding=0, dilation=1):
    """Trace of ``ops.conv2d_backward``: one ``ConvBackwardStep`` per output y_ij.

    dy : (HO, WO) = dL/dY; x, w, b, stride, padding, dilation as in ``conv_forward_steps``.
    Output y_ij adds dL/dy_ij * w onto its window of dX, dL/dy_ij * window into dW and
    dL/dy_ij into db. Returns HO*WO steps; the last one's dX, dW, db equal the ops' result.

    >>> x = np.arange(1., 10.).reshape(3, 3)
    >>> steps = conv_backward_steps(np.ones((2, 2)), x, np.eye(2), 0.0)
    >>> steps[0].dx_add
    array([[1., 0., 0.],
           [0., 1., 0.],
           [0., 0., 0.]])
    >>> steps[-1].dX
    array([[1., 1., 0.],
           [1., 2., 1.],
           [0., 1., 1.]])
    >>> steps[-1].coverage
    array([[1, 2, 1],
           [2, 4, 2],
           [1, 2, 1]])
    >>> (steps[-1].db, steps[1].db)
    (4.0, 2.0)
    """
    x, w, bias, per_position, stride, padding, dilation, out_hw = _conv_arguments(
        x, w, b, stride, padding, dilation
    )
    dy = _args.gradient_like(dy, out_hw)
    windows = [
        (k, i, j, *_window_at(x, i, j, w.shape, stride, padding, dilation))
        for k, i, j in _positions(out_hw)
    ]
    coverage_total = np.zeros(x.shape, dtype=int)
    for *_, rows, cols, in_padding, _ in windows:
        in_x, _ = _taps_inside(rows, cols, x.shape)
        coverage_total[in_x] += 1

    dX, dW = np.zeros(x.shape), np.zeros(w.shape)
    db = np.zeros(out_hw) if per_position else 0.0
    coverage = np.zeros(x.shape, dtype=int)
    steps = []
    for k, i, j, rows, cols, in_padding, window in windows:
        grad = float(dy[i, j])
        in_x, in_w = _taps_inside(rows, cols, x.shape)
        dx_add = np.zeros(x.shape)
        dx_add[in_x] = grad * w[in_w]  # taps in the padding are dropped
        dw_add = grad * window
        if per_position:
            db_add = np.zeros(out_hw)
            db_add[i, j] = grad
        else:
            db_add = grad
        dX += dx_add
        dW += dw_add
        db = db + db_add
        coverage[in_x] += 1
        steps.append(_record(
            ConvBackwardStep, k=k, i=i, j=j, rows=rows, cols=cols, in_padding=in_padding,
            window=window, grad=grad, dx_add=dx_add, dw_add=dw_add, db_add=db_add,
            dX=dX, dW=dW, db=db, coverage=coverage, coverage_total=coverage_total,
        ))
    return steps


# ---------------------------------------------------------------------------------------
# Max pooling
# ---------------------------------------------------------------------------------------
def pool_forward_steps(x, size=2, stride=1):
    """Trace of ``ops.maxpool2d_forward``: one ``PoolForwardStep`` per window X'_k.

    x : (H, W);  size, stride : int or (rows, cols);  HO = (H - size) // stride + 1.
    Returns HO*WO steps; ``steps[-1].Y`` equals ``ops.maxpool2d_forward(...)``.

    >>> steps = pool_forward_steps([[1, 5, 2], [4, 3, 9], [0, 8, 6]])
    >>> [(s.k, s.y, s.argmax) for s in steps]
    [(1, 5.0, (0, 1)), (2, 9.0, (1, 2)), (3, 8.0, (2, 1)), (4, 9.0, (1, 2))]
    >>> steps[2].Y
    array([[ 5.,  9.],
           [ 8., nan]])
    """
    x, size, stride, out_hw = _pool_arguments(x, size, stride)
    Y = np.full(out_hw, np.nan)
    steps = []
    for k, i, j in _positions(out_hw):
        rows, cols, in_padding, window = _window_at(x, i, j, size, stride, 0, 1)
        m, n = np.unravel_index(np.argmax(window), window.shape)  # first max, row-major
        Y[i, j] = window[m, n]
        steps.append(_record(
            PoolForwardStep, k=k, i=i, j=j, rows=rows, cols=cols, in_padding=in_padding,
            window=window, y=float(Y[i, j]), argmax=(int(rows[m]), int(cols[n])), Y=Y,
        ))
    return steps


def pool_backward_steps(dy, x, size=2, stride=1, ties="first"):
    """Trace of ``ops.maxpool2d_backward``: one ``PoolBackwardStep`` per window X'_k.

    dy : (HO, WO) = dL/dY;  x, size, stride as in ``pool_forward_steps``;
    ties : "first" | "all" | "split", see ``ops.maxpool2d_masks``.
    Window k adds dL/dy_ij * M_k into dX at its place (overlapping windows accumulate).
    Returns HO*WO steps; ``steps[-1].dX`` equals ``ops.maxpool2d_backward(...)``.

    >>> x = [[1, 5, 2], [4, 3, 9], [0, 8, 6]]
    >>> steps = pool_backward_steps([[1, 2], [3, 4]], x)
    >>> steps[1].local_grad
    array([[0., 0.],
           [0., 2.]])
    >>> steps[-1].dX
    array([[0., 1., 0.],
           [0., 0., 6.],
           [0., 3., 0.]])
    >>> steps[-1].wins
    array([[0, 1, 0],
           [0, 0, 2],
           [0, 1, 0]])
    """
    x, size, stride, out_hw = _pool_arguments(x, size, stride)
    dy = _args.gradient_like(dy, out_hw)
    masks = ops.maxpool2d_masks(x, size, stride, ties)  # (HO, WO, KH, KW)
    dX = np.zeros(x.shape)
    wins = np.zeros(x.shape, dtype=int)
    steps = []
    for k, i, j in _positions(out_hw):
        rows, cols, in_padding, window = _window_at(x, i, j, size, stride, 0, 1)
        place = np.ix_(rows, cols)
        mask = masks[i, j]
        grad = float(dy[i, j])
        local_grad = grad * mask
        dx_add = np.zeros(x.shape)
        dx_add[place] = local_grad
        dX += dx_add
        wins[place] += mask > 0
        steps.append(_record(
            PoolBackwardStep, k=k, i=i, j=j, rows=rows, cols=cols, in_padding=in_padding,
            window=window, mask=mask, grad=grad, local_grad=local_grad, dx_add=dx_add,
            dX=dX, wins=wins,
        ))
    return steps
