"""The pooling explorers show what the math computes, window by window, for every tie policy
and in both modes (max and average pooling).

No browser: sliders are set from Python and each stage's frames (one HTML view per step of the
``cnnviz.steps`` trace) are read back with ``cnnviz.render.conv.shown_tables`` and compared with
``cnnviz.ops`` / ``cnnviz.steps`` / ``cnnviz.pitfalls``. Also: one slider move gives each stage
its frames in one message, bad settings show their message above the last good frames and
keep the student's values, and the overwrite bug of ``cnnviz.pitfalls`` loses exactly the
gradient it should.
"""
import json
import re
import subprocess
import sys

import numpy as np
import pytest
import traitlets

import cnnviz
from cnnviz import examples, i18n, ops, pitfalls, steps
from cnnviz.derivation import formulas
from cnnviz.explorers.stage import unpack_frames
from cnnviz.explorers.pool import PoolBackwardExplorer, PoolForwardExplorer, PoolWindowsExplorer
from cnnviz.render import pool as pool_views
from cnnviz.render.conv import cell_name, format_number, shown_tables, subscript
from cnnviz.render.math import display_math
from zh_words import english_in, explorer_texts


@pytest.fixture(autouse=True)
def english():
    """English here wherever pytest runs; the Chinese explorers below say lang="zh"."""
    with i18n.using("en"):
        yield

TIES = ["first", "all", "split"]
SEED = examples.worked_pool()
# The input of the reported bug: a non-integer entry, so X's sliders are float sliders.
X_HALF = np.array([[.5, 3, 2], [4, 8, 1], [0, 5, 9]])

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
# Reading frames back
# ---------------------------------------------------------------------------------------
def expected_table(values, symbol):
    """{cell name: number shown} that matrix_table writes for ``values`` ('?' = not computed)."""
    values = np.asarray(values, dtype=float)
    return {cell_name(symbol, r, c): "?" if np.isnan(v) else format_number(v)
            for (r, c), v in np.ndenumerate(values)}


def part(frame, css_class):
    """The HTML of one part of a frame (``<div class="css_class">``), up to the next part."""
    start = frame.index(f'<div class="{css_class}">')
    following = [m.start() for m in re.finditer(r'<div class="cnnviz-pool-[a-z-]+">', frame)
                 if m.start() > start]
    return frame[start:following[0] if following else len(frame)]


def cells_with_class(view_html, css):
    """data-cell names of the cells with css class ``css``, per table, in document order."""
    found = []
    for table in re.findall(r'<table class="cv-m">(.*?)</table>', view_html, flags=re.S):
        found.append({name for classes, name in re.findall(
            r'<td class="([^"]*)" data-cell="([^"]*)"', table) if css in classes.split()})
    return found


def note(view_html, table_index, name):
    table = re.findall(r'<table class="cv-m">(.*?)</table>', view_html, flags=re.S)[table_index]
    cell = re.search(rf'data-cell="{re.escape(name)}".*?</td>', table, flags=re.S).group(0)
    return re.search(r'<div class="cv-note">(.*?)</div>', cell, flags=re.S).group(1)


def set_matrix(editor, values):
    """Move the sliders one by one, as a student would."""
    for (r, c), v in np.ndenumerate(np.asarray(values)):
        editor.slider(r, c).value = int(v)


def count_shows(explorer):
    """{stage: number of show() calls}, counted from now on."""
    counts = {stage: 0 for stage in explorer.stages}
    for stage in explorer.stages:
        def counted(*args, _stage=stage, _show=stage.show, **kwargs):
            counts[_stage] += 1
            return _show(*args, **kwargs)
        stage.show = counted
    return counts


def static_frames(section_html):
    """The frames of every stage in a static copy, read from its JSON."""
    found = re.findall(r'<script type="application/json" data-cnnviz-stage-data="[^"]*">(.*?)'
                       r"</script>", section_html, flags=re.S)
    return [unpack_frames(json.loads(data.replace("<\\/", "</"))["frames"]) for data in found]


def _x(r, c):
    """x₂₂ for 0-based (1, 1), as the notes under window entries print it."""
    return "x" + subscript(cell_name("", int(r), int(c)))


def mimebundle(obj):
    bundle = obj._repr_mimebundle_()
    return bundle[0] if isinstance(bundle, tuple) else bundle


# ---------------------------------------------------------------------------------------
# PoolForwardExplorer
# ---------------------------------------------------------------------------------------
def test_forward_explorer_defaults_to_the_seed_and_has_the_css_classes():
    ex = PoolForwardExplorer()
    assert np.array_equal(ex.x, SEED["x"])
    assert np.array_equal(ex.y, ops.maxpool2d_forward(SEED["x"]))
    assert {"cnnviz-explorer", "cnnviz-pool-forward"} <= set(ex.root.widget._dom_classes)
    assert "cnnviz-slider-x22" in ex.x_editor.slider(1, 1)._dom_classes
    assert ex.stage.n_steps == 4 and ex.error == "" and ex.stage.error == ""
    assert ex.stage.captions[3] == "window 4 of 4: X′₄ → y₂₂"
    assert ex.summary() == "PoolForwardExplorer: X 3x3, window 2x2, stride 1; Y = [8 8; 8 9]"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("t", range(4))
def test_forward_frames_show_window_max_and_y_so_far(t, lang):
    ex = PoolForwardExplorer(lang=lang)
    trace = steps.pool_forward_steps(ex.x)
    ex.stage.step = t
    step, frame = trace[t], ex.stage.frame
    assert frame == ex.stage.frames[t]
    assert "<style>" not in frame  # the stage carries the stylesheet once
    x_table, window_table, y_table = shown_tables(frame)
    assert x_table == expected_table(ex.x, "x")
    assert window_table == expected_table(step.window, "x′")
    for m, r in enumerate(step.rows):
        for n, c in enumerate(step.cols):  # each entry of X'_k says which x it is
            assert note(frame, 1, cell_name("x′", m, n)) == f"= {_x(r, c)}"
    assert y_table == expected_table(step.Y, "y")
    # outputs not computed yet are '?', all others are the ops' numbers
    y = ops.maxpool2d_forward(ex.x)
    for (i, j), v in np.ndenumerate(y):
        assert y_table[cell_name("y", i, j)] == (format_number(v) if i * 2 + j <= t else "?")
    argmax = cell_name("x", *step.argmax)
    in_window = cell_name("x′", step.argmax[0] - step.rows[0], step.argmax[1] - step.cols[0])
    wins = cells_with_class(frame, "cv-max")
    assert wins[0] == {argmax} and wins[1] == {in_window}  # on X and on the window alone
    outlined = cells_with_class(frame, "cv-win")[0] | {argmax}
    assert outlined == {cell_name("x", r, c) for r in step.rows for c in step.cols}
    assert {"en": ">max<", "zh": ">最大<"}[lang] in frame  # a text mark, not colour alone
    values = dict(x=ex.x)
    formula = display_math(formulas.pool_window_formula(step.i, step.j, (3, 3), 2, 1, values=values),
                           formulas.pool_output_formula(step.i, step.j, (3, 3), 2, 1, values=values))
    assert formula in part(frame, "cnnviz-pool-formula")
    assert "<math" in formula and "$$" not in frame
    assert formulas.pool_output_formula(step.i, step.j, (3, 3), values=values).endswith(
        f"= {formulas.format_number(step.y)}")


