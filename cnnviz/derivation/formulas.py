r"""The derivation's formulas as LaTeX, generated for any size, symbolic and with numbers filled in.

Notation is the derivation's, with 1-based indices: x_{11}, w_{11}, b_{11}, y_{11},
\frac{\partial L}{\partial y_{11}}, X'_{1}, M_{1}. From 10 on the two indices are separated by
a comma: x_{1,10}. Every function takes 0-based positions (like numpy) and prints them
1-based, so ``conv_output_formula(0, 0, ...)`` is the formula for y_{11}.

Each ``*_formula`` returns one equation; with ``values`` it continues with the numbers
substituted and the result:

    y_{11} = w_{11} \cdot x_{11} + ... + b_{11} = 1 \cdot 2 + ... + 0 = 7

``values`` is one dict for all functions, e.g. ``dict(x=X, w=W, b=b, dy=dY)``; each function
reads only what it needs (x, w, b for y; dy, w for dL/dx; dy, x for dL/dw; dy for dL/db;
x for the pooling windows, and dy too for their gradients). Each ``*_equations`` returns
the list of all of them, in row-major order (the derivation lists y11, y12, y21, y22).

Terms that would read the zero padding are left out (they are 0); an empty sum is
written 0. Numbers: integers without ".0", otherwise up to 3 decimals (3 significant digits
below 1), negatives in parentheses where they are operands: 2 \cdot (-1).
The strings carry no $...$: wrap them to display.
"""
from typing import NamedTuple

import numpy as np

from ..layers import _args
from ..layers import ops
from ..layers.steps import window_coordinates
from ..words import say

__all__ = [
    "format_number",
    "conv_output_formula",
    "conv_input_grad_formula",
    "conv_weight_grad_formula",
    "conv_bias_grad_formula",
    "conv_forward_equations",
    "conv_input_grad_equations",
    "conv_weight_grad_equations",
    "conv_bias_grad_equations",
    "pool_window_formula",
    "pool_output_formula",
    "pool_local_grad_formula",
    "pool_window_equations",
    "pool_output_equations",
    "pool_local_grad_equations",
]

BIAS_MODES = ("position", "shared")


# ---------------------------------------------------------------------------------------
# Numbers and symbols
# ---------------------------------------------------------------------------------------
def format_number(value):
    r"""A number as a student would write it: 3, -1.5, 0.333, 0.00123, 1.2 \times 10^{-5}.

    >>> [format_number(v) for v in (3.0, -0.0, 2.5, -1/3, 1234.56789, 0.0012345)]
    ['3', '0', '2.5', '-0.333', '1234.568', '0.00123']
    """
    value = float(value)
    if not np.isfinite(value):
        return r"\text{NaN}" if np.isnan(value) else ("-" if value < 0 else "") + r"\infty"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.3f}" if abs(value) >= 1 else f"{value:.3g}"
    if "e" in text:  # tiny: 1.23e-05 -> 1.23 \times 10^{-5}
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _operand(value):
    """A number inside a sum or product: negatives (and 10^k forms) in parentheses."""
    text = format_number(value)
    return f"({text})" if text.startswith("-") or r"\times" in text else text


def _sub(r, c):
    """Subscript of 0-based (r, c), printed 1-based: '11', or '1,10' from 10 on."""
    r, c = r + 1, c + 1
    return f"{r},{c}" if max(r, c) >= 10 else f"{r}{c}"


def _x(r, c):
    return f"x_{{{_sub(r, c)}}}"


def _w(m, n):
    return f"w_{{{_sub(m, n)}}}"


def _y(i, j):
    return f"y_{{{_sub(i, j)}}}"


def _b(i, j):
    return f"b_{{{_sub(i, j)}}}"


def _d(symbol):
    return rf"\frac{{\partial L}}{{\partial {symbol}}}"


def _product(a, b):
    return rf"{a} \cdot {b}"


def _bmatrix(entries):
    rows = [" & ".join(row) for row in entries]
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def _equation(lhs, terms, numbers=None, result=None):
    """lhs = terms joined by + [= numbers joined by + = result], without repeated sides."""
    sides = [lhs, " + ".join(terms) or "0"]
    if numbers is not None:
        sides += [" + ".join(numbers) or "0", format_number(result)]
    kept = [sides[0]]
    for side in sides[1:]:
        if _unwrapped(side) == _unwrapped(kept[-1]):  # no "= 0 = 0", no "= (-3) = -3"
            kept[-1] = side
        else:
            kept.append(side)
    return " = ".join(kept)


