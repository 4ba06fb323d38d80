"""What the explorers say when something is wrong, and what they show when a student changes
only some of the numbers: in the explorer's language, naming the values at fault.

- a ValueError/TypeError an explorer raises itself (a matrix its sliders cannot hold, a bad
  switch, a bad step) is in the explorer's language; in English it is today's text;
- a message of the package shown on a stage (a layer's ValueError) is in the explorer's
  language too, also when the explorer's language is not the notebook's;
- every section's name and one-line summary (the text/plain copy) is in the language;
- numbers too large for float64 are a message naming the result and its entry, never a
  picture of inf or a numpy warning in the cell's output;
- a default (b, ∂L/∂Y, ∂L/∂Z, the other channels) fits what the student did give.
"""
import html
import re
import warnings

import numpy as np
import pytest
import traitlets

import cnnviz
from cnnviz import i18n
from cnnviz.explorers.base import MatrixEditor
from cnnviz.explorers.chain import ChainExplorer
from cnnviz.explorers.conv import ConvBackwardExplorer, ConvForwardExplorer
from cnnviz.explorers.general import (MultiChannelExplorer, OutputSizeExplorer,
                                      StridedBackwardExplorer, default_multichannel)
from cnnviz.explorers.images import FeatureMapExplorer
from cnnviz.explorers.learning import LearnKernelExplorer
from cnnviz.explorers.matrix import MatrixFormExplorer
from cnnviz.explorers.pool import PoolBackwardExplorer, PoolForwardExplorer, PoolWindowsExplorer
from cnnviz.layers import steps
from cnnviz.words import say
from zh_words import english_words

CJK = re.compile(r"[\u4e00-\u9fff]")


def english_outside(text, *code):
    """The English words of ``text`` once the Python it quotes (an argument's name, a value's
    repr, a class name, numpy's own words) is left out."""
    for name in sorted(code, key=len, reverse=True):
        text = text.replace(name, " ")
    return english_words(text)


