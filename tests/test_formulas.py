"""The generated LaTeX says what the seed says, and its numbers add up to what the ops compute."""
import re
import subprocess
import sys

import numpy as np
import pytest

from cnnviz import ops
from cnnviz.derivation.formulas import (
    conv_bias_grad_equations,
    conv_bias_grad_formula,
    conv_forward_equations,
    conv_input_grad_equations,
    conv_input_grad_formula,
    conv_output_formula,
    conv_weight_grad_equations,
    conv_weight_grad_formula,
    format_number,
    pool_local_grad_equations,
    pool_output_equations,
    pool_window_equations,
    pool_window_formula,
)
from cnnviz.layers.steps import conv_backward_steps, conv_forward_steps

# The seed's formulas, copied from its derivation in its plain notation (3x3 X, 2x2 W).
SEED_FORWARD = """
y11 = w11·x11 + w12·x12 + w21·x21 + w22·x22 + b11
y12 = w11·x12 + w12·x13 + w21·x22 + w22·x23 + b12
y21 = w11·x21 + w12·x22 + w21·x31 + w22·x32 + b21
y22 = w11·x22 + w12·x23 + w21·x32 + w22·x33 + b22
"""
SEED_INPUT_GRAD = """
∂L/∂x11 = ∂L/∂y11·w11
∂L/∂x12 = ∂L/∂y11·w12 + ∂L/∂y12·w11
∂L/∂x13 = ∂L/∂y12·w12
∂L/∂x21 = ∂L/∂y11·w21 + ∂L/∂y21·w11
∂L/∂x22 = ∂L/∂y11·w22 + ∂L/∂y12·w21 + ∂L/∂y21·w12 + ∂L/∂y22·w11
∂L/∂x23 = ∂L/∂y12·w22 + ∂L/∂y22·w12
∂L/∂x31 = ∂L/∂y21·w21
∂L/∂x32 = ∂L/∂y21·w22 + ∂L/∂y22·w21
∂L/∂x33 = ∂L/∂y22·w22
"""
SEED_WEIGHT_GRAD = """
∂L/∂w11 = ∂L/∂y11·x11 + ∂L/∂y12·x12 + ∂L/∂y21·x21 + ∂L/∂y22·x22
∂L/∂w12 = ∂L/∂y11·x12 + ∂L/∂y12·x13 + ∂L/∂y21·x22 + ∂L/∂y22·x23
∂L/∂w21 = ∂L/∂y11·x21 + ∂L/∂y12·x22 + ∂L/∂y21·x31 + ∂L/∂y22·x32
∂L/∂w22 = ∂L/∂y11·x22 + ∂L/∂y12·x23 + ∂L/∂y21·x32 + ∂L/∂y22·x33
"""
SEED_BIAS_GRAD = """
∂L/∂b11 = ∂L/∂y11
∂L/∂b12 = ∂L/∂y12
∂L/∂b21 = ∂L/∂y21
∂L/∂b22 = ∂L/∂y22
"""
SEED_SHARED_BIAS_GRAD = "∂L/∂b = ∂L/∂y11 + ∂L/∂y12 + ∂L/∂y21 + ∂L/∂y22"
SEED_POOL_WINDOWS = [
    [["x11", "x12"], ["x21", "x22"]],
    [["x12", "x13"], ["x22", "x23"]],
    [["x21", "x22"], ["x31", "x32"]],
    [["x22", "x23"], ["x32", "x33"]],
]


def latex(seed_line):
    """The seed's plain notation in LaTeX: ∂L/∂y12·w11 -> \\frac{..}{\\partial y_{12}} \\cdot w_{11}."""
    text = re.sub(r"∂L/∂([a-z])(\d\d)?", lambda m: _partial(m.group(1), m.group(2)), seed_line)
    text = re.sub(r"\b([bwxy])(\d\d)\b", r"\1_{\2}", text)
    return text.replace("·", r" \cdot ")


def _partial(letter, digits):
    symbol = f"{letter}_{{{digits}}}" if digits else letter
    return rf"\frac{{\partial L}}{{\partial {symbol}}}"


