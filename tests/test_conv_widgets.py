"""The convolution explorers, driven without a browser: set sliders and steps, read the views.

Every number is read back from the HTML the student sees (data-cell / data-value) and
compared with cnnviz's ops for the same values.
"""
import numpy as np
import pytest

import cnnviz
from cnnviz.render import conv as views
from cnnviz.explorers.conv import ConvBackwardExplorer, ConvForwardExplorer


def shown(view, table=0):
    """{name: float} of one matrix table in a view ('?' -> nan)."""
    cells = views.shown_tables(view.value)[table]
    return {k: (np.nan if v == "?" else float(v)) for k, v in cells.items()}


def as_matrix(cells, prefix, shape):
    return np.array([[cells[views.cell_name(prefix, r, c)] for c in range(shape[1])]
                     for r in range(shape[0])])


def set_matrix(editor, values):
    for (r, c), v in np.ndenumerate(np.asarray(values)):
        editor.slider(r, c).value = int(v)


RNG = np.random.default_rng(7)
CASES = [(RNG.integers(-5, 6, (3, 3)), RNG.integers(-5, 6, (2, 2)), RNG.integers(-5, 6, (2, 2)),
          RNG.integers(-5, 6, (2, 2))) for _ in range(4)]


@pytest.mark.parametrize("x, w, b, dy", CASES)
def test_forward_view_shows_the_ops_output_at_every_step(x, w, b, dy):
    ex = ConvForwardExplorer()
    set_matrix(ex.x_editor, x)
    set_matrix(ex.w_editor, w)
    set_matrix(ex.b_editor, b)
    expected = cnnviz.conv2d_forward(x, w, b)
    for step in range(4):
        ex.player.step = step
        y = as_matrix(shown(ex.output_view), "y", (2, 2))
        done = np.arange(4).reshape(2, 2) <= step
        np.testing.assert_array_equal(y[done], expected[done])
        assert np.isnan(y[~done]).all()  # not computed yet: shown as '?'
        i, j = divmod(step, 2)
        # the arithmetic panel ends with y_ij
        assert float(views.shown_cells(ex.arithmetic_view.value)[views.cell_name("y", i, j)]) == expected[i, j]
        # the window outlined on X is the one of y_ij
        window = [name for name, _ in _window_cells(ex.input_view.value)]
        assert window == [views.cell_name("x", i + m, j + n) for m in range(2) for n in range(2)]
    # the last step shows the final result in full
    np.testing.assert_array_equal(as_matrix(shown(ex.output_view), "y", (2, 2)), expected)


def _window_cells(view_html):
    import re
    return re.findall(r'<td class="cv-win" data-cell="([^"]*)" data-value="([^"]*)"', view_html)


def test_forward_formula_has_the_numbers_of_the_sliders():
    ex = ConvForwardExplorer()
    ex.x_editor.slider(1, 1).value = 4
    ex.player.step = 3
    y22 = cnnviz.conv2d_forward(ex.x, ex.w, ex.b)[1, 1]
    assert ex.formula_view.value.count("$$") == 2
    assert r"y_{22} = w_{11} \cdot x_{22}" in ex.formula_view.value
    assert ex.formula_view.value.rstrip("$</div>").endswith(f"= {views.format_number(y22)}")
    # and the four equations list every output with its value, one aligned line each
    eqs = ex.equations_view.value
    assert eqs.count("$$") == 2 and r"\begin{aligned}" in eqs
    lines = eqs.split("$$")[1].removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
    lines = lines.split(r" \\[5pt] ")
    for line, ((i, j), v) in zip(lines, np.ndenumerate(cnnviz.conv2d_forward(ex.x, ex.w, ex.b)),
                                 strict=True):
        assert line.startswith(f"y_{{{i + 1}{j + 1}}} &=")
        assert line.endswith(f"= {views.format_number(v)}")


def test_slider_change_updates_the_view_while_playing():
    ex = ConvForwardExplorer()
    ex.player.play.playing = True
    ex.player.step = 2
    before = ex.output_view.value
    ex.w_editor.slider(0, 0).value = 3
    assert ex.output_view.value != before
    expected = cnnviz.conv2d_forward(ex.x, ex.w, ex.b)
    assert shown(ex.output_view)["y21"] == expected[1, 0]
    assert ex.player.step == 2  # the step is kept