def _unwrapped(text):
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


# ---------------------------------------------------------------------------------------
# Geometry and values
# ---------------------------------------------------------------------------------------
class _Geometry(NamedTuple):
    x_shape: tuple
    kernel: tuple
    stride: tuple
    padding: tuple
    dilation: tuple
    out_shape: tuple

    def taps(self, i, j):
        """(m, n, r, c) of every kernel tap of window (i, j) that lands inside x."""
        rows, cols = window_coordinates(i, j, self.kernel, self.stride, self.padding,
                                         self.dilation)
        return [
            (m, n, int(r), int(c))
            for m, r in enumerate(rows)
            for n, c in enumerate(cols)
            if 0 <= r < self.x_shape[0] and 0 <= c < self.x_shape[1]
        ]

    def readers(self, r, c):
        """(i, j, m, n) of every output y_ij whose tap w_mn reads x_rc, row-major in (i, j).

        Inverts r = i*stride - padding + m*dilation: for each m, i = (r + padding -
        m*dilation) / stride must be a whole number in 0 .. HO-1 (cols likewise).
        """
        (sh, sw), (ph, pw), (dh, dw) = self.stride, self.padding, self.dilation
        found = []
        for m in range(self.kernel[0]):
            i, rest = divmod(r + ph - m * dh, sh)
            if rest or not 0 <= i < self.out_shape[0]:
                continue
            for n in range(self.kernel[1]):
                j, rest = divmod(c + pw - n * dw, sw)
                if rest == 0 and 0 <= j < self.out_shape[1]:
                    found.append((i, j, m, n))
        return sorted(found)

    def outputs(self):
        """Every output position (i, j), row-major."""
        return [(i, j) for i in range(self.out_shape[0]) for j in range(self.out_shape[1])]


def _geometry(x_shape, kernel, stride=1, padding=0, dilation=1, what="kernel"):
    """Checked as the ops check them; shapes may be ints (square) or pairs."""
    x_shape = _args.pair(x_shape, "x_shape", 1)
    kernel = _args.pair(kernel, "w_shape" if what == "kernel" else "size", 1)
    stride = _args.pair(stride, "stride", 1)
    padding = _args.pair(padding, "padding", 0)
    dilation = _args.pair(dilation, "dilation", 1)
    out_shape = _args.output_shape(x_shape, kernel, stride, padding, dilation, what=what)
    return _Geometry(x_shape, kernel, stride, padding, dilation, out_shape)


def _check_position(i, j, shape, what):
    """what: "output", "input" or "kernel"."""
    if not (0 <= i < shape[0] and 0 <= j < shape[1]):
        raise IndexError(say("formulas.position", what=say(f"formulas.{what}"), i=i, j=j,
                             last_row=shape[0] - 1, last_col=shape[1] - 1))


def _value(values, name, shape=None):
    """values[name] as a float array, of the given shape if one is given."""
    if name not in values:
        raise KeyError(say("formulas.values_missing", arg="values", name=name, keys=sorted(values)))
    array = _args.as_array(values[name], name)
    if shape is not None and array.shape != tuple(shape):
        raise ValueError(say("formulas.values_shape", arg="values", name=name, shape=array.shape,
                             want=tuple(shape)))
    return array


def _bias_mode(bias, values, geometry):
    """'position' or 'shared'; None means: from values['b'] if given, else the derivation's."""
    if values is not None and "b" in values:
        _, per_position, _ = _args.bias_4d(values["b"], 1, geometry.out_shape, two_d=True)
        found = "position" if per_position else "shared"
        if bias not in (None, found):
            raise ValueError(say("formulas.bias_conflict", given=f"bias={bias!r}",
                                 values_b="values['b']", found=found))
        return found
    if bias is None:
        return "position"
    if bias not in BIAS_MODES:
        raise ValueError(say("formulas.bias_mode", arg="bias", modes=BIAS_MODES, bias=bias))
    return bias