# (what, the call, the error, today's English, the Python the message quotes, what it names)
CASES = [
    ("editor: not numbers", lambda: MatrixEditor([[1, "a"]], "x"), TypeError,
     "x must hold numbers only, got an entry 'a' of type str", ("'a'", "str"), ("x", "'a'")),
    ("editor: ragged", lambda: MatrixEditor([[1, 2], [3]], "x"), ValueError,
     "x must be a rectangular array of numbers: x[1] has length 1 but x[0] has length 2", (),
     ("x[1]", "x[0]")),
    ("editor: not 2-D", lambda: MatrixEditor([1, 2, 3], "x"), ValueError,
     "x: expected a non-empty 2-D matrix, got shape (3,)", (), ("x", "(3,)")),
    ("editor: too many", lambda: MatrixEditor(np.zeros((13, 2)), "x"), ValueError,
     "x: the sliders edit at most 12x12 entries, got shape (13, 2); use cnnviz's functions for "
     "larger arrays", ("cnnviz",), ("(13, 2)", "12")),
    ("editor: not finite", lambda: MatrixEditor([[1, np.nan], [np.inf, 2]], "x"), ValueError,
     "x: every entry must be a finite number; x12 = nan, x21 = inf", ("nan",),
     ("x12 = nan", "x21 = inf")),
    ("editor: wrong shape",
     lambda: setattr(MatrixEditor(np.zeros((2, 2)), "w"), "value", np.zeros((3, 3))), ValueError,
     "w: expected a 2x2 matrix, got shape (3, 3)", (), ("w", "(3, 3)")),
    ("slider: not finite",
     lambda: setattr(ConvForwardExplorer(bias="shared").shared_b, "value", float("nan")),
     traitlets.TraitError, "b must be a finite number, got nan", ("nan",), ("b", "nan")),
    ("conv: bias switch", lambda: ConvForwardExplorer(bias="both"), ValueError,
     "bias must be 'position' or 'shared', got 'both'",
     ("bias", "'position'", "'shared'", "'both'"), ("'both'",)),
    ("conv: b", lambda: ConvForwardExplorer(b=[1, 2, 3]), ValueError,
     "b must be a number (shared) or a 2x2 matrix (one per position), got shape (3,)", (),
     ("(3,)", "2")),
    ("pool: mode", lambda: PoolForwardExplorer(mode="mean"), ValueError,
     "mode must be 'max' or 'average', got 'mean'", ("mode", "'max'", "'average'", "'mean'"),
     ("'mean'",)),
    ("pool: cell", lambda: PoolBackwardExplorer(cell=(3, 0)), ValueError,
     "cell must be a (row, col) of X (0-based, X is 3x3), got (3, 0)", ("cell",), ("(3, 0)", "3")),
    ("pool: step", lambda: PoolBackwardExplorer().steps_view(step=9), ValueError,
     "step must be between 0 and 3, got 9", ("step",), ("3", "9")),
    ("conv: b not numbers", lambda: ConvForwardExplorer(b="a"), TypeError,
     "b must hold numbers only, got an entry 'a' of type str", ("'a'", "str"), ("b", "'a'")),
    ("chain: b ragged", lambda: ChainExplorer(b=[[1, 2, 3], [4, 5]]), ValueError,
     "b must be a rectangular array of numbers: b[1] has length 2 but b[0] has length 3", (),
     ("b[1]", "b[0]")),
    ("multichannel: x not numbers", lambda: MultiChannelExplorer(x=[[[[1, None]]]]), TypeError,
     "x must hold numbers only, got an entry None of type NoneType", ("None", "NoneType"),
     ("x", "None")),
    ("feature maps: kernels", lambda: FeatureMapExplorer(kernels=[[1, 0], [0, 1]]), TypeError,
     "kernels must be a dict {name: kernel}, got list", ("kernels", "list"), ("kernels", "list")),
    ("feature maps: image not numbers", lambda: FeatureMapExplorer(image=[["a"]]), TypeError,
     "image must hold numbers only, got an entry 'a' of type str", ("image", "'a'", "str"),
     ("image", "'a'")),
    ("pool: x", lambda: setattr(PoolWindowsExplorer(), "x", [[0, 1], [None, 2]]), TypeError,
     "x must hold numbers only, got an entry None of type NoneType", ("None", "NoneType"),
     ("x", "None")),
    ("stage: step", lambda: setattr(ConvForwardExplorer().stage, "step", 7), ValueError,
     "step must be between 0 and 3, got 7", ("step",), ("3", "7")),
    ("stage: captions", lambda: ConvForwardExplorer().stage.show(["a", "b"], ["c"]), ValueError,
     "2 frames need 2 captions, got 1", (), ("2", "1")),
    ("feature maps: image", lambda: FeatureMapExplorer(np.zeros((2, 2, 2, 2))), ValueError,
     "image must be one image (H_in, W_in) or a stack (N, H_in, W_in), got shape (2, 2, 2, 2)",
     ("image",), ("(2, 2, 2, 2)", "(H_in, W_in)")),
    ("feature maps: not finite", lambda: FeatureMapExplorer([[0, np.inf], [0, 0]]), ValueError,
     "image must hold finite numbers only (no NaN or infinity)", ("image",), ("NaN",)),
    ("feature maps: a kernel named as yours",
     lambda: FeatureMapExplorer(kernels={"your kernel": np.ones((2, 2))}), ValueError,
     "'your kernel' is the name of the kernel on the sliders; rename yours", ("'your kernel'",),
     ("'your kernel'",)),
    ("learning: rate", lambda: LearnKernelExplorer(rate="fast"), TypeError,
     "rate must be a number, got 'fast'", ("rate", "'fast'"), ("'fast'",)),
    ("learning: steps", lambda: LearnKernelExplorer(steps=2.5), TypeError,
     "steps must be a whole number, got 2.5", ("steps",), ("2.5",)),
    ("matrix: share and values",
     lambda: MatrixFormExplorer(x=np.ones((3, 3)), share=ConvBackwardExplorer()), ValueError,
     "share=...: x, w, b and dy come from the shared explorer; pass them to it instead",
     ("share",), ("x", "dy")),
    ("matrix: share of another kind", lambda: MatrixFormExplorer(share=object()), TypeError,
     "share must be an explorer with x, w and ∂L/∂y sliders (a ConvBackwardExplorer), got object",
     ("share", "ConvBackwardExplorer", "object"), ("object", "∂L/∂y")),
]


