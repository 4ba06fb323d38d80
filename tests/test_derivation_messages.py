"""cnnviz.derivation's messages about bad arguments, in both editions: in English exactly as
they always were, in Chinese with the same facts (the shapes and values at fault) and no
English words but the Python names the message quotes (cnnviz.words_derivation)."""
import re

import numpy as np
import pytest

from cnnviz import i18n
from cnnviz.derivation import (chain, exercises, formulas, geometry, images, learning, matrix_form,
                               pitfalls, tinycnn)
from zh_words import english_words

PAIRS = learning.make_pairs([[1, -1], [0.5, 2]], count=2, seed=0)
CHAIN = chain.example()

# (call, error, the English message, facts the Chinese one names too, the Python names it quotes)
CASES = {
    "formulas.position": (
        lambda: formulas.conv_weight_grad_formula(0, 2, (3, 3), (2, 2)), IndexError,
        "kernel position (0, 2) is outside 0..1 x 0..1 (positions are 0-based)",
        ["(0, 2)", "0..1 x 0..1"], set()),
    "formulas.values_missing": (
        lambda: formulas.conv_input_grad_formula(0, 0, (3, 3), (2, 2), values={"w": np.ones((2, 2))}),
        KeyError, "values needs 'dy' for this formula, got keys ['w']", ["'dy'", "['w']"], {"values"}),
    "formulas.values_shape": (
        lambda: formulas.conv_input_grad_formula(0, 0, (3, 3), (2, 2),
                                                 values={"w": np.ones((2, 2)), "dy": np.ones((3, 3))}),
        ValueError, "values['dy'] has shape (3, 3), expected (2, 2)", ["values['dy']", "(3, 3)", "(2, 2)"],
        {"values"}),
    "formulas.bias_conflict": (
        lambda: formulas.conv_output_formula(0, 0, (3, 3), (2, 2), bias="position",
                                             values=dict(x=np.ones((3, 3)), w=np.ones((2, 2)), b=1.0)),
        ValueError, "bias='position' but values['b'] has the 'shared' bias's shape",
        ["bias='position'", "values['b']", "'shared'"], {"bias", "position", "values", "shared"}),
    "formulas.bias_mode": (
        lambda: formulas.conv_output_formula(0, 0, (3, 3), (2, 2), bias=3), ValueError,
        "bias must be one of ('position', 'shared'), got 3", ["('position', 'shared')", "3"],
        {"bias", "position", "shared"}),
    "geometry.channel_shapes": (
        lambda: geometry.channel_sum(np.ones((2, 3)), np.ones((1, 1, 2, 2)), 0), ValueError,
        "x must be (N, C, H, W) and w (F, C, KH, KW), got shapes (2, 3) and (1, 1, 2, 2)",
        ["(N, C, H, W)", "(F, C, KH, KW)", "(2, 3)", "(1, 1, 2, 2)"], set()),
    "geometry.channel_index": (
        lambda: geometry.channel_sum(np.ones((1, 1, 3, 3)), np.ones((2, 1, 2, 2)), [0.0, 0.0], n=1, f=0),
        ValueError, "image n=1 / output channel f=0 outside the batch of 1 and the 2 output channels "
                    "(0-based)", ["n=1", "f=0", "1 幅", "2 个"], set()),
    "geometry.x_2d": (
        lambda: geometry.padded_backward_steps(np.ones((2, 2)), np.ones((1, 3, 3)), np.ones((2, 2))),
        ValueError, "x must be 2-D (H, W), got shape (1, 3, 3)", ["(1, 3, 3)"], set()),
    "matrix_form.one_image": (
        lambda: matrix_form.im2col(np.zeros((1, 1, 3, 3)), (2, 2)), ValueError,
        "x must be 2-D (H, W) here (one image, one channel), got shape (1, 1, 3, 3)", ["(1, 1, 3, 3)"],
        set()),
    "pitfalls.one_image": (
        lambda: pitfalls.compare_overwrite(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3))), ValueError,
        "x must be 2-D (H, W) here (one image, one channel), got shape (1, 1, 3, 3)", ["(1, 1, 3, 3)"],
        set()),
    "chain_math.target_shape": (
        lambda: chain.conv_pool_loss(**{**CHAIN, "target": np.ones((3, 3))}), ValueError,
        "target has shape (3, 3) but the pool's output Z has shape (2, 2)", ["(3, 3)", "(2, 2)"],
        {"target"}),
    "chain_math.dz_shape": (
        lambda: chain.conv_pool_backward(CHAIN["x"], CHAIN["w"], CHAIN["b"], np.ones((3, 3))),
        ValueError, "dL/dZ has shape (3, 3) but the pool's output Z has shape (2, 2)",
        ["dL/dZ", "(3, 3)", "(2, 2)"], set()),
    "learning.rate_range": (
        lambda: learning.learn_kernel(PAIRS, -0.5, 5), ValueError,
        "rate must be a finite number >= 0, got -0.5", ["-0.5", ">= 0"], {"rate"}),
    "learning.rate_type": (
        lambda: learning.learn_kernel(PAIRS, [1], 5), TypeError, "rate must be a number, got [1]",
        ["[1]"], {"rate"}),
    "learning.whole_type": (
        lambda: learning.learn_kernel(PAIRS, 0.1, 1.5), TypeError,
        "steps must be a whole number from 0 to 10000, got 1.5", ["0", "10000", "1.5"], {"steps"}),
    "learning.whole_range": (
        lambda: learning.make_pairs([[1, -1]], count=0), ValueError, "count must be from 1 to 100, got 0",
        ["1", "100", "0"], {"count"}),
    "learning.shape_type": (
        lambda: learning.make_pairs([[1, -1]], x_shape=5), TypeError,
        "x_shape must be a (rows, cols) pair of whole numbers, got 5", ["x_shape", "5"], set()),
    "learning.shape_small": (
        lambda: learning.make_pairs([[1, -1]], x_shape=(0, 4)), ValueError,
        "x_shape must be at least 1x1, got (0, 4)", ["1x1", "(0, 4)"], set()),
    "learning.not_finite": (
        lambda: learning.make_pairs([[1, np.inf]]), ValueError,
        "hidden must hold finite numbers, got inf at [0, 1]", ["inf", "[0, 1]"], {"hidden"}),
    "learning.not_2d": (
        lambda: learning.make_pairs(np.ones(3)), ValueError,
        "hidden must be a non-empty 2-D array, got shape (3,)", ["(3,)"], {"hidden"}),
    "learning.pairs_type": (
        lambda: learning.learn_kernel(5, 0.1, 1), TypeError, "pairs must be a list of (x, y) pairs, got int",
        ["(x, y)", "int"], {"pairs"}),
    "learning.pairs_count": (
        lambda: learning.learn_kernel([], 0.1, 1), ValueError, "pairs must hold 1 to 100 (x, y) pairs, got 0",
        ["100", "0"], {"pairs"}),
    "learning.pair_type": (
        lambda: learning.learn_kernel([PAIRS[0][0]], 0.1, 1), TypeError,
        "pairs[0] must be an (x, y) pair, got ndarray", ["pairs[0]", "ndarray"], {"pairs"}),
    "learning.pair_x": (
        lambda: learning.learn_kernel([(np.full((5, 5), np.nan), PAIRS[0][1])], 0.1, 5), ValueError,
        "pairs[0] x must hold finite numbers, got nan at [0, 0]", ["pairs[0]", "[0, 0]"], {"pairs", "nan"}),
    "learning.y_larger": (
        lambda: learning.learn_kernel([(np.ones((3, 3)), np.ones((4, 4)))], 0.1, 5), ValueError,
        "pairs[0]: y of shape (4, 4) is larger than x of shape (3, 3); a valid convolution makes y smaller",
        ["pairs[0]", "(4, 4)", "(3, 3)"], {"pairs"}),
    "learning.pair_kernel": (
        lambda: learning.learn_kernel([PAIRS[0], (np.ones((5, 5)), np.ones((3, 3)))], 0.1, 5), ValueError,
        "pairs[1]: x (5, 5) and y (3, 3) fit a 3x3 kernel, not 2x2 (y must be 4x4)",
        ["pairs[1]", "(5, 5)", "(3, 3)", "3x3", "2x2", "4x4"], {"pairs"}),
    "learning.x_shape_small": (
        lambda: learning.make_pairs(np.ones((2, 2)), x_shape=(1, 5)), ValueError,
        "x_shape (1, 5) is smaller than the hidden kernel 2x2: no window fits", ["(1, 5)", "2x2"], set()),
    "learning.w_shape": (
        lambda: learning.squared_error_loss(np.zeros((1, 2)), PAIRS), ValueError,
        "w has shape (1, 2) but the pairs fit a 2x2 kernel", ["(1, 2)", "2x2"], set()),
    "learning.hidden_shape": (
        lambda: learning.largest_difference(learning.learn_kernel(PAIRS, 0.1, 1), np.zeros((3, 3))),
        ValueError, "hidden has shape (3, 3) but the trace's kernel is 2x2", ["(3, 3)", "2x2"], {"hidden"}),
    "images.no_kernels": (
        lambda: images.feature_maps(np.zeros((3, 3)), {}), ValueError,
        "kernels must name at least one kernel", [], {"kernels"}),
    "images.too_large": (
        lambda: images.feature_maps(np.zeros((2, 2)), {"your kernel": np.ones((3, 3))}), ValueError,
        "the kernel 'your kernel' (3×3) is larger than the image (2×2)", ["'你的卷积核'", "3×3", "2×2"],
        set()),
    "images.not_2d": (
        lambda: images.feature_maps(np.zeros(8), {"blur": np.ones((3, 3))}), ValueError,
        "the image must be a non-empty 2-D array, got shape (8,)", ["图像", "(8,)"], set()),
    "images.not_finite": (
        lambda: images.feature_maps(np.zeros((3, 3)), {"k": [[0.0, np.inf]]}), ValueError,
        "the kernel 'k' must hold finite numbers only (no NaN or infinity)", ["'k'", "NaN"], set()),
    "tinycnn.shapes": (
        lambda: tinycnn.accuracy([1, 2, 3], [1, 2]), ValueError,
        "predicted has shape (3,) but labels have (2,)", ["(3,)", "(2,)"], {"predicted", "labels"}),
    "exercises.hints_text": (
        lambda: exercises.Hints("", "y = w*x + b", "7"), ValueError,
        "Hints: nudge must be a non-empty str or a dict {'en': ..., 'zh': ...} of them, got ''",
        ["{'en': ..., 'zh': ...}", "''"], {"Hints", "nudge"}),
    "exercises.hints_solution": (
        lambda: exercises.Hints("a", "b", 3), ValueError,
        "Hints: solution must be a non-empty str (or a dict {'en': ..., 'zh': ...} of them) or a "
        "function, got 3", ["3"], {"Hints", "solution"}),
    "exercises.hint_type": (
        lambda: exercises.check_number(1, 1, hint=3), ValueError,
        "hint must be a str or a Hints (or a dict {'en': ..., 'zh': ...}), got an int", ["int"],
        {"hint", "Hints"}),
    "exercises.shape_pair": (
        lambda: exercises.check_terms(None, x_shape="3x3"), ValueError,
        "x_shape must be an int or a pair (rows, cols), got '3x3'", ["x_shape", "'3x3'"], set()),
    "exercises.shape_positive": (
        lambda: exercises.check_terms(None, x_shape=(3, -1)), ValueError,
        "x_shape must hold positive ints, got (3, -1)", ["(3, -1)"], set()),
    "exercises.stride": (
        lambda: exercises.check_terms(None, stride=0), ValueError, "stride must be an int >= 1, got 0",
        [">= 1", "0"], {"stride"}),
    "exercises.no_fit": (
        lambda: exercises.check_terms(None, w_shape=(4, 2)), ValueError,
        "a 4×2 window does not fit in a 3×3 input", ["4×2", "3×3"], set()),
    "exercises.target_name": (
        lambda: exercises.check_terms(None, target="z11"), ValueError,
        "target must name an entry such as x23, got 'z11'", ["x23", "'z11'"], {"target"}),
    "exercises.target_outside": (
        lambda: exercises.check_windows(None, cell="x44"), ValueError,
        "cell='x44' is outside the 3×3 X", ["cell='x44'", "3×3"], {"cell"}),
}


