"""The max-pooling explorers: sliders for every number, a player over the windows X'_k.

Each explorer is an object a test can drive without a browser::

    ex = PoolBackwardExplorer()
    ex.x_editor.slider(2, 2).value = 0      # x33 = 0: now x22 wins all four windows
    ex.ties.value = "split"                 # the ties switch
    ex.player.step = 3                      # show window X'4
    ex.dx_view.value                        # the HTML the student sees

No math lives here: numbers come from cnnviz.ops / cnnviz.steps / cnnviz.formulas /
cnnviz.pitfalls, pictures from cnnviz.pool_views. A callback only recomputes the small trace
and sets ``.value`` of existing widgets; nothing is rebuilt per frame.
"""
import collections
import functools

import ipywidgets as widgets
import numpy as np

from ..derivation import examples
from ..derivation import formulas
from ..layers import ops
from ..derivation import pitfalls
from ..render import pool as pool_views
from ..layers import steps
from ..render import conv as views
from .conv import _display_math, _html, _math, _View
from .base import Explorer, MatrixEditor

__all__ = ["PoolForwardExplorer", "PoolWindowsExplorer", "PoolBackwardExplorer"]

TIES_OPTIONS = [("first (frameworks)", "first"), ("all", "all"), ("split", "split")]

# The pitfalls sections' numbers for one state, each a function that works them out once.
_Pitfalls = collections.namedtuple("_Pitfalls", "wrong_steps overwrite ties")


def _matrix_text(a):
    rows = (" ".join(views.format_number(v) for v in r) for r in np.atleast_2d(a))
    return "[" + "; ".join(rows) + "]"


def _wrap(*children):
    return widgets.HBox(list(children),
                        layout=widgets.Layout(flex_flow="row wrap", grid_gap="12px"))


class _PoolExplorer(Explorer):
    """What all pooling explorers share: the step description and the first trace.

    A section shown on its own (e.g. ``PoolBackwardExplorer.meeting()``) gets a player of its
    own from ``Explorer.add_player``, kept on the same step as the others.
    """

    def _describe_step(self, step, n_steps):
        if not self.trace or step >= len(self.trace):
            return f"window {step + 1} of {n_steps}"
        s = self.trace[step]
        y = views.cell_name("y", s.i, s.j)
        return (f"window {step + 1} of {n_steps}: {pool_views.window_name(s.k)} "
                f"→ y{views.subscript(y[1:])}")

    def _recompute_quietly(self):
        """The first trace, before the player exists (refresh() shows any message later)."""
        try:
            self._recompute()
        except (ValueError, TypeError):
            self.trace = []

    def _shown(self):
        """Index of the step on show (the player may briefly point past a shorter trace)."""
        return min(self.player.step, len(self.trace) - 1)


# ---------------------------------------------------------------------------------------
# Forward
# ---------------------------------------------------------------------------------------
class PoolForwardExplorer(_PoolExplorer):
    """The seed's max pooling, forward: the windows X′1 … X′4 one by one, Y filling in.

    Sliders for every x_ij; the player walks the 2×2 window (stride 1) over X. Each step
    shows the window on X with its maximum marked, the window on its own, Y so far, and
    X′_k = [...] and y_ij = max(X′_k) = ... with the numbers.
    """

    def __init__(self, x=None, size=2, stride=1, low=-9, high=9):
        super().__init__()
        x = examples.seed_pool()["x"] if x is None else np.asarray(x, dtype=float)
        self.size, self.stride = size, stride
        self.x_editor = MatrixEditor(x, "x", "X (input)", low, high, css_class="cnnviz-editor-x")
        self.x_editor.on_change(self.refresh)
        self._recompute_quietly()
        self.add_player("X′")
        self.input_view = _html("cnnviz-pool-input")
        self.formula_view = _math("cnnviz-pool-formula")
        self.root = self._box([self.x_editor, self.player, self.input_view, self.formula_view,
                               self.message], "cnnviz-pool-forward")
        self.refresh()

    @property
    def x(self):
        return self.x_editor.value

    @property
    def y(self):
        """The whole output Y (the last step's)."""
        return self.trace[-1].Y if self.trace else None

    def _recompute(self):
        self.trace = steps.pool_forward_steps(self.x, self.size, self.stride)
        self._set_n_steps(len(self.trace))

    def _render(self):
        self._render_step()

    def _render_step(self, *_):
        if not self.trace:
            return
        step, x, size, stride = self.trace[self._shown()], self.x, self.size, self.stride
        self._show(self.input_view, lambda: pool_views.pool_forward_panels(step, x))
        values = dict(x=x)
        self._show(self.formula_view, lambda: _display_math(
            formulas.pool_window_formula(step.i, step.j, x.shape, size, stride, values=values),
            formulas.pool_output_formula(step.i, step.j, x.shape, size, stride, values=values)))

    def summary(self):
        if not self.trace:
            return "PoolForwardExplorer: no output (see the message)"
        h, w = self.x.shape
        return (f"PoolForwardExplorer: X {h}x{w}, window {self.size}x{self.size}, stride "
                f"{self.stride}; Y = {_matrix_text(self.y)}")

    def static_html(self):
        return self.input_view.value + self.formula_view.value


