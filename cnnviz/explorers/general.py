"""The explorers of notebook 06: output size, several channels, a strided and padded backward.

Each explorer is an object a test can drive without a browser:

>>> ex = OutputSizeExplorer(height=5, width=5, kernel=3, padding=1, stride=2)
>>> ex.output_shape, ex.stage.n_steps
((3, 3), 9)
>>> ex.kernel_slider.value = 5          # fits: 5 + 2*1 = 7 rows
>>> ex.height_slider.value = 2          # 2 + 2 = 4 rows: too small, nothing raises
>>> ex.error
'kernel 5x5 spans 5x5, larger than the padded input 4x7 (input 2x5, padding (1, 1))'
>>> ex.settings["kernel"], ex.output_shape  # the student's values stay, the last picture too
(5, (2, 2))
>>> "window #1 &rarr; y<sub>11</sub>" in ex.stage.frame  # what the student sees at this step
True

A slider move works out the numbers once and gives every stage its frames (one per step of
the trace) in one message. Numbers come from cnnviz.derivation.geometry / cnnviz.layers,
pictures from cnnviz.render.general. A stepped picture draws per step only what changes (the
cells of the current window, cut out with their row and column numbers, and the numbers of
the step); what every step shares is a one-frame stage next to it. Every stage's message stays
within ``MESSAGE_LIMIT`` at every setting the sliders allow (``within_limit``).

The grids of numbers of an explorer (not the output-size explorer's counts) are coloured on
one scale, ``explorer.scale`` (from every number they show at any step), and the one-frame
stages carry its legend.

Every explorer takes ``lang`` ("en" / "zh"; None: the notebook's): its labels, captions and
messages come from the catalog (entries "general.*", ``cnnviz.words_general``), bad settings
included (a ``SettingError`` in the explorer's words, checked before the op would refuse):

>>> OutputSizeExplorer(height=3, width=3, kernel=5, padding=0, stride=1, lang="zh").error
'卷积核 5×5 跨越 5×5，比填充后的输入 3×3 还大（输入 3×3，填充 (0, 0)）：请减小卷积核或膨胀，或增大填充'

Notation as in notebook 06: the input is H_in × W_in, the output H_out × W_out (W alone is the
kernel); the map of output channel f from input channel c is Y^(f,c).
"""
import functools
import json

import ipywidgets as widgets
import numpy as np

from ..derivation import geometry
from ..layers import ops, steps
from ..render import colour
from ..render import conv as views
from ..render import general as gviews
from ..render.math import display_math
from ..words import say
from .base import (Explorer, MatrixEditor, Section, SettingError, edited, finite_result, message_of,
                   number_text, numbers)
from .stage import frame_html

__all__ = ["OutputSizeExplorer", "MultiChannelExplorer", "StridedBackwardExplorer",
           "default_multichannel", "default_strided"]


def default_multichannel():
    """A batch of N=2 images with C=3 input channels 4x4 (H_in x W_in), F=2 output channels
    whose kernels have 3 slices 2x2, b (2,)."""
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
    """X 5x5, W 3x3 and dL/dY 3x3 (stride 2, padding 1 gives a 3x3 output, H_out x W_out)."""
    return {
        "x": np.array([[1, 0, 2, 1, 0], [2, 1, 0, 1, 3], [0, 1, 3, 0, 1],
                       [1, 2, 0, 2, 1], [3, 0, 1, 1, 2]], dtype=float),
        "w": np.array([[1, 0, -1], [2, 1, 0], [0, -1, 1]], dtype=float),
        "dy": np.array([[1, -1, 2], [0, 2, 1], [-2, 1, 1]], dtype=float),
    }


# The largest input and kernel a picture of this notebook shows (the output-size sliders' own
# limits): larger arrays give grids no one can read and messages too large to send.
MAX_SIZE, MAX_KERNEL, MAX_COUNT = 8, 5, 4


# ---------------------------------------------------------------------------------------
# Checking what a student passes in
# ---------------------------------------------------------------------------------------
class _SettingTypeError(SettingError, TypeError):
    """A value of the wrong type, in the explorer's words."""


