"""The max-pooling explorers show what the math computes, step by step, for every tie policy.

No browser: sliders are set from Python, the player is stepped, and the views' HTML is read
back with ``cnnviz.views.shown_tables`` and compared with ``cnnviz.ops`` / ``cnnviz.steps`` /
``cnnviz.pitfalls``. Also: bad settings give a message and keep the student's values, the
views are updated in place, and the overwrite bug of ``cnnviz.pitfalls`` loses exactly the
gradient it should.
"""
import re
import subprocess
import sys

import numpy as np
import pytest

import cnnviz
from cnnviz import examples, ops, pitfalls, steps
from cnnviz.render import pool as pool_views
from cnnviz.explorers.pool import PoolBackwardExplorer, PoolForwardExplorer, PoolWindowsExplorer
from cnnviz.render.conv import cell_name, format_number, shown_tables, subscript

TIES = ["first", "all", "split"]
SEED = examples.seed_pool()

# Inputs for the backward explorer: the seed's, and inputs full of ties.
BACKWARD_INPUTS = {
    "seed": SEED["x"],
    "all equal": np.ones((3, 3)),
    "all zero": np.zeros((3, 3)),
    "x22 wins all four": np.array([[1.0, 3.0, 2.0], [4.0, 8.0, 1.0], [0.0, 5.0, 7.0]]),
    "two-way tie in X'2": np.array([[1.0, 3.0, 8.0], [4.0, 8.0, 1.0], [0.0, 5.0, 9.0]]),
    "random small ints": np.random.default_rng(7).integers(0, 3, size=(3, 3)).astype(float),
}


# ---------------------------------------------------------------------------------------
# Reading views back
# ---------------------------------------------------------------------------------------
def expected_table(values, symbol, row_offset=0, col_offset=0):
    """{data-cell: data-value} that views.matrix_table writes for ``values``."""
    values = np.asarray(values, dtype=float)
    return {
        cell_name(symbol, r + row_offset, c + col_offset): "?" if np.isnan(v) else format_number(v)
        for (r, c), v in np.ndenumerate(values)
    }


def cells_with_class(view_html, css):
    """data-cell names of the cells with css class ``css``, per table, in document order."""
    found = []
    for table in re.findall(r'<table class="cv-m">(.*?)</table>', view_html, flags=re.S):
        found.append({name for classes, name in re.findall(
            r'<td class="([^"]*)" data-cell="([^"]*)"', table) if css in classes.split()})
    return found


def set_matrix(editor, values):
    """Move the sliders one by one, as a student would."""
    for (r, c), v in np.ndenumerate(np.asarray(values)):
        editor.slider(r, c).value = int(v)


def _x(r, c):
    """x₂₂ for 0-based (1, 1), as the notes under window entries print it."""
    return "x" + subscript(cell_name("", int(r), int(c)))


# ---------------------------------------------------------------------------------------
# PoolForwardExplorer
# ---------------------------------------------------------------------------------------
def test_forward_explorer_defaults_to_the_seed_and_has_the_css_classes():
    ex = PoolForwardExplorer()
    assert np.array_equal(ex.x, SEED["x"])
    assert np.array_equal(ex.y, ops.maxpool2d_forward(SEED["x"]))
    assert {"cnnviz-explorer", "cnnviz-pool-forward"} <= set(ex.root._dom_classes)
    assert "cnnviz-view" in ex.input_view._dom_classes
    assert "cnnviz-slider-x22" in ex.x_editor.slider(1, 1)._dom_classes
    assert ex.player.n_steps == 4
    assert ex.summary() == "PoolForwardExplorer: X 3x3, window 2x2, stride 1; Y = [8 8; 8 9]"


