"""The chain conv -> max-pool, run backward live: sliders for X, W and ∂L/∂Z, one stage.

The gradient arriving at the pool's output, ∂L/∂Z, is what the student sets (not a target T):
it is all the backward pass needs from the loss, and each ∂L/∂z_ij can then be moved on its
own, with nothing else changing. The stage plays the whole backward pass: first through the
pool, window by window (∂L/∂z_ij · M_k ADDED into ∂L/∂Y), then through the convolution, output
by output (∂L/∂y_ij · W into ∂L/∂X, ∂L/∂y_ij · window into ∂L/∂W, ∂L/∂y_ij into ∂L/∂b).

A test drives it without a browser::

    ex = ChainExplorer()
    ex.dz_editor.slider(0, 1).value = 3    # ∂L/∂z12 = 3
    ex.stage.step = 12                     # the last step: y33 of the convolution
    ex.stage.frame                         # the HTML the student sees there

No math here: the numbers come from ``cnnviz.chain.conv_pool_backward`` and the
``cnnviz.steps`` traces, the pictures from ``cnnviz.render.chain``. Every grid (but the masks
M_k) is coloured on one scale, ``ex.scale``, from every number the frames show at any step
(running totals included); each frame shows the legend once. Its words are in ``lang`` ("en" /
"zh"; None: the notebook's language), from the catalog (``cnnviz.words``, ids ``chain.*``).

>>> ex = ChainExplorer()
>>> ex.stage.n_steps, ex.dy.tolist()
(13, [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
>>> ex.dz_editor.value = [[1, 1], [1, 1]]
>>> float(ex.dy[1, 1])                 # y22 is the maximum of Y′2, Y′3 and Y′4
3.0
"""
import ipywidgets as widgets
import numpy as np

from ..derivation import chain
from ..layers import steps
from ..render import chain as chain_views
from ..render import colour
from ..render import conv as views
from .base import (Explorer, MatrixEditor, Section, edited, finite_result, fitting,
                   number_text, numbers, output_shape)
from .stage import frame_html

__all__ = ["ChainExplorer"]

POOL_SIZE, POOL_STRIDE = 2, 1  # the derivation's pooling: 2×2 windows, stride 1


def _matrix_text(a):
    """[1 0; 0 2]: a matrix for a one-line summary."""
    return "[" + "; ".join(" ".join(views.format_number(v) if np.isfinite(v) else number_text(v)
                                    for v in r) for r in np.atleast_2d(a)) + "]"