def seed_lines(block):
    return [latex(line) for line in block.strip().splitlines()]


def numeric_sides(equation):
    """(the numbers-substituted expression or None, the result) of an equation with values."""
    sides = equation.split(" = ")
    expression = sides[-2]
    return (expression if not re.search(r"[a-zA-Z]", expression.replace(r"\cdot", "")) else None,
            parse_number(sides[-1]))


def parse_number(text):
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    match = re.fullmatch(r"(.+) \\times 10\^\{(-?\d+)\}", text)
    return float(match.group(1)) * 10.0 ** int(match.group(2)) if match else float(text)


def evaluate(expression):
    """Value of 'a \\cdot b + (-c) \\cdot d + e' as written (no eval)."""
    total = 0.0
    for term in expression.split(" + "):
        product = 1.0
        for factor in term.split(r" \cdot "):
            product *= parse_number(factor)
        total += product
    return total


SEED = dict(x_shape=(3, 3), w_shape=(2, 2))

# (x_shape, w_shape, stride, padding, dilation)
CONV_CASES = {
    "seed": ((3, 3), (2, 2), 1, 0, 1),
    "rectangular": ((4, 6), (2, 3), 1, 0, 1),
    "stride > kernel": ((7, 8), (2, 2), 3, 0, 1),
    "padding": ((4, 5), (3, 3), 1, 1, 1),
    "windows fully in padding": ((2, 2), (1, 1), 1, 2, 1),
    "pairs everywhere": ((7, 6), (2, 3), (1, 2), (1, 0), (2, 1)),
    "dilation + padding": ((5, 4), (3, 2), (2, 1), (2, 1), (2, 3)),
    "indices from 10 on": ((11, 12), (3, 2), 2, 1, 1),
}


# ---------------------------------------------------------------------------------------
# Symbolic: the seed's text, term for term
# ---------------------------------------------------------------------------------------
def test_forward_equations_are_the_seeds():
    assert conv_forward_equations(**SEED) == seed_lines(SEED_FORWARD)


def test_input_grad_equations_are_the_seeds():
    assert conv_input_grad_equations(**SEED) == seed_lines(SEED_INPUT_GRAD)


def test_dx22_has_the_four_terms_in_the_seeds_order():
    terms = conv_input_grad_formula(1, 1, **SEED).split(" = ")[1].split(" + ")
    dy = r"\frac{\partial L}{\partial y_{%s}} \cdot w_{%s}"
    assert terms == [dy % ("11", "22"), dy % ("12", "21"), dy % ("21", "12"), dy % ("22", "11")]


def test_weight_grad_equations_are_the_seeds():
    assert conv_weight_grad_equations(**SEED) == seed_lines(SEED_WEIGHT_GRAD)


def test_bias_grad_equations_are_the_seeds():
    assert conv_bias_grad_equations(**SEED) == seed_lines(SEED_BIAS_GRAD)
    assert conv_bias_grad_equations(**SEED, bias="shared") == [latex(SEED_SHARED_BIAS_GRAD)]


def test_shared_bias_is_written_b():
    line = conv_output_formula(1, 0, **SEED, bias="shared")
    assert line == latex("y21 = w11·x21 + w12·x22 + w21·x31 + w22·x32 + b")


def test_pool_windows_are_the_seeds():
    for k, (line, window) in enumerate(zip(pool_window_equations((3, 3)), SEED_POOL_WINDOWS), 1):
        rows = [" & ".join(latex(v) for v in row) for row in window]
        assert line == rf"X'_{{{k}}} = \begin{{bmatrix}} {rows[0]} \\ {rows[1]} \end{{bmatrix}}"
    assert pool_output_equations((3, 3)) == [rf"y_{{{ij}}} = \max(X'_{{{k}}})" for k, ij in
                                             enumerate(["11", "12", "21", "22"], 1)]
    assert pool_local_grad_equations((3, 3))[3] == (
        r"\frac{\partial L}{\partial X'_{4}} = \frac{\partial L}{\partial y_{22}} \cdot M_{4}"
    )


