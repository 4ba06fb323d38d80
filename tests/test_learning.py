"""Learning a kernel (cnnviz.derivation.learning) and its explorer, without a browser.

Expected values are computed here another way: the loss with plain loops, its gradient by
finite differences, the descent with the im2col closed form dL/dW = Pᵀ(P w - y) / M, the
curvature by finite differences of the gradient.
"""
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

import cnnviz
from cnnviz import i18n
from cnnviz.derivation import learning
from cnnviz.explorers.learning import LearnKernelExplorer
from cnnviz.layers.gradcheck import numerical_gradient
from cnnviz.render import conv as views


@pytest.fixture(autouse=True)
def english():
    """English wherever pytest runs (the Chinese tests below say lang="zh")."""
    with i18n.using("en"):
        yield


HIDDEN = np.array([[1.0, -1.0], [0.5, 2.0]])


def loop_conv(x, w):
    """Cross-correlation, valid, as four nested loops."""
    kh, kw = w.shape
    y = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            for m in range(kh):
                for n in range(kw):
                    y[i, j] += w[m, n] * x[i + m, j + n]
    return y


def loop_loss(w, pairs):
    errors = [loop_conv(x, w) - y for x, y in pairs]
    count = sum(e.size for e in errors)
    return sum(float((e ** 2).sum()) for e in errors) / (2 * count)


def patches(x, kernel_shape):
    kh, kw = kernel_shape
    return np.array([[x[i + m, j + n] for m in range(kh) for n in range(kw)]
                     for i in range(x.shape[0] - kh + 1) for j in range(x.shape[1] - kw + 1)])


def descent_by_hand(pairs, rate, steps):
    """W after each step, with dL/dW = sum P^T (P w - y) / M (no conv2d_backward)."""
    m = sum(y.size for _, y in pairs)
    w = np.zeros(4)
    ws = [w.reshape(2, 2)]
    for _ in range(steps):
        grad = sum(patches(x, (2, 2)).T @ (patches(x, (2, 2)) @ w - y.ravel()) for x, y in pairs) / m
        w = w - rate * grad
        ws.append(w.reshape(2, 2))
    return np.array(ws)


@pytest.fixture
def pairs():
    return learning.make_pairs(HIDDEN, count=3, x_shape=(5, 5), seed=0)


# --- the data ---------------------------------------------------------------------------
def test_pairs_are_made_with_the_hidden_kernel_and_the_seed(pairs):
    assert len(pairs) == 3
    for x, y in pairs:
        assert x.shape == (5, 5) and y.shape == (4, 4)
        assert set(np.unique(x)) <= {-2.0, -1.0, 0.0, 1.0, 2.0}
        np.testing.assert_allclose(y, loop_conv(x, HIDDEN))
    again = learning.make_pairs(HIDDEN, count=3, x_shape=(5, 5), seed=0)
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(pairs, again))
    other = learning.make_pairs(HIDDEN, count=3, x_shape=(5, 5), seed=1)
    assert not np.array_equal(pairs[0][0], other[0][0])


# --- the loss and its gradient ----------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
def test_loss_is_half_the_mean_squared_error_and_its_gradient_the_slope(pairs, seed):
    w = np.random.default_rng(seed).normal(size=(2, 2))
    loss, grad = learning.squared_error_loss(w, pairs)
    assert loss == pytest.approx(loop_loss(w, pairs), rel=1e-12)
    slope = numerical_gradient(lambda w_: loop_loss(w_, pairs), w)
    np.testing.assert_allclose(grad, slope, rtol=1e-6, atol=1e-8)
    assert learning.squared_error_loss(HIDDEN, pairs)[0] == pytest.approx(0.0, abs=1e-28)