def test_shared_bias_switch_keeps_the_per_position_values():
    ex = ConvForwardExplorer()
    set_matrix(ex.b_editor, [[1, 2], [3, 4]])
    ex.bias_mode.value = "shared"
    ex.shared_b.value = -2
    ex.player.step = 3
    np.testing.assert_array_equal(as_matrix(shown(ex.output_view), "y", (2, 2)),
                                  cnnviz.conv2d_forward(ex.x, ex.w, -2.0))
    assert ex.b_editor.layout.display == "none" and ex.shared_box.layout.display == ""
    ex.bias_mode.value = "position"
    np.testing.assert_array_equal(ex.b_editor.value, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(as_matrix(shown(ex.output_view), "y", (2, 2)),
                                  cnnviz.conv2d_forward(ex.x, ex.w, [[1, 2], [3, 4]]))


def test_player_controls_move_the_step():
    ex = ConvForwardExplorer()
    ex.player.forward.click()
    ex.player.forward.click()
    assert ex.player.step == 2 and ex.player.play.value == 2 and ex.player.scrubber.value == 2
    assert "step 3 of 4: y₂₁" in ex.player.status.value
    ex.player.back.click()
    assert ex.player.step == 1
    ex.player.scrubber.value = 3  # the scrubber moves the play widget too
    assert ex.player.play.value == 3
    ex.player.forward.click()  # stays at the last step
    assert ex.player.step == 3
    ex.player.speed.value = "fast"
    assert ex.player.play.interval == ex.player.SPEEDS["fast"]
    with pytest.raises(ValueError, match="step must be between 0 and 3"):
        ex.player.step = 4


@pytest.mark.parametrize("bias", ["position", "shared"])
@pytest.mark.parametrize("x, w, b, dy", CASES[:2])
def test_backward_views_accumulate_to_the_ops_gradients(x, w, b, dy, bias):
    ex = ConvBackwardExplorer(bias=bias)
    set_matrix(ex.x_editor, x)
    set_matrix(ex.w_editor, w)
    set_matrix(ex.b_editor, b)
    set_matrix(ex.dy_editor, dy)
    b_used = b if bias == "position" else float(ex.shared_b.value)
    dx, dw, db = cnnviz.conv2d_backward(dy, x, w, b_used)
    trace = cnnviz.steps.conv_backward_steps(dy, x, w, b_used)
    for step in range(4):
        ex.player.step = step
        # dX view: tables are dL/dY, what this step adds, the running total
        np.testing.assert_array_equal(as_matrix(shown(ex.dx_view, 1), "∂L/∂x", (3, 3)), trace[step].dx_add)
        np.testing.assert_array_equal(as_matrix(shown(ex.dx_view, 2), "∂L/∂x", (3, 3)), trace[step].dX)
        np.testing.assert_array_equal(as_matrix(shown(ex.dw_view, 2), "∂L/∂w", (2, 2)), trace[step].dW)
    np.testing.assert_array_equal(as_matrix(shown(ex.dx_view, 2), "∂L/∂x", (3, 3)), dx)
    np.testing.assert_array_equal(as_matrix(shown(ex.dw_view, 2), "∂L/∂w", (2, 2)), dw)
    db_shown = shown(ex.db_view)
    if bias == "position":
        np.testing.assert_array_equal(as_matrix(db_shown, "∂L/∂b", (2, 2)), db)
    else:
        assert list(db_shown.values()) == [float(db)] == [float(np.sum(dy))]
    np.testing.assert_array_equal(ex.dx, dx)


def test_backward_coverage_counts_under_the_running_gradient():
    ex = ConvBackwardExplorer()
    ex.player.step = 3
    import re
    running = ex.dx_view.value.split("Running ∂L/∂X")[1]
    notes = re.findall(r'<div class="cv-note">(\d) of (\d)</div>', running)
    # after the last step every window has been added: x22 is covered 4 times, corners once
    assert [(int(a), int(b)) for a, b in notes] == [(1, 1), (2, 2), (1, 1), (2, 2), (4, 4), (2, 2),
                                                    (1, 1), (2, 2), (1, 1)]
    ex.player.step = 0
    running = ex.dx_view.value.split("Running ∂L/∂X")[1]
    notes = re.findall(r'<div class="cv-note">(\d) of (\d)</div>', running)
    assert [int(a) for a, _ in notes] == [1, 1, 0, 1, 1, 0, 0, 0, 0]


def test_gather_view_follows_the_picked_cell():
    ex = ConvBackwardExplorer()
    ex.cell_picker.value = (0, 1)
    dx = cnnviz.conv2d_backward(ex.dy, ex.x, ex.w, ex.b)[0]
    text = ex.gather_view.value
    assert r"\frac{\partial L}{\partial x_{12}}" in text
    assert text.count(r"\cdot") == 4  # two symbolic terms, two with numbers
    assert f"= {views.format_number(dx[0, 1])}$$" in text


def test_matrix_form_view_equals_the_backward_pass():
    ex = ConvBackwardExplorer()
    ex.dy_editor.slider(1, 0).value = -3
    tables = views.shown_tables(ex.matrix_form_view.value)
    dx = cnnviz.conv2d_backward(ex.dy, ex.x, ex.w, ex.b)[0]
    assert [float(v) for v in tables[-1].values()] == list(dx.ravel())
    assert [float(v) for v in tables[1].values()] == list(ex.w[::-1, ::-1].ravel())
    assert len(tables[0]) == 16  # 2x2 dL/dY padded by one zero on every side


def test_gradient_check_agrees_and_goes_stale_when_values_change():
    ex = ConvBackwardExplorer()
    report = ex.run_gradient_check()
    assert set(report) == {"x", "w", "b"}
    assert all(err < 1e-7 for *_, err in report.values())
    assert ex.check_view.value.count("✔ agree") == 3
    ex.x_editor.slider(2, 2).value = -4
    assert "press the button to check again" in ex.check_view.value
    ex.check_button.click()
    assert ex.check_view.value.count("✔ agree") == 3


def test_summary_and_static_html_show_the_numbers():
    ex = ConvForwardExplorer()
    bundle = ex._repr_mimebundle_()
    y = cnnviz.conv2d_forward(ex.x, ex.w, ex.b)
    assert bundle["text/plain"].endswith("Y = [" + "; ".join(" ".join(views.format_number(v) for v in r) for r in y) + "]")
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert 'data-cell="y11"' in bundle["text/html"]


def test_editor_rejects_a_matrix_of_the_wrong_shape_and_keeps_values():
    ex = ConvForwardExplorer()
    before = ex.x.copy()
    with pytest.raises(ValueError, match=r"x: expected a 3x3 matrix, got shape \(2, 2\)"):
        ex.x_editor.value = np.zeros((2, 2))
    np.testing.assert_array_equal(ex.x, before)


def test_setting_a_whole_matrix_fires_one_update():
    ex = ConvForwardExplorer()
    calls = []
    ex.x_editor.on_change(lambda editor: calls.append(editor.value))
    ex.x_editor.value = np.arange(9).reshape(3, 3)
    assert len(calls) == 1
    np.testing.assert_array_equal(as_matrix(shown(ex.output_view), "y", (2, 2))[0, 0],
                                  cnnviz.conv2d_forward(np.arange(9).reshape(3, 3), ex.w, ex.b)[0, 0])


def test_importing_widgets_is_lazy():
    import subprocess
    import sys
    code = ("import sys, cnnviz; assert 'ipywidgets' not in sys.modules; "
            "cnnviz.ConvForwardExplorer; assert 'ipywidgets' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_each_section_has_its_own_play_widget_and_all_follow_one_step():
    """A Play widget displayed twice stalls in the browser: sections get their own players."""
    ex = ConvBackwardExplorer()
    animated = [ex.scatter_x(), ex.scatter_w(), ex.bias()]
    still = [ex.gather_x(), ex.matrix_form(), ex.gradient_check()]  # nothing to animate: no player
    plays = {id(p.play) for p in ex.players}
    assert len(still) == 3 and len(plays) == len(ex.players) == 1 + len(animated)
    ex.players[2].forward.click()
    ex.players[2].forward.click()
    assert [p.step for p in ex.players] == [2] * len(ex.players)
    trace = cnnviz.steps.conv_backward_steps(ex.dy, ex.x, ex.w, ex.b)
    np.testing.assert_array_equal(as_matrix(shown(ex.dw_view, 2), "∂L/∂w", (2, 2)), trace[2].dW)


def test_sections_have_their_own_sliders_kept_in_step():
    """Each section's sliders are widgets of their own; moving any of them moves them all."""
    ex = ConvBackwardExplorer()
    ex.scatter_x()
    ex.gather_x()
    twins = ex._twins["dy"]
    assert len(twins) == 2 and all(t is not ex.dy_editor for t in twins)
    assert twins[0].slider(0, 0) is not ex.dy_editor.slider(0, 0)
    twins[0].slider(1, 1).value = -4  # a student moves ∂L/∂y22 in the scatter section
    assert ex.dy[1, 1] == -4 and twins[1].value[1, 1] == -4
    ex.player.step = 3
    dx = cnnviz.conv2d_backward(ex.dy, ex.x, ex.w, ex.b)[0]
    np.testing.assert_array_equal(as_matrix(shown(ex.dx_view, 2), "∂L/∂x", (3, 3)), dx)
    ex.dy_editor.slider(0, 0).value = 3  # and in the explorer itself
    assert [t.value[0, 0] for t in twins] == [3, 3]


def _classes_under(widget):
    found = set(getattr(widget, "_dom_classes", ()))
    for child in getattr(widget, "children", ()):
        found |= _classes_under(child)
    return found


def test_backward_shows_b_sliders_only_where_b_matters():
    """b appears in no gradient: the main section has the bias switch but no b sliders; the
    gradient check, which runs the forward pass, has them."""
    ex = ConvBackwardExplorer()
    main = _classes_under(ex.root)
    assert "cnnviz-bias-mode" in main and "cnnviz-editor-b" not in main
    assert {"cnnviz-editor-x", "cnnviz-editor-w", "cnnviz-editor-dy"} <= main
    check = _classes_under(ex.gradient_check().widget)
    assert {"cnnviz-editor-b", "cnnviz-slider-b", "cnnviz-bias-mode"} <= check
    before = (ex.dx.copy(), ex.dw.copy(), np.copy(ex.db))
    ex.b_editor.slider(0, 0).value = 5  # moving b changes no gradient
    for old, new in zip(before, (ex.dx, ex.dw, ex.db)):
        np.testing.assert_array_equal(old, new)