# ---------------------------------------------------------------------------------------
# Convolution
# ---------------------------------------------------------------------------------------
def conv_output_formula(i, j, x_shape, w_shape, stride=1, padding=0, dilation=1,
                        bias=None, values=None):
    r"""y_ij = sum over the window of w_mn \cdot x_.. + b_ij (i, j 0-based).

    x_shape (H, W), w_shape (KH, KW) : ints or pairs;  bias : "position" (b_{ij}, the derivation's)
    or "shared" (one b); None takes it from values["b"] if given.
    values : dict with x (H, W), w (KH, KW), b (scalar or (HO, WO)).

    >>> print(conv_output_formula(0, 1, (3, 3), (2, 2)))
    y_{12} = w_{11} \cdot x_{12} + w_{12} \cdot x_{13} + w_{21} \cdot x_{22} + w_{22} \cdot x_{23} + b_{12}
    >>> x = np.arange(1, 10).reshape(3, 3)
    >>> print(conv_output_formula(0, 0, (3, 3), (2, 2), values=dict(x=x, w=[[1, 0], [0, -1]], b=2)))
    y_{11} = w_{11} \cdot x_{11} + w_{12} \cdot x_{12} + w_{21} \cdot x_{21} + w_{22} \cdot x_{22} + b = 1 \cdot 1 + 0 \cdot 2 + 0 \cdot 4 + (-1) \cdot 5 + 2 = -2
    """
    geometry = _geometry(x_shape, w_shape, stride, padding, dilation)
    _check_position(i, j, geometry.out_shape, "output")
    mode = _bias_mode(bias, values, geometry)
    taps = geometry.taps(i, j)
    terms = [_product(_w(m, n), _x(r, c)) for m, n, r, c in taps]
    terms.append(_b(i, j) if mode == "position" else "b")
    if not taps:  # the window reads only padding: y = 0 + b
        terms.insert(0, "0")
    if values is None:
        return _equation(_y(i, j), terms)
    x = _value(values, "x", geometry.x_shape)
    w = _value(values, "w", geometry.kernel)
    b = _value(values, "b")  # its shape was checked by _bias_mode
    b_ij = b[i, j] if mode == "position" else b.reshape(())
    numbers = [_product(_operand(w[m, n]), _operand(x[r, c])) for m, n, r, c in taps]
    numbers.append(_operand(b_ij))
    if not taps:
        numbers.insert(0, "0")
    result = sum(w[m, n] * x[r, c] for m, n, r, c in taps) + b_ij
    return _equation(_y(i, j), terms, numbers, result)


def conv_input_grad_formula(r, c, x_shape, w_shape, stride=1, padding=0, dilation=1,
                            values=None):
    r"""dL/dx_rc = sum of dL/dy_ij \cdot w_mn over the outputs whose window reads x_rc.

    r, c : 0-based position in x.  values : dict with dy (HO, WO) and w (KH, KW).
    Outputs come in row-major order; a cell no window reads gets 0.

    >>> print(conv_input_grad_formula(0, 1, (3, 3), (2, 2)))
    \frac{\partial L}{\partial x_{12}} = \frac{\partial L}{\partial y_{11}} \cdot w_{12} + \frac{\partial L}{\partial y_{12}} \cdot w_{11}
    >>> print(conv_input_grad_formula(0, 2, (3, 3), (2, 2), values=dict(dy=[[1, 2], [3, 4]], w=[[1, -2], [3, 4]])))
    \frac{\partial L}{\partial x_{13}} = \frac{\partial L}{\partial y_{12}} \cdot w_{12} = 2 \cdot (-2) = -4
    """
    geometry = _geometry(x_shape, w_shape, stride, padding, dilation)
    _check_position(r, c, geometry.x_shape, "input")
    uses = geometry.readers(r, c)  # (i, j, m, n): output y_ij read x_rc through tap w_mn
    terms = [_product(_d(_y(i, j)), _w(m, n)) for i, j, m, n in uses]
    if values is None:
        return _equation(_d(_x(r, c)), terms)
    dy = _value(values, "dy", geometry.out_shape)
    w = _value(values, "w", geometry.kernel)
    numbers = [_product(_operand(dy[i, j]), _operand(w[m, n])) for i, j, m, n in uses]
    result = sum(dy[i, j] * w[m, n] for i, j, m, n in uses)
    return _equation(_d(_x(r, c)), terms, numbers, result)


