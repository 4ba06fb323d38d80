"""The convolution explorers: sliders for every number, stages that step through the trace.

Each explorer is an object a test can drive without a browser::

    ex = ConvForwardExplorer()
    ex.x_editor.slider(1, 1).value = 4     # x22 = 4
    ex.stage.step = 3                      # the step of y22
    ex.stage.frame                         # the HTML the student sees at that step

No math lives here: numbers come from cnnviz.layers / cnnviz.derivation, pictures from
cnnviz.render. Every grid of an explorer is coloured on one scale (``explorer.scale``, from
all the numbers its grids show at any step), and its stages show the legend once per frame.
"""
import html

import ipywidgets as widgets
import numpy as np

from ..derivation import examples, formulas, matrix_form
from ..layers import gradcheck, steps
from ..render import colour
from ..render import conv as views
from ..render.math import display_math
from .base import (Explorer, FiniteFloatSlider, MatrixEditor, Section, edited, finite_result,
                   fitting, numbers, output_shape)
from .stage import frame_html

__all__ = ["ConvForwardExplorer", "ConvBackwardExplorer"]

BIAS_OPTIONS = {"one bias per position (b₁₁ … b₂₂)": "position",
                "one shared bias (b)": "shared"}


def _bias_options(say):
    """The bias switch's (label, value) pairs in the explorer's language."""
    return [(say("conv.bias_position"), "position"), (say("conv.bias_shared"), "shared")]


def _fmt(a):
    a = np.atleast_2d(a)
    return "[" + "; ".join(" ".join(views.format_number(v) for v in r) for r in a) + "]"


class _ConvExplorer(Explorer):
    """What the forward and backward convolution explorers share: X, W, b and the bias switch.

    b not given: the worked example's when it fits the output, else zeros (no bias)."""

    def __init__(self, x, w, b, bias, low, high, lang=None):
        super().__init__(lang)
        seed = examples.worked_conv()
        x = seed["x"] if x is None else x
        w = seed["w"] if w is None else w
        if bias not in BIAS_OPTIONS.values():
            raise ValueError(self.say("explorer.either", name="bias", first="'position'",
                                      second="'shared'", value=repr(bias)))
        self.x_editor = MatrixEditor(x, "x", self.say("editor.x_input"), low, high,
                                     css_class="cnnviz-editor-x", lang=self.lang)
        self.w_editor = MatrixEditor(w, "w", self.say("editor.w_kernel"), low, high,
                                     css_class="cnnviz-editor-w", lang=self.lang)
        if b is None:
            b = fitting(seed["b"], output_shape(self.x_editor.shape, self.w_editor.shape), 0)
        out_shape = self._output_shape()
        b = numbers(b, "b", self.lang)
        # A 2-D b of the wrong shape is kept: the explorer shows, with the message saying so.
        if b.ndim not in (0, 2):
            raise ValueError(self.say("conv.bad_b", rows=out_shape[0], cols=out_shape[1],
                                      shape=b.shape))
        per_position = b if b.ndim == 2 else np.full(out_shape, float(b))
        self.b_editor = MatrixEditor(per_position, "b", self.say("editor.b_position"), low, high,
                                     step=0.5, css_class="cnnviz-editor-b", lang=self.lang)
        shared_value = float(b) if b.ndim == 0 else float(per_position.flat[0])
        # A float slider: a shared bias of 0.5 is 0.5, not 0.
        self.shared_b = FiniteFloatSlider(value=shared_value, min=min(low, shared_value),
                                            max=max(high, shared_value), step=0.5,
                                            description="b", layout=widgets.Layout(width="250px"),
                                            style={"description_width": "40px"}, lang=self.lang)
        self.shared_b.add_class("cnnviz-slider-b")
        self.shared_box = widgets.VBox([widgets.HTML(
            f"<b style='font-size:1.05em'>{self.say('editor.b_shared')}</b>"), self.shared_b])
        self.bias_mode = widgets.ToggleButtons(
            options=_bias_options(self.say), value=bias, description=self.say("conv.bias"),
            style={"button_width": "230px", "description_width": "40px"})
        self.bias_mode.add_class("cnnviz-bias-mode")
        for editor in (self.x_editor, self.w_editor, self.b_editor):
            editor.on_change(self.refresh)
        self.shared_b.observe(self.refresh, names="value")
        self.bias_mode.observe(self._bias_mode_changed, names="value")
        self._show_bias_editor()

    # --- state --------------------------------------------------------------------------
    def _output_shape(self):
        """(HO, WO) of the sliders' X and W (at least 1x1: a kernel larger than X is the
        layer's message)."""
        return tuple(max(n - k + 1, 1) for n, k in zip(self.x_editor.shape, self.w_editor.shape))

    x = edited("x_editor")
    w = edited("w_editor")

    @property
    def b(self):
        """The bias in the chosen mode: (HO, WO) one per position, or a scalar if shared."""
        return float(self.shared_b.value) if self.shared else self.b_editor.value

    @property
    def shared(self):
        return self.bias_mode.value == "shared"

    @property
    def bias_name(self):
        return "shared" if self.shared else "position"

    def _bias_symbol(self, i, j):
        return "b" if self.shared else views.cell_name("b", i, j).replace("b", "b<sub>", 1) + "</sub>"

    def _bias_mode_changed(self, _change):
        self._show_bias_editor()
        self.refresh()

    def _show_bias_editor(self):
        # Both editors keep their values; only the one in use is shown.
        self.b_editor.layout.display = "none" if self.shared else ""
        self.shared_box.layout.display = "" if self.shared else "none"

    def _editors(self, *names):
        """The named editors side by side (wrapping); "b" is both bias editors (one shown)."""
        chosen = {"x": [self.x_editor], "w": [self.w_editor], "b": [self.b_editor, self.shared_box],
                  "dy": [getattr(self, "dy_editor", None)]}
        children = [e for name in names for e in chosen[name]]
        return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap", grid_gap="12px"))

    def _values(self, **more):
        return dict(x=self.x, w=self.w, b=self.b, **more)


