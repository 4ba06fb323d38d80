"""The explorers of notebook 06: output size, several channels, a strided and padded backward.

Each explorer is an object a test can drive without a browser:

>>> ex = OutputSizeExplorer(height=5, width=5, kernel=3, padding=1, stride=2)
>>> ex.output_shape, ex.player.n_steps
((3, 3), 9)
>>> ex.kernel_slider.value = 5          # fits: 5 + 2*1 = 7 rows
>>> ex.height_slider.value = 2          # 2 + 2 = 4 rows: too small, nothing raises
>>> ex.error
'kernel 5x5 spans 5x5, larger than the padded input 4x7 (input 2x5, padding (1, 1))'
>>> ex.settings["kernel"], ex.output_shape  # the student's values stay, the last picture too
(5, (2, 2))
>>> "x11" in ex.grid_view.value         # the HTML the student sees
True

No math lives here: the numbers come from cnnviz.geometry / ops / steps / matrix_form, the
pictures from cnnviz.general_views and cnnviz.views. Structure, CSS classes and the bad-setting
message follow cnnviz.widgets.
"""
import functools

import ipywidgets as widgets
import numpy as np

from ..derivation import geometry
from ..layers import ops
from ..layers import steps
from ..render import general as gviews
from ..render import conv as views
from .conv import _display_math, _html, _math, _View
from .base import CONTROLS, Explorer, MatrixEditor

__all__ = ["OutputSizeExplorer", "MultiChannelExplorer", "StridedBackwardExplorer",
           "default_multichannel", "default_strided"]


def default_multichannel():
    """A batch of N=2 images with C=3 channels 4x4, F=2 filters of 3 channels 2x2, b (2,)."""
    x = np.array([
        [[[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 1]],
         [[0, 1, 1, 0], [2, 0, 1, 2], [1, 1, 0, 1], [0, 2, 1, 0]],
         [[3, 0, 1, 1], [1, 1, 0, 2], [0, 2, 1, 1], [1, 0, 0, 3]]],
        [[[0, 1, 2, 1], [1, 3, 0, 0], [2, 0, 1, 2], [0, 1, 1, 1]],
         [[1, 0, 0, 2], [0, 2, 1, 1], [1, 1, 3, 0], [2, 0, 0, 1]],
         [[1, 1, 0, 0], [0, 2, 2, 1], [1, 0, 1, 3], [0, 1, 0, 2]]],
    ], dtype=float)
    w = np.array([
        [[[1, -1], [0, 1]], [[0, 2], [-1, 0]], [[1, 0], [0, 1]]],
        [[[1, 1], [1, 1]], [[0, -1], [1, 0]], [[2, 0], [0, -1]]],
    ], dtype=float)
    return {"x": x, "w": w, "b": np.array([1.0, -1.0])}


def default_strided():
    """X 5x5, W 3x3 and dL/dY 3x3 (stride 2, padding 1 gives a 3x3 output)."""
    return {
        "x": np.array([[1, 0, 2, 1, 0], [2, 1, 0, 1, 3], [0, 1, 3, 0, 1],
                       [1, 2, 0, 2, 1], [3, 0, 1, 1, 2]], dtype=float),
        "w": np.array([[1, 0, -1], [2, 1, 0], [0, -1, 1]], dtype=float),
        "dy": np.array([[1, -1, 2], [0, 2, 1], [-2, 1, 1]], dtype=float),
    }


def _int_slider(value, low, high, description, css_name, width="300px"):
    value = int(value)
    slider = widgets.IntSlider(value=value, min=min(low, value), max=max(high, value),
                               description=description, continuous_update=True,
                               layout=widgets.Layout(width=width),
                               style={"description_width": "92px"})
    slider.add_class("cnnviz-slider")
    slider.add_class(f"cnnviz-slider-{css_name}")
    return slider


def _relayout(editor, width, columns=None, description_width=None):
    """A MatrixEditor's sliders at another width, in ``columns`` columns (default: the
    matrix's), so several editors fit side by side. Sliders keep their order (row-major)."""
    columns = columns or editor.shape[1]
    for row in editor.sliders:
        for slider in row:
            slider.layout.width = f"{width}px"
            if description_width:
                slider.style.description_width = description_width
    grid = editor.children[1]
    grid.layout.grid_template_columns = f"repeat({columns}, {width + 4}px)"
    editor.layout.overflow = "auto"
    return editor


