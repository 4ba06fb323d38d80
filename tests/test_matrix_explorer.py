"""The matrix-form explorer (the Jacobian C and im2col's P), driven without a browser.

Numbers are read back from the HTML a student sees (each number cell named in data-cell) and
compared with C and P built here by loops from the derivation's formulas, and with
cnnviz's ops. Which cells are outlined is compared with the windows worked out here.
"""
import re

import numpy as np
import pytest

import cnnviz
from cnnviz import i18n
from cnnviz.explorers.conv import ConvBackwardExplorer
from cnnviz.explorers.matrix import MatrixFormExplorer
from cnnviz.render import conv as views


@pytest.fixture(autouse=True)
def english():
    """English wherever pytest runs (the Chinese tests below say lang="zh")."""
    with i18n.using("en"):
        yield


RNG = np.random.default_rng(11)
CASES = [(RNG.integers(-5, 6, (3, 3)), RNG.integers(-5, 6, (2, 2)), RNG.integers(-5, 6, (2, 2)))
         for _ in range(3)]


def c_by_loops(w, x_shape=(3, 3)):
    """C[k, q]: the weight that multiplies input q (row-major) in output k (row-major)."""
    kh, kw = w.shape
    ho, wo = x_shape[0] - kh + 1, x_shape[1] - kw + 1
    c = np.zeros((ho * wo, x_shape[0] * x_shape[1]))
    for i in range(ho):
        for j in range(wo):
            for m in range(kh):
                for n in range(kw):
                    c[i * wo + j, (i + m) * x_shape[1] + (j + n)] = w[m, n]
    return c


def window_of(k, kernel=(2, 2), wo=2):
    """0-based (r, c) of the input cells window k reads."""
    i, j = divmod(k, wo)
    return [(i + m, j + n) for m in range(kernel[0]) for n in range(kernel[1])]


def set_matrix(editor, values):
    for (r, c), v in np.ndenumerate(np.asarray(values)):
        editor.slider(r, c).value = int(v)


def cells_of(frame, pattern):
    """{name: float} of every cell whose name matches (the last table that has it wins)."""
    found = {}
    for table in views.shown_tables(frame):
        for name, text in table.items():
            if re.fullmatch(pattern, name):
                found[name] = np.nan if text == "?" else float(text)
    return found


def tables_of(frame, pattern, size):
    return [{k: (np.nan if v == "?" else float(v)) for k, v in t.items()}
            for t in views.shown_tables(frame)
            if len(t) == size and all(re.fullmatch(pattern, k) for k in t)]


def outlined(frame, css="cv-win"):
    """The cells with the class ``css`` (and perhaps their colour's fill class)."""
    return re.findall(rf'<td class="{css}(?: cv-(?:[np][1-7]|z))?" data-cell="([^"]*)"', frame)


def frames_sent(stage):
    sent = []
    stage.observe(lambda change: sent.append(change["new"]), names="frames")
    return sent


@pytest.fixture(params=range(len(CASES)))
def explorer(request):
    x, w, dy = CASES[request.param]
    ex = MatrixFormExplorer()
    set_matrix(ex.x_editor, x)
    set_matrix(ex.w_editor, w)
    set_matrix(ex.dy_editor, dy)
    return ex


def test_forward_step_k_outlines_row_k_of_c_and_window_k_of_x(explorer):
    x, w, b = explorer.x, explorer.w, explorer.b_given
    c = c_by_loops(w)
    y = cnnviz.conv2d_forward(x, w, b)
    assert explorer.stage.n_steps == 8 and explorer.error == ""
    for k in range(4):
        frame = explorer.stage.frames[k]
        [shown_c] = tables_of(frame, r"c\d\d", 36)
        assert [shown_c[views.cell_name("c", r, q)] for r in range(4) for q in range(9)] \
            == list(c.ravel())
        window = window_of(k)
        # the outlined cells of C are the weights of row k, in the columns of window k
        assert outlined(frame)[:4] == [views.cell_name("c", k, r * 3 + cc) for r, cc in window]
        i, j = divmod(k, 2)
        assert f"<th>▶ y{subscripted(i, j)}</th>" in frame
        # the window on vec(X) laid out like X, and y_k in vec(Y)
        assert outlined(frame)[4:] == [views.cell_name("x", r, cc) for r, cc in window]
        assert outlined(frame, "cv-cur") == [views.cell_name("y", i, j)]
        vec_y = cells_of(frame, r"y\d\d")
        for kk in range(4):
            shown = vec_y[views.cell_name("y", *divmod(kk, 2))]
            assert shown == y.flat[kk] if kk <= k else np.isnan(shown)
        # the sum written out ends with y_k
        assert re.search(rf"= <b>{re.escape(views.format_number(y[i, j]))}</b></div>", frame)


