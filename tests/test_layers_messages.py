"""The layers' messages (cnnviz.layers; catalog part cnnviz/words_layers.py): Chinese in the
Chinese edition, with the same shapes and values as the English, which stays today's text."""
import re

import numpy as np
import pytest

from cnnviz import i18n
from cnnviz.layers import _args, avg_steps, gradcheck, naive, ops, steps
from zh_words import english_words

ONES_2x2, ONES_3x3 = np.ones((2, 2)), np.ones((3, 3))
RAGGED = [[1, 2, 3], [4, 5]]
WITH_NAN = [[1.0, np.nan], [2.0, 3.0]]


# name: (the call, the error's type, today's English text, the argument the message names in
# code form (it stays as it is in Chinese), what both languages must show)
CASES = {
    "masked": (lambda: ops.maxpool2d_forward(np.ma.masked_array(ONES_3x3)), TypeError,
               "x is a masked array: its mask would be ignored; pass x.filled(value) with the "
               "value masked entries should take", None, ["x.filled(value)"]),
    "ragged": (lambda: ops.maxpool2d_forward(RAGGED), ValueError,
               "x must be a rectangular array of numbers: x[1] has length 2 but x[0] has length 3", None,
               ["x[1]", "x[0]"]),
    "ragged, a list among numbers": (lambda: ops.maxpool2d_forward([[1, [2]], [3, 4]]), ValueError,
                                     "x must be a rectangular array of numbers: x[0][1] is a list "
                                     "but x[0][0] is a number", None, ["x[0][1]", "x[0][0]"]),
    "not numbers, in a list": (lambda: ops.maxpool2d_forward([[1, "a"], [2, 3]]), TypeError,
                               "x must hold numbers only, got an entry 'a' of type str", None,
                               ["'a'", "str"]),
    "not_numbers": (lambda: naive.maxpool2d_forward(np.array([[1, "a"], [2, 3]], dtype=object)),
                    TypeError, "x must hold numbers only, got an entry 'a' of type str", None,
                    ["'a'", "str"]),
    "complex": (lambda: ops.maxpool2d_forward(np.ones((3, 3), dtype=complex)), TypeError,
                "x must hold real numbers, got complex values", None, []),
    "dtype": (lambda: ops.maxpool2d_forward(np.ones((2, 2), dtype="timedelta64[s]"), size=1),
              TypeError, "x must hold real numbers, got dtype timedelta64[s]", None,
              ["timedelta64[s]"]),
    "not_pair": (lambda: ops.conv2d_forward(ONES_3x3, ONES_2x2, 0.0, stride=1.5), TypeError,
                 "stride must be an int or a (rows, cols) pair of ints, got 1.5", "stride", ["1.5"]),
    "too_small": (lambda: naive.conv2d_forward(ONES_3x3, ONES_2x2, 0.0, padding=(1, -1)),
                  ValueError, "padding must be >= 0, got (1, -1)", "padding", ["(1, -1)"]),
    "empty": (lambda: ops.conv2d_forward(ONES_3x3, np.zeros((2, 0)), 0.0), ValueError,
              "w has shape (2, 0): every dimension must be at least 1", None, ["(2, 0)"]),
    "too_many": (lambda: ops.conv2d_forward(ONES_3x3, ONES_2x2, 0.0, padding=5000), ValueError,
                 "the padded input would hold 100,060,009 numbers, more than the 33,554,432 "
                 "(256 MiB) this package works with: use smaller inputs", None,
                 ["100,060,009", "33,554,432", "256"]),
    "not_2d_4d": (lambda: ops.maxpool2d_forward(np.ones((2, 3, 3))), ValueError,
                  "x must be 2-D (H, W) or 4-D (N, C, H, W), got shape (2, 3, 3)", None,
                  ["(H, W)", "(N, C, H, W)", "(2, 3, 3)"]),
    "kernel_dims": (lambda: ops.conv2d_forward(ONES_3x3, np.ones((1, 1, 2, 2)), 0.0), ValueError,
                    "w must be 2-D (KH, KW) to match a 2-D x, got shape (1, 1, 2, 2)", None,
                    ["(KH, KW)", "(1, 1, 2, 2)"]),
    "channels": (lambda: naive.conv2d_forward(np.ones((1, 3, 4, 4)), np.ones((2, 2, 2, 2)), 0.0),
                 ValueError, "channel mismatch: x has C=3 channels (shape (1, 3, 4, 4)) but w "
                 "expects C=2 (shape (2, 2, 2, 2))", None,
                 ["C=3", "C=2", "(1, 3, 4, 4)", "(2, 2, 2, 2)"]),
    "too_large": (lambda: ops.output_size((3, 3), 5), ValueError,
                  "kernel 5x5 spans 5x5, larger than the padded input 3x3 (input 3x3, padding "
                  "(0, 0))", None, ["卷积核 5×5", "3×3", "(0, 0)"]),
    "too_large_dilated": (lambda: ops.conv2d_forward(np.ones((4, 4)), ONES_2x2, 0.0, dilation=4),
                          ValueError, "kernel 2x2 with dilation (4, 4) spans 5x5, larger than the "
                          "padded input 4x4 (input 4x4, padding (0, 0))", None,
                          ["2×2", "膨胀 (4, 4)", "5×5", "4×4"]),
    "too_large_pool": (lambda: naive.avgpool2d_forward(np.ones((2, 3)), 3), ValueError,
                       "pooling window 3x3 spans 3x3, larger than the padded input 2x3 (input "
                       "2x3, padding (0, 0))", None, ["池化窗口 3×3", "2×3"]),
    "bias_2d": (lambda: ops.conv2d_forward(ONES_3x3, ONES_2x2, ONES_3x3), ValueError,
                "b has shape (3, 3), which fits neither bias mode: expected a scalar (shared) or "
                "(2, 2) (one per output position)", None, ["(3, 3)", "(2, 2)"]),
    "bias_4d": (lambda: ops.conv2d_forward(np.ones((1, 1, 3, 3)), np.ones((2, 1, 2, 2)), np.ones(3)),
                ValueError, "b has shape (3,), which fits neither bias mode: expected a scalar or "
                "(2,) (shared per output channel) or (2, 2, 2) (one per output position)", None,
                ["(3,)", "(2,)", "(2, 2, 2)"]),
    "ties": (lambda: naive.maxpool2d_backward(ONES_2x2, ONES_3x3, ties="max"), ValueError,
             "ties must be one of ('first', 'all', 'split'), got 'max'", "ties",
             ["('first', 'all', 'split')", "'max'"]),
    "gradient_shape": (lambda: ops.conv2d_backward(ONES_3x3, ONES_3x3, ONES_2x2, 0.0), ValueError,
                       "dy has shape (3, 3) but the layer's output y has shape (2, 2)", None,
                       ["dy", "(3, 3)", "(2, 2)"]),
    "nan_max": (lambda: ops.maxpool2d_forward(WITH_NAN), ValueError,
                "x has NaN at index (0, 1): max pooling compares the values of a window, and NaN "
                "is neither larger nor smaller than any number", None, ["NaN", "(0, 1)"]),
    "nan_average": (lambda: ops.avgpool2d_backward([[1.0]], WITH_NAN), ValueError,
                    "x has NaN at index (0, 1): the average of a window that holds NaN is NaN, "
                    "and so would be its gradient's check", None, ["NaN", "(0, 1)"]),
    "steps_2d": (lambda: steps.conv_forward_steps(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), 0.0),
                 ValueError, "step-by-step traces are 2-D only (one image, one channel): x (H, W), "
                 "w (KH, KW); got x with shape (1, 1, 3, 3)", None,
                 ["x (H, W)", "w (KH, KW)", "(1, 1, 3, 3)"]),
    "pool_steps_2d": (lambda: steps.pool_backward_steps(ONES_2x2, np.ones((1, 1, 3, 3))), ValueError,
                      "step-by-step traces are 2-D only (one image, one channel): x (H, W), "
                      "w (KH, KW); got x with shape (1, 1, 3, 3)", None, ["(1, 1, 3, 3)"]),
    "avg_steps_2d": (lambda: avg_steps.avgpool_forward_steps(np.ones((1, 1, 3, 3))), ValueError,
                     "step-by-step traces are 2-D only (one image, one channel): x (H, W); got x "
                     "with shape (1, 1, 3, 3)", None, ["x (H, W)", "(1, 1, 3, 3)"]),
    "eps": (lambda: gradcheck.numerical_gradient(np.sum, ONES_2x2, eps=0), ValueError,
            "eps must be > 0, got 0", "eps", ["> 0"]),
    "not_scalar": (lambda: gradcheck.numerical_gradient(lambda v: v, ONES_2x2), ValueError,
                   "f must return a scalar loss, got an array of shape (2, 2)", None, ["(2, 2)"]),
    "shapes": (lambda: gradcheck.relative_error(ONES_2x2, ONES_3x3), ValueError,
               "cannot compare gradients of shapes (2, 2) and (3, 3)", None, ["(2, 2)", "(3, 3)"]),
}