def test_indices_from_10_on_use_a_comma():
    line = conv_output_formula(9, 0, (12, 12), (2, 2))
    assert line.startswith("y_{10,1} = w_{11} \\cdot x_{10,1} + w_{12} \\cdot x_{10,2} + ")
    assert "w_{21} \\cdot x_{11,1}" in line and line.endswith("b_{10,1}")
    assert conv_output_formula(0, 8, (12, 12), (2, 2)).startswith(
        "y_{19} = w_{11} \\cdot x_{19} + w_{12} \\cdot x_{1,10}")
    assert pool_window_formula(9, 9, (11, 11), 2).startswith("X'_{100} = ")


def test_padding_taps_are_left_out():
    # 3x3 kernel, padding 1: the corner window reads only x11, x12, x21, x22
    line = conv_output_formula(0, 0, (3, 3), (3, 3), padding=1)
    assert line == latex("y11 = w22·x11 + w23·x12 + w32·x21 + w33·x22 + b11")
    # w11 only ever meets x22 (at y33), the padding everywhere else
    assert conv_weight_grad_formula(0, 0, (3, 3), (3, 3), padding=1) == latex(
        "∂L/∂w11 = ∂L/∂y22·x11 + ∂L/∂y23·x12 + ∂L/∂y32·x21 + ∂L/∂y33·x22")


def test_empty_sums_are_written_0():
    # a 1x1 kernel over a 2x2 input padded by 2: y11's window is all padding
    assert conv_output_formula(0, 0, (2, 2), (1, 1), padding=2) == "y_{11} = 0 + b_{11}"
    assert conv_output_formula(0, 0, (2, 2), (1, 1), padding=2,
                               values=dict(x=np.ones((2, 2)), w=[[3]], b=np.full((6, 6), -2.0))
                               ) == "y_{11} = 0 + b_{11} = 0 + (-2) = -2"
    # stride 3 skips row 3 of a 5x5 input
    assert conv_input_grad_formula(2, 0, (5, 5), (2, 2), stride=3) == (
        r"\frac{\partial L}{\partial x_{31}} = 0")
    assert conv_input_grad_formula(2, 0, (5, 5), (2, 2), stride=3,
                                   values=dict(dy=np.ones((2, 2)), w=np.ones((2, 2)))) == (
        r"\frac{\partial L}{\partial x_{31}} = 0")


@pytest.mark.parametrize("case", CONV_CASES)
def test_term_counts_match_the_traces(case):
    x_shape, w_shape, stride, padding, dilation = CONV_CASES[case]
    geometry = dict(stride=stride, padding=padding, dilation=dilation)
    x, w = np.ones(x_shape), np.ones(w_shape)
    forward = conv_forward_steps(x, w, 0.0, **geometry)
    for line, step in zip(conv_forward_equations(x_shape, w_shape, **geometry), forward):
        assert line.count(r"\cdot") == (~step.in_padding).sum()
    coverage = conv_backward_steps(np.ones(forward[-1].Y.shape), x, w, 0.0, **geometry)[-1].coverage
    dx_lines = conv_input_grad_equations(x_shape, w_shape, **geometry)
    assert [line.count(r"\cdot") for line in dx_lines] == coverage.ravel().tolist()


def sub(a, b):
    """1-based subscript as the seed writes it, with a comma from 10 on."""
    return f"{a},{b}" if max(a, b) >= 10 else f"{a}{b}"


