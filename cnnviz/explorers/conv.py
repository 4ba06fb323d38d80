"""The explorers: sliders for every number, a player for the steps, views that follow.

Each explorer is an object a test can drive without a browser::

    ex = ConvForwardExplorer()
    ex.x_editor.slider(1, 1).value = 4     # x22 = 4
    ex.player.step = 3                     # show y22
    ex.output_view.value                   # the HTML the student sees

No math lives here: numbers come from cnnviz.steps / cnnviz.ops / cnnviz.formulas and
pictures from cnnviz.views.
"""
import ipywidgets as widgets
import numpy as np

from ..derivation import examples
from ..derivation import formulas
from ..layers import gradcheck
from ..derivation import matrix_form
from ..layers import steps
from ..render import conv as views
from .base import PAGE_STYLE, Explorer, MatrixEditor, View

__all__ = ["ConvForwardExplorer", "ConvBackwardExplorer"]

BIAS_OPTIONS = {"one bias per position (b₁₁ … b₂₂)": "position",
                "one shared bias (b)": "shared"}


def _html(css_class):
    view = View()
    view.add_class("cnnviz-view")
    view.add_class(css_class)
    return view


def _math(css_class):
    view = widgets.HTMLMath()
    view.add_class("cnnviz-formula")
    view.add_class(css_class)
    return view


def _display_math(*equations, aligned=False):
    r"""LaTeX equations as display math, one per line, large enough to read projected;
    ``aligned``: one block whose lines line up on their first "=" (a list of equations).

    >>> print(_display_math("a = 1", "bb = 2", aligned=True))
    <div style='font-size:1.15em;color:#111'><div style='margin:4px 0'>$$\begin{aligned}a &= 1 \\[5pt] bb &= 2\end{aligned}$$</div></div>
    """
    if aligned and all("=" in eq for eq in equations):
        lines = r" \\[5pt] ".join(eq.replace("=", "&=", 1) for eq in equations)
        equations = [rf"\begin{{aligned}}{lines}\end{{aligned}}"]
    body = "".join(f"<div style='margin:4px 0'>$${eq}$$</div>" for eq in equations)
    return f"<div style='font-size:1.15em;color:#111'>{body}</div>"


class _ConvExplorer(Explorer):
    """What the forward and backward convolution explorers share: X, W, b and the bias switch."""

    def __init__(self, x, w, b, bias, low, high):
        super().__init__()
        seed = examples.seed_conv()
        x = seed["x"] if x is None else np.asarray(x, dtype=float)
        w = seed["w"] if w is None else np.asarray(w, dtype=float)
        b = seed["b"] if b is None else np.asarray(b, dtype=float)
        if bias not in BIAS_OPTIONS.values():
            raise ValueError(f"bias must be 'position' or 'shared', got {bias!r}")
        self.x_editor = MatrixEditor(x, "x", "X (input)", low, high, css_class="cnnviz-editor-x")
        self.w_editor = MatrixEditor(w, "w", "W (kernel)", low, high, css_class="cnnviz-editor-w")
        per_position = b if b.ndim == 2 else np.full(
            (x.shape[0] - w.shape[0] + 1, x.shape[1] - w.shape[1] + 1), float(b))
        self.b_editor = MatrixEditor(per_position, "b", "b (one per position)", low, high,
                                     css_class="cnnviz-editor-b")
        shared_value = float(b) if b.ndim == 0 else float(per_position.flat[0])
        self.shared_b = widgets.IntSlider(value=int(shared_value), min=low, max=high,
                                          description="b", layout=widgets.Layout(width="210px"),
                                          style={"description_width": "52px"})
        self.shared_b.add_class("cnnviz-slider-b")
        self.shared_box = widgets.VBox([widgets.HTML("<b style='font-size:1.05em'>b (shared)</b>"),
                                        self.shared_b])
        self.bias_mode = widgets.ToggleButtons(
            options=list(BIAS_OPTIONS.items()), value=bias, description="bias",
            style={"button_width": "230px", "description_width": "40px"})
        self.bias_mode.add_class("cnnviz-bias-mode")
        for editor in (self.x_editor, self.w_editor, self.b_editor):
            editor.on_change(self.refresh)
        self._keep_twins_in_step(x=self.x_editor, w=self.w_editor)
        self.shared_b.observe(self.refresh, names="value")
        self.bias_mode.observe(self._bias_mode_changed, names="value")
        self._show_bias_editor()

    # --- state --------------------------------------------------------------------------
    @property
    def x(self):
        return self.x_editor.value

    @property
    def w(self):
        return self.w_editor.value

    @property
    def b(self):
        """The bias in the chosen mode: (HO, WO) one per position, or a scalar if shared."""
        return float(self.shared_b.value) if self.shared else self.b_editor.value

    @property
    def shared(self):
        return self.bias_mode.value == "shared"

    def _bias_symbol(self, i, j):
        return "b" if self.shared else views.cell_name("b", i, j).replace("b", "b<sub>", 1) + "</sub>"

    def _bias_mode_changed(self, _change):
        self._show_bias_editor()
        self.refresh()

    def _show_bias_editor(self):
        # Both editors keep their values; only the one in use is shown.
        self.b_editor.layout.display = "none" if self.shared else ""
        self.shared_box.layout.display = "" if self.shared else "none"

    def _editors_row(self, *editors, names=("x", "w", "b")):
        """``editors``, or else the editors named (x, w, b), side by side (wrapping)."""
        chosen = {"x": [self.x_editor], "w": [self.w_editor],
                  "b": [self.b_editor, self.shared_box]}
        if editors and names == ("x", "w", "b"):
            names = ()
        children = [*editors, *(e for name in names for e in chosen[name])]
        return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap", grid_gap="12px"))

    def _primary_editors(self):
        return {"x": self.x_editor, "w": self.w_editor}

    def _values(self, **more):
        return dict(x=self.x, w=self.w, b=self.b, **more)


