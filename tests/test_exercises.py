"""The exercises' self-checks: a wrong answer cannot pass, and every answer gets a verdict.

Each wrong solution below once passed (or gave a traceback); each must now be told it is wrong.
"""
import difflib
import re

import numpy as np
import pytest

import cnnviz
from cnnviz import conv2d_backward, conv2d_forward, i18n, maxpool2d_backward, maxpool2d_forward
from cnnviz.derivation import exercises
from cnnviz.derivation.exercises import check_function, check_number, check_through
from zh_words import english_words


@pytest.fixture(autouse=True)
def english():
    """The tests below read English verdicts, wherever pytest runs; the Chinese ones at the end
    switch with ``i18n.using("zh")``."""
    with i18n.using("en"):
        yield


def conv_cases():
    return exercises.random_conv_cases()


def test_the_conv_cases_cover_every_kernel_shape():
    shapes = {w.shape for _x, w, _b in conv_cases()}
    assert shapes == set(exercises.KERNEL_SHAPES)
    for x, w, b in conv_cases():
        assert b.shape == conv2d_forward(x, w, b).shape


def test_a_right_function_passes():
    def my_conv(x, w, b):
        out = np.array(b, dtype=float)
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] += (w * x[i:i + w.shape[0], j:j + w.shape[1]]).sum()
        return out

    verdict = check_function(my_conv, conv2d_forward, conv_cases())
    assert verdict.ok is True and "all 9 test cases" in verdict.message


def test_a_function_that_changes_its_inputs_fails_01():
    def my_conv(x, w, b):
        w[:] = 0
        return b
    verdict = check_function(my_conv, conv2d_forward, conv_cases())
    assert verdict.ok is False and "changed its input argument 2" in verdict.message


def test_a_pool_backward_that_zeroes_dy_fails_04():
    rng = np.random.default_rng(0)
    cases = [(rng.normal(size=(2, 2)), rng.normal(size=(3, 3))) for _ in range(3)]

    def my_pool_backward(dy, x):
        dy[:] = 0
        return np.zeros_like(x)
    verdict = check_function(my_pool_backward, maxpool2d_backward, cases)
    assert verdict.ok is False and "changed its input argument 1" in verdict.message


def test_a_strided_backward_that_zeroes_dy_fails_06():
    rng = np.random.default_rng(1)
    w = rng.normal(size=(3, 3))
    cases = [(rng.normal(size=(3, 3)), rng.normal(size=(5, 5)), w)]

    def reference(dy, x, w):
        return conv2d_backward(dy, x, w, 0.0, stride=2, padding=1)[0]

    def my_dx(dy, x, w):
        dy[...] = 0
        return np.zeros(x.shape)
    verdict = check_function(my_dx, reference, cases)
    assert verdict.ok is False and "changed its input argument 1" in verdict.message


def test_an_input_gradient_that_ignores_dy_fails_02():
    def my_input_grad(dy, w, x_shape):
        dx = np.zeros(x_shape)
        kh, kw = w.shape
        for i in range(dy.shape[0]):
            for j in range(dy.shape[1]):
                dx[i:i + kh, j:j + kw] += w
        return dx

    def reference(dy, w, x_shape):
        return conv2d_backward(dy, np.zeros(x_shape), w, np.zeros(dy.shape))[0]
    cases = exercises.random_input_grad_cases()
    assert any((dy != 1).any() for dy, _w, _s in cases)
    assert check_function(my_input_grad, reference, cases).ok is False

    def right(dy, w, x_shape):
        dx = np.zeros(x_shape)
        kh, kw = w.shape
        for i in range(dy.shape[0]):
            for j in range(dy.shape[1]):
                dx[i:i + kh, j:j + kw] += dy[i, j] * w
        return dx
    assert check_function(right, reference, cases).ok is True


@pytest.mark.parametrize("returned, words", [
    ("[[1, 2]]", "it is a str"),
    ([[1, 2], [3]], "not a rectangular array"),
    ({"y": 1}, "it is a dict"),
    ((v for v in range(3)), "it is a generator"),
    ([[10**400]], "not a rectangular array of numbers"),
    ([[1 + 2j]], "complex"),
])
def test_an_odd_return_gets_a_verdict_not_a_traceback(returned, words):
    verdict = check_function(lambda x, w, b: returned, conv2d_forward, conv_cases()[:1])
    assert verdict.ok is False and words in verdict.message
    assert "expected an array of shape" in verdict.message or "array of shape" in verdict.message