class ChainExplorer(Explorer):
    """X → conv(W, b) → Y → max-pool (2×2, stride 1) → Z, and ∂L/∂Z flowing back to X, W, b.

    x (4×4 by default), w, b (fixed: a number shared, or one per position of Y) and dz, the
    gradient arriving at Z. Defaults: notebook 05's example, with ∂L/∂Z = Z − T; b and dz not
    given and the example's not of the shapes of Y and Z: zeros (no bias) and ones (the
    gradient of L = the sum of every z_ij). ``lang``: the language of its words ("en" / "zh";
    None: the notebook's).
    """

    def __init__(self, x=None, w=None, b=None, dz=None, low=-5, high=5, lang=None):
        super().__init__(lang)
        example = chain.example()
        x = example["x"] if x is None else x
        w = example["w"] if w is None else w
        self.x_editor = MatrixEditor(x, "x", self.say("editor.x_input"), low, high,
                                     css_class="cnnviz-editor-x", lang=self.lang)
        self.w_editor = MatrixEditor(w, "w", self.say("editor.w_kernel"), low, high,
                                     css_class="cnnviz-editor-w", lang=self.lang)
        y_shape = output_shape(self.x_editor.shape, self.w_editor.shape)
        z_shape = None if y_shape is None else output_shape(y_shape, POOL_SIZE, POOL_STRIDE)
        self.b = numbers(fitting(example["b"], y_shape, 0) if b is None else b, "b", self.lang)
        if dz is None:
            dz = fitting(chain.conv_pool_loss(**example).dz, z_shape, 1)
        self.dz_editor = MatrixEditor(dz, "∂L/∂z", self.say("chain.dz_editor"), low, high,
                                      label="∂L/∂z", css_class="cnnviz-editor-dz", css_name="dz",
                                      lang=self.lang)
        for editor in (self.x_editor, self.w_editor, self.dz_editor):
            editor.on_change(self.refresh)
        self.record, self.pool_trace, self.conv_trace = None, [], []
        self.scale = None  # the colour scale of the grids (colour.scale_for), set by refresh
        self.stage = self.new_stage(css_class="cnnviz-chain-stage")
        editors = self._editors()
        self.root = Section(self, [editors], [self.stage], self.say("chain.what"), "cnnviz-chain")
        self.refresh()

    def _editors(self):
        return widgets.HBox([self.x_editor, self.w_editor, self.dz_editor],
                            layout=widgets.Layout(flex_flow="row wrap", grid_gap="12px"))

    # --- state --------------------------------------------------------------------------
    x = edited("x_editor")
    w = edited("w_editor")
    dz = edited("dz_editor")

    @property
    def shared(self):
        return self.b.ndim == 0

    # results of the last values that worked (None before one)
    @property
    def y(self):
        return None if self.record is None else self.record.y

    @property
    def z(self):
        return None if self.record is None else self.record.z

    @property
    def dy(self):
        return None if self.record is None else self.record.dy

    @property
    def dx(self):
        return None if self.record is None else self.record.dx

    @property
    def dw(self):
        return None if self.record is None else self.record.dw

    @property
    def db(self):
        return None if self.record is None else self.record.db

    # --- the explorer's contract --------------------------------------------------------
    def _recompute(self):
        x, w, b, dz = self.x, self.w, self.b, self.dz
        record = chain.conv_pool_backward(x, w, b, dz, POOL_SIZE, POOL_STRIDE)
        for name, value in (("Y", record.y), ("∂L/∂Y", record.dy), ("∂L/∂X", record.dx),
                            ("∂L/∂W", record.dw), ("∂L/∂b", record.db)):
            finite_result(name, name, value, self.lang, message="chain.too_large")
        pool_trace = steps.pool_backward_steps(record.dz, record.y, POOL_SIZE, POOL_STRIDE)
        conv_trace = steps.conv_backward_steps(record.dy, record.x, record.w, record.b)
        self.record, self.pool_trace, self.conv_trace = record, pool_trace, conv_trace
        # ∂L/∂Z, Y, X, ∂L/∂Y, the local gradients and every running total of both passes
        self.scale = colour.scale_for(
            record.dz, record.y, record.x, record.dy,
            *(a for s in pool_trace for a in (s.local_grad, s.dX)),
            *(a for s in conv_trace for a in (s.dX, s.dW, s.db)))

    def _frames(self):
        r, n_pool, n_conv = self.record, len(self.pool_trace), len(self.conv_trace)
        scale, lang = self.scale, self.lang
        legend = colour.legend_html(scale, lang)
        frames = [frame_html(chain_views.pool_step_view(step, r.dz, r.y, scale, lang), legend)
                  for step in self.pool_trace]
        frames += [frame_html(chain_views.conv_step_view(step, r.dy, r.x, self.shared, scale, lang),
                              legend) for step in self.conv_trace]
        total = n_pool + n_conv
        captions = [self.say("chain.step", t=t + 1, total=total,
                             what=chain_views.pool_caption(step, n_pool, lang))
                    for t, step in enumerate(self.pool_trace)]
        captions += [self.say("chain.step", t=n_pool + t + 1, total=total,
                              what=chain_views.conv_caption(step, n_conv, lang))
                     for t, step in enumerate(self.conv_trace)]
        return {self.stage: (frames, captions)}

    def summary(self):
        name = type(self).__name__
        if self.error or self.record is None:
            return self.say("summary.error", name=name,
                            error=self.error or self.say("chain.no_result"))
        return self.say("summary.chain", name=name, dz=_matrix_text(self.dz),
                        dy=_matrix_text(self.dy), dx=_matrix_text(self.dx),
                        dw=_matrix_text(self.dw), db=_matrix_text(self.db))

    def static_html(self):
        """The explorer as a copy that plays with no kernel (frames as JSON)."""
        return self.root.static_html()