class ConvForwardExplorer(_ConvExplorer):
    """The seed's convolution forward pass, one output position per step.

    Sliders for every x_ij, w_mn and b_ij (or one shared b); the player walks the window over
    X. The views show the window on X with the weight over each cell, the products, their sum,
    + b, y_ij written into Y, and the formula for y_ij symbolically and with the numbers.
    """

    def __init__(self, x=None, w=None, b=None, bias="position", low=-5, high=5):
        super().__init__(x, w, b, bias, low, high)
        self.add_player("y")
        self.input_view = _html("cnnviz-conv-input")
        self.arithmetic_view = _html("cnnviz-conv-arithmetic")
        self.output_view = _html("cnnviz-conv-output")
        self.formula_view = _math("cnnviz-conv-formula")
        self.equations_view = _math("cnnviz-conv-equations")
        self.root = self._box([
            self._editors_row(), self.bias_mode, self.player,
            widgets.HBox([self.input_view, self.arithmetic_view, self.output_view],
                         layout=widgets.Layout(flex_flow="row wrap", grid_gap="16px")),
            self.formula_view, self.message,
        ], "cnnviz-conv-forward")
        self.refresh()

    def _describe_step(self, step, n_steps):
        name = views.cell_name("y", self.trace[step].i, self.trace[step].j) if self.trace else "y11"
        return f"step {step + 1} of {n_steps}: y{views.subscript(name[1:])}"

    def _recompute(self):
        self.trace = steps.conv_forward_steps(self.x, self.w, self.b)
        self._set_n_steps(len(self.trace))

    def _render(self):
        self._render_step()
        values = self._values()
        x, w, bias = values["x"], values["w"], "shared" if self.shared else "position"
        self._show(self.equations_view, lambda: _display_math(
            *formulas.conv_forward_equations(x.shape, w.shape, values=values, bias=bias),
            aligned=True))

    def _render_step(self):
        step, values = self.trace[self.player.step], self._values()
        x, w, bias = values["x"], values["w"], "shared" if self.shared else "position"
        bias_symbol = self._bias_symbol(step.i, step.j)
        # Y first: the result the sliders feed (each view is one message to the browser)
        self._show(self.output_view, lambda: views.row(views.conv_output_panel(step)))
        self._show(self.input_view, lambda: views.row(views.conv_input_panel(step, x)))
        self._show(self.arithmetic_view, lambda: views.row(views.conv_forward_arithmetic(
            step, w, bias_symbol)))
        self._show(self.formula_view, lambda: _display_math(formulas.conv_output_formula(
            step.i, step.j, x.shape, w.shape, values=values, bias=bias)))

    @property
    def y(self):
        """The full output Y (the last step's running Y)."""
        return self.trace[-1].Y

    def equations(self):
        """A view of the seed's four equations for Y, with the current numbers (live)."""
        return _View(widgets.VBox([self.equations_view]), self,
                     lambda: self.equations_view.value, "the equations for every y_ij")

    def summary(self):
        mode = "one shared bias" if self.shared else "one bias per output position"
        y = "; ".join(" ".join(views.format_number(v) for v in r) for r in self.y)
        return (f"ConvForwardExplorer: X {self.x.shape[0]}x{self.x.shape[1]}, "
                f"W {self.w.shape[0]}x{self.w.shape[1]}, {mode}; Y = [{y}]")

    def static_html(self):
        return (self.input_view.value + self.arithmetic_view.value + self.output_view.value
                + self.formula_view.value)


