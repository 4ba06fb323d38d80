"""The chain explorer (cnnviz.ChainExplorer) shows what the math computes, step by step.

No browser: sliders are set from Python, the stage's frames are read back with
``cnnviz.render.conv.shown_tables`` and compared with numbers worked out here from
``cnnviz.ops`` alone (conv, pool, their backward passes, with ∂L/∂Z zeroed past a step for the
running totals), and with ``chain.conv_pool_loss`` fed the target T = Z − ∂L/∂Z. Also: a slider
move sends the frames once; a bad setting shows its message on the stage and keeps every
value; the predict-then-reveal of notebook 05 says what the package computes.
"""
import re
from pathlib import Path

import numpy as np
import pytest

import cnnviz
from cnnviz import chain, ops
from cnnviz.explorers.chain import ChainExplorer
from cnnviz.render.conv import cell_name, format_number, shown_tables, subscript

SOURCE_05 = Path(__file__).resolve().parents[1] / "tools" / "nbsrc" / "05_end_to_end.py"


def shown(values, symbol):
    """{cell name: text} as a table of ``values`` shows them."""
    return {cell_name(symbol, r, c): format_number(v)
            for (r, c), v in np.ndenumerate(np.atleast_2d(np.asarray(values, dtype=float)))}


def table_of(frame, symbol, shape):
    """The one table of a frame whose cells are exactly symbol11 ... (its full shape)."""
    names = set(shown(np.zeros(shape), symbol))
    found = [t for t in shown_tables(frame) if set(t) == names]
    assert len(found) == 1, f"{len(found)} tables of {symbol} {shape} in the frame"
    return found[0]


def expected(x, w, b, dz):
    """Y, ∂L/∂Y, ∂L/∂X, ∂L/∂W, ∂L/∂b straight from the ops (2×2 pool, stride 1)."""
    y = ops.conv2d_forward(x, w, b)
    dy = ops.maxpool2d_backward(dz, y, 2, 1)
    return (y, dy, *ops.conv2d_backward(dy, x, w, b))


def random_case(seed):
    rng = np.random.default_rng(seed)
    return (rng.integers(-5, 6, size=(4, 4)).astype(float), rng.integers(-5, 6, size=(2, 2)).astype(float),
            rng.integers(-5, 6, size=(2, 2)).astype(float))


def test_defaults_are_notebook_05s_example_with_dz_from_the_target():
    ex = ChainExplorer()
    example = chain.example()
    y = ops.conv2d_forward(example["x"], example["w"], example["b"])
    z = ops.maxpool2d_forward(y, 2, 1)
    np.testing.assert_array_equal(ex.x, example["x"])
    np.testing.assert_array_equal(ex.dz, z - example["target"])
    assert ex.stage.n_steps == 4 + 9 and ex.error == "" and ex.stage.error == ""
    assert "cnnviz-slider-dz11" in ex.dz_editor.slider(0, 0)._dom_classes
    assert "cnnviz-slider-x22" in ex.x_editor.slider(1, 1)._dom_classes
    assert {"cnnviz-explorer", "cnnviz-chain"} <= set(ex.root.widget._dom_classes)
    assert ex.dz_editor.slider(0, 1).description == "∂L/∂z₁₂"


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_frames_show_the_chains_numbers_for_random_x_w_dz(seed):
    x, w, dz = random_case(seed)
    b = chain.example()["b"]
    ex = ChainExplorer()
    for editor, values in ((ex.x_editor, x), (ex.w_editor, w), (ex.dz_editor, dz)):
        for (r, c), v in np.ndenumerate(values):   # slider by slider, as a student would
            editor.slider(r, c).value = int(v)
    assert ex.error == ""
    y, dy, dx, dw, db = expected(x, w, b, dz)
    # the whole chain, as conv_pool_loss computes it with the target T = Z - dL/dZ
    r = chain.conv_pool_loss(x, w, b, ops.maxpool2d_forward(y, 2, 1) - dz)
    np.testing.assert_array_equal(r.dz, dz)
    frames = ex.stage.frames
    assert table_of(frames[3], "∂L/∂y", (3, 3)) == shown(r.dy, "∂L/∂y") == shown(dy, "∂L/∂y")
    assert table_of(frames[-1], "∂L/∂x", (4, 4)) == shown(r.dx, "∂L/∂x") == shown(dx, "∂L/∂x")
    assert table_of(frames[-1], "∂L/∂w", (2, 2)) == shown(r.dw, "∂L/∂w") == shown(dw, "∂L/∂w")
    assert table_of(frames[-1], "∂L/∂b", (3, 3)) == shown(r.db, "∂L/∂b") == shown(db, "∂L/∂b")
    assert table_of(frames[0], "y", (3, 3)) == shown(y, "y")
    # the conv steps start from the finished dL/dY
    for frame in frames[4:]:
        assert table_of(frame, "∂L/∂y", (3, 3)) == shown(dy, "∂L/∂y")