@pytest.mark.parametrize("what, call, error, english, code, facts", CASES,
                         ids=[case[0] for case in CASES])
def test_in_english_a_message_is_today_s_text(what, call, error, english, code, facts):
    with i18n.using("en"), pytest.raises(error) as raised:
        call()
    assert str(raised.value) == english


@pytest.mark.parametrize("what, call, error, english, code, facts", CASES,
                         ids=[case[0] for case in CASES])
def test_in_chinese_a_message_is_chinese_and_names_the_same_values(what, call, error, english,
                                                                   code, facts):
    with i18n.using("zh"), pytest.raises(error) as raised:
        call()
    text = str(raised.value)
    assert CJK.search(text), text
    assert english_outside(text, *code) == [], text
    for fact in facts:
        assert fact in text
    assert i18n.language() == "en"  # the notebook's language is back


def test_an_explorer_raises_in_its_own_language_whatever_the_notebook_s():
    with pytest.raises(ValueError, match="^mode 必须是 'max' 或 'average'，现在是 'mean'$"):
        PoolForwardExplorer(mode="mean", lang="zh")
    ex = PoolBackwardExplorer(lang="zh")
    with pytest.raises(ValueError, match="^mode 必须是"):
        ex.mode = "mean"
    with pytest.raises(ValueError, match=r"^x：应为 3×3 的矩阵，现在的形状是 \(2, 2\)$"):
        ex.x = np.zeros((2, 2))
    with i18n.using("zh"), pytest.raises(ValueError, match="^bias must be 'position'"):
        ConvForwardExplorer(bias="both", lang="en")


# ---------------------------------------------------------------------------------------
# The package's messages on a stage
# ---------------------------------------------------------------------------------------
def test_the_chinese_lead_no_longer_says_the_explanation_is_english():
    assert say("explorer.bad_setting", "zh", error="E") == "这个设置不可用：E"
    assert say("explorer.bad_setting", "en", error="E") == "E"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_layer_s_message_on_a_stage_is_in_the_explorer_s_language(lang):
    """Made in an English process (the tests), a Chinese explorer still shows the layer's
    message in Chinese, at once and after a slider moves."""
    with i18n.using(lang), pytest.raises(ValueError) as refused:
        steps.conv_forward_steps(np.ones((3, 3)), np.ones((4, 4)), 0.0)
    expected = say("explorer.bad_setting", lang, error=refused.value)
    ex = ConvForwardExplorer(np.ones((3, 3)), np.ones((4, 4)), 0.0, lang=lang)
    assert ex.error == expected and ex.stage.error == expected
    ex.x_editor.slider(0, 0).value = 2
    assert ex.error == expected
    assert ex.summary() == say("summary.error", lang, name="ConvForwardExplorer", error=expected)
    assert i18n.language() == "en"


def test_a_pooling_layer_s_message_follows_the_explorer_s_language_too():
    with i18n.using("zh"), pytest.raises(ValueError) as refused:
        steps.pool_forward_steps(np.ones((3, 3)), 5, 1)
    ex = PoolForwardExplorer(size=5, lang="zh")
    assert ex.error == f"这个设置不可用：{refused.value}" and ex.stage.error == ex.error


# ---------------------------------------------------------------------------------------
# Section names and summaries
# ---------------------------------------------------------------------------------------
def _sections(ex):
    """The explorer's root section and every other section it makes."""
    names = {ConvForwardExplorer: ("equations",),
             ConvBackwardExplorer: ("scatter_x", "scatter_w", "bias", "gather_x", "matrix_form",
                                    "weight_equations", "gradient_check"),
             PoolBackwardExplorer: ("steps_view", "meeting", "ties_view", "overwrite_bug"),
             MultiChannelExplorer: ("batch",),
             StridedBackwardExplorer: ("full_convolution", "weights"),
             MatrixFormExplorer: ("im2col",)}.get(type(ex), ())
    return [ex.root] + [getattr(ex, name)() for name in names]


def _text_plain(section):
    bundle = section._repr_mimebundle_()
    return (bundle[0] if isinstance(bundle, tuple) else bundle)["text/plain"]