def conv_weight_grad_formula(m, n, x_shape, w_shape, stride=1, padding=0, dilation=1,
                             values=None):
    r"""dL/dw_mn = sum over outputs y_ij of dL/dy_ij \cdot (the x that w_mn met there).

    m, n : 0-based position in w.  values : dict with dy (HO, WO) and x (H, W).
    Outputs where w_mn met the zero padding contribute nothing and are left out.

    >>> print(conv_weight_grad_formula(1, 1, (3, 3), (2, 2)))
    \frac{\partial L}{\partial w_{22}} = \frac{\partial L}{\partial y_{11}} \cdot x_{22} + \frac{\partial L}{\partial y_{12}} \cdot x_{23} + \frac{\partial L}{\partial y_{21}} \cdot x_{32} + \frac{\partial L}{\partial y_{22}} \cdot x_{33}
    """
    geometry = _geometry(x_shape, w_shape, stride, padding, dilation)
    _check_position(m, n, geometry.kernel, "kernel")
    uses = [  # (i, j, r, c): at output y_ij, w_mn multiplied x_rc
        (i, j, r, c)
        for i, j in geometry.outputs()
        for mm, nn, r, c in geometry.taps(i, j)
        if (mm, nn) == (m, n)
    ]
    terms = [_product(_d(_y(i, j)), _x(r, c)) for i, j, r, c in uses]
    if values is None:
        return _equation(_d(_w(m, n)), terms)
    dy = _value(values, "dy", geometry.out_shape)
    x = _value(values, "x", geometry.x_shape)
    numbers = [_product(_operand(dy[i, j]), _operand(x[r, c])) for i, j, r, c in uses]
    result = sum(dy[i, j] * x[r, c] for i, j, r, c in uses)
    return _equation(_d(_w(m, n)), terms, numbers, result)


def conv_bias_grad_formula(i, j, x_shape, w_shape, stride=1, padding=0, dilation=1,
                           bias=None, values=None):
    r"""dL/db_ij = dL/dy_ij (one bias per position), or dL/db = sum of all dL/dy_ij (shared).

    i, j : 0-based output position; ignored for a shared bias (there is one b).
    bias : "position" | "shared" | None (from values["b"] if given, else "position").
    values : dict with dy (HO, WO).

    >>> print(conv_bias_grad_formula(0, 1, (3, 3), (2, 2), values=dict(dy=[[1, 2], [3, 4]])))
    \frac{\partial L}{\partial b_{12}} = \frac{\partial L}{\partial y_{12}} = 2
    >>> print(conv_bias_grad_formula(0, 0, (3, 3), (2, 2), bias="shared", values=dict(dy=[[1, 2], [-3, 4]])))
    \frac{\partial L}{\partial b} = \frac{\partial L}{\partial y_{11}} + \frac{\partial L}{\partial y_{12}} + \frac{\partial L}{\partial y_{21}} + \frac{\partial L}{\partial y_{22}} = 1 + 2 + (-3) + 4 = 4
    """
    geometry = _geometry(x_shape, w_shape, stride, padding, dilation)
    mode = _bias_mode(bias, values, geometry)
    if mode == "position":
        _check_position(i, j, geometry.out_shape, "output")
        uses, lhs = [(i, j)], _d(_b(i, j))
    else:
        uses, lhs = geometry.outputs(), _d("b")
    terms = [_d(_y(ii, jj)) for ii, jj in uses]
    if values is None:
        return _equation(lhs, terms)
    dy = _value(values, "dy", geometry.out_shape)
    numbers = [_operand(dy[ii, jj]) for ii, jj in uses]
    return _equation(lhs, terms, numbers, sum(dy[ii, jj] for ii, jj in uses))