def test_running_totals_after_every_step():
    """After pool step k, ∂L/∂Y is the pool's backward with ∂L/∂z zeroed past window k; after
    conv step t, ∂L/∂X, ∂L/∂W, ∂L/∂b are the conv's backward with ∂L/∂y zeroed past output t."""
    x, w, dz = random_case(7)
    b = chain.example()["b"]
    ex = ChainExplorer(x, w, b, dz)
    y, dy, *_ = expected(x, w, b, dz)
    for k in range(4):
        partial = np.where(np.arange(4).reshape(2, 2) <= k, dz, 0.0)
        frame = ex.stage.frames[k]
        assert table_of(frame, "∂L/∂y", (3, 3)) == shown(ops.maxpool2d_backward(partial, y, 2, 1), "∂L/∂y")
        assert table_of(frame, "∂L/∂z", (2, 2)) == shown(dz, "∂L/∂z")
    for t in range(9):
        partial = np.where(np.arange(9).reshape(3, 3) <= t, dy, 0.0)
        dx, dw, db = ops.conv2d_backward(partial, x, w, b)
        frame = ex.stage.frames[4 + t]
        assert table_of(frame, "∂L/∂x", (4, 4)) == shown(dx, "∂L/∂x")
        assert table_of(frame, "∂L/∂w", (2, 2)) == shown(dw, "∂L/∂w")
        assert table_of(frame, "∂L/∂b", (3, 3)) == shown(db, "∂L/∂b")


def test_the_pool_steps_mark_the_maximum_and_the_mask():
    ex = ChainExplorer()  # y11 = 7 wins Y'1; y22 = 6 wins Y'2, Y'3, Y'4
    for k, (window_cells, winner) in enumerate([({"y11", "y12", "y21", "y22"}, "y11"),
                                                ({"y12", "y13", "y22", "y23"}, "y22"),
                                                ({"y21", "y22", "y31", "y32"}, "y22"),
                                                ({"y22", "y23", "y32", "y33"}, "y22")]):
        frame = ex.stage.frames[k]
        fill = r"(?: cv-(?:[np][1-7]|z))?"  # the value's colour, after the highlight
        assert re.search(rf'<td class="cv-max{fill}" data-cell="{winner}">', frame)
        outlined = set(re.findall(rf'<td class="cv-(?:win|max){fill}" data-cell="(y\d\d)">',
                                  frame))
        assert outlined == window_cells
        mask = [t for t in shown_tables(frame) if set(t) == {"M11", "M12", "M21", "M22"}][0]
        assert sorted(mask.values()) == ["0", "0", "0", "1"]
        assert f"its maximum is y{subscript(winner[1:])}" in frame


def test_a_zero_gradient_step_says_nothing_changes():
    ex = ChainExplorer()  # dL/dy12 = 0
    frame = ex.stage.frames[4 + 1]
    assert "∂L/∂y₁₂ = 0: it sends nothing back, and nothing changes." in frame
    assert table_of(frame, "∂L/∂x", (4, 4)) == table_of(ex.stage.frames[4], "∂L/∂x", (4, 4))
    assert 'class="cv-new' not in frame  # nothing changed: no cell marked new


def test_one_slider_move_sends_the_frames_once():
    ex = ChainExplorer()
    sent = []
    ex.stage.observe(lambda change: sent.append(change["name"]), names="frames")
    ex.x_editor.slider(0, 0).value = 4
    assert sent == ["frames"]
    y, dy, dx, *_ = expected(ex.x, ex.w, ex.b, ex.dz)
    assert table_of(ex.stage.frames[-1], "∂L/∂x", (4, 4)) == shown(dx, "∂L/∂x")
    sent.clear()
    ex.dz_editor.value = [[0, 1], [2, 3]]  # a whole matrix at once: once too
    assert sent == ["frames"]