class ConvBackwardExplorer(_ConvExplorer):
    """The seed's convolution backward pass: ∂L/∂X, ∂L/∂W and ∂L/∂b built up step by step.

    Sliders for X, W, b and ∂L/∂Y. At step (i, j) the window of X receives ∂L/∂y_ij · W
    (scatter view), ∂L/∂W receives ∂L/∂y_ij · window, ∂L/∂b receives ∂L/∂y_ij. Picking a cell
    of X shows its ∂L/∂x formula (gather view) with the numbers.
    """

    def __init__(self, x=None, w=None, b=None, dy=None, bias="position", low=-5, high=5):
        super().__init__(x, w, b, bias, low, high)
        dy = examples.seed_conv()["dy"] if dy is None else np.asarray(dy, dtype=float)
        self.dy_editor = MatrixEditor(dy, "∂L/∂y", "∂L/∂Y (given)", low, high, label="∂L/∂y",
                                      css_class="cnnviz-editor-dy", css_name="dy")
        self.dy_editor.on_change(self.refresh)
        self._keep_twins_in_step(dy=self.dy_editor)
        self.dx_view = _html("cnnviz-conv-dx")
        self.dw_view = _html("cnnviz-conv-dw")
        self.db_view = _html("cnnviz-conv-db")
        h, w_ = self.x.shape
        self.cell_picker = widgets.ToggleButtons(
            options=[(f"x{views.subscript(f'{r + 1}{c + 1}')}", (r, c))
                     for r in range(h) for c in range(w_)],
            value=(1, 1), description="∂L/∂ of",
            style={"button_width": "52px", "description_width": "60px"})
        self.cell_picker.add_class("cnnviz-cell-picker")
        self.cell_picker.observe(self._render_gather, names="value")
        self.gather_view = _math("cnnviz-conv-gather")
        self.dx_equations_view = _math("cnnviz-conv-dx-equations")
        self.dw_equations_view = _math("cnnviz-conv-dw-equations")
        self.db_equations_view = _math("cnnviz-conv-db-equations")
        self.matrix_form_view = _html("cnnviz-conv-matrix-form")
        self.check_button = widgets.Button(description="check by finite differences",
                                           button_style="primary", icon="check",
                                           layout=widgets.Layout(width="260px"))
        self.check_button.add_class("cnnviz-gradient-check-button")
        self.check_button.on_click(self.run_gradient_check)
        self.check_view = _html("cnnviz-gradient-check")
        # b itself is in no gradient: the bias-mode switch, not its sliders (the gradient
        # check section has them)
        self.root = self._section(self.dx_view, self.dw_view, self.db_view,
                                  editors=("x", "w", "dy", "bias_mode"))
        self._first_section_built = True
        self.refresh()

    def _section(self, *views_, editors=("x", "w", "b", "dy"), player=True, note=""):
        """Views with the editors they depend on (and a player if they animate).

        A section repeats only the sliders that change what it shows: ∂L/∂X depends on W
        and ∂L/∂Y alone, which the section says by leaving X out.
        """
        row = self._editors_row(*[self._editor(n) for n in editors if n in ("x", "w", "dy")],
                                names=[n for n in editors if n == "b"])
        children = [row]
        if "b" in editors or "bias_mode" in editors:
            children.append(self.bias_mode)
        if note:
            children.append(widgets.HTML(f"<div style='font-size:1.05em'>{note}</div>"))
        if player:
            children.append(self.add_player("y"))
        return self._box([*children, *views_, self.message], "cnnviz-conv-backward")

    def _describe_step(self, step, n_steps):
        name = views.cell_name("y", self.trace[step].i, self.trace[step].j) if self.trace else "y11"
        return (f"step {step + 1} of {n_steps}: "
                f"∂L/∂y{views.subscript(name[1:])} flows back")

    @property
    def dy(self):
        return self.dy_editor.value

    def _primary_editors(self):
        return {"x": self.x_editor, "w": self.w_editor, "dy": self.dy_editor}

    def _recompute(self):
        self.trace = steps.conv_backward_steps(self.dy, self.x, self.w, self.b)
        self._set_n_steps(len(self.trace))

    def _render(self):
        self._render_step()
        self._render_gather()
        dy, w, x_shape = self.dy, self.w, self.x.shape
        self._show(self.matrix_form_view, lambda: views.matrix_form_panels(
            matrix_form.full_padding(dy, w.shape), matrix_form.rotate180(w),
            matrix_form.input_grad_as_full_convolution(dy, w, x_shape), w.shape))
        self.check_view.value = ("<i>Values changed: press the button to check again.</i>"
                                 if self.check_view.value else "")
        values = self._values(dy=dy)
        shape = dict(x_shape=x_shape, w_shape=w.shape)
        bias = "shared" if self.shared else "position"
        self._show(self.dx_equations_view, lambda: _display_math(
            *formulas.conv_input_grad_equations(**shape, values=values), aligned=True))
        self._show(self.dw_equations_view, lambda: _display_math(
            *formulas.conv_weight_grad_equations(**shape, values=values), aligned=True))
        self._show(self.db_equations_view, lambda: _display_math(
            *formulas.conv_bias_grad_equations(**shape, bias=bias, values=values), aligned=True))

    def _render_step(self):
        step, dy, x, shared = self.trace[self.player.step], self.dy, self.x, self.shared
        self._show(self.dx_view, lambda: views.conv_dx_panels(step, dy, x.shape))
        self._show(self.dw_view, lambda: views.conv_dw_panels(step, x))
        self._show(self.db_view, lambda: views.row(views.conv_db_panel(step, shared)))

    def _render_gather(self, *_):
        (r, c), values = self.cell_picker.value, self._values(dy=self.dy)
        x, w = values["x"], values["w"]
        self._show(self.gather_view, lambda: _display_math(formulas.conv_input_grad_formula(
            r, c, x.shape, w.shape, values=values)))

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
        section = self._section(self.dx_view, editors=("w", "dy"),
                                note="∂L/∂X depends on W and ∂L/∂Y only: X itself does not appear.")
        return _View(section, self, lambda: self.dx_view.value, "∂L/∂X, scatter view")

    def scatter_w(self):
        section = self._section(self.dw_view, editors=("x", "dy"),
                                note="∂L/∂W depends on X and ∂L/∂Y only: W itself does not appear.")
        return _View(section, self, lambda: self.dw_view.value, "∂L/∂W, step by step")

    def bias(self):
        section = self._section(self.db_view, self.db_equations_view, editors=("dy", "bias_mode"))
        return _View(section, self, lambda: self.db_view.value + self.db_equations_view.value,
                     "∂L/∂b")

    def gather_x(self):
        section = self._section(self.cell_picker, self.gather_view, self.dx_equations_view,
                                editors=("w", "dy"), player=False)
        return _View(section, self, lambda: self.gather_view.value + self.dx_equations_view.value,
                     "∂L/∂X, gather view (pick a cell)")

    def run_gradient_check(self, *_):
        """Finite differences against the backward pass for X, W and b (current values)."""
        report = gradcheck.conv_layer_check(self.dy, self.x, self.w, self.b)
        self.check_view.value = views.gradient_check_panels(report)
        return report

    def gradient_check(self):
        """The check, run now, with a button to run it again after moving sliders."""
        self.run_gradient_check()
        return _View(self._section(self.check_button, self.check_view, player=False), self,
                     lambda: self.check_view.value, "gradient check")

    def matrix_form(self):
        section = self._section(self.matrix_form_view, editors=("w", "dy"), player=False)
        return _View(section, self, lambda: self.matrix_form_view.value,
                     "∂L/∂X as a full convolution with the rotated kernel")

    def weight_equations(self):
        return _View(widgets.VBox([self.dw_equations_view]), self,
                     lambda: self.dw_equations_view.value, "the four ∂L/∂w formulas")

    def summary(self):
        def fmt(a):
            a = np.atleast_2d(a)
            return "[" + "; ".join(" ".join(views.format_number(v) for v in r) for r in a) + "]"
        mode = "shared bias" if self.shared else "one bias per position"
        return (f"ConvBackwardExplorer ({mode}): dL/dX = {fmt(self.dx)}, dL/dW = {fmt(self.dw)}, "
                f"dL/db = {fmt(self.db)}")

    def static_html(self):
        return self.dx_view.value + self.dw_view.value + self.db_view.value


class _View:
    """A part of an explorer, displayed on its own (it shares the explorer's state)."""

    def __init__(self, widget, explorer, static, what):
        self.widget, self.explorer, self._static, self.what = widget, explorer, static, what

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = f"{self.what} — {self.explorer.summary()}"
        data["text/html"] = PAGE_STYLE + self._static()
        return bundle