def conv_forward_equations(x_shape, w_shape, stride=1, padding=0, dilation=1, bias=None,
                           values=None):
    r"""``conv_output_formula`` for every output y_ij, row-major (the derivation's four for 3x3, 2x2).

    >>> for line in conv_forward_equations((3, 3), (2, 2))[2:]: print(line)
    y_{21} = w_{11} \cdot x_{21} + w_{12} \cdot x_{22} + w_{21} \cdot x_{31} + w_{22} \cdot x_{32} + b_{21}
    y_{22} = w_{11} \cdot x_{22} + w_{12} \cdot x_{23} + w_{21} \cdot x_{32} + w_{22} \cdot x_{33} + b_{22}
    """
    geometry = _geometry(x_shape, w_shape, stride, padding, dilation)
    return [
        conv_output_formula(i, j, x_shape, w_shape, stride, padding, dilation, bias, values)
        for i, j in geometry.outputs()
    ]


def conv_input_grad_equations(x_shape, w_shape, stride=1, padding=0, dilation=1, values=None):
    r"""``conv_input_grad_formula`` for every x_rc, row-major (the derivation's nine for 3x3, 2x2).

    >>> print(conv_input_grad_equations((3, 3), (2, 2))[0])
    \frac{\partial L}{\partial x_{11}} = \frac{\partial L}{\partial y_{11}} \cdot w_{11}
    """
    geometry = _geometry(x_shape, w_shape, stride, padding, dilation)
    return [
        conv_input_grad_formula(r, c, x_shape, w_shape, stride, padding, dilation, values)
        for r in range(geometry.x_shape[0])
        for c in range(geometry.x_shape[1])
    ]


def conv_weight_grad_equations(x_shape, w_shape, stride=1, padding=0, dilation=1,
                               values=None):
    r"""``conv_weight_grad_formula`` for every w_mn, row-major (the derivation's four for 2x2).

    >>> len(conv_weight_grad_equations((3, 3), (2, 2)))
    4
    """
    geometry = _geometry(x_shape, w_shape, stride, padding, dilation)
    return [
        conv_weight_grad_formula(m, n, x_shape, w_shape, stride, padding, dilation, values)
        for m in range(geometry.kernel[0])
        for n in range(geometry.kernel[1])
    ]


def conv_bias_grad_equations(x_shape, w_shape, stride=1, padding=0, dilation=1, bias=None,
                             values=None):
    r"""``conv_bias_grad_formula`` for every b_ij (one per position), or the one shared b.

    >>> len(conv_bias_grad_equations((3, 3), (2, 2))), len(conv_bias_grad_equations((3, 3), (2, 2), bias="shared"))
    (4, 1)
    """
    geometry = _geometry(x_shape, w_shape, stride, padding, dilation)
    positions = geometry.outputs()
    if _bias_mode(bias, values, geometry) == "shared":
        positions = positions[:1]
    return [
        conv_bias_grad_formula(i, j, x_shape, w_shape, stride, padding, dilation, bias, values)
        for i, j in positions
    ]


# ---------------------------------------------------------------------------------------
# Max pooling
# ---------------------------------------------------------------------------------------
def _pool_window(i, j, x_shape, size, stride):
    """(geometry, k, rows, cols) of pooling window (i, j), checked."""
    geometry = _geometry(x_shape, size, stride, what="pooling window")
    _check_position(i, j, geometry.out_shape, "output")
    rows, cols = window_coordinates(i, j, geometry.kernel, geometry.stride)
    k = i * geometry.out_shape[1] + j + 1
    return geometry, k, rows, cols


def pool_window_formula(i, j, x_shape, size=2, stride=1, values=None):
    r"""X'_k = the matrix of x's the pooling window (i, j) covers; k = i*WO + j + 1.

    values : dict with x (H, W) -> also the matrix of numbers.

    >>> print(pool_window_formula(0, 0, (3, 3)))
    X'_{1} = \begin{bmatrix} x_{11} & x_{12} \\ x_{21} & x_{22} \end{bmatrix}
    >>> print(pool_window_formula(1, 1, (3, 3), values=dict(x=np.arange(1, 10).reshape(3, 3))))
    X'_{4} = \begin{bmatrix} x_{22} & x_{23} \\ x_{32} & x_{33} \end{bmatrix} = \begin{bmatrix} 5 & 6 \\ 8 & 9 \end{bmatrix}
    """
    geometry, k, rows, cols = _pool_window(i, j, x_shape, size, stride)
    sides = [f"X'_{{{k}}}", _bmatrix([[_x(r, c) for c in cols] for r in rows])]
    if values is not None:
        x = _value(values, "x", geometry.x_shape)
        sides.append(_bmatrix([[format_number(x[r, c]) for c in cols] for r in rows]))
    return " = ".join(sides)