@pytest.mark.parametrize("t", range(4))
def test_forward_views_show_window_max_and_y_so_far(t):
    ex = PoolForwardExplorer()
    trace = steps.pool_forward_steps(ex.x)
    ex.player.step = t
    step = trace[t]
    x_table, window_table, y_table = shown_tables(ex.input_view.value)
    assert x_table == expected_table(ex.x, "x")
    assert window_table == expected_table(step.window, "x′")
    for m, r in enumerate(step.rows):
        for n, c in enumerate(step.cols):  # each entry of X'_k says which x it is
            assert _note(ex.input_view.value, 1, cell_name("x′", m, n)) == f"= {_x(r, c)}"
    assert y_table == expected_table(step.Y, "y")
    argmax = cell_name("x", *step.argmax)
    in_window = cell_name("x′", step.argmax[0] - step.rows[0], step.argmax[1] - step.cols[0])
    wins = cells_with_class(ex.input_view.value, "cv-max")
    assert wins[0] == {argmax} and wins[1] == {in_window}  # on X and on the window alone
    outlined = cells_with_class(ex.input_view.value, "cv-win")[0] | {argmax}
    assert outlined == {cell_name("x", r, c) for r in step.rows for c in step.cols}
    assert ">max<" in ex.input_view.value  # a text mark, not colour alone
    assert f"y_{{{step.i + 1}{step.j + 1}}} = \\max(X'_{{{step.k}}})" in ex.formula_view.value
    assert f"= {format_number(step.y)}$$" in ex.formula_view.value


def test_forward_last_step_shows_the_final_y_and_sliders_update_at_once():
    ex = PoolForwardExplorer()
    ex.player.step = 3
    ex.x_editor.slider(1, 1).value = 0  # x22 = 0
    x = SEED["x"].copy()
    x[1, 1] = 0
    assert np.array_equal(ex.x, x)
    assert shown_tables(ex.input_view.value)[2] == expected_table(ops.maxpool2d_forward(x), "y")
    assert "?" not in shown_tables(ex.input_view.value)[2].values()
    assert ex.summary().endswith("Y = [4 3; 5 9]")


def test_forward_updates_in_place_and_displays_deterministically():
    ex = PoolForwardExplorer()
    children, view = list(ex.root.children), ex.input_view
    ex.x_editor.slider(0, 0).value = 9
    ex.player.step = 2
    assert list(ex.root.children) == children and ex.input_view is view
    bundle = ex._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"] == ex.summary()
    other = PoolForwardExplorer()
    other.x_editor.slider(0, 0).value = 9
    other.player.step = 2
    assert other.static_html() == ex.static_html()


def test_forward_ties_are_marked_in_words():
    ex = PoolForwardExplorer(np.ones((3, 3)))
    assert ">tie<" in ex.input_view.value
    assert np.array_equal(ex.y, np.ones((2, 2)))


# ---------------------------------------------------------------------------------------
# PoolWindowsExplorer
# ---------------------------------------------------------------------------------------
def coverage_notes(view_html):
    """The note under each cell of the input table: 'in n' or 'skipped'."""
    table = re.findall(r'<table class="cv-m">(.*?)</table>', view_html, flags=re.S)[0]
    return dict(re.findall(r'data-cell="([^"]*)"[^>]*>.*?<div class="cv-note">([^<]*)</div>',
                           table))


@pytest.mark.parametrize("size, stride", [(2, 1), (2, 2), (2, 3), (3, 2), (1, 1), (6, 1), (4, 4)])
def test_windows_explorer_matches_the_ops_for_every_setting(size, stride):
    ex = PoolWindowsExplorer()
    ex.size_slider.value = size
    ex.stride_slider.value = stride
    assert ex.message.value == ""
    out = ops.output_size((6, 6), size, stride)
    assert ex.out_shape == out and ex.player.n_steps == out[0] * out[1]
    assert np.array_equal(ex.y, ops.maxpool2d_forward(ex.x, size, stride))
    x_table, y_table = shown_tables(ex.windows_view.value)
    assert x_table == expected_table(ex.x, "x")
    assert y_table == expected_table(ops.maxpool2d_forward(ex.x, size, stride), "y")
    # every window is drawn, and every cell says how many windows read it
    assert ex.windows_view.value.count('class="cv-map-window"') == out[0] * out[1]
    notes = coverage_notes(ex.windows_view.value)
    trace = steps.pool_forward_steps(ex.x, size, stride)
    for r in range(6):
        for c in range(6):
            n = sum(1 for s in trace if r in s.rows and c in s.cols)
            assert notes[cell_name("x", r, c)] == (f"in {n}" if n else "skipped")
    formula = ex.formula_view.value
    assert rf"\frac{{6 - {size}}}{{{stride}}} \right\rfloor + 1 = {out[0]}" in formula