def _message(call, error):
    with pytest.raises(error) as info:
        call()
    return info.value.args[0]  # a KeyError's str() would be the repr of its message


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_english_message_is_todays(key):
    call, error, english, _, _ = CASES[key]
    with i18n.using("en"):
        assert _message(call, error) == english


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_chinese_message_is_chinese_and_names_the_same_facts(key):
    call, error, _, facts, names = CASES[key]
    with i18n.using("zh"):
        message = _message(call, error)
    assert re.search(r"[\u4e00-\u9fff]", message), message
    assert set(english_words(message)) <= names, (message, english_words(message))
    for fact in facts:
        assert fact in message, (fact, message)


def test_the_message_follows_the_language_of_the_moment():
    call = CASES["learning.rate_range"][0]
    with i18n.using("zh"):
        assert _message(call, ValueError) == "rate 必须是 >= 0 的有限数，得到的是 -0.5"
    assert _message(call, ValueError) == "rate must be a finite number >= 0, got -0.5"


def test_a_classic_kernel_is_named_in_the_language_and_any_other_as_given():
    with i18n.using("zh"):
        assert _message(lambda: images.feature_maps(np.zeros((2, 2)), {"blur": np.ones((3, 3))}),
                        ValueError) == "卷积核 '模糊'（3×3）比图像（2×2）还大"
        assert "'big'" in _message(lambda: images.feature_maps(np.zeros((2, 2)), {"big": np.ones((3, 3))}),
                                   ValueError)


def test_every_case_is_a_message_of_the_derivation():
    from cnnviz import words_derivation
    assert set(CASES) <= set(words_derivation.WORDS)