def subscripted(i, j):
    return views.subscript(f"{i + 1}{j + 1}")


def test_backward_step_k_outlines_column_k_of_ct_and_scatters_it(explorer):
    x, w, dy = explorer.x, explorer.w, explorer.dy
    c = c_by_loops(w)
    running = np.zeros(9)
    for k in range(4):
        frame = explorer.stage.frames[4 + k]
        [shown_ct] = tables_of(frame, r"c\d\d", 36)
        # Cᵀ's cells are named after the C entry they are: the numbers are C's, transposed
        assert shown_ct == {views.cell_name("c", r, q): c[r, q] for r in range(4) for q in range(9)}
        order = list(shown_ct)
        assert order[:4] == [views.cell_name("c", r, 0) for r in range(4)]  # row x11 of Cᵀ
        window = window_of(k)
        assert outlined(frame)[:4] == [views.cell_name("c", k, r * 3 + cc) for r, cc in window]
        # column k laid out like X: W on window k, zeros elsewhere
        [column] = [t for t in tables_of(frame, r"c\d\d", 9)]
        laid = np.array([column[views.cell_name("c", k, q)] for q in range(9)]).reshape(3, 3)
        expected = np.zeros((3, 3))
        for (r, cc), weight in zip(window, w.ravel()):
            expected[r, cc] = weight
        np.testing.assert_array_equal(laid, expected)
        # the scatter: ∂L/∂X so far = the sum of ∂L/∂y_k' times column k' for k' <= k
        running += dy.flat[k] * c[k]
        [dx_shown] = tables_of(frame, r"∂L/∂x\d\d", 9)
        assert [dx_shown[views.cell_name("∂L/∂x", *divmod(q, 3))] for q in range(9)] == list(running)
        assert outlined(frame, "cv-new") == [views.cell_name("∂L/∂x", r, cc) for r, cc in window]
        assert outlined(frame, "cv-cur") == [views.cell_name("∂L/∂y", *divmod(k, 2))]
    dx = cnnviz.conv2d_backward(dy, x, w, explorer.b_given)[0]
    np.testing.assert_array_equal(running.reshape(3, 3), dx)
    np.testing.assert_array_equal(explorer.dx, dx)


def test_im2col_view_is_p_and_its_transpose(explorer):
    stage = explorer.im2col().stages[0]
    x, w, dy, b = explorer.x, explorer.w, explorer.dy, explorer.b_given
    p = np.array([[x[r, cc] for r, cc in window_of(k)] for k in range(4)])
    frame = stage.frames[0]
    shown_p, shown_pt = tables_of(frame, r"p\d\d", 16)
    assert shown_p == {views.cell_name("p", k, q): p[k, q] for k in range(4) for q in range(4)}
    assert shown_pt == shown_p and list(shown_pt)[:4] == [f"p{k}1" for k in (1, 2, 3, 4)]
    y = cnnviz.conv2d_forward(x, w, b)
    dw = cnnviz.conv2d_backward(dy, x, w, b)[1]
    assert [cells_of(frame, r"y\d\d")[views.cell_name("y", *divmod(k, 2))] for k in range(4)] \
        == list(y.ravel())
    assert [cells_of(frame, r"∂L/∂w\d\d")[views.cell_name("∂L/∂w", *divmod(k, 2))]
            for k in range(4)] == list(dw.ravel())
    np.testing.assert_array_equal(p @ w.ravel() + b.ravel(), y.ravel())
    np.testing.assert_array_equal(p.T @ dy.ravel(), dw.ravel())


def test_a_slider_move_sends_each_stage_its_frames_once_and_keeps_the_step():
    ex = MatrixFormExplorer()
    ex.im2col()
    ex.stage.step = 5
    sent = [frames_sent(stage) for stage in ex.stages]
    ex.w_editor.slider(0, 1).value = 3
    assert [len(s) for s in sent] == [1, 1]
    assert ex.stage.step == 5
    shown_ct = tables_of(ex.stage.frame, r"c\d\d", 36)[0]
    assert shown_ct["c12"] == 3 and shown_ct["c23"] == 3  # w12 in rows y11 and y12 of C
    ex.x_editor.slider(2, 2).value = -4  # C does not change with X; the stage is sent anyway
    assert [len(s) for s in sent] == [2, 2]


