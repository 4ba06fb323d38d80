"""Step-by-step traces of the 2-D layers, one step per output position, as plain data.

Each function returns a list of frozen records, one per output y_ij in row-major order
(y11, y12, ..., as the derivation lists them). A record says which window was used, what was
computed there, and the running totals after this step, so an animation only has to show
``steps[t]``. The last record's running totals equal what ``cnnviz.ops`` computes.

Index conventions (the same in every record):

* ``i, j`` are 0-based output positions (``y[i, j]``); ``k = i*WO + j + 1`` is the derivation's
  1-based window number (X'1 ... X'4 in the derivation's case).
* ``rows`` (KH,) and ``cols`` (KW,) are 0-based coordinates in the ORIGINAL, unpadded x;
  with padding some are negative or >= H (W): those taps read the zero padding, marked in
  ``in_padding`` (KH, KW).
* ``window`` (KH, KW) holds the values the window reads (0 in the padding).
* Arrays in the records are read-only; every record has its own running totals (a trace
  computes all its steps at once, so they are slices of one array per quantity).

Only one image and one channel: x (H, W), w (KH, KW). The window positions are

    rows[m] = i*stride - padding + m*dilation,   cols[n] = j*stride - padding + n*dilation
    HO = (H + 2*padding - dilation*(KH - 1) - 1) // stride + 1   (WO likewise)

Imports numpy, cnnviz's own numpy modules and the catalog of words (a pure-Python data
module: the messages, in the notebook's language).
"""
from dataclasses import dataclass

import numpy as np

from ..words import say
from . import _args
from . import ops

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


class _Windows:
    """Every window of a trace at once, step k (0-based) in row-major order.

    rows (HO, KH), cols (WO, KW) : coordinates in the original x (window_coordinates's)
    at (K, KH, KW) : where each tap sits on x padded by ``padding`` on every side, as a
        fancy index (step, row, col) into a (K, H + 2ph, W + 2pw) stack
    inside (K, KH, KW) bool : the tap reads x, not the padding
    values (K, KH, KW) : what each window reads (0 in the padding)

    Computing every window in one go, then taking step k's slices, keeps a trace cheap:
    explorers rebuild theirs on every slider move.
    """

    def __init__(self, x, kernel, stride, padding, dilation, out_hw):
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
        (ho, wo), (h, w) = out_hw, x.shape
        self.x_shape, self.padding = (h, w), (ph, pw)
        self.rows = _read_only(np.arange(ho)[:, None] * sh - ph + dh * np.arange(kh))
        self.cols = _read_only(np.arange(wo)[:, None] * sw - pw + dw * np.arange(kw))
        # Step k = i*WO + j reads rows[i] x cols[j]; +padding: coordinates in the padded x,
        # where the output-size formula keeps every window inside.
        r = np.repeat(self.rows, wo, axis=0)[:, :, None] + ph   # (K, KH, 1)
        c = np.tile(self.cols, (ho, 1))[:, None, :] + pw        # (K, 1, KW)
        self.at = (np.arange(ho * wo)[:, None, None], r, c)
        self.inside = (r >= ph) & (r < ph + h) & (c >= pw) & (c < pw + w)
        self.in_padding = _read_only(~self.inside)
        self.values = _read_only(_args.zero_padded(x, padding)[r, c])

    def placed(self, taps):
        """taps (K, KH, KW) placed on x at each window (K, H, W); taps in the padding dropped."""
        (h, w), (ph, pw) = self.x_shape, self.padding
        grid = np.zeros((taps.shape[0], h + 2 * ph, w + 2 * pw), dtype=taps.dtype)
        grid[self.at] = taps  # a window's taps sit on distinct cells
        return grid[:, ph:ph + h, pw:pw + w]

    def step_fields(self, k, i, j):
        """The ``WindowStep`` fields of step k (0-based) at output (i, j)."""
        return dict(k=k + 1, i=i, j=j, rows=self.rows[i], cols=self.cols[j],
                    in_padding=self.in_padding[k], window=self.values[k])


def _read_only(array):
    array.flags.writeable = False
    return array


def _running(adds):
    """Running totals of ``adds`` (K, ...) over the steps: total k = 0 + adds[0] + ... + adds[k]
    (the 0 first, as a loop from zeros adds them: a total is never -0.0)."""
    return _read_only(np.cumsum(adds, axis=0) + 0)


