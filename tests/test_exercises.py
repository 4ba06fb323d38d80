"""The exercises' self-checks: a wrong answer cannot pass, and every answer gets a verdict.

Each wrong solution below once passed (or gave a traceback); each must now be told it is wrong.
"""
import numpy as np
import pytest

import cnnviz
from cnnviz import conv2d_backward, conv2d_forward, maxpool2d_backward, maxpool2d_forward
from cnnviz.derivation import exercises
from cnnviz.derivation.exercises import check_function, check_number, check_through


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
    X = cnnviz.examples.seed_conv()["x"]
    verdict = check_through([1, 0, 0], (2, 2), lambda W: conv2d_forward(X, W, 0.0), X[:2, :2])
    assert verdict.ok is False and "the shape is (3,), it should be (2, 2)" in verdict.message
    assert check_through("oops", (2, 2), lambda W: conv2d_forward(X, W, 0.0), X[:2, :2]).ok is False
    assert check_through([[1, 0], [0, 0]], (2, 2), lambda W: conv2d_forward(X, W, 0.0),
                         X[:2, :2]).ok is True


def test_change_one_entry_means_one_entry_03():
    X = cnnviz.examples.seed_pool()["x"]
    eights = [[8, 8], [8, 8]]
    verdict = check_through(np.full((3, 3), 8), (3, 3), maxpool2d_forward, eights, start=X, changes=1)
    assert verdict.ok is False and "change exactly 1" in verdict.message
    one = X.copy()
    one[2, 2] = 7
    assert check_through(one, (3, 3), maxpool2d_forward, eights, start=X, changes=1).ok is True