def test_sharing_the_sliders_of_the_backward_explorer():
    conv = ConvBackwardExplorer()
    ex = MatrixFormExplorer(share=conv)
    assert ex.x_editor is conv.x_editor and ex.dy_editor is conv.dy_editor
    conv.dy_editor.slider(1, 0).value = -3
    np.testing.assert_array_equal(ex.dx, conv.dx)
    conv.bias_mode.value = "shared"
    conv.shared_b.value = 2
    assert ex.b_given.shape == () and float(ex.b_given) == 2
    np.testing.assert_array_equal(ex.y, cnnviz.conv2d_forward(conv.x, conv.w, 2.0))
    assert "+ b = " in ex.stage.frames[0] and "+ b₁₁" not in ex.stage.frames[0]
    with pytest.raises(ValueError, match="come from the shared explorer"):
        MatrixFormExplorer(x=np.ones((3, 3)), share=conv)
    with pytest.raises(TypeError, match="share must be an explorer with x, w and ∂L/∂y sliders"):
        MatrixFormExplorer(share=object())


@pytest.mark.parametrize("kwargs, words", [
    (dict(w=np.ones((4, 4))), "larger than the padded input"),
    (dict(b=np.ones((3, 3))), r"b must be a number \(shared\) or a 2x2 matrix"),
    (dict(x=np.zeros((5, 5))), "the matrix view draws C for at most 16 inputs and 9 outputs"),
])
def test_a_bad_setting_is_a_message_on_the_stage_and_the_values_stay(kwargs, words):
    ex = MatrixFormExplorer(**kwargs)
    assert re.search(words, ex.error) and ex.stage.error == ex.error
    assert ex.stage.frames == []
    worked = cnnviz.examples.worked_conv()
    x_before = ex.x.copy()
    ex.dy_editor.slider(0, 0).value = 4  # another value moves: the message stays, values kept
    assert re.search(words, ex.stage.error)
    np.testing.assert_array_equal(ex.x, x_before)
    assert ex.dy[0, 0] == 4 and ex.dy[1, 1] == worked["dy"][1, 1]
    assert ex.summary() == f"MatrixFormExplorer: {ex.error}"


def test_summary_names_the_shapes_and_the_results():
    ex = MatrixFormExplorer()
    dx = cnnviz.conv2d_backward(ex.dy, ex.x, ex.w, ex.b_given)[0]
    assert ex.summary().startswith("MatrixFormExplorer: C is 4x9, P is 4x4; Y = [")
    assert "dL/dX = [" + "; ".join(" ".join(views.format_number(v) for v in r) for r in dx) \
        in ex.summary()


# ---------------------------------------------------------------------------------------
# Colour: one diverging scale per explorer
# ---------------------------------------------------------------------------------------
from colour_checks import assert_one_scale, coloured_cells, legends, shown_value  # noqa: E402,F401
from cnnviz.render import colour  # noqa: E402
from cnnviz.render import conv as _views  # noqa: E402


def test_every_grid_of_both_stages_shares_one_scale_and_c_is_coloured_by_the_weights():
    x, w, dy = [[1, -2, 0], [3, 1, -1], [0, 2, 4]], [[2, -3], [1, 0]], [[1, -1], [2, 0]]
    ex = MatrixFormExplorer(x=x, w=w, b=[[0, 0], [0, 0]], dy=dy)
    section = ex.im2col()
    frames = ex.stage.frames + section.stages[0].frames
    y = cnnviz.conv2d_forward(np.array(x, float), np.array(w, float), np.zeros((2, 2)))
    running = [np.asarray(s.dX) for s in cnnviz.steps.conv_backward_steps(dy, x, w, 0.0)]
    dw = cnnviz.conv2d_backward(np.array(dy, float), np.array(x, float), np.array(w, float), 0.0)[1]
    assert ex.scale == colour.scale_for(x, w, dy, y, dw, *running)
    assert_one_scale(ex, frames)
    assert all(legends(f) == [_views.format_number(ex.scale)] for f in frames)
    # C's entries are the weights: each coloured as its w; the zeros no window reaches stay grey
    c = c_by_loops(np.array(w, float))
    for frame in ex.stage.frames[:4]:
        body = re.search(r'<table class="cv-m">.*?</table>', frame, flags=re.S).group(0)
        (fills,) = _views.shown_fills(body)
        for (k, q), v in np.ndenumerate(c):
            fill = fills[_views.cell_name("c", k, q)]
            assert fill == colour.fill_class(v, ex.scale) if v else fill in ("", "cv-z")
        assert re.search(r'<td class="cv-ins" data-cell="c13"', body)  # x13 is not in y11's window
    ex.w_editor.slider(0, 1).value = -5
    assert ex.scale == colour.scale_for(ex.x, ex.w, ex.dy, ex.y, ex.dw,
                                        *(s.dX for s in ex.backward))
    assert_one_scale(ex, ex.stage.frames + section.stages[0].frames)


