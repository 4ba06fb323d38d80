"""Notebook 06's explorers, driven without a browser: set sliders and steps, read the views.

Every number is read back from the HTML the student sees (data-cell / data-value, through
cnnviz.views.shown_tables) and compared with cnnviz's ops for the same settings. Bad settings
must show a message, raise nothing, and keep every other value the student set.
"""
import subprocess
import sys

import numpy as np
import pytest

import cnnviz
from cnnviz import geometry, matrix_form, ops, steps
from cnnviz.render import conv as views
from cnnviz.explorers.general import (
    MultiChannelExplorer,
    OutputSizeExplorer,
    StridedBackwardExplorer,
)


def table(view, index):
    """{name: float} of one matrix table of a view."""
    cells = views.shown_tables(view.value)[index]
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


def outlined(view_html, css="cv-win"):
    """data-cell names of the cells with the given class, in document order."""
    import re
    return re.findall(rf'<td class="{css}(?: cv-pad)?" data-cell="([^"]*)"', view_html)


def windows_reading(size, kernel, stride, padding, dilation):
    """How many windows read each input cell, from the backward op itself: with dy = 1 and
    w = 1, dL/dx_rc counts the windows (and taps) that read x_rc."""
    out = ops.output_size(size, kernel, stride, padding, dilation)
    return ops.conv2d_backward(np.ones(out), np.zeros(size), np.ones((kernel, kernel)), 0.0,
                               stride, padding, dilation)[0]


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
def test_output_size_view_shows_the_ops_size_and_where_the_windows_land(h, w, k, p, s, d):
    ex = OutputSizeExplorer()
    set_output_size(ex, h, w, k, p, s, d)
    assert ex.error == "" and ex.message.value == ""
    ho, wo = ops.output_size((h, w), k, s, p, d)
    assert ex.output_shape == (ho, wo)
    assert ex.player.n_steps == ho * wo
    # the formula ends with the op's numbers, for both axes
    formula = ex.formula_view.value
    assert formula.count("$$") == 4
    assert f"+ 1 = {ho}$$" in formula.split("W_{out}")[0]
    assert formula.rstrip("$</div>").endswith(f"+ 1 = {wo}")
    assert rf"\dfrac{{{h} + 2 \cdot {p} - {d} \cdot ({k}-1) - 1}}{{{s}}}" in formula
    # the picture: the padded grid, each input cell with how many windows read it
    grid = table(ex.grid_view, 0)
    assert len(grid) == (h + 2 * p) * (w + 2 * p)
    np.testing.assert_array_equal(named(grid, "x", (h, w)), windows_reading((h, w), k, s, p, d))
    # the output grid numbers every y_ij by its window, row-major
    output = table(ex.output_view, 0)
    np.testing.assert_array_equal(named(output, "y", (ho, wo)),
                                  np.arange(1, ho * wo + 1).reshape(ho, wo))


@pytest.mark.parametrize("h, w, k, p, s, d", list(SETTINGS.values())[:5], ids=list(SETTINGS)[:5])
def test_the_player_outlines_each_window_where_steps_puts_it(h, w, k, p, s, d):
    ex = OutputSizeExplorer()
    set_output_size(ex, h, w, k, p, s, d)
    ho, wo = ex.output_shape
    for t in range(ho * wo):
        ex.player.step = t
        i, j = divmod(t, wo)
        rows, cols = steps.window_coordinates(i, j, k, s, p, d)
        expected = [views.cell_name("x", r, c) if 0 <= r < h and 0 <= c < w
                    else f"pad({r + 1},{c + 1})" for r in rows for c in cols]
        assert outlined(ex.grid_view.value) == expected
        assert outlined(ex.output_view.value, "cv-cur") == [views.cell_name("y", i, j)]
        assert f"window #{t + 1} of {ho * wo}" in ex.player.status.value
        # every other window's start is numbered (unless the current window covers it)
        current = {(int(r), int(c)) for r in rows for c in cols}
        for other in range(ho * wo):
            r0, c0 = (v[0] for v in steps.window_coordinates(*divmod(other, wo), k, s, p, d))
            note = f'<div class="cv-note">#{other + 1}</div>'
            assert (note in ex.grid_view.value) == ((int(r0), int(c0)) not in current)


def test_input_rows_that_no_window_reads_are_marked():
    ex = OutputSizeExplorer()
    set_output_size(ex, 6, 5, 3, 0, 2, 1)  # rows: (6 - 3) // 2 + 1 = 2 windows, row 6 unread
    assert ex.output_shape == (2, 2)
    unread = outlined(ex.grid_view.value, "cv-unread")
    assert unread == [views.cell_name("x", 5, c) for c in range(5)]
    assert ex.grid_view.value.count("✗ never read") == 5
    assert "The last 1 row of the padded input is never read" in ex.facts_view.value
    assert "never read" not in ex.facts_view.value.split("columns:")[1]