@pytest.mark.parametrize("size, stride, word", [(2, 1, "Overlapping"), (2, 2, "Tiling"),
                                                (2, 3, "Skipping")])
def test_windows_explorer_names_the_three_cases(size, stride, word):
    ex = PoolWindowsExplorer(size=size, stride=stride)
    assert f"<b>{word}</b>" in ex.windows_view.value


def test_windows_explorer_skips_the_remainder_when_the_stride_does_not_divide():
    ex = PoolWindowsExplorer(size=3, stride=2)  # windows at rows 1-3, 3-5: row 6 skipped
    notes = coverage_notes(ex.windows_view.value)
    assert notes["x66"] == "skipped" and notes["x33"] == "in 4"
    assert "skipped" in ex.windows_view.value and "remainder" in ex.windows_view.value


def test_windows_explorer_bad_size_shows_a_message_and_keeps_every_value():
    ex = PoolWindowsExplorer(size=2, stride=3)
    ex.player.step = 2
    view, formula, x = ex.windows_view.value, ex.formula_view.value, ex.x
    ex.size_slider.value = 7
    assert "does not fit" in ex.message.value and "at most 6" in ex.message.value
    assert (ex.size_slider.value, ex.stride_slider.value) == (7, 3)
    assert np.array_equal(ex.x, x)
    assert ex.windows_view.value == view and ex.formula_view.value == formula
    assert "does not fit" in ex.summary()
    ex.size_slider.value = 3
    assert ex.message.value == ""
    assert np.array_equal(ex.y, ops.maxpool2d_forward(x, 3, 3))


def test_windows_explorer_new_input_is_random_but_reproducible():
    a, b = PoolWindowsExplorer(), PoolWindowsExplorer()
    assert np.array_equal(a.x, b.x)
    first = a.x
    a.new_input.click()
    b.next_input()
    assert np.array_equal(a.x, b.x) and not np.array_equal(a.x, first)
    assert np.array_equal(a.y, ops.maxpool2d_forward(a.x, 2, 2))
    assert shown_tables(a.windows_view.value)[0] == expected_table(a.x, "x")


def test_windows_explorer_css_classes():
    ex = PoolWindowsExplorer()
    assert {"cnnviz-explorer", "cnnviz-pool-windows"} <= set(ex.root._dom_classes)
    assert "cnnviz-slider-size" in ex.size_slider._dom_classes
    assert "cnnviz-slider-stride" in ex.stride_slider._dom_classes
    assert "cnnviz-new-input" in ex.new_input._dom_classes


# ---------------------------------------------------------------------------------------
# PoolBackwardExplorer
# ---------------------------------------------------------------------------------------
def backward_explorer(x, ties):
    """An explorer set up through its sliders and its ties switch, as a student would."""
    ex = PoolBackwardExplorer()
    set_matrix(ex.x_editor, x)
    ex.ties.value = ties
    return ex


@pytest.mark.parametrize("ties", TIES)
@pytest.mark.parametrize("case", BACKWARD_INPUTS)
def test_backward_views_match_the_trace_at_every_step(case, ties):
    x, dy = BACKWARD_INPUTS[case], SEED["dy"]
    ex = backward_explorer(x, ties)
    trace = steps.pool_backward_steps(dy, x, ties=ties)
    wrong = pitfalls.maxpool2d_backward_overwrite_steps(dy, x, ties=ties)
    for t, step in enumerate(trace):
        ex.player.step = t
        dy_table, x_table, mask_table, local_table = shown_tables(ex.step_view.value)
        assert dy_table == expected_table(dy, "∂L/∂y")
        assert x_table == expected_table(x, "x")
        assert mask_table == expected_table(step.mask, "M")
        assert local_table == expected_table(step.local_grad, "∂L/∂x′")
        m, n = 1, 1  # the window's bottom-right entry sits on x at (rows[1], cols[1])
        assert _note(ex.step_view.value, 2, "M22") == f"at {_x(step.rows[m], step.cols[n])}"
        added, running = shown_tables(ex.dx_view.value)
        assert added == expected_table(step.dx_add, "∂L/∂x")
        assert running == expected_table(step.dX, "∂L/∂x")
        for (r, c), n in np.ndenumerate(step.wins):
            assert f"won {n}" in _note(ex.dx_view.value, 1, cell_name("∂L/∂x", r, c))
        right, bug = shown_tables(ex.overwrite_view.value)
        assert right == expected_table(step.dX, "∂L/∂x")
        assert bug == expected_table(wrong[t], "∂L/∂x")
        assert f'data-total="{format_number(step.dX[1, 1])}"' in ex.meeting_view.value
    # the last step shows the final result
    assert shown_tables(ex.dx_view.value)[1] == expected_table(
        ops.maxpool2d_backward(dy, x, ties=ties), "∂L/∂x")
    assert np.array_equal(ex.dx, ops.maxpool2d_backward(dy, x, ties=ties))


