"""Notebook 06's explorers, driven without a browser: move sliders, read the stages' frames.

Every number is read back from the HTML the student sees (each number cell named in data-cell, through
cnnviz.render.conv.shown_tables) and compared with cnnviz's ops for the same settings. A slider
move gives each stage its frames in one message; bad settings show a message on every stage,
raise nothing, and keep the last good frames and every other value the student set.
"""
import itertools
import json
import re
import subprocess
import sys

import numpy as np
import pytest

import cnnviz
from cnnviz import geometry, i18n, matrix_form, ops, steps
from cnnviz.explorers.general import (
    MultiChannelExplorer,
    OutputSizeExplorer,
    StridedBackwardExplorer,
    default_multichannel,
)
from cnnviz.render import colour
from cnnviz.render import conv as views
from zh_words import english_in, explorer_texts, visible_text


@pytest.fixture(autouse=True)
def english():
    """English here wherever pytest runs; the Chinese explorers below say lang="zh"."""
    with i18n.using("en"):
        yield


def table(frame, index):
    """{name: float} of one matrix table of a frame."""
    cells = views.shown_tables(frame)[index]
    assert "?" not in cells.values()
    return {k: float(v) for k, v in cells.items()}


def named(cells, symbol, shape):
    """The cells symbol11 .. of a table as a matrix (padding cells, named pad(r,c), left out)."""
    return np.array([[cells[views.cell_name(symbol, r, c)] for c in range(shape[1])]
                     for r in range(shape[0])])


def padded_grid(cells, symbol, shape, padding):
    """A padded table (x cells and pad(r,c) cells) as a (H + 2p, W + 2p) matrix."""
    h, w = shape
    out = np.zeros((h + 2 * padding, w + 2 * padding))
    for r in range(-padding, h + padding):
        for c in range(-padding, w + padding):
            inside = 0 <= r < h and 0 <= c < w
            name = views.cell_name(symbol, r, c) if inside else f"pad({r + 1},{c + 1})"
            out[r + padding, c + padding] = cells[name]
    return out


def outlined(html, css="cv-win"):
    """data-cell names of the cells with the given class, in document order."""
    fill = r"(?: cv-[npz]\d?)?"  # the cell's colour, if any
    return re.findall(rf'<td class=[\'"]{css}(?: cv-pad)?{fill}[\'"] data-cell="([^"]*)"', html)


def cut_out(frame, index=0):
    """(row numbers, column numbers, how many cells are padding) of a compact table of a frame:
    the numbers in its margins, as the student reads them."""
    table = re.findall(r'<table class="cv-m">(.*?)</table>', frame, flags=re.S)[index]
    head, *rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    cols = [int(v) for v in re.findall(r"<th>(-?\d+)</th>", head)]
    row_numbers = [int(re.match(r"<th>(-?\d+)</th>", row).group(1)) for row in rows]
    return row_numbers, cols, table.count("cv-pad")


def windows_reading(size, kernel, stride, padding, dilation):
    """How many windows read each input cell, from the backward op itself: with dy = 1 and
    w = 1, dL/dx_rc counts the windows (and taps) that read x_rc."""
    out = ops.output_size(size, kernel, stride, padding, dilation)
    return ops.conv2d_backward(np.ones(out), np.zeros(size), np.ones((kernel, kernel)), 0.0,
                               stride, padding, dilation)[0]


def count_shows(explorer):
    """{stage: how many times its frames were set} from now on."""
    counts = {stage: 0 for stage in explorer.stages}

    def seen(change):
        counts[change["owner"]] += 1

    for stage in explorer.stages:
        stage.observe(seen, names="frames")
    return counts


def stage_bytes(stage):
    """The bytes of a stage's message: its frames and captions as JSON (UTF-8)."""
    return len(json.dumps(list(stage.frames) + list(stage.captions)).encode("utf-8"))


# ---------------------------------------------------------------------------------------
# Output size
# ---------------------------------------------------------------------------------------
SETTINGS = {  # H, W, K, padding, stride, dilation
    "default 5x5, 3x3, p1, s2": (5, 5, 3, 1, 2, 1),
    "seed 3x3, 2x2": (3, 3, 2, 0, 1, 1),
    "stride > kernel": (8, 7, 2, 0, 3, 1),
    "dilation 2": (7, 6, 3, 0, 1, 2),
    "dilation, padding, stride": (6, 8, 2, 2, 3, 3),
    "1x1 kernel": (4, 4, 1, 0, 2, 1),
    "kernel = padded input": (3, 4, 5, 1, 1, 1),
}


def set_output_size(ex, h, w, k, p, s, d):
    for name, value in zip(("H", "W", "K", "padding", "stride", "dilation"), (h, w, k, p, s, d)):
        ex.sliders[name].value = value


@pytest.mark.parametrize("h, w, k, p, s, d", SETTINGS.values(), ids=SETTINGS.keys())
def test_output_size_frames_show_the_ops_size_and_where_every_window_lands(h, w, k, p, s, d):
    ex = OutputSizeExplorer()
    set_output_size(ex, h, w, k, p, s, d)
    assert ex.error == "" and all(stage.error == "" for stage in ex.stages)
    ho, wo = ops.output_size((h, w), k, s, p, d)
    assert ex.output_shape == (ho, wo)
    assert ex.stage.n_steps == ho * wo == len(ex.stage.captions)
    # the formula (MathML) ends each axis with the op's number
    formula = ex.formula_stage.frames[0]
    assert formula.count("<math") == 2 and "$$" not in formula
    rows, cols = formula.split("cnnviz-math-line")[1:3]
    assert re.search(rf"<mn>1</mn><mo>=</mo><mn>{ho}</mn>", rows)
    assert re.search(rf"<mn>1</mn><mo>=</mo><mn>{wo}</mn>", cols)
    # what every window shares, once: the padded grid with how many windows read each cell
    overview = ex.grid_stage.frames
    assert len(overview) == 1 and ex.grid_stage.captions == [""]
    grid = table(overview[0], 0)
    assert len(grid) == (h + 2 * p) * (w + 2 * p)
    np.testing.assert_array_equal(named(grid, "x", (h, w)), windows_reading((h, w), k, s, p, d))
    # the output numbers every y_ij by its window, row-major
    np.testing.assert_array_equal(named(table(overview[0], 1), "y", (ho, wo)),
                                  np.arange(1, ho * wo + 1).reshape(ho, wo))
    for t in range(ho * wo):
        frame = ex.stage.frames[t]
        i, j = divmod(t, wo)
        r, c = steps.window_coordinates(i, j, k, s, p, d)
        # window t+1 cut out where steps puts it: its rows and columns in the margins
        rows, cols, pads = cut_out(frame)
        assert (rows, cols) == ((r + 1).tolist(), (c + 1).tolist())
        assert pads == sum(not (0 <= rr < h and 0 <= cc < w) for rr in r for cc in c)
        assert f"window #{t + 1} &rarr; {views._cell_label_html('y', i, j)}" in frame
        # and the overview marks where it starts (its w11)
        first = (views.cell_name("x", r[0], c[0]) if 0 <= r[0] < h and 0 <= c[0] < w
                 else f"pad({r[0] + 1},{c[0] + 1})")
        assert re.search(rf'data-cell="{re.escape(first)}"[^>]*>\d+<div class=\'cv-note\'>'
                         rf"#{t + 1}</div>", overview[0])
        assert ex.stage.captions[t].startswith(f"window #{t + 1} of {ho * wo}: y")


