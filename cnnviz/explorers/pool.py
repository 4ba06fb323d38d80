"""The pooling explorers: sliders for every number, stages that step through the windows X'_k.

The forward and backward explorers have a **mode** switch: max pooling (the derivation's) or
average pooling (each window's mean; on the way back a uniform mask 1/size²).

Each explorer is an object a test can drive without a browser::

    ex = PoolBackwardExplorer()
    ex.x_editor.slider(2, 2).value = 0      # x33 = 0: now x22 wins all four windows
    ex.ties.value = "split"                 # the ties switch
    ex.stage.step = 3                       # window X'4
    ex.stage.frame                          # the HTML the student sees at that step

A slider move recomputes the trace once and gives every stage its frames (one per window) in
one message; the browser steps through them on its own. No math lives here: numbers come from
cnnviz.layers / cnnviz.derivation, pictures from cnnviz.render.

Every grid of numbers of an explorer is coloured on one scale (``explorer.scale``, from all the
numbers its grids show at any step, running totals and compared results included), and each
frame with a grid shows the legend once. The masks M_k are left white (0/1 switches).

>>> ex = PoolForwardExplorer([[1, 3, 2], [4, 8, 1], [0, 5, 9]])
>>> ex.stage.n_steps, ex.y.tolist()
(4, [[8.0, 8.0], [8.0, 9.0]])
>>> ex.x_editor.slider(1, 1).value = 0
>>> ex.y.tolist()
[[4.0, 3.0], [5.0, 9.0]]
>>> ex.mode = "average"
>>> ex.y.tolist()
[[2.0, 1.5], [2.25, 3.75]]
"""
import functools

import ipywidgets as widgets
import numpy as np

from ..derivation import examples, formulas, pitfalls
from ..layers import avg_steps, ops, steps
from ..render import colour
from ..render import conv as views
from ..render import pool as pool_views
from ..render.math import display_math
from ..words import join, say
from .base import (Explorer, MatrixEditor, Section, SettingError, edited, finite_result, fitting,
                   number_text, numbers, output_shape)
from .stage import frame_html

# A formula as MathML, kept for the values seen lately: dragging a slider back and forth
# revisits them, and the conversion is the costliest part of a frame.
_math = functools.lru_cache(maxsize=512)(display_math)

__all__ = ["PoolForwardExplorer", "PoolWindowsExplorer", "PoolBackwardExplorer"]

TIES_OPTIONS = [("first (frameworks)", "first"), ("all", "all"), ("split", "split")]
MODES = ("max", "average")


def _ties_options(lang):
    """The ties switch's (label, value) pairs in ``lang``."""
    return [(say(f"pool.ties_{value}", lang), value) for _, value in TIES_OPTIONS]


def _checked_mode(mode, lang="en"):
    """``mode`` if it is "max" or "average", else a ValueError naming it (in ``lang``)."""
    if not isinstance(mode, str) or mode not in MODES:
        raise ValueError(say("explorer.either", lang, name="mode", first="'max'",
                             second="'average'", value=repr(mode)))
    return mode


def _mode_buttons(mode, lang="en"):
    # the default style: nothing more to save with the notebook
    buttons = widgets.ToggleButtons(options=[(say(f"pool.mode_{m}", lang), m) for m in MODES],
                                    value=_checked_mode(mode, lang),
                                    description=say("pool.mode", lang))
    buttons.add_class("cnnviz-pool-mode")
    return buttons


def _number(value):
    """A number for a one-line summary: as the views write it, NaN and ±inf by name."""
    return views.format_number(value) if np.isfinite(value) else number_text(value)


def _matrix_text(a):
    """[8 8; 8 9]: a matrix for a one-line summary."""
    return "[" + "; ".join(" ".join(_number(v) for v in r) for r in np.atleast_2d(a)) + "]"


def _shape_text(shape, lang="en"):
    if len(shape) == 2:
        return say("summary.size", lang, h=shape[0], w=shape[1])
    return say("summary.of_shape", lang, shape=shape)


