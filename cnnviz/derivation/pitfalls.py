"""Mistakes worth seeing once, computed exactly, for teaching (numpy only).

Max pooling's backward pass has two classic traps, both about windows that share cells:

* **Overwriting instead of adding.** When windows overlap (stride < size), one input cell can
  be the maximum of several windows and must receive the SUM of their gradients. Code that
  writes ``dx[window] = dL/dy_ij * M_k`` (``=``) instead of ``dx[window] += ...`` keeps only
  what the LAST window covering a cell wrote there, often a 0, and the gradient is lost.
  With stride = size the windows never overlap, so the bug stays hidden until they do.
* **Counting a tie twice.** A mask with a 1 at EVERY position equal to the maximum (ties="all")
  sends dL/dy_ij to each of them: the window passes back more gradient than it received.

``maxpool2d_backward_overwrite`` is the first bug, on purpose; ``compare_overwrite`` and
``compare_ties`` line the numbers up against the right ones (``cnnviz.ops``). Shapes are the
the derivation's: one image, one channel, x (H, W), dy (HO, WO) with HO = (H - size) // stride + 1.

Imports numpy and cnnviz's own numpy modules only.
"""
from typing import NamedTuple

import numpy as np

from ..layers import _args
from ..layers import ops
from ..layers.steps import window_coordinates
from ..words import say

__all__ = [
    "maxpool2d_backward_overwrite",
    "maxpool2d_backward_overwrite_steps",
    "compare_overwrite",
    "compare_ties",
    "OverwriteComparison",
    "TieComparison",
]


def _checked(dy, x, size, stride):
    x, size, stride, out_hw = _args.pool_arguments(x, size, stride)
    if x.ndim != 2:
        raise ValueError(say("pitfalls.one_image", shape=x.shape))
    dy = _args.gradient_like(dy, out_hw)
    return dy, x, size, stride, out_hw


def maxpool2d_backward_overwrite_steps(dy, x, size=2, stride=1, ties="first"):
    """The running dX of the BUGGY backward pass, one array per window X'_k (row-major).

    The loop is the right one except for one character::

        for every window k at (i, j):
            dx[window k's place] = dL/dy_ij * M_k      # the bug: should be +=

    dy : (HO, WO);  x : (H, W);  size, stride : int or (rows, cols);  ties : see
    ``ops.maxpool2d_masks``. Returns HO*WO read-only arrays of x's shape.

    >>> x = [[1, 3, 2], [4, 8, 1], [0, 5, 9]]
    >>> [float(d[1, 1]) for d in maxpool2d_backward_overwrite_steps([[1, 2], [-1, 3]], x)]
    [1.0, 2.0, -1.0, 0.0]
    """
    dy, x, size, stride, out_hw = _checked(dy, x, size, stride)
    masks = ops.maxpool2d_masks(x, size, stride, ties)
    dx = np.zeros(x.shape)
    running = []
    for i in range(out_hw[0]):
        for j in range(out_hw[1]):
            rows, cols = window_coordinates(i, j, size, stride)
            dx[np.ix_(rows, cols)] = dy[i, j] * masks[i, j] + 0.0  # `=`: the bug (+ 0.0: no -0)
            snapshot = dx.copy()
            snapshot.flags.writeable = False
            running.append(snapshot)
    return running


def maxpool2d_backward_overwrite(dy, x, size=2, stride=1, ties="first"):
    """dL/dx as the classic bug computes it: ``=`` instead of ``+=`` (for teaching only).

    Each cell of the result holds what the LAST window covering it wrote there: that window's
    dL/dy_ij if the cell is its maximum, else 0. Every earlier window's gradient is lost.
    Without overlap (stride >= size) every cell is written once and the bug gives the right
    answer, which is why it survives until someone overlaps the windows.

    dy : (HO, WO);  x : (H, W);  returns an array of x's shape.

    In the worked example x22 is the maximum of X'1, X'2, X'3, but X'4 (maximum x33) covers it last
    and writes 0 there, so the right 1 + 2 + (-1) = 2 becomes 0:

    >>> x = [[1, 3, 2], [4, 8, 1], [0, 5, 9]]
    >>> maxpool2d_backward_overwrite([[1, 2], [-1, 3]], x)
    array([[0., 0., 0.],
           [0., 0., 0.],
           [0., 0., 3.]])
    >>> ops.maxpool2d_backward([[1, 2], [-1, 3]], x)
    array([[0., 0., 0.],
           [0., 2., 0.],
           [0., 0., 3.]])
    """
    return np.array(maxpool2d_backward_overwrite_steps(dy, x, size, stride, ties)[-1])