def _in_range(name, value, low, high, lang="en"):
    """``value`` as an int within low..high, or a TypeError / ValueError that says so."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise _SettingTypeError(say("general.whole_number", lang, name=name, low=low, high=high,
                                    value=repr(value)))
    if not low <= value <= high:
        raise SettingError(say("general.outside", lang, name=name, value=value, low=low,
                               high=high))
    return int(value)


def _channels(array, count):
    """``array`` (…, C, H, W) with ``count`` channels: its own, from the first again when there
    are more (a default that fits the channels of what a student passes in)."""
    return array[:, [c % array.shape[1] for c in range(count)]]


def _a_matrix(dims, lang):
    """'a matrix (H_in, W_in)': what a 2-D argument must be."""
    return say("general.a_matrix", lang, dims=dims)


def _array(values, name, ndim, what, lang="en"):
    """``values`` as a float array of ``ndim`` dimensions with finite entries; ``what`` says
    what it must be (in ``lang``)."""
    try:
        array = numbers(values, name, lang)
    except (TypeError, ValueError) as err:  # the layers' words: the entry or the row at fault
        raise _SettingTypeError(str(err)) from None
    if array.ndim != ndim or 0 in array.shape:
        raise SettingError(say("general.wrong_shape", lang, name=name, what=what,
                               shape=array.shape))
    if not np.all(np.isfinite(array)):
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise SettingError(say("general.not_finite", lang, name=name, where=list(where),
                               value=number_text(array[where])))
    return array


def _no_more_than(name, shape, labels, limits, lang="en"):
    for size, label, limit in zip(shape, labels, limits):
        if size > limit:
            raise SettingError(say("general.too_many", lang, name=name, label=label, size=size,
                                   limit=limit, shape=tuple(shape)))


def _finite_result(name, values, lang="en"):
    """A ValueError if a result overflowed to NaN or infinity (never shown as a number)."""
    finite_result(name, name, values, lang, message="general.overflow")


def _window_fits(size, kernel, stride, padding, dilation=1, lang="en"):
    """A SettingError (in ``lang``) when the (dilated) kernel spans more than the padded input
    along either axis: what ``ops.output_size`` would refuse, in the explorer's words.
    size (H_in, W_in), kernel (K_H, K_W); stride, padding, dilation one number each."""
    axes = [geometry.axis_arithmetic(n, k, stride, padding, dilation)
            for n, k in zip(size, kernel)]
    if all(a.fits for a in axes):
        return
    rows, cols = axes
    dil = "" if dilation == 1 else say("general.with_dilation", lang,
                                         dilation=(dilation, dilation))
    raise SettingError(say("general.too_large", lang, kh=kernel[0], kw=kernel[1], dilation=dil,
                           sh=rows.span, sw=cols.span, ph=rows.padded, pw=cols.padded,
                           h=size[0], w=size[1], padding=(padding, padding)))


# ---------------------------------------------------------------------------------------
# Widgets
# ---------------------------------------------------------------------------------------
def _int_slider(value, low, high, description, css_name, width="300px"):
    slider = widgets.IntSlider(value=value, min=low, max=high, description=description,
                               continuous_update=True, layout=widgets.Layout(width=width),
                               style={"description_width": "92px"})
    slider.add_class("cnnviz-slider")
    slider.add_class(f"cnnviz-slider-{css_name}")
    return slider


def _relayout(editor, width, columns=None, description_width=None):
    """A MatrixEditor's sliders at another width, in ``columns`` columns (default: the
    matrix's), so several editors fit side by side. Sliders keep their order (row-major)."""
    columns = columns or editor.shape[1]
    for slider in editor.all_sliders():
        slider.layout.width = f"{width}px"
        if description_width:
            slider.style.description_width = description_width
    editor.children[1].layout.grid_template_columns = f"repeat({columns}, {width + 4}px)"
    editor.layout.overflow = "auto"
    return editor


def _wrap(children, gap="12px"):
    return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap", grid_gap=gap,
                                                        align_items="center"))


# ---------------------------------------------------------------------------------------
# Frames and captions
# ---------------------------------------------------------------------------------------
# The most a stage sends at a slider move (its frames and captions as JSON, in bytes).
MESSAGE_LIMIT = 100_000


def message_size(frames, captions):
    """The bytes of a stage's message: its frames and captions as JSON (UTF-8)."""
    return len(json.dumps(list(frames) + list(captions)).encode("utf-8"))


def fitting_frames(trace, captions, *drawings, lang="en"):
    """(frames, captions) of a trace, drawn by the first of ``drawings`` (step -> frame, the
    fullest first) whose frames all fit in one message; the last one's otherwise, through
    ``within_limit``. A drawing is judged first by its frame of the last step (the running
    totals' largest numbers) times the number of steps."""
    text = message_size([], captions)
    for draw in drawings[:-1]:
        if (message_size([draw(trace[-1])], []) - 2) * len(trace) + text <= MESSAGE_LIMIT:
            frames = [draw(step) for step in trace]
            if message_size(frames, captions) <= MESSAGE_LIMIT:
                return frames, list(captions)
    return within_limit([drawings[-1](step) for step in trace], captions, lang=lang)