def test_output_size_a_slider_move_sets_each_stages_frames_once():
    ex = OutputSizeExplorer()
    counts = count_shows(ex)
    ex.stride_slider.value = 1
    assert list(counts.values()) == [1, 1, 1]
    assert ex.stage.n_steps == 25


def test_input_rows_that_no_window_reads_are_marked():
    ex = OutputSizeExplorer()
    set_output_size(ex, 6, 5, 3, 0, 2, 1)  # rows: (6 - 3) // 2 + 1 = 2 windows, row 6 unread
    assert ex.output_shape == (2, 2)
    frame = ex.grid_stage.frames[0]
    assert outlined(frame, "cv-unread") == [views.cell_name("x", 5, c) for c in range(5)]
    assert frame.count("✗ never read") == 5
    assert all("never read" not in f for f in ex.stage.frames)
    facts = ex.formula_stage.frames[0]
    assert "The last 1 row of the padded input is never read" in facts
    assert "never read" not in facts.split("columns:")[1]


def test_a_kernel_larger_than_the_padded_input_shows_a_message_and_keeps_the_values():
    ex = OutputSizeExplorer()
    set_output_size(ex, 4, 6, 3, 0, 1, 1)
    frames_before = list(ex.stage.frames)
    counts = count_shows(ex)
    ex.kernel_slider.value = 5  # 5 > 4 rows, padding 0
    assert "larger than the padded input 4x6" in ex.error
    assert all(stage.error == ex.error for stage in ex.stages)
    assert ex.settings == dict(size=(4, 6), kernel=5, padding=0, stride=1, dilation=1)
    # the formula shows why (a numerator of -1, no window along the rows), in one message
    assert counts == {ex.formula_stage: 1, ex.grid_stage: 0, ex.stage: 0}
    formula = ex.formula_stage.frames[0]
    assert "<mo>−</mo><mn>1</mn>" in formula and "no window fits" in formula
    # the stepped picture keeps the last valid setting
    assert ex.stage.frames == frames_before and ex.output_shape == (2, 4)
    assert ex.summary().endswith("-> no output: " + ex.error)
    assert "⚠" not in ex._repr_mimebundle_()["text/plain"]
    # moving another slider keeps the bad kernel, and padding 1 makes it fit again
    ex.stride_slider.value = 2
    assert ex.error and ex.kernel_slider.value == 5
    ex.padding_slider.value = 1
    assert ex.error == "" and all(stage.error == "" for stage in ex.stages)
    assert ex.output_shape == ops.output_size((4, 6), 5, 2, 1) == (1, 2)


def test_dilation_too_large_is_a_bad_setting_too():
    ex = OutputSizeExplorer(height=5, width=5, kernel=3, padding=0, stride=1, dilation=1)
    ex.dilation_slider.value = 3  # span 3*(3-1)+1 = 7 > 5
    assert "with dilation (3, 3) spans 7x7" in ex.error


def test_the_notebooks_bad_example_shows_its_message_and_formula():
    ex = OutputSizeExplorer(height=3, width=3, kernel=5, padding=0, stride=1, dilation=1)
    assert "larger than the padded input 3x3" in ex.error
    assert ex.stage.frames == ex.grid_stage.frames == [] and ex.stage.error == ex.error
    assert ex.formula_stage.error == ex.error and "no window fits" in ex.formula_stage.frames[0]
    bundle = ex._repr_mimebundle_()
    assert "no output" in bundle["text/plain"]
    assert "larger than the padded input" in ex.root.static_html()


@pytest.mark.parametrize("name, value, limit", [("height", 3000, "1 to 8"), ("width", 9, "1 to 8"),
                                                ("kernel", 6, "1 to 5"), ("padding", 4, "0 to 3"),
                                                ("stride", 0, "1 to 4"), ("dilation", 9, "1 to 3")])
def test_output_size_constructor_has_the_sliders_limits(name, value, limit):
    settings = dict(height=5, width=5, kernel=3, padding=1, stride=2, dilation=1)
    settings[name] = value
    with pytest.raises(ValueError, match=rf"{name}={value} is outside .* from {limit}"):
        OutputSizeExplorer(**settings)
    settings[name] = 2.5
    with pytest.raises(TypeError, match=f"{name} must be a whole number"):
        OutputSizeExplorer(**settings)


def test_output_size_summary_and_static_html():
    ex = OutputSizeExplorer()
    bundle = ex._repr_mimebundle_()
    assert bundle["text/plain"] == ("output size — OutputSizeExplorer: input 5x5, kernel 3x3, "
                                    "padding 1, stride 2, dilation 1 -> output 3x3 (9 windows)")
    assert "application/vnd.jupyter.widget-view+json" in bundle
    static = ex.root.static_html()  # what a saved notebook plays with no kernel
    assert 'data-cell=\\"x11\\"' in static and "<math" in static and "window #9" in static
    assert {"cnnviz-explorer", "cnnviz-output-size"} <= set(ex.root.widget._dom_classes)
    assert all("cnnviz-slider" in s._dom_classes for s in ex.sliders.values())
    assert "cnnviz-slider-kernel" in ex.kernel_slider._dom_classes


# ---------------------------------------------------------------------------------------
# Several channels, a batch
# ---------------------------------------------------------------------------------------
def channel_tables(ex):
    """Per input channel c: (X table, W table, Y^(f,c) table) of the maps the steps share."""
    tables = views.shown_tables(ex.maps_stage.frames[0])
    return [tables[3 * c: 3 * c + 3] for c in range(ex.x.shape[1])]


def as_floats(cells, symbol, shape):
    return named({k: float(v) for k, v in cells.items()}, symbol, shape)


def sum_table(ex):
    """The Y[n, f] table of the maps the steps share (the last table)."""
    return named(table(ex.maps_stage.frames[0], -1), "y", ex.y.shape[2:])


