"""Learning a kernel: find a hidden 2-D kernel from (X, Y) pairs by gradient descent (numpy only).

The pairs are made with a kernel W* that the learner does not see, Y = X ⋆ W* (no bias).
The learner starts from W = 0 and repeats, with a learning rate eta:

    Ŷ = X ⋆ W                                   for every pair (the forward pass)
    L = 1/(2M) * sum over pairs and positions of (ŷ_ij - y_ij)^2     (M = number of outputs)
    dL/dŶ = (Ŷ - Y) / M                         (what flows back into the layer)
    dL/dW = sum over pairs of conv2d_backward(dL/dŶ, X, W, 0)[1]
    W <- W - eta * dL/dW

The 1/2 cancels the 2 of the square's derivative; the mean (1/M) keeps the size of dL/dW,
and so the rates that work, the same whatever the number of pairs and their size.

L is a quadratic bowl in W with curvature H = (1/M) * sum over pairs of P^T P (P = im2col(X)),
so each step multiplies the error W - W* along an eigenvector of H by (1 - eta * lambda):
gradient descent converges for 0 < eta < 2 / lambda_max and grows without bound beyond
(``largest_stable_rate``). A run that grows past ``DIVERGED_FACTOR`` times its first loss
stops there and says so: a trace never holds NaN or infinity.

>>> pairs = make_pairs([[1, -1], [0.5, 2]], count=3, seed=0)
>>> run = learn_kernel(pairs, rate=0.3, steps=60)
>>> run.diverged, bool(run.loss[-1] < 1e-12 * run.loss[0])
(False, True)
>>> np.round(run.w[-1], 6)
array([[ 1. , -1. ],
       [ 0.5,  2. ]])
"""
import numbers
from dataclasses import dataclass

import numpy as np

from ..layers import _args, ops
from . import matrix_form
from ..words import say

__all__ = ["KernelTrace", "default_hidden", "make_pairs", "squared_error_loss", "learn_kernel",
           "largest_stable_rate", "largest_difference", "DIVERGED_FACTOR", "MAX_STEPS"]

DIVERGED_FACTOR = 1e6  # a run stops (diverged) once its loss is this many times its first one
MAX_STEPS = 10_000     # the most gradient steps one call takes
MAX_PAIRS = 100


def default_hidden():
    """The hidden kernel W* the notebook starts from (2x2)."""
    return np.array([[1.0, -1.0], [0.5, 2.0]])