@pytest.mark.parametrize("case", CONV_CASES)
def test_grad_terms_follow_the_windows_in_row_major_order(case):
    # the expected terms are read off the forward trace's window coordinates, one by one
    x_shape, w_shape, stride, padding, dilation = CONV_CASES[case]
    geometry = dict(stride=stride, padding=padding, dilation=dilation)
    steps = conv_forward_steps(np.ones(x_shape), np.ones(w_shape), 0.0, **geometry)
    dy = lambda s: rf"\frac{{\partial L}}{{\partial y_{{{sub(s.i + 1, s.j + 1)}}}}}"
    for r in range(x_shape[0]):
        for c in range(x_shape[1]):
            expected = [
                rf"{dy(s)} \cdot w_{{{sub(m + 1, n + 1)}}}"
                for s in steps
                for m, rr in enumerate(s.rows)
                for n, cc in enumerate(s.cols)
                if (rr, cc) == (r, c)
            ]
            line = conv_input_grad_formula(r, c, x_shape, w_shape, **geometry)
            assert line.split(" = ")[1].split(" + ") == (expected or ["0"])
    for m in range(w_shape[0]):
        for n in range(w_shape[1]):
            expected = [
                rf"{dy(s)} \cdot x_{{{sub(s.rows[m] + 1, s.cols[n] + 1)}}}"
                for s in steps
                if not s.in_padding[m, n]
            ]
            line = conv_weight_grad_formula(m, n, x_shape, w_shape, **geometry)
            assert line.split(" = ")[1].split(" + ") == (expected or ["0"])


# ---------------------------------------------------------------------------------------
# Numbers: the substituted expression evaluates to the ops' values
# ---------------------------------------------------------------------------------------
def problem(case, bias_mode, integers, seed=0):
    x_shape, w_shape, stride, padding, dilation = CONV_CASES[case]
    geometry = dict(stride=stride, padding=padding, dilation=dilation)
    out_hw = ops.output_size(x_shape, w_shape, **geometry)
    rng = np.random.default_rng(seed)
    draw = (lambda shape: rng.integers(-5, 6, size=shape).astype(float)) if integers else (
        lambda shape: rng.normal(size=shape))
    values = dict(x=draw(x_shape), w=draw(w_shape), dy=draw(out_hw),
                  b=draw(()) if bias_mode == "shared" else draw(out_hw))
    return x_shape, w_shape, geometry, values


def check_numbers(equations, expected, exact):
    assert len(equations) == np.size(expected)
    for equation, value in zip(equations, np.ravel(expected)):
        expression, result = numeric_sides(equation)
        if exact:
            assert result == value
            if expression is not None:
                assert evaluate(expression) == value
        else:  # numbers are rounded to 3 decimals (3 significant digits below 1)
            assert result == pytest.approx(value, rel=5e-3, abs=1e-3)


@pytest.mark.parametrize("integers", [True, False], ids=["integers", "floats"])
@pytest.mark.parametrize("bias_mode", ["position", "shared"])
@pytest.mark.parametrize("case", CONV_CASES)
def test_substituted_numbers_give_the_ops_values(case, bias_mode, integers):
    x_shape, w_shape, geometry, values = problem(case, bias_mode, integers)
    x, w, b, dy = values["x"], values["w"], values["b"], values["dy"]
    y = ops.conv2d_forward(x, w, b, **geometry)
    dx, dw, db = ops.conv2d_backward(dy, x, w, b, **geometry)
    shapes = (x_shape, w_shape)

    check_numbers(conv_forward_equations(*shapes, **geometry, values=values), y, integers)
    check_numbers(conv_input_grad_equations(*shapes, **geometry, values=values), dx, integers)
    check_numbers(conv_weight_grad_equations(*shapes, **geometry, values=values), dw, integers)
    check_numbers(conv_bias_grad_equations(*shapes, **geometry, values=values), db, integers)


def test_seed_case_with_numbers():
    values = dict(x=np.arange(1, 10).reshape(3, 3), w=[[1, 2], [3, -1]],
                  b=[[0, 10], [20, 30]], dy=[[1, -1], [2, 0.5]])
    assert conv_output_formula(0, 1, **SEED, values=values).split(" = ")[2:] == [
        r"1 \cdot 2 + 2 \cdot 3 + 3 \cdot 5 + (-1) \cdot 6 + 10", "27"]
    assert conv_input_grad_formula(1, 1, **SEED, values=values).split(" = ")[2:] == [
        r"1 \cdot (-1) + (-1) \cdot 3 + 2 \cdot 2 + 0.5 \cdot 1", "0.5"]
    assert conv_bias_grad_formula(0, 1, **SEED, values=values).endswith(
        r"\frac{\partial L}{\partial y_{12}} = -1")