def test_a_function_that_raises_or_never_returns_gets_a_verdict(monkeypatch):
    def broken(x, w, b):
        return x @ np.ones((7, 7))
    verdict = check_function(broken, conv2d_forward, conv_cases())
    assert verdict.ok is False and "raised ValueError" in verdict.message

    monkeypatch.setattr(exercises, "TIME_LIMIT_S", 0.3)

    def endless(x, w, b):
        while True:
            try:
                pass
            except Exception:  # a student's catch-all does not swallow the time limit
                pass
    verdict = check_function(endless, conv2d_forward, conv_cases())
    assert verdict.ok is False and "took longer than 0.3 s" in verdict.message


def test_an_undefined_name_says_to_run_the_cell_that_defines_it():
    verdict = check_function(lambda x, w, b: my_undefined_function(x), conv2d_forward,  # noqa: F821
                             conv_cases())
    assert "NameError" in verdict.message and "run the cell that defines it first" in verdict.message


def test_check_number_is_relative_and_real():
    assert check_number(1e-12, 1e-10).ok is False
    assert check_number(1e-10 * (1 + 1e-12), 1e-10).ok is True
    assert check_number(7 + 1e-9j, 7).ok is False
    assert check_number(np.array([7]), 7).ok is True
    assert check_number(np.float32(7), 7).ok is True
    assert check_number(True, 1).ok is False
    assert check_number(0.0, 0).ok is True and check_number(1e-6, 0).ok is False
    assert check_number(None, 7).ok is None


def test_an_answer_used_in_an_operation_is_checked_first_01():
    X = cnnviz.examples.worked_conv()["x"]
    verdict = check_through([1, 0, 0], (2, 2), lambda W: conv2d_forward(X, W, 0.0), X[:2, :2])
    assert verdict.ok is False and "the shape is (3,), it should be (2, 2)" in verdict.message
    assert check_through("oops", (2, 2), lambda W: conv2d_forward(X, W, 0.0), X[:2, :2]).ok is False
    assert check_through([[1, 0], [0, 0]], (2, 2), lambda W: conv2d_forward(X, W, 0.0),
                         X[:2, :2]).ok is True


def test_change_one_entry_means_one_entry_03():
    X = cnnviz.examples.worked_pool()["x"]
    eights = [[8, 8], [8, 8]]
    verdict = check_through(np.full((3, 3), 8), (3, 3), maxpool2d_forward, eights, start=X, changes=1)
    assert verdict.ok is False and "change exactly 1" in verdict.message
    one = X.copy()
    one[2, 2] = 7
    assert check_through(one, (3, 3), maxpool2d_forward, eights, start=X, changes=1).ok is True


# ---------------------------------------------------------------------------------------
# Hints in tiers
# ---------------------------------------------------------------------------------------
def test_hints_go_nudge_then_formula_and_the_solution_only_on_request():
    hints = exercises.Hints("look at the window of y21", "y21 = w11*x21 + ... + b21",
                            exercises.SOLUTIONS["my_conv"])
    assert check_number(None, 7, hint=hints).ok is None and hints.misses == 0
    first = check_number(6, 7, hint=hints)
    assert first.ok is False and "Hint: look at the window of y21" in first.message
    assert "y21 = w11" not in first.message and "def my_conv" not in first.message
    for misses in (2, 3):
        later = check_number(5, 7, hint=hints)
        assert "Hint: y21 = w11*x21 + ... + b21" in later.message and "look at" not in later.message
        assert "solution" in later.message and "def my_conv" not in later.message
        assert hints.misses == misses
    assert check_number(7, 7, hint=hints).ok is True and hints.misses == 3
    shown = hints.show()
    assert "def my_conv(x, w, b):" in repr(shown) and "@" not in repr(shown)
    assert "def my_conv(x, w, b):" in shown._repr_html_()


def test_hints_work_with_every_check_and_a_str_hint_still_does():
    hints = exercises.Hints("nudge", "formula", "the answer")
    assert "Hint: nudge" in exercises.check_array([1], [2], hint=hints).message
    assert "Hint: formula" in exercises.check_function(lambda x, w, b: x, conv2d_forward,
                                                       conv_cases(), hint=hints).message
    assert "Hint: formula" in exercises.check_terms(["dy11*w11"], hint=hints).message
    assert hints.misses == 3 and repr(hints.show()).endswith("the answer")
    assert check_number(6, 7, hint="add the bias").message.endswith("Hint: add the bias")


@pytest.mark.parametrize("args", [("", "f", "s"), ("n", None, "s"), ("n", "f", ""), ("n", "f", 3)])
def test_bad_hints_raise(args):
    with pytest.raises(ValueError, match="Hints"):
        exercises.Hints(*args)