# ---------------------------------------------------------------------------------------
# Output size
# ---------------------------------------------------------------------------------------
class OutputSizeExplorer(Explorer):
    """H, W, K, padding, stride, dilation -> the output size, and where every window lands.

    Sliders: ``height_slider`` (H), ``width_slider`` (W), ``kernel_slider`` (K, square),
    ``padding_slider`` (p), ``stride_slider`` (s), ``dilation_slider`` (d); ``sliders`` maps
    "H", "W", "K", "padding", "stride", "dilation" to them. The formula view fills in
    HO = (H + 2p - d(K-1) - 1) // s + 1 (WO likewise); the grid view shows the padded input,
    how many windows read each cell, and window #k of the player; the output view numbers
    every output by its window. A kernel larger than the padded input shows ``message``.
    """

    RANGES = {"H": (1, 8), "W": (1, 8), "K": (1, 5), "padding": (0, 3), "stride": (1, 4),
              "dilation": (1, 3)}

    def __init__(self, height=5, width=5, kernel=3, padding=1, stride=2, dilation=1):
        super().__init__()
        self.layout = None
        self.rows = self.cols = None
        r = self.RANGES
        self.height_slider = _int_slider(height, *r["H"], "H (rows)", "height")
        self.width_slider = _int_slider(width, *r["W"], "W (columns)", "width")
        self.kernel_slider = _int_slider(kernel, *r["K"], "K (kernel)", "kernel")
        self.padding_slider = _int_slider(padding, *r["padding"], "p (padding)", "padding")
        self.stride_slider = _int_slider(stride, *r["stride"], "s (stride)", "stride")
        self.dilation_slider = _int_slider(dilation, *r["dilation"], "d (dilation)", "dilation")
        self.sliders = {"H": self.height_slider, "W": self.width_slider, "K": self.kernel_slider,
                        "padding": self.padding_slider, "stride": self.stride_slider,
                        "dilation": self.dilation_slider}
        for slider in self.sliders.values():
            slider.observe(self.refresh, names="value")
        self.add_player("k")
        self.formula_view = _math("cnnviz-output-size-formula")
        self.facts_view = _html("cnnviz-output-size-facts")
        self.grid_view = _html("cnnviz-output-size-grid")
        self.output_view = _html("cnnviz-output-size-output")
        s = self.sliders
        controls = widgets.GridBox(
            [s["H"], s["K"], s["stride"], s["W"], s["padding"], s["dilation"]],
            layout=widgets.Layout(grid_template_columns="repeat(3, 310px)", grid_gap="2px 8px"))
        self.root = self._box([controls, self.message, self.formula_view,
                               self.facts_view, self.player,
                               widgets.HBox([self.grid_view, self.output_view],
                                            layout=widgets.Layout(flex_flow="row wrap",
                                                                  grid_gap="16px"))],
                              "cnnviz-output-size")
        self.refresh()

    # --- state --------------------------------------------------------------------------
    @property
    def settings(self):
        """dict(size=(H, W), kernel=K, padding=p, stride=s, dilation=d) as the sliders say."""
        s = self.sliders
        return dict(size=(s["H"].value, s["W"].value), kernel=s["K"].value,
                    padding=s["padding"].value, stride=s["stride"].value,
                    dilation=s["dilation"].value)

    @property
    def output_shape(self):
        """(HO, WO) of the last valid setting (see ``error`` for the current one)."""
        return self.layout.out_shape if self.layout else None

    # --- update -------------------------------------------------------------------------
    def _recompute(self):
        st = self.settings
        h, w = st["size"]
        args = (st["kernel"], st["stride"], st["padding"], st["dilation"])
        # The formula's terms are shown even when no window fits, to show why.
        self.rows = geometry.axis_arithmetic(h, *args)
        self.cols = geometry.axis_arithmetic(w, *args)
        layout = geometry.window_layout((h, w), *args)  # ValueError: kernel too large
        self.layout = layout
        self._set_n_steps(len(layout.windows))

    def _render_formula(self):
        rows, cols = self.rows, self.cols
        self._show(self.formula_view,
                   lambda: _display_math(*gviews.output_size_equations(rows, cols)))
        self._show(self.facts_view, lambda: gviews.leftover_note(rows, cols))

    def _render(self):
        self._render_formula()
        self._render_step()

    def _render_bad(self):
        if self.rows is not None:
            self._render_formula()

    def _render_step(self):
        if self.layout is None:
            return
        layout, k = self.layout, self.player.step + 1
        self._show(self.grid_view,
                   lambda: gviews.view_row(gviews.window_grid_panel(layout, k), compact=True))
        self._show(self.output_view,
                   lambda: gviews.view_row(gviews.window_output_panel(layout, k), compact=True))

    def _describe_step(self, step, n_steps):
        if self.layout is None:
            return f"window {step + 1} of {n_steps}"
        win = self.layout.windows[step]
        name = views.cell_name("y", win.i, win.j)
        return f"window #{win.k} of {n_steps}: y{views.subscript(name[1:])}"

    # --- display ------------------------------------------------------------------------
    def summary(self):
        st = self.settings
        (h, w), k = st["size"], st["kernel"]
        text = (f"OutputSizeExplorer: input {h}x{w}, kernel {k}x{k}, padding {st['padding']}, "
                f"stride {st['stride']}, dilation {st['dilation']}")
        if self.error:
            return f"{text} -> no output: {self.error}"
        ho, wo = self.layout.out_shape
        return f"{text} -> output {ho}x{wo} ({ho * wo} windows)"

    def static_html(self):
        return (self.message.value + self.formula_view.value + self.facts_view.value
                + self.grid_view.value + self.output_view.value)