def within_limit(frames, captions, limit=MESSAGE_LIMIT, lang="en"):
    """(frames, captions) to send: all of them if they fit ``limit``; if not (a last resort),
    every m-th step with the smallest m that fits (the last step kept), each caption saying
    so (in ``lang``)."""
    n = len(frames)
    size = message_size(frames, captions)
    if size <= limit or n < 2:
        return list(frames), list(captions)
    every = max(2, -(-size // limit))
    while True:
        kept = sorted(set(range(0, n, every)) | {n - 1})
        note = say("general.steps_left_out", lang, every=every, n=n, kb=limit // 1000)
        shown = [frames[t] for t in kept], [captions[t] + note for t in kept]
        if every >= n or message_size(*shown) <= limit:
            return shown
        every += 1


def _step_caption(k, n_steps, text, lang="en"):
    return say("caption.step_of", lang, k=k, n=n_steps, what=text)


def _y_text(i, j, prefix=""):
    name = views.cell_name("y", i, j)
    return f"{prefix}y{views.subscript(name[1:])}"


# ---------------------------------------------------------------------------------------
# Output size
# ---------------------------------------------------------------------------------------
class OutputSizeExplorer(Explorer):
    """H_in, W_in, K, padding, stride, dilation -> the output size H_out x W_out, and where
    every window lands.

    Sliders: ``height_slider`` (H_in), ``width_slider`` (W_in), ``kernel_slider`` (K, square),
    ``padding_slider`` (p), ``stride_slider`` (s), ``dilation_slider`` (d); ``sliders`` maps
    "H", "W", "K", "padding", "stride", "dilation" to them ("H" and "W": the input's height
    H_in and width W_in). ``formula_stage`` fills in H_out = (H_in + 2p - d(K-1) - 1) // s + 1
    (W_out likewise) and says which rows / columns no window reads; ``grid_stage`` (one
    frame) shows the padded input with how many windows read each cell and where each window
    starts, and the output numbered by window; ``stage`` has one
    frame per window: the cells window #k covers, cut out with their row and column numbers,
    and the output it makes. A kernel larger than the padded input shows the message; the
    formula still shows the numbers, to show why.
    """

    RANGES = {"H": (1, MAX_SIZE), "W": (1, MAX_SIZE), "K": (1, MAX_KERNEL), "padding": (0, 3),
              "stride": (1, 4), "dilation": (1, 3)}

    def __init__(self, height=5, width=5, kernel=3, padding=1, stride=2, dilation=1,
                 lang=None):
        super().__init__(lang)
        given = {"H": ("height", height), "W": ("width", width), "K": ("kernel", kernel),
                 "padding": ("padding", padding), "stride": ("stride", stride),
                 "dilation": ("dilation", dilation)}
        values = {key: _in_range(name, value, *self.RANGES[key], self.lang)
                  for key, (name, value) in given.items()}
        self.layout = None
        self.rows = self.cols = None
        labels = {"H": ("general.slider_h", "height"), "W": ("general.slider_w", "width"),
                  "K": ("general.slider_k", "kernel"), "padding": ("general.slider_p", "padding"),
                  "stride": ("general.slider_s", "stride"),
                  "dilation": ("general.slider_d", "dilation")}
        self.sliders = {key: _int_slider(values[key], *self.RANGES[key], self.say(label), css)
                        for key, (label, css) in labels.items()}
        s = self.sliders
        self.height_slider, self.width_slider, self.kernel_slider = s["H"], s["W"], s["K"]
        self.padding_slider, self.stride_slider = s["padding"], s["stride"]
        self.dilation_slider = s["dilation"]
        for slider in s.values():
            slider.observe(self.refresh, names="value")
        self.formula_stage = self.new_stage(css_class="cnnviz-output-size-formula")
        self.grid_stage = self.new_stage(css_class="cnnviz-output-size-grid")
        self.stage = self.new_stage(css_class="cnnviz-output-size-windows")
        controls = widgets.GridBox(
            [s["H"], s["K"], s["stride"], s["W"], s["padding"], s["dilation"]],
            layout=widgets.Layout(grid_template_columns="repeat(3, 310px)", grid_gap="2px 8px"))
        self.root = Section(self, [controls], [self.formula_stage, self.grid_stage, self.stage],
                            self.say("section.output_size"), "cnnviz-output-size")
        self.refresh()

    # --- state --------------------------------------------------------------------------
    @property
    def settings(self):
        """dict(size=(H_in, W_in), kernel=K, padding=p, stride=s, dilation=d) as the sliders
        say."""
        s = self.sliders
        return dict(size=(s["H"].value, s["W"].value), kernel=s["K"].value,
                    padding=s["padding"].value, stride=s["stride"].value,
                    dilation=s["dilation"].value)

    @property
    def output_shape(self):
        """(H_out, W_out) of the last valid setting (see ``error`` for the current one)."""
        return self.layout.out_shape if self.layout else None

    # --- update -------------------------------------------------------------------------
    def refresh(self, *_):
        """As ``Explorer.refresh``, but a setting where no window fits still shows its formula
        (with the message): the negative numerator is why."""
        with self.speaking():
            try:
                self._recompute()
                frames, error = self._frames(), ""
            except Exception as err:  # as Explorer.refresh: the message goes on the stages
                frames, error = {}, message_of(err, self.lang)
                if self.rows is not None:
                    frames = {self.formula_stage: self._formula_frames()}
        self.error = error
        for stage in self.stages:
            if stage in frames:
                stage.show(*frames[stage], error=error)
            else:
                stage.error = error

    def _recompute(self):
        st = self.settings
        args = (st["kernel"], st["stride"], st["padding"], st["dilation"])
        self.rows = self.cols = None
        self.rows = geometry.axis_arithmetic(st["size"][0], *args)
        self.cols = geometry.axis_arithmetic(st["size"][1], *args)
        _window_fits(st["size"], (st["kernel"],) * 2, st["stride"], st["padding"],
                     st["dilation"], self.lang)
        self.layout = geometry.window_layout(st["size"], *args)

    def _formula_frames(self):
        return ([display_math(*gviews.output_size_equations(self.rows, self.cols))
                 + frame_html(gviews.leftover_note(self.rows, self.cols, self.lang))], [""])

    def _frames(self):
        layout, lang = self.layout, self.lang
        n_steps = len(layout.windows)
        frames = [gviews.window_step(layout, window.k, lang) for window in layout.windows]
        captions = [self.say("general.window_caption", k=window.k, n=n_steps,
                             y=_y_text(window.i, window.j)) for window in layout.windows]
        return {self.formula_stage: self._formula_frames(),
                self.grid_stage: ([gviews.window_overview(layout, styled=False, lang=lang)],
                                  [""]),
                self.stage: within_limit(frames, captions, lang=lang)}

    # --- display ------------------------------------------------------------------------
    def summary(self):
        st = self.settings
        (h, w), k = st["size"], st["kernel"]
        text = self.say("summary.output_size", name=type(self).__name__, h=h, w=w, k=k,
                        padding=st["padding"], stride=st["stride"], dilation=st["dilation"])
        if self.error:
            return self.say("summary.no_output", text=text, error=self.error)
        ho, wo = self.layout.out_shape
        return self.say("summary.output_size_result", text=text, ho=ho, wo=wo, n=ho * wo)


# ---------------------------------------------------------------------------------------
# Several input channels, several output channels, a batch
# ---------------------------------------------------------------------------------------
class MultiChannelExplorer(Explorer):
    """Y[n, f] = sum over input channels c of X[n, c] ⋆ W[f, c], + b[f], one position per step.

    x (N, C, H_in, W_in), w (F, C, K_H, K_W), b (F,); stride, padding, dilation as in the ops.
    ``image_picker`` (n) and ``filter_picker`` (f) choose what is taken apart; the editors
    ``w_editors[c]`` edit W[f, c] of the chosen f, ``bias_slider`` edits b[f]; ``x`` is set in
    code (``ex.x = ...``, same shape). ``maps_stage`` (one frame) shows one column per input
    channel, X[n, c] ⋆ W[f, c] = Y^(f,c) (the part of output channel f that comes from input
    channel c), and Y[n, f]; ``stage`` has one frame per output position: the window cut out of
    every channel and y_ij = y^(f,1)_ij + ... + y^(f,C)_ij + b_f (the windows left out, their
    place said in words, when all the frames would not fit in one message; at the most
    positions, the _ij of the maps' entries left out too). ``batch()`` shows
    every Y[n, f] of the batch (``batch_stage``).

    x or w not given: the start's images or kernels, with as many input channels as the one
    given (its slices taken again from the first when there are more); b not given: the start's
    when w has its two output channels, else zeros.
    """

    def __init__(self, x=None, w=None, b=None, stride=1, padding=0, dilation=1, low=-3, high=3,
                 lang=None):
        super().__init__(lang)
        lang = self.lang
        start = default_multichannel()
        self._x = _array(start["x"] if x is None else x, "x", 4, "(N, C, H_in, W_in)", lang)
        self._w = _array(start["w"] if w is None else w, "w", 4, "(F, C, K_H, K_W)", lang)
        if x is None:
            self._x = _channels(self._x, min(self._w.shape[1], MAX_COUNT))
        elif w is None:
            self._w = _channels(self._w, min(self._x.shape[1], MAX_COUNT))
        _no_more_than("x", self._x.shape, ("N", "C", "H_in", "W_in"),
                      (MAX_COUNT, MAX_COUNT, MAX_SIZE, MAX_SIZE), lang)
        _no_more_than("w", self._w.shape, ("F", "C", "K_H", "K_W"),
                      (MAX_COUNT, MAX_COUNT, MAX_KERNEL, MAX_KERNEL), lang)
        if self._x.shape[1] != self._w.shape[1]:
            raise SettingError(self.say("general.channels_differ", cx=self._x.shape[1],
                                        x_shape=self._x.shape, cw=self._w.shape[1],
                                        w_shape=self._w.shape))
        if b is None:
            b = start["b"] if len(start["b"]) == self._w.shape[0] else np.zeros(self._w.shape[0])
        b = numbers(b, "b", lang)
        if b.shape not in ((), (self._w.shape[0],)):
            raise SettingError(self.say("general.bias_shape", f=self._w.shape[0], shape=b.shape))
        self._b = _array(np.broadcast_to(b, (self._w.shape[0],)), "b", 1, "(F,)", lang)
        ranges = OutputSizeExplorer.RANGES
        self.stride = _in_range("stride", stride, *ranges["stride"], lang)
        self.padding = _in_range("padding", padding, *ranges["padding"], lang)
        self.dilation = _in_range("dilation", dilation, *ranges["dilation"], lang)
        self.result, self.traces = None, []
        self.scale = None  # the colour scale of the grids (colour.scale_for), set by refresh
        self._traces_made = {}  # channel -> (its inputs, its trace): see _channel_trace
        self._holding = False
        n_images, channels = self._x.shape[:2]
        self.image_picker = widgets.ToggleButtons(
            options=[(self.say("general.image", n=n + 1), n) for n in range(n_images)], value=0,
            description="n", style={"button_width": "90px", "description_width": "20px"})
        self.image_picker.add_class("cnnviz-image-picker")
        self.filter_picker = widgets.ToggleButtons(
            options=[(self.say("general.output_channel", f=f + 1), f)
                     for f in range(self._w.shape[0])], value=0,
            description="f", style={"button_width": "150px", "description_width": "20px"})
        self.filter_picker.add_class("cnnviz-filter-picker")
        self.w_editors = []
        for c in range(channels):
            editor = _relayout(MatrixEditor(self._w[0, c], "w", f"W[f=1, c={c + 1}]", low, high,
                                            css_class="cnnviz-editor-w", lang=lang), 290,
                               columns=1)
            editor.add_class(f"cnnviz-editor-w-c{c + 1}")
            editor.on_change(self._kernel_edited)
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
        # The same control widgets in every section (one model each, shown where asked).
        self.pickers = _wrap([self.image_picker, self.filter_picker, self.bias_slider], "4px 16px")
        self.kernels = _wrap(self.w_editors, "10px")
        self.shapes_stage = self.new_stage(css_class="cnnviz-multichannel-shapes")
        self.maps_stage = self.new_stage(css_class="cnnviz-multichannel-maps")
        self.stage = self.new_stage(css_class="cnnviz-multichannel-stage")
        self.batch_stage = None
        self.root = Section(self, [self.pickers, self.kernels],
                            [self.shapes_stage, self.maps_stage, self.stage],
                            self.say("section.channels"), "cnnviz-multichannel")
        self.refresh()

    # --- state --------------------------------------------------------------------------
    @property
    def x(self):
        """The input batch (N, C, H_in, W_in); assign an array of the same shape to change it."""
        return self._x.copy()

    @x.setter
    def x(self, values):
        values = _array(values, "x", 4, self.say("general.the_shape", shape=self._x.shape),
                        self.lang)
        if values.shape != self._x.shape:
            raise SettingError(self.say("general.x_shape", want=self._x.shape, got=values.shape))
        self._x = values
        self.refresh()

    @property
    def w(self):
        """All kernels (F, C, K_H, K_W); the editors show W[f] of the chosen output channel."""
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
                editor.heading.value = (f"<b style='font-size:1.05em'>W[f={self.f + 1}, "
                                        f"c={c + 1}]</b>")
            self.bias_slider.description = f"b[f={self.f + 1}]"
            value = self._b[self.f]
            if isinstance(self.bias_slider, widgets.IntSlider):
                value = int(value)
            self.bias_slider.min = min(self.bias_slider.min, value)
            self.bias_slider.max = max(self.bias_slider.max, value)
            self.bias_slider.value = value
        finally:
            self._holding = False
        self.refresh()

    # --- update -------------------------------------------------------------------------
    def _recompute(self):
        args = (self.stride, self.padding, self.dilation)
        _window_fits(self._x.shape[2:], self._w.shape[2:], *args, self.lang)
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is a message below
            result = geometry.channel_sum(self._x, self._w, self._b, self.n, self.f, *args)
        _finite_result("Y", result.all_y, self.lang)
        for c, y_fc in enumerate(result.maps):  # the map Y^(f,c) of each input channel
            _finite_result(f"Y^({self.f + 1},{c + 1})", y_fc, self.lang)
        self.traces = [self._channel_trace(c) for c in range(self._x.shape[1])]
        self.result = result
        # every grid: X[n] (its windows too), W[f], the maps Y^(f,c), Y of the whole batch
        self.scale = colour.scale_for(self._x[self.n], self._w[self.f], result.maps,
                                      result.all_y)

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

    def _shapes_line(self):
        return frame_html(gviews.shapes_line(self._x.shape, self._w.shape, self._b.shape,
                                             self.result.all_y.shape, self.lang))

    def _frames(self):
        n, f, result, trace, scale = self.n, self.f, self.result, self.traces[0], self.scale
        lang = self.lang
        padding = (self.padding, self.padding)
        legend = colour.legend_html(scale, lang)
        x_n, w_f = self._x[n], self._w[f]
        x_padded = np.pad(x_n, ((0, 0), padding, padding))
        captions = [_step_caption(t + 1, len(trace), self.say(
                        "general.channel_caption", y=_y_text(step.i, step.j), n=n + 1, f=f + 1),
                        lang)
                    for t, step in enumerate(trace)]

        def frame(windows, colours=True, indexed=True):
            return lambda step: gviews.channel_step(x_padded, result.maps, result.bias,
                                                    result.y, f, step, padding, windows,
                                                    scale=scale if colours else None, lang=lang,
                                                    indexed=indexed)

        # the windows coloured; if too large, plain; if still too large, in words; then
        # without the _ij of every map's entry
        stepped = fitting_frames(trace, captions, frame(True), frame(True, False), frame(False),
                                 frame(False, indexed=False), lang=lang)
        overview = [gviews.channel_overview(x_n, w_f, result.maps, result.bias, result.y, n,
                                            f, padding, styled=False, scale=scale,
                                            lang=lang) + legend]
        if message_size(overview, [""]) > MESSAGE_LIMIT:  # names for Y only
            overview = [gviews.channel_overview(x_n, w_f, result.maps, result.bias, result.y, n,
                                                f, padding, named=False, styled=False,
                                                scale=scale, lang=lang) + legend]
        out = {self.shapes_stage: ([self._shapes_line()], [""]),
               self.maps_stage: (overview, [""]),
               self.stage: stepped}
        if self.batch_stage is not None:
            batch = [gviews.batch_panel(result.all_y, n, f, styled=False, scale=scale,
                                        lang=lang) + legend]
            if message_size(batch, [""]) > MESSAGE_LIMIT:  # names for the chosen Y[n, f] only
                batch = [gviews.batch_panel(result.all_y, n, f, named=False, styled=False,
                                            scale=scale, lang=lang) + legend]
            out[self.batch_stage] = (batch, [""])
        return out

    # --- results and sections -----------------------------------------------------------
    @property
    def y(self):
        """Y (N, F, H_out, W_out) of the whole batch, from the 4-D op."""
        return self.result.all_y

    def batch(self):
        """Every Y[n, f] of the batch, the chosen one outlined (the same controls as above)."""
        if self.batch_stage is None:
            self.batch_stage = self.new_stage(css_class="cnnviz-multichannel-batch")
            self.refresh()
        return Section(self, [self.pickers, self.kernels], [self.shapes_stage, self.batch_stage],
                       self.say("section.batch"), "cnnviz-multichannel")

    def summary(self):
        n, f = self.n, self.f
        text = self.say("summary.channels", name=type(self).__name__, x=tuple(self._x.shape),
                        w=tuple(self._w.shape), b=tuple(self._b.shape))
        if self.error or self.result is None:
            return self.say("summary.no_output", text=text, error=self.error)
        y = "; ".join(" ".join(number_text(v) for v in r) for r in self.result.y)
        return self.say("summary.channels_y", text=text, n=n + 1, f=f + 1, y=y)


# ---------------------------------------------------------------------------------------
# The backward pass with stride and padding
# ---------------------------------------------------------------------------------------
class StridedBackwardExplorer(Explorer):
    """∂L/∂X of a strided, padded convolution, step by step on the padded grid, and as a full
    convolution of ∂L/∂Y (zeros inserted) with the rotated kernel.

    x (H_in, W_in) is set in code (``ex.x = ...``: a bad one shows its message, like a slider);
    ``w_editor`` edits W; ``dy_editor`` edits ∂L/∂Y and is replaced when stride or padding
    change its shape (values kept where the shapes overlap, and remembered per shape);
    ``stride_slider``, ``padding_slider``. Stages: ``overview_stage`` (one frame: ∂L/∂Y and
    the whole ∂L/∂X on the padded grid) and ``stage`` (the ∂L/∂X scatter, one frame per
    output: what it adds to the cells of its window), ``weights()`` (``weights_overview_stage``
    and ``weights_stage``: ∂L/∂W step by step), ``full_convolution()`` (the full convolution
    and its verdict). A frame leaves out what a step adds (W or the window times ∂L/∂y_ij) when
    all the frames with it would not fit in one message. Numbers: ``trace``
    (``geometry.padded_backward_steps``), ``two_ways`` (``geometry.input_grad_two_ways``),
    ``dx`` / ``dw`` the layer's gradients.
    """

    STRIDES, PADDINGS = (1, 3), (0, 2)

    def __init__(self, x=None, w=None, dy=None, stride=2, padding=1, low=-5, high=5, lang=None):
        super().__init__(lang)
        lang = self.lang
        start = default_strided()
        self._x = self._valid_x(start["x"] if x is None else x)
        w = _array(start["w"] if w is None else w, "w", 2, _a_matrix("(K_H, K_W)", lang), lang)
        _no_more_than("w", w.shape, ("K_H", "K_W"), (MAX_KERNEL, MAX_KERNEL), lang)
        stride = _in_range("stride", stride, *self.STRIDES, lang)
        padding = _in_range("padding", padding, *self.PADDINGS, lang)
        if dy is None:
            dy = start["dy"]
            try:
                out = ops.output_size(self._x.shape, w.shape, stride, padding)
            except ValueError:
                out = dy.shape
            if out != dy.shape:
                dy = np.ones(out)
        else:
            dy = _array(dy, "∂L/∂Y", 2, _a_matrix("(H_out, W_out)", lang), lang)
            try:
                out = ops.output_size(self._x.shape, w.shape, stride, padding)
            except ValueError:
                out = None  # no output: the message says why; ∂L/∂Y is kept as given
            if out is not None and dy.shape != out:
                raise SettingError(self.say("general.dy_shape", dy=dy.shape, x=self._x.shape,
                                            w=w.shape, stride=stride, padding=padding, out=out))
        self._low, self._high = low, high
        self.trace = []
        self.scale = None  # the colour scale of the grids (colour.scale_for), set by refresh
        self._two_ways = None  # the current state's two_ways, worked out when first asked for
        self.stride_slider = _int_slider(stride, *self.STRIDES, self.say("general.slider_s"),
                                         "stride")
        self.padding_slider = _int_slider(padding, *self.PADDINGS, self.say("general.slider_p"),
                                          "padding")
        self.w_editor = MatrixEditor(w, "w", self.say("editor.w_kernel"), low, high,
                                     css_class="cnnviz-editor-w", lang=lang)
        self.w_editor.on_change(self.refresh)
        self._dy_editors = {}
        self.dy_box = widgets.VBox([self._dy_editor(dy)])
        self.stride_slider.observe(self.refresh, names="value")
        self.padding_slider.observe(self.refresh, names="value")
        # The same controls in every section (one widget each, shown where asked).
        self.settings_box = widgets.HBox([self.stride_slider, self.padding_slider])
        self.editors = _wrap([self.w_editor, self.dy_box])
        self.overview_stage = self.new_stage(css_class="cnnviz-strided-dx-overview")
        self.stage = self.new_stage(css_class="cnnviz-strided-dx")
        self.weights_overview_stage = self.weights_stage = self.full_stage = None
        self.root = self._section([self.overview_stage, self.stage], self.say("section.strided"))
        self.refresh()

    def _section(self, stages, what):
        return Section(self, [self.settings_box, self.editors], stages, what,
                       "cnnviz-strided-backward")

    def _valid_x(self, values):
        x = _array(values, "x", 2, _a_matrix("(H_in, W_in)", self.lang), self.lang)
        _no_more_than("x", x.shape, ("H_in", "W_in"), (MAX_SIZE, MAX_SIZE), self.lang)
        return x

    def _dy_editor(self, values):
        values = np.asarray(values, dtype=float)
        editor = _relayout(MatrixEditor(
            values, "∂L/∂y", self.say("editor.dy_given"), self._low, self._high,
            label="∂L/∂y", css_class="cnnviz-editor-dy", css_name="dy", lang=self.lang),
            max(190, min(250, 940 // values.shape[1] - 4)), description_width="60px")
        editor.on_change(self.refresh)
        self._dy_editors[values.shape] = editor
        return editor

    # --- state --------------------------------------------------------------------------
    @property
    def dy_editor(self):
        """The ∂L/∂Y editor of the current output shape."""
        return self.dy_box.children[0]

    @property
    def x(self):
        """The input as set (``ex.x = ...``); a bad one is kept, and its message shown."""
        return np.array(self._x, dtype=float)

    @x.setter
    def x(self, values):
        self._x = values
        self.refresh()

    w = edited("w_editor")
    dy = edited("dy_editor")

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
        stride, padding, w = self.stride, self.padding, self.w
        x = self._valid_x(self._x)
        _window_fits(x.shape, w.shape, stride, padding, 1, self.lang)
        out = ops.output_size(x.shape, w.shape, stride, padding)
        self._use_dy_shape(out)
        dy = self.dy
        # One trace on the padded grid serves every stepped picture: its dW is the layer's,
        # its dX the layer's inside the border.
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is a message below
            trace = geometry.padded_backward_steps(dy, x, w, stride, padding)
        _finite_result("∂L/∂W", trace[-1].dW, self.lang)
        _finite_result("∂L/∂X", trace[-1].dX, self.lang)
        self.trace = trace
        # every grid of every section: X, W (rotated), ∂L/∂Y, and at each step what it adds
        # and the running totals on the padded grid (the full convolution's are among them)
        self.scale = colour.scale_for(x, w, dy, *(
            a for s in trace for a in (s.dx_add, s.dX, s.dw_add, s.dW)))
        args = (dy, x, w, stride, padding)
        self._two_ways = functools.cache(lambda: geometry.input_grad_two_ways(*args))

    def _captions(self):
        return [_step_caption(k + 1, len(self.trace),
                              self.say("conv.flows_back", dy=_y_text(s.i, s.j, "∂L/∂")),
                              self.lang)
                for k, s in enumerate(self.trace)]

    def _frames(self):
        x, dy, padding, last = self.x, self.dy, (self.padding,) * 2, self.trace[-1]
        scale, lang = self.scale, self.lang
        legend = colour.legend_html(scale, lang)
        # the fullest drawing of a step that fits: what it adds, coloured; plain; then
        # without what it adds, coloured; plain
        drawings = ((True, scale), (True, None), (False, scale), (False, None))
        captions = self._captions()
        out = {
            self.overview_stage: ([gviews.strided_dx_overview(dy, last, x.shape, padding,
                                                              styled=False, scale=scale,
                                                              lang=lang)
                                   + legend], [""]),
            self.stage: fitting_frames(self.trace, captions, *(
                functools.partial(gviews.strided_dx_step, x_shape=x.shape, padding=padding,
                                  added=added, scale=fill, lang=lang)
                for added, fill in drawings), lang=lang)}
        if self.weights_stage is not None:
            out[self.weights_overview_stage] = (
                [gviews.strided_dw_overview(x, padding, last, styled=False, scale=scale,
                                            lang=lang)
                 + legend], [""])
            out[self.weights_stage] = fitting_frames(self.trace, captions, *(
                functools.partial(gviews.strided_dw_step, x_shape=x.shape, padding=padding,
                                  added=added, scale=fill, lang=lang)
                for added, fill in drawings), lang=lang)
        if self.full_stage is not None:
            out[self.full_stage] = ([gviews.full_convolution_panels(
                self.two_ways, self.w.shape, (self.stride,) * 2, padding, styled=False,
                scale=scale, lang=lang) + legend], [""])
        return out

    # --- results and sections -----------------------------------------------------------
    @property
    def two_ways(self):
        """``geometry.input_grad_two_ways`` of the last good state (None before any).
        Worked out when first asked for (the full-convolution section shows it)."""
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
        """∂L/∂X as a full convolution with zeros inserted (the same controls as above)."""
        if self.full_stage is None:
            self.full_stage = self.new_stage(css_class="cnnviz-strided-matrix-form")
            self.refresh()
        return self._section([self.full_stage], self.say("section.strided_full"))

    def weights(self):
        """∂L/∂W step by step (the same controls as above)."""
        if self.weights_stage is None:
            self.weights_overview_stage = self.new_stage(css_class="cnnviz-strided-dw-overview")
            self.weights_stage = self.new_stage(css_class="cnnviz-strided-dw")
            self.refresh()
        return self._section([self.weights_overview_stage, self.weights_stage],
                             self.say("section.dw_steps"))

    def summary(self):
        shape = np.shape(self._x)
        given = (self.say("summary.size", h=shape[0], w=shape[1]) if len(shape) == 2
                 else self.say("summary.of_shape", shape=shape))
        kh, kw = self.w_editor.shape
        text = self.say("summary.strided", name=type(self).__name__, given=given, kh=kh, kw=kw,
                        stride=self.stride, padding=self.padding)
        if self.error or not self.trace:
            return self.say("summary.no_output", text=text, error=self.error)
        fmt = lambda a: "[" + "; ".join(" ".join(number_text(v) for v in r) for r in a) + "]"
        agree = self.say("summary.equals" if self.two_ways.agree else "summary.differs")
        return self.say("summary.strided_dx", text=text, dx=fmt(self.dx), agree=agree)