def _note(view_html, table_index, name):
    table = re.findall(r'<table class="cv-m">(.*?)</table>', view_html, flags=re.S)[table_index]
    cell = re.search(rf'data-cell="{re.escape(name)}".*?</td>', table, flags=re.S).group(0)
    return re.search(r'<div class="cv-note">(.*?)</div>', cell, flags=re.S).group(1)


@pytest.mark.parametrize("case", BACKWARD_INPUTS)
def test_ties_view_compares_the_sums_for_each_policy(case):
    x, dy = BACKWARD_INPUTS[case], SEED["dy"]
    ex = backward_explorer(x, "first")
    tables = shown_tables(ex.ties_view_html.value)
    assert len(tables) == 3
    for policy, table in zip(TIES, tables):
        dx = ops.maxpool2d_backward(dy, x, ties=policy)
        assert table == expected_table(dx, "∂L/∂x")
        assert f"Σ∂L/∂X = <b>{format_number(dx.sum())}</b>" in ex.ties_view_html.value
    assert f"Σ∂L/∂Y = <b>{format_number(dy.sum())}</b>" in ex.ties_view_html.value
    assert 'ties = "first" ◀ in use' in ex.ties_view_html.value
    ex.ties.value = "split"
    assert 'ties = "split" ◀ in use' in ex.ties_view_html.value
    assert 'ties = "first" ◀ in use' not in ex.ties_view_html.value


def test_ties_switch_changes_masks_and_summary_on_an_input_full_of_ties():
    ex = backward_explorer(np.zeros((3, 3)), "first")
    dy = SEED["dy"]
    sums = {}
    for policy in TIES:
        ex.ties.value = policy
        ex.player.step = 0
        mask = shown_tables(ex.step_view.value)[2]
        assert mask == expected_table(ops.maxpool2d_masks(np.zeros((3, 3)), ties=policy)[0, 0], "M")
        sums[policy] = ex.tie_comparison.sum_dx[policy]
        assert f"(ties: {policy})" in ex.summary()
    assert sums == {"first": dy.sum(), "all": 4 * dy.sum(), "split": dy.sum()}
    assert "✘ over-counts" in ex.ties_view_html.value


def test_seed_x22_meeting_point_lists_the_windows_it_won():
    ex = PoolBackwardExplorer()
    ex.player.step = 3
    meeting = ex.meeting_view.value
    assert "receives gradient from X′₁, X′₂, X′₃" in meeting
    assert "max at x₃₃" in meeting  # X'4 covers x22 but sends its gradient to x33
    assert "1 + 2 + (-1) + 0 = <b" in meeting
    ex.player.step = 1
    assert "not added yet" in ex.meeting_view.value
    assert 'data-total="3"' in ex.meeting_view.value  # 1 + 2 after X'1, X'2
    ex.cell_picker.value = (0, 0)  # x11: in X'1 only
    assert ex.meeting_view.value.count("<tr>") == 1
    assert "no window has picked it yet" in ex.meeting_view.value


def test_seed_running_dx_notes_the_windows_each_cell_won():
    ex = PoolBackwardExplorer()
    ex.player.step = 3
    assert _note(ex.dx_view.value, 1, "∂L/∂x22") == "won 3<br>X′₁ X′₂ X′₃"
    assert _note(ex.dx_view.value, 1, "∂L/∂x33") == "won 1<br>X′₄"
    assert _note(ex.dx_view.value, 1, "∂L/∂x11") == "won 0"
    assert ex.summary() == ("PoolBackwardExplorer (ties: first): dL/dX = [0 0 0; 0 2 0; 0 0 3], "
                            "windows won = [0 0 0; 0 3 0; 0 0 1], sum dL/dX = 5, sum dL/dY = 5")


