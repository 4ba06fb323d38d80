"""The seed's two layers chained, with a loss: forward, then backward, every step kept (numpy only).

    X --conv(W, b)--> Y --maxpool--> P --loss with target T--> L = 1/2 * sum_ij (p_ij - t_ij)^2

Forward is the convolution of the seed's section 1, then the max-pooling of its section 3.
Backward runs the chain rule from the end:

    dL/dP = P - T                                   (the derivative of the loss)
    dL/dY = the pool's backward: for every window Y'_k, dL/dp_ij * M_k, ADDED at its place
    dL/dX, dL/dW, dL/db = the convolution's backward, fed dL/dY

Every layer is a call to ``cnnviz.ops``; this module only wires them together and keeps
each intermediate, so that a notebook can show all of them. Shapes follow ``cnnviz.ops``:
the seed's 2-D case (X (H, W), W (KH, KW)) or NCHW.

>>> r = conv_pool_loss(**example())
>>> r.p
array([[7., 6.],
       [6., 6.]])
>>> float(r.loss)
3.5
"""
from typing import NamedTuple

import numpy as np

from . import examples
from ..layers import gradcheck
from ..layers import ops

__all__ = ["ChainRecord", "example", "seed_example", "conv_pool_loss", "loss_of", "gradient_errors"]


class ChainRecord(NamedTuple):
    """Everything the chain computes, forward then backward, as plain arrays.

    x, w, b, target : the inputs;  y : conv output;  p : pool output;  loss : L (a float)
    windows : the pool's windows Y'_k of y, (..., PH, PW, size, size), row-major in k
    masks   : M_k, same shape as windows, 1 at the window's maximum
    pool_stride : how far apart the windows start (window (i, j) starts at y[i*s, j*s])
    dp : dL/dP;  dy : dL/dY (through the masks);  dx, dw, db : dL/dX, dL/dW, dL/db
    """

    x: np.ndarray
    w: np.ndarray
    b: np.ndarray
    target: np.ndarray
    y: np.ndarray
    p: np.ndarray
    loss: float
    windows: np.ndarray
    masks: np.ndarray
    pool_stride: int
    dp: np.ndarray
    dy: np.ndarray
    dx: np.ndarray
    dw: np.ndarray
    db: np.ndarray


def example():
    """X 4x4, the seed's W, b 3x3 (one per position), T 2x2: the pool then sees a 3x3 Y.

    Conv gives Y 3x3, so the 2x2 pool with stride 1 has exactly the seed's four overlapping
    windows; y22 is the maximum of three of them, y11 of the fourth. No window has a tie.
    """
    return {
        "x": np.array([[2.0, 2.0, 0.0, 1.0],
                       [3.0, 1.0, 2.0, 3.0],
                       [0.0, 3.0, 0.0, 3.0],
                       [2.0, 1.0, 1.0, 2.0]]),
        "w": np.array([[1.0, -1.0], [2.0, 0.0]]),
        "b": np.eye(3),
        "target": np.array([[6.0, 4.0], [5.0, 7.0]]),
    }


def seed_example():
    """The seed's own X 3x3, W, b 2x2 (``examples.seed_conv``) and a 1x1 target.

    Conv gives Y 2x2, so a 2x2 pool with stride 1 has a single window and P is 1x1.
    """
    seed = examples.seed_conv()
    return {"x": seed["x"], "w": seed["w"], "b": seed["b"], "target": np.array([[3.0]])}


def _windows(y, size, stride):
    """The pool's windows Y'_k of y, (..., PH, PW, size, size): read-only copies, no math."""
    view = np.lib.stride_tricks.sliding_window_view(y, (size, size), axis=(-2, -1))
    return view[..., ::stride, ::stride, :, :].copy()


def conv_pool_loss(x, w, b, target, pool_size=2, pool_stride=1, stride=1, padding=0, ties="first"):
    """Forward and backward through conv -> max-pool -> L = 1/2 * sum (P - T)^2.

    x : (H, W) or (N, C, H, W);  w : (KH, KW) or (F, C, KH, KW);  b : as in ``ops.conv2d_forward``
    target : P's shape, (PH, PW) or (N, F, PH, PW), with
        HO = (H + 2*padding - KH) // stride + 1,   PH = (HO - pool_size) // pool_stride + 1
    stride, padding : the convolution's;  pool_size, pool_stride (ints), ties : the pool's
    returns a ``ChainRecord``; dx, dw, db have the shapes of x, w, b.

    >>> r = conv_pool_loss(**seed_example())
    >>> r.y
    array([[0., 4.],
           [3., 1.]])
    >>> r.p, r.dp
    (array([[4.]]), array([[1.]]))
    >>> r.dy
    array([[0., 1.],
           [0., 0.]])
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)

    # forward
    y = ops.conv2d_forward(x, w, b, stride=stride, padding=padding)
    p = ops.maxpool2d_forward(y, pool_size, pool_stride)
    if target.shape != p.shape:
        raise ValueError(f"target has shape {target.shape} but the pool's output P has shape {p.shape}")
    loss = 0.5 * float(np.sum((p - target) ** 2))

    # backward, from the end
    dp = p - target
    dy = ops.maxpool2d_backward(dp, y, pool_size, pool_stride, ties=ties)
    dx, dw, db = ops.conv2d_backward(dy, x, w, b, stride=stride, padding=padding)

    return ChainRecord(
        x=x, w=w, b=b, target=target, y=y, p=p, loss=loss,
        windows=_windows(y, pool_size, pool_stride),
        masks=ops.maxpool2d_masks(y, pool_size, pool_stride, ties=ties), pool_stride=pool_stride,
        dp=dp, dy=dy, dx=dx, dw=dw, db=np.asarray(db, dtype=np.float64),
    )


def loss_of(x, w, b, target, pool_size=2, pool_stride=1, stride=1, padding=0):
    """L alone, forward only: the function that finite differences nudge.

    >>> loss_of(**example())
    3.5
    """
    y = ops.conv2d_forward(x, w, b, stride=stride, padding=padding)
    p = ops.maxpool2d_forward(y, pool_size, pool_stride)
    return 0.5 * float(np.sum((p - np.asarray(target, dtype=np.float64)) ** 2))


def gradient_errors(x, w, b, target, eps=1e-6, **options):
    """Relative error of the chain's dL/dX, dL/dW, dL/db against finite differences.

    Uses ``cnnviz.gradcheck.check_gradient`` on L as a function of each input alone.
    options : pool_size, pool_stride, stride, padding (as in ``conv_pool_loss``)
    returns {"x": err, "w": err, "b": err}; a correct backward gives about 1e-10 or less.
    Max-pooling has a kink where a window's maximum is tied: away from ties, as here, L is
    differentiable and the check is exact up to rounding.

    >>> errors = gradient_errors(**example())
    >>> {name: bool(err < 1e-7) for name, err in errors.items()}
    {'x': True, 'w': True, 'b': True}
    """
    r = conv_pool_loss(x, w, b, target, **options)
    return {
        "x": gradcheck.check_gradient(lambda x_: loss_of(x_, r.w, r.b, r.target, **options), r.x, r.dx, eps),
        "w": gradcheck.check_gradient(lambda w_: loss_of(r.x, w_, r.b, r.target, **options), r.w, r.dw, eps),
        "b": gradcheck.check_gradient(lambda b_: loss_of(r.x, r.w, b_, r.target, **options), r.b, r.db, eps),
    }