def test_a_hint_that_is_neither_str_nor_hints_raises_even_on_a_right_answer():
    with pytest.raises(ValueError, match="hint must be a str or a Hints"):
        check_number(7, 7, hint=["nudge"])


# ---------------------------------------------------------------------------------------
# Which terms make up a gradient: the right answer found by brute force (one-hot dy and w)
# ---------------------------------------------------------------------------------------
def _terms_by_brute_force(target, x_shape, w_shape, stride):
    """Pairs of names whose product appears in the gradient, found by running the layer on
    one-hot inputs: ∂L/∂x_rc contains dy_ij*w_mn iff a one-hot dy_ij and w_mn give dx_rc != 0."""
    kind, r, c = target[0], int(target[1]), int(target[2])
    out = cnnviz.output_size(x_shape, w_shape, stride=stride)
    terms = set()
    for i, j in np.ndindex(out):
        dy = np.zeros(out)
        dy[i, j] = 1
        other_shape = w_shape if kind == "x" else x_shape
        for m, n in np.ndindex(other_shape):
            one = np.zeros(other_shape)
            one[m, n] = 1
            if kind == "x":
                grad = conv2d_backward(dy, np.zeros(x_shape), one, 0.0, stride=stride)[0]
            else:
                grad = conv2d_backward(dy, one, np.zeros(w_shape), 0.0, stride=stride)[1]
            if grad[r - 1, c - 1] != 0:
                terms.add((f"dy{i + 1}{j + 1}", f"{'w' if kind == 'x' else 'x'}{m + 1}{n + 1}"))
    return terms


SETTINGS = [((3, 3), (2, 2), 1), ((4, 5), (2, 3), 2), ((5, 5), (3, 3), 2), ((3, 4), (1, 1), 1)]


@pytest.mark.parametrize("x_shape, w_shape, stride", SETTINGS)
def test_the_right_terms_pass_for_every_target(x_shape, w_shape, stride):
    targets = [f"x{r}{c}" for r in range(1, x_shape[0] + 1) for c in range(1, x_shape[1] + 1)]
    targets += [f"w{m}{n}" for m in range(1, w_shape[0] + 1) for n in range(1, w_shape[1] + 1)]
    for target in targets:
        right = _terms_by_brute_force(target, x_shape, w_shape, stride)
        verdict = exercises.check_terms(sorted(right), target, x_shape, w_shape, stride)
        assert verdict.ok is True, (target, verdict)
        if len(right) > 1:
            dropped = sorted(right)[0]
            verdict = exercises.check_terms(sorted(right)[1:], target, x_shape, w_shape, stride)
            assert verdict.ok is False and f"missing ∂L/∂y{dropped[0][2:]}·{dropped[1]}" in verdict.message


def test_x23_in_every_spelling():
    right = _terms_by_brute_force("x23", (3, 3), (2, 2), 1)
    assert right == {("dy12", "w22"), ("dy22", "w12")}  # the derivation's ∂L/∂x23
    for answer in [[("w22", "dy12"), ("dy22", "w12")], ["dy12*w22", "dy22·w12"],
                   "∂L/∂y12·w22 + ∂L/∂y22·w12", {"dL/dy22 * w12", "dy_{1,2} * w_{2,2}"}]:
        assert exercises.check_terms(answer).ok is True, answer


def test_wrong_terms_are_named_with_the_reason():
    verdict = exercises.check_terms([("dy12", "w22"), ("dy11", "w22"), ("dy22", "w21")])
    assert verdict.ok is False
    assert "missing ∂L/∂y22·w12" in verdict.message
    assert "∂L/∂y11·w22 (the window of y11 does not cover x23)" in verdict.message
    assert "∂L/∂y22·w21 (in the window of y22, x23 meets w12, not w21)" in verdict.message
    verdict = exercises.check_terms([("dy11", "x11")], target="w12")
    assert "in the window of y11, w12 meets x12, not x11" in verdict.message


@pytest.mark.parametrize("answer, words", [
    (["y12*w22"], "y12 is the output itself; its gradient is dy12"),
    (["x12*w22"], "is not a term of ∂L/∂x23"),
    (["dy12"], "a single factor"),
    (["dy33*w22"], "∂L/∂y33 does not exist: ∂L/∂Y is 2×2"),
    (["dy12*w13"], "w13 does not exist: W is 2×2"),
    (["dy12*v22"], "'v22' is not a name from the derivation"),
    ([("dy12", "w22", "x23")], "not a product of two factors"),
    ([3], "is not a term"),
    (7, "the answer is an int"),
    ([], "no terms given"),
    (["dy12*w22", "dy22*w12", "w22*dy12"], "listed twice"),
])
def test_odd_term_answers_get_a_verdict(answer, words):
    verdict = exercises.check_terms(answer)
    assert verdict.ok is False and words in verdict.message


