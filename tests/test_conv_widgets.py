"""The convolution explorers, driven without a browser: move sliders, read the stages' frames.

Every number is read back from the HTML the student sees (each number cell named in data-cell) and
compared with cnnviz's ops for the same values.
"""
import json
import re
import subprocess
import sys

import numpy as np
import pytest

import cnnviz
from cnnviz import i18n
from cnnviz.explorers.conv import ConvBackwardExplorer, ConvForwardExplorer
from cnnviz.explorers.stage import pack_frames, unpack_frames
from cnnviz.render import colour
from cnnviz.render import conv as views
from zh_words import english_in, explorer_texts, visible_text


@pytest.fixture(autouse=True)
def english():
    """The notebook's language is English here wherever pytest runs (the Chinese explorers
    below say lang="zh")."""
    with i18n.using("en"):
        yield


def table(html, prefix, size):
    """{name: float} of the first matrix table in ``html`` whose size cells are named
    prefix.. ('?' -> nan)."""
    for cells in views.shown_tables(html):
        if len(cells) == size and all(re.fullmatch(re.escape(prefix) + r"\d+", k) for k in cells):
            return {k: (np.nan if v == "?" else float(v)) for k, v in cells.items()}
    raise AssertionError(f"no {size}-cell table of {prefix} in the frame")


def tables(html, prefix, size):
    return [{k: float(v) for k, v in cells.items()} for cells in views.shown_tables(html)
            if len(cells) == size and all(re.fullmatch(re.escape(prefix) + r"\d+", k) for k in cells)]


def after_last_equals(mathml):
    """The text of a formula after its last "=" (its value), tags dropped."""
    return re.sub(r"<[^>]+>", "", mathml.rsplit("<mo>=</mo>", 1)[1]).replace("−", "-")


def as_matrix(cells, prefix, shape):
    return np.array([[cells[views.cell_name(prefix, r, c)] for c in range(shape[1])]
                     for r in range(shape[0])])


def set_matrix(editor, values):
    for (r, c), v in np.ndenumerate(np.asarray(values)):
        editor.slider(r, c).value = int(v)


def frames_sent(stage):
    """A list that gets one entry each time the stage's frames change (one message each)."""
    sent = []
    stage.observe(lambda change: sent.append(change["new"]), names="frames")
    return sent


RNG = np.random.default_rng(7)
CASES = [(RNG.integers(-5, 6, (3, 3)), RNG.integers(-5, 6, (2, 2)), RNG.integers(-5, 6, (2, 2)),
          RNG.integers(-5, 6, (2, 2))) for _ in range(4)]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("x, w, b, dy", CASES)
def test_forward_frames_show_the_ops_output_at_every_step(x, w, b, dy, lang):
    ex = ConvForwardExplorer(lang=lang)
    set_matrix(ex.x_editor, x)
    set_matrix(ex.w_editor, w)
    set_matrix(ex.b_editor, b)
    expected = cnnviz.conv2d_forward(x, w, b)
    assert ex.stage.n_steps == 4
    for step, frame in enumerate(ex.stage.frames):
        y = as_matrix(table(frame, "y", 4), "y", (2, 2))
        done = np.arange(4).reshape(2, 2) <= step
        np.testing.assert_array_equal(y[done], expected[done])
        assert np.isnan(y[~done]).all()  # not computed yet: shown as '?'
        i, j = divmod(step, 2)
        assert table(frame, "y", 1)[views.cell_name("y", i, j)] == expected[i, j]
        window = re.findall(r'<td class="cv-win(?: cv-[npz]\d?)?" data-cell="([^"]*)"', frame)
        assert window == [views.cell_name("x", i + m, j + n) for m in range(2) for n in range(2)]
    assert ex.stage.captions == [{"en": "step {} of 4: {}", "zh": "第 {}/4 步：{}"}[lang].format(k, y)
                                 for k, y in enumerate(["y₁₁", "y₁₂", "y₂₁", "y₂₂"], 1)]