def test_dy_sliders_update_everything_at_once():
    ex = PoolBackwardExplorer()
    ex.player.step = 3
    ex.dy_editor.slider(1, 1).value = -2  # dL/dy22
    dy = SEED["dy"].copy()
    dy[1, 1] = -2
    assert np.array_equal(ex.dy, dy)
    expected = ops.maxpool2d_backward(dy, SEED["x"])
    assert shown_tables(ex.dx_view.value)[1] == expected_table(expected, "∂L/∂x")
    assert shown_tables(ex.step_view.value)[0] == expected_table(dy, "∂L/∂y")


def test_overwrite_view_marks_the_lost_gradient_in_the_seed():
    ex = PoolBackwardExplorer()
    ex.player.step = 3
    html = ex.overwrite_view.value
    assert cells_with_class(html, "cv-cur")[1] == {"∂L/∂x22"}
    assert "should be 2" in html and "✘" in html
    assert "<b>2</b> of gradient lost" in html


def test_overwrite_view_says_when_the_bug_happens_to_be_right():
    ex = PoolBackwardExplorer(x=np.ones((3, 3)))  # "first": each window's top-left cell
    assert "happens to give the right answer" in ex.overwrite_view.value
    assert not any(cells_with_class(ex.overwrite_view.value, "cv-cur"))
    ex.x_editor.slider(1, 1).value = 5  # x22 wins all four: only the last one's survives
    ex.player.step = 3
    assert "<b>2</b> of gradient lost" in ex.overwrite_view.value  # 1 + 2 - 1 + 3 = 5 vs 3


def test_backward_sections_share_the_explorers_state_and_classes():
    ex = PoolBackwardExplorer()
    assert {"cnnviz-explorer", "cnnviz-pool-backward"} <= set(ex.root._dom_classes)
    assert "cnnviz-ties" in ex.ties._dom_classes
    assert "cnnviz-cell-picker" in ex.cell_picker._dom_classes
    for section in (ex.steps_view(), ex.meeting(), ex.ties_view(), ex.overwrite_bug()):
        bundle = section._repr_mimebundle_()
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        assert data["text/plain"].endswith(ex.summary())
        assert "cnnviz-pool-backward" in section.widget._dom_classes
        assert data["text/html"]
    ex.x_editor.slider(2, 2).value = 0  # x33 = 0: x22 wins all four
    ex.player.step = 3
    assert ex.dx[1, 1] == SEED["dy"].sum()
    assert "X′₁ X′₂ X′₃ X′₄" in ex.dx_view.value


def test_each_section_has_its_own_player_on_the_same_step():
    """A Play widget displayed twice stalls in the browser: sections get their own players."""
    ex = PoolBackwardExplorer()
    sections = [ex.meeting(), ex.overwrite_bug(), ex.ties_view(), ex.steps_view()]
    players = [w for s in sections for w in s.widget.children if w in ex.players]
    assert len(players) == 4 and len({id(p) for p in players + [ex.player]}) == 5
    assert len({id(p.play) for p in ex.players}) == len(ex.players)
    players[0].step = 3  # play in the meeting section
    assert [p.step for p in ex.players] == [3] * 5
    assert 'data-total="2"' in ex.meeting_view.value
    assert shown_tables(ex.dx_view.value)[1] == expected_table(
        ops.maxpool2d_backward(SEED["dy"], SEED["x"]), "∂L/∂x")
    ex.player.step = 0  # and back, from the explorer's own player
    assert [p.step for p in ex.players] == [0] * 5
    assert 'data-total="1"' in ex.meeting_view.value