def pool_output_formula(i, j, x_shape, size=2, stride=1, values=None):
    r"""y_ij = \max(X'_k), with values also the numbers and the maximum.

    >>> x = [[1, 5, 2], [4, 3, 9], [0, 8, 6]]
    >>> print(pool_output_formula(0, 0, (3, 3), values=dict(x=x)))
    y_{11} = \max(X'_{1}) = \max(1, 5, 4, 3) = 5
    """
    geometry, k, rows, cols = _pool_window(i, j, x_shape, size, stride)
    sides = [_y(i, j), rf"\max(X'_{{{k}}})"]
    if values is not None:
        window = _value(values, "x", geometry.x_shape)[np.ix_(rows, cols)]
        listed = ", ".join(format_number(v) for v in window.ravel())
        sides += [rf"\max({listed})", format_number(window.max())]
    return " = ".join(sides)


def pool_local_grad_formula(i, j, x_shape, size=2, stride=1, ties="first", values=None):
    r"""dL/dX'_k = dL/dy_ij \cdot M_k; with values (x, dy) also the mask and the product.

    M_k comes from ``ops.maxpool2d_masks`` with the given ties policy.

    >>> x = [[1, 5, 2], [4, 3, 9], [0, 8, 6]]
    >>> print(pool_local_grad_formula(0, 0, (3, 3), values=dict(x=x, dy=[[-2, 1], [1, 1]])))
    \frac{\partial L}{\partial X'_{1}} = \frac{\partial L}{\partial y_{11}} \cdot M_{1} = (-2) \cdot \begin{bmatrix} 0 & 1 \\ 0 & 0 \end{bmatrix} = \begin{bmatrix} 0 & -2 \\ 0 & 0 \end{bmatrix}
    """
    geometry, k, _, _ = _pool_window(i, j, x_shape, size, stride)
    _args.ties_policy(ties)
    sides = [_d(f"X'_{{{k}}}"), _product(_d(_y(i, j)), f"M_{{{k}}}")]
    if values is not None:
        x = _value(values, "x", geometry.x_shape)
        dy = _value(values, "dy", geometry.out_shape)
        mask = ops.maxpool2d_masks(x, geometry.kernel, geometry.stride, ties)[i, j]
        numbers = [[format_number(v) for v in row] for row in mask]
        local = [[format_number(v) for v in row] for row in dy[i, j] * mask]
        sides += [_product(_operand(dy[i, j]), _bmatrix(numbers)), _bmatrix(local)]
    return " = ".join(sides)


def _every_window(formula, x_shape, size, stride, **options):
    geometry = _geometry(x_shape, size, stride, what="pooling window")
    return [formula(i, j, x_shape, size, stride, **options) for i, j in geometry.outputs()]


def pool_window_equations(x_shape, size=2, stride=1, values=None):
    r"""``pool_window_formula`` for every window, X'_1 ... X'_{HO*WO}.

    >>> [line.split(" = ")[0] for line in pool_window_equations((3, 3))]
    ["X'_{1}", "X'_{2}", "X'_{3}", "X'_{4}"]
    """
    return _every_window(pool_window_formula, x_shape, size, stride, values=values)


def pool_output_equations(x_shape, size=2, stride=1, values=None):
    r"""``pool_output_formula`` for every output y_ij, row-major.

    >>> print(pool_output_equations((3, 3))[3])
    y_{22} = \max(X'_{4})
    """
    return _every_window(pool_output_formula, x_shape, size, stride, values=values)


def pool_local_grad_equations(x_shape, size=2, stride=1, ties="first", values=None):
    r"""``pool_local_grad_formula`` for every window, row-major.

    >>> print(pool_local_grad_equations((3, 3))[1])
    \frac{\partial L}{\partial X'_{2}} = \frac{\partial L}{\partial y_{12}} \cdot M_{2}
    """
    return _every_window(pool_local_grad_formula, x_shape, size, stride, ties=ties,
                         values=values)