def _wrap(*children):
    return widgets.HBox(list(children),
                        layout=widgets.Layout(flex_flow="row wrap", grid_gap="12px"))


def _part(css_class, html):
    """A part of a frame in a block with its own class (a browser test finds it by it)."""
    return f'<div class="{css_class}">{html}</div>'


def _bare_part(css_class, html):
    """``_part`` of a view without its inlined stylesheet, as ``frame_html`` leaves it: made
    once per part (parts are shared by frames and stages), with no pattern search."""
    if html.startswith(views.STYLE):  # where the views put it
        return _part(css_class, html[len(views.STYLE):])
    return frame_html(_part(css_class, html))


def _finite(values, symbol, lang="en"):
    """``values`` unchanged if every entry is a finite number, else a ValueError naming them.

    A NaN result would be indistinguishable from an output not computed yet; the message
    says which entry is at fault instead.
    """
    values = np.asarray(values, dtype=float)
    bad = [f"{views.cell_name(symbol, r, c)} = {number_text(values[r, c])}"
           for r, c in zip(*np.nonzero(~np.isfinite(values)))]
    if bad:
        entries = join(bad[:4], lang) + (" …" if len(bad) > 4 else "")
        raise SettingError(say("pool.not_finite", lang, symbol=symbol, entries=entries))
    return values


def _check_results(lang="en", **arrays):
    """A ValueError if a result overflows (±inf, or NaN from inf − inf): values too large."""
    for name, value in arrays.items():
        finite_result(name, name, value, lang, message="pool.too_large")


def _window_captions(trace, lang="en"):
    """One caption per step: window k of n: X′k → y_ij."""
    n = len(trace)
    return [say("pool.window_caption", lang, t=t + 1, n=n, window=pool_views.window_name(s.k),
                y=f"y{views.subscript(views.cell_name('y', s.i, s.j)[1:])}")
            for t, s in enumerate(trace)]


class _PoolExplorer(Explorer):
    """What the pooling explorers share: the trace and a step asked for by a section."""

    def __init__(self, lang=None):
        super().__init__(lang)
        self.trace = []
        self.scale = None  # the colour scale of the grids (colour.scale_for), set by refresh

    def _asked_step(self, stage, step):
        """Move ``stage`` to ``step`` (None: leave it); a step past the trace is an error."""
        if step is not None:
            if not 0 <= step < max(len(self.trace), 1):
                raise ValueError(self.say("explorer.step_range", name="step",
                                          last=len(self.trace) - 1, value=step))
            stage.step = step

    def static_html(self):
        """The root section as a copy that plays with no kernel (frames as JSON)."""
        return self.root.static_html()


class _ModeExplorer(_PoolExplorer):
    """A pooling explorer with a mode switch, max or average (``mode_buttons``, ``mode``)."""

    DIRECTION = ""  # "forward" / "backward": the root section reads "<mode> pooling <direction>"

    @property
    def mode(self):
        """"max" or "average": what the explorer shows."""
        return self.mode_buttons.value

    @mode.setter
    def mode(self, value):
        self.mode_buttons.value = _checked_mode(value, self.lang)  # a bad mode moves nothing

    def _what(self, mode):
        """The root section's name: "<mode> pooling <direction>", in the explorer's language."""
        return self.say("section.pool", mode=self.say(f"pool.mode_{mode}"),
                        direction=self.say(f"section.{self.DIRECTION}"))

    def _mode_moved(self, _change):
        self.root.what = self._what(self.mode)
        self.refresh()