def test_an_uncovered_cell_has_no_terms():
    assert _terms_by_brute_force("x22", (4, 4), (1, 1), 2) == set()
    assert exercises.check_terms([], "x22", (4, 4), (1, 1), 2).ok is True
    assert exercises.check_terms(["dy11*w11"], "x22", (4, 4), (1, 1), 2).ok is False


@pytest.mark.parametrize("kwargs, words", [
    ({"target": "z11"}, "target must name an entry"),
    ({"target": "x44"}, "outside the 3×3 X"),
    ({"target": "w31"}, "outside the 2×2 W"),
    ({"w_shape": (4, 2)}, "does not fit"),
    ({"stride": 0}, "stride must be an int >= 1"),
    ({"x_shape": (3, -1)}, "x_shape must hold positive ints"),
    ({"x_shape": "3x3"}, "x_shape must be an int or a pair"),
])
def test_check_terms_bad_arguments_raise(kwargs, words):
    with pytest.raises(ValueError, match=words):
        exercises.check_terms(None, **kwargs)


# ---------------------------------------------------------------------------------------
# Which windows hold a cell
# ---------------------------------------------------------------------------------------
def _windows_by_brute_force(r, c, x_shape, size, stride):
    """Window numbers k whose slice of a grid of cell numbers holds cell (r, c)."""
    cells = np.arange(x_shape[0] * x_shape[1]).reshape(x_shape)
    out = cnnviz.output_size(x_shape, size, stride=stride)
    return {k + 1 for k, (i, j) in enumerate(np.ndindex(out))
            if (r - 1) * x_shape[1] + c - 1 in cells[i * stride:i * stride + size, j * stride:j * stride + size]}


@pytest.mark.parametrize("x_shape, size, stride", [((3, 3), 2, 1), ((5, 4), 3, 1), ((5, 5), 2, 2)])
def test_the_right_windows_pass_for_every_cell(x_shape, size, stride):
    for r, c in np.ndindex(x_shape):
        right = _windows_by_brute_force(r + 1, c + 1, x_shape, size, stride)
        cell = f"x{r + 1}{c + 1}"
        assert exercises.check_windows(right, cell, x_shape, size, stride).ok is True
        assert exercises.check_windows([f"X'{k}" for k in right], cell, x_shape, size, stride).ok
        if len(right) > 1:
            verdict = exercises.check_windows(sorted(right)[1:], cell, x_shape, size, stride)
            assert f"missing X'{min(right)}" in verdict.message


def test_the_derivation_s_windows():
    assert _windows_by_brute_force(2, 2, (3, 3), 2, 1) == {1, 2, 3, 4}
    assert exercises.check_windows({1, 2, 3, 4}).message == "Right: x22 lies in X'1, X'2, X'3 and X'4."
    verdict = exercises.check_windows([1, 3], cell="x12")
    assert verdict.ok is False and "missing X'2" in verdict.message
    assert "extra X'3 (it covers x21, x22, x31, x32)" in verdict.message


@pytest.mark.parametrize("answer, words", [
    ([1, 5], "there are only 4 windows, X'1 to X'4; 5 is none of them"),
    ([0], "0 is none of them"),
    (["first"], "'first' is not a window number"),
    ([True], "is not a window number"),
    (1.5, "the answer is a float"),
])
def test_odd_window_answers_get_a_verdict(answer, words):
    verdict = exercises.check_windows(answer)
    assert verdict.ok is False and words in verdict.message


def test_check_windows_bad_arguments_raise():
    with pytest.raises(ValueError, match="cell must name an entry"):
        exercises.check_windows(None, cell="w11")
    with pytest.raises(ValueError, match="does not fit"):
        exercises.check_windows(None, size=4)


# ---------------------------------------------------------------------------------------
# The conv backward pass a student writes
# ---------------------------------------------------------------------------------------
def student_conv_backward(dy, x, w):
    """A right answer written here, independently of the package's solution."""
    dy, x, w = np.asarray(dy, float), np.asarray(x, float), np.asarray(w, float)
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for i, j in np.ndindex(dy.shape):
        for m, n in np.ndindex(w.shape):
            dx[i + m, j + n] += dy[i, j] * w[m, n]
            dw[m, n] += dy[i, j] * x[i + m, j + n]
    return dx, dw, float(dy.sum())