def _so_far(values, out_hw):
    """(K, HO, WO): after step k, outputs 0..k (row-major) hold ``values``, the others NaN."""
    n = values.size
    done = np.arange(n).reshape(out_hw)[None] <= np.arange(n)[:, None, None]
    return _read_only(np.where(done, values.reshape(out_hw)[None], np.nan))


def _two_d_only(x):
    raise ValueError(say("steps.two_d_only", shape=np.shape(x)))


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
    """(k, i, j) for every output position in row-major order; k is the 0-based step."""
    for i in range(out_hw[0]):
        for j in range(out_hw[1]):
            yield i * out_hw[1] + j, i, j


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
    windows = _Windows(x, w.shape, stride, padding, dilation, out_hw)
    products = _read_only(w * windows.values)                    # (K, KH, KW)
    weighted_sums = products.reshape(len(products), -1).sum(axis=1)
    biases = bias.reshape(-1) if per_position else np.full(len(products), float(bias))
    ys = weighted_sums + biases
    Ys = _so_far(ys, out_hw)
    return [
        ConvForwardStep(**windows.step_fields(k, i, j), products=products[k],
                        weighted_sum=float(weighted_sums[k]), bias=float(biases[k]),
                        y=float(ys[k]), Y=Ys[k])
        for k, i, j in _positions(out_hw)
    ]


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
    windows = _Windows(x, w.shape, stride, padding, dilation, out_hw)
    grads = dy.reshape(-1)                                       # dL/dy_ij of step k
    each = grads[:, None, None]                                  # ... times a whole window
    dx_add = _read_only(windows.placed(each * w))                # (K, H, W)
    dw_add = _read_only(each * windows.values)                   # (K, KH, KW)
    if per_position:  # step k adds dL/dy_ij to b_ij only: (K, HO, WO), one entry per step
        db_add = np.zeros((grads.size, *out_hw))
        db_add.reshape(grads.size, -1)[np.arange(grads.size), np.arange(grads.size)] = grads
        db_add = _read_only(db_add)
    else:
        db_add = grads
    coverage = _running(windows.placed(windows.inside.astype(int)))
    dX, dW, db = _running(dx_add), _running(dw_add), _running(db_add)
    return [
        ConvBackwardStep(**windows.step_fields(k, i, j), grad=float(grads[k]),
                         dx_add=dx_add[k], dw_add=dw_add[k],
                         db_add=db_add[k] if per_position else float(grads[k]),
                         dX=dX[k], dW=dW[k], db=db[k] if per_position else float(db[k]),
                         coverage=coverage[k], coverage_total=coverage[-1])
        for k, i, j in _positions(out_hw)
    ]


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
    windows = _Windows(x, size, stride, (0, 0), (1, 1), out_hw)
    flat = windows.values.reshape(len(windows.values), -1)
    first = flat.argmax(axis=1)                                 # first max, row-major
    ys = flat[np.arange(len(flat)), first]
    m, n = np.divmod(first, size[1])
    Ys = _so_far(ys, out_hw)
    return [
        PoolForwardStep(**windows.step_fields(k, i, j), y=float(ys[k]),
                        argmax=(int(windows.rows[i][m[k]]), int(windows.cols[j][n[k]])),
                        Y=Ys[k])
        for k, i, j in _positions(out_hw)
    ]


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
    windows = _Windows(x, size, stride, (0, 0), (1, 1), out_hw)
    masks = _read_only(ops.maxpool2d_masks(x, size, stride, ties).reshape(windows.values.shape))
    grads = dy.reshape(-1)
    local_grad = _read_only(grads[:, None, None] * masks)        # (K, KH, KW)
    dx_add = _read_only(windows.placed(local_grad))              # (K, H, W)
    dX, wins = _running(dx_add), _running(windows.placed((masks > 0).astype(int)))
    return [
        PoolBackwardStep(**windows.step_fields(k, i, j), mask=masks[k], grad=float(grads[k]),
                         local_grad=local_grad[k], dx_add=dx_add[k], dX=dX[k], wins=wins[k])
        for k, i, j in _positions(out_hw)
    ]