# ---------------------------------------------------------------------------------------
# Forward
# ---------------------------------------------------------------------------------------
class PoolForwardExplorer(_ModeExplorer):
    """The derivation's max pooling, forward: the windows X′1 … X′4 one by one, Y filling in.

    Sliders for every x_ij and a **mode** switch; the stage walks the window (2×2, stride 1)
    over X. Each step shows the window on X, the window on its own, Y so far, and
    X′_k = [...] with the numbers. mode="max": the window's maximum marked and
    y_ij = max(X′_k) = ...; mode="average": the whole window counts and
    y_ij = (sum of X′_k) / size² = ....
    """

    DIRECTION = "forward"

    def __init__(self, x=None, size=2, stride=1, low=-9, high=9, mode="max", lang=None):
        super().__init__(lang)
        x = examples.worked_pool()["x"] if x is None else x
        self.mode_buttons = _mode_buttons(mode, self.lang)
        self.size, self.stride = size, stride
        self.x_editor = MatrixEditor(x, "x", self.say("editor.x_input"), low, high,
                                     css_class="cnnviz-editor-x", lang=self.lang)
        self.x_editor.on_change(self.refresh)
        self.mode_buttons.observe(self._mode_moved, names="value")
        self.stage = self.new_stage(css_class="cnnviz-pool-forward-stage")
        self.root = Section(self, [self.x_editor, self.mode_buttons], [self.stage],
                            self._what(mode), "cnnviz-pool-forward")
        self.refresh()

    x = edited("x_editor")

    @property
    def y(self):
        """The whole output Y (the last step's), or None before a setting that works."""
        return self.trace[-1].Y if self.trace else None

    def _recompute(self):
        x = _finite(self.x, "x", self.lang)
        trace = (avg_steps.avgpool_forward_steps if self.mode == "average"
                 else steps.pool_forward_steps)(x, self.size, self.stride)
        _check_results(self.lang, Y=trace[-1].Y)  # an average's sum can overflow
        self.trace = trace
        # the grids show X (and its windows) and Y
        self.scale = colour.scale_for(x, self.trace[-1].Y)

    def _frames(self):
        x, size, stride, values = self.x, self.size, self.stride, dict(x=self.x)
        scale, lang = self.scale, self.lang
        legend = colour.legend_html(scale, lang)
        if self.mode == "average":
            frames = [frame_html(
                _part("cnnviz-pool-input", pool_views.average_forward_panels(step, x, scale, lang)),
                legend,
                # one line: the sum, written out with x's names and numbers, over size²
                _part("cnnviz-pool-formula", _math(pool_views.average_output_latex(step))))
                for step in self.trace]
            return {self.stage: (frames, _window_captions(self.trace, lang))}
        frames = [frame_html(
            _part("cnnviz-pool-input", pool_views.pool_forward_panels(step, x, scale, lang)),
            legend,
            _part("cnnviz-pool-formula", _math(
                formulas.pool_window_formula(step.i, step.j, x.shape, size, stride, values=values),
                formulas.pool_output_formula(step.i, step.j, x.shape, size, stride, values=values))))
            for step in self.trace]
        return {self.stage: (frames, _window_captions(self.trace, lang))}

    def summary(self):
        name = type(self).__name__
        if self.error or not self.trace:
            return self.say("summary.error", name=name,
                            error=self.error or self.say("summary.no_output_yet"))
        mode = self.say("summary.pool_average") if self.mode == "average" else ""
        setting = self.say("summary.pool_setting", shape=_shape_text(self.x.shape, self.lang),
                           size=self.size, stride=self.stride)
        return self.say("summary.pool_forward", name=name, mode=mode, setting=setting,
                        y=_matrix_text(self.y))