def test_a_bad_setting_shows_its_message_and_keeps_every_value():
    ex = ChainExplorer(dz=[[1, 2.5], [1, -1]])  # float sliders for dL/dZ
    frames, x, w = list(ex.stage.frames), ex.x, ex.w
    ex.dz = [[1e308, 1e308], [1e308, 1e308]]     # finite, but the sums overflow
    assert ex.error.startswith("∂L/∂Y is inf") and ex.stage.error == ex.error
    assert ex.stage.frames == frames              # the last good frames
    np.testing.assert_array_equal(ex.x, x)        # the student's other values, all kept
    np.testing.assert_array_equal(ex.w, w)
    assert ex.dz[0, 0] == 1e308 and ex.error in ex.summary()
    ex.dz = [[1, 2], [0, 0]]
    assert ex.error == "" and ex.stage.error == ""
    assert table_of(ex.stage.frames[3], "∂L/∂y", (3, 3)) == shown(
        ops.maxpool2d_backward([[1, 2], [0, 0]], ex.y, 2, 1), "∂L/∂y")


def test_a_gradient_of_the_wrong_shape_is_named_on_the_stage():
    ex = ChainExplorer(dz=np.ones((3, 3)))
    assert "(3, 3)" in ex.error and "(2, 2)" in ex.error and ex.stage.error == ex.error
    assert ex.stage.frames == [] and ex.dx is None and ex.error in ex.summary()
    bundle = ex._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data and ex.error in data["text/plain"]
    with pytest.raises(ValueError, match="x33 = nan"):
        bad = ex.x.copy()
        bad[2, 2] = np.nan
        ex.x = bad


def test_a_shared_bias_gives_one_number():
    ex = ChainExplorer(b=0.0)
    y, dy, dx, dw, db = expected(ex.x, ex.w, 0.0, ex.dz)
    last = ex.stage.frames[-1]
    assert [t for t in shown_tables(last) if set(t) == {"∂L/∂b11"}][0] == {"∂L/∂b11": format_number(db)}
    assert db == dy.sum() == ex.dz.sum()


def test_the_static_copy_holds_the_frames():
    ex = ChainExplorer()
    html = ex.static_html()
    assert html.count('<script type="application/json" data-cnnviz-stage-data=') == 1
    assert "∂L/∂Z (arriving" in html and "cnnviz-slider" not in html


def test_the_explorer_is_served_by_the_package():
    assert cnnviz.ChainExplorer is ChainExplorer


# ---------------------------------------------------------------------------------------
# Notebook 05's predict-then-reveal says what the package computes
# ---------------------------------------------------------------------------------------
def _reveal(question):
    text = SOURCE_05.read_text(encoding="utf-8")
    start = text.index(question)
    return text[start:text.index("</details>", start)]