def test_the_conv_backward_cases_are_varied():
    cases = exercises.conv_backward_cases()
    assert cases[0][1].shape == (3, 3) and cases[0][2].shape == (2, 2)
    assert {w.shape for _dy, _x, w in cases} == set(exercises.KERNEL_SHAPES)
    assert all(dy.size == 1 or len(np.unique(dy)) > 1 for dy, _x, _w in cases)


def test_a_right_conv_backward_passes():
    assert exercises.check_conv_backward(student_conv_backward).ok is True
    assert exercises.check_conv_backward(exercises.SOLUTIONS["my_conv_backward"]).ok is True


@pytest.mark.parametrize("wrong, words", [
    (lambda dy, x, w: (student_conv_backward(np.ones_like(dy), x, w)[0],
                       *student_conv_backward(dy, x, w)[1:]), "dx is wrong"),
    (lambda dy, x, w: (student_conv_backward(dy, x, w)[0], np.rot90(student_conv_backward(dy, x, w)[1], 2),
                       dy.sum()), "dw is wrong"),
    (lambda dy, x, w: (*student_conv_backward(dy, x, w)[:2], dy.mean()), "db is wrong"),
    (lambda dy, x, w: (*student_conv_backward(dy, x, w)[:2], dy), "one bias per position"),
    (lambda dy, x, w: student_conv_backward(dy, x, w)[::-1], "has shape"),
    (lambda dy, x, w: student_conv_backward(dy, x, w)[0], "it must return three things"),
    (lambda dy, x, w: student_conv_backward(dy, x, w)[:2], "it must return three things"),
    (lambda dy, x, w: (np.zeros(x.shape), "dw", 0.0), "dw is not an array of numbers"),
])
def test_each_wrong_part_of_conv_backward_is_named(wrong, words):
    verdict = exercises.check_conv_backward(wrong)
    assert verdict.ok is False and words in verdict.message
    assert "case 1 (dy (2, 2), x (3, 3), w (2, 2))" in verdict.message


def test_a_conv_backward_wrong_on_one_shape_only_names_the_case():
    def transposed_dw(dy, x, w):  # right whenever dw happens to be symmetric
        dx, dw, db = student_conv_backward(dy, x, w)
        return dx, dw.T, db
    verdict = exercises.check_conv_backward(transposed_dw)
    cases = exercises.conv_backward_cases()
    dws = [conv2d_backward(dy, x, w, 0.0)[1] for dy, x, w in cases]
    bad = next(k for k, dw in enumerate(dws, 1) if dw.T.shape != dw.shape or not np.allclose(dw.T, dw))
    dy, x, w = cases[bad - 1]
    assert verdict.ok is False
    assert f"case {bad} (dy {dy.shape}, x {x.shape}, w {w.shape}): dw " in verdict.message


def test_conv_backward_that_changes_dy_or_raises_gets_a_verdict():
    def zeroes(dy, x, w):
        dy[:] = 0
        return student_conv_backward(dy, x, w)
    assert "changed its input argument 1" in exercises.check_conv_backward(zeroes).message
    assert "raised ZeroDivisionError" in exercises.check_conv_backward(lambda dy, x, w: 1 / 0).message
    assert exercises.check_conv_backward(lambda dy, x, w: None).ok is None
    assert "is not a function" in exercises.check_conv_backward("my_conv_backward").message


# ---------------------------------------------------------------------------------------
# The max-pool backward pass a student writes
# ---------------------------------------------------------------------------------------
def student_pool_backward(dy, x, pick=lambda cells: cells[0], add=True):
    """Loops over windows; ``pick`` chooses among the cells holding a window's maximum."""
    x = np.asarray(x, float)
    dx = np.zeros_like(x)
    for i, j in np.ndindex(np.shape(dy)):
        window = x[i:i + 2, j:j + 2]
        cells = [(m, n) for m, n in np.ndindex(2, 2) if window[m, n] == window.max()]
        for m, n in pick(cells):
            dx[i + m, j + n] = dx[i + m, j + n] + dy[i][j] / (len(cells) if pick is split else 1) \
                if add else dy[i][j]
    return dx


def first(cells):
    return cells[:1]


def last(cells):
    return cells[-1:]


def every(cells):
    return cells


def split(cells):
    return cells