# ---------------------------------------------------------------------------------------
# Window size and stride on a larger input
# ---------------------------------------------------------------------------------------
class PoolWindowsExplorer(_PoolExplorer):
    """Window size and stride over a 6×6 input: overlapping, tiling, skipping windows.

    Sliders for the window size and the stride (square), a button for a new random input
    (a fixed seed, so the sequence of inputs is the same every time) and three stages:
    ``stage`` steps over the windows (X in numbers only, the current window outlined, its
    maximum marked, and y_ij = max(X′k)); ``coverage_stage`` (one picture per setting) says
    whether the windows overlap, tile or skip, how many windows read each cell, maps every
    window and shows Y; ``formula_stage`` gives H_out = ⌊(H_in − size) / stride⌋ + 1 with the
    numbers. A setting that does not work shows its message; the sliders keep their values
    and the pictures the last setting that worked.
    """

    def __init__(self, x=None, size=2, stride=2, seed=0, max_setting=7, lang=None):
        super().__init__(lang)
        self._out_shape = None
        self._rng = np.random.default_rng(seed)
        self._x = self._draw((6, 6)) if x is None else self._numbers(x)
        self.size_slider = widgets.IntSlider(value=size, min=1, max=max(max_setting, size),
                                             description=self.say("pool.size"), continuous_update=True,
                                             layout=widgets.Layout(width="280px"),
                                             style={"description_width": "52px"})
        self.stride_slider = widgets.IntSlider(value=stride, min=1, max=max(max_setting, stride),
                                               description=self.say("pool.stride"),
                                               continuous_update=True,
                                               layout=widgets.Layout(width="280px"),
                                               style={"description_width": "52px"})
        for slider, name in ((self.size_slider, "size"), (self.stride_slider, "stride")):
            slider.add_class("cnnviz-slider")
            slider.add_class(f"cnnviz-slider-{name}")
            slider.observe(self.refresh, names="value")
        self.new_input = widgets.Button(description=self.say("pool.new_input"), icon="refresh",
                                        layout=widgets.Layout(width="190px"))
        self.new_input.add_class("cnnviz-new-input")
        self.new_input.on_click(lambda _button: self.next_input())
        self.stage = self.new_stage(css_class="cnnviz-pool-windows-stage")
        self.coverage_stage = self.new_stage(css_class="cnnviz-pool-windows-coverage-stage")
        self.formula_stage = self.new_stage(css_class="cnnviz-pool-size-formula")
        controls = _wrap(self.size_slider, self.stride_slider, self.new_input)
        self.root = Section(self, [controls],
                            [self.stage, self.coverage_stage, self.formula_stage],
                            self.say("section.pool_windows"), "cnnviz-pool-windows")
        self.refresh()

    def _draw(self, shape):
        return self._rng.integers(0, 10, size=shape).astype(float)

    def next_input(self):
        """A new random input of the same size (the next one of the fixed-seed sequence)."""
        usable = self._x.ndim == 2 and self._x.size > 0
        self._x = self._draw(self._x.shape if usable else (6, 6))
        self.refresh()

    @property
    def x(self):
        return self._x.copy()

    @x.setter
    def x(self, value):
        """Any array: one that does not work shows its message (the sliders stay)."""
        self._x = self._numbers(value)
        self.refresh()

    def _numbers(self, value):
        """``value`` as a float array, or a TypeError/ValueError saying why it is not numbers."""
        return numbers(value, "x", self.lang)

    @property
    def size(self):
        return self.size_slider.value

    @property
    def stride(self):
        return self.stride_slider.value

    @property
    def y(self):
        """Y of the last setting that worked (None before one)."""
        return self.trace[-1].Y if self.trace else None

    @property
    def out_shape(self):
        """(H_out, W_out) of the last setting that worked (``ops.output_size``)."""
        return self._out_shape

    def _recompute(self):
        x, size = self._x, self.size
        if x.ndim != 2:
            raise SettingError(self.say("pool.not_matrix", shape=x.shape))
        h, w = x.shape
        if h == 0 or w == 0:
            raise SettingError(self.say("pool.empty", shape=x.shape))
        if size > min(h, w):
            raise SettingError(self.say("pool.too_big", size=size, h=h, w=w, most=min(h, w)))
        _finite(x, "x", self.lang)
        trace = steps.pool_forward_steps(x, size, self.stride)
        self._out_shape = ops.output_size(x.shape, size, self.stride)
        self.trace = trace
        self.scale = colour.scale_for(x, trace[-1].Y)  # the grids show X and Y

    def _pair(self):
        """((size, size), (stride, stride)): the square window and its stride."""
        return (self.size, self.size), (self.stride, self.stride)

    def _frames(self):
        trace, x, pair, scale, lang = self.trace, self._x, self._pair(), self.scale, self.lang
        legend = colour.legend_html(scale, lang)
        # the views come without the stylesheet (the stages carry it): no frame to strip
        frames = [_part("cnnviz-pool-windows-view", view) + legend
                  for view in pool_views.windows_step_views(trace, x, styled=False, scale=scale,
                                                            lang=lang)]
        coverage = frame_html(_part("cnnviz-pool-windows-coverage",
                                    pool_views.windows_coverage_panels(trace, x, *pair, scale, lang)),
                              legend)
        formula = _math(*pool_views.output_size_latex(x.shape, *pair, self._out_shape, lang))
        return {self.stage: (frames, _window_captions(trace, lang)),
                self.coverage_stage: ([coverage], [""]),
                self.formula_stage: ([formula], [""])}

    def summary(self):
        name = type(self).__name__
        setting = self.say("summary.pool_setting", shape=_shape_text(self._x.shape, self.lang),
                           size=self.size, stride=self.stride)
        if self.error or not self.trace:
            return self.say("summary.error_setting", name=name, setting=setting,
                            error=self.error or self.say("summary.no_output_yet"))
        (ho, wo), h = self.out_shape, self._x.shape[0]
        return self.say("summary.pool_windows", name=name, setting=setting, ho=ho, wo=wo, h=h,
                        size=self.size, stride=self.stride, n=len(self.trace),
                        y=_matrix_text(self.y))


