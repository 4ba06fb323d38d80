"""The matrix-form explorer: the convolution as one matrix product, forward and backward.

Two stages, each a walk through the windows, forward then backward:

* the Jacobian view: vec(Y) = C · vec(X) + vec(b), step k outlining row k of C (and window k
  on X); then vec(∂L/∂X) = Cᵀ · vec(∂L/∂Y), step k outlining column k of Cᵀ, which is row k of
  C, laid out like X it is W on window k: ∂L/∂y_k times it is the scatter of step k;
* the im2col view: vec(Y) = P · vec(W) + vec(b) with P the windows laid flat; then
  vec(∂L/∂W) = Pᵀ · vec(∂L/∂Y).

A test drives it without a browser::

    ex = MatrixFormExplorer()
    ex.w_editor.slider(0, 1).value = 3     # w12 = 3
    ex.stage.frames[1]                     # forward, step 2: row y12 of C outlined

No math here: C and P come from cnnviz.derivation.matrix_form, the windows and running sums
from cnnviz.layers.steps, the pictures from cnnviz.render.matrix. Every grid is coloured on
one scale (``explorer.scale``, from every number either stage shows at any step: X, W, Y,
∂L/∂Y, the running ∂L/∂X and ∂L/∂W; C's and P's entries are w's and x's), and each frame
shows the legend once.

Its words (editor titles, captions, messages) are in its ``lang`` (see ``explorers.base``);
with ``share=`` and no ``lang`` it speaks the shared explorer's language.
"""
import ipywidgets as widgets
import numpy as np

from ..derivation import examples, matrix_form
from ..layers import steps
from ..render import colour
from ..render import conv as views
from ..render import matrix as mviews
from .base import (Explorer, MatrixEditor, Section, SettingError, edited, finite_result, fitting,
                   numbers, output_shape)
from .stage import frame_html

__all__ = ["MatrixFormExplorer"]

# The largest C the view draws: one row per output, one column per input (X up to 4x4).
MAX_OUTPUTS, MAX_INPUTS = 9, 16