def _message(case, lang):
    call, kind = CASES[case][:2]
    with i18n.using(lang), pytest.raises(kind) as info:
        call()
    return str(info.value)


def _code_dropped(text, argument):
    """``text`` without what is code in both languages: the argument's name, Python reprs
    ('max') and dotted calls (x.filled(value)), and numpy's own words quoted in parentheses."""
    text = re.sub(r"'[^']*'|\b\w+(?:\.\w+)+(?:\([^)]*\))?", " ", text)
    return re.sub(rf"\b{argument}\b", " ", text) if argument else text


def _numbers(text):
    """The numbers a message shows, "2-D" / "二维" / "2 维" (the layouts asked for) left out."""
    text = re.sub(r"\b\d-D\b|\d+ 维|[二四]维", " ", text)
    return sorted(re.findall(r"\d+", text))


@pytest.mark.parametrize("case", CASES)
def test_in_english_a_message_is_todays_text(case):
    assert _message(case, "en") == CASES[case][2]


@pytest.mark.parametrize("case", CASES)
def test_in_chinese_a_message_is_chinese_and_names_the_same_shapes_and_values(case):
    english, argument, facts = CASES[case][2:]
    chinese = _message(case, "zh")
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    assert english_words(_code_dropped(chinese, argument)) == [], chinese
    assert _numbers(chinese) == _numbers(english), chinese
    for fact in facts:
        assert fact in chinese, (fact, chinese)
    if argument:
        assert chinese.startswith(f"{argument} "), chinese  # the name in code form