# ---------------------------------------------------------------------------------------
# Backward
# ---------------------------------------------------------------------------------------
class PoolBackwardExplorer(_ModeExplorer):
    """The derivation's max pooling, backward: masks, local gradients, ADDED into ∂L/∂X.

    Sliders for ∂L/∂Y and X, a ties switch (first / all / split) and a stage over the
    windows. At window X′k: its ∂L/∂y_ij, the window on X with its maximum, the mask M_k,
    the local gradient ∂L/∂y_ij · M_k, what it adds to ∂L/∂X and the running ∂L/∂X with how
    many windows each cell has won; below, every contribution meeting at the input picked
    with "meet at" (x22 by default). Sections: ``steps_view()``, ``meeting()``,
    ``ties_view()``, ``overwrite_bug()``; each has a stage of its own and the same sliders.

    mode="average" (the **mode** switch): average pooling. The mask M_k is uniform, 1/size²
    in every cell, so every cell of the window gets a share ∂L/∂y_ij / size²; the running
    ∂L/∂X notes how many windows have sent each cell a share, of all that cover it. The
    ties switch has no effect there (it is disabled), and the ties and overwrite sections,
    which are about max pooling, say so.

    dy not given: the worked example's when it fits the output, else ones (the gradient of
    L = the sum of every y_ij: each window sends back 1).
    """

    # what a stage shows at each window: the root's parts, or one section's
    KINDS = ("root", "steps", "meeting", "ties", "overwrite")
    DIRECTION = "backward"

    def __init__(self, x=None, dy=None, ties="first", cell=(1, 1), size=2, stride=1,
                 low=-9, high=9, mode="max", lang=None):
        super().__init__(lang)
        worked = examples.worked_pool()
        x = worked["x"] if x is None else x
        self.mode_buttons = _mode_buttons(mode, self.lang)
        self.size, self.stride = size, stride
        self._good = None  # (dy, x, ties, mode) of the last trace that worked
        self._comparisons = {}
        self._made = {}  # the parts of frames made for that trace (see _parts)
        self.x_editor = MatrixEditor(x, "x", self.say("editor.x_input"), low, high,
                                     css_class="cnnviz-editor-x", lang=self.lang)
        if dy is None:
            dy = fitting(worked["dy"], output_shape(self.x_editor.shape, size, stride), 1)
        self.dy_editor = MatrixEditor(dy, "∂L/∂y", self.say("editor.dy_given"), -5, 5, label="dy",
                                      css_class="cnnviz-editor-dy", lang=self.lang)
        self.ties = widgets.ToggleButtons(options=_ties_options(self.lang), value=ties,
                                          description=self.say("pool.ties"),
                                          style={"button_width": "150px",
                                                 "description_width": "40px"})
        self.ties.add_class("cnnviz-ties")
        h, w = self.x_editor.shape
        cells = [(r, c) for r in range(h) for c in range(w)]
        cell = tuple(cell)
        if cell not in cells:
            raise ValueError(self.say("pool.bad_cell", name="cell", h=h, w=w, cell=cell))
        self.cell_picker = widgets.ToggleButtons(
            options=[(f"x{views.subscript(views.cell_name('', r, c))}", (r, c)) for r, c in cells],
            value=cell, description=self.say("pool.meet_at"),
            style={"button_width": "52px", "description_width": "60px"})
        self.cell_picker.add_class("cnnviz-cell-picker")
        self._kinds = {}  # stage -> one of KINDS
        self.stage = self._stage_of("root", "cnnviz-pool-backward-stage")
        for editor in (self.x_editor, self.dy_editor):
            editor.on_change(self.refresh)
        self.ties.observe(self.refresh, names="value")
        self.cell_picker.observe(self.refresh, names="value")
        self.mode_buttons.observe(self._mode_moved, names="value")
        self.ties.disabled = mode == "average"  # average pooling has no ties to break
        self.editors = _wrap(self.dy_editor, self.x_editor)
        self.root = Section(self, [self.editors, self.mode_buttons, self.ties, self.cell_picker],
                            [self.stage], self._what(mode), "cnnviz-pool-backward")
        self.refresh()

    def _mode_moved(self, change):
        self.ties.disabled = self.mode == "average"
        super()._mode_moved(change)

    def _stage_of(self, kind, css_class):
        stage = self.new_stage(css_class=css_class)
        self._kinds[stage] = kind
        return stage

    def _section(self, kind, css_class, what, pick_cell=False, step=None):
        stage = self._stage_of(kind, css_class)
        self.refresh()
        self._asked_step(stage, step)
        mode = [self.mode_buttons] if kind in ("steps", "meeting") else []
        controls = [self.editors, *mode, self.ties] + ([self.cell_picker] if pick_cell else [])
        return Section(self, controls, [stage], what, "cnnviz-pool-backward")

    # --- state --------------------------------------------------------------------------
    x = edited("x_editor")
    dy = edited("dy_editor")

    @property
    def policy(self):
        return self.ties.value

    @property
    def dx(self):
        """The whole ∂L/∂X of the last values that worked (the last step's running total)."""
        return self.trace[-1].dX if self.trace else None

    @property
    def wins(self):
        """How many windows each cell of X has won (a max-pooling trace; else None)."""
        return getattr(self.trace[-1], "wins", None) if self.trace else None

    @property
    def covers(self):
        """How many windows cover each cell of X (an average-pooling trace; else None)."""
        return getattr(self.trace[-1], "covers", None) if self.trace else None

    def _recompute(self):
        x, dy = _finite(self.x, "x", self.lang), _finite(self.dy, "∂L/∂y", self.lang)
        policy = self.policy
        mode = self.mode
        if self._same_trace(dy, x, policy, mode):
            return  # e.g. only the cell picker moved: the trace and its parts are kept
        if mode == "average":
            trace = avg_steps.avgpool_backward_steps(dy, x, self.size, self.stride)
        else:
            trace = steps.pool_backward_steps(dy, x, self.size, self.stride, policy)
        _check_results(self.lang, **{"∂L/∂X": trace[-1].dX})
        self.trace, self._good, self._comparisons, self._made = trace, (dy, x, policy, mode), {}, {}
        self.scale = self._scale_of(trace, dy, x, mode)

    def _scale_of(self, trace, dy, x, mode):
        """The one colour scale of every grid any stage shows at any step: ∂L/∂Y, X (max
        pooling: the window on X; average pooling shows no X), the local gradients, what each
        step adds, the running ∂L/∂X and, for max pooling, ∂L/∂X under each ties policy (the
        ties section; the overwrite bug's cells each hold a local gradient). Not the masks."""
        shown = [dy] + [a for s in trace for a in (s.local_grad, s.dx_add, s.dX)]
        if mode == "max":
            comparison = self.tie_comparison
            shown += [x, *comparison.dx.values()]
        return colour.scale_for(*shown)

    def _same_trace(self, dy, x, policy, mode):
        """Whether the last trace that worked was made from these very values."""
        if self._good is None or not self.trace:
            return False
        good_dy, good_x, good_policy, good_mode = self._good
        return (policy == good_policy and mode == good_mode and dy.shape == good_dy.shape
                and x.shape == good_x.shape and np.array_equal(dy, good_dy)
                and np.array_equal(x, good_x))

    def _pitfall(self, name):
        """A comparison of the pitfalls sections for the last values that worked, worked out
        once per state and only when asked for (a section that shows none costs nothing)."""
        if self._good is None:
            return None
        if name not in self._comparisons:
            dy, x, policy, _ = self._good
            args = (dy, x, self.size, self.stride)
            self._comparisons[name] = {
                "wrong_steps": lambda: pitfalls.maxpool2d_backward_overwrite_steps(*args, policy),
                "overwrite": lambda: pitfalls.compare_overwrite(*args, policy),
                "ties": lambda: pitfalls.compare_ties(*args),
            }[name]()
        return self._comparisons[name]

    @property
    def wrong_steps(self):
        """The overwrite bug's running ∂L/∂X (``=`` instead of ``+=``), one per window."""
        return self._pitfall("wrong_steps") or []

    @property
    def overwrite(self):
        """``pitfalls.compare_overwrite`` for the current values."""
        return self._pitfall("overwrite")

    @property
    def tie_comparison(self):
        """``pitfalls.compare_ties`` for the current values."""
        return self._pitfall("ties")

    # --- frames -------------------------------------------------------------------------
    def _parts(self, name, t):
        """One part of frame t, made once per trace however many stages show it and however
        often a refresh keeps the trace (the meeting part: once per trace and picked cell)."""
        cell = self.cell_picker.value
        key = (name, t, cell) if name == "meeting" else (name, t)
        if key not in self._made:
            step, (dy, x, policy, mode) = self.trace[t], self._good
            lang = self.lang
            if mode == "average":
                html = self._average_part(name, t, cell)
            elif name == "step":
                html = pool_views.pool_step_panels(step, dy, x, self.scale, lang)
            elif name == "local-formula":
                html = _math(formulas.pool_local_grad_formula(
                    step.i, step.j, x.shape, self.size, self.stride, policy,
                    values=dict(x=x, dy=dy)))
            elif name == "dx":
                html = pool_views.pool_dx_panels(self.trace, t, x.shape, won=self._won()[t],
                                                 scale=self.scale, lang=lang)
            else:
                html = self._once(("meeting", cell), lambda: pool_views.meeting_panels(
                    self.trace, cell, won=self._won(), lang=lang))[t]
            self._made[key] = _bare_part(f"cnnviz-pool-{name}", html)
        return self._made[key]

    def _average_part(self, name, t, cell):
        """The HTML of one part of frame t in average mode."""
        step, (dy, x, _, _) = self.trace[t], self._good
        lang = self.lang
        if name == "step":
            return pool_views.average_step_panels(step, dy, self.scale, lang)
        if name == "local-formula":
            return _math(pool_views.average_local_grad_latex(step))
        if name == "dx":
            return pool_views.average_dx_panels(self.trace, t, x.shape, self.scale, lang)
        return self._once(("meeting", cell), lambda: pool_views.average_meeting_panels(
            self.trace, cell, lang))[t]

    def _once(self, key, make):
        """``make()`` once per trace."""
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def _won(self):
        """``winners_by_step`` of the trace, once per trace."""
        return self._once("won", lambda: pool_views.winners_by_step(self.trace))

    def _step_parts(self, t):
        return tuple(self._parts(name, t) for name in ("step", "local-formula", "dx"))

    def _meeting_part(self, t):
        return self._parts("meeting", t)

    def _legend(self):
        return self._once("legend", lambda: colour.legend_html(self.scale, self.lang))

    def _kind_frames(self, kind):
        n = len(self.trace)
        if kind == "meeting":  # sums in words: no grid to colour
            return [self._meeting_part(t) for t in range(n)]
        legend = self._legend()  # once per frame, after the step's grids
        if kind == "root":
            return ["".join((*self._step_parts(t), legend, self._meeting_part(t)))
                    for t in range(n)]
        if kind == "steps":
            return ["".join(self._step_parts(t)) + legend for t in range(n)]
        if self.mode == "average":  # the ties and the overwrite bug are max pooling's
            what = self.say("pool.ties_comparison" if kind == "ties" else "pool.overwrite_comparison")
            note = self._once(("note", kind), lambda: _bare_part(
                "cnnviz-pool-note", pool_views.average_note_panel(what, self.lang)))
            return [self._parts("step", t) + legend + note for t in range(n)]
        if kind == "ties":
            comparison = self.tie_comparison
            _check_results(self.lang, **{"Σ∂L/∂X": list(comparison.sum_dx.values())})
            ties = self._once("ties", lambda: _bare_part(
                "cnnviz-pool-ties", pool_views.ties_panels(comparison, self._good[2],
                                                           scale=self.scale, lang=self.lang)))
            return [self._parts("step", t) + legend + ties for t in range(n)]
        wrong, comparison = self.wrong_steps, self.overwrite
        _check_results(self.lang, **{self.say("pool.dx_with_overwrite"): wrong[-1],
                                     self.say("pool.gradient_lost"): comparison.sum_lost})

        def overwrite_frames():
            sums = pool_views.overwrite_sums_text(comparison, n, self.lang)
            return [_bare_part("cnnviz-pool-overwrite", pool_views.overwrite_panels(
                step.dX, wrong[t], step, comparison, n, sums=sums, scale=self.scale,
                lang=self.lang)) + legend
                for t, step in enumerate(self.trace)]
        return list(self._once("overwrite", overwrite_frames))

    def _frames(self):
        captions = _window_captions(self.trace, self.lang)
        return {stage: (self._kind_frames(kind), captions) for stage, kind in self._kinds.items()}

    # --- sections for the notebook ------------------------------------------------------
    def steps_view(self, step=None):
        """The step-by-step part alone: window, mask, local gradient, running ∂L/∂X."""
        return self._section("steps", "cnnviz-pool-steps", self.say("section.pool_steps"),
                             step=step)

    def meeting(self, step=None):
        """Every window covering the picked cell and what it sends there."""
        return self._section("meeting", "cnnviz-pool-meeting-stage",
                             self.say("section.pool_meeting"), pick_cell=True, step=step)

    def ties_view(self, step=None):
        """The ties switch: at each window its mask, and below ∂L/∂X and Σ∂L/∂X against
        Σ∂L/∂Y for each policy. ``step``: the window to start at (0-based)."""
        return self._section("ties", "cnnviz-pool-ties-stage", self.say("section.pool_ties"),
                             step=step)

    def overwrite_bug(self, step=None):
        """``+=`` against ``=``, window by window."""
        return self._section("overwrite", "cnnviz-pool-overwrite-stage",
                             self.say("section.pool_overwrite"), step=step)

    def summary(self):
        name = type(self).__name__
        if self.error or not self.trace:
            return self.say("summary.error", name=name,
                            error=self.error or self.say("summary.no_result_yet"))
        if self.mode == "average":
            return self.say("summary.pool_backward_average", name=name,
                            dx=_matrix_text(self.dx), covers=_matrix_text(self.covers))
        c = self.tie_comparison
        return self.say("summary.pool_backward", name=name,
                        policy=self.say(f"summary.ties_{self.policy}"), dx=_matrix_text(self.dx),
                        wins=_matrix_text(self.wins), sum_dx=_number(c.sum_dx[self.policy]),
                        sum_dy=_number(c.sum_dy))
