"""The derivation's two layers chained, with a loss: forward, then backward, every step kept (numpy only).

    X --conv(W, b)--> Y --maxpool--> Z --loss with target T--> L = 1/2 * sum_ij (z_ij - t_ij)^2

Forward is the convolution of the derivation's section 1, then the max-pooling of its section 3.
Backward runs the chain rule from the end:

    dL/dZ = Z - T                                   (the derivative of the loss)
    dL/dY = the pool's backward: for every window Y'_k, dL/dz_ij * M_k, ADDED at its place
    dL/dX, dL/dW, dL/db = the convolution's backward, fed dL/dY

Every layer is a call to ``cnnviz.ops``; this module only wires them together and keeps
each intermediate, so that a notebook can show all of them. Shapes follow ``cnnviz.ops``:
the derivation's 2-D case (X (H_in, W_in), W (KH, KW)) or NCHW. The pooled output is Z, not
P: p is the padding.

``conv_pool_backward`` starts the backward pass from a given dL/dZ instead of a target (the
gradient any loss after the pool would send back).

>>> r = conv_pool_loss(**example())
>>> r.z
array([[7., 6.],
       [6., 6.]])
>>> float(r.loss)
3.5
"""
from typing import NamedTuple

import numpy as np

from . import examples
from ..layers import _args, gradcheck
from ..layers import ops
from ..words import say

__all__ = ["ChainRecord", "example", "worked_example", "conv_pool_loss", "conv_pool_backward",
           "loss_of", "gradient_errors"]


class ChainRecord(NamedTuple):
    """Everything the chain computes, forward then backward, as plain arrays.

    x, w, b : the inputs;  target : T (None when the backward pass started from a given dL/dZ)
    y : conv output Y;  z : pool output Z;  loss : L (a float; None without a target)
    windows : the pool's windows Y'_k of y, (..., H_pool, W_pool, size, size), row-major in k
    masks   : M_k, same shape as windows, 1 at the window's maximum
    pool_stride : how far apart the windows start (window (i, j) starts at y[i*s, j*s])
    dz : dL/dZ;  dy : dL/dY (through the masks);  dx, dw, db : dL/dX, dL/dW, dL/db
    """

    x: np.ndarray
    w: np.ndarray
    b: np.ndarray
    target: np.ndarray | None
    y: np.ndarray
    z: np.ndarray
    loss: float | None
    windows: np.ndarray
    masks: np.ndarray
    pool_stride: int
    dz: np.ndarray
    dy: np.ndarray
    dx: np.ndarray
    dw: np.ndarray
    db: np.ndarray


def example():
    """X 4x4, the worked example's W, b 3x3 (one per position), T 2x2: the pool then sees a 3x3 Y.

    Conv gives Y 3x3, so the 2x2 pool with stride 1 has exactly the derivation's four overlapping
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


def worked_example():
    """The worked example's X 3x3, W, b 2x2 (``examples.worked_conv``) and a 1x1 target.

    Conv gives Y 2x2, so a 2x2 pool with stride 1 has a single window and Z is 1x1.
    """
    worked = examples.worked_conv()
    return {"x": worked["x"], "w": worked["w"], "b": worked["b"], "target": np.array([[3.0]])}


def _windows(y, size, stride):
    """The pool's windows Y'_k of y, (..., H_pool, W_pool, size, size): read-only copies, no math."""
    view = np.lib.stride_tricks.sliding_window_view(y, (size, size), axis=(-2, -1))
    return view[..., ::stride, ::stride, :, :].copy()


def _forward(x, w, b, pool_size, pool_stride, stride, padding):
    """x, w, b as float64 arrays, Y and Z."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    y = ops.conv2d_forward(x, w, b, stride=stride, padding=padding)
    z = ops.maxpool2d_forward(y, pool_size, pool_stride)
    return x, w, b, y, z