# ---------------------------------------------------------------------------------------
# Checking what a student passes in
# ---------------------------------------------------------------------------------------
def _matrix(value, name):
    """``value`` as a 2-D float array of finite numbers, or an error naming it."""
    array = _args.as_array(value, name).copy()
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(say("learning.not_2d", name=name, shape=array.shape))
    if not np.all(np.isfinite(array)):
        r, c = (int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(say("learning.not_finite", name=name, value=array[r, c], r=r, c=c))
    return array


def _whole(value, name, low, high):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(say("learning.whole_type", name=name, low=low, high=high, value=value))
    if not low <= value <= high:
        raise ValueError(say("learning.whole_range", name=name, low=low, high=high, value=value))
    return int(value)


def _rate(value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(say("learning.rate_type", name="rate", value=value))
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(say("learning.rate_range", name="rate", value=value))
    return value


def _shape(value, name):
    if (not isinstance(value, (tuple, list)) or len(value) != 2
            or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value)):
        raise TypeError(say("learning.shape_type", name=name, value=value))
    if min(value) < 1:
        raise ValueError(say("learning.shape_small", name=name, shape=tuple(value)))
    return int(value[0]), int(value[1])


def _pairs(pairs, kernel_shape=None):
    """The pairs as a list of (x, y) float arrays, and the kernel shape they fit."""
    if isinstance(pairs, (str, bytes)) or not hasattr(pairs, "__len__"):
        raise TypeError(say("learning.pairs_type", name="pairs", kind=type(pairs).__name__))
    if not 1 <= len(pairs) <= MAX_PAIRS:
        raise ValueError(say("learning.pairs_count", name="pairs", most=MAX_PAIRS, count=len(pairs)))
    checked = []
    for k, pair in enumerate(pairs):
        name = f"pairs[{k}]"
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(say("learning.pair_type", name=name, kind=type(pair).__name__))
        x = _matrix(pair[0], say("learning.pair_x", name=name))
        y = _matrix(pair[1], say("learning.pair_y", name=name))
        fits = (x.shape[0] - y.shape[0] + 1, x.shape[1] - y.shape[1] + 1)
        if min(fits) < 1:
            raise ValueError(say("learning.y_larger", name=name, y_shape=y.shape, x_shape=x.shape))
        if kernel_shape is None:
            kernel_shape = fits
        if fits != tuple(kernel_shape):
            raise ValueError(say("learning.pair_kernel", name=name, x_shape=x.shape, y_shape=y.shape,
                                 fit_rows=fits[0], fit_cols=fits[1],
                                 rows=kernel_shape[0], cols=kernel_shape[1],
                                 y_rows=x.shape[0] - kernel_shape[0] + 1,
                                 y_cols=x.shape[1] - kernel_shape[1] + 1))
        checked.append((x, y))
    return checked, tuple(kernel_shape)


# ---------------------------------------------------------------------------------------
# The data, the loss, the descent
# ---------------------------------------------------------------------------------------
def make_pairs(hidden, count=3, x_shape=(5, 5), seed=0):
    """``count`` pairs (X, Y): X of x_shape with whole numbers from -2 to 2 (numpy Generator
    ``seed``), Y = X ⋆ hidden (cross-correlation, no bias), of shape
    (H - KH + 1) x (W - KW + 1).

    >>> x, y = make_pairs([[1, 0], [0, 0]], count=1, x_shape=(3, 3))[0]
    >>> np.array_equal(y, x[:2, :2])
    True
    """
    hidden = _matrix(hidden, "hidden")
    count = _whole(count, "count", 1, MAX_PAIRS)
    x_shape = _shape(x_shape, "x_shape")
    if x_shape[0] < hidden.shape[0] or x_shape[1] < hidden.shape[1]:
        raise ValueError(say("learning.x_shape_small", x_shape=x_shape, rows=hidden.shape[0],
                             cols=hidden.shape[1]))
    rng = np.random.default_rng(seed)
    xs = [rng.integers(-2, 3, size=x_shape).astype(float) for _ in range(count)]
    return [(x, ops.conv2d_forward(x, hidden, 0.0)) for x in xs]


def _loss_and_grad(w, pairs):
    outputs = sum(y.size for _, y in pairs)
    loss, grad = 0.0, np.zeros_like(w)
    for x, y in pairs:
        error = ops.conv2d_forward(x, w, 0.0) - y
        loss += float(np.sum(error ** 2)) / (2 * outputs)
        grad += ops.conv2d_backward(error / outputs, x, w, 0.0)[1]
    return loss, grad


def squared_error_loss(w, pairs):
    """(L, dL/dW) of the kernel w on the pairs: L = 1/(2M) * sum (ŷ_ij - y_ij)^2 over every
    pair and output position (M of them), dL/dW from ``conv2d_backward`` with
    dL/dŶ = (Ŷ - Y) / M.

    w : (KH, KW);  pairs : list of (x (H, W), y (H - KH + 1, W - KW + 1))
    """
    pairs, kernel_shape = _pairs(pairs)
    w = _matrix(w, "w")
    if w.shape != kernel_shape:
        raise ValueError(say("learning.w_shape", shape=w.shape, rows=kernel_shape[0],
                             cols=kernel_shape[1]))
    with np.errstate(over="ignore", invalid="ignore"):
        return _loss_and_grad(w, pairs)


@dataclass(frozen=True, eq=False)
class KernelTrace:
    """A run of gradient descent, one entry per iteration t = 0 (the start) ... T.

    w : (T+1, KH, KW) -- W before step t+1 (w[0] is the start, w[-1] the last W)
    loss : (T+1,) -- L at w[t];  grad : (T+1, KH, KW) -- dL/dW at w[t]
    rate : the learning rate;  steps : the steps asked for (T == steps unless diverged)
    diverged : True if the run stopped early: the loss passed DIVERGED_FACTOR times its first
        value, or the next W would not have been a finite number (that W is left out).
    Every number in the trace is finite.
    """
    w: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    rate: float
    steps: int
    diverged: bool

    @property
    def iterations(self):
        """T: the steps taken."""
        return len(self.loss) - 1


def learn_kernel(pairs, rate, steps, w0=None):
    """Gradient descent on W from w0 (zeros if None): W <- W - rate * dL/dW, ``steps`` times,
    L as in ``squared_error_loss``. Returns a ``KernelTrace``.

    pairs : list of (x, y) with y = (H - KH + 1) x (W - KW + 1); the kernel shape comes from
    them (or from w0, which must agree).  rate : a number >= 0.  steps : 0 ... MAX_STEPS.
    """
    rate = _rate(rate)
    steps = _whole(steps, "steps", 0, MAX_STEPS)
    if w0 is None:
        pairs, kernel_shape = _pairs(pairs)
        w = np.zeros(kernel_shape)
    else:
        w = _matrix(w0, "w0")
        pairs, _ = _pairs(pairs, w.shape)
    ws, losses, grads = [], [], []
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        loss, grad = _loss_and_grad(w, pairs)
        limit = DIVERGED_FACTOR * max(loss, np.finfo(float).tiny)
        for t in range(steps + 1):
            ws.append(w)
            losses.append(loss)
            grads.append(grad)
            if loss > limit:  # kept: the first loss past the limit is still a finite number
                diverged = True
                break
            if t == steps:
                break
            w_next = w - rate * grad
            if not np.all(np.isfinite(w_next)):
                diverged = True
                break
            loss_next, grad_next = _loss_and_grad(w_next, pairs)
            if not (np.isfinite(loss_next) and np.all(np.isfinite(grad_next))):
                diverged = True
                break
            w, loss, grad = w_next, loss_next, grad_next
    return KernelTrace(w=np.array(ws), loss=np.array(losses), grad=np.array(grads),
                       rate=rate, steps=steps, diverged=diverged)


def largest_stable_rate(pairs):
    """2 / lambda_max: gradient descent on ``squared_error_loss`` converges (from any start)
    for rates below it and grows beyond it. lambda_max is the largest eigenvalue of the loss's
    curvature H = (1/M) * sum over pairs of P^T P, P = im2col(x) (one window per row).
    It depends on the inputs X only, not on the hidden kernel. inf if every X is zero.
    """
    pairs, kernel_shape = _pairs(pairs)
    outputs = sum(y.size for _, y in pairs)
    patches = [matrix_form.im2col(x, kernel_shape) for x, _ in pairs]
    curvature = sum(p.T @ p for p in patches) / outputs
    largest = float(np.linalg.eigvalsh(curvature)[-1])
    return 2.0 / largest if largest > 0 else float("inf")


def largest_difference(trace, hidden):
    """(T+1,): max over the entries of |w_mn - w*_mn| at each iteration of ``trace``."""
    hidden = _matrix(hidden, "hidden")
    if hidden.shape != trace.w.shape[1:]:
        raise ValueError(say("learning.hidden_shape", name="hidden", shape=hidden.shape,
                             rows=trace.w.shape[1], cols=trace.w.shape[2]))
    return np.max(np.abs(trace.w - hidden), axis=(1, 2))