# --- gradient descent ---------------------------------------------------------------------
@pytest.mark.parametrize("rate", [0.05, 0.3])
def test_a_small_rate_lowers_the_loss_at_every_step_and_finds_the_hidden_kernel(pairs, rate):
    run = learning.learn_kernel(pairs, rate, steps=400)
    assert not run.diverged and run.iterations == 400
    assert run.loss[0] == pytest.approx(loop_loss(np.zeros((2, 2)), pairs))
    assert np.all(run.loss[1:] <= run.loss[:-1] * (1 + 1e-12) + 1e-28)
    assert run.loss[-1] < 1e-9 * run.loss[0]
    np.testing.assert_allclose(run.w[-1], HIDDEN, atol=1e-4)
    # every W of the trace is the one gradient descent computes by hand
    np.testing.assert_allclose(run.w[:30], descent_by_hand(pairs, rate, 29), atol=1e-12)
    np.testing.assert_allclose(run.grad[3], learning.squared_error_loss(run.w[3], pairs)[1])


def test_the_stable_rate_is_two_over_the_largest_curvature(pairs):
    # the curvature matrix by finite differences of the gradient (a quadratic: exact up to noise)
    grad = lambda w_: learning.squared_error_loss(w_.reshape(2, 2), pairs)[1].ravel()
    curvature = np.array([(grad(np.eye(4)[k] * 1e-3) - grad(-np.eye(4)[k] * 1e-3)) / 2e-3
                          for k in range(4)])
    expected = 2 / np.linalg.eigvalsh((curvature + curvature.T) / 2)[-1]
    limit = learning.largest_stable_rate(pairs)
    assert limit == pytest.approx(expected, rel=1e-6)
    below = learning.learn_kernel(pairs, 0.97 * limit, steps=600)
    above = learning.learn_kernel(pairs, 1.03 * limit, steps=600)
    assert below.loss[-1] < 1e-3 * below.loss[0] and not below.diverged
    assert above.loss[-1] > above.loss[0]


def test_a_too_large_rate_stops_as_diverged_with_only_finite_numbers(pairs):
    run = learning.learn_kernel(pairs, 1.5, steps=40)
    assert run.diverged and run.iterations < 40
    assert run.loss[-1] > learning.DIVERGED_FACTOR * run.loss[0]
    assert np.all(run.loss[:-1] <= learning.DIVERGED_FACTOR * run.loss[0])
    for values in (run.w, run.loss, run.grad):
        assert np.all(np.isfinite(values))
    # a rate so large that the next W overflows: stopped before it, silently, all finite
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        huge = learning.learn_kernel(pairs, 1e305, steps=40)
    assert huge.diverged and all(np.all(np.isfinite(v)) for v in (huge.w, huge.loss, huge.grad))


def test_the_limit_is_crossed_on_the_last_step_still_says_diverged(pairs):
    full = learning.learn_kernel(pairs, 1.5, steps=40)
    last = learning.learn_kernel(pairs, 1.5, steps=full.iterations)
    assert last.diverged and last.iterations == full.iterations
    assert not learning.learn_kernel(pairs, 1.5, steps=full.iterations - 1).diverged


def test_rate_zero_never_moves_and_a_start_can_be_given(pairs):
    run = learning.learn_kernel(pairs, 0.0, steps=3)
    assert np.all(run.w == 0) and np.all(run.loss == run.loss[0])
    start = learning.learn_kernel(pairs, 0.1, steps=2, w0=HIDDEN)
    np.testing.assert_allclose(start.w[-1], HIDDEN, atol=1e-12)
    np.testing.assert_allclose(learning.largest_difference(run, HIDDEN), [2.0] * 4)