class OverwriteComparison(NamedTuple):
    """The right dL/dX (``+=``) next to the overwriting one (``=``).

    correct, overwritten, lost : (H, W), with lost = correct - overwritten
    sum_dy, sum_correct, sum_overwritten, sum_lost : float
    """

    correct: np.ndarray
    overwritten: np.ndarray
    lost: np.ndarray
    sum_dy: float
    sum_correct: float
    sum_overwritten: float
    sum_lost: float


def compare_overwrite(dy, x, size=2, stride=1, ties="first"):
    """``ops.maxpool2d_backward`` against ``maxpool2d_backward_overwrite``, with the sums.

    With ties "first" or "split" the right dL/dX passes back exactly what arrived:
    sum_correct == sum_dy. The overwriting version does not, when windows overlap.

    >>> c = compare_overwrite([[1, 2], [-1, 3]], [[1, 3, 2], [4, 8, 1], [0, 5, 9]])
    >>> (c.sum_dy, c.sum_correct, c.sum_overwritten, c.sum_lost)
    (5.0, 5.0, 3.0, 2.0)
    """
    dy, x, size, stride, _ = _checked(dy, x, size, stride)
    correct = ops.maxpool2d_backward(dy, x, size, stride, ties)
    overwritten = maxpool2d_backward_overwrite(dy, x, size, stride, ties)
    lost = correct - overwritten
    return OverwriteComparison(correct, overwritten, lost, float(dy.sum()), float(correct.sum()),
                               float(overwritten.sum()), float(lost.sum()))


class TieComparison(NamedTuple):
    """What each ties policy makes of the same dy and x.

    policies : ("first", "all", "split");  dx, sum_dx : dicts keyed by policy
    sum_dy : float
    tied_windows : ((k, ((r, c), ...)), ...) -- every window (1-based k, row-major) that holds
        its maximum more than once, with the 0-based cells of x where it sits. Empty means
        the three policies agree exactly.
    """

    policies: tuple
    dx: dict
    sum_dx: dict
    sum_dy: float
    tied_windows: tuple


def compare_ties(dy, x, size=2, stride=1):
    """dL/dX and its sum under each ties policy, against the sum of dL/dY.

    Adding the same small c to every x adds c to every maximum, so L changes by
    c * sum(dL/dY): a gradient must satisfy sum(dL/dX) = sum(dL/dY). "first" and "split"
    do; "all" gives a window with t tied maxima t times its gradient (over-counts).

    >>> c = compare_ties([[1, 1], [1, 1]], np.ones((3, 3)))
    >>> c.sum_dy, c.sum_dx, len(c.tied_windows)
    (4.0, {'first': 4.0, 'all': 16.0, 'split': 4.0}, 4)
    >>> compare_ties([[1, 2], [-1, 3]], [[1, 3, 8], [4, 8, 1], [0, 5, 9]]).tied_windows
    ((2, ((0, 2), (1, 1))),)
    """
    dy, x, size, stride, out_hw = _checked(dy, x, size, stride)
    policies = _args.TIE_POLICIES
    dx = {p: ops.maxpool2d_backward(dy, x, size, stride, p) for p in policies}
    masks = ops.maxpool2d_masks(x, size, stride, "all")
    tied = []
    for i in range(out_hw[0]):
        for j in range(out_hw[1]):
            if masks[i, j].sum() > 1:
                rows, cols = window_coordinates(i, j, size, stride)
                cells = tuple((int(rows[m]), int(cols[n])) for m, n in np.argwhere(masks[i, j] > 0))
                tied.append((i * out_hw[1] + j + 1, cells))
    return TieComparison(policies, dx, {p: float(dx[p].sum()) for p in policies},
                         float(dy.sum()), tuple(tied))