# ---------------------------------------------------------------------------------------
# Window size and stride on a larger input
# ---------------------------------------------------------------------------------------
class PoolWindowsExplorer(_PoolExplorer):
    """Window size and stride over a 6×6 input: overlapping, tiling, skipping windows.

    Sliders for the window size and the stride (square), a button for a new random input
    (a fixed seed, so the sequence of inputs is the same every time), a player over the
    windows. The views draw every window's position, count how many windows read each cell
    (skipped cells are in none), fill in H_O = ⌊(H − size) / stride⌋ + 1 and show Y.
    A window larger than the input shows a message; the sliders keep their values.
    """

    def __init__(self, x=None, size=2, stride=2, seed=0, max_setting=7):
        super().__init__()
        self._out_shape = None
        self._rng = np.random.default_rng(seed)
        self._x = self._draw((6, 6)) if x is None else np.array(x, dtype=float)
        self.size_slider = widgets.IntSlider(value=size, min=1, max=max_setting,
                                             description="size", continuous_update=True,
                                             layout=widgets.Layout(width="280px"),
                                             style={"description_width": "52px"})
        self.stride_slider = widgets.IntSlider(value=stride, min=1, max=max_setting,
                                               description="stride", continuous_update=True,
                                               layout=widgets.Layout(width="280px"),
                                               style={"description_width": "52px"})
        for slider, name in ((self.size_slider, "size"), (self.stride_slider, "stride")):
            slider.add_class("cnnviz-slider")
            slider.add_class(f"cnnviz-slider-{name}")
            slider.observe(self.refresh, names="value")
        self.new_input = widgets.Button(description="new random input", icon="refresh",
                                        layout=widgets.Layout(width="190px"))
        self.new_input.add_class("cnnviz-new-input")
        self.new_input.on_click(lambda _b: self.next_input())
        self._recompute_quietly()
        self.add_player("X′")
        self.windows_view = _html("cnnviz-pool-windows-view")
        self.formula_view = _math("cnnviz-pool-size-formula")
        controls = _wrap(self.size_slider, self.stride_slider, self.new_input)
        self.root = self._box([controls, self.message, self.player, self.windows_view,
                               self.formula_view], "cnnviz-pool-windows")
        self.refresh()

    def _draw(self, shape):
        return self._rng.integers(0, 10, size=shape).astype(float)

    def next_input(self):
        """A new random input of the same size (the next one of the fixed-seed sequence)."""
        self._x = self._draw(self._x.shape)
        self.refresh()

    @property
    def x(self):
        return self._x.copy()

    @x.setter
    def x(self, value):
        self._x = np.array(value, dtype=float)
        self.refresh()

    @property
    def size(self):
        return self.size_slider.value

    @property
    def stride(self):
        return self.stride_slider.value

    @property
    def y(self):
        return self.trace[-1].Y if self.trace else None

    @property
    def out_shape(self):
        """(HO, WO) of the last setting that fit (``ops.output_size``)."""
        return self._out_shape

    def _recompute(self):
        h, w = self._x.shape
        try:
            trace = steps.pool_forward_steps(self._x, self.size, self.stride)
        except ValueError:
            raise ValueError(
                f"A {self.size}×{self.size} window does not fit in the {h}×{w} input: choose a "
                f"size of at most {min(h, w)}. The picture shows the last setting that fit."
            ) from None
        self._out_shape = ops.output_size(self._x.shape, self.size, self.stride)
        self.trace = trace
        self._set_n_steps(len(self.trace))

    def _render(self):
        pair, x_shape, out_shape = self._pair(), self._x.shape, self._out_shape
        self._show(self.formula_view, lambda: _display_math(*pool_views.output_size_latex(
            x_shape, *pair, out_shape)))
        self._render_step()

    def _render_step(self, *_):
        if not self.trace:
            return
        trace, t, x, pair = self.trace, self._shown(), self._x, self._pair()
        self._show(self.windows_view, lambda: pool_views.pool_windows_panels(trace, t, x, *pair))

    def _pair(self):
        """((size, size), (stride, stride)): the square window and its stride."""
        return (self.size, self.size), (self.stride, self.stride)

    def summary(self):
        h, w = self._x.shape
        setting = f"X {h}x{w}, window {self.size}x{self.size}, stride {self.stride}"
        if self.message.value:
            return f"PoolWindowsExplorer: {setting}: the window does not fit (see the message)"
        ho, wo = self.out_shape
        return (f"PoolWindowsExplorer: {setting}: Y {ho}x{wo} with HO = ({h} - {self.size}) // "
                f"{self.stride} + 1, {len(self.trace)} windows; Y = {_matrix_text(self.y)}")

    def static_html(self):
        return self.message.value + self.windows_view.value + self.formula_view.value