@pytest.mark.parametrize("call, error, words", [
    (lambda p: learning.learn_kernel(p, -0.1, 5), ValueError, "rate must be a finite number >= 0, got -0.1"),
    (lambda p: learning.learn_kernel(p, float("nan"), 5), ValueError, "rate must be a finite number >= 0, got nan"),
    (lambda p: learning.learn_kernel(p, "fast", 5), TypeError, "rate must be a number, got 'fast'"),
    (lambda p: learning.learn_kernel(p, True, 5), TypeError, "rate must be a number"),
    (lambda p: learning.learn_kernel(p, 0.1, -1), ValueError, "steps must be from 0 to 10000, got -1"),
    (lambda p: learning.learn_kernel(p, 0.1, 2.5), TypeError, "steps must be a whole number"),
    (lambda p: learning.learn_kernel(p, 0.1, 10_001), ValueError, "steps must be from 0 to 10000"),
    (lambda p: learning.learn_kernel([], 0.1, 5), ValueError, "pairs must hold 1 to 100"),
    (lambda p: learning.learn_kernel("xy", 0.1, 5), TypeError, "pairs must be a list"),
    (lambda p: learning.learn_kernel([p[0][0]], 0.1, 5), TypeError, r"pairs\[0\] must be an \(x, y\) pair"),
    (lambda p: learning.learn_kernel([(np.ones((3, 3)), np.ones((4, 4)))], 0.1, 5), ValueError,
     r"y of shape \(4, 4\) is larger than x of shape \(3, 3\)"),
    (lambda p: learning.learn_kernel([p[0], (np.ones((5, 5)), np.ones((3, 3)))], 0.1, 5), ValueError,
     r"pairs\[1\]: x \(5, 5\) and y \(3, 3\) fit a 3x3 kernel, not 2x2"),
    (lambda p: learning.learn_kernel([(np.full((5, 5), np.nan), p[0][1])], 0.1, 5), ValueError,
     r"pairs\[0\] x must hold finite numbers"),
    (lambda p: learning.learn_kernel(p, 0.1, 5, w0=np.zeros((3, 3))), ValueError, "fit a 2x2 kernel, not 3x3"),
    (lambda p: learning.squared_error_loss(np.zeros((1, 2)), p), ValueError, r"w has shape \(1, 2\)"),
    (lambda p: learning.make_pairs([[1, np.inf]]), ValueError, "hidden must hold finite numbers"),
    (lambda p: learning.make_pairs(HIDDEN, count=0), ValueError, "count must be from 1 to 100, got 0"),
    (lambda p: learning.make_pairs(HIDDEN, x_shape=(1, 5)), ValueError, r"x_shape \(1, 5\) is smaller than the hidden kernel 2x2"),
    (lambda p: learning.make_pairs(HIDDEN, x_shape=5), TypeError, "x_shape must be a"),
    (lambda p: learning.largest_difference(learning.learn_kernel(p, 0.1, 1), np.zeros((3, 3))), ValueError, "hidden has shape"),
])
def test_bad_arguments_are_refused_with_what_is_wrong(pairs, call, error, words):
    with pytest.raises(error, match=words):
        call(pairs)


# --- the explorer -------------------------------------------------------------------------
def frames_sent(stage):
    sent = []
    stage.observe(lambda change: sent.append(change["new"]), names="frames")
    return sent


def shown_w(frame):
    """(W, W*) as the frame shows them (the cells named w11.. and w*11..)."""
    cells = {k: float(v) for table in views.shown_tables(frame) for k, v in table.items()}
    w = np.array([[cells[f"w{r}{c}"] for c in (1, 2)] for r in (1, 2)])
    hidden = np.array([[cells[f"w*{r}{c}"] for c in (1, 2)] for r in (1, 2)])
    return w, hidden


def test_each_frame_is_one_iteration_with_w_next_to_the_hidden_kernel(pairs):
    ex = LearnKernelExplorer(HIDDEN, rate=0.4, steps=7)
    by_hand = descent_by_hand(pairs, 0.4, 7)
    assert ex.stage.n_steps == 8 and ex.error == ""
    for t, frame in enumerate(ex.stage.frames):
        w, hidden = shown_w(frame)
        np.testing.assert_allclose(w, by_hand[t], atol=5e-4)  # shown to 3 decimals
        np.testing.assert_array_equal(hidden, HIDDEN)
        assert frame.count("<svg") == 1 and frame.count("<line ") == t  # the curve so far
        assert ex.stage.captions[t].startswith(f"iteration {t} of 7: L = ")
    assert "✔ The loss fell" in ex.stage.frames[-1]