class ConvForwardExplorer(_ConvExplorer):
    """The derivation's convolution forward pass, one output position per step.

    Sliders for every x_ij, w_mn and b_ij (or one shared b); the stage walks the window over
    X. Each step shows the window on X with the weight over each cell, the products, their
    sum, + b, y_ij written into Y, and the formula for y_ij symbolically and with the numbers.
    """

    def __init__(self, x=None, w=None, b=None, bias="position", low=-5, high=5, lang=None):
        super().__init__(x, w, b, bias, low, high, lang)
        self.trace = []
        self.scale = None  # the colour scale of the grids (colour.scale_for), set by refresh
        self.stage = self.new_stage(css_class="cnnviz-conv-forward-stage")
        self.equations_stage = None
        self.root = Section(self, [self._editors("x", "w", "b"), self.bias_mode], [self.stage],
                            self.say("section.conv_forward"), "cnnviz-conv-forward")
        self.refresh()

    def _recompute(self):
        trace = steps.conv_forward_steps(self.x, self.w, self.b)
        finite_result("Y", "y", trace[-1].Y, self.lang)
        self.trace = trace
        # the grids are X and Y (Y's last step holds every y_ij)
        self.scale = colour.scale_for(self.x, self.trace[-1].Y)

    def _frames(self):
        x, w, values, bias, scale = self.x, self.w, self._values(), self.bias_name, self.scale
        legend = colour.legend_html(scale, self.lang)
        frames, captions = [], []
        for step in self.trace:
            frames.append(frame_html(
                views.row(views.conv_input_panel(step, x, scale=scale, lang=self.lang),
                          views.conv_forward_arithmetic(step, w, self._bias_symbol(step.i, step.j),
                                                        self.lang),
                          views.conv_output_panel(step, scale=scale, lang=self.lang)),
                legend,
                display_math(formulas.conv_output_formula(step.i, step.j, x.shape, w.shape,
                                                          values=values, bias=bias))))
            name = views.cell_name("y", step.i, step.j)
            captions.append(self.say("caption.step_of", k=len(captions) + 1, n=len(self.trace),
                                     what=f"y{views.subscript(name[1:])}"))
        out = {self.stage: (frames, captions)}
        if self.equations_stage is not None:
            out[self.equations_stage] = ([display_math(*formulas.conv_forward_equations(
                x.shape, w.shape, values=values, bias=bias), aligned=True)], [""])
        return out

    @property
    def y(self):
        """The full output Y (the last step's running Y)."""
        return self.trace[-1].Y

    def equations(self):
        """The derivation's equations for every y_ij, with the current numbers (live)."""
        if self.equations_stage is None:
            self.equations_stage = self.new_stage(css_class="cnnviz-conv-equations")
            self.refresh()
        return Section(self, [], [self.equations_stage], self.say("section.conv_equations"))

    def summary(self):
        name = type(self).__name__
        if self.error or not self.trace:
            return self.say("summary.error", name=name,
                            error=self.error or self.say("summary.no_output_yet"))
        mode = self.say("summary.conv_shared" if self.shared else "summary.conv_per_output")
        return self.say("summary.conv_forward", name=name, xh=self.x.shape[0], xw=self.x.shape[1],
                        wh=self.w.shape[0], ww=self.w.shape[1], mode=mode, y=_fmt(self.y))