def _matrices(latex):
    """The numbers of every \\begin{bmatrix} ... \\end{bmatrix} in ``latex``, in order."""
    return [np.array([[float(v) for v in row.split("&")] for row in body.split(r"\\")])
            for body in re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", latex, flags=re.S)]


def test_05_reveals_say_what_the_chain_computes():
    """With every ∂L/∂z_ij = 1 and X, W, b of the example: ∂L/∂Y, its sum, ∂L/∂W and the two
    windows of X the reveal names."""
    ex = chain.example()
    r = chain.conv_pool_backward(ex["x"], ex["w"], ex["b"], np.ones((2, 2)))
    first = _reveal("Set all four ∂L/∂z<sub>ij</sub> to 1")
    (dy,) = _matrices(first)
    np.testing.assert_array_equal(dy, r.dy)
    assert f"= {format_number(r.dy.sum())}$, the sum of" in first and r.dy.sum() == 4
    dw, window_11, window_22 = _matrices(_reveal("And ∂L/∂W, with those four 1s?"))
    np.testing.assert_array_equal(dw, r.dw)
    np.testing.assert_array_equal(window_11, ex["x"][0:2, 0:2])
    np.testing.assert_array_equal(window_22, ex["x"][1:3, 1:3])
    np.testing.assert_array_equal(1 * window_11 + 3 * window_22, r.dw)
    # the explorer, moved to those 1s, shows the same
    explorer = ChainExplorer()
    explorer.dz_editor.value = np.ones((2, 2))
    assert table_of(explorer.stage.frames[3], "∂L/∂y", (3, 3)) == shown(r.dy, "∂L/∂y")
    assert table_of(explorer.stage.frames[-1], "∂L/∂w", (2, 2)) == shown(r.dw, "∂L/∂w")


# ---------------------------------------------------------------------------------------
# Colour: one diverging scale per explorer
# ---------------------------------------------------------------------------------------
from colour_checks import assert_one_scale, coloured_cells, legends, shown_value  # noqa: E402,F401
from cnnviz.render import colour  # noqa: E402
from cnnviz.render import conv as _views  # noqa: E402


def test_every_grid_but_the_masks_shares_one_scale_over_both_passes():
    ex = ChainExplorer()
    numbers = assert_one_scale(ex, ex.stage.frames, uncoloured=("M",))
    r = chain.conv_pool_backward(ex.x, ex.w, ex.b, ex.dz, 2, 1)
    pool = cnnviz.steps.pool_backward_steps(r.dz, r.y, 2, 1)
    conv = cnnviz.steps.conv_backward_steps(r.dy, r.x, r.w, r.b)
    assert ex.scale == colour.scale_for(r.dz, r.y, r.x, r.dy, *(s.dX for s in pool),
                                        *(a for s in conv for a in (s.dX, s.dW, s.db)))
    assert max(abs(v) for vs in numbers.values() for v in vs) <= ex.scale
    assert all(legends(f) == [_views.format_number(ex.scale)] for f in ex.stage.frames)
    ex.dz_editor.value = [[5, -5], [3, 1]]
    assert_one_scale(ex, ex.stage.frames, uncoloured=("M",))


# ---------------------------------------------------------------------------------------
# In Chinese (lang="zh"): the same pictures and numbers, no English words
# ---------------------------------------------------------------------------------------
import html as _html  # noqa: E402

from cnnviz import i18n  # noqa: E402
from zh_words import english_in, explorer_texts, visible_text  # noqa: E402


@pytest.mark.parametrize("setting", [
    {},                                                       # notebook 05's example
    {"b": 0.0},                                               # one shared bias
    {"w": np.zeros((2, 2)), "b": np.zeros((3, 3))},           # Y all 0: every window tied
])
def test_a_chinese_chain_explorer_shows_no_english_words_and_the_same_numbers(setting):
    ex = ChainExplorer(**setting, lang="zh")
    english = ChainExplorer(**setting, lang="en")
    assert ex.error == "" and ex.stage.lang == "zh"
    texts = explorer_texts(ex) + [ex.root.what]
    assert english_in(texts) == {}
    assert ex.x_editor.title == "X（输入）" and ex.w_editor.title == "W（卷积核）"
    assert ex.dz_editor.title == "∂L/∂Z（传到池化层输出端的梯度）"
    assert len(ex.stage.frames) == len(english.stage.frames) == 13
    for zh_frame, en_frame in zip(ex.stage.frames, english.stage.frames):
        assert shown_tables(zh_frame) == shown_tables(en_frame)
        assert legends(zh_frame) == legends(en_frame)
    # the captions: the same steps, the same names
    assert ex.stage.captions[0] == "第 1/13 步，经过池化层，第 1/4 个窗口：∂L/∂z₁₁ → Y′₁"
    assert english.stage.captions[0] == "step 1 of 13, through the pool, window 1 of 4: ∂L/∂z₁₁ → Y′₁"
    assert ex.stage.captions[4] == "第 5/13 步，经过卷积层，第 1/9 步：∂L/∂y₁₁ 传回"


def test_a_chinese_chain_explorer_names_the_maximum_and_the_ties_in_chinese():
    ex = ChainExplorer(lang="zh")  # y11 = 7 wins Y'1
    first = visible_text(ex.stage.frames[0])
    assert "窗口 Y′₁：它的最大值是 y₁₁" in first and "掩码 M₁" in first
    assert re.search(r'data-cell="y11">7<span class="cv-mark">最大</span>', ex.stage.frames[0]) or \
        ">最大<" in ex.stage.frames[0]
    # a zero gradient: nothing changes, said in Chinese
    assert "∂L/∂y₁₂ = 0：它什么也不传回，什么也不改变。" in ex.stage.frames[5]
    tied = ChainExplorer(w=np.zeros((2, 2)), b=np.zeros((3, 3)), lang="zh")
    assert ">并列<" in tied.stage.frames[0] and "并列 = 与最大值相等" in tied.stage.frames[0]


def test_a_chinese_chain_explorer_says_what_is_wrong_in_chinese():
    ex = ChainExplorer(dz=[[1, 2.5], [1, -1]], lang="zh")
    frames = list(ex.stage.frames)
    ex.dz = [[1e308, 1e308], [1e308, 1e308]]
    assert ex.error.startswith("∂L/∂Y 为 inf：") and ex.stage.error == ex.error
    assert english_in([ex.error]) == {} and ex.stage.frames == frames
    wrong = ChainExplorer(dz=np.ones((3, 3)), lang="zh")  # the package's words, after Chinese
    assert wrong.error.startswith("这个设置不可用") and "(3, 3)" in wrong.error


def test_the_chain_explorer_speaks_the_notebook_s_language_unless_told():
    with i18n.using("zh"):
        assert ChainExplorer().lang == "zh" and ChainExplorer(lang="en").lang == "en"
        assert "反向传播" in ChainExplorer().root.what
    assert ChainExplorer().lang == "en"
    with pytest.raises(ValueError, match="lang must be one of"):
        ChainExplorer(lang="fr")


def test_the_static_copy_of_a_chinese_explorer_says_where_to_edit_in_chinese():
    page = ChainExplorer(lang="zh").static_html()
    assert "JupyterLab 中打开它（make lab-zh）" in _html.unescape(page)
    assert "∂L/∂Z（传到池化层输出端的梯度）" in page and "open it in JupyterLab" not in page


# ---------------------------------------------------------------------------------------
# cnnviz.plots in the notebook's language
# ---------------------------------------------------------------------------------------
from cnnviz.render import plots  # noqa: E402


def test_matrices_take_a_title_in_each_language():
    title = {"en": "X (input)", "zh": "X（输入）"}
    x = chain.example()["x"]
    zh = plots.matrices((title, x, "x"), ("Z − T", [[1, -1]], None), lang="zh")
    en = plots.matrices((title, x, "x"), ("Z − T", [[1, -1]], None), lang="en")
    assert repr(zh).splitlines()[0] == "X（输入）" and repr(en).splitlines()[0] == "X (input)"
    assert "X（输入）" in zh._repr_html_() and "X (input)" not in zh._repr_html_()
    assert shown_tables(zh._repr_html_()) == shown_tables(en._repr_html_())
    assert shown_tables(zh._repr_html_())[0] == shown(x, "x")
    with i18n.using("zh"):  # the default: the notebook's language
        assert repr(plots.matrices((title, x, "x"))).splitlines()[0] == "X（输入）"
    assert repr(plots.matrices((title, x, "x"))).splitlines()[0] == "X (input)"
    with pytest.raises(ValueError, match="'en'"):
        plots.matrices(({"cn": "X"}, x, "x"))
    with pytest.raises(TypeError, match="title"):
        plots.matrices((3, x, "x"))


def test_every_matrix_title_of_notebook_05_has_its_chinese():
    """The code cells pass titles that say words as {"en": ..., "zh": ...} (titles that are
    math only, such as "∂L/∂Z = Z − T", stay one str)."""
    text = SOURCE_05.read_text(encoding="utf-8")
    calls = re.findall(r"plots\.matrices\((.*?)\)\n\n", text, flags=re.S)
    assert len(calls) == 6
    titles = re.findall(r'\(\s*("[^"]*"|\{"en": "[^"]*", "zh": "[^"]*"\}),', "".join(calls))
    plain = [t.strip('"') for t in titles if t.startswith('"')]
    assert plain and english_in(plain) == {}                  # math only
    pairs = [t for t in titles if t.startswith("{")]
    assert len(pairs) == 10  # "T (target)" twice
    chinese = [re.search(r'"zh": "([^"]*)"', pair).group(1) for pair in pairs]
    assert english_in(chinese) == {} and "X（输入）" in chinese and "∂L/∂X，有限差分" in chinese


def test_the_pool_view_speaks_chinese_with_the_same_numbers():
    r = chain.conv_pool_loss(**chain.example())
    zh, en = plots.pool_backward_view(r, lang="zh"), plots.pool_backward_view(r, lang="en")
    assert shown_tables(zh._repr_html_()) == shown_tables(en._repr_html_())
    assert english_in([visible_text(zh._repr_html_()), repr(zh)]) == {}
    page = re.sub(r"\s+", "", visible_text(zh._repr_html_()))  # y<sub>12</sub>: y 12
    for words in ("窗口Y'2", "掩码M2", "最大值=6=z12", "最大值所在处为1",
                  "=2·M2，累加到该窗口所在的位置上", "y₂₂最大6"):
        assert words in page, words
    assert repr(zh).splitlines()[1] == "Y'2：最大值 6 位于 y22；局部梯度 2 * M2"
    assert repr(en).splitlines()[1] == "Y'2: max 6 at y22; local gradient 2 * M2"
    with i18n.using("zh"):
        assert repr(plots.pool_backward_view(r)) == repr(zh)


HISTORY = {"loss": [2.3, 1.0, 0.5], "batch_loss": [2.3, 1.8, 1.2, 0.9, 0.6, 0.5]}


def figure_texts(fig):
    """Every text a figure draws that we wrote: titles, axis labels, legend entries, suptitle."""
    texts = []
    for ax in fig.axes:
        texts += [t for t in (ax.title, ax.xaxis.label, ax.yaxis.label) if t.get_text()]
        legend = ax.get_legend()
        texts += list(legend.get_texts()) if legend else []
    return texts + ([fig._suptitle] if fig._suptitle is not None else [])


def test_the_figures_speak_chinese_in_a_chinese_font():
    w = cnnviz.tinycnn.init_params(n_filters=3, seed=0)["W"]
    font = plots.cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (fonts-noto-cjk): the figures stay in English")
    loss, kernels = plots.loss_curve(HISTORY, lang="zh"), plots.kernels(w, lang="zh")
    assert [t.get_text() for t in figure_texts(loss)] == ["训练损失", "轮", "交叉熵损失", "小批量", "训练集"]
    assert [t.get_text() for t in figure_texts(kernels)] == [
        "滤波器 1", "滤波器 2", "滤波器 3", "学到的 3×3 卷积核"]
    for text in figure_texts(loss) + figure_texts(kernels):
        assert text.get_fontfamily()[0] == font  # then the sans-serif fonts for the rest
    with i18n.using("zh"):
        assert figure_texts(plots.loss_curve(HISTORY))[0].get_text() == "训练损失"
    import io
    import warnings
    for fig in (loss, kernels):  # drawn with no "Glyph ... missing from font(s)" warning
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig.savefig(io.BytesIO(), format="png")


def test_an_english_figure_uses_matplotlib_s_own_font_and_no_cjk_font_means_english(monkeypatch):
    import matplotlib
    w = cnnviz.tinycnn.init_params(n_filters=2, seed=0)["W"]
    default = matplotlib.rcParams["font.family"]
    loss = plots.loss_curve(HISTORY, lang="en")
    assert [t.get_text() for t in figure_texts(loss)] == [
        "training loss", "epoch", "cross-entropy loss", "mini-batch", "training set"]
    assert all(t.get_fontfamily() == default for t in figure_texts(loss))
    kernels = plots.kernels(w, lang="en")
    assert [t.get_text() for t in figure_texts(kernels)] == ["filter 1", "filter 2", "learned 3×3 kernels"]
    # a machine with no CJK font: the Chinese figure keeps the English words (no empty boxes)
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    fallback = plots.loss_curve(HISTORY, title={"en": "loss", "zh": "损失"}, lang="zh")
    assert [t.get_text() for t in figure_texts(fallback)] == [
        "loss", "epoch", "cross-entropy loss", "mini-batch", "training set"]
    assert all(t.get_fontfamily() == default for t in figure_texts(fallback))


# ---------------------------------------------------------------------------------------
# make site: the note above inert sliders in the page's language
# ---------------------------------------------------------------------------------------
def test_the_site_says_where_to_edit_in_the_page_s_language():
    import importlib.util
    import json

    import ipywidgets as widgets
    import nbformat
    from ipywidgets.embed import dependency_state

    spec = importlib.util.spec_from_file_location(
        "cnnviz_site_chain", Path(__file__).resolve().parents[1] / "tools" / "site.py")
    site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(site)
    slider = widgets.IntSlider(value=3, min=-5, max=5, description="x₁₁")
    box = widgets.VBox([slider])
    state = json.loads(json.dumps(dependency_state([box], drop_defaults=False)))
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {site.WIDGET_STATE: {"state": state, "version_major": 2,
                                                  "version_minor": 0}}
    zh = site.StaticWidgets(nb, lang="zh").output_html(box.model_id)
    en = site.StaticWidgets(nb).output_html(box.model_id)
    assert "在 JupyterLab 中打开它（make lab-zh）" in zh and "open it in JupyterLab" not in zh
    assert "open it in JupyterLab (make lab)" in en
    assert site.make_exporter("zh")._preprocessors[-1].lang == "zh"
    box.close()
    slider.close()