def test_a_rate_move_sends_new_frames_once_and_a_divergence_is_said_not_drawn_as_nan():
    ex = LearnKernelExplorer(rate=0.4, steps=10)
    sent = frames_sent(ex.stage)
    ex.rate_slider.value = 1.5
    assert len(sent) == 1
    assert ex.trace.diverged and ex.stage.n_steps == ex.trace.iterations + 1 < 11
    last = ex.stage.frames[-1]
    assert "✘ Diverged" in last and "larger than 2/λ" in last
    assert "diverged" in ex.stage.captions[-1]
    for frame in ex.stage.frames:
        assert not re.search(r"\b(nan|inf)\b", frame, flags=re.I)
    ex.rate_slider.value = 0.7  # grows, but stays below the divergence limit in 10 steps
    assert len(sent) == 2 and not ex.trace.diverged
    assert "✘ The loss grows" in ex.stage.frames[-1]
    ex.steps_slider.value = 4
    assert len(sent) == 3 and ex.stage.n_steps == 5


def test_a_bad_value_is_a_message_on_the_stage_and_the_other_values_stay():
    ex = LearnKernelExplorer(rate=-0.5, steps=6)
    assert "rate must be a finite number >= 0, got -0.5" in ex.error
    assert ex.stage.error == ex.error and ex.stage.frames == []
    ex.steps_slider.value = 9
    assert ex.stage.error == ex.error and ex.rate_slider.value == -0.5 and ex.steps == 9
    ex.rate_slider.value = 0.3
    assert ex.error == "" == ex.stage.error and ex.stage.n_steps == 10 and ex.steps == 9
    bad = LearnKernelExplorer(hidden=[[1.0, np.nan], [0.0, 1.0]])
    assert "hidden must hold finite numbers" in bad.stage.error
    with pytest.raises(TypeError, match="rate must be a number"):
        LearnKernelExplorer(rate="fast")