def test_backward_sections_have_their_own_sliders_kept_in_step():
    """Sections after the first get twin editors; moving a slider anywhere moves them all."""
    ex = PoolBackwardExplorer()
    meeting, overwrite = ex.meeting(), ex.overwrite_bug()
    twins = ex._twins["dy"]
    assert len(twins) == len(ex._twins["x"]) == 2
    assert all(t is not ex.dy_editor and t.slider(0, 0) is not ex.dy_editor.slider(0, 0)
               for t in twins)
    assert ex._twins["x"][0] in meeting.widget.children[0].children
    ex._twins["x"][1].slider(2, 2).value = 0  # in the overwrite section: x22 now wins all four
    assert ex.x[2, 2] == 0 and ex._twins["x"][0].value[2, 2] == 0
    ex.player.step = 3
    assert shown_tables(ex.dx_view.value)[1] == expected_table(
        ops.maxpool2d_backward(SEED["dy"], ex.x), "∂L/∂x")
    twins[0].slider(0, 0).value = -5  # ∂L/∂y11 in the meeting section
    assert ex.dy[0, 0] == -5 and twins[1].value[0, 0] == -5
    assert shown_tables(ex.dx_view.value)[1] == expected_table(
        ops.maxpool2d_backward(ex.dy, ex.x), "∂L/∂x")
    ex.dy_editor.slider(1, 1).value = 4  # and in the explorer's own section
    assert [t.value[1, 1] for t in twins] == [4, 4]


def test_backward_views_update_in_place():
    ex = PoolBackwardExplorer()
    views_before = [ex.step_view, ex.dx_view, ex.meeting_view, ex.overwrite_view, ex.ties_view_html]
    children = list(ex.root.children)
    ex.x_editor.slider(0, 0).value = 9
    ex.ties.value = "split"
    ex.player.step = 2
    assert list(ex.root.children) == children
    assert [ex.step_view, ex.dx_view, ex.meeting_view, ex.overwrite_view,
            ex.ties_view_html] == views_before


def test_bad_arguments_give_a_message_not_a_traceback():
    ex = PoolForwardExplorer(size=5)
    assert "larger than" in ex.message.value and ex.y is None
    assert "see the message" in ex.summary()
    back = PoolBackwardExplorer(dy=np.ones((3, 3)))
    assert "shape" in back.message.value and back.dx is None
    assert "see the message" in back.summary()
    back.dy_editor.value = np.ones((3, 3))  # still the wrong shape: still a message
    assert back.message.value


def test_lazy_names_reach_the_explorers():
    assert cnnviz.PoolForwardExplorer is PoolForwardExplorer
    assert cnnviz.PoolWindowsExplorer is PoolWindowsExplorer
    assert cnnviz.PoolBackwardExplorer is PoolBackwardExplorer


# ---------------------------------------------------------------------------------------
# The views alone, without widgets
# ---------------------------------------------------------------------------------------
def test_views_are_plain_functions_of_a_trace():
    x, dy = SEED["x"], SEED["dy"]
    trace = steps.pool_backward_steps(dy, x)
    html = pool_views.pool_dx_panels(trace, 3, x.shape)
    assert shown_tables(html)[1] == expected_table(ops.maxpool2d_backward(dy, x), "∂L/∂x")
    ties = pool_views.ties_panels(pitfalls.compare_ties(dy, x), "first")
    assert "No window holds its maximum twice" in ties


def test_math_and_view_modules_do_not_import_widgets():
    for module in ("cnnviz.derivation.pitfalls", "cnnviz.render.pool"):
        code = (f"import {module}, sys; "
                "assert 'ipywidgets' not in sys.modules and 'matplotlib' not in sys.modules")
        subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------------------
# cnnviz.pitfalls: the overwrite bug and the tie comparison
# ---------------------------------------------------------------------------------------
def test_overwrite_keeps_only_the_last_windows_gradient_at_x22():
    """x22 wins all four windows: += gives the sum of dL/dY, = only dL/dy22."""
    x = BACKWARD_INPUTS["x22 wins all four"]
    dy = np.array([[1.0, 2.0], [-1.0, 3.0]])
    right = ops.maxpool2d_backward(dy, x)
    wrong = pitfalls.maxpool2d_backward_overwrite(dy, x)
    assert right[1, 1] == 5.0
    assert wrong[1, 1] == 3.0  # only X'4's, the last window covering x22
    assert wrong.sum() == 3.0


def test_overwrite_in_the_seed_loses_all_of_x22():
    """x22 wins X'1..X'3, but X'4 (max at x33) covers it last and writes 0 over it."""
    c = pitfalls.compare_overwrite(SEED["dy"], SEED["x"])
    assert c.correct[1, 1] == 2.0 and c.overwritten[1, 1] == 0.0
    assert np.array_equal(c.lost, c.correct - c.overwritten)
    assert (c.sum_dy, c.sum_correct, c.sum_overwritten, c.sum_lost) == (5.0, 5.0, 3.0, 2.0)