def test_pool_formulas_with_numbers_match_the_ops():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, size=(5, 6)).astype(float)  # many ties
    dy = rng.integers(-4, 5, size=(4, 3)).astype(float)
    values = dict(x=x, dy=dy)
    y = ops.maxpool2d_forward(x, 2, (1, 2))
    lines = pool_output_equations((5, 6), 2, (1, 2), values=values)
    assert [parse_number(line.split(" = ")[-1]) for line in lines] == y.ravel().tolist()
    for line in lines:  # the listed numbers are the window's, and their max is the result
        listed = re.search(r"\\max\(([^X]*)\)", line).group(1)
        assert max(map(float, listed.split(", "))) == parse_number(line.split(" = ")[-1])
    windows = pool_window_equations((5, 6), 2, (1, 2), values=values)
    assert windows[0].endswith(
        rf"= \begin{{bmatrix}} {format_number(x[0, 0])} & {format_number(x[0, 1])} \\ "
        rf"{format_number(x[1, 0])} & {format_number(x[1, 1])} \end{{bmatrix}}")
    for ties in ("first", "all", "split"):
        masks = ops.maxpool2d_masks(x, 2, (1, 2), ties)
        grads = pool_local_grad_equations((5, 6), 2, (1, 2), ties=ties, values=values)
        for line, mask, g in zip(grads, masks.reshape(-1, 2, 2), dy.ravel()):
            shown_grad = bmatrix_numbers(line.split(" = ")[-1])
            np.testing.assert_allclose(shown_grad, g * mask, atol=1e-3)
            shown_mask = bmatrix_numbers(line.split(" = ")[-2].split(r" \cdot ")[1])
            np.testing.assert_allclose(shown_mask, mask, atol=1e-3)  # 1/3 shows as 0.333


def bmatrix_numbers(text):
    body = text.replace(r"\begin{bmatrix}", "").replace(r"\end{bmatrix}", "")
    return [[parse_number(v) for v in row.split("&")] for row in body.split(r"\\")]


# ---------------------------------------------------------------------------------------
# Number formatting and errors
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, text", [
    (2.0, "2"), (-1, "-1"), (-0.0, "0"), (0.5, "0.5"), (1 / 3, "0.333"), (2 / 3, "0.667"),
    (-12.34567, "-12.346"), (0.00123456, "0.00123"), (1e-5, r"1 \times 10^{-5}"),
    (np.float64(7), "7"), (np.int64(-3), "-3"),
])
def test_format_number(value, text):
    assert format_number(value) == text


def test_negative_operands_are_parenthesized():
    line = conv_output_formula(0, 0, (1, 2), (1, 2), values=dict(x=[[2, -1]], w=[[-3, 4]], b=-1))
    assert line.endswith(r"= (-3) \cdot 2 + 4 \cdot (-1) + (-1) = -11")


def test_bad_arguments_raise():
    with pytest.raises(IndexError, match="0-based"):
        conv_output_formula(2, 0, **SEED)
    with pytest.raises(IndexError):
        conv_input_grad_formula(-1, 0, **SEED)
    with pytest.raises(ValueError, match="bias must be one of"):
        conv_output_formula(0, 0, **SEED, bias="channel")
    with pytest.raises(ValueError, match="'shared'"):
        conv_output_formula(0, 0, **SEED, bias="position",
                            values=dict(x=np.ones((3, 3)), w=np.ones((2, 2)), b=1.0))
    with pytest.raises(KeyError, match="'dy'"):
        conv_input_grad_formula(0, 0, **SEED, values=dict(w=np.ones((2, 2))))
    with pytest.raises(ValueError, match="expected \\(3, 3\\)"):
        conv_output_formula(0, 0, **SEED, values=dict(x=np.ones((4, 4)), w=np.ones((2, 2)), b=0))
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv_forward_equations((2, 2), (3, 3))
    with pytest.raises(ValueError, match="ties must be one of"):
        pool_local_grad_equations((3, 3), ties="last")


def test_importing_formulas_loads_no_widget_or_plotting_library():
    code = (
        "import sys, cnnviz.derivation.formulas\n"
        "bad = [m for m in ('ipywidgets', 'matplotlib') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