# ---------------------------------------------------------------------------------------
# In Chinese: the same numbers, no English words outside math, names and numbers
# ---------------------------------------------------------------------------------------
from zh_words import english_in, explorer_texts  # noqa: E402


def notation_dropped(text):
    """``text`` without the names notebook 02 writes in both languages: vec(...), im2col,
    and Python names with dots (cnnviz.matrix_form.conv_matrix)."""
    text = re.sub(r"\bvec(?=\()|\bim2col\b", " ", text)
    return re.sub(r"\b\w+(?:\.\w+)+", " ", text)


def test_a_chinese_matrix_explorer_shows_no_english_words_and_the_same_numbers():
    x, w, dy = CASES[0]
    explorers = {}
    for lang in ("zh", "en"):
        ex = MatrixFormExplorer(x=x, w=w, dy=dy, lang=lang)
        explorers[lang] = (ex, ex.im2col())
    (zh, zh_section), (en, _) = explorers["zh"], explorers["en"]
    assert all(stage.lang == "zh" for stage in zh.stages)
    texts = [notation_dropped(t) for t in explorer_texts(zh, [zh_section])]
    assert english_in(texts) == {}
    assert zh.x_editor.title == "X（输入）" and zh.w_editor.title == "W（卷积核）"
    assert zh.dy_editor.title == "∂L/∂Y（已知）"
    # the captions name the row (column) of each step: y11, y12, y21, y22
    names = [f"y{subscripted(i, j)}" for i in range(2) for j in range(2)]
    assert zh.stage.captions == ([f"前向 {k + 1}/4：C 的第 {n} 行" for k, n in enumerate(names)]
                                 + [f"反向 {k + 1}/4：Cᵀ 的第 {n} 列" for k, n in enumerate(names)])
    # every number the Chinese frames show is the English one (and so cnnviz's)
    for zh_stage, en_stage in zip(zh.stages, en.stages, strict=True):
        assert len(zh_stage.frames) == len(en_stage.frames) > 0
        for zh_frame, en_frame in zip(zh_stage.frames, en_stage.frames):
            assert views.shown_tables(zh_frame) == views.shown_tables(en_frame)
            assert legends(zh_frame) == legends(en_frame)
            assert "按 X 的形状排列" in zh_frame or "P = im2col(X)：" in zh_frame
    y = cnnviz.conv2d_forward(np.array(x, float), np.array(w, float), zh.b_given)
    assert cells_of(zh.stage.frames[3], r"y\d\d") == {
        views.cell_name("y", i, j): y[i, j] for i in range(2) for j in range(2)}
    # the sum of step 1 written out, in Chinese words around the same math
    assert f"C 的第 {names[0]} 行 · vec(X)" in zh.stage.frames[0]


def test_a_chinese_matrix_explorer_says_what_is_wrong_in_chinese():
    ex = MatrixFormExplorer(x=np.zeros((5, 5)), lang="zh")
    # 25 inputs, and (5 - 2 + 1)² = 16 outputs, worked out here
    assert ex.error == ("矩阵视图画出的 C 最多有 16 个输入、9 个输出；5×5 的 X 配 2×2 的 W 有 25 个输入、"
                        "16 个输出：更大的矩阵请用 cnnviz.matrix_form.conv_matrix")
    assert ex.stage.error == ex.error
    assert english_in([notation_dropped(ex.error)]) == {}
    bad_b = MatrixFormExplorer(b=np.ones((3, 3)), lang="zh")
    assert bad_b.error.startswith("b 必须是一个数（共用）或一个 2×2 的矩阵") and "(3, 3)" in bad_b.error
    # the package's own words, in the explorer's language, after a Chinese lead sentence
    too_big = MatrixFormExplorer(w=np.ones((4, 4)), lang="zh")
    with i18n.using("zh"), pytest.raises(ValueError) as refused:
        cnnviz.matrix_form.conv_matrix((3, 3), np.ones((4, 4)))
    assert too_big.error == f"这个设置不可用：{refused.value}"


def test_a_matrix_explorer_speaks_the_language_of_the_explorer_it_shares():
    ex = MatrixFormExplorer(share=ConvBackwardExplorer(lang="zh"))
    assert ex.lang == "zh" and ex.stage.captions[0].startswith("前向 1/4")
    assert MatrixFormExplorer(share=ConvBackwardExplorer(lang="zh"), lang="en").lang == "en"
    with i18n.using("zh"):
        assert MatrixFormExplorer().stage.captions[0] == f"前向 1/4：C 的第 y{subscripted(0, 0)} 行"