def test_overwrite_running_steps_write_then_overwrite():
    running = pitfalls.maxpool2d_backward_overwrite_steps(SEED["dy"], SEED["x"])
    assert [d[1, 1] for d in running] == [1.0, 2.0, -1.0, 0.0]
    assert all(not d.flags.writeable for d in running)
    assert np.array_equal(running[-1], pitfalls.maxpool2d_backward_overwrite(SEED["dy"], SEED["x"]))


@pytest.mark.parametrize("ties", TIES)
@pytest.mark.parametrize("seed", range(5))
def test_overwrite_is_harmless_without_overlap_and_loses_with_overlap(seed, ties):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, size=(6, 6)).astype(float)
    dy_tiles = rng.normal(size=ops.output_size(x.shape, 2, 2))
    assert np.allclose(pitfalls.maxpool2d_backward_overwrite(dy_tiles, x, 2, 2, ties),
                       ops.maxpool2d_backward(dy_tiles, x, 2, 2, ties))
    dy_skip = rng.normal(size=ops.output_size(x.shape, 2, 3))
    assert np.allclose(pitfalls.maxpool2d_backward_overwrite(dy_skip, x, 2, 3, ties),
                       ops.maxpool2d_backward(dy_skip, x, 2, 3, ties))
    # overlapping: every cell holds what the last window covering it wrote
    dy = rng.normal(size=ops.output_size(x.shape, 2, 1))
    wrong = pitfalls.maxpool2d_backward_overwrite(dy, x, 2, 1, ties)
    masks = ops.maxpool2d_masks(x, 2, 1, ties)
    for r in range(6):
        for c in range(6):
            i, j = min(r, 4), min(c, 4)  # the last window (row-major) covering (r, c)
            assert wrong[r, c] == pytest.approx(dy[i, j] * masks[i, j][r - i, c - j])


def test_overwrite_with_a_constant_input():
    """Every window of a constant input is all ties. "first" picks each window's top-left
    cell, which no later window writes over: nothing lost. "split" sends 1/4 to each cell and
    the last window covering it overwrites the rest: 16 cells keep 1/4 of 9 windows' worth."""
    x, dy = np.ones((4, 4)), np.ones((3, 3))
    first = pitfalls.compare_overwrite(dy, x, ties="first")
    assert first.sum_overwritten == first.sum_correct == 9.0
    split = pitfalls.compare_overwrite(dy, x, ties="split")
    assert split.sum_correct == 9.0 and split.sum_overwritten == 4.0 and split.sum_lost == 5.0
    assert np.array_equal(split.overwritten, np.full((4, 4), 0.25))


@pytest.mark.parametrize("case", BACKWARD_INPUTS)
def test_compare_ties_sums(case):
    x, dy = BACKWARD_INPUTS[case], SEED["dy"]
    c = pitfalls.compare_ties(dy, x)
    assert c.policies == ("first", "all", "split")
    assert c.sum_dy == dy.sum()
    assert c.sum_dx["first"] == pytest.approx(dy.sum())
    assert c.sum_dx["split"] == pytest.approx(dy.sum())
    counts = ops.maxpool2d_masks(x, ties="all").sum(axis=(-2, -1))
    assert c.sum_dx["all"] == pytest.approx((dy * counts).sum())
    assert len(c.tied_windows) == int((counts > 1).sum())
    for policy in TIES:
        assert np.array_equal(c.dx[policy], ops.maxpool2d_backward(dy, x, ties=policy))


def test_compare_ties_names_the_tied_cells():
    c = pitfalls.compare_ties(SEED["dy"], BACKWARD_INPUTS["two-way tie in X'2"])
    assert c.tied_windows == ((2, ((0, 2), (1, 1))),)
    assert pitfalls.compare_ties(SEED["dy"], SEED["x"]).tied_windows == ()


def test_pitfalls_check_their_arguments():
    with pytest.raises(ValueError, match="shape"):
        pitfalls.maxpool2d_backward_overwrite(np.ones((3, 3)), SEED["x"])
    with pytest.raises(ValueError, match="ties"):
        pitfalls.maxpool2d_backward_overwrite(SEED["dy"], SEED["x"], ties="last")
    with pytest.raises(ValueError, match="2-D"):
        pitfalls.compare_ties(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)))