def test_the_pool_cases_have_no_ties_then_one_tie():
    cases = exercises.maxpool_backward_cases()
    ties = [int((maxpool2d_backward(np.ones(dy.shape), x, ties="all") != maxpool2d_backward(np.ones(dy.shape), x)).any())
            for dy, x in cases]
    assert ties == [0] * (len(cases) - 1) + [1]
    assert all((dy != 0).all() for dy, _x in cases)
    dy, x = cases[0]
    assert (maxpool2d_forward(x) == x[1, 1]).all()  # one maximum shared by all four windows


def test_a_right_pool_backward_passes():
    assert exercises.check_maxpool_backward(lambda dy, x: student_pool_backward(dy, x, first)).ok is True
    assert exercises.check_maxpool_backward(exercises.SOLUTIONS["my_maxpool_backward"]).ok is True


@pytest.mark.parametrize("pick, words", [
    (every, "yours sends it to every tied maximum (counted twice)"),
    (split, "yours splits it between them"),
    (last, "yours sends it to the last one"),
])
def test_a_wrong_tie_rule_is_explained(pick, words):
    verdict = exercises.check_maxpool_backward(lambda dy, x: student_pool_backward(dy, x, pick))
    n = len(exercises.maxpool_backward_cases())
    assert verdict.ok is False and f"case {n} " in verdict.message
    assert "window X'1 holds its maximum 5 at x12 and x21" in verdict.message
    assert "first maximum in row-major order, x12" in verdict.message and words in verdict.message


def test_overwriting_instead_of_adding_is_explained():
    verdict = exercises.check_maxpool_backward(lambda dy, x: student_pool_backward(dy, x, first, add=False))
    assert verdict.ok is False and "case 1 " in verdict.message and "ADD up (+=)" in verdict.message


def test_a_pool_backward_of_the_wrong_shape_gets_a_verdict():
    verdict = exercises.check_maxpool_backward(lambda dy, x: np.zeros(np.shape(dy)))
    assert verdict.ok is False and "dx has shape (2, 2), it should have x's shape (3, 3)" in verdict.message
    assert "not an array" in exercises.check_maxpool_backward(lambda dy, x: "dx").message


def test_the_other_solutions_pass_their_checks():
    S = exercises.SOLUTIONS
    assert check_function(S["my_conv"], conv2d_forward, conv_cases()).ok is True

    def reference(dy, w, x_shape):
        return conv2d_backward(dy, np.zeros(x_shape), w, np.zeros(dy.shape))[0]
    assert check_function(S["my_input_grad"], reference, exercises.random_input_grad_cases()).ok is True
    cases = [(np.arange(6.).reshape(2, 3), 3), (np.ones((3, 1)), 2), (np.array([[5.]]), 4)]
    assert check_function(S["spread"], cnnviz.matrix_form.insert_zeros, cases).ok is True


# ---------------------------------------------------------------------------------------
# Both languages: the notebook's language decides the verdict's words and the hint's text
# ---------------------------------------------------------------------------------------
NUDGE = {"en": "look at the window of y21", "zh": "看看 y21 的窗口"}
FORMULA = {"en": "y21 = w11*x21 + ... + b21", "zh": "y21 = w11*x21 + ... + b21，再加上偏置"}


def test_a_bilingual_hint_speaks_the_notebook_s_language():
    hint = {"en": "add the bias", "zh": "加上偏置"}
    assert repr(check_number(6, 7, hint=hint)) == "✘ Not yet: 6 is not the answer. Hint: add the bias"
    with i18n.using("zh"):
        assert repr(check_number(6, 7, hint=hint)) == "✘ 还不对：6 不是正确答案。提示：加上偏置"
        assert repr(check_number(7, 7, hint=hint)) == "✔ 正确：7。"
        assert check_number(None, 7, hint=hint).ok is None
        assert "None" in check_number(None, 7).message and "尚未作答" in check_number(None, 7).message
        assert check_number(6, 7, hint={"en": "only English"}).message.endswith("提示：only English")


def test_bilingual_hints_in_tiers_and_the_solution():
    hints = exercises.Hints(NUDGE, FORMULA, {"en": "y21 = 7", "zh": "y21 = 7（见上文）"})
    with i18n.using("zh"):
        first = check_number(6, 7, hint=hints)
        later = check_number(5, 7, hint=hints)
        shown = hints.show()
    assert first.message.endswith("提示：看看 y21 的窗口")
    assert "y21 = w11*x21 + ... + b21，再加上偏置 还是没有头绪？" in later.message
    assert hints.misses == 2
    assert repr(shown) == "一种解法（和你的写法对照一下）：\ny21 = 7（见上文）"
    assert "Still stuck?" in check_number(5, 7, hint=hints).message  # English again, count 3
    assert hints.misses == 3 and repr(hints.show()).endswith("\ny21 = 7")
    code = exercises.Hints(NUDGE, FORMULA, exercises.SOLUTIONS["my_conv"])
    with i18n.using("zh"):
        assert "def my_conv(x, w, b):" in repr(code.show())