class ConvBackwardExplorer(_ConvExplorer):
    """The derivation's convolution backward pass: ∂L/∂X, ∂L/∂W and ∂L/∂b built up step by step.

    Sliders for X, W, b and ∂L/∂Y. At step (i, j) the window of X receives ∂L/∂y_ij · W
    (scatter), ∂L/∂W receives ∂L/∂y_ij · window, ∂L/∂b receives ∂L/∂y_ij. The gather stage
    steps through the cells of X, each with its ∂L/∂x formula and the numbers.

    dy not given: the worked example's when it fits the output, else ones (the gradient of
    L = the sum of every y_ij: each output sends back its window once).
    """

    # (stage name, what it shows at each step of the backward trace)
    PARTS = ("dx", "dw", "db")

    def __init__(self, x=None, w=None, b=None, dy=None, bias="position", low=-5, high=5,
                 lang=None):
        super().__init__(x, w, b, bias, low, high, lang)
        if dy is None:
            dy = fitting(examples.worked_conv()["dy"],
                         output_shape(self.x_editor.shape, self.w_editor.shape), 1)
        self.dy_editor = MatrixEditor(dy, "∂L/∂y", self.say("editor.dy_given"), low, high, label="∂L/∂y",
                                      css_class="cnnviz-editor-dy", css_name="dy", lang=self.lang)
        self.dy_editor.on_change(self.refresh)
        self.trace = []
        self.scale = None  # the colour scale of the grids (colour.scale_for), set by refresh
        self._parts = {}  # stage -> what it shows: a tuple of PARTS, or "gather", "matrix", ...
        self.stage = self._stage_of(self.PARTS, "cnnviz-conv-backward-stage")
        self.check_button = widgets.Button(description=self.say("conv.check_button"),
                                           button_style="primary", icon="check",
                                           layout=widgets.Layout(width="260px"))
        self.check_button.add_class("cnnviz-gradient-check-button")
        self.check_button.on_click(self.run_gradient_check)
        self.check_view = widgets.HTML()
        self.check_view.add_class("cnnviz-gradient-check")
        # b itself is in no gradient: the bias-mode switch, not its sliders
        self.root = Section(self, [self._editors("x", "w", "dy"), self.bias_mode], [self.stage],
                            self.say("section.conv_backward"), "cnnviz-conv-backward")
        self.refresh()

    def _stage_of(self, parts, css_class):
        stage = self.new_stage(css_class=css_class)
        self._parts[stage] = parts
        return stage

    def _section(self, parts, css_class, editors, what, note=""):
        stage = self._stage_of(parts, css_class)
        self.refresh()
        controls = [self._editors(*editors)]
        if parts == ("db",):  # ∂L/∂b depends on the bias mode
            controls.append(self.bias_mode)
        if note:
            controls.append(widgets.HTML(f"<div style='font-size:1.05em'>{note}</div>"))
        return Section(self, controls, [stage], what, "cnnviz-conv-backward")

    dy = edited("dy_editor")

    def _recompute(self):
        trace = steps.conv_backward_steps(self.dy, self.x, self.w, self.b)
        finite_result("∂L/∂X", "∂L/∂x", trace[-1].dX, self.lang)
        finite_result("∂L/∂W", "∂L/∂w", trace[-1].dW, self.lang)
        finite_result("∂L/∂b", "∂L/∂b", trace[-1].db, self.lang)
        self.trace = trace
        # Every number a grid of any section shows at any step: X, W (rotated, in the matrix
        # form), ∂L/∂Y, what each step adds and the running totals (which may pass the final).
        self.scale = colour.scale_for(self.x, self.w, self.dy, *(
            a for s in self.trace for a in (s.dx_add, s.dX, s.dw_add, s.dW, s.db)))

    def _step_frames(self, parts):
        dy, x, shared, scale = self.dy, self.x, self.shared, self.scale
        lang = self.lang
        draw = {"dx": lambda s: views.conv_dx_panels(s, dy, x.shape, scale=scale, lang=lang),
                "dw": lambda s: views.conv_dw_panels(s, x, scale=scale, lang=lang),
                "db": lambda s: views.row(views.conv_db_panel(s, shared, scale=scale, lang=lang))}
        legend = colour.legend_html(scale, lang)
        frames = [frame_html(*(draw[p](step) for p in parts), legend) for step in self.trace]
        if parts == ("db",):
            bias_equations = display_math(*formulas.conv_bias_grad_equations(
                x_shape=x.shape, w_shape=self.w.shape, bias=self.bias_name,
                values=self._values(dy=dy)), aligned=True)
            frames = [f + bias_equations for f in frames]
        captions = []
        for k, step in enumerate(self.trace):
            name = views.cell_name("y", step.i, step.j)
            captions.append(self.say("caption.step_of", k=k + 1, n=len(self.trace), what=self.say(
                "conv.flows_back", dy=f"∂L/∂y{views.subscript(name[1:])}")))
        return frames, captions

    def _gather_frames(self):
        """One frame per cell of X: its ∂L/∂x formula with the numbers."""
        values, x, w = self._values(dy=self.dy), self.x, self.w
        frames, captions = [], []
        for r in range(x.shape[0]):
            for c in range(x.shape[1]):
                frames.append(display_math(formulas.conv_input_grad_formula(
                    r, c, x.shape, w.shape, values=values)))
                name = views.cell_name("x", r, c)
                captions.append(f"∂L/∂x{views.subscript(name[1:])}")
        return frames, captions

    def _frames(self):
        out = {}
        for stage, parts in self._parts.items():
            if parts == "gather":
                out[stage] = self._gather_frames()
            elif parts == "matrix":
                dy, w = self.dy, self.w
                out[stage] = ([frame_html(views.matrix_form_panels(
                    matrix_form.full_padding(dy, w.shape), matrix_form.rotate180(w),
                    matrix_form.input_grad_as_full_convolution(dy, w, self.x.shape), w.shape,
                    scale=self.scale, lang=self.lang), colour.legend_html(self.scale, self.lang))], [""])
            elif parts in ("weight equations", "input equations"):
                equations = (formulas.conv_weight_grad_equations if parts == "weight equations"
                             else formulas.conv_input_grad_equations)
                out[stage] = ([display_math(*equations(
                    x_shape=self.x.shape, w_shape=self.w.shape, values=self._values(dy=self.dy)),
                    aligned=True)], [""])
            else:
                out[stage] = self._step_frames(parts)
        if self.check_view.value:
            self.check_view.value = f"<i>{self.say('conv.check_again')}</i>"
        return out

    # --- results ------------------------------------------------------------------------
    @property
    def dx(self):
        return self.trace[-1].dX

    @property
    def dw(self):
        return self.trace[-1].dW

    @property
    def db(self):
        return self.trace[-1].db

    # --- sections for the notebook ------------------------------------------------------
    def scatter_x(self):
        return self._section(("dx",), "cnnviz-conv-dx", ("w", "dy"),
                             self.say("section.conv_scatter_x"), note=self.say("conv.dx_note"))

    def scatter_w(self):
        return self._section(("dw",), "cnnviz-conv-dw", ("x", "dy"),
                             self.say("section.dw_steps"), note=self.say("conv.dw_note"))

    def bias(self):
        return self._section(("db",), "cnnviz-conv-db", ("dy",), "∂L/∂b")

    def gather_x(self):
        """Step through the cells of X: each one's ∂L/∂x formula; below, all of them."""
        section = self._section("gather", "cnnviz-conv-gather", ("w", "dy"),
                                self.say("section.conv_gather_x"))
        every = self._stage_of("input equations", "cnnviz-conv-dx-equations")
        self.refresh()
        return Section(self, section.controls, [*section.stages, every], section.what,
                       "cnnviz-conv-backward")

    def matrix_form(self):
        return self._section("matrix", "cnnviz-conv-matrix-form", ("w", "dy"),
                             self.say("section.conv_matrix_form"))

    def weight_equations(self):
        stage = self._stage_of("weight equations", "cnnviz-conv-dw-equations")
        self.refresh()
        return Section(self, [], [stage], self.say("section.conv_weight_equations"))

    def run_gradient_check(self, *_):
        """Finite differences against the backward pass for X, W and b (current values); with
        a bad setting, its message instead (and None)."""
        if self.error:
            self.check_view.value = f"<i>{html.escape(self.error)}</i>"
            return None
        with self.speaking():
            report = gradcheck.conv_layer_check(self.dy, self.x, self.w, self.b)
        self.check_view.value = views.gradient_check_panels(report, scale=self.scale, lang=self.lang)
        return report

    def gradient_check(self):
        """The check, run now, with a button to run it again after moving sliders."""
        self.run_gradient_check()
        section = Section(self, [self._editors("x", "w", "b", "dy"), self.bias_mode,
                                 self.check_button, self.check_view], [],
                          self.say("section.gradient_check"))
        return section

    def summary(self):
        name = type(self).__name__
        if self.error or not self.trace:
            return self.say("summary.error", name=name,
                            error=self.error or self.say("summary.no_output_yet"))
        mode = self.say("summary.conv_shared_bias" if self.shared else "summary.conv_per_position")
        return self.say("summary.conv_backward", name=name, mode=mode, dx=_fmt(self.dx),
                        dw=_fmt(self.dw), db=_fmt(self.db))
