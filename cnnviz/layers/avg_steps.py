"""Step-by-step traces of AVERAGE pooling, one step per window X'_k, as plain data.

The twins of ``steps.pool_forward_steps`` / ``steps.pool_backward_steps`` for
``ops.avgpool2d_forward`` / ``ops.avgpool2d_backward``, with the same index conventions (see
``cnnviz.steps``): ``i, j`` 0-based output position, ``k = i*WO + j + 1`` the 1-based window
number, ``rows`` / ``cols`` the coordinates of the window in x. One image, one channel:
x (H, W), dy (HO, WO), with HO = (H - size) // stride + 1 (WO likewise).

Average pooling chooses nothing: y_ij is the mean of its window, and on the way back every
cell of the window gets the same share, dL/dy_ij / (KH * KW). In the derivation's terms the
mask M_k is no longer 0/1 but uniform, 1/(KH * KW) everywhere (1/4 for a 2x2 window).
Overlapping windows still ADD their shares into dL/dX.

Imports numpy, cnnviz's own numpy modules and the catalog of words (a pure-Python data
module: the messages, in the notebook's language).
"""
from dataclasses import dataclass

import numpy as np

from ..words import say
from . import _args, ops
from .steps import WindowStep, _positions, _read_only, _running, _so_far, _Windows

__all__ = ["AvgPoolForwardStep", "AvgPoolBackwardStep", "avgpool_forward_steps",
           "avgpool_backward_steps"]


@dataclass(frozen=True, eq=False)
class AvgPoolForwardStep(WindowStep):
    """One output of average pooling (fields of ``WindowStep`` plus; in_padding all False):

    total : float -- the sum of the window's entries
    count : int -- how many entries it has (KH * KW)
    y : float -- y_ij = total / count, the mean
    Y : (HO, WO) -- the output so far; NaN where not yet computed
    """

    total: float
    count: int
    y: float
    Y: np.ndarray


@dataclass(frozen=True, eq=False)
class AvgPoolBackwardStep(WindowStep):
    """What window k sends back in average pooling (fields of ``WindowStep`` plus):

    mask : (KH, KW) -- M_k, 1/(KH * KW) everywhere
    grad : float -- dL/dy_ij
    local_grad : (KH, KW) -- dL/dX'_k = dL/dy_ij * M_k, the same share in every cell
    dx_add : (H, W) -- local_grad placed at the window's place in x
    dX : (H, W) -- running dL/dX, this step included
    covers : (H, W) int -- how many windows so far have sent a share to each x cell
    covers_total : (H, W) int -- the same count over all windows
    """

    mask: np.ndarray
    grad: float
    local_grad: np.ndarray
    dx_add: np.ndarray
    dX: np.ndarray
    covers: np.ndarray
    covers_total: np.ndarray


def _arguments(x, size, stride):
    a = _args.pool_arguments(x, size, stride, kind="average")
    if a.x.ndim != 2:
        raise ValueError(say("steps.two_d_only_x", shape=np.shape(x)))
    return a.x, a.size, a.stride, a.out_hw


def avgpool_forward_steps(x, size=2, stride=1):
    """Trace of ``ops.avgpool2d_forward``: one ``AvgPoolForwardStep`` per window X'_k.

    x : (H, W);  size, stride : int or (rows, cols);  HO = (H - size) // stride + 1.
    Returns HO*WO steps; ``steps[-1].Y`` equals ``ops.avgpool2d_forward(...)``.

    >>> steps = avgpool_forward_steps([[1, 5, 2], [4, 3, 9], [0, 8, 6]])
    >>> [(s.k, s.total, s.count, s.y) for s in steps]
    [(1, 13.0, 4, 3.25), (2, 19.0, 4, 4.75), (3, 15.0, 4, 3.75), (4, 26.0, 4, 6.5)]
    >>> steps[1].Y
    array([[3.25, 4.75],
           [ nan,  nan]])
    """
    x, size, stride, out_hw = _arguments(x, size, stride)
    windows = _Windows(x, size, stride, (0, 0), (1, 1), out_hw)
    totals = windows.values.reshape(len(windows.values), -1).sum(axis=1)
    ys = ops.avgpool2d_forward(x, size, stride).reshape(-1)  # the package's own numbers
    count = size[0] * size[1]
    Ys = _so_far(ys, out_hw)
    return [
        AvgPoolForwardStep(**windows.step_fields(k, i, j), total=float(totals[k]), count=count,
                           y=float(ys[k]), Y=Ys[k])
        for k, i, j in _positions(out_hw)
    ]


def avgpool_backward_steps(dy, x, size=2, stride=1):
    """Trace of ``ops.avgpool2d_backward``: one ``AvgPoolBackwardStep`` per window X'_k.

    dy : (HO, WO) = dL/dY;  x, size, stride as in ``avgpool_forward_steps``.
    Window k adds dL/dy_ij * M_k (M_k = 1/(KH*KW) everywhere) into dX at its place:
    overlapping windows accumulate. ``steps[-1].dX`` equals ``ops.avgpool2d_backward(...)``.

    >>> x = [[1, 5, 2], [4, 3, 9], [0, 8, 6]]
    >>> steps = avgpool_backward_steps([[1, 2], [-1, 3]], x)
    >>> steps[0].mask
    array([[0.25, 0.25],
           [0.25, 0.25]])
    >>> steps[1].local_grad
    array([[0.5, 0.5],
           [0.5, 0.5]])
    >>> steps[-1].dX
    array([[ 0.25,  0.75,  0.5 ],
           [ 0.  ,  1.25,  1.25],
           [-0.25,  0.5 ,  0.75]])
    >>> steps[-1].covers
    array([[1, 2, 1],
           [2, 4, 2],
           [1, 2, 1]])
    """
    x, size, stride, out_hw = _arguments(x, size, stride)
    dy = _args.gradient_like(dy, out_hw)
    windows = _Windows(x, size, stride, (0, 0), (1, 1), out_hw)
    n = out_hw[0] * out_hw[1]
    masks = _read_only(np.full((n, *size), 1.0 / (size[0] * size[1])))
    grads = dy.reshape(-1)
    local_grad = _read_only(grads[:, None, None] * masks)        # (K, KH, KW)
    dx_add = _read_only(windows.placed(local_grad))              # (K, H, W)
    dX = _running(dx_add)
    covers = _running(windows.placed(np.ones((n, *size), dtype=int)))
    return [
        AvgPoolBackwardStep(**windows.step_fields(k, i, j), mask=masks[k], grad=float(grads[k]),
                            local_grad=local_grad[k], dx_add=dx_add[k], dX=dX[k],
                            covers=covers[k], covers_total=covers[-1])
        for k, i, j in _positions(out_hw)
    ]