def test_forward_slider_move_shows_new_frames_once_and_keeps_the_step():
    ex = PoolForwardExplorer()
    ex.stage.step = 3
    shows = count_shows(ex)
    ex.x_editor.slider(1, 1).value = 0  # x22 = 0
    assert shows == {ex.stage: 1}
    x = SEED["x"].copy()
    x[1, 1] = 0
    assert np.array_equal(ex.x, x) and ex.stage.step == 3
    assert shown_tables(ex.stage.frame)[2] == expected_table(ops.maxpool2d_forward(x), "y")
    assert "?" not in shown_tables(ex.stage.frame)[2].values()
    assert ex.summary().endswith("Y = [4 3; 5 9]")


def test_forward_x_setter_checks_every_entry_before_moving_a_slider():
    ex = PoolForwardExplorer(X_HALF)
    frames = list(ex.stage.frames)
    bad = X_HALF.copy()
    bad[0, 0], bad[2, 1] = 7, np.nan
    with pytest.raises(ValueError, match="x32"):
        ex.x = bad
    assert np.array_equal(ex.x, X_HALF) and ex.stage.frames == frames  # x11 not moved to 7
    ex.x = bad[[0, 1, 0]]  # rows 1, 2, 1: finite
    assert np.array_equal(ex.y, ops.maxpool2d_forward(bad[[0, 1, 0]]))


def test_forward_static_copy_holds_the_frames_as_json():
    ex = PoolForwardExplorer()
    ex.x_editor.slider(0, 0).value = 9
    data = mimebundle(ex)
    assert data["text/plain"] == f"max pooling forward — {ex.summary()}"
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.root.widget.model_id
    copy = ex.static_html()
    assert static_frames(copy) == [ex.stage.frames]
    assert 'type="range" disabled value="9"' in copy  # x11 = 9, inert


def test_forward_ties_are_marked_in_words():
    ex = PoolForwardExplorer(np.ones((3, 3)))
    assert all(">tie<" in frame for frame in ex.stage.frames)
    assert np.array_equal(ex.y, np.ones((2, 2)))


def test_forward_nan_from_a_slider_is_refused_and_keeps_the_frames():
    """A float slider refuses NaN set from code: its number, the frames and Y stay."""
    ex = PoolForwardExplorer(X_HALF)
    frames = list(ex.stage.frames)
    with pytest.raises(traitlets.TraitError, match="x₂₂ must be a finite number, got nan"):
        ex.x_editor.slider(1, 1).value = float("nan")
    assert ex.error == "" and ex.stage.error == "" and ex.stage.frames == frames
    assert np.array_equal(ex.x, X_HALF) and "?" not in ex.summary()
    ex.x_editor.slider(1, 1).value = 2
    assert ex.error == "" and ex.stage.error == ""
    assert np.array_equal(ex.y, ops.maxpool2d_forward(ex.x))


# ---------------------------------------------------------------------------------------
# PoolWindowsExplorer
# ---------------------------------------------------------------------------------------
def coverage_notes(view_html):
    """The note under each cell of the input table: 'in n' or 'skipped'."""
    table = re.findall(r'<table class="cv-m">(.*?)</table>', view_html, flags=re.S)[0]
    return dict(re.findall(r'data-cell="([^"]*)"[^>]*>.*?<div class="cv-note">([^<]*)</div>',
                           table))


def frames_bytes(explorer):
    """What one change sends: UTF-8 bytes of json.dumps(frames + captions), every stage."""
    return sum(len(json.dumps(stage.frames + stage.captions).encode("utf-8"))
               for stage in explorer.stages)


def skipped_cells(trace, shape):
    return {cell_name("x", r, c) for r in range(shape[0]) for c in range(shape[1])
            if not any(r in s.rows and c in s.cols for s in trace)}


@pytest.mark.parametrize("size, stride", [(2, 1), (2, 2), (2, 3), (3, 2), (1, 1), (6, 1), (4, 4)])
def test_windows_explorer_matches_the_ops_for_every_setting(size, stride):
    ex = PoolWindowsExplorer()
    shows = count_shows(ex)
    ex.size_slider.value = size
    ex.stride_slider.value = stride
    assert ex.error == ""
    assert all(n == (size != 2) + (stride != 2) for n in shows.values())  # one per real move
    out = ops.output_size((6, 6), size, stride)
    assert ex.out_shape == out and ex.stage.n_steps == out[0] * out[1]
    y = ops.maxpool2d_forward(ex.x, size, stride)
    assert np.array_equal(ex.y, y)
    trace = steps.pool_forward_steps(ex.x, size, stride)
    skipped = skipped_cells(trace, (6, 6))
    for t, frame in enumerate(ex.stage.frames):
        step = trace[t]
        y_shown, x_table = shown_tables(frame)
        assert x_table == expected_table(ex.x, "x")
        assert y_shown == {cell_name("y", step.i, step.j): format_number(y[step.i, step.j])}
        window = {cell_name("x", r, c) for r in step.rows for c in step.cols}
        (maximum,), (outlined,) = cells_with_class(frame, "cv-max"), cells_with_class(frame, "cv-win")
        assert maximum == {cell_name("x", *step.argmax)} and maximum | outlined == window
        assert x_table[cell_name("x", *step.argmax)] == format_number(y[step.i, step.j])
        assert ">max<" in frame  # a text mark, not colour alone
        assert cells_with_class(frame, "cv-pad") == [skipped]
        # compact: numbers only, no labels, notes or map
        assert 'class="cnnviz-view cv-compact"' in frame
        assert "cv-lab" not in frame and "cv-note" not in frame and "<svg" not in frame
    coverage = ex.coverage_stage.frames
    assert len(coverage) == 1 and ex.coverage_stage.captions == [""]
    x_table, y_table = shown_tables(coverage[0])
    assert x_table == expected_table(ex.x, "x") and y_table == expected_table(y, "y")
    notes = coverage_notes(coverage[0])
    for r in range(6):
        for c in range(6):
            n = sum(1 for s in trace if r in s.rows and c in s.cols)
            assert notes[cell_name("x", r, c)] == (f"in {n}" if n else "skipped")
    assert cells_with_class(coverage[0], "cv-pad")[0] == skipped
    assert coverage[0].count('class="cv-map-window"') == out[0] * out[1]  # every window drawn
    assert "<style" not in coverage[0]
    assert ex.formula_stage.frames == [display_math(*pool_views.output_size_latex(
        (6, 6), (size, size), (stride, stride), out))]


def test_windows_explorer_frames_stay_small_for_every_slider_setting():
    """Every setting the sliders reach (the busiest: a 1x1 window at stride 1, 36 windows)
    sends at most 100 kB: compact frames, and the coverage in one picture per setting."""
    ex = PoolWindowsExplorer()
    sizes = range(ex.size_slider.min, ex.size_slider.max + 1)
    strides = range(ex.stride_slider.min, ex.stride_slider.max + 1)
    sent, worked = {}, 0
    for size in sizes:
        for stride in strides:
            ex.size_slider.value, ex.stride_slider.value = size, stride
            if size > 6:
                assert "does not fit" in ex.error
                continue
            assert ex.error == ""
            worked += 1
            sent[size, stride] = frames_bytes(ex)
            assert len(json.dumps(ex.stage.frames + ex.stage.captions).encode()) <= 100_000
    assert worked == 6 * len(strides)
    assert max(sent.values()) <= 100_000, max(sent.items(), key=lambda item: item[1])
    assert sent[1, 1] == max(sent.values())  # the most windows
    for _ in range(3):  # other inputs of the fixed-seed sequence
        ex.next_input()
        ex.size_slider.value, ex.stride_slider.value = 1, 1
        assert frames_bytes(ex) <= 100_000