def _backward(x, w, b, y, z, dz, target, loss, pool_size, pool_stride, stride, padding, ties):
    """The chain rule from dL/dZ back to X, W and b; everything in one record."""
    dy = ops.maxpool2d_backward(dz, y, pool_size, pool_stride, ties=ties)
    dx, dw, db = ops.conv2d_backward(dy, x, w, b, stride=stride, padding=padding)
    return ChainRecord(
        x=x, w=w, b=b, target=target, y=y, z=z, loss=loss,
        windows=_windows(y, pool_size, pool_stride),
        masks=ops.maxpool2d_masks(y, pool_size, pool_stride, ties=ties), pool_stride=pool_stride,
        dz=dz, dy=dy, dx=dx, dw=dw, db=np.asarray(db, dtype=np.float64),
    )


def conv_pool_loss(x, w, b, target, pool_size=2, pool_stride=1, stride=1, padding=0, ties="first"):
    """Forward and backward through conv -> max-pool -> L = 1/2 * sum (Z - T)^2.

    x : (H_in, W_in) or (N, C, H_in, W_in);  w : (KH, KW) or (F, C, KH, KW);
    b : as in ``ops.conv2d_forward``
    target : Z's shape, (H_pool, W_pool) or (N, F, H_pool, W_pool), with
        H_out = (H_in + 2*padding - KH) // stride + 1     (Y is H_out x W_out)
        H_pool = (H_out - pool_size) // pool_stride + 1   (W_out, W_pool likewise)
    stride, padding : the convolution's;  pool_size, pool_stride (ints), ties : the pool's
    returns a ``ChainRecord``; dx, dw, db have the shapes of x, w, b.

    >>> r = conv_pool_loss(**worked_example())
    >>> r.y
    array([[0., 4.],
           [3., 1.]])
    >>> r.z, r.dz
    (array([[4.]]), array([[1.]]))
    >>> r.dy
    array([[0., 1.],
           [0., 0.]])
    """
    x, w, b, y, z = _forward(x, w, b, pool_size, pool_stride, stride, padding)
    target = np.asarray(target, dtype=np.float64)
    if target.shape != z.shape:
        raise ValueError(say("chain_math.target_shape", arg="target", shape=target.shape,
                             z_shape=z.shape))
    loss = 0.5 * float(np.sum((z - target) ** 2))
    return _backward(x, w, b, y, z, z - target, target, loss,
                     pool_size, pool_stride, stride, padding, ties)


def conv_pool_backward(x, w, b, dz, pool_size=2, pool_stride=1, stride=1, padding=0, ties="first"):
    """Forward through conv -> max-pool, then backward from a given dL/dZ.

    The backward pass needs nothing of the loss but the gradient it sends back, dL/dZ; here
    that gradient is given, so any loss after the pool is covered (``conv_pool_loss`` is the
    case dz = Z - T). Arguments as in ``conv_pool_loss``, with dz of Z's shape instead of a
    target. The record's target and loss are None.

    >>> ex = example()
    >>> r = conv_pool_backward(ex["x"], ex["w"], ex["b"], np.ones((2, 2)))
    >>> r.dy                      # y22 is the maximum of three windows, y11 of one
    array([[1., 0., 0.],
           [0., 3., 0.],
           [0., 0., 0.]])
    >>> r.target is None and r.loss is None
    True
    """
    x, w, b, y, z = _forward(x, w, b, pool_size, pool_stride, stride, padding)
    dz = _args.as_array(dz, "dL/dZ")
    if dz.shape != z.shape:
        raise ValueError(say("chain_math.dz_shape", shape=dz.shape, z_shape=z.shape))
    return _backward(x, w, b, y, z, dz, None, None, pool_size, pool_stride, stride, padding, ties)


def loss_of(x, w, b, target, pool_size=2, pool_stride=1, stride=1, padding=0):
    """L alone, forward only: the function that finite differences nudge.

    >>> loss_of(**example())
    3.5
    """
    _, _, _, _, z = _forward(x, w, b, pool_size, pool_stride, stride, padding)
    return 0.5 * float(np.sum((z - np.asarray(target, dtype=np.float64)) ** 2))


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