# ---------------------------------------------------------------------------------------
# Backward
# ---------------------------------------------------------------------------------------
class PoolBackwardExplorer(_PoolExplorer):
    """The seed's max pooling, backward: masks, local gradients, ADDED into ∂L/∂X.

    Sliders for ∂L/∂Y and X, a ties switch (first / all / split) and a player over the
    windows. At window X′k: its ∂L/∂y_ij, the window on X with its maximum, the mask M_k,
    the local gradient ∂L/∂y_ij · M_k, what it adds to ∂L/∂X and the running ∂L/∂X with how
    many windows each cell has won. A cell picker shows every contribution meeting at one
    input (x22 by default). Sections: ``steps_view()``, ``meeting()``, ``ties_view()``,
    ``overwrite_bug()``.
    """

    def __init__(self, x=None, dy=None, ties="first", cell=(1, 1), size=2, stride=1,
                 low=-9, high=9):
        super().__init__()
        self._pitfalls = None  # the current state's comparisons, worked out when asked for
        seed = examples.seed_pool()
        x = seed["x"] if x is None else np.asarray(x, dtype=float)
        dy = seed["dy"] if dy is None else np.asarray(dy, dtype=float)
        self.size, self.stride = size, stride
        self.x_editor = MatrixEditor(x, "x", "X (input)", low, high, css_class="cnnviz-editor-x")
        self.dy_editor = MatrixEditor(dy, "∂L/∂y", "∂L/∂Y (given)", -5, 5, label="dy",
                                      css_class="cnnviz-editor-dy")
        self.ties = widgets.ToggleButtons(options=TIES_OPTIONS, value=ties, description="ties",
                                          style={"button_width": "150px",
                                                 "description_width": "40px"})
        self.ties.add_class("cnnviz-ties")
        h, w = x.shape
        self.cell_picker = widgets.ToggleButtons(
            options=[(f"x{views.subscript(views.cell_name('', r, c))}", (r, c))
                     for r in range(h) for c in range(w)],
            value=tuple(cell), description="meet at",
            style={"button_width": "52px", "description_width": "60px"})
        self.cell_picker.add_class("cnnviz-cell-picker")
        self._recompute_quietly()
        own_player = self.add_player("X′")
        self.step_view = _html("cnnviz-pool-step")
        self.dx_view = _html("cnnviz-pool-dx")
        self.meeting_view = _html("cnnviz-pool-meeting")
        self.formula_view = _math("cnnviz-pool-local-formula")
        self.ties_view_html = _html("cnnviz-pool-ties")
        self.overwrite_view = _html("cnnviz-pool-overwrite")
        for editor in (self.x_editor, self.dy_editor):
            editor.on_change(self.refresh)
        self._keep_twins_in_step(x=self.x_editor, dy=self.dy_editor)
        self.ties.observe(self.refresh, names="value")
        self.cell_picker.observe(self._render_meeting, names="value")
        self.root = self._section(self.step_view, self.formula_view, self.dx_view,
                                  self.cell_picker, self.meeting_view, player=own_player)
        self._first_section_built = True
        self.refresh()

    def _section(self, *parts, player=None):
        """The editors (twins after the first section), the ties switch, a player (a new
        one unless given), ``parts``."""
        editors = _wrap(self._editor("dy"), self._editor("x"))
        player = player if player is not None else self.add_player("X′")
        return self._box([editors, self.ties, player, *parts, self.message],
                         "cnnviz-pool-backward")

    def _primary_editors(self):
        return {"x": self.x_editor, "dy": self.dy_editor}

    # --- state --------------------------------------------------------------------------
    @property
    def x(self):
        return self.x_editor.value

    @property
    def dy(self):
        return self.dy_editor.value

    @property
    def policy(self):
        return self.ties.value

    @property
    def dx(self):
        """The whole ∂L/∂X (the last step's running total)."""
        return self.trace[-1].dX if self.trace else None

    @property
    def wins(self):
        return self.trace[-1].wins if self.trace else None

    def _recompute(self):
        self.trace = steps.pool_backward_steps(self.dy, self.x, self.size, self.stride,
                                               self.policy)
        self._set_n_steps(len(self.trace))

    def _compare_pitfalls(self):
        """The overwrite bug and the three tie policies, for the sections that show them.
        Worked out when first asked for: those sections' views wait for their batch."""
        args, policy = (self.dy, self.x, self.size, self.stride), self.policy
        self._pitfalls = _Pitfalls(
            functools.cache(lambda: pitfalls.maxpool2d_backward_overwrite_steps(*args, policy)),
            functools.cache(lambda: pitfalls.compare_overwrite(*args, policy)),
            functools.cache(lambda: pitfalls.compare_ties(*args)))

    @property
    def wrong_steps(self):
        """The overwrite bug's trace (``=`` instead of ``+=``), for the current state."""
        return self._pitfalls.wrong_steps() if self._pitfalls else []

    @property
    def overwrite(self):
        """``pitfalls.compare_overwrite`` for the current state."""
        return self._pitfalls.overwrite() if self._pitfalls else None

    @property
    def tie_comparison(self):
        """``pitfalls.compare_ties`` for the current state."""
        return self._pitfalls.ties() if self._pitfalls else None

    # --- rendering ----------------------------------------------------------------------
    def _render(self):
        # The running ∂L/∂X and the step first (the main section), then the comparisons.
        self._render_main_step()
        self._compare_pitfalls()
        self._render_other_steps()
        comparison, policy = self._pitfalls.ties, self.policy
        self._show(self.ties_view_html, lambda: pool_views.ties_panels(comparison(), policy))

    def _render_step(self, *_):
        self._render_main_step()
        self._render_other_steps()

    def _render_main_step(self):
        if not self.trace:
            return
        trace, t, x, dy = self.trace, self._shown(), self.x, self.dy
        step, size, stride, policy = trace[t], self.size, self.stride, self.policy
        self._show(self.dx_view, lambda: pool_views.pool_dx_panels(trace, t, x.shape))
        self._show(self.step_view, lambda: pool_views.pool_step_panels(step, dy, x))
        self._show(self.formula_view, lambda: _display_math(formulas.pool_local_grad_formula(
            step.i, step.j, x.shape, size, stride, policy, values=dict(x=x, dy=dy))))

    def _render_other_steps(self):
        if not self.trace:
            return
        t = self._shown()
        step, n, bug = self.trace[t], len(self.trace), self._pitfalls
        self._show(self.overwrite_view, lambda: pool_views.overwrite_panels(
            step.dX, bug.wrong_steps()[t], step, bug.overwrite(), n))
        self._render_meeting()

    def _render_meeting(self, *_):
        if not self.trace:
            return
        trace, t, cell = self.trace, self._shown(), self.cell_picker.value
        self._show(self.meeting_view, lambda: pool_views.meeting_panel(trace, t, cell))

    # --- sections for the notebook ------------------------------------------------------
    def steps_view(self):
        """The step-by-step part alone: window, mask, local gradient, running ∂L/∂X."""
        return _View(self._section(self.step_view, self.formula_view, self.dx_view), self,
                     lambda: self.step_view.value + self.dx_view.value,
                     "window by window: mask, local gradient, running ∂L/∂X")

    def meeting(self):
        """Every window covering the picked cell and what it sends there."""
        return _View(self._section(self.cell_picker, self.meeting_view), self,
                     lambda: self.meeting_view.value, "contributions meeting at one input")

    def ties_view(self):
        """The ties switch: ∂L/∂X and Σ∂L/∂X against Σ∂L/∂Y for each policy, under the
        current window's mask (which the switch changes when the window has a tie)."""
        return _View(self._section(self.step_view, self.ties_view_html), self,
                     lambda: self.step_view.value + self.ties_view_html.value,
                     "ties: first, all, split")

    def overwrite_bug(self):
        """``+=`` against ``=``, running side by side with the player."""
        return _View(self._section(self.overwrite_view), self,
                     lambda: self.overwrite_view.value, "the overwrite bug (= instead of +=)")

    def summary(self):
        if not self.trace:
            return "PoolBackwardExplorer: no result (see the message)"
        c = self.tie_comparison
        return (f"PoolBackwardExplorer (ties: {self.policy}): dL/dX = {_matrix_text(self.dx)}, "
                f"windows won = {_matrix_text(self.wins)}, "
                f"sum dL/dX = {views.format_number(c.sum_dx[self.policy])}, "
                f"sum dL/dY = {views.format_number(c.sum_dy)}")

    def static_html(self):
        return self.step_view.value + self.formula_view.value + self.dx_view.value + \
            self.meeting_view.value