EXPLORERS = [ConvForwardExplorer, ConvBackwardExplorer, PoolForwardExplorer, PoolWindowsExplorer,
             PoolBackwardExplorer, OutputSizeExplorer, MultiChannelExplorer,
             StridedBackwardExplorer, ChainExplorer, FeatureMapExplorer, LearnKernelExplorer,
             MatrixFormExplorer]


@pytest.mark.parametrize("make", EXPLORERS, ids=[make.__name__ for make in EXPLORERS])
def test_every_section_s_name_and_summary_are_in_the_explorer_s_language(make):
    ex = make(lang="zh")
    english = make(lang="en")
    for zh_section, en_section in zip(_sections(ex), _sections(english)):
        text = _text_plain(zh_section)
        name, summary = text.split(" — ", 1)
        assert summary == ex.summary() and re.match(f"{make.__name__}[：（]", summary)
        assert CJK.search(text) and english_outside(text, make.__name__) == [], text
        assert zh_section.what != en_section.what or not re.search("[A-Za-z]{2,}", zh_section.what)
    # the same numbers in both languages
    number = re.compile(r"-?\d+(?:\.\d+)?")
    assert number.findall(ex.summary().replace("×", "x")) == number.findall(english.summary())


def test_a_summary_with_a_message_is_in_the_explorer_s_language():
    ex = PoolWindowsExplorer(lang="zh")
    ex.x = np.ones(6)
    assert ex.summary().startswith("PoolWindowsExplorer：X 形状为 (6,)，窗口 2×2，步长 2：")
    assert ex.summary().endswith(ex.error)
    assert english_outside(ex.summary(), "PoolWindowsExplorer") == []
    back = PoolBackwardExplorer(mode="average", lang="zh")
    assert back.root.what == "平均池化的反向传播"
    back.mode = "max"
    assert back.root.what == "最大池化的反向传播"
    assert "（并列最大值：取第一个）" in back.summary()
    english = PoolBackwardExplorer(lang="en")
    assert english.summary().startswith("PoolBackwardExplorer (ties: first)")


# ---------------------------------------------------------------------------------------
# Numbers too large for float64
# ---------------------------------------------------------------------------------------
HUGE_X, HUGE_W = np.full((3, 3), 1e308), np.full((2, 2), 1e308)

OVERFLOWS = [
    ("conv forward", lambda lang: ConvForwardExplorer(x=HUGE_X, w=HUGE_W, lang=lang),
     "Y has entries too large to compute (y11 = inf): use smaller numbers", "y11 = inf"),
    ("conv backward", lambda lang: ConvBackwardExplorer(x=HUGE_X, w=HUGE_W, lang=lang),
     "∂L/∂X has entries too large to compute (∂L/∂x21 = inf): use smaller numbers",
     "∂L/∂x21 = inf"),
    ("matrix form", lambda lang: MatrixFormExplorer(x=HUGE_X, w=HUGE_W, lang=lang),
     "Y has entries too large to compute (y11 = inf): use smaller numbers", "y11 = inf"),
    ("feature maps", lambda lang: FeatureMapExplorer(np.full((5, 5), 1e308), lang=lang),
     "the feature map of horizontal edge has entries too large to compute (y11 = -inf): use "
     "smaller numbers", "y11 = -inf"),
    ("average pooling", lambda lang: PoolForwardExplorer(HUGE_X, mode="average", lang=lang),
     "Y is inf: the values are too large for floating-point sums. Choose smaller numbers.",
     "Y 为 inf"),
]


@pytest.mark.parametrize("what, make, english, named", OVERFLOWS, ids=[o[0] for o in OVERFLOWS])
def test_an_overflow_is_a_message_naming_what_overflowed_with_no_warning(what, make, english,
                                                                         named):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        en, zh = make("en"), make("zh")
    assert [w for w in caught if issubclass(w.category, RuntimeWarning)] == []
    assert en.error == english and en.stage.error == english and en.stage.frames == []
    assert CJK.search(zh.error) and named in zh.error and zh.stage.error == zh.error
    assert english_outside(zh.error, "inf") == [] and not zh.error.startswith("这个设置不可用")
    assert zh.summary().endswith(zh.error) and en.summary().endswith(english)
    if hasattr(en, "x_editor"):  # the student's values are kept
        assert en.x_editor.value.min() == 1e308