def test_a_kernel_larger_than_the_padded_input_shows_a_message_and_keeps_the_values():
    ex = OutputSizeExplorer()
    set_output_size(ex, 4, 6, 3, 0, 1, 1)
    grid_before, output_before = ex.grid_view.value, ex.output_view.value
    ex.kernel_slider.value = 5  # 5 > 4 rows, padding 0
    assert "larger than the padded input 4x6" in ex.error
    assert "larger than the padded input 4x6" in ex.message.value and "⚠" in ex.message.value
    assert ex.settings == dict(size=(4, 6), kernel=5, padding=0, stride=1, dilation=1)
    # the formula shows why: a negative numerator, no window fits along the rows
    assert r"\dfrac{-1}{1}" in ex.formula_view.value and r"(-1) + 1 = 0 \le 0" in ex.formula_view.value
    assert "no window fits" in ex.facts_view.value
    # the picture keeps the last valid setting, the player still works
    assert (ex.grid_view.value, ex.output_view.value) == (grid_before, output_before)
    ex.player.step = 1
    assert ex.summary().endswith("-> no output: " + ex.error)
    # moving another slider keeps the bad kernel, and padding 1 makes it fit again
    ex.stride_slider.value = 2
    assert ex.error and ex.kernel_slider.value == 5
    ex.padding_slider.value = 1
    assert ex.error == "" and ex.message.value == ""
    assert ex.output_shape == ops.output_size((4, 6), 5, 2, 1) == (1, 2)


def test_dilation_too_large_is_a_bad_setting_too():
    ex = OutputSizeExplorer(height=5, width=5, kernel=3, padding=0, stride=1, dilation=1)
    ex.dilation_slider.value = 3  # span 3*(3-1)+1 = 7 > 5
    assert "with dilation (3, 3) spans 7x7" in ex.error


def test_output_size_summary_and_static_html():
    ex = OutputSizeExplorer()
    bundle = ex._repr_mimebundle_()
    assert bundle["text/plain"] == ("OutputSizeExplorer: input 5x5, kernel 3x3, padding 1, stride 2, "
                                    "dilation 1 -> output 3x3 (9 windows)")
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert 'data-cell="x11"' in bundle["text/html"] and "H_{out}" in bundle["text/html"]
    assert OutputSizeExplorer().static_html() == ex.static_html()  # deterministic


def test_output_size_css_classes():
    ex = OutputSizeExplorer()
    classes = set(ex.root._dom_classes)
    assert {"cnnviz-explorer", "cnnviz-output-size"} <= classes
    for name, slider in ex.sliders.items():
        assert "cnnviz-slider" in slider._dom_classes
    assert "cnnviz-slider-kernel" in ex.kernel_slider._dom_classes
    for view in (ex.grid_view, ex.output_view, ex.facts_view):
        assert "cnnviz-view" in view._dom_classes
    assert "cnnviz-player" in ex.player._dom_classes


# ---------------------------------------------------------------------------------------
# Several channels, a batch
# ---------------------------------------------------------------------------------------
def channel_tables(ex):
    """Per input channel: (X window table, W table, Z table) of the channels view."""
    tables = views.shown_tables(ex.channels_view.value)
    return [tables[3 * c: 3 * c + 3] for c in range(ex.x.shape[1])]


def as_floats(cells, symbol, shape):
    return named({k: float(v) for k, v in cells.items()}, symbol, shape)