@pytest.mark.parametrize("n, f", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_each_channel_map_and_their_sum_are_the_ops_output(n, f):
    ex = MultiChannelExplorer()
    ex.image_picker.value = n
    ex.filter_picker.value = f
    x, w, b = ex.x, ex.w, ex.b
    y = ops.conv2d_forward(x, w, b)  # the 4-D op: (N, F, HO, WO)
    maps = []
    for c, (x_cells, w_cells, map_cells) in enumerate(channel_tables(ex)):
        np.testing.assert_array_equal(as_floats(x_cells, "x", (4, 4)), x[n, c])
        np.testing.assert_array_equal(as_floats(w_cells, "w", (2, 2)), w[f, c])
        # the map Y^(f,c), its entries named y^(f,c)_ij (1-based f and c)
        y_fc = as_floats(map_cells, f"y^({f + 1},{c + 1})", (3, 3))
        np.testing.assert_array_equal(y_fc, ops.conv2d_forward(x[n, c], w[f, c], 0.0))
        maps.append(y_fc)
    frame = ex.maps_stage.frames[0]
    for c in range(3):
        assert f"<div class='cv-title'>Y<sup>({f + 1},{c + 1})</sup></div>" in frame.replace('"', "'")
    assert f"Y[n={n + 1}, f={f + 1}] = Y<sup>({f + 1},1)</sup> + Y<sup>({f + 1},2)</sup> + " \
           f"Y<sup>({f + 1},3)</sup> + b<sub>{f + 1}</sub>" in frame
    assert "Z<sup>" not in frame and "z<sup>" not in frame
    np.testing.assert_array_equal(sum_table(ex), y[n, f])
    np.testing.assert_array_equal(np.sum(maps, axis=0) + b[f], y[n, f])
    assert ex.summary().startswith(f"MultiChannelExplorer: X (2, 3, 4, 4), W (2, 3, 2, 2), b (2,); "
                                   f"Y[n={n + 1}, f={f + 1}]")


def test_each_step_cuts_out_one_window_in_every_channel_and_adds_up_y():
    ex = MultiChannelExplorer()
    ex.filter_picker.value = 1
    x, w, b = ex.x, ex.w, ex.b
    y = ops.conv2d_forward(x, w, b)[0, 1]
    assert ex.stage.n_steps == 9 and ex.maps_stage.n_steps == 1
    for t in range(9):
        frame = ex.stage.frames[t]
        i, j = divmod(t, 3)
        tables = views.shown_tables(frame)
        assert len(tables) == 4  # the window in each of the 3 channels, then the sum
        for c in range(3):
            assert cut_out(frame, c) == ([i + 1, i + 2], [j + 1, j + 2], 0)
            window = [[float(tables[c][views.cell_name("x", i + m, j + n)]) for n in range(2)]
                      for m in range(2)]
            np.testing.assert_array_equal(window, x[0, c, i:i + 2, j:j + 2])
        assert tables[3] == {views.cell_name("y", i, j): views.format_number(y[i, j])}
        # the sum, line by line: each channel's y^(2,c)_ij (the op on that channel alone), then b
        parts = [ops.conv2d_forward(x[0, c], w[1, c], 0.0)[i, j] for c in range(3)]
        shown = re.findall(r"<td>(-?[\d.]+)</td>", frame.split('class="cv-sum"')[1])
        assert [float(v) for v in shown] == parts + [b[1]]
        assert y[i, j] == sum(parts) + b[1]
        for c in range(3):
            assert f"y<sup>(2,{c + 1})</sup><sub>{i + 1}{j + 1}</sub></td>" in frame
        assert ex.stage.captions[t] == (f"step {t + 1} of 9: y{views.subscript(f'{i + 1}{j + 1}')} "
                                        "of image 1, output channel 2")


def test_kernel_and_bias_sliders_edit_the_chosen_output_channel_only():
    ex = MultiChannelExplorer()
    ex.filter_picker.value = 1
    counts = count_shows(ex)
    ex.w_editors[2].slider(0, 1).value = 3
    assert counts[ex.stage] == 1
    ex.bias_slider.value = 2
    assert ex.w[1, 2, 0, 1] == 3 and ex.b[1] == 2
    np.testing.assert_array_equal(ex.w[0], MultiChannelExplorer().w[0])  # f=1 untouched
    y = ops.conv2d_forward(ex.x, ex.w, ex.b)
    np.testing.assert_array_equal(sum_table(ex), y[0, 1])
    # back to output channel 1: its kernels and bias are in the editors, and in the frames
    counts = count_shows(ex)
    ex.filter_picker.value = 0
    assert counts[ex.stage] == 1  # all editors changed: one message
    assert max(counts.values()) == 1
    np.testing.assert_array_equal(ex.w_editors[2].value, ex.w[0, 2])
    assert ex.bias_slider.value == ex.b[0] == 1
    np.testing.assert_array_equal(sum_table(ex), y[0, 0])
    ex.filter_picker.value = 1
    assert ex.w_editors[2].slider(0, 1).value == 3 and ex.bias_slider.value == 2
    assert "output channel 2" in ex.stage.captions[0]
    assert "W[f=2, c=3]" in ex.w_editors[2].children[0].value and ex.bias_slider.description == "b[f=2]"


def test_setting_x_in_code_updates_every_stage():
    ex = MultiChannelExplorer()
    ex.batch()
    x = np.arange(2 * 3 * 16, dtype=float).reshape(2, 3, 4, 4) % 5
    counts = count_shows(ex)
    ex.x = x
    assert counts[ex.stage] == counts[ex.batch_stage] == counts[ex.maps_stage] == 1
    assert counts[ex.shapes_stage] == 0  # the same shapes: nothing to send
    np.testing.assert_array_equal(sum_table(ex), ops.conv2d_forward(x, ex.w, ex.b)[0, 0])
    with pytest.raises(ValueError, match=r"x: expected shape \(2, 3, 4, 4\)"):
        ex.x = np.zeros((1, 3, 4, 4))


def test_batch_stage_shows_every_image_and_output_channel():
    ex = MultiChannelExplorer()
    ex.image_picker.value = 1
    section = ex.batch()
    tables = views.shown_tables(ex.batch_stage.frames[0])
    y = ops.conv2d_forward(ex.x, ex.w, ex.b)
    assert len(tables) == 4
    for index, (n, f) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        np.testing.assert_array_equal(as_floats(tables[index], "y", (3, 3)), y[n, f])
    assert "▶ Y[n=2, f=1]" in ex.batch_stage.frames[0]
    assert "Y (2, 2, 3, 3)" in ex.shapes_stage.frames[0]
    bundle = section._repr_mimebundle_()
    assert bundle["text/plain"].startswith("the whole batch")
    # the batch section shows the explorer's own controls (the same widgets)
    assert section.controls[0] is ex.root.controls[0] and section.controls[1] is ex.kernels
    ex.filter_picker.value = 1
    assert "▶ Y[n=2, f=2]" in ex.batch_stage.frames[0]


def test_multichannel_with_stride_and_padding():
    ex = MultiChannelExplorer(stride=2, padding=1)
    y = ops.conv2d_forward(ex.x, ex.w, ex.b, stride=2, padding=1)
    assert y.shape == (2, 2, 3, 3)
    np.testing.assert_array_equal(sum_table(ex), y[0, 0])
    x_cells = channel_tables(ex)[0][0]
    assert "pad(0,0)" in x_cells and "pad(5,5)" in x_cells and len(x_cells) == 36
    np.testing.assert_array_equal(as_floats(x_cells, "x", (4, 4)), ex.x[0, 0])
    # the last window starts at row and column 2*2 - 1 = 3 and reaches into the padding
    assert cut_out(ex.stage.frames[-1]) == ([4, 5], [4, 5], 3)
    assert "window: rows 4, 5, columns 4, 5" in ex.stage.frames[-1]


def test_multichannel_a_kernel_edit_makes_only_its_channels_trace_again():
    ex = MultiChannelExplorer()
    before = list(ex.traces)
    ex.w_editors[1].slider(0, 0).value = 3

    def fresh(c):
        return steps.conv_forward_steps(ex.x[ex.n, c], ex.w[ex.f, c], 0.0)

    assert ex.traces[0] is before[0] and ex.traces[2] is before[2]
    assert ex.traces[1] is not before[1]
    for c, trace in enumerate(ex.traces):
        np.testing.assert_array_equal(trace[-1].Y, fresh(c)[-1].Y)
    ex.x = ex.x + 1  # a new input: every channel again
    assert all(new is not old for new, old in zip(ex.traces, before))


def test_multichannel_a_kernel_too_large_shows_a_message():
    ex = MultiChannelExplorer(w=np.ones((1, 3, 5, 5)), b=[0.0])
    assert "larger than the padded input 4x4" in ex.error
    assert all(stage.error == ex.error for stage in ex.stages)
    assert ex.summary().endswith("no output: " + ex.error)
    assert "MultiChannelExplorer" in ex._repr_mimebundle_()["text/plain"]


def test_multichannel_channel_counts_must_agree():
    with pytest.raises(ValueError, match=r"x has 3 input channels .* but w has 2"):
        MultiChannelExplorer(x=default_multichannel()["x"], w=np.ones((2, 2, 2, 2)))
    with pytest.raises(ValueError, match=r"b must be one number or one per output channel"):
        MultiChannelExplorer(b=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"x has H_in = 9, more than the 8"):
        MultiChannelExplorer(x=np.ones((1, 3, 9, 9)))
    with pytest.raises(ValueError, match=r"padding=5 is outside"):
        MultiChannelExplorer(padding=5)


def test_an_overflow_is_a_message_never_a_question_mark():
    ex = MultiChannelExplorer()
    good = list(ex.stage.frames)
    x = ex.x
    x[0, 0] = [[1e308, -1e308, 1e308, -1e308]] * 4
    ex.x = x  # w11 x11 - w12 x12: 1e308 + 1e308 = inf, then inf - inf = NaN in some maps
    with np.errstate(over="ignore", invalid="ignore"):
        assert not np.all(np.isfinite(ops.conv2d_forward(x, ex.w, ex.b)))
    assert "too large for float64" in ex.error and ex.stage.error == ex.error
    assert ex.stage.frames == good
    assert not any("?" in table.values() for stage in ex.stages for f in stage.frames
                   for table in views.shown_tables(f))
    with pytest.raises(ValueError, match=r"x must hold finite numbers: x\[0, 0, 0, 0\] = NaN"):
        MultiChannelExplorer(x=np.full((2, 3, 4, 4), np.nan))


# ---------------------------------------------------------------------------------------
# The backward pass with stride and padding
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("stride, padding", [(2, 1), (1, 0), (2, 0), (3, 2), (3, 0), (1, 2)])
def test_strided_backward_steps_add_up_to_the_ops_gradient(stride, padding):
    ex = StridedBackwardExplorer()
    ex.weights(), ex.full_convolution()
    counts = count_shows(ex)
    ex.stride_slider.value = stride
    ex.padding_slider.value = padding
    assert all(v <= 2 for v in counts.values())  # one message per stage and slider move
    x, w, dy = ex.x, ex.w, ex.dy
    assert dy.shape == ops.output_size(x.shape, w.shape, stride, padding)
    dx, dw, _ = ops.conv2d_backward(dy, x, w, 0.0, stride, padding)
    trace = steps.conv_backward_steps(dy, x, w, 0.0, stride, padding)
    assert ex.stage.n_steps == ex.weights_stage.n_steps == len(trace)
    kh, kw = w.shape
    for t, record in enumerate(trace):
        i, j = record.i, record.j
        dy_name = "∂L/∂" + views.cell_name("y", i, j)
        # ∂L/∂X: what flows back, then (if the frames have room) what it adds on the window,
        # then the running total of the window's cells, cut out where steps puts the window
        frame = ex.stage.frames[t]
        tables = views.shown_tables(frame)
        assert tables[0] == {dy_name: views.format_number(dy[i, j])}
        assert cut_out(frame, -1)[:2] == ((record.rows + 1).tolist(), (record.cols + 1).tolist())
        inside = [(m, n) for m in range(kh) for n in range(kw)
                  if 0 <= record.rows[m] < x.shape[0] and 0 <= record.cols[n] < x.shape[1]]
        running = table(frame, -1)
        for m, n in inside:
            name = views.cell_name("x", record.rows[m], record.cols[n])
            assert running[name] == record.dX[record.rows[m], record.cols[n]]
        if len(tables) == 3:
            added = np.array(list(table(frame, 1).values())).reshape(w.shape)
            np.testing.assert_allclose(added, record.grad * w)
        # ∂L/∂W: the window of x times ∂L/∂y_ij, the running ∂L/∂W
        frame = ex.weights_stage.frames[t]
        assert views.shown_tables(frame)[0] == {dy_name: views.format_number(dy[i, j])}
        window = np.array(list(table(frame, 1).values())).reshape(w.shape)
        np.testing.assert_array_equal(window, record.window)
        np.testing.assert_allclose(named(table(frame, -1), "∂L/∂w", w.shape), record.dW)
    # the overviews: ∂L/∂Y as given and ∂L/∂X once all is added; X and ∂L/∂W
    overview = ex.overview_stage.frames[0]
    np.testing.assert_array_equal(named(table(overview, 0), "∂L/∂y", dy.shape), dy)
    np.testing.assert_allclose(named(table(overview, 1), "x", x.shape), dx)
    weights = ex.weights_overview_stage.frames[0]
    np.testing.assert_array_equal(padded_grid(table(weights, 0), "x", x.shape, padding),
                                  np.pad(x, padding))
    np.testing.assert_allclose(named(table(weights, 1), "∂L/∂w", w.shape), dw)
    np.testing.assert_array_equal(ex.dx, dx)
    np.testing.assert_allclose(ex.dw, dw)
    # the full convolution: what is shown, cropped, is the backward pass, and the verdict says so
    full = ex.full_stage.frames[0]
    np.testing.assert_allclose(named(table(full, 3), "∂L/∂x", x.shape), dx)
    np.testing.assert_allclose(
        matrix_form.input_grad_as_full_convolution(dy, w, x.shape, stride, padding), dx)
    assert "np.allclose: True" in full


def test_the_padding_border_gets_gradient_that_is_dropped():
    ex = StridedBackwardExplorer()  # stride 2, padding 1
    ex.full_convolution()
    x, w, dy = ex.x, ex.w, ex.dy
    overview = ex.overview_stage.frames[0]
    running = padded_grid(table(overview, 1), "x", x.shape, 1)
    dxp = ops.conv2d_backward(dy, np.pad(x, 1), w, 0.0, 2, 0)[0]
    np.testing.assert_array_equal(running, dxp)
    np.testing.assert_array_equal(running[1:-1, 1:-1], ops.conv2d_backward(dy, x, w, 0.0, 2, 1)[0])
    running_html = overview.split("∂L/∂X after every step")[1]
    assert len(re.findall(r"class='cv-mark'>⌫</span>", running_html)) == 7 * 7 - 5 * 5
    # each step's running total of its window is the padded total so far
    last = ex.stage.frames[-1]
    assert cut_out(last, -1) == ([4, 5, 6], [4, 5, 6], 5)
    np.testing.assert_array_equal(list(table(last, -1).values()), dxp[4:, 4:].ravel())
    assert table(last, -1)["x55"] == dxp[5, 5] and table(last, -1)["pad(6,6)"] == dxp[6, 6]
    full = padded_grid(table(ex.full_stage.frames[0], 2), "x", x.shape, 1)
    np.testing.assert_allclose(full, dxp)
    # the first window starts in the padding: what it adds is named by where it lands
    first = views.shown_tables(ex.stage.frames[0])[1]
    assert list(first)[:4] == ["pad(0,0)", "pad(0,1)", "pad(0,2)", "pad(1,0)"]
    assert list(first)[4] == "x11"


def test_the_spread_gradient_has_zeros_between_and_around_the_entries():
    ex = StridedBackwardExplorer()  # 3x3 dy, stride 2, kernel 3: 5x5 spread, 9x9 with border
    ex.full_convolution()
    tables = views.shown_tables(ex.full_stage.frames[0])
    spread = as_floats(tables[0], "d", (9, 9))
    np.testing.assert_array_equal(spread, matrix_form.full_padding(ex.dy, (3, 3), 2))
    np.testing.assert_array_equal(spread[2:7:2, 2:7:2], ex.dy)
    np.testing.assert_array_equal(as_floats(tables[1], "rot", (3, 3)), ex.w[::-1, ::-1])


def test_changing_the_stride_reshapes_dy_and_remembers_the_values():
    ex = StridedBackwardExplorer()
    ex.dy_editor.slider(0, 0).value = 4
    first = ex.dy_editor
    ex.stride_slider.value = 1  # 5x5 output
    assert ex.dy_editor.shape == (5, 5) and ex.dy_editor is not first
    np.testing.assert_array_equal(ex.dy[:3, :3], first.value)  # kept where they overlap
    assert (ex.dy[3:, :] == 1).all() and (ex.dy[:, 3:] == 1).all()
    ex.dy_editor.slider(4, 4).value = -3
    ex.stride_slider.value = 2
    assert ex.dy_editor is first and ex.dy[0, 0] == 4
    ex.stride_slider.value = 1
    assert ex.dy[4, 4] == -3
    assert "cnnviz-editor-dy" in ex.dy_editor._dom_classes
    assert "cnnviz-slider-dy55" in ex.dy_editor.slider(4, 4)._dom_classes


def test_strided_backward_bad_settings_show_a_message_and_keep_the_values():
    ex = StridedBackwardExplorer(x=np.arange(4.0).reshape(2, 2), dy=np.ones((1, 1)), padding=1)
    ex.weights()
    assert ex.error == "" and ex.dy.shape == (1, 1)
    before = list(ex.stage.frames)
    ex.w_editor.slider(1, 1).value = 3
    changed, weights = list(ex.stage.frames), list(ex.weights_stage.frames)
    assert changed != before
    ex.padding_slider.value = 0  # a 3x3 kernel on a 2x2 input
    assert "larger than the padded input 2x2" in ex.error
    assert all(stage.error == ex.error for stage in ex.stages)
    assert ex.padding == 0 and ex.stride == 2 and ex.w[1, 1] == 3
    assert ex.stage.frames == changed and ex.weights_stage.frames == weights  # last good ones
    assert "no output" in ex.summary()
    ex.padding_slider.value = 2
    assert ex.error == "" and ex.dy.shape == ops.output_size((2, 2), 3, 2, 2)
    assert all(stage.error == "" for stage in ex.stages)


def test_a_dy_of_the_wrong_shape_is_refused_naming_both_shapes():
    with pytest.raises(ValueError, match=r"∂L/∂Y has shape \(2, 2\).*output of shape \(3, 3\)"):
        StridedBackwardExplorer(dy=np.full((2, 2), 7.0))
    ex = StridedBackwardExplorer(dy=np.full((3, 3), 7.0))  # fits: used as given
    np.testing.assert_array_equal(ex.dy, np.full((3, 3), 7.0))
    ex = StridedBackwardExplorer(dy=np.full((5, 5), 2.0), stride=1)
    np.testing.assert_array_equal(ex.dy, np.full((5, 5), 2.0))


def test_a_1d_x_is_a_wrong_shape():
    with pytest.raises(ValueError, match=r"x has the wrong shape: expected a matrix \(H_in, W_in\), "
                                         r"got shape \(6,\)"):
        StridedBackwardExplorer(x=np.ones(6))


def test_a_bad_x_set_in_code_shows_its_message_and_still_displays():
    ex = StridedBackwardExplorer()
    ex.weights()
    good = list(ex.stage.frames)
    ex.x = np.ones(6)
    assert "x has the wrong shape" in ex.error and "(6,)" in ex.error
    assert ex.stage.error == ex.error and ex.weights_stage.error == ex.error
    assert ex.stage.frames == good
    bundle = ex._repr_mimebundle_()
    assert "no output: x has the wrong shape" in bundle["text/plain"]
    assert "x has the wrong shape" in ex.root.static_html()
    assert "(6,)" in ex.summary()
    ex.x = np.ones((4, 4))
    assert ex.error == "" and ex.dy.shape == (2, 2)
    np.testing.assert_allclose(ex.dx, ops.conv2d_backward(ex.dy, np.ones((4, 4)), ex.w, 0.0, 2, 1)[0])


def test_strided_constructor_limits():
    with pytest.raises(ValueError, match=r"stride=4 is outside .* from 1 to 3"):
        StridedBackwardExplorer(stride=4)
    with pytest.raises(ValueError, match=r"padding=3 is outside .* from 0 to 2"):
        StridedBackwardExplorer(padding=3)
    with pytest.raises(ValueError, match=r"x has H_in = 3000, more than the 8"):
        StridedBackwardExplorer(x=np.ones((3000, 3000)))
    with pytest.raises(ValueError, match=r"x must hold finite numbers"):
        StridedBackwardExplorer(x=np.full((5, 5), np.inf))


def test_strided_overflow_is_a_message():
    ex = StridedBackwardExplorer()
    good = list(ex.stage.frames)
    ex.x = np.full((5, 5), 1e308)
    assert "too large for float64" in ex.error and ex.stage.frames == good


def test_strided_summary_sections_and_classes():
    ex = StridedBackwardExplorer()
    text = ex._repr_mimebundle_()["text/plain"]
    dx = ops.conv2d_backward(ex.dy, ex.x, ex.w, 0.0, 2, 1)[0]
    assert "StridedBackwardExplorer: X 5x5, W 3x3, stride 2, padding 1; dL/dX = [" in text
    assert "equals the full convolution" in text
    assert views.format_number(dx[0, 3]) in text
    for section in (ex.full_convolution(), ex.weights()):
        assert "application/vnd.jupyter.widget-view+json" in section._repr_mimebundle_()
        assert 'data-cell=\\"' in section.static_html()
        assert {"cnnviz-explorer", "cnnviz-strided-backward"} <= set(section.widget._dom_classes)
        # the same sliders and editors in every section: one widget each
        assert section.controls == ex.root.controls
    assert "cnnviz-slider-stride" in ex.stride_slider._dom_classes


def test_a_slider_moved_in_any_section_updates_every_stage_once():
    ex = StridedBackwardExplorer()
    ex.weights(), ex.full_convolution()
    counts = count_shows(ex)
    ex.w_editor.slider(0, 0).value = 4
    assert counts[ex.stage] == counts[ex.full_stage] == 1
    assert counts[ex.weights_stage] == 0  # ∂L/∂W does not depend on W: nothing to send
    np.testing.assert_allclose(named(table(ex.full_stage.frames[0], 3), "∂L/∂x", (5, 5)),
                               ops.conv2d_backward(ex.dy, ex.x, ex.w, 0.0, 2, 1)[0])
    counts = count_shows(ex)
    ex.dy_editor.slider(2, 2).value = -4
    assert set(counts.values()) == {1}  # every picture depends on ∂L/∂Y
    np.testing.assert_allclose(ex.two_ways.dx_full, ex.dx)


# ---------------------------------------------------------------------------------------
# Message size, and the layers below
# ---------------------------------------------------------------------------------------
def notebook_explorers():
    """The explorers of notebook 06 with its settings, every section shown."""
    sizes = cnnviz.OutputSizeExplorer(height=5, width=5, kernel=3, padding=1, stride=2, dilation=1)
    bad = cnnviz.OutputSizeExplorer(height=3, width=3, kernel=5, padding=0, stride=1, dilation=1)
    channels = cnnviz.MultiChannelExplorer()
    channels.batch()
    backward = cnnviz.StridedBackwardExplorer(stride=2, padding=1)
    backward.weights(), backward.full_convolution()
    return [sizes, bad, channels, backward]


def test_every_stage_of_notebook_06_sends_at_most_100_kb():
    for ex in notebook_explorers():
        for stage in ex.stages:
            assert stage_bytes(stage) <= 100_000, (type(ex).__name__, stage._dom_classes)
    # and after a slider move
    channels = cnnviz.MultiChannelExplorer()
    channels.w_editors[0].slider(0, 0).value = -3
    assert stage_bytes(channels.stage) <= 100_000


def assert_every_stage_within_100_kb(ex):
    for stage in ex.stages:
        assert stage_bytes(stage) <= 100_000, (ex.summary(), stage._dom_classes)


def output_size_settings():
    """Every (H_in, W_in, K, padding, stride, dilation) the sliders allow at H_in = W_in = 8 (the
    most windows), and 300 more drawn from all 15360 the sliders allow."""
    ranges = OutputSizeExplorer.RANGES.values()
    every = list(itertools.product(*(range(low, high + 1) for low, high in ranges)))
    assert len(every) == 8 * 8 * 5 * 4 * 4 * 3
    drawn = np.random.default_rng(6).choice(len(every), 300, replace=False)
    return [s for s in every if s[:2] == (8, 8)] + [every[i] for i in sorted(drawn)]


def test_every_output_size_setting_sends_every_window_within_100_kb():
    ex = OutputSizeExplorer()
    shown = 0
    for setting in output_size_settings():
        set_output_size(ex, *setting)
        assert_every_stage_within_100_kb(ex)
        if ex.error:  # no window fits: the message, and the last frames
            continue
        shown += 1
        ho, wo = ex.output_shape
        assert ex.stage.n_steps == ho * wo, setting  # every window, none left out
        assert "shown" not in ex.stage.captions[-1]
    assert shown > 300


def test_multichannel_with_its_sample_at_every_padding_and_dilation_sends_every_step():
    for padding, dilation in itertools.product(range(4), range(1, 4)):
        ex = MultiChannelExplorer(padding=padding, dilation=dilation)
        ex.batch()
        assert_every_stage_within_100_kb(ex)
        ho, wo = ops.output_size((4, 4), 2, 1, padding, dilation)
        assert ex.stage.n_steps == ho * wo
        np.testing.assert_array_equal(
            sum_table(ex), ops.conv2d_forward(ex.x, ex.w, ex.b, 1, padding, dilation)[0, 0])


@pytest.mark.parametrize("kernel", [1, 2, 3, 5])
def test_multichannel_at_its_largest_sends_within_100_kb(kernel):
    rng = np.random.default_rng(kernel)
    x = rng.integers(-3, 4, (4, 4, 8, 8))
    w = rng.integers(-3, 4, (4, 4, kernel, kernel))
    b = rng.integers(-3, 4, 4)
    ex = MultiChannelExplorer(x=x, w=w, b=b, padding=3)
    ex.batch()
    ex.image_picker.value, ex.filter_picker.value = 3, 2
    assert_every_stage_within_100_kb(ex)
    y = ops.conv2d_forward(x, w, b, padding=3)
    assert ex.stage.n_steps == (8 + 6 - kernel + 1) ** 2  # every position
    np.testing.assert_array_equal(sum_table(ex), y[3, 2])
    i, j = divmod(ex.stage.n_steps - 1, y.shape[3])
    assert views.shown_tables(ex.stage.frames[-1])[-1] == {
        views.cell_name("y", i, j): views.format_number(y[3, 2, i, j])}
    # the batch: the chosen Y[n, f] can be read back at any size
    chosen = views.shown_tables(ex.batch_stage.frames[0])[3 * 4 + 2]
    np.testing.assert_array_equal(as_floats(chosen, "y", y.shape[2:]), y[3, 2])
    ex.w_editors[3].slider(0, 0).value = -3
    assert_every_stage_within_100_kb(ex)


@pytest.mark.parametrize("stride, padding", list(itertools.product(range(1, 4), range(3))))
def test_every_strided_setting_sends_every_step_within_100_kb(stride, padding):
    ex = StridedBackwardExplorer()
    ex.weights(), ex.full_convolution()
    ex.stride_slider.value, ex.padding_slider.value = stride, padding
    # the editors' extremes: the longest numbers they can make
    ex.w_editor.value = np.full((3, 3), -5.0)
    ex.dy_editor.value = np.full(ex.dy.shape, -5.0)
    assert_every_stage_within_100_kb(ex)
    assert ex.stage.n_steps == ex.weights_stage.n_steps == len(ex.trace) == ex.dy.size
    np.testing.assert_allclose(named(table(ex.weights_stage.frames[-1], -1), "∂L/∂w", (3, 3)),
                               ops.conv2d_backward(ex.dy, ex.x, ex.w, 0.0, stride, padding)[1])


@pytest.mark.parametrize("kernel", range(1, 6))
def test_strided_at_its_largest_sends_within_100_kb_leaving_out_steps_if_it_must(kernel):
    rng = np.random.default_rng(kernel)
    x = rng.integers(-3, 4, (8, 8))
    ex = StridedBackwardExplorer(x=x, w=rng.integers(-3, 4, (kernel, kernel)), stride=1,
                                 padding=2)
    ex.weights(), ex.full_convolution()
    assert_every_stage_within_100_kb(ex)
    n = len(ex.trace)
    for stage in (ex.stage, ex.weights_stage):
        if stage.n_steps < n:  # the last resort: every m-th step, and the captions say so
            every = int(re.search(r"1 step in (\d+) shown", stage.captions[0]).group(1))
            assert stage.n_steps == len(set(range(0, n, every)) | {n - 1})
            assert all(f"all {n} are more than" in c for c in stage.captions)
    # the last frame is the last step: its running ∂L/∂W is the layer's
    dw = ops.conv2d_backward(ex.dy, x, ex.w, 0.0, 1, 2)[1]
    np.testing.assert_allclose(named(table(ex.weights_stage.frames[-1], -1), "∂L/∂w", dw.shape),
                               dw)
    assert ex.stage.captions[-1].startswith(f"step {n} of {n}:")


def test_geometry_and_views_do_not_import_widgets():
    code = ("import sys; import cnnviz.derivation.geometry, cnnviz.render.general; "
            "assert 'ipywidgets' not in sys.modules; "
            "import cnnviz; cnnviz.OutputSizeExplorer; assert 'ipywidgets' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_geometry_layout_agrees_with_the_ops_on_random_settings():
    rng = np.random.default_rng(3)
    for _ in range(40):
        h, w = rng.integers(1, 9, size=2)
        k, p, s, d = rng.integers(1, 5), rng.integers(0, 3), rng.integers(1, 4), rng.integers(1, 3)
        try:
            out = ops.output_size((h, w), k, s, p, d)
        except ValueError:
            with pytest.raises(ValueError):
                geometry.window_layout((h, w), k, s, p, d)
            assert not (geometry.axis_arithmetic(h, k, s, p, d).fits
                        and geometry.axis_arithmetic(w, k, s, p, d).fits)
            continue
        lay = geometry.window_layout((h, w), k, s, p, d)
        assert lay.out_shape == out == (lay.rows.out, lay.cols.out)
        inner = lay.coverage[p:p + h, p:p + w]
        np.testing.assert_array_equal(inner, windows_reading((h, w), k, s, p, d))
        assert lay.rows.leftover == (h + 2 * p - d * (k - 1) - 1) % s


# ---------------------------------------------------------------------------------------
# Colour: one diverging scale per explorer
# ---------------------------------------------------------------------------------------
from colour_checks import coloured_cells, legends  # noqa: E402  (name, number shown, fill)


def assert_one_scale(ex, frames):
    """Every grid cell of these frames: its hue says its sign, its depth grows with |value|
    on the explorer's one scale (the same number, the same colour, in every frame); the scale
    is the round number above the largest |value| the grids show."""
    cells = [(float(shown), fill) for frame in frames for _, shown, fill in coloured_cells(frame)]
    assert cells
    for v, fill in cells:
        if v < 0:
            assert re.fullmatch(r"cv-n[1-7]", fill), (v, fill)
        elif v > 0:
            assert re.fullmatch(r"cv-p[1-7]", fill), (v, fill)
        else:
            assert fill in ("", "cv-z"), (v, fill)
        assert fill == colour.fill_class(v, ex.scale) or (v == 0 and fill == "")
    for sign in (-1, 1):
        steps = sorted((abs(v), int(f[-1])) for v, f in cells if np.sign(v) == sign)
        assert all(a[1] <= b[1] for a, b in zip(steps, steps[1:])), steps
    assert ex.scale == colour.scale_for([v for v, _ in cells])


def test_multichannel_grids_share_one_scale_and_the_one_frame_stages_say_it():
    ex = MultiChannelExplorer()
    ex.batch()
    frames = [f for stage in (ex.maps_stage, ex.stage, ex.batch_stage) for f in stage.frames]
    assert_one_scale(ex, frames)
    y = ops.conv2d_forward(ex.x, ex.w, ex.b)
    assert ex.scale == 10.0 and np.abs(y).max() == 9  # the batch's largest |y|
    assert legends(ex.maps_stage.frames[0]) == legends(ex.batch_stage.frames[0]) == ["10"]
    assert not any(legends(f) for f in ex.stage.frames)  # once per explorer, not per step
    # another image: the scale of what is shown now, in every stage alike
    ex.w_editors[0].slider(0, 1).value = -3
    ex.image_picker.value = 1
    frames = [f for stage in (ex.maps_stage, ex.stage, ex.batch_stage) for f in stage.frames]
    assert_one_scale(ex, frames)
    assert legends(ex.maps_stage.frames[0]) == [views.format_number(ex.scale)]


def test_multichannel_at_its_largest_leaves_out_colours_before_windows():
    rng = np.random.default_rng(3)
    ex = MultiChannelExplorer(x=rng.integers(-3, 4, (1, 4, 8, 8)),
                              w=rng.integers(-3, 4, (1, 4, 2, 2)), b=[1])
    cells = [(shown, fill) for f in ex.stage.frames for _, shown, fill in coloured_cells(f)]
    # every window is there, its numbers plain: coloured, the frames would not fit
    assert len(cells) == 49 * 4 * 4 and {fill for _, fill in cells} == {""}
    assert stage_bytes(ex.stage) <= 100_000
    assert_one_scale(ex, ex.maps_stage.frames)


def test_strided_grids_of_every_section_share_one_scale():
    ex = StridedBackwardExplorer()
    ex.weights(), ex.full_convolution()
    one_frame = (ex.overview_stage, ex.weights_overview_stage, ex.full_stage)
    frames = [f for stage in ex.stages for f in stage.frames]
    assert_one_scale(ex, frames)
    for stage in one_frame:
        assert legends(stage.frames[0]) == [views.format_number(ex.scale)]
    assert not any(legends(f) for stage in (ex.stage, ex.weights_stage) for f in stage.frames)
    # the running totals are on the scale too, and the padding's gradient (dropped) as well
    ex.dy_editor.value = np.array([[5, -5, 5], [-5, 5, -5], [5, -5, 5]])
    frames = [f for stage in ex.stages for f in stage.frames]
    assert_one_scale(ex, frames)
    assert ex.scale >= max(np.abs(s.dX).max() for s in ex.trace)


def test_output_size_counts_are_not_coloured():
    ex = OutputSizeExplorer()
    assert not any(fill for stage in ex.stages for f in stage.frames
                   for _, _, fill in coloured_cells(f))
    assert not any(legends(f) for stage in ex.stages for f in stage.frames)


# ---------------------------------------------------------------------------------------
# Notation: the input H_in x W_in, the output H_out x W_out (W alone is the kernel)
# ---------------------------------------------------------------------------------------
def test_the_sliders_formula_and_shapes_name_the_input_h_in_by_w_in():
    ex = OutputSizeExplorer()
    assert ex.height_slider.description == "H_in (rows)"
    assert ex.width_slider.description == "W_in (columns)"
    rows, cols = ex.formula_stage.frames[0].split("cnnviz-math-line")[1:3]
    h_in = "<msub><mi>H</mi><mrow><mi>i</mi><mi>n</mi></mrow></msub>"
    w_in = "<msub><mi>W</mi><mrow><mi>i</mi><mi>n</mi></mrow></msub>"
    # H_out = ⌊(H_in + 2p ...)⌋: the input's height in the numerator, not the kernel's W
    assert h_in in rows and w_in in cols and "<mi>H</mi><mo>+</mo>" not in rows
    assert "<mi>W</mi><mo>+</mo>" not in cols
    line = MultiChannelExplorer().shapes_stage.frames[0]
    assert ("(N, C, H<sub>in</sub>, W<sub>in</sub> → N, F, H<sub>out</sub>, W<sub>out</sub>)"
            in line)
    assert "C·K<sub>H</sub>·K<sub>W</sub> = 3·2·2 = 12 products" in line


@pytest.mark.parametrize("size, kernel, stride, padding, dilation", [
    ((4, 6), 5, 1, 0, 1), ((5, 5), 3, 1, 0, 3), ((2, 5), 5, 2, 1, 1), ((3, 8), 2, 1, 0, 3)])
def test_a_kernel_too_large_says_what_the_op_says(size, kernel, stride, padding, dilation):
    with pytest.raises(ValueError) as refused:
        ops.output_size(size, kernel, stride, padding, dilation)
    ex = OutputSizeExplorer(*size, kernel, padding, stride, dilation)
    assert ex.error == str(refused.value)
    assert all(stage.error == ex.error for stage in ex.stages)


def test_the_multichannel_and_strided_too_large_messages_are_the_ops():
    with pytest.raises(ValueError) as refused:
        ops.conv2d_forward(np.ones((1, 3, 4, 4)), np.ones((1, 3, 5, 5)), [0.0])
    assert MultiChannelExplorer(w=np.ones((1, 3, 5, 5)), b=[0.0]).error == str(refused.value)
    ex = StridedBackwardExplorer(x=np.ones((2, 2)), dy=np.ones((1, 1)), padding=1)
    ex.padding_slider.value = 0
    with pytest.raises(ValueError) as refused:
        ops.output_size((2, 2), (3, 3), 2, 0)
    assert ex.error == str(refused.value)


# ---------------------------------------------------------------------------------------
# The explorers in Chinese: the same numbers, no English words outside math and names
# ---------------------------------------------------------------------------------------
def tables_of(ex):
    """Every stage's frames read back as tables (the numbers, by cell name)."""
    return [[views.shown_tables(f) for f in stage.frames] for stage in ex.stages]


@pytest.mark.parametrize("h, w, k, p, s, d", SETTINGS.values(), ids=SETTINGS.keys())
def test_a_chinese_output_size_explorer_shows_no_english_words(h, w, k, p, s, d):
    ex = OutputSizeExplorer(lang="zh")
    english = OutputSizeExplorer(lang="en")
    for explorer in (ex, english):
        set_output_size(explorer, h, w, k, p, s, d)
    assert english_in(explorer_texts(ex)) == {}
    assert tables_of(ex) == tables_of(english)  # the same numbers in the same cells
    assert [c.split("：")[1] for c in ex.stage.captions] == \
        [c.split(": ")[1] for c in english.stage.captions]  # y_ij of each window
    labels = [slider.description for slider in ex.sliders.values()]
    assert labels == ["H_in（行数）", "W_in（列数）", "K（卷积核）", "p（填充）", "s（步长）",
                      "d（膨胀）"]
    assert ex.stage.captions[0].startswith(f"窗口 #1（共 {ex.stage.n_steps} 个）")


def test_a_chinese_output_size_explorer_says_why_no_window_fits_in_chinese():
    ex = OutputSizeExplorer(height=6, width=5, kernel=3, padding=0, stride=2, lang="zh")
    facts = visible_text(ex.formula_stage.frames[0])
    assert "填充后输入的最后 1 行从来没有被读到：3 不是 s = 2 的倍数（余数为 1）" in facts
    assert "✗ 从未被读到" in ex.grid_stage.frames[0]
    ex.kernel_slider.value, ex.dilation_slider.value = 5, 2  # spans 9 > 6 rows
    assert ex.error == ("卷积核 5×5 在膨胀 (2, 2) 下跨越 9×9，比填充后的输入 6×5 还大"
                        "（输入 6×5，填充 (0, 0)）：请减小卷积核或膨胀，或增大填充")
    assert all(stage.error == ex.error for stage in ex.stages)
    assert "一个窗口也放不下" in ex.formula_stage.frames[0]
    assert english_in(explorer_texts(ex)) == {}


@pytest.mark.parametrize("stride, padding, dilation", [(1, 0, 1), (2, 1, 1), (1, 3, 2)])
def test_a_chinese_multichannel_explorer_shows_no_english_words(stride, padding, dilation):
    ex = MultiChannelExplorer(stride=stride, padding=padding, dilation=dilation, lang="zh")
    english = MultiChannelExplorer(stride=stride, padding=padding, dilation=dilation, lang="en")
    sections = [ex.batch()]
    english.batch()
    for explorer in (ex, english):
        explorer.image_picker.value, explorer.filter_picker.value = 1, 1
    assert english_in(explorer_texts(ex, sections)) == {}
    assert tables_of(ex) == tables_of(english)
    assert ex.image_picker._options_labels == ("图像 1", "图像 2")
    assert ex.filter_picker._options_labels == ("输出通道 1", "输出通道 2")
    assert ex.stage.captions[0] == f"第 1/{ex.stage.n_steps} 步：图像 2、输出通道 2 的 y₁₁"
    assert "每个 y 要把 C·K<sub>H</sub>·K<sub>W</sub> = 3·2·2 = 12 个乘积相加" in \
        ex.shapes_stage.frames[0]
    assert "通道 3：X[n=2, c=3]" in ex.maps_stage.frames[0]


def test_a_chinese_multichannel_explorer_says_what_is_wrong_in_chinese():
    ex = MultiChannelExplorer(w=np.ones((1, 3, 5, 5)), b=[0.0], lang="zh")
    assert ex.error.startswith("卷积核 5×5 跨越 5×5，比填充后的输入 4×4 还大")
    assert all(stage.error == ex.error for stage in ex.stages)
    ex = MultiChannelExplorer(lang="zh")
    x = ex.x
    x[0, 0] = [[1e308, -1e308, 1e308, -1e308]] * 4
    ex.x = x
    assert "这些数太大，超出了 float64 的范围" in ex.error and english_in([ex.error]) == {}
    with pytest.raises(ValueError, match="x：形状应为 \\(2, 3, 4, 4\\)，现在是 \\(1, 3, 4, 4\\)"):
        ex.x = np.zeros((1, 3, 4, 4))


@pytest.mark.parametrize("stride, padding", [(2, 1), (1, 0), (3, 2)])
def test_a_chinese_strided_explorer_shows_no_english_words(stride, padding):
    ex = StridedBackwardExplorer(stride=stride, padding=padding, lang="zh")
    english = StridedBackwardExplorer(stride=stride, padding=padding, lang="en")
    sections = [ex.weights(), ex.full_convolution()]
    english.weights(), english.full_convolution()
    assert english_in(explorer_texts(ex, sections)) == {}
    assert tables_of(ex) == tables_of(english)
    assert ex.stride_slider.description == "s（步长）" and ex.padding_slider.description == "p（填充）"
    assert ex.stage.captions[0] == f"第 1/{ex.stage.n_steps} 步：∂L/∂y₁₁ 传回"
    full = ex.full_stage.frames[0]
    assert "✔ 与反向传播算出的 ∂L/∂X 相等（<code>np.allclose: True</code>）" in full
    assert "W 旋转 180°" in full and "裁掉边框：∂L/∂X" in full


def test_a_chinese_strided_explorer_says_what_is_wrong_in_chinese():
    ex = StridedBackwardExplorer(lang="zh")
    good = list(ex.stage.frames)
    ex.x = np.ones(6)
    assert ex.error == "x 的形状不对：应为一个矩阵 (H_in, W_in)，现在的形状是 (6,)"
    assert all(stage.error == ex.error for stage in ex.stages) and ex.stage.frames == good
    ex.x = np.ones((2, 2))
    ex.padding_slider.value = 0  # a 3x3 kernel on a 2x2 input
    assert ex.error.startswith("卷积核 3×3 跨越 3×3，比填充后的输入 2×2 还大")
    ex.padding_slider.value = 1
    assert ex.error == ""
    ex.x = np.full((5, 5), 1e308)
    assert ex.error.endswith("这些数太大，超出了 float64 的范围；请用小一些的数")
    assert english_in([ex.error]) == {}


def test_the_catalog_of_notebook_06_has_each_id_once_and_prefixed():
    """A dict literal keeps the last of two equal keys without a word: read the source."""
    import ast
    import collections
    from cnnviz import words, words_general
    tree = ast.parse(open(words_general.__file__, encoding="utf-8").read())
    catalog = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                   and getattr(node.targets[0], "id", "") == "WORDS")
    counts = collections.Counter(key.value for key in catalog.keys)
    assert [key for key, n in counts.items() if n > 1] == []
    assert len(counts) == len(words_general.WORDS)
    assert all(key.startswith("general.") for key in counts)
    assert all(words.WORDS[key] is entry for key, entry in words_general.WORDS.items())