@pytest.mark.parametrize("size, stride, word", [(2, 1, "Overlapping"), (2, 2, "Tiling"),
                                                (2, 3, "Skipping")])
def test_windows_explorer_names_the_three_cases(size, stride, word):
    ex = PoolWindowsExplorer(size=size, stride=stride)
    assert f"<b>{word}</b>" in ex.coverage_stage.frame


def test_windows_explorer_skips_the_remainder_when_the_stride_does_not_divide():
    ex = PoolWindowsExplorer(size=3, stride=2)  # windows at rows 1-3, 3-5: row 6 skipped
    notes = coverage_notes(ex.coverage_stage.frame)
    assert notes["x66"] == "skipped" and notes["x33"] == "in 4"
    assert "remainder" in ex.coverage_stage.frame
    assert "x66" in cells_with_class(ex.stage.frames[0], "cv-pad")[0]
    assert "dotted = in no window" in ex.stage.frames[0]


def test_windows_explorer_marks_ties_in_words():
    ex = PoolWindowsExplorer(x=np.ones((6, 6)), size=2, stride=2)
    for t, frame in enumerate(ex.stage.frames):
        assert frame.count(">max<") == 1 and frame.count(">tie<") == 3
        assert "tie = equal to it" in frame
    assert np.array_equal(ex.y, np.ones((3, 3)))


def test_windows_explorer_bad_size_shows_a_message_and_keeps_every_value():
    ex = PoolWindowsExplorer(size=2, stride=3)
    ex.stage.step = 2
    frames = {stage: list(stage.frames) for stage in ex.stages}
    x = ex.x
    ex.size_slider.value = 7
    assert "does not fit" in ex.error and "at most 6" in ex.error
    assert all(stage.error == ex.error for stage in ex.stages)
    assert (ex.size_slider.value, ex.stride_slider.value) == (7, 3)
    assert np.array_equal(ex.x, x)
    assert {stage: stage.frames for stage in ex.stages} == frames
    assert ex.stage.step == 2
    assert "does not fit" in ex.summary()
    ex.size_slider.value = 3
    assert ex.error == "" and all(stage.error == "" for stage in ex.stages)
    assert np.array_equal(ex.y, ops.maxpool2d_forward(x, 3, 3))


def test_windows_explorer_nan_input_shows_the_real_message():
    ex = PoolWindowsExplorer(size=3, stride=3)
    x = ex.x
    x[4, 1] = np.nan
    ex.x = x
    assert "x52 = NaN" in ex.error and "does not fit" not in ex.error
    assert ex.stage.error == ex.error and ex.size_slider.value == 3


def test_windows_explorer_empty_input_says_so():
    ex = PoolWindowsExplorer()
    ex.x = np.ones((0, 0))
    assert "empty" in ex.error and "at most 0" not in ex.error
    assert ex.stage.error == ex.error and ex.stage.n_steps == 9  # the last good frames
    ex.x = np.arange(16.0).reshape(4, 4)
    assert ex.error == "" and np.array_equal(ex.y, ops.maxpool2d_forward(ex.x, 2, 2))
    assert shown_tables(ex.coverage_stage.frame)[0] == expected_table(ex.x, "x")


