"""Check a backward pass by finite differences: the one shared helper (numpy, and the catalog
of words for its messages: a pure-Python data module).

A backward pass claims dL/dx. Nudge one entry of x up and down by eps, watch L change, and
the slope (L(x + eps) - L(x - eps)) / (2 eps) is that entry's derivative, up to O(eps^2).
Doing this for every entry gives a numerical gradient to compare with the analytic one.

To check a layer, make a scalar loss of its output, for example L = sum(dy * y): then
dL/dy = dy, so the layer's backward, fed dy, must return dL/dx:

>>> import numpy as np
>>> from cnnviz import ops
>>> rng = np.random.default_rng(0)
>>> x, w, dy = rng.normal(size=(3, 3)), rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
>>> dx, dw, db = ops.conv2d_backward(dy, x, w, 0.5)
>>> loss_of_x = lambda x_: np.sum(dy * ops.conv2d_forward(x_, w, 0.5))
>>> check_gradient(loss_of_x, x, dx) < 1e-7
True
"""
import numpy as np

from ..words import say

__all__ = ["numerical_gradient", "relative_error", "check_gradient"]


def numerical_gradient(f, x, eps=1e-6):
    """dL/dx by centred differences, for a scalar function L = f(x).

    x : array of any shape (a scalar too);  returns an array of x's shape, float64, with
        grad[idx] = (f(x + eps at idx) - f(x - eps at idx)) / (2 * eps)
    f is called 2 * x.size times, on a float64 copy of x: the caller's x is never modified.

    >>> numerical_gradient(lambda v: np.sum(v ** 2), np.array([1.0, -2.0, 3.0]))  # 2 v
    array([ 2., -4.,  6.])
    """
    if not eps > 0:
        raise ValueError(say("gradcheck.eps", name="eps", value=eps))
    point = np.array(x, dtype=np.float64)  # a copy: nudging it leaves x alone
    grad = np.zeros(point.shape)
    for idx in np.ndindex(point.shape):
        original = point[idx]
        point[idx] = original + eps
        f_plus = _scalar(f(point))
        point[idx] = original - eps
        f_minus = _scalar(f(point))
        point[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


def _scalar(value):
    value = np.asarray(value, dtype=np.float64)
    if value.size != 1:
        raise ValueError(say("gradcheck.not_scalar", shape=value.shape))
    return float(value.reshape(()))


def relative_error(a, b):
    """How far apart two gradients are, relative to their size (0 = identical).

        relative_error(a, b) = max |a - b| / max(max |a| + max |b|, 1e-300)

    The size is taken over the whole array, not entry by entry: an entry whose true value
    is (near) zero would make an entry-by-entry ratio |a - b| / (|a| + |b|) blow up on mere
    rounding noise. With float64 and eps = 1e-6, a correct backward pass gives about
    1e-10 here; a wrong one gives 1e-2 or more. Both zero gives 0. a and b must have the
    same shape (no broadcasting).

    >>> relative_error([1.0, 2.0], [1.0, 2.0])
    0.0
    >>> relative_error([1.0, 2.0], [1.0, 3.0])   # 1 / (2 + 3)
    0.2
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(say("gradcheck.shapes", a=a.shape, b=b.shape))
    if a.size == 0:
        return 0.0
    scale = np.max(np.abs(a)) + np.max(np.abs(b))
    return float(np.max(np.abs(a - b)) / max(scale, 1e-300))


def check_gradient(f, x, analytic, eps=1e-6):
    """relative_error(analytic, numerical_gradient(f, x, eps)): small means analytic is right.

    f : scalar loss as a function of x alone;  analytic : the claimed dL/dx, x's shape.

    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> check_gradient(lambda v: np.sum(v ** 3), x, 3 * x ** 2) < 1e-7
    True
    >>> check_gradient(lambda v: np.sum(v ** 3), x, 2 * x ** 2) > 0.1   # a wrong gradient
    True
    """
    return relative_error(analytic, numerical_gradient(f, x, eps))


def conv_layer_check(dy, x, w, b, stride=1, padding=0, dilation=1, eps=1e-6):
    """Check conv2d_backward against finite differences for x, w and b, with L = sum(dy * y).

    returns {"x": (analytic, numerical, relative_error), "w": (...), "b": (...)}; analytic
    from ``ops.conv2d_backward``, numerical from ``numerical_gradient`` of L in that argument.

    >>> report = conv_layer_check(np.ones((2, 2)), np.arange(9.).reshape(3, 3), np.eye(2), 0.0)
    >>> all(err < 1e-7 for _, _, err in report.values())
    True
    """
    from . import ops

    args = dict(stride=stride, padding=padding, dilation=dilation)
    x, w, b, dy = (np.asarray(a, dtype=np.float64) for a in (x, w, b, dy))
    analytic = dict(zip("xwb", ops.conv2d_backward(dy, x, w, b, **args)))
    losses = {
        "x": lambda v: np.sum(dy * ops.conv2d_forward(v, w, b, **args)),
        "w": lambda v: np.sum(dy * ops.conv2d_forward(x, v, b, **args)),
        "b": lambda v: np.sum(dy * ops.conv2d_forward(x, w, v, **args)),
    }
    report = {}
    for name, loss in losses.items():
        numeric = numerical_gradient(loss, {"x": x, "w": w, "b": b}[name], eps)
        report[name] = (analytic[name], numeric, relative_error(analytic[name], numeric))
    return report


def avgpool_layer_check(dy, x, size=2, stride=1, eps=1e-6):
    """Check avgpool2d_backward against finite differences for x, with L = sum(dy * y).

    returns {"x": (analytic, numerical, relative_error)}, as ``conv_layer_check`` does;
    analytic from ``ops.avgpool2d_backward``, numerical from ``numerical_gradient`` of L in x.

    >>> report = avgpool_layer_check(np.ones((2, 2)), np.arange(9.).reshape(3, 3))
    >>> report["x"][2] < 1e-7
    True
    """
    from . import ops

    x, dy = (np.asarray(a, dtype=np.float64) for a in (x, dy))
    analytic = ops.avgpool2d_backward(dy, x, size, stride)
    numeric = numerical_gradient(lambda v: np.sum(dy * ops.avgpool2d_forward(v, size, stride)),
                                 x, eps)
    return {"x": (analytic, numeric, relative_error(analytic, numeric))}