@pytest.mark.parametrize("args", [
    ({"en": ""}, "f", "s"), ({"zh": "只有中文"}, "f", "s"), ({"en": "n", "cn": "错键"}, "f", "s"),
    ("n", {"en": "f", "zh": 3}, "s"), ("n", "f", {"en": " "}), ("n", "f", {}),
])
def test_bad_bilingual_hints_raise(args):
    with pytest.raises(ValueError, match="Hints"):
        exercises.Hints(*args)


@pytest.mark.parametrize("hint", [{"zh": "只有中文"}, {"en": "x", "fr": "y"}, {"en": 3}])
def test_a_bad_hint_dict_raises_even_on_a_right_answer(hint):
    with pytest.raises(ValueError, match="hint must be a str or a Hints"):
        check_number(7, 7, hint=hint)


def _zh_verdicts():
    """One wrong (or right) answer for every kind of verdict, as (name, thunk)."""
    conv_ok = student_conv_backward
    yield "number right", lambda: check_number(7, 7)
    yield "number wrong", lambda: check_number(6, 7)
    yield "number bool", lambda: check_number(True, 7)
    yield "number complex", lambda: check_number(7 + 1j, 7)
    yield "number str", lambda: check_number("seven", 7)
    yield "unanswered", lambda: check_number(None, 7)
    yield "array shape", lambda: exercises.check_array([1, 2], [[1, 2]])
    yield "array differ", lambda: exercises.check_array([1, 2], [1, 3])
    yield "array right", lambda: exercises.check_array([1, 2], [1, 2])
    yield "array str", lambda: exercises.check_array("12", [1, 2])
    yield "array ragged", lambda: exercises.check_array([[1, 2], [3]], [[1, 2], [3, 4]])
    yield "array complex", lambda: exercises.check_array([1j, 2], [1, 2])
    yield "array bools", lambda: exercises.check_array([True, False], [1, 0])
    yield "through changes", lambda: check_through(np.full((3, 3), 8), (3, 3), maxpool2d_forward,
                                                   [[8, 8], [8, 8]], start=np.zeros((3, 3)), changes=1)
    yield "through unusable", lambda: check_through([[1, 2]], (1, 2), lambda a: conv2d_forward(a, np.ones((2, 2)), 0.0), 0)
    yield "function right", lambda: check_function(exercises.SOLUTIONS["my_conv"], conv2d_forward, conv_cases())
    yield "function wrong", lambda: check_function(lambda x, w, b: b * 0, conv2d_forward, conv_cases())
    yield "function not array", lambda: check_function(lambda x, w, b: "y", conv2d_forward, conv_cases())
    yield "function raises", lambda: check_function(lambda x, w, b: 1 / 0, conv2d_forward, conv_cases())
    yield "function name error", lambda: check_function(lambda x, w, b: undefined_name, conv2d_forward,  # noqa: F821
                                                        conv_cases())
    yield "function changes input", lambda: check_function(lambda x, w, b: w.fill(0), conv2d_forward, conv_cases())
    yield "function returns None", lambda: check_function(lambda x, w, b: None, conv2d_forward, conv_cases())
    yield "not a function", lambda: check_function("my_conv", conv2d_forward, conv_cases())
    yield "terms right", lambda: exercises.check_terms(["dy12*w22", "dy22*w12"])
    yield "terms right zero", lambda: exercises.check_terms([], "x22", (4, 4), (1, 1), 2)
    yield "terms missing extra", lambda: exercises.check_terms(["dy12*w22", "dy11*w22", "dy22*w21"])
    yield "terms twice", lambda: exercises.check_terms(["dy12*w22", "dy22*w12", "w22*dy12"])
    yield "terms w target", lambda: exercises.check_terms([("dy11", "x11")], target="w12")
    yield "terms none", lambda: exercises.check_terms([])
    yield "terms unreadable", lambda: exercises.check_terms(7)
    yield "terms single", lambda: exercises.check_terms(["dy12"])
    yield "terms not term", lambda: exercises.check_terms([3])
    yield "terms not pair", lambda: exercises.check_terms([("dy12", "w22", "x23")])
    yield "terms not name", lambda: exercises.check_terms(["dy12*v22"])
    yield "terms output", lambda: exercises.check_terms(["y12*w22"])
    yield "terms wrong kind", lambda: exercises.check_terms(["x12*w22"])
    yield "terms no such", lambda: exercises.check_terms(["dy33*w22"])
    yield "windows right", lambda: exercises.check_windows({1, 2, 3, 4})
    yield "windows right none", lambda: exercises.check_windows([], "x22", (4, 4), 1, 2)
    yield "windows missing extra", lambda: exercises.check_windows([1, 3], cell="x12")
    yield "windows out of range", lambda: exercises.check_windows([1, 9], cell="x12")
    yield "windows not number", lambda: exercises.check_windows(["first"])
    yield "windows unreadable", lambda: exercises.check_windows(1.5)
    yield "conv right", lambda: exercises.check_conv_backward(conv_ok)
    yield "conv dx dw db wrong", lambda: exercises.check_conv_backward(
        lambda dy, x, w: (x * 0, w * 0, dy.mean() + 1))
    yield "conv db per position", lambda: exercises.check_conv_backward(lambda dy, x, w: (*conv_ok(dy, x, w)[:2], dy))
    yield "conv shapes", lambda: exercises.check_conv_backward(lambda dy, x, w: conv_ok(dy, x, w)[::-1])
    yield "conv not three", lambda: exercises.check_conv_backward(lambda dy, x, w: conv_ok(dy, x, w)[0])
    yield "conv not arrays", lambda: exercises.check_conv_backward(lambda dy, x, w: ("dx", "dw", "db"))
    yield "pool right", lambda: exercises.check_maxpool_backward(exercises.SOLUTIONS["my_maxpool_backward"])
    for pick in (every, split, last):
        yield f"pool tie {pick.__name__}", lambda pick=pick: exercises.check_maxpool_backward(
            lambda dy, x: student_pool_backward(dy, x, pick))
    yield "pool overwrite", lambda: exercises.check_maxpool_backward(
        lambda dy, x: student_pool_backward(dy, x, first, add=False))
    yield "pool shape", lambda: exercises.check_maxpool_backward(lambda dy, x: np.zeros(np.shape(dy)))
    yield "pool not array", lambda: exercises.check_maxpool_backward(lambda dy, x: "dx")