@pytest.mark.parametrize("n, f", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_each_channel_map_and_their_sum_are_the_ops_output(n, f):
    ex = MultiChannelExplorer()
    ex.image_picker.value = n
    ex.filter_picker.value = f
    x, w, b = ex.x, ex.w, ex.b
    y = ops.conv2d_forward(x, w, b)  # the 4-D op: (N, F, HO, WO)
    maps = []
    for c, (x_cells, w_cells, z_cells) in enumerate(channel_tables(ex)):
        np.testing.assert_array_equal(as_floats(x_cells, "x", (4, 4)), x[n, c])
        np.testing.assert_array_equal(as_floats(w_cells, "w", (2, 2)), w[f, c])
        z = as_floats(z_cells, "z", (3, 3))
        np.testing.assert_array_equal(z, ops.conv2d_forward(x[n, c], w[f, c], 0.0))
        maps.append(z)
    shown_y = named(table(ex.sum_view, 1), "y", (3, 3))
    np.testing.assert_array_equal(shown_y, y[n, f])
    np.testing.assert_array_equal(np.sum(maps, axis=0) + b[f], y[n, f])
    assert ex.summary().startswith(f"MultiChannelExplorer: X (2, 3, 4, 4), W (2, 3, 2, 2), b (2,); "
                                   f"Y[n={n + 1}, f={f + 1}]")


def test_the_player_walks_one_position_in_every_channel_at_once():
    ex = MultiChannelExplorer()
    y = ops.conv2d_forward(ex.x, ex.w, ex.b)[0, 0]
    for t in range(9):
        ex.player.step = t
        i, j = divmod(t, 3)
        window = [views.cell_name("x", i + m, j + n) for m in range(2) for n in range(2)]
        assert outlined(ex.channels_view.value) == window * 3  # the same window in each channel
        assert outlined(ex.channels_view.value, "cv-cur") == [views.cell_name("z", i, j)] * 3
        arithmetic = views.shown_tables(ex.sum_view.value)[0]
        assert arithmetic == {views.cell_name("y", i, j): views.format_number(y[i, j])}


def test_kernel_and_bias_sliders_edit_the_chosen_output_channel_only():
    ex = MultiChannelExplorer()
    ex.filter_picker.value = 1
    ex.w_editors[2].slider(0, 1).value = 3
    ex.bias_slider.value = 2
    assert ex.w[1, 2, 0, 1] == 3 and ex.b[1] == 2
    np.testing.assert_array_equal(ex.w[0], MultiChannelExplorer().w[0])  # f=1 untouched
    y = ops.conv2d_forward(ex.x, ex.w, ex.b)
    np.testing.assert_array_equal(named(table(ex.sum_view, 1), "y", (3, 3)), y[0, 1])
    # back to output channel 1: its kernels and bias are in the editors, and in the view
    ex.filter_picker.value = 0
    np.testing.assert_array_equal(ex.w_editors[2].value, ex.w[0, 2])
    assert ex.bias_slider.value == ex.b[0] == 1
    np.testing.assert_array_equal(named(table(ex.sum_view, 1), "y", (3, 3)), y[0, 0])
    ex.filter_picker.value = 1
    assert ex.w_editors[2].slider(0, 1).value == 3 and ex.bias_slider.value == 2
    assert "output channel 2" in ex.player.status.value
    assert "W[f=2, c=3]" in ex.w_editors[2].children[0].value and ex.bias_slider.description == "b[f=2]"


def test_setting_x_in_code_updates_every_view():
    ex = MultiChannelExplorer()
    x = np.arange(2 * 3 * 16, dtype=float).reshape(2, 3, 4, 4) % 5
    ex.x = x
    np.testing.assert_array_equal(named(table(ex.sum_view, 1), "y", (3, 3)),
                                  ops.conv2d_forward(x, ex.w, ex.b)[0, 0])
    with pytest.raises(ValueError, match=r"x: expected shape \(2, 3, 4, 4\)"):
        ex.x = np.zeros((1, 3, 4, 4))


def test_batch_view_shows_every_image_and_output_channel():
    ex = MultiChannelExplorer()
    ex.image_picker.value = 1
    tables = views.shown_tables(ex.batch_view.value)
    y = ops.conv2d_forward(ex.x, ex.w, ex.b)
    assert len(tables) == 4
    for index, (n, f) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        np.testing.assert_array_equal(as_floats(tables[index], "y", (3, 3)), y[n, f])
        # a batch is the same layer per image: image n alone gives Y[n]
        np.testing.assert_array_equal(ops.conv2d_forward(ex.x[n:n + 1], ex.w, ex.b)[0, f], y[n, f])
    assert "▶ Y[n=2, f=1]" in ex.batch_view.value
    section = ex.batch()._repr_mimebundle_()
    assert section["text/plain"].startswith("the whole batch")


def test_multichannel_with_stride_and_padding():
    ex = MultiChannelExplorer(stride=2, padding=1)
    y = ops.conv2d_forward(ex.x, ex.w, ex.b, stride=2, padding=1)
    assert y.shape == (2, 2, 3, 3)
    np.testing.assert_array_equal(named(table(ex.sum_view, 1), "y", (3, 3)), y[0, 0])
    x_cells = channel_tables(ex)[0][0]
    assert "pad(0,0)" in x_cells and "pad(5,5)" in x_cells and len(x_cells) == 36


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
    for c, trace in enumerate(ex.traces):
        np.testing.assert_array_equal(trace[-1].Y, fresh(c)[-1].Y)


def test_multichannel_bad_settings_show_a_message():
    ex = MultiChannelExplorer(w=np.ones((1, 3, 5, 5)), b=[0.0])
    assert "larger than the padded input 4x4" in ex.error
    assert "⚠" in ex.message.value
    assert ex.summary().endswith("= [?]")
    ex.player.step = 0  # nothing to show, nothing raised


# ---------------------------------------------------------------------------------------
# The backward pass with stride and padding
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("stride, padding", [(2, 1), (1, 0), (2, 0), (3, 2), (3, 0), (1, 2)])
def test_strided_backward_steps_add_up_to_the_ops_gradient(stride, padding):
    ex = StridedBackwardExplorer()
    ex.stride_slider.value = stride
    ex.padding_slider.value = padding
    x, w, dy = ex.x, ex.w, ex.dy
    assert dy.shape == ops.output_size(x.shape, w.shape, stride, padding)
    dx, dw, _ = ops.conv2d_backward(dy, x, w, 0.0, stride, padding)
    trace = steps.conv_backward_steps(dy, x, w, 0.0, stride, padding)
    for t, record in enumerate(trace):
        ex.player.step = t
        running = table(ex.dx_view, 2)
        np.testing.assert_array_equal(named(running, "x", x.shape), record.dX)
    np.testing.assert_array_equal(named(table(ex.dx_view, 2), "x", x.shape), dx)
    np.testing.assert_allclose(named(table(ex.dw_view, 2), "∂L/∂w", w.shape), dw)
    np.testing.assert_array_equal(ex.dx, dx)
    # the full convolution: what is shown, cropped, is the backward pass, and the verdict says so
    shown_dx = named(table(ex.matrix_form_view, 3), "∂L/∂x", x.shape)
    np.testing.assert_allclose(shown_dx, dx)
    np.testing.assert_allclose(
        matrix_form.input_grad_as_full_convolution(dy, w, x.shape, stride, padding), dx)
    assert "np.allclose: True" in ex.matrix_form_view.value


def test_the_padding_border_gets_gradient_that_is_dropped():
    ex = StridedBackwardExplorer()  # stride 2, padding 1
    ex.player.step = ex.player.n_steps - 1
    x, w, dy = ex.x, ex.w, ex.dy
    running = padded_grid(table(ex.dx_view, 2), "x", x.shape, 1)
    # the padded grid's gradient is the backward pass of the padded input, padding 0
    dxp = ops.conv2d_backward(dy, np.pad(x, 1), w, 0.0, 2, 0)[0]
    np.testing.assert_array_equal(running, dxp)
    np.testing.assert_array_equal(running[1:-1, 1:-1], ops.conv2d_backward(dy, x, w, 0.0, 2, 1)[0])
    import re
    running_html = ex.dx_view.value.split("Running ∂L/∂X")[1]
    assert len(re.findall(r'class="cv-mark">\+?⌫</span>', running_html)) == 7 * 7 - 5 * 5
    full = padded_grid(table(ex.matrix_form_view, 2), "x", x.shape, 1)
    np.testing.assert_allclose(full, dxp)


def test_the_spread_gradient_has_zeros_between_and_around_the_entries():
    ex = StridedBackwardExplorer()  # 3x3 dy, stride 2, kernel 3: 5x5 spread, 9x9 with border
    spread = as_floats(views.shown_tables(ex.matrix_form_view.value)[0], "d", (9, 9))
    np.testing.assert_array_equal(spread, matrix_form.full_padding(ex.dy, (3, 3), 2))
    np.testing.assert_array_equal(spread[2:7:2, 2:7:2], ex.dy)
    rotated = as_floats(views.shown_tables(ex.matrix_form_view.value)[1], "rot", (3, 3))
    np.testing.assert_array_equal(rotated, ex.w[::-1, ::-1])


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
    assert ex.error == "" and ex.dy.shape == (1, 1)
    before = ex.dx_view.value
    ex.w_editor.slider(1, 1).value = 3
    changed = ex.dx_view.value
    assert changed != before
    ex.padding_slider.value = 0  # a 3x3 kernel on a 2x2 input
    assert "larger than the padded input 2x2" in ex.error and "⚠" in ex.message.value
    assert ex.padding == 0 and ex.stride == 2 and ex.w[1, 1] == 3
    assert ex.dx_view.value == changed  # last good picture
    assert "no output" in ex.summary()
    ex.padding_slider.value = 2
    assert ex.error == "" and ex.dy.shape == ops.output_size((2, 2), 3, 2, 2)


def test_strided_backward_summary_sections_and_classes():
    ex = StridedBackwardExplorer()
    text = ex._repr_mimebundle_()["text/plain"]
    dx = ops.conv2d_backward(ex.dy, ex.x, ex.w, 0.0, 2, 1)[0]
    assert text.startswith("StridedBackwardExplorer: X 5x5, W 3x3, stride 2, padding 1; dL/dX = [")
    assert "equals the full convolution" in text
    assert views.format_number(dx[0, 3]) in text
    for section in (ex.full_convolution(), ex.weights()):
        bundle = section._repr_mimebundle_()
        assert "text/html" in bundle and 'data-value="' in bundle["text/html"]
    assert {"cnnviz-explorer", "cnnviz-strided-backward"} <= set(ex.root._dom_classes)
    for view in (ex.dx_view, ex.dw_view, ex.matrix_form_view):
        assert "cnnviz-view" in view._dom_classes
    assert "cnnviz-slider-stride" in ex.stride_slider._dom_classes


def _find(widget, css):
    """The widgets under ``widget`` (itself included) with the CSS class ``css``."""
    found = [widget] if css in getattr(widget, "_dom_classes", ()) else []
    for child in getattr(widget, "children", ()):
        found += _find(child, css)
    return found


def test_strided_sections_have_their_own_sliders_kept_in_step():
    """Later sections get twin sliders (stride, padding, W, ∂L/∂Y of the current shape)."""
    ex = StridedBackwardExplorer()
    weights, full = ex.weights().widget, ex.full_convolution().widget
    stride = [_find(s, "cnnviz-slider-stride")[0] for s in (ex.root, weights, full)]
    assert len({id(s) for s in stride}) == 3 and stride[0] is ex.stride_slider
    stride[2].value = 1  # the student changes the stride in the full-convolution section
    assert ex.stride == 1 and stride[1].value == 1 and ex.dy_editor.shape == (5, 5)
    dy_twins = [_find(s, "cnnviz-editor-dy")[0] for s in (weights, full)]
    assert all(t is not ex.dy_editor and t.shape == (5, 5) for t in dy_twins)
    dy_twins[0].slider(4, 4).value = -3  # ∂L/∂y55, in the weights section
    assert ex.dy[4, 4] == -3 and dy_twins[1].value[4, 4] == -3
    w_twin = _find(full, "cnnviz-editor-w")[0]
    assert w_twin is not ex.w_editor
    w_twin.slider(0, 0).value = 4
    assert ex.w[0, 0] == 4 and _find(weights, "cnnviz-editor-w")[0].value[0, 0] == 4
    dx = ops.conv2d_backward(ex.dy, ex.x, ex.w, 0.0, 1, ex.padding)[0]
    np.testing.assert_allclose(ex.dx, dx)
    np.testing.assert_allclose(ex.two_ways.dx_full, dx)
    ex.stride_slider.value = 3  # and back in the explorer's own section
    assert [s.value for s in stride] == [3, 3, 3]
    assert all(_find(s, "cnnviz-editor-dy")[0].shape == ex.dy_editor.shape for s in (weights, full))


def test_multichannel_batch_section_has_its_own_controls_kept_in_step():
    ex = MultiChannelExplorer()
    batch = ex.batch().widget
    picker = _find(batch, "cnnviz-filter-picker")[0]
    kernel = _find(batch, "cnnviz-editor-w-c2")[0]
    bias = _find(batch, "cnnviz-slider-b")[0]
    assert picker is not ex.filter_picker and kernel is not ex.w_editors[1]
    assert bias is not ex.bias_slider
    picker.value = 1  # output channel 2, picked in the batch section
    assert ex.f == 1 and "f=2" in kernel.children[0].value and bias.description == "b[f=2]"
    np.testing.assert_array_equal(kernel.value, ex.w[1, 1])
    kernel.slider(0, 0).value = 3  # W[f=2, c=2]_11 from the batch section
    bias.value = -2
    assert ex.w[1, 1, 0, 0] == 3 and ex.w_editors[1].value[0, 0] == 3 and ex.b[1] == -2
    y = ops.conv2d_forward(ex.x, ex.w, ex.b)
    shown = {k: float(v) for k, v in views.shown_cells(ex.batch_view.value).items()}
    assert len(shown) >= y[0, 1].size
    np.testing.assert_allclose(named(table(ex.sum_view, -1), "y", y.shape[2:]), y[0, 1])
    ex.w_editors[0].slider(0, 0).value = -1  # and in the explorer's own section
    assert _find(batch, "cnnviz-editor-w-c1")[0].value[0, 0] == -1


# ---------------------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------------------
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