def test_a_ragged_list_is_described_by_its_rows_not_by_numpy():
    """numpy's own words for a ragged list ("inhomogeneous shape after 1 dimensions") are
    neither the student's language nor the student's terms: the message names the rows."""
    assert _args.ragged_place([[1, 2], [3, 4]], "x") == ""
    assert _args.ragged_place(np.ones((2, 3)), "w") == ""
    with i18n.using("en"):
        assert _args.ragged_place([[[1, 2], [3]]], "x") == "x[0][1] has length 1 but x[0][0] has length 2"
        assert _args.ragged_place([[1, 2], [3, 4], [5]], "dy") == "dy[2] has length 1 but dy[0] has length 2"
    assert _message("ragged", "zh") == "x 必须是规整的数值数组：x[1] 的长度是 2，而 x[0] 的长度是 3"


def test_the_language_is_the_notebooks_when_none_is_forced(monkeypatch):
    monkeypatch.setattr(i18n, "_forced", None)
    monkeypatch.setenv(i18n.ENV, "zh")
    with pytest.raises(ValueError, match=r"^stride 必须 >= 1，现在是 0$"):
        ops.maxpool2d_forward(ONES_3x3, stride=0)
    monkeypatch.setenv(i18n.ENV, "en")
    with pytest.raises(ValueError, match=r"^stride must be >= 1, got 0$"):
        ops.maxpool2d_forward(ONES_3x3, stride=0)


def test_checks_that_pass_never_look_up_a_message(monkeypatch):
    def no_words(*args, **fields):
        raise AssertionError("say called for an argument that is fine")

    monkeypatch.setattr(_args, "say", no_words)
    assert _args.pair(2, "stride", 1) == (2, 2)
    assert _args.pair((1, 2), "padding", 0) == (1, 2)
    assert _args.pair(np.array([3, 1]), "size", 1) == (3, 1)
    assert ops.conv2d_forward(ONES_3x3, ONES_2x2, 0.0, padding=1, dilation=2).shape == (3, 3)
    assert naive.maxpool2d_backward(ONES_2x2, ONES_3x3, ties="split").shape == (3, 3)