def test_windows_explorer_with_a_one_d_input_still_displays_its_message():
    ex = PoolWindowsExplorer()
    ex.x = np.ones(6)
    assert "shape (6,)" in ex.error and ex.stage.error == ex.error
    data = mimebundle(ex)
    assert ex.error in data["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in data
    copy = ex.static_html()
    states = re.findall(r'data-cnnviz-stage-data="[^"]*">(.*?)</script>', copy, flags=re.S)
    assert [json.loads(state)["error"] for state in states] == [ex.error] * 3
    assert static_frames(copy) == [ex.stage.frames, ex.coverage_stage.frames,
                                   ex.formula_stage.frames]
    ex.next_input()  # a fresh 6x6 input: works again
    assert ex.error == "" and ex.x.shape == (6, 6)


def test_windows_explorer_new_input_is_random_but_reproducible():
    a, b = PoolWindowsExplorer(), PoolWindowsExplorer()
    assert np.array_equal(a.x, b.x)
    first = a.x
    shows = count_shows(a)
    a.new_input.click()
    assert shows == {a.stage: 1, a.coverage_stage: 1, a.formula_stage: 1}
    b.next_input()
    assert np.array_equal(a.x, b.x) and not np.array_equal(a.x, first)
    assert np.array_equal(a.y, ops.maxpool2d_forward(a.x, 2, 2))
    assert shown_tables(a.stage.frame)[1] == expected_table(a.x, "x")
    assert shown_tables(a.coverage_stage.frame) == [expected_table(a.x, "x"),
                                                    expected_table(a.y, "y")]


def test_windows_explorer_css_classes():
    ex = PoolWindowsExplorer()
    assert {"cnnviz-explorer", "cnnviz-pool-windows"} <= set(ex.root.widget._dom_classes)
    assert "cnnviz-slider-size" in ex.size_slider._dom_classes
    assert "cnnviz-slider-stride" in ex.stride_slider._dom_classes
    assert "cnnviz-new-input" in ex.new_input._dom_classes
    assert '<div class="cnnviz-pool-windows-view">' in ex.stage.frame
    assert '<div class="cnnviz-pool-windows-coverage">' in ex.coverage_stage.frame
    assert "cnnviz-pool-windows-coverage-stage" in ex.coverage_stage._dom_classes
    assert ex.root.stages == [ex.stage, ex.coverage_stage, ex.formula_stage]


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
def test_backward_frames_match_the_trace_at_every_step(case, ties):
    x, dy = BACKWARD_INPUTS[case], SEED["dy"]
    ex = backward_explorer(x, ties)
    overwrite = ex.overwrite_bug()
    trace = steps.pool_backward_steps(dy, x, ties=ties)
    wrong = pitfalls.maxpool2d_backward_overwrite_steps(dy, x, ties=ties)
    assert ex.stage.n_steps == overwrite.stages[0].n_steps == len(trace)
    for t, step in enumerate(trace):
        frame = ex.stage.frames[t]
        dy_table, x_table, mask_table, local_table = shown_tables(part(frame, "cnnviz-pool-step"))
        assert dy_table == expected_table(dy, "∂L/∂y")
        assert x_table == expected_table(x, "x")
        assert mask_table == expected_table(step.mask, "M")
        assert local_table == expected_table(step.local_grad, "∂L/∂x′")
        # the window's bottom-right entry sits on x at (rows[1], cols[1])
        assert note(part(frame, "cnnviz-pool-step"), 2, "M22") == \
            f"at {_x(step.rows[1], step.cols[1])}"
        added, running = shown_tables(part(frame, "cnnviz-pool-dx"))
        assert added == expected_table(step.dx_add, "∂L/∂x")
        assert running == expected_table(step.dX, "∂L/∂x")
        for (r, c), n in np.ndenumerate(step.wins):
            assert f"won {n}" in note(part(frame, "cnnviz-pool-dx"), 1, cell_name("∂L/∂x", r, c))
        assert display_math(formulas.pool_local_grad_formula(
            step.i, step.j, (3, 3), 2, 1, ties, values=dict(x=x, dy=dy))) in frame
        assert f'data-total="{format_number(step.dX[1, 1])}"' in part(frame, "cnnviz-pool-meeting")
        right, bug = shown_tables(overwrite.stages[0].frames[t])
        assert right == expected_table(step.dX, "∂L/∂x")
        assert bug == expected_table(wrong[t], "∂L/∂x")
    # the last step shows the final result
    last = part(ex.stage.frames[-1], "cnnviz-pool-dx")
    assert shown_tables(last)[1] == expected_table(ops.maxpool2d_backward(dy, x, ties=ties), "∂L/∂x")
    assert np.array_equal(ex.dx, ops.maxpool2d_backward(dy, x, ties=ties))


def test_backward_slider_move_gives_every_stage_its_frames_in_one_show():
    ex = PoolBackwardExplorer()
    sections = [ex.meeting(), ex.overwrite_bug(), ex.ties_view(), ex.steps_view()]
    assert len(ex.stages) == 5 and all(len(s.stages) == 1 for s in sections)
    for stage in ex.stages:
        stage.step = 3
    shows = count_shows(ex)
    ex.dy_editor.slider(1, 1).value = -2  # dL/dy22
    assert list(shows.values()) == [1] * 5
    ex.ties.value = "split"
    assert list(shows.values()) == [2] * 5
    ex.cell_picker.value = (0, 0)
    assert list(shows.values()) == [3] * 5
    ex.dy_editor.value = [[1, 1], [1, 1]]  # four entries at once: still one show each
    assert list(shows.values()) == [4] * 5
    assert all(stage.step == 3 for stage in ex.stages)  # each stage keeps its step
    expected = ops.maxpool2d_backward(ex.dy, SEED["x"], ties="split")
    for stage in (ex.stage, sections[3].stages[0]):
        assert shown_tables(part(stage.frame, "cnnviz-pool-dx"))[1] == expected_table(
            expected, "∂L/∂x")


def test_backward_cell_picker_keeps_the_trace_and_redraws_only_the_meeting():
    ex = PoolBackwardExplorer()
    overwrite = ex.overwrite_bug().stages[0]
    trace, before = ex.trace, list(overwrite.frames)
    ex.cell_picker.value = (2, 2)  # x33
    assert ex.trace is trace and overwrite.frames == before
    assert ex.stage.frames == PoolBackwardExplorer(cell=(2, 2)).stage.frames
    assert 'data-total="3"' in part(ex.stage.frames[-1], "cnnviz-pool-meeting")
    ex.x_editor.slider(0, 0).value = 9  # x11 = 9: a new trace, x11 wins X′1
    x = SEED["x"].copy()
    x[0, 0] = 9
    assert ex.trace is not trace
    assert np.array_equal(ex.dx, ops.maxpool2d_backward(SEED["dy"], x))
    for t, step in enumerate(steps.pool_backward_steps(SEED["dy"], x)):
        assert shown_tables(part(ex.stage.frames[t], "cnnviz-pool-dx"))[1] == expected_table(
            step.dX, "∂L/∂x")
        assert shown_tables(overwrite.frames[t])[0] == expected_table(step.dX, "∂L/∂x")


def test_backward_sections_show_the_same_slider_widgets_and_classes():
    ex = PoolBackwardExplorer()
    assert {"cnnviz-explorer", "cnnviz-pool-backward"} <= set(ex.root.widget._dom_classes)
    assert "cnnviz-ties" in ex.ties._dom_classes
    assert "cnnviz-cell-picker" in ex.cell_picker._dom_classes
    assert "cnnviz-slider-dy22" in ex.dy_editor.slider(1, 1)._dom_classes
    sections = [ex.steps_view(), ex.meeting(), ex.ties_view(), ex.overwrite_bug()]
    for section in sections:
        data = mimebundle(section)
        assert data["text/plain"].endswith(ex.summary())
        assert "cnnviz-pool-backward" in section.widget._dom_classes
        assert section.controls[0] is ex.editors and ex.ties in section.controls
        assert static_frames(section.static_html()) == [section.stages[0].frames]
    assert ex.cell_picker in sections[1].controls
    ex.x_editor.slider(2, 2).value = 0  # x33 = 0: x22 wins all four
    assert ex.dx[1, 1] == SEED["dy"].sum()
    assert "X′₁ X′₂ X′₃ X′₄" in ex.stage.frames[3]
    assert "X′₁ X′₂ X′₃ X′₄" in sections[0].stages[0].frames[3]


def test_ties_view_compares_the_sums_for_each_policy():
    for case, x in BACKWARD_INPUTS.items():
        dy = SEED["dy"]
        ex = backward_explorer(x, "first")
        stage = ex.ties_view().stages[0]
        for frame in stage.frames:
            ties = part(frame, "cnnviz-pool-ties")
            tables = shown_tables(ties)
            assert len(tables) == 3
            for policy, table in zip(TIES, tables):
                dx = ops.maxpool2d_backward(dy, x, ties=policy)
                assert table == expected_table(dx, "∂L/∂x")
                assert f"Σ∂L/∂X = <b>{format_number(dx.sum())}</b>" in ties
            assert f"Σ∂L/∂Y = <b>{format_number(dy.sum())}</b>" in ties
            assert 'ties = "first" ◀ in use' in ties
        ex.ties.value = "split"
        assert all('ties = "split" ◀ in use' in f and 'ties = "first" ◀ in use' not in f
                   for f in stage.frames)


def test_ties_view_starts_at_the_step_asked_for():
    x_tie = SEED["x"].copy()
    x_tie[0, 2] = 8
    tied = PoolBackwardExplorer(x_tie, SEED["dy"], ties="first")
    section = tied.ties_view(step=1)  # the window X'2, which holds the tie
    stage = section.stages[0]
    assert stage.step == 1 and stage.captions[1] == "window 2 of 4: X′₂ → y₁₂"
    assert 'data-cell="x13"' in stage.frame and ">tie<" in stage.frame
    masks = {}
    for policy in TIES:
        tied.ties.value = policy
        masks[policy] = shown_tables(part(stage.frame, "cnnviz-pool-step"))[2]
    assert masks["first"] == {"M11": "0", "M12": "1", "M21": "0", "M22": "0"}
    assert masks["all"] == {"M11": "0", "M12": "1", "M21": "1", "M22": "0"}
    assert masks["split"] == {"M11": "0", "M12": "0.5", "M21": "0.5", "M22": "0"}
    with pytest.raises(ValueError, match="step must be between 0 and 3"):
        tied.ties_view(step=4)


def test_ties_switch_changes_masks_and_summary_on_an_input_full_of_ties():
    ex = backward_explorer(np.zeros((3, 3)), "first")
    dy = SEED["dy"]
    sums = {}
    for policy in TIES:
        ex.ties.value = policy
        mask = shown_tables(part(ex.stage.frames[0], "cnnviz-pool-step"))[2]
        assert mask == expected_table(ops.maxpool2d_masks(np.zeros((3, 3)), ties=policy)[0, 0], "M")
        sums[policy] = ex.tie_comparison.sum_dx[policy]
        assert f"(ties: {policy})" in ex.summary()
    assert sums == {"first": dy.sum(), "all": 4 * dy.sum(), "split": dy.sum()}
    assert "✘ over-counts" in ex.ties_view().stages[0].frame


def test_seed_x22_meeting_point_lists_the_windows_it_won():
    ex = PoolBackwardExplorer()
    stage = ex.meeting().stages[0]
    meeting = stage.frames[3]
    assert "receives gradient from X′₁, X′₂, X′₃" in meeting
    assert "max at x₃₃" in meeting  # X'4 covers x22 but sends its gradient to x33
    assert "1 + 2 + (-1) + 0 = <b" in meeting
    assert "not added yet" in stage.frames[1]
    assert 'data-total="3"' in stage.frames[1]  # 1 + 2 after X'1, X'2
    assert part(ex.stage.frames[3], "cnnviz-pool-meeting") == meeting  # the root's, the same
    ex.cell_picker.value = (0, 0)  # x11: in X'1 only
    assert stage.frames[3].count("<tr>") == 1
    assert "no window has picked it yet" in stage.frames[3]


def test_seed_running_dx_notes_the_windows_each_cell_won():
    ex = PoolBackwardExplorer()
    dx = part(ex.stage.frames[3], "cnnviz-pool-dx")
    assert note(dx, 1, "∂L/∂x22") == "won 3<br>X′₁ X′₂ X′₃"
    assert note(dx, 1, "∂L/∂x33") == "won 1<br>X′₄"
    assert note(dx, 1, "∂L/∂x11") == "won 0"
    assert ex.summary() == ("PoolBackwardExplorer (ties: first): dL/dX = [0 0 0; 0 2 0; 0 0 3], "
                            "windows won = [0 0 0; 0 3 0; 0 0 1], sum dL/dX = 5, sum dL/dY = 5")


def test_overwrite_bug_marks_the_lost_gradient_in_the_seed():
    ex = PoolBackwardExplorer()
    frame = ex.overwrite_bug().stages[0].frames[3]
    assert cells_with_class(frame, "cv-cur")[1] == {"∂L/∂x22"}
    assert "should be 2" in frame and "✘" in frame
    assert "<b>2</b> of gradient lost" in frame
    assert ex.overwrite.sum_lost == 2.0 and len(ex.wrong_steps) == 4


def test_overwrite_bug_says_when_the_bug_happens_to_be_right():
    ex = PoolBackwardExplorer(x=np.ones((3, 3)))  # "first": each window's top-left cell
    stage = ex.overwrite_bug().stages[0]
    assert "happens to give the right answer" in stage.frame
    assert not any(cells_with_class(stage.frame, "cv-cur"))
    ex.x_editor.slider(1, 1).value = 5  # x22 wins all four: only the last one's survives
    assert "<b>2</b> of gradient lost" in stage.frames[3]  # 1 + 2 - 1 + 3 = 5 vs 3


def test_overwrite_bug_with_nan_from_a_slider_is_refused_on_every_stage():
    """The reported case: NaN set on a float slider after overwrite_bug() never reaches the
    state; every stage keeps its frames and no message is needed."""
    ex = PoolBackwardExplorer(X_HALF)
    section = ex.overwrite_bug()
    before = {stage: list(stage.frames) for stage in ex.stages}
    dy = ex.dy
    with pytest.raises(traitlets.TraitError, match="x₂₂ must be a finite number, got nan"):
        ex.x_editor.slider(1, 1).value = float("nan")
    assert ex.error == "" and all(stage.error == "" for stage in ex.stages)
    assert {stage: stage.frames for stage in ex.stages} == before
    assert np.array_equal(ex.dy, dy) and np.array_equal(ex.x, X_HALF)
    assert np.array_equal(ex.dx, ops.maxpool2d_backward(dy, X_HALF))
    ex.x_editor.slider(1, 1).value = 8.5
    assert ex.error == "" and all(stage.error == "" for stage in ex.stages)
    x = X_HALF.copy()
    x[1, 1] = 8.5
    assert shown_tables(section.stages[0].frames[-1])[0] == expected_table(
        ops.maxpool2d_backward(dy, x), "∂L/∂x")


def test_nan_from_code_is_refused_naming_the_entry_and_moves_no_slider():
    ex = PoolBackwardExplorer(X_HALF)
    ex.overwrite_bug()
    bad = X_HALF + 1
    bad[2, 0] = np.nan
    for assign in (lambda: setattr(ex, "x", bad), lambda: setattr(ex.x_editor, "value", bad)):
        with pytest.raises(ValueError, match="x31"):
            assign()
        assert np.array_equal(ex.x, X_HALF)  # x11 was not moved to 1.5 first
        assert ex.error == ""


def test_a_nan_gradient_is_never_shown_as_not_computed_yet():
    """A NaN ∂L/∂y would make ∂L/∂X NaN, which a table shows as '?' (not computed yet):
    its slider refuses it and the frames stay."""
    dy = np.array([[1, 2.5], [-1, 0]])
    ex = PoolBackwardExplorer(SEED["x"], dy)
    frames = list(ex.stage.frames)
    with pytest.raises(traitlets.TraitError, match="dy₁₂ must be a finite number, got nan"):
        ex.dy_editor.slider(0, 1).value = float("nan")
    assert ex.error == "" and ex.stage.frames == frames and np.array_equal(ex.dy, dy)
    assert "?" not in ex.summary() and "NaN" not in ex.summary()


def test_sums_that_overflow_to_nan_are_named():
    """Finite but huge gradients: ∂L/∂x22 = +inf and ∂L/∂x32 = -inf (so Σ∂L/∂X is NaN)."""
    x = np.array([[0, 0, 0], [0, 5, 0], [0, 9, 0.5]])
    ex = PoolBackwardExplorer(x, np.array([[1, 1], [-1, -1.5]]))
    ties = ex.ties_view().stages[0]
    frames = list(ties.frames)
    ex.dy = np.array([[1e308, 1e308], [-1e308, -1e308]])
    assert ex.error.startswith("∂L/∂X is inf") and ties.error == ex.error
    assert ex.stage.frames and ties.frames == frames
    assert ex.summary() == f"PoolBackwardExplorer: {ex.error}"
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(pitfalls.compare_ties(ex.dy, x).sum_dx["first"])  # the case it names
    ex.dy = np.array([[1e300, 1e300], [-1e300, -1e300]])  # large, but the sums fit
    assert ex.error == "" and shown_tables(part(ex.stage.frames[-1], "cnnviz-pool-dx"))[1][
        "∂L/∂x22"] == format_number(2e300)


def test_bad_arguments_give_a_message_not_a_traceback():
    ex = PoolForwardExplorer(size=5)
    assert "larger than" in ex.error and ex.stage.error == ex.error and ex.y is None
    assert ex.stage.frames == [] and ex.error in ex.summary()
    back = PoolBackwardExplorer(dy=np.ones((3, 3)))
    assert "shape" in back.error and back.dx is None
    assert back.error in back.summary()
    back.dy_editor.value = np.ones((3, 3))  # still the wrong shape: still a message
    assert "shape" in back.error
    assert "shape" in back.meeting().stages[0].error
    with pytest.raises(ValueError, match="cell"):
        PoolBackwardExplorer(cell=(3, 0))


def test_lazy_names_reach_the_explorers():
    assert cnnviz.PoolForwardExplorer is PoolForwardExplorer
    assert cnnviz.PoolWindowsExplorer is PoolWindowsExplorer
    assert cnnviz.PoolBackwardExplorer is PoolBackwardExplorer


def test_the_notebooks_explorer_cells_run():
    """The explorer lines of notebooks 03 and 04, as their code cells write them."""
    seed = cnnviz.examples.worked_pool()
    X, dY = seed["x"], seed["dy"]
    explorer = cnnviz.PoolForwardExplorer(X)
    windows = cnnviz.PoolWindowsExplorer(size=2, stride=2)
    back = cnnviz.PoolBackwardExplorer(X, dY)
    shown = [explorer, windows, back, back.meeting(), back.overwrite_bug()]
    X_tie = X.copy()
    X_tie[0, 2] = 8
    tied = cnnviz.PoolBackwardExplorer(X_tie, dY, ties="first")
    shown.append(tied.ties_view(step=1))
    shown.append(cnnviz.PoolForwardExplorer(X, mode="average"))
    shown.append(cnnviz.PoolBackwardExplorer(X, dY, mode="average"))
    for obj in shown:
        data = mimebundle(obj)
        assert "application/vnd.jupyter.widget-view+json" in data
        assert "application/vnd.jupyter.widget-view+json" in data and "—" in data["text/plain"]
        assert "error" not in data["text/plain"].lower()


# ---------------------------------------------------------------------------------------
# The views alone, without widgets
# ---------------------------------------------------------------------------------------
def test_views_are_plain_functions_of_a_trace():
    x, dy = SEED["x"], SEED["dy"]
    trace = steps.pool_backward_steps(dy, x)
    view = pool_views.pool_dx_panels(trace, 3, x.shape)
    assert shown_tables(view)[1] == expected_table(ops.maxpool2d_backward(dy, x), "∂L/∂x")
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


# ---------------------------------------------------------------------------------------
# Average mode: the mean forward, a uniform mask backward (checked against loops and the ops)
# ---------------------------------------------------------------------------------------
def windows_of(shape, size=2, stride=1):
    """[(k, i, j, rows, cols)] of every window, row-major, written out independently."""
    out_h, out_w = (shape[0] - size) // stride + 1, (shape[1] - size) // stride + 1
    return [(i * out_w + j + 1, i, j, range(i * stride, i * stride + size),
             range(j * stride, j * stride + size))
            for i in range(out_h) for j in range(out_w)]


def random_pair(seed):
    """A 3x3 X and a 2x2 ∂L/∂Y of small integers (what the sliders hold)."""
    rng = np.random.default_rng(seed)
    return (rng.integers(-9, 10, size=(3, 3)).astype(float),
            rng.integers(-5, 6, size=(2, 2)).astype(float))


@pytest.mark.parametrize("seed", range(6))
def test_average_forward_frames_show_each_windows_mean(seed):
    x, _ = random_pair(seed)
    ex = PoolForwardExplorer(x, mode="average")
    y = ops.avgpool2d_forward(x)
    assert np.array_equal(ex.y, y) and ex.mode == "average" and ex.stage.n_steps == 4
    so_far = np.full((2, 2), np.nan)
    for t, (k, i, j, rows, cols) in enumerate(windows_of(x.shape)):
        frame = ex.stage.frames[t]
        window = x[np.ix_(rows, cols)]
        so_far[i, j] = window.sum() / 4  # the mean, by hand
        x_table, window_table, y_table = shown_tables(frame)
        assert x_table == expected_table(x, "x")
        assert window_table == expected_table(window, "x′")
        assert y_table == expected_table(so_far, "y")
        # the whole window outlined, no maximum marked: every entry counts
        assert cells_with_class(frame, "cv-win")[0] == {cell_name("x", r, c)
                                                       for r in rows for c in cols}
        assert cells_with_class(frame, "cv-max") == [set(), set(), set()] and ">max<" not in frame
        total, mean = format_number(window.sum()), format_number(window.sum() / 4)
        assert f"= {total} / 4 = {mean}" in frame  # the sum / size² in the window panel
        assert "<math" in part(frame, "cnnviz-pool-formula")
    assert shown_tables(ex.stage.frames[-1])[2] == expected_table(y, "y")
    assert ex.summary() == (f"PoolForwardExplorer (average): X 3x3, window 2x2, stride 1; Y = "
                            f"[{format_number(y[0, 0])} {format_number(y[0, 1])}; "
                            f"{format_number(y[1, 0])} {format_number(y[1, 1])}]")


def test_average_forward_formula_writes_the_sum_out_with_the_numbers():
    ex = PoolForwardExplorer(mode="average")  # the seed: X'1 = [1 3; 4 8]
    latex = pool_views.average_output_latex(ex.trace[0])
    assert latex.endswith(r"= \frac{1 + 3 + 4 + 8}{4} = \frac{16}{4} = 4")
    assert display_math(latex) in ex.stage.frames[0]


def test_average_forward_slider_moves_change_every_window_that_holds_the_input():
    ex = PoolForwardExplorer(mode="average")
    shows = count_shows(ex)
    ex.x_editor.slider(1, 1).value = 0  # x22: in all four windows, each mean falls by 8 / 4
    assert shows == {ex.stage: 1}
    assert np.array_equal(ex.y, ops.avgpool2d_forward(SEED["x"]) - 2)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("seed", range(6))
def test_average_backward_frames_match_loops_and_the_ops(seed, lang):
    x, dy = random_pair(seed)
    ex = PoolBackwardExplorer(x, dy, mode="average", lang=lang)
    steps_stage = ex.steps_view().stages[0]
    running = np.zeros((3, 3))
    covered = np.zeros((3, 3), dtype=int)
    for t, (k, i, j, rows, cols) in enumerate(windows_of(x.shape)):
        share = dy[i, j] / 4
        added = np.zeros((3, 3))
        added[np.ix_(rows, cols)] = share  # every cell of the window gets the same share
        running += added  # += : overlapping windows add
        covered[np.ix_(rows, cols)] += 1
        for frame in (ex.stage.frames[t], steps_stage.frames[t]):
            # X's values play no part in average pooling's gradient: no X panel, the mask's
            # notes say where the window sits
            dy_table, mask_table, local_table = shown_tables(part(frame, "cnnviz-pool-step"))
            assert dy_table == expected_table(dy, "∂L/∂y")
            assert mask_table == expected_table(np.full((2, 2), 0.25), "M")
            assert note(part(frame, "cnnviz-pool-step"), 1, "M22") == \
                {"en": "at", "zh": "位于"}[lang] + f" {_x(rows[1], cols[1])}"
            assert local_table == expected_table(np.full((2, 2), share), "∂L/∂x′")
            shown_added, shown_running = shown_tables(part(frame, "cnnviz-pool-dx"))
            assert shown_added == expected_table(added, "∂L/∂x")
            assert shown_running == expected_table(running, "∂L/∂x")
        dx_part = part(ex.stage.frames[t], "cnnviz-pool-dx")
        assert note(dx_part, 1, "∂L/∂x22") == {"en": "{} of 4", "zh": "{}/4"}[lang].format(covered[1, 1])
        assert note(dx_part, 1, "∂L/∂x11") == {"en": "{} of 1", "zh": "{}/1"}[lang].format(covered[0, 0])
        assert f'data-total="{format_number(running[1, 1])}"' in part(
            ex.stage.frames[t], "cnnviz-pool-meeting")
    np.testing.assert_allclose(running, ops.avgpool2d_backward(dy, x))
    np.testing.assert_allclose(ex.dx, ops.avgpool2d_backward(dy, x))
    assert np.array_equal(ex.covers, [[1, 2, 1], [2, 4, 2], [1, 2, 1]]) and ex.wins is None


def test_average_backward_x22_collects_a_share_from_all_four_windows():
    ex = PoolBackwardExplorer(mode="average")
    meeting = ex.meeting().stages[0].frames
    dy = SEED["dy"]
    shares = [format_number(v / 4) for v in dy.ravel()]  # 0.25, 0.5, -0.25, 0.75
    assert meeting[3].count("covers it (M = 0.25)") == 4
    assert "0.25 + 0.5 + (-0.25) + 0.75 = <b" in meeting[3]
    assert f'data-total="{format_number(dy.sum() / 4)}"' in meeting[3]
    assert f'data-total="{format_number((dy[0, 0] + dy[0, 1]) / 4)}"' in meeting[1]
    assert "not added yet" in meeting[1] and shares[0] == "0.25"
    assert display_math(pool_views.average_local_grad_latex(ex.trace[2])) in ex.stage.frames[2]
    assert r"(-1) \cdot \frac{1}{4}" in pool_views.average_local_grad_latex(ex.trace[2])


def test_average_backward_with_a_larger_window_and_stride():
    """3x3 windows with stride 2 on a 5x5 input: the mask is 1/9 everywhere, the middle row
    and column are covered twice and add."""
    rng = np.random.default_rng(3)
    x = rng.integers(-9, 10, size=(5, 5)).astype(float)
    dy = rng.integers(-5, 6, size=(2, 2)).astype(float)
    ex = PoolBackwardExplorer(x, dy, size=3, stride=2, mode="average")
    assert ex.stage.n_steps == 4
    np.testing.assert_allclose(ex.dx, ops.avgpool2d_backward(dy, x, 3, 2))
    assert shown_tables(part(ex.stage.frames[0], "cnnviz-pool-step"))[1] == expected_table(
        np.full((3, 3), 1 / 9), "M")
    assert ex.covers[2, 2] == 4 and ex.covers[0, 0] == 1
    assert shown_tables(part(ex.stage.frames[-1], "cnnviz-pool-dx"))[1] == expected_table(
        ops.avgpool2d_backward(dy, x, 3, 2), "∂L/∂x")


def test_mode_switch_gives_every_stage_its_frames_once():
    ex = PoolBackwardExplorer()
    sections = [ex.meeting(), ex.steps_view(), ex.ties_view(), ex.overwrite_bug()]
    max_frames = [list(stage.frames) for stage in ex.stages]
    shows = count_shows(ex)
    ex.mode_buttons.value = "average"
    assert list(shows.values()) == [1] * 5 and ex.error == ""
    assert ex.ties.disabled and ex.root.what == "average pooling backward"
    assert shown_tables(part(ex.stage.frames[-1], "cnnviz-pool-dx"))[1] == expected_table(
        ops.avgpool2d_backward(SEED["dy"], SEED["x"]), "∂L/∂x")
    for section in sections[2:]:  # the ties and the overwrite bug are max pooling's: a note
        assert all("needs <b>mode</b> = max" in frame for frame in section.stages[0].frames)
    assert ex.mode_buttons in sections[0].controls and ex.mode_buttons in sections[1].controls
    assert ex.mode_buttons not in sections[2].controls
    ex.ties.value = "split"  # no effect on average pooling's gradient
    assert np.array_equal(ex.dx, ops.avgpool2d_backward(SEED["dy"], SEED["x"]))
    ex.ties.value = "first"
    ex.mode = "max"
    assert list(shows.values()) == [4] * 5 and not ex.ties.disabled
    assert [list(stage.frames) for stage in ex.stages] == max_frames
    forward = PoolForwardExplorer()
    shows = count_shows(forward)
    forward.mode = "average"
    assert shows == {forward.stage: 1} and forward.root.what == "average pooling forward"
    assert mimebundle(forward)["text/plain"].startswith("average pooling forward — ")
    forward.mode = "average"  # the same mode again: nothing to send
    assert shows == {forward.stage: 1}


@pytest.mark.parametrize("bad", ["median", "Max", "", None, 2, ["max"]])
def test_a_bad_mode_is_refused_naming_it(bad):
    with pytest.raises(ValueError, match=re.escape(f"mode must be 'max' or 'average', got {bad!r}")):
        PoolForwardExplorer(mode=bad)
    with pytest.raises(ValueError, match="mode must be"):
        PoolBackwardExplorer(mode=bad)
    ex = PoolBackwardExplorer(mode="average")
    frames = list(ex.stage.frames)
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        ex.mode = bad
    assert ex.mode == "average" and ex.stage.frames == frames and ex.error == ""


def test_average_mode_bad_settings_show_a_message_and_keep_the_values():
    back = PoolBackwardExplorer(dy=np.ones((3, 3)), mode="average")
    assert "shape" in back.error and back.stage.error == back.error and back.dx is None
    assert back.error in back.summary()
    forward = PoolForwardExplorer(size=5, mode="average")
    assert "larger than" in forward.error and forward.stage.error == forward.error
    ex = PoolBackwardExplorer(mode="average")
    frames = list(ex.stage.frames)
    bad = SEED["dy"] + 1
    bad[1, 0] = np.nan
    with pytest.raises(ValueError, match="∂L/∂y21 = nan"):  # named, and no slider moved
        ex.dy = bad
    assert np.array_equal(ex.dy, SEED["dy"]) and ex.stage.frames == frames
    ex.dy = np.array([[1e308, 1e308], [1e308, 1e308]])  # huge, but four quarters still fit
    assert ex.error == "" and ex.dx[1, 1] == 1e308 and np.array_equal(ex.x, SEED["x"])
    frames = list(ex.stage.frames)
    ex.mode = "max"  # x22 wins three windows: 3e308 overflows
    assert ex.error.startswith("∂L/∂X is inf") and ex.stage.error == ex.error
    assert ex.mode == "max" and ex.stage.frames == frames  # the switch stays, the frames too
    assert ex.wins is None and ex.covers is not None  # the frames' trace is still average's
    assert ex.summary() == f"PoolBackwardExplorer: {ex.error}"


def test_average_static_copy_holds_the_frames_and_the_mode():
    ex = PoolBackwardExplorer(mode="average")
    copy = ex.static_html()
    assert static_frames(copy) == [ex.stage.frames]
    assert "average" in copy  # the mode switch, inert
    assert "cnnviz-pool-mode" in ex.mode_buttons._dom_classes


# ---------------------------------------------------------------------------------------
# Colour: one diverging scale per explorer (the masks M_k left white)
# ---------------------------------------------------------------------------------------
from cnnviz.render import colour  # noqa: E402
from cnnviz.render import conv as views  # noqa: E402


def coloured_cells(frame):
    """[(cell name, number shown, fill class)] of every number cell of the frame's grids."""
    out = []
    for body in re.findall(r'<table class="cv-m">.*?</table>', frame, flags=re.S):
        (numbers,), (fills,) = views.shown_tables(body), views.shown_fills(body)
        out += [(name, numbers[name], fills[name]) for name in numbers]
    return out


def legends(frame):
    return re.findall(r"<div class='cnnviz-view cv-key' data-scale='([^']*)'>", frame)


def assert_one_scale(ex, frames):
    """Each grid cell's fill says its number's sign, on the explorer's one scale (the same
    number, the same colour, in every frame); masks (M11 ...) have none; the scale is the
    round number above the largest |value| the coloured grids show."""
    numbers = []
    for name, shown, fill in (cell for f in frames for cell in coloured_cells(f)):
        if name.startswith("M"):
            assert fill == "", (name, shown, fill)  # a mask: 0/1 switches, not coloured
            continue
        if shown == "?":
            assert fill == ""  # not computed yet: no fill
            continue
        v = float(shown)
        numbers.append(v)
        want = r"cv-n[1-7]" if v < 0 else r"cv-p[1-7]" if v > 0 else r"(cv-z)?"
        assert re.fullmatch(want, fill), (name, shown, fill)
        assert fill == colour.fill_class(v, ex.scale) or (v == 0 and fill == "")
    assert numbers
    assert ex.scale == colour.scale_for(numbers)
    return numbers


def by_loops(x, size=2, stride=1, reduce=np.max):
    x = np.asarray(x, dtype=float)
    n = (np.array(x.shape) - size) // stride + 1
    return np.array([[reduce(x[i * stride:i * stride + size, j * stride:j * stride + size])
                      for j in range(n[1])] for i in range(n[0])])


@pytest.mark.parametrize("mode, reduce", [("max", np.max), ("average", np.mean)])
def test_pool_forward_grids_share_one_scale_with_the_legend_in_every_frame(mode, reduce):
    x = [[1, -7, 2], [4, -3, 1], [0, 5, -2]]
    ex = PoolForwardExplorer(x, mode=mode)
    assert ex.scale == colour.scale_for(x, by_loops(x, reduce=reduce)) == 8.0  # |x12| = 7
    assert_one_scale(ex, ex.stage.frames)
    assert [legends(f) for f in ex.stage.frames] == [["8"]] * 4
    # x12 = -7 is blue in every frame, y11 (step 1) is coloured the same in the last one
    for frame in ex.stage.frames:
        assert views.shown_fills(frame)[0]["x12"] == colour.fill_class(-7, 8.0) == "cv-n7"
    ex.x_editor.slider(0, 1).value = 9
    assert ex.scale == 10.0
    assert {tuple(legends(f)) for f in ex.stage.frames} == {("10",)}
    assert_one_scale(ex, ex.stage.frames)


def test_windows_explorer_compact_tables_are_coloured_on_one_scale():
    ex = PoolWindowsExplorer(size=2, stride=2)
    y = by_loops(ex.x, 2, 2)
    assert ex.scale == colour.scale_for(ex.x, y)
    frames = ex.stage.frames + ex.coverage_stage.frames
    shown = assert_one_scale(ex, frames)
    assert max(shown) == max(ex.x.max(), y.max())
    assert all(legends(f) == [format_number(ex.scale)] for f in frames)
    # the window and its maximum keep their outline, over the value's fill
    cell = cell_name("x", *steps.pool_forward_steps(ex.x, 2, 2)[0].argmax)
    value = ex.x[steps.pool_forward_steps(ex.x, 2, 2)[0].argmax]
    assert re.search(rf'<td class="cv-max {colour.fill_class(value, ex.scale)}" '
                     rf'data-cell="{cell}">', ex.stage.frames[0])
    # a setting with skipped cells: still one scale, the skipped (dotted) cells coloured too
    ex.stride_slider.value = 3
    assert ex.scale == colour.scale_for(ex.x, by_loops(ex.x, 2, 3))
    assert_one_scale(ex, ex.stage.frames + ex.coverage_stage.frames)


def test_backward_sections_share_one_scale_and_masks_stay_white():
    ex = PoolBackwardExplorer()
    sections = [ex.steps_view(), ex.meeting(), ex.ties_view(), ex.overwrite_bug()]
    stages = [ex.stage] + [stage for s in sections for stage in s.stages]
    frames = [f for stage in stages for f in stage.frames]
    np.testing.assert_allclose(ex.dx, cnnviz.maxpool2d_backward(ex.dy, ex.x))
    assert_one_scale(ex, frames)
    assert ex.scale >= np.abs(ex.dy).max() and ex.scale >= np.abs(ex.x).max()
    meeting = sections[1].stages[0]
    for stage in stages:  # the legend once per frame with grids (the meeting: sums in words)
        want = set() if stage is meeting else {(format_number(ex.scale),)}
        assert {tuple(legends(f)) for f in stage.frames} == (want or {()})
    # a running total may pass the final gradient: the scale covers every step
    ex.x = [[1, 1, 1], [1, 9, 1], [1, 1, 1]]  # x22 wins all four windows
    ex.dy = [[9, -9], [0, 0]]
    running = [float(s.dX[1, 1]) for s in ex.trace]
    assert running == [9.0, 0.0, 0.0, 0.0]
    assert ex.scale == colour.scale_for(ex.x, ex.dy, running) == 10.0
    frames = [f for stage in stages for f in stage.frames]
    assert_one_scale(ex, frames)
    # ties "all" gives every tied maximum all of it: its ∂L/∂X, in the ties section, counts
    ex.x = [[5, 5, 5], [5, 5, 5], [5, 5, 5]]
    ex.dy = [[4, 4], [4, 4]]
    assert ex.tie_comparison.dx["all"].max() == 16  # x22 in all four windows, each sends 4
    assert ex.scale == 20.0
    assert_one_scale(ex, [f for stage in stages for f in stage.frames])


def test_average_backward_grids_share_one_scale():
    ex = PoolBackwardExplorer(mode="average", dy=[[2, -6], [1, 3]])
    sections = [ex.steps_view(), ex.ties_view()]
    frames = [f for stage in [ex.stage, *sections[0].stages, *sections[1].stages]
              for f in stage.frames]
    numbers = assert_one_scale(ex, frames)
    # the shares are ∂L/∂y / 4; X is not shown on the way back, so it is not on the scale
    assert -1.5 in numbers and ex.scale == 6.0
    masks = [v for f in frames for name, v, _ in coloured_cells(f) if name.startswith("M")]
    assert set(masks) == {"0.25"}


# ---------------------------------------------------------------------------------------
# The explorers in Chinese: the same numbers, no English words outside math and code
# ---------------------------------------------------------------------------------------
def _backward_sections(ex):
    return [ex.steps_view(), ex.meeting(), ex.ties_view(), ex.overwrite_bug()]


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("case", ["seed", "two-way tie in X'2", "all equal"])
def test_a_chinese_pool_explorer_shows_no_english_words(case, mode):
    x = BACKWARD_INPUTS[case]
    ex = PoolBackwardExplorer(x, SEED["dy"], mode=mode, lang="zh")
    sections = _backward_sections(ex)
    texts = explorer_texts(ex, sections)
    for policy in ("all", "split"):
        ex.ties.value = policy
        texts += explorer_texts(ex)
    assert english_in(texts) == {}
    assert ex.mode_buttons._options_labels == ("最大", "平均") and ex.mode_buttons.description == "模式"
    assert ex.ties.description == "并列" and ex.cell_picker.description == "汇合于"
    english = PoolBackwardExplorer(x, SEED["dy"], mode=mode, ties="split", lang="en")
    _backward_sections(english)
    for zh_stage, en_stage in zip(ex.stages, english.stages):  # the same numbers
        assert [shown_tables(f) for f in zh_stage.frames] == [shown_tables(f) for f in en_stage.frames]
    forward = PoolForwardExplorer(x, mode=mode, lang="zh")
    assert english_in(explorer_texts(forward)) == {}
    assert [shown_tables(f) for f in forward.stage.frames] == \
        [shown_tables(f) for f in PoolForwardExplorer(x, mode=mode).stage.frames]


@pytest.mark.parametrize("size, stride", [(2, 1), (2, 2), (2, 3), (3, 1), (6, 1), (4, 4)])
def test_a_chinese_windows_explorer_shows_no_english_words(size, stride):
    ex = PoolWindowsExplorer(size=size, stride=stride, lang="zh")
    assert english_in(explorer_texts(ex)) == {}
    english = PoolWindowsExplorer(size=size, stride=stride, lang="en")
    for zh_stage, en_stage in zip(ex.stages, english.stages):
        assert [shown_tables(f) for f in zh_stage.frames] == [shown_tables(f) for f in en_stage.frames]
    assert "窗口大小" in ex.formula_stage.frames[0] and "步长" in ex.formula_stage.frames[0]


def test_a_chinese_pool_explorer_says_what_is_wrong_in_chinese():
    ex = PoolWindowsExplorer(size=2, stride=3, lang="zh")
    ex.size_slider.value = 7
    assert ex.error == "7×7 的窗口放不进 6×6 的输入：窗口大小最多只能是 6。图中显示的是最后一个放得下的设置。"
    assert all(stage.error == ex.error for stage in ex.stages)
    ex.size_slider.value = 2
    ex.x = [[1.0, np.nan], [2.0, 3.0]]
    assert ex.error.startswith("x：每个元素都必须是有限的数；x12 = NaN")
    assert english_in([ex.error]) == {}