# ---------------------------------------------------------------------------------------
# Several input channels, several output channels, a batch
# ---------------------------------------------------------------------------------------
class MultiChannelExplorer(Explorer):
    """Y[n, f] = sum over input channels c of X[n, c] ⋆ W[f, c], + b[f], one position per step.

    x (N, C, H, W), w (F, C, KH, KW), b (F,); stride, padding, dilation as in the ops.
    ``image_picker`` (n) and ``filter_picker`` (f) choose what is taken apart; the editors
    ``w_editors[c]`` edit W[f, c] of the chosen f, ``bias_slider`` edits b[f]; ``x`` is set in
    code (``ex.x = ...``, same shape). ``player`` walks the output positions. Views:
    ``channels_view`` (one column per channel: X[n, c] ⋆ W[f, c] = Z⁽ᶜ⁾), ``sum_view``
    (y_ij = z⁽¹⁾_ij + ... + b_f and Y[n, f]), ``batch_view`` (every Y[n, f]).
    """

    def __init__(self, x=None, w=None, b=None, stride=1, padding=0, dilation=1, low=-3, high=3):
        super().__init__()
        start = default_multichannel()
        self._x = start["x"] if x is None else np.array(x, dtype=float)
        self._w = start["w"] if w is None else np.array(w, dtype=float)
        b = start["b"] if b is None else np.array(b, dtype=float)
        if self._x.ndim != 4 or self._w.ndim != 4:
            raise ValueError(f"x must be (N, C, H, W) and w (F, C, KH, KW), got shapes "
                             f"{self._x.shape} and {self._w.shape}")
        self._b = np.broadcast_to(b, (self._w.shape[0],)).astype(float)
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.result, self.traces = None, []
        self._traces_made = {}  # channel -> (its inputs, its trace): see _channel_trace
        self._holding = False
        n_images, channels = self._x.shape[:2]
        self.image_picker = widgets.ToggleButtons(
            options=[(f"image {n + 1}", n) for n in range(n_images)], value=0, description="n",
            style={"button_width": "90px", "description_width": "20px"})
        self.image_picker.add_class("cnnviz-image-picker")
        self.filter_picker = widgets.ToggleButtons(
            options=[(f"output channel {f + 1}", f) for f in range(self._w.shape[0])], value=0,
            description="f", style={"button_width": "150px", "description_width": "20px"})
        self.filter_picker.add_class("cnnviz-filter-picker")
        self.w_editors = []
        for c in range(channels):
            editor = _relayout(MatrixEditor(self._w[0, c], "w", f"W[f=1, c={c + 1}]", low, high,
                                            css_class="cnnviz-editor-w"), 290, columns=1)
            editor.add_class(f"cnnviz-editor-w-c{c + 1}")
            editor.on_change(self._kernel_edited)
            self._keep_twins_in_step(**{f"w{c + 1}": editor})
            self.w_editors.append(editor)
        integer = bool(np.all(self._b == np.round(self._b)))
        slider = widgets.IntSlider if integer else widgets.FloatSlider
        value = int(self._b[0]) if integer else float(self._b[0])
        self.bias_slider = slider(value=value, min=min(low, value), max=max(high, value),
                                  description="b[f=1]", layout=widgets.Layout(width="240px"),
                                  style={"description_width": "56px"})
        self.bias_slider.add_class("cnnviz-slider")
        self.bias_slider.add_class("cnnviz-slider-b")
        self.bias_slider.observe(self._bias_edited, names="value")
        self.image_picker.observe(self.refresh, names="value")
        self.filter_picker.observe(self._filter_picked, names="value")
        self.shapes_view = _html("cnnviz-multichannel-shapes")
        self.channels_view = _html("cnnviz-multichannel-channels")
        self.sum_view = _html("cnnviz-multichannel-sum")
        self.batch_view = _html("cnnviz-multichannel-batch")
        self.root = self._section(
            widgets.HBox([self.channels_view, self.sum_view],
                         layout=widgets.Layout(flex_flow="row wrap", grid_gap="16px")))
        self._first_section_built = True
        self.refresh()

    def _primary_editors(self):
        return {f"w{c + 1}": editor for c, editor in enumerate(self.w_editors)}

    def _section(self, *views_, player=True):
        """Pickers, kernel editors, a player if the views follow the step, then ``views_``:
        the explorer's own controls in the first section, twins kept in step in later ones."""
        controls = [self.image_picker, self.filter_picker, self.bias_slider]
        if self._first_section_built:
            controls = [self._twin_control(control) for control in controls]
        kernels = []
        for c in range(len(self.w_editors)):
            editor = self._editor(f"w{c + 1}")
            if editor is not self.w_editors[c]:
                _relayout(editor, 290, columns=1).add_class(f"cnnviz-editor-w-c{c + 1}")
            kernels.append(editor)
        pickers = widgets.HBox(controls,
                               layout=widgets.Layout(flex_flow="row wrap", grid_gap="4px 16px",
                                                     align_items="center"))
        editors = widgets.HBox(kernels,
                               layout=widgets.Layout(flex_flow="row wrap", grid_gap="10px"))
        steps = [self.add_player("y")] if player else []
        return self._box([self.shapes_view, pickers, editors, *steps, *views_, self.message],
                         "cnnviz-multichannel")

    # --- state --------------------------------------------------------------------------
    @property
    def x(self):
        """The input batch (N, C, H, W); assign an array of the same shape to change it."""
        return self._x.copy()

    @x.setter
    def x(self, values):
        values = np.array(values, dtype=float)
        if values.shape != self._x.shape:
            raise ValueError(f"x: expected shape {self._x.shape}, got {values.shape}")
        self._x = values
        self.refresh()

    @property
    def w(self):
        """All kernels (F, C, KH, KW); the editors show W[f] of the chosen output channel."""
        return self._w.copy()

    @property
    def b(self):
        return self._b.copy()

    @property
    def n(self):
        return self.image_picker.value

    @property
    def f(self):
        return self.filter_picker.value

    def _kernel_edited(self, _editor):
        if self._holding:
            return
        for c, editor in enumerate(self.w_editors):
            self._w[self.f, c] = editor.value
        self.refresh()

    def _bias_edited(self, change):
        if self._holding:
            return
        self._b[self.f] = change["new"]
        self.refresh()

    def _filter_picked(self, _change):
        # The editors now show W[f] and b[f]: one refresh once all of them hold the new values.
        self._holding = True
        try:
            for c, editor in enumerate(self.w_editors):
                editor.value = self._w[self.f, c]
            for c, editor in enumerate(self.w_editors):
                heading = f"<b style='font-size:1.05em'>W[f={self.f + 1}, c={c + 1}]</b>"
                for shown in (editor, *self._twins.get(f"w{c + 1}", [])):
                    shown.children[0].value = heading
            self.bias_slider.description = f"b[f={self.f + 1}]"
            value = self._b[self.f]
            self.bias_slider.min = min(self.bias_slider.min, value)
            self.bias_slider.max = max(self.bias_slider.max, value)
            self.bias_slider.value = value
        finally:
            self._holding = False
        self.refresh()

    # --- update -------------------------------------------------------------------------
    def _recompute(self):
        self.traces = [self._channel_trace(c) for c in range(self._x.shape[1])]
        self._set_n_steps(len(self.traces[0]))

    def _channel_trace(self, c):
        """Channel c's trace: the last one made for it if its inputs are the same (a student
        edits one kernel at a time: the other channels' traces stay as they were)."""
        x, w = self._x[self.n, c], self._w[self.f, c]
        args = (self.stride, self.padding, self.dilation)
        key = (x.tobytes(), w.tobytes(), x.shape, w.shape, args)
        made = self._traces_made.get(c)
        if made is None or made[0] != key:
            made = self._traces_made[c] = (key, steps.conv_forward_steps(x, w, 0.0, *args))
        return made[1]

    def _render(self):
        # The channels first (what a slider feeds; their traces hold each Z), then the sum
        # over the channels and the whole batch.
        self._render_channels()
        self.result = geometry.channel_sum(self._x, self._w, self._b, self.n, self.f,
                                           self.stride, self.padding, self.dilation)
        self._render_sum()
        shapes = self._x.shape, self._w.shape, self._b.shape, self.result.all_y.shape
        self._show(self.shapes_view, lambda: gviews.shapes_line(*shapes))
        all_y, n, f = self.result.all_y, self.n, self.f
        self._show(self.batch_view,
                   lambda: gviews.view_row(gviews.batch_panel(all_y, n, f), compact=True))

    def _render_step(self):
        if self.result is None:
            return
        self._render_channels()
        self._render_sum()

    def _render_channels(self):
        # Copies: the kernels and biases are edited in place (the view may be made later).
        t, n, f, traces = self.player.step, self.n, self.f, self.traces
        x, w, padding = self._x[n].copy(), self._w[f].copy(), _pair(self.padding)
        self._show(self.channels_view, lambda: gviews.view_row(*(
            gviews.channel_column(c, n, f, x[c], w[c], trace[-1].Y, trace[t], padding)
            for c, trace in enumerate(traces)), compact=True))

    def _render_sum(self):
        step, result, f = self.traces[0][self.player.step], self.result, self.f
        self._show(self.sum_view, lambda: gviews.view_row(gviews.channel_sum_panel(
            result.maps, result.bias, result.y, f, (step.i, step.j))))

    def _describe_step(self, step, n_steps):
        if not self.traces:
            return f"step {step + 1} of {n_steps}"
        s = self.traces[0][step]
        name = views.cell_name("y", s.i, s.j)
        return f"step {step + 1} of {n_steps}: y{views.subscript(name[1:])} of image {self.n + 1}, output channel {self.f + 1}"

    # --- results and sections -----------------------------------------------------------
    @property
    def y(self):
        """Y (N, F, HO, WO) of the whole batch, from the 4-D op."""
        return self.result.all_y

    def batch(self):
        """Every Y[n, f] of the batch, the chosen one outlined (shares this explorer's state)."""
        return _View(self._section(self.batch_view, player=False), self,
                     lambda: self.shapes_view.value + self.batch_view.value,
                     "the whole batch, every output channel")

    def summary(self):
        n, f = self.n, self.f
        y = "; ".join(" ".join(views.format_number(v) for v in r) for r in self.result.y) \
            if self.result is not None else "?"
        return (f"MultiChannelExplorer: X {tuple(self._x.shape)}, W {tuple(self._w.shape)}, "
                f"b {tuple(self._b.shape)}; Y[n={n + 1}, f={f + 1}] = [{y}]")

    def static_html(self):
        return (self.message.value + self.shapes_view.value + self.channels_view.value
                + self.sum_view.value)