class MatrixFormExplorer(Explorer):
    """The convolution as a matrix product: C (the Jacobian) and im2col's P, forward and back.

    Sliders for X, W and ∂L/∂Y; b is fixed (a number, or one per output position): it adds
    b_ij to y_ij and takes no part in C, P or the gradients. ``explorer`` (its root section)
    shows the Jacobian stage; ``explorer.im2col()`` the im2col view.

    ``share=other`` takes the sliders (and the bias) of another explorer, a
    ``ConvBackwardExplorer``: one set of sliders drives both.
    """

    def __init__(self, x=None, w=None, b=None, dy=None, low=-5, high=5, share=None, lang=None):
        if lang is None and share is not None:
            lang = getattr(share, "lang", None)
        super().__init__(lang)
        self.shared_with = share
        if share is not None:
            # The sliders of another explorer (e.g. a ConvBackwardExplorer): the same widgets,
            # so moving one moves both views; b follows that explorer's bias.
            if any(v is not None for v in (x, w, b, dy)):
                raise ValueError(self.say("matrix.share_given", name="share"))
            missing = [name for name in ("x_editor", "w_editor", "dy_editor")
                       if not isinstance(getattr(share, name, None), MatrixEditor)]
            if missing:
                raise TypeError(self.say("matrix.share_type", name="share",
                                         example="ConvBackwardExplorer",
                                         kind=type(share).__name__))
            self.x_editor, self.w_editor, self.dy_editor = (share.x_editor, share.w_editor,
                                                            share.dy_editor)
        else:
            worked = examples.worked_conv()
            x = worked["x"] if x is None else x
            w = worked["w"] if w is None else w
            self.x_editor = MatrixEditor(x, "x", self.say("editor.x_input"), low, high,
                                         css_class="cnnviz-editor-x", lang=self.lang)
            self.w_editor = MatrixEditor(w, "w", self.say("editor.w_kernel"), low, high,
                                         css_class="cnnviz-editor-w", lang=self.lang)
            # b and dy not given: the worked example's if they fit the output, else zeros (no
            # bias) and ones (the gradient of L = the sum of every y_ij)
            out = output_shape(self.x_editor.shape, self.w_editor.shape)
            b = fitting(worked["b"], out, 0) if b is None else b
            dy = fitting(worked["dy"], out, 1) if dy is None else dy
            self._b = numbers(b, "b", self.lang)
            self.dy_editor = MatrixEditor(dy, "∂L/∂y", self.say("editor.dy_given"), low, high,
                                          label="∂L/∂y", css_class="cnnviz-editor-dy",
                                          css_name="dy", lang=self.lang)
        for editor in (self.x_editor, self.w_editor, self.dy_editor):
            editor.on_change(self.refresh)
        if share is not None:  # b follows the shared explorer's bias, its mode and sliders
            for name in ("bias_mode", "shared_b"):
                if hasattr(share, name):
                    getattr(share, name).observe(self.refresh, names="value")
            if isinstance(getattr(share, "b_editor", None), MatrixEditor):
                share.b_editor.on_change(self.refresh)
        self.c = self.p = None
        self.scale = None  # the colour scale of the grids (colour.scale_for), set by refresh
        self.forward = self.backward = []
        self.stage = self.new_stage(css_class="cnnviz-matrix-jacobian-stage")
        self.im2col_stage = None
        self.root = Section(self, [self._editors()], [self.stage],
                            self.say("section.jacobian"), "cnnviz-matrix-form")
        self.refresh()

    # --- state --------------------------------------------------------------------------
    x = edited("x_editor")
    w = edited("w_editor")
    dy = edited("dy_editor")

    @property
    def b_given(self):
        """b as given: a number (one shared bias) or one per output position."""
        b = self._b if self.shared_with is None else self.shared_with.b
        return np.asarray(b, dtype=float)

    @property
    def b_used(self):
        """The bias of each output (HO, WO): b itself, or the shared number at every place."""
        return np.broadcast_to(self.b_given, self.y.shape).astype(float)

    def _editors(self):
        return widgets.HBox([self.x_editor, self.w_editor, self.dy_editor],
                            layout=widgets.Layout(flex_flow="row wrap", grid_gap="12px"))

    def _recompute(self):
        x, w = self.x, self.w
        out = tuple(n - k + 1 for n, k in zip(x.shape, w.shape))
        if x.size > MAX_INPUTS or (min(out) > 0 and out[0] * out[1] > MAX_OUTPUTS):
            raise SettingError(self.say(
                "matrix.too_large", inputs=MAX_INPUTS, outputs=MAX_OUTPUTS, xh=x.shape[0],
                xw=x.shape[1], wh=w.shape[0], ww=w.shape[1], n_in=x.size,
                n_out=max(out[0], 0) * max(out[1], 0),
                function="cnnviz.matrix_form.conv_matrix"))
        self.c = matrix_form.conv_matrix(x.shape, w)
        self.p = matrix_form.im2col(x, w.shape)
        b = self.b_given
        if b.ndim not in (0, 2) or (b.ndim == 2 and b.shape != out):
            raise SettingError(self.say("matrix.bad_b", h=out[0], w=out[1], shape=b.shape))
        forward = steps.conv_forward_steps(x, w, b)
        backward = steps.conv_backward_steps(self.dy, x, w, b)
        finite_result("Y", "y", forward[-1].Y, self.lang)
        finite_result("∂L/∂X", "∂L/∂x", backward[-1].dX, self.lang)
        finite_result("∂L/∂W", "∂L/∂w", backward[-1].dW, self.lang)
        self.forward, self.backward = forward, backward
        self.scale = colour.scale_for(x, w, self.dy, self.forward[-1].Y, self.backward[-1].dW,
                                      *(s.dX for s in self.backward))

    def _frames(self):
        n = len(self.forward)
        x, b_used = self.x, self.b_used
        names = [views.subscript(views.cell_name("y", s.i, s.j)[1:]) for s in self.forward]
        out = {}
        shared, scale = self.b_given.ndim == 0, self.scale
        lang = self.lang
        legend = colour.legend_html(scale, lang)
        frames = [frame_html(mviews.jacobian_forward_view(self.c, self.forward, x, b_used, k,
                                                          shared_bias=shared, scale=scale,
                                                          lang=lang),
                             legend)
                  for k in range(n)]
        frames += [frame_html(mviews.jacobian_backward_view(self.c, self.backward, self.dy,
                                                            x.shape, k, scale=scale, lang=lang),
                              legend)
                   for k in range(n)]
        captions = ([self.say("matrix.forward_caption", k=k + 1, n=n, sub=names[k])
                     for k in range(n)]
                    + [self.say("matrix.backward_caption", k=k + 1, n=n, sub=names[k])
                       for k in range(n)])
        out[self.stage] = (frames, captions)
        if self.im2col_stage is not None:
            out[self.im2col_stage] = ([frame_html(mviews.im2col_view(
                self.p, self.backward, x, self.w, b_used, self.y, self.dy,
                shared_bias=shared, scale=scale, lang=lang), legend)], [""])
        return out

    # --- results ------------------------------------------------------------------------
    @property
    def y(self):
        return self.forward[-1].Y

    @property
    def dx(self):
        return self.backward[-1].dX

    @property
    def dw(self):
        return self.backward[-1].dW

    # --- sections for the notebook ------------------------------------------------------
    def im2col(self):
        """The im2col view (one frame; it follows the sliders of the explorer's other views):
        P · vec(W) + vec(b) = vec(Y) and vec(∂L/∂W) = Pᵀ · vec(∂L/∂Y)."""
        if self.im2col_stage is None:
            self.im2col_stage = self.new_stage(css_class="cnnviz-matrix-im2col-stage")
            self.refresh()
        return Section(self, [], [self.im2col_stage], self.say("section.im2col"),
                       "cnnviz-matrix-form")

    def summary(self):
        name = type(self).__name__
        if self.error or not self.forward:
            return self.say("summary.error", name=name,
                            error=self.error or self.say("summary.no_output_yet"))
        fmt = lambda a: "[" + "; ".join(" ".join(views.format_number(v) for v in r)
                                        for r in np.atleast_2d(a)) + "]"
        return self.say("summary.matrix", name=name, ch=self.c.shape[0], cw=self.c.shape[1],
                        ph=self.p.shape[0], pw=self.p.shape[1], y=fmt(self.y), dx=fmt(self.dx),
                        dw=fmt(self.dw))