def test_summary_and_no_matplotlib_in_the_frames():
    ex = LearnKernelExplorer()
    assert ex.summary().startswith("LearnKernelExplorer: η = 0.4, 7 steps; L 5.37 -> ")
    code = ("import sys, cnnviz; cnnviz.LearnKernelExplorer(); "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_package_exposes_the_learning_module():
    assert cnnviz.learning is learning


# ---------------------------------------------------------------------------------------
# Colour: one diverging scale per explorer
# ---------------------------------------------------------------------------------------
from colour_checks import assert_one_scale, coloured_cells, legends, shown_value  # noqa: E402,F401
from cnnviz.render import colour  # noqa: E402
from cnnviz.render import conv as _views  # noqa: E402


@pytest.mark.parametrize("rate", [0.4, 1.4])
def test_w_and_the_hidden_kernel_share_one_scale_over_the_whole_run(rate):
    ex = LearnKernelExplorer(rate=rate, steps=12)
    pairs = learning.make_pairs(ex.hidden, ex.count, ex.x_shape, ex.seed)
    run = learning.learn_kernel(pairs, rate, 12)
    assert ex.scale == colour.scale_for(ex.hidden, run.w)
    numbers = assert_one_scale(ex, ex.stage.frames)
    assert all(legends(f) == [_views.format_number(ex.scale)] for f in ex.stage.frames)
    # the start W = 0 is white; W* keeps its colour in every frame
    first = {name: (shown, fill) for name, shown, fill in coloured_cells(ex.stage.frames[0])}
    assert {first[name] for name in first if "*" not in name} == {("0", "")}
    star = {name for name in numbers if name.startswith("w*")}
    assert star and all(len(set(numbers[name])) == 1 for name in star)


# ---------------------------------------------------------------------------------------
# In Chinese: the same numbers, no English words outside math, names and numbers
# ---------------------------------------------------------------------------------------
from zh_words import english_in, explorer_texts, visible_text  # noqa: E402


@pytest.mark.parametrize("rate, steps, verdict", [
    (0.4, 7, "✔ 损失从 5.37 降到了"), (0.7, 7, "✘ 损失在增大"), (1.5, 10, "✘ 发散："),
    (0.0, 3, "✘ η = 0：W 一直不动"), (0.6, 40, "✔ 损失从 5.37 降到了")])
def test_a_chinese_learning_explorer_shows_no_english_words_and_the_same_numbers(
        pairs, rate, steps, verdict):
    zh = LearnKernelExplorer(HIDDEN, rate=rate, steps=steps, lang="zh")
    en = LearnKernelExplorer(HIDDEN, rate=rate, steps=steps, lang="en")
    assert english_in(explorer_texts(zh)) == {}
    assert zh.stage.lang == "zh" and zh.error == ""
    assert zh.rate_slider.description == "学习率 η" and zh.steps_slider.description == "步数"
    assert zh.stage.n_steps == en.stage.n_steps
    # the numbers: W at each iteration by the closed form, the loss by loops, as in English
    by_hand = descent_by_hand(pairs, rate, zh.trace.iterations)
    for t, (zh_frame, en_frame) in enumerate(zip(zh.stage.frames, en.stage.frames)):
        assert views.shown_tables(zh_frame) == views.shown_tables(en_frame)
        np.testing.assert_allclose(shown_w(zh_frame)[0], by_hand[t], rtol=5e-3, atol=5e-4)
        loss = re.search(r"L = ([^（]*)$", zh.stage.captions[t].split("（发散")[0]).group(1)
        assert loss == en.stage.captions[t].split(": L = ")[1].split(" (")[0]
        assert shown_value(loss) == pytest.approx(loop_loss(by_hand[t], pairs), rel=5e-3)
        assert zh.stage.captions[t].startswith(f"第 {t}/{zh.trace.iterations} 次迭代：L = ")
        # the curve: the same picture, its axis and description in Chinese
        zh_svg = re.search(r"<svg.*?</svg>", zh_frame, flags=re.S).group(0)
        en_svg = re.search(r"<svg.*?</svg>", en_frame, flags=re.S).group(0)
        assert ">迭代次数</text>" in zh_svg and 'aria-label="每次迭代后的损失，对数刻度"' in zh_svg
        assert re.findall(r"<(?:line|circle|path)[^>]*>", zh_svg) == \
            re.findall(r"<(?:line|circle|path)[^>]*>", en_svg)
        assert re.findall(r">([^<]*\d[^<]*)</text>", zh_svg) == \
            re.findall(r">([^<]*\d[^<]*)</text>", en_svg)
    last = visible_text(zh.stage.frames[-1])
    assert verdict in last
    if rate > learning.largest_stable_rate(pairs):  # the limit 2/λ_max, said in Chinese
        assert "大于 2/λ" in last
    if zh.trace.diverged:
        assert zh.stage.captions[-1].endswith("（发散：运行到此停止）")


def test_a_chinese_learning_explorer_says_what_is_wrong_in_chinese():
    ex = LearnKernelExplorer(steps=41, lang="zh")
    assert ex.error == ("步数：这里最多显示 40 步，现在是 41 步；更长的运行请用 "
                        "cnnviz.learning.learn_kernel")
    assert ex.stage.error == ex.error
    nothing = LearnKernelExplorer(hidden=np.zeros((2, 2)), steps=3, lang="zh")
    assert "✔ 起始的 W 已经与每一对数据完全吻合（L = 0）" in nothing.stage.frames[-1]
    # the package's own words, in the explorer's language, after a Chinese lead sentence
    bad = LearnKernelExplorer(rate=-0.5, lang="zh")
    with i18n.using("zh"), pytest.raises(ValueError) as refused:
        learning.learn_kernel(learning.make_pairs(learning.default_hidden(), 3, (5, 5), 0), -0.5, 7)
    assert bad.error == f"这个设置不可用：{refused.value}"