def test_forward_formula_is_mathml_with_the_numbers_of_the_sliders():
    ex = ConvForwardExplorer()
    ex.x_editor.slider(1, 1).value = 4
    y22 = cnnviz.conv2d_forward(ex.x, ex.w, ex.b)[1, 1]
    frame = ex.stage.frames[3]
    assert "$$" not in frame and frame.count("<math") == 1
    formula = frame[frame.index("<math"):]
    assert "<msub><mi>y</mi><mrow><mn>22</mn></mrow></msub>" in formula
    assert after_last_equals(formula) == views.format_number(y22)
    # the equations list every output with its value, one aligned row each
    eqs = ex.equations().stages[0].frames[0]
    rows = re.findall(r'<div class="cnnviz-math-right">(.*?)</div>', eqs)
    for row, v in zip(rows, cnnviz.conv2d_forward(ex.x, ex.w, ex.b).ravel(), strict=True):
        assert after_last_equals(row) == views.format_number(v)


def test_a_slider_move_sends_each_stage_its_frames_once_and_keeps_the_step():
    ex = ConvForwardExplorer()
    ex.equations()
    ex.stage.step = 2
    sent = [frames_sent(stage) for stage in ex.stages]
    ex.w_editor.slider(0, 0).value = 3
    assert [len(s) for s in sent] == [1, 1]
    assert ex.stage.step == 2
    expected = cnnviz.conv2d_forward(ex.x, ex.w, ex.b)
    assert table(ex.stage.frame, "y", 4)["y21"] == expected[1, 0]


def test_shared_bias_is_a_number_not_an_integer():
    ex = ConvForwardExplorer(b=0.5, bias="shared")
    np.testing.assert_array_equal(ex.y, cnnviz.conv2d_forward(ex.x, ex.w, 0.5))
    ex = ConvForwardExplorer(b=np.full((2, 2), 2.5))
    ex.bias_mode.value = "shared"
    assert ex.b == 2.5
    np.testing.assert_array_equal(ex.y, cnnviz.conv2d_forward(ex.x, ex.w, 2.5))