def test_after_an_overflow_smaller_numbers_bring_the_pictures_back():
    ex = ConvBackwardExplorer(x=HUGE_X, w=HUGE_W, lang="zh")
    section = ex.gradient_check()  # the check says what is wrong, it does not raise
    assert html.escape(ex.error) in section.controls[-1].value
    ex.x_editor.value = np.ones((3, 3))
    assert ex.error.startswith("∂L/∂X 中有元素太大")  # ∂L/∂y · W still overflows
    ex.w_editor.value = np.ones((2, 2))
    assert ex.error == "" and ex.stage.n_steps == 4
    assert np.array_equal(ex.dw, cnnviz.conv2d_backward(ex.dy, ex.x, ex.w, ex.b)[1])


# ---------------------------------------------------------------------------------------
# Defaults that fit what a student gives
# ---------------------------------------------------------------------------------------
WORKED = cnnviz.examples.worked_conv()


def test_a_convolution_s_default_bias_fits_the_output():
    x = [[1, 2], [3, 4]]  # with the worked W (2x2): a 1x1 output, so the worked b (2x2) cannot fit
    ex = ConvForwardExplorer(x=x, lang="zh")
    assert ex.error == "" and ex.b.tolist() == [[0.0]]
    assert ex.y.tolist() == cnnviz.conv2d_forward(np.array(x, float), WORKED["w"], 0.0).tolist()
    shared = ConvForwardExplorer(x=x, bias="shared")
    assert shared.error == "" and shared.b == 0.0
    assert np.array_equal(ConvForwardExplorer(x=np.ones((3, 3))).b, WORKED["b"])  # it fits: kept
    bigger = ConvForwardExplorer(x=np.ones((4, 4)))
    assert bigger.error == "" and np.array_equal(bigger.b, np.zeros((3, 3)))


def test_a_convolution_s_default_gradient_fits_the_output():
    ex = ConvBackwardExplorer(x=[[1, 2], [3, 4]])
    assert ex.error == "" and ex.dy.tolist() == [[1.0]] and ex.b.tolist() == [[0.0]]
    assert np.array_equal(ex.dw, [[1, 2], [3, 4]])  # ones: ∂L/∂W is the sum of the windows
    ex = ConvBackwardExplorer(x=np.ones((4, 4)))
    assert ex.error == "" and np.array_equal(ex.dy, np.ones((3, 3)))
    assert np.array_equal(ConvBackwardExplorer(w=np.ones((2, 2))).dy, WORKED["dy"])
    # no output at all: the worked values stay, and the layer's message says why
    no_output = ConvBackwardExplorer(x=np.ones((2, 2)), w=np.ones((3, 3)))
    assert no_output.error and np.array_equal(no_output.dy, WORKED["dy"])


def test_the_other_explorers_defaults_fit_too():
    matrix = MatrixFormExplorer(x=[[1, 2], [3, 4]])
    assert matrix.error == "" and matrix.dy.tolist() == [[1.0]]
    assert matrix.b_given.tolist() == [[0.0]]
    pool = PoolBackwardExplorer(x=np.arange(16.0).reshape(4, 4))
    assert pool.error == "" and np.array_equal(pool.dy, np.ones((3, 3)))
    tiled = PoolBackwardExplorer(x=np.arange(16.0).reshape(4, 4), stride=2)
    assert tiled.error == "" and np.array_equal(tiled.dy, cnnviz.examples.worked_pool()["dy"])
    chain = ChainExplorer(x=np.ones((5, 5)))
    assert chain.error == "" and chain.b.shape == (4, 4) and not chain.b.any()
    assert np.array_equal(chain.dz, np.ones((3, 3)))
    start = default_multichannel()
    one = MultiChannelExplorer(x=np.ones((1, 1, 3, 3)))
    assert one.error == "" and np.array_equal(one.w, start["w"][:, :1])
    two = MultiChannelExplorer(w=np.ones((1, 2, 2, 2)))
    assert two.error == "" and np.array_equal(two.x, start["x"][:, :2]) and two.b.tolist() == [0.0]
    four = MultiChannelExplorer(x=np.ones((1, 4, 3, 3)))  # more channels: the first slice again
    assert four.error == "" and np.array_equal(four.w[:, 3], start["w"][:, 0])