@pytest.mark.parametrize("name, check", list(_zh_verdicts()), ids=[n for n, _ in _zh_verdicts()])
def test_every_verdict_in_chinese_has_the_same_outcome_and_no_english_words(name, check):
    english = check()
    with i18n.using("zh"):
        chinese = check()
    assert chinese.ok is english.ok
    assert re.search(r"[\u4e00-\u9fff]", chinese.message), chinese.message
    # Python's, numpy's and the layers' own error messages are quoted as they are, in both
    shared = difflib.SequenceMatcher(None, english.message, chinese.message, autojunk=False)
    own = chinese.message
    for block in shared.get_matching_blocks():
        if block.size >= 12:
            own = own.replace(english.message[block.a:block.a + block.size], " ")
    assert english_words(own) == [], chinese.message
    assert not re.search(r"[\u4e00-\u9fff]", english.message), english.message
    # the math and the numbers of the English verdict are all in the Chinese one
    names = set(re.findall(r"∂L/∂y\d\d·[wx]\d\d|X'\d+|\b[xwy]\d\d\b|\(\d+, \d+\)|-?\d+(?:\.\d+)?",
                           english.message))
    missing = [n for n in names if n not in chinese.message]
    assert missing == [], (missing, chinese.message)


def test_chinese_verdicts_read_as_chinese():
    with i18n.using("zh"):
        assert exercises.check_windows({1, 2, 3, 4}).message == "正确：x22 位于 X'1、X'2、X'3和X'4 中。"
        verdict = exercises.check_terms([("dy12", "w22"), ("dy11", "w22"), ("dy22", "w21")])
        assert verdict.message == ("还不对：缺少 ∂L/∂y22·w12；多出了 ∂L/∂y11·w22（y11 的窗口没有覆盖 x23）、"
                                   "∂L/∂y22·w21（在 y22 的窗口中，与 x23 相乘的是 w12，不是 w21）。")
        verdict = exercises.check_maxpool_backward(lambda dy, x: student_pool_backward(dy, x, every))
        assert "窗口 X'1 的最大值 5 同时出现在 x12、x21" in verdict.message
        assert "按行优先顺序的第一个最大值 x12" in verdict.message and "重复计算" in verdict.message
        verdict = exercises.check_conv_backward(lambda dy, x, w: (*student_conv_backward(dy, x, w)[:2], dy))
        assert verdict.message.startswith("还不对：第 1 个用例（dy (2, 2)、x (3, 3)、w (2, 2)）：db 是形状为")