def test_shared_bias_switch_keeps_the_per_position_values():
    ex = ConvForwardExplorer()
    set_matrix(ex.b_editor, [[1, 2], [3, 4]])
    ex.bias_mode.value = "shared"
    ex.shared_b.value = -2
    np.testing.assert_array_equal(as_matrix(table(ex.stage.frames[3], "y", 4), "y", (2, 2)),
                                  cnnviz.conv2d_forward(ex.x, ex.w, -2.0))
    assert ex.b_editor.layout.display == "none" and ex.shared_box.layout.display == ""
    ex.bias_mode.value = "position"
    np.testing.assert_array_equal(ex.b_editor.value, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(as_matrix(table(ex.stage.frames[3], "y", 4), "y", (2, 2)),
                                  cnnviz.conv2d_forward(ex.x, ex.w, [[1, 2], [3, 4]]))


def test_the_step_python_asks_for_is_checked():
    ex = ConvForwardExplorer()
    ex.stage.step = 3
    assert ex.stage.frame == ex.stage.frames[3]
    with pytest.raises(Exception, match="step must be between 0 and 3"):
        ex.stage.step = 4


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("bias", ["position", "shared"])
@pytest.mark.parametrize("x, w, b, dy", CASES[:2])
def test_backward_frames_accumulate_to_the_ops_gradients(x, w, b, dy, bias, lang):
    ex = ConvBackwardExplorer(bias=bias, lang=lang)
    set_matrix(ex.x_editor, x)
    set_matrix(ex.w_editor, w)
    set_matrix(ex.b_editor, b)
    set_matrix(ex.dy_editor, dy)
    b_used = b if bias == "position" else float(ex.shared_b.value)
    dx, dw, db = cnnviz.conv2d_backward(dy, x, w, b_used)
    trace = cnnviz.steps.conv_backward_steps(dy, x, w, b_used)
    for step, frame in enumerate(ex.stage.frames):
        added, running = tables(frame, "∂L/∂x", 9)
        np.testing.assert_array_equal(as_matrix(added, "∂L/∂x", (3, 3)), trace[step].dx_add)
        np.testing.assert_array_equal(as_matrix(running, "∂L/∂x", (3, 3)), trace[step].dX)
        np.testing.assert_array_equal(as_matrix(tables(frame, "∂L/∂w", 4)[-1], "∂L/∂w", (2, 2)),
                                      trace[step].dW)
    last = ex.stage.frames[-1]
    np.testing.assert_array_equal(as_matrix(tables(last, "∂L/∂x", 9)[-1], "∂L/∂x", (3, 3)), dx)
    np.testing.assert_array_equal(as_matrix(tables(last, "∂L/∂w", 4)[-1], "∂L/∂w", (2, 2)), dw)
    if bias == "position":
        np.testing.assert_array_equal(as_matrix(tables(last, "∂L/∂b", 4)[-1], "∂L/∂b", (2, 2)), db)
    else:
        assert [list(cells.values()) for cells in views.shown_tables(last)
                if len(cells) == 1 and "∂L/∂b" in next(iter(cells))] == [[views.format_number(np.sum(dy))]]
    np.testing.assert_array_equal(ex.dx, dx)


def test_backward_coverage_counts_under_the_running_gradient():
    ex = ConvBackwardExplorer()
    running = ex.stage.frames[3].split("Running ∂L/∂X")[1]
    notes = re.findall(r'<div class="cv-note">(\d) of (\d)</div>', running)
    # after the last step every window has been added: x22 is covered 4 times, corners once
    assert [(int(a), int(b)) for a, b in notes][:9] == [(1, 1), (2, 2), (1, 1), (2, 2), (4, 4),
                                                        (2, 2), (1, 1), (2, 2), (1, 1)]
    running = ex.stage.frames[0].split("Running ∂L/∂X")[1]
    notes = re.findall(r'<div class="cv-note">(\d) of (\d)</div>', running)
    assert [int(a) for a, _ in notes][:9] == [1, 1, 0, 1, 1, 0, 0, 0, 0]


def test_gather_stage_steps_through_every_cell_of_x():
    ex = ConvBackwardExplorer()
    section = ex.gather_x()
    cells, every = section.stages
    dx = cnnviz.conv2d_backward(ex.dy, ex.x, ex.w, ex.b)[0]
    assert cells.captions == [f"∂L/∂x{views.subscript(f'{r}{c}')}" for r in (1, 2, 3) for c in (1, 2, 3)]
    for (r, c), frame in zip(np.ndindex(3, 3), cells.frames, strict=True):
        assert f"<msub><mi>x</mi><mrow><mn>{r + 1}{c + 1}</mn></mrow></msub>" in frame
        assert after_last_equals(frame) == views.format_number(dx[r, c])
    assert every.n_steps == 1 and every.frames[0].count('class="cnnviz-math-right"') == 9


def test_matrix_form_frame_equals_the_backward_pass():
    ex = ConvBackwardExplorer()
    stage = ex.matrix_form().stages[0]
    ex.dy_editor.slider(1, 0).value = -3
    found = views.shown_tables(stage.frames[0])
    dx = cnnviz.conv2d_backward(ex.dy, ex.x, ex.w, ex.b)[0]
    assert [float(v) for v in found[-1].values()] == list(dx.ravel())
    assert [float(v) for v in found[1].values()] == list(ex.w[::-1, ::-1].ravel())
    assert len(found[0]) == 16  # 2x2 dL/dY padded by one zero on every side


def test_gradient_check_agrees_and_goes_stale_when_values_change():
    ex = ConvBackwardExplorer()
    ex.gradient_check()
    report = ex.run_gradient_check()
    assert set(report) == {"x", "w", "b"}
    assert all(err < 1e-7 for *_, err in report.values())
    assert ex.check_view.value.count("✔ agree") == 3
    ex.x_editor.slider(2, 2).value = -4
    assert "press the button to check again" in ex.check_view.value
    ex.check_button.click()
    assert ex.check_view.value.count("✔ agree") == 3


def test_summary_and_static_copy_show_the_numbers_and_play_with_no_kernel():
    ex = ConvForwardExplorer()
    bundle = ex._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    y = cnnviz.conv2d_forward(ex.x, ex.w, ex.b)
    assert data["text/plain"].endswith(
        "Y = [" + "; ".join(" ".join(views.format_number(v) for v in r) for r in y) + "]")
    assert "application/vnd.jupyter.widget-view+json" in data
    # the widget state saved with the notebook is all a static page needs (make site)
    static = ex.stage.static_html()
    state = json.loads(re.search(r'data-cnnviz-stage-data="\w+">(.*?)</script>', static, re.S)
                       .group(1).replace("<\\/", "</"))
    assert unpack_frames(state["frames"]) == ex.stage.frames and state["captions"] == ex.stage.captions
    assert "function render" in static and "staticModel" in static
    assert "http" not in static.split("<script", 1)[1]  # nothing fetched


def test_editor_rejects_a_bad_matrix_before_moving_any_slider():
    ex = ConvForwardExplorer()
    before = ex.x.copy()
    with pytest.raises(ValueError, match=r"x: expected a 3x3 matrix, got shape \(2, 2\)"):
        ex.x_editor.value = np.zeros((2, 2))
    bad = np.arange(9.0).reshape(3, 3)
    bad[2, 2] = np.nan
    with pytest.raises(ValueError, match="x33 = nan"):
        ex.x_editor.value = bad
    np.testing.assert_array_equal(ex.x, before)
    assert table(ex.stage.frames[3], "y", 4)["y22"] == cnnviz.conv2d_forward(before, ex.w, ex.b)[1, 1]


def test_setting_a_whole_matrix_fires_one_update():
    ex = ConvForwardExplorer()
    sent = frames_sent(ex.stage)
    ex.x_editor.value = np.arange(9).reshape(3, 3)
    assert len(sent) == 1
    assert table(ex.stage.frames[0], "y", 4)["y11"] == cnnviz.conv2d_forward(
        np.arange(9).reshape(3, 3), ex.w, ex.b)[0, 0]


def test_a_bad_setting_is_shown_on_the_stage_with_its_controls():
    ex = ConvForwardExplorer(np.ones((3, 3)), np.ones((4, 4)), 0.0)
    assert "kernel 4x4" in ex.error and ex.stage.error == ex.error
    bundle = ex._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data and "kernel 4x4" in data["text/plain"]
    for ex in (ConvForwardExplorer(b=np.ones((3, 3))), ConvBackwardExplorer(dy=np.ones((3, 3)))):
        assert "(2, 2)" in ex.error and "(3, 3)" in ex.error and ex.stage.error == ex.error
        data = ex._repr_mimebundle_()
        data = data[0] if isinstance(data, tuple) else data
        assert "application/vnd.jupyter.widget-view+json" in data
    with pytest.raises(ValueError, match=r"b must be a number \(shared\) or a 2x2 matrix"):
        ConvForwardExplorer(b=[1, 2, 3])


def test_an_explorer_refuses_more_entries_than_the_sliders_show():
    with pytest.raises(ValueError, match=r"x: the sliders edit at most 12x12 entries, got shape \(3000, 3000\)"):
        ConvForwardExplorer(x=np.zeros((3000, 3000)))
    with pytest.raises(ValueError, match=r"x: the sliders edit at most 12x12"):
        cnnviz.PoolForwardExplorer(np.ones((40, 40)))


def test_a_float_slider_refuses_nan_and_keeps_its_number():
    import traitlets

    ex = ConvForwardExplorer(b=0.5, bias="shared")
    with pytest.raises(traitlets.TraitError, match="b must be a finite number, got nan"):
        ex.shared_b.value = float("nan")
    assert ex.shared_b.value == 0.5 and ex.error == ""


def test_a_bad_setting_keeps_the_last_good_frames_and_the_other_values():
    """The explorers' contract (cnnviz.explorers.base.Explorer): a setting the math refuses
    shows its message on every stage; the frames and every other value stay."""
    from cnnviz.explorers.base import Explorer, MatrixEditor

    class Halves(Explorer):
        def __init__(self):
            super().__init__()
            self.editor = MatrixEditor([[4.0, 2.0]], "v")
            self.editor.on_change(self.refresh)
            self.stage = self.new_stage()
            self.refresh()

        def _recompute(self):
            if (self.editor.value == 0).any():
                raise ValueError("v: cannot halve by zero here")

        def _frames(self):
            return {self.stage: ([f"{v / 2}" for v in self.editor.value[0]], ["a", "b"])}

    ex = Halves()
    assert ex.stage.frames == ["2.0", "1.0"] and ex.error == ""
    ex.editor.slider(0, 1).value = 0
    assert ex.error == ex.stage.error == "v: cannot halve by zero here"
    assert ex.stage.frames == ["2.0", "1.0"]          # the last good frames
    assert list(ex.editor.value[0]) == [4.0, 0.0]      # the student's values, all kept
    ex.editor.slider(0, 1).value = 3
    assert ex.error == ex.stage.error == "" and ex.stage.frames == ["2.0", "1.5"]

    # an error of the explorer itself (not a bad setting) is shown too, never lost in a log
    ex._frames = lambda: {}["missing"]
    ex.editor.slider(0, 0).value = 1
    assert "Something went wrong in the explorer (KeyError" in ex.stage.error
    assert ex.stage.frames == ["2.0", "1.5"] and list(ex.editor.value[0]) == [1.0, 3.0]


def test_importing_widgets_is_lazy():
    code = ("import sys, cnnviz; assert 'ipywidgets' not in sys.modules; "
            "cnnviz.ConvForwardExplorer; assert 'ipywidgets' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sections_show_the_explorers_own_sliders():
    """One slider shown in two sections is the same widget: moving it moves both views."""
    ex = ConvBackwardExplorer()
    scatter, gather = ex.scatter_x(), ex.gather_x()
    assert ex.dy_editor in scatter.controls[0].children and ex.dy_editor in gather.controls[0].children
    ex.dy_editor.slider(1, 1).value = -4
    dx = cnnviz.conv2d_backward(ex.dy, ex.x, ex.w, ex.b)[0]
    last = scatter.stages[0].frames[-1]
    np.testing.assert_array_equal(as_matrix(tables(last, "∂L/∂x", 9)[-1], "∂L/∂x", (3, 3)), dx)


def _classes_under(widget):
    found = set(getattr(widget, "_dom_classes", ()))
    for child in getattr(widget, "children", ()):
        found |= _classes_under(child)
    return found


def test_backward_shows_b_sliders_only_where_b_matters():
    """b appears in no gradient: the main section has the bias switch but no b sliders; the
    gradient check, which runs the forward pass, has them."""
    ex = ConvBackwardExplorer()
    main = _classes_under(ex.root.widget)
    assert "cnnviz-bias-mode" in main and "cnnviz-editor-b" not in main
    assert {"cnnviz-editor-x", "cnnviz-editor-w", "cnnviz-editor-dy"} <= main
    check = _classes_under(ex.gradient_check().widget)
    assert {"cnnviz-editor-b", "cnnviz-slider-b", "cnnviz-bias-mode"} <= check
    before = (ex.dx.copy(), ex.dw.copy(), np.copy(ex.db))
    ex.b_editor.slider(0, 0).value = 5  # moving b changes no gradient
    for old, new in zip(before, (ex.dx, ex.dw, ex.db)):
        np.testing.assert_array_equal(old, new)


def test_frames_are_sent_packed_and_unpack_to_themselves():
    """A stage sends each piece of HTML once; unpacked, the frames are the frames."""
    ex = ConvForwardExplorer()
    frames = ex.stage.frames
    packed = ex.stage.get_state(["frames"])["frames"]
    assert unpack_frames(packed) == frames == unpack_frames(pack_frames(frames))
    assert len(packed["pieces"]) == len(set(packed["pieces"]))
    assert len(json.dumps(packed)) < 0.7 * len(json.dumps(frames))
    assert unpack_frames(pack_frames(["", "a<b>c</b>", "<i>"])) == ["", "a<b>c</b>", "<i>"]


# ---------------------------------------------------------------------------------------
# Colour: one diverging scale per explorer
# ---------------------------------------------------------------------------------------
from colour_checks import coloured_cells, legends  # noqa: E402  (name, number shown, fill)


def assert_one_scale(ex, frames):
    """Every grid cell of these frames: its hue says its sign, its depth grows with |value|
    on the explorer's one scale (the same number, the same colour, in every frame), and the
    scale is the round number above the largest |value| the grids show."""
    cells = [(shown, fill) for frame in frames for _, shown, fill in coloured_cells(frame)]
    assert cells
    numbers = []
    for shown, fill in cells:
        if shown == "?":
            assert fill == ""  # not computed yet: no fill
            continue
        v = float(shown)
        numbers.append(v)
        if v < 0:
            assert re.fullmatch(r"cv-n[1-7]", fill), (shown, fill)
        elif v > 0:
            assert re.fullmatch(r"cv-p[1-7]", fill), (shown, fill)
        else:
            assert fill in ("", "cv-z"), (shown, fill)
        assert fill == colour.fill_class(v, ex.scale) or (v == 0 and fill == "")
    # deeper for larger |value| across every frame: never a lighter step for a larger number
    for sign in (-1, 1):
        shown = [(float(s), f) for s, f in cells if s != "?"]
        steps = sorted((abs(v), int(f[-1])) for v, f in shown if np.sign(v) == sign)
        assert all(a[1] <= b[1] for a, b in zip(steps, steps[1:])), steps
    assert ex.scale == colour.scale_for(numbers)


def test_forward_grids_are_coloured_on_one_scale_with_its_legend_in_every_frame():
    ex = ConvForwardExplorer(x=[[1, -2, 0], [0, 3, -1], [2, 1, -4]], w=[[1, -1], [2, 0]],
                             b=[[1, 0], [0, 1]])
    y = cnnviz.conv2d_forward(ex.x, ex.w, ex.b)
    np.testing.assert_array_equal(y, [[4, 4], [1, 7]])
    assert ex.scale == 8.0  # the round number above |y22| = 7
    assert_one_scale(ex, ex.stage.frames)
    assert [legends(f) for f in ex.stage.frames] == [["8"]] * 4
    # step 1 shows y11 = 4 only, not as the deepest orange: the scale is not per frame
    first = dict(views.shown_fills(ex.stage.frames[0])[-1])
    assert views.shown_tables(ex.stage.frames[0])[-1]["y11"] == "4"
    assert first["y11"] == "cv-p4" and first["y22"] == ""  # 4/8 of the way: step 4 of 7
    # x33 = -4 is blue, as deep as y11 = 4 is orange
    assert dict(views.shown_fills(ex.stage.frames[0])[0])["x33"] == "cv-n4"
    # a slider move: one new scale for every frame
    ex.x_editor.slider(2, 2).value = 5
    assert ex.scale == colour.scale_for(ex.x, cnnviz.conv2d_forward(ex.x, ex.w, ex.b))
    assert {tuple(legends(f)) for f in ex.stage.frames} == {(views.format_number(ex.scale),)}
    assert_one_scale(ex, ex.stage.frames)


def test_backward_grids_of_every_section_share_one_scale():
    ex = ConvBackwardExplorer()
    sections = [ex.scatter_x(), ex.scatter_w(), ex.bias(), ex.matrix_form()]
    ex.run_gradient_check()
    stages = [ex.stage] + [stage for s in sections for stage in s.stages]
    frames = [f for stage in stages for f in stage.frames] + [ex.check_view.value]
    assert_one_scale(ex, frames)
    assert ex.scale == 8.0  # ∂L/∂w12 = 7 is the largest number
    for stage in stages:  # the legend once in every frame, the same in all
        assert {tuple(legends(f)) for f in stage.frames} == {("8",)}
    assert legends(ex.check_view.value) == ["8"]
    # a running total may pass the final gradient: the scale covers every step
    ex.dy_editor.value = [[5, -5], [0, 0]]
    ex.w_editor.value = [[5, 5], [0, 0]]
    running = [s.dX[0, 1] for s in ex.trace]
    assert abs(running[0]) > abs(ex.dx[0, 1])
    frames = [f for stage in stages for f in stage.frames]
    assert_one_scale(ex, frames)
    assert ex.scale >= np.max(np.abs(running))


# ---------------------------------------------------------------------------------------
# The explorers in Chinese: the same numbers, no English words outside math and code
# ---------------------------------------------------------------------------------------
def _every_section(ex):
    if isinstance(ex, ConvForwardExplorer):
        return [ex.equations()]
    return [ex.scatter_x(), ex.scatter_w(), ex.bias(), ex.gather_x(), ex.matrix_form(),
            ex.weight_equations(), ex.gradient_check()]


@pytest.mark.parametrize("make", [ConvForwardExplorer, ConvBackwardExplorer])
@pytest.mark.parametrize("bias", ["position", "shared"])
def test_a_chinese_explorer_shows_no_english_words(make, bias):
    ex = make(bias=bias, lang="zh")
    sections = _every_section(ex)
    texts = explorer_texts(ex, sections)
    if isinstance(ex, ConvBackwardExplorer):
        texts.append(visible_text(ex.check_view.value))
        ex.x_editor.slider(0, 0).value += 1  # the check goes stale: its note
        texts.append(visible_text(ex.check_view.value))
    assert english_in(texts) == {}
    assert all(stage.lang == "zh" for stage in ex.stages)
    assert ex.x_editor.title == "X（输入）" and ex.bias_mode.description == "偏置"
    assert "共用一个偏置（b）" in ex.bias_mode._options_labels
    english = make(bias=bias, lang="en")
    _every_section(english)
    # the same pictures, the same numbers, in the other language
    for zh_stage, en_stage in zip(ex.stages, english.stages):
        assert len(zh_stage.frames) == len(en_stage.frames)
    if isinstance(ex, ConvBackwardExplorer):
        english.x_editor.slider(0, 0).value += 1
    for zh_stage, en_stage in zip(ex.stages, english.stages):
        for zh_frame, en_frame in zip(zh_stage.frames, en_stage.frames):
            assert views.shown_tables(zh_frame) == views.shown_tables(en_frame)
            assert re.findall("<math.*?</math>", zh_frame) == re.findall("<math.*?</math>", en_frame)


def test_a_chinese_explorer_says_what_is_wrong_in_chinese_with_the_package_s_words():
    from cnnviz.layers import steps
    ex = ConvForwardExplorer(np.ones((3, 3)), np.ones((4, 4)), 0.0, lang="zh")
    with i18n.using("zh"), pytest.raises(ValueError) as refused:  # the layer's own words
        steps.conv_forward_steps(np.ones((3, 3)), np.ones((4, 4)), 0.0)
    assert ex.error == f"这个设置不可用：{refused.value}" and ex.stage.error == ex.error
    english = ConvForwardExplorer(np.ones((3, 3)), np.ones((4, 4)), 0.0, lang="en")
    assert "kernel 4x4" in english.error and not re.search(r"[\u4e00-\u9fff]", english.error)
    with i18n.using("zh"):  # an English explorer in a Chinese notebook: English all the same
        assert ConvForwardExplorer(np.ones((3, 3)), np.ones((4, 4)), 0.0, lang="en").error == (
            english.error)


def test_the_language_is_the_notebook_s_unless_an_explorer_names_one():
    with i18n.using("zh"):
        assert ConvForwardExplorer().stage.captions[0] == "第 1/4 步：y₁₁"
        assert ConvForwardExplorer(lang="en").stage.captions[0] == "step 1 of 4: y₁₁"
    with pytest.raises(ValueError, match="lang must be one of"):
        ConvForwardExplorer(lang="fr")


def test_the_stage_speaks_its_explorer_s_language_also_with_no_kernel():
    from cnnviz.explorers import stage as stage_module
    from cnnviz.words import WORDS
    zh = ConvForwardExplorer(lang="zh").stage
    labels = zh.code.labels
    assert labels["zh"]["play"] == "▶ 播放" and labels["zh"]["pause"] == "❚❚ 暂停"
    assert labels["zh"]["back"] == "◀ 上一步" and labels["zh"]["forward"] == "下一步 ▶"
    assert labels["zh"]["first"] == "⇤ 第一步" and labels["zh"]["last"] == "最后一步 ⇥"
    assert [labels["zh"][k] for k in ("speed", "slow", "medium", "fast", "loop", "projector")] == \
        ["速度", "慢", "中", "快", "循环", "⤢ 投影模式"]
    assert set(labels["en"]) == set(labels["zh"]) and labels["en"]["play"] == "▶ play"
    for lang, stage in (("zh", zh), ("en", ConvForwardExplorer(lang="en").stage)):
        static = stage.static_html()
        state = json.loads(re.search(r'data-cnnviz-stage-data="\w+">(.*?)</script>', static, re.S)
                           .group(1).replace("<\\/", "</"))
        assert state["labels"] == labels[lang]
        assert "labels: state.labels" in static
    # the module holds no words of its own: every one comes from the catalog (say("key"),
    # the speeds by their keys)
    js = re.sub(r'(?:say|model\.get)\("\w+"\)|\["(slow|medium|fast)", \d+\]', "", stage_module.STAGE_JS)
    for key, entry in WORDS.items():
        if key.startswith("stage.") and key != "stage.open_to_edit":
            for text in entry.values():
                assert f'"{text}"' not in js and f"'{text}'" not in js and f"> {text}" not in js, key
    old = stage_module.static_stage_html({"frames": ["<p>1</p>"], "captions": [""]})
    assert json.loads(re.search(r'data-cnnviz-stage-data="\w+">(.*?)</script>', old, re.S)
                      .group(1))["labels"]["play"] == "▶ play"  # a state with no lang: English


@pytest.mark.parametrize("make, name", [
    (ConvForwardExplorer, "x"), (ConvForwardExplorer, "w"), (ConvBackwardExplorer, "dy"),
    (cnnviz.MatrixFormExplorer, "dy"), (cnnviz.ChainExplorer, "dz"),
])
def test_a_matrix_set_from_code_moves_the_sliders_and_a_bad_one_moves_nothing(make, name):
    ex = make()
    before = getattr(ex, name)
    new = before + 1
    setattr(ex, name, new)
    assert np.array_equal(getattr(ex, name), new) and ex.error == ""
    with pytest.raises(ValueError, match=r"expected a \d+x\d+ matrix"):
        setattr(ex, name, np.ones((5, 5)))
    assert np.array_equal(getattr(ex, name), new)