def _pair(value):
    return (value, value) if np.ndim(value) == 0 else tuple(value)


# ---------------------------------------------------------------------------------------
# The backward pass with stride and padding
# ---------------------------------------------------------------------------------------
class StridedBackwardExplorer(Explorer):
    """∂L/∂X of a strided, padded convolution, step by step on the padded grid, and as a full
    convolution of ∂L/∂Y (zeros inserted) with the rotated kernel.

    x (H, W) is set in code (``ex.x = ...``); ``w_editor`` edits W; ``dy_editor`` edits ∂L/∂Y
    and is replaced when stride or padding change its shape (values kept where the shapes
    overlap, and remembered per shape); ``stride_slider``, ``padding_slider``; ``player``
    walks the outputs. Views: ``dx_view`` (scatter on the padded grid), ``matrix_form_view``
    (the full convolution and its verdict), ``dw_view`` (∂L/∂W step by step). Numbers:
    ``trace`` (``geometry.padded_backward_steps``), ``two_ways``
    (``geometry.input_grad_two_ways``), ``dx`` / ``dw`` the layer's gradients.
    """

    def __init__(self, x=None, w=None, dy=None, stride=2, padding=1, low=-5, high=5):
        super().__init__()
        start = default_strided()
        self._x = start["x"] if x is None else np.array(x, dtype=float)
        w = start["w"] if w is None else np.array(w, dtype=float)
        dy = start["dy"] if dy is None else np.array(dy, dtype=float)
        self._low, self._high = low, high
        self.trace = []
        self._two_ways = None  # the current state's two_ways, worked out when first asked for
        self.stride_slider = _int_slider(stride, 1, 3, "s (stride)", "stride")
        self.padding_slider = _int_slider(padding, 0, 2, "p (padding)", "padding")
        self.w_editor = MatrixEditor(w, "w", "W (kernel)", low, high, css_class="cnnviz-editor-w")
        self.w_editor.on_change(self.refresh)
        self._keep_twins_in_step(w=self.w_editor)
        self._dy_editors = {}
        self._dy_twin_boxes = []
        self.dy_box = widgets.VBox([self._dy_editor(dy)])
        self.stride_slider.observe(self.refresh, names="value")
        self.padding_slider.observe(self.refresh, names="value")
        self.add_player("y")
        self.dx_view = _html("cnnviz-strided-dx")
        self.dw_view = _html("cnnviz-strided-dw")
        self.matrix_form_view = _html("cnnviz-strided-matrix-form")
        self.root = self._section(self.player, self.dx_view)
        self._first_section_built = True
        self.refresh()

    def _section(self, *views_):
        """Settings, editors and ``views_``: the explorer's own controls in the first section,
        twins kept in step in the later ones."""
        if self._first_section_built:
            sliders = [self._twin_control(self.stride_slider),
                       self._twin_control(self.padding_slider)]
            dy_box = widgets.VBox([self._dy_twin()])
            self._dy_twin_boxes.append(dy_box)
        else:
            sliders, dy_box = [self.stride_slider, self.padding_slider], self.dy_box
        editors = widgets.HBox([self._editor("w"), dy_box],
                               layout=widgets.Layout(flex_flow="row wrap", grid_gap="12px"))
        return self._box([widgets.HBox(sliders), self.message, editors, *views_],
                         "cnnviz-strided-backward")

    def _primary_editors(self):
        return {"w": self.w_editor, "dy": self.dy_editor}  # ∂L/∂Y: the current shape's

    @staticmethod
    def _dy_layout(editor):
        return _relayout(editor, max(190, min(250, 940 // editor.shape[1] - 4)),
                         description_width="60px")

    def _dy_editor(self, values):
        values = np.asarray(values, dtype=float)
        editor = self._dy_layout(MatrixEditor(
            values, "∂L/∂y", "∂L/∂Y (given)", self._low, self._high, label="∂L/∂y",
            css_class="cnnviz-editor-dy", css_name="dy"))
        editor.on_change(self.refresh)
        self._dy_editors[values.shape] = editor
        return editor

    def _dy_twin(self):
        """A twin of the current ∂L/∂Y editor for a later section. ∂L/∂Y changes shape with
        the settings, so its twins are kept in step here (``_sync_dy_twins``), not by
        ``_editor``; a move goes through ``_twin_moved`` as any twin's."""
        twin = self._dy_layout(self.dy_editor.twin())
        twin.on_change(lambda editor: self._twin_moved("dy", editor))
        return twin

    def _sync_dy_twins(self):
        """After the views: every section's ∂L/∂Y twin has the current shape and values."""
        primary = self.dy_editor
        with self._update():
            for box in self._dy_twin_boxes:
                twin = box.children[0]
                if twin.shape != primary.shape:
                    box.children = [self._dy_twin()]
                else:
                    self._hold_later(twin.all_sliders(), CONTROLS)
                    twin.set_quietly(primary.value)

    # --- state --------------------------------------------------------------------------
    @property
    def dy_editor(self):
        """The ∂L/∂Y editor of the current output shape."""
        return self.dy_box.children[0]

    @property
    def x(self):
        return self._x.copy()

    @x.setter
    def x(self, values):
        self._x = np.array(values, dtype=float)
        self.refresh()

    @property
    def w(self):
        return self.w_editor.value

    @property
    def dy(self):
        return self.dy_editor.value

    @property
    def stride(self):
        return self.stride_slider.value

    @property
    def padding(self):
        return self.padding_slider.value

    def _use_dy_shape(self, shape):
        """Show the ∂L/∂Y editor of this shape: a remembered one, or a new one that keeps the
        current values where the shapes overlap (new entries start at 1)."""
        current = self.dy_editor
        if current.shape == shape:
            return
        editor = self._dy_editors.get(shape)
        if editor is None:
            values = np.ones(shape)
            rows, cols = min(shape[0], current.shape[0]), min(shape[1], current.shape[1])
            values[:rows, :cols] = current.value[:rows, :cols]
            editor = self._dy_editor(values)
        self.dy_box.children = [editor]

    # --- update -------------------------------------------------------------------------
    def _recompute(self):
        stride, padding, x, w = self.stride, self.padding, self._x, self.w
        out = ops.output_size(x.shape, w.shape, stride, padding)  # ValueError: kernel too large
        self._use_dy_shape(out)
        dy = self.dy
        # One trace on the padded grid serves both views: its dW is the layer's, its dX the
        # layer's inside the border (the tests check both against the ops).
        self.trace = geometry.padded_backward_steps(dy, x, w, stride, padding)
        self._set_n_steps(len(self.trace))

    def _render(self):
        # The step views first (what the first section shows), then the full convolution.
        self._render_step()
        args = (self.dy, self._x, self.w, self.stride, self.padding)
        two_ways = self._two_ways = functools.cache(lambda: geometry.input_grad_two_ways(*args))
        shape, stride, padding = self.w.shape, (self.stride,) * 2, (self.padding,) * 2
        self._show(self.matrix_form_view,
                   lambda: gviews.full_convolution_panels(two_ways(), shape, stride, padding))
        self._sync_dy_twins()

    def _render_step(self):
        if not self.trace:
            return
        step, dy, x, padding = self.trace[self.player.step], self.dy, self._x, (self.padding,) * 2
        self._show(self.dx_view, lambda: gviews.strided_dx_panels(step, dy, x.shape, padding))
        self._show(self.dw_view, lambda: gviews.strided_dw_panels(step, x, padding))

    def _describe_step(self, step, n_steps):
        if not self.trace:
            return f"step {step + 1} of {n_steps}"
        s = self.trace[step]
        name = views.cell_name("y", s.i, s.j)
        return f"step {step + 1} of {n_steps}: ∂L/∂y{views.subscript(name[1:])} flows back"

    # --- results and sections -----------------------------------------------------------
    @property
    def two_ways(self):
        """``geometry.input_grad_two_ways`` of the current state (None before any good one).
        Only the full-convolution section shows it: it is worked out when first asked for."""
        return None if self._two_ways is None else self._two_ways()

    @property
    def dx(self):
        """∂L/∂X of the layer (ops.conv2d_backward's), the inside of the padded grid's total."""
        return self.two_ways.dx_backward

    @property
    def dw(self):
        """∂L/∂W after the last step."""
        return self.trace[-1].dW

    def full_convolution(self):
        """∂L/∂X as a full convolution with zeros inserted (shares this explorer's state)."""
        return _View(self._section(self.matrix_form_view), self,
                     lambda: self.matrix_form_view.value,
                     "∂L/∂X as a full convolution of ∂L/∂Y, zeros inserted, with the rotated kernel")

    def weights(self):
        """∂L/∂W step by step (shares this explorer's state; its player keeps the same step)."""
        return _View(self._section(self.add_player("y"), self.dw_view), self,
                     lambda: self.dw_view.value, "∂L/∂W, step by step")

    def summary(self):
        def fmt(a):
            return "[" + "; ".join(" ".join(views.format_number(v) for v in r) for r in a) + "]"
        h, w_ = self._x.shape
        kh, kw = self.w_editor.shape
        text = (f"StridedBackwardExplorer: X {h}x{w_}, W {kh}x{kw}, stride {self.stride}, "
                f"padding {self.padding}")
        if self.error or not self.trace:
            return f"{text} -> no output: {self.error}"
        agree = "equals" if self.two_ways.agree else "DIFFERS FROM"
        return (f"{text}; dL/dX = {fmt(self.dx)} ({agree} the full convolution of dL/dY with "
                f"zeros inserted and W rotated by 180 degrees)")

    def static_html(self):
        return self.message.value + self.dx_view.value



