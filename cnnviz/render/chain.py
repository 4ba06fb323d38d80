"""Views of the chain conv -> max-pool run backward, one step at a time: state -> HTML.

Two kinds of step, both records of ``cnnviz.steps``:

* through the pool (``steps.pool_backward_steps`` over Y, fed dL/dZ): window Y'_k takes
  dL/dz_ij, multiplies it by its mask M_k and ADDS the result into the running dL/dY;
* through the convolution (``steps.conv_backward_steps``, fed the finished dL/dY): output
  y_ij adds dL/dy_ij * W onto its window of dL/dX, dL/dy_ij * (its window of X) into dL/dW
  and dL/dy_ij into dL/db.

No math here beyond formatting: every number is a field of a step record. Every matrix cell
carries its name in ``data-cell`` (``views.shown_tables`` reads a frame back); every highlight
has a text cue besides its colour (▣ window, max, tie, ◀ current, + changed). Given the
explorer's ``scale`` (``cnnviz.render.colour``), every grid but the mask M_k (a 0/1 switch,
left white) fills its cells by their numbers' sign and size on that one scale. The words come
from the catalog (``cnnviz.words``, ids ``chain.*``) in each view's ``lang`` ("en" by default).

>>> import numpy as np
>>> from cnnviz import chain, steps
>>> from cnnviz.render import conv as views
>>> r = chain.conv_pool_loss(**chain.example())
>>> trace = steps.pool_backward_steps(r.dz, r.y)
>>> running = views.shown_tables(pool_step_view(trace[1], r.dz, r.y))[-1]   # after Y'2
>>> running["∂L/∂y11"], running["∂L/∂y22"]          # Y'1 sent 1 to y11, Y'2 sent 2 to y22
('1', '2')
"""
import numpy as np

from .conv import (
    STYLE,
    cell_name,
    conv_input_panel,
    format_number,
    matrix_table,
    panel,
    subscript,
)
from ..words import say

__all__ = ["pool_step_view", "conv_step_view", "pool_caption", "conv_caption"]


def _name(symbol, r, c):
    """y₂₂ for 0-based (1, 1): the derivation's 1-based notation, in unicode subscripts."""
    return symbol + subscript(cell_name(symbol, r, c)[len(symbol):])


def _paren(value):
    text = format_number(value)
    return f"({text})" if text.startswith("-") else text


def _view(head, *panels):
    """A line of text over panels side by side, in the styled root (as ``views.row``)."""
    return (f'{STYLE}<div class="cnnviz-view"><div class="cv-facts">{head}</div>'
            f'<div class="cv-row">{"".join(panels)}</div></div>')


def _window(step):
    """(r, c) of every cell the step's window covers -> its (m, n) inside the window."""
    return {(int(r), int(c)): (m, n) for m, r in enumerate(step.rows) for n, c in enumerate(step.cols)}


def _current_gradient(values, symbol, at, title, scale=None, lang="en"):
    """A gradient matrix with the entry that flows back now outlined (dashed) and marked ◀."""
    table = matrix_table(values, symbol, classes={at: "cv-cur"}, marks={at: "◀"}, scale=scale)
    return panel(title, table, say("chain.flows_back_now", lang))


# ---------------------------------------------------------------------------------------
# Through the pool
# ---------------------------------------------------------------------------------------
def pool_caption(step, n, lang="en"):
    """Window k of n: ∂L/∂z_ij → Y′k."""
    return say("chain.pool_caption", lang, k=step.k, n=n, z=_name("z", step.i, step.j),
               sub=subscript(step.k))


def pool_step_view(step, dz, y, scale=None, lang="en"):
    """Window Y′k sends ∂L/∂z_ij back: ∂L/∂Z, the window on Y, M_k, ∂L/∂z_ij · M_k, the
    running ∂L/∂Y.

    step : a ``steps.PoolBackwardStep`` of ``steps.pool_backward_steps(dz, y, ...)``;
    scale : the explorer's colour scale (None: no fill);  lang : the language of the words.
    """
    window = _window(step)
    chosen = {cell for cell, mn in window.items() if step.mask[mn] > 0}
    top = step.window[next(iter(window[cell] for cell in chosen))] if chosen else None
    classes, marks, tied = {}, {}, False
    for cell, mn in window.items():
        if cell in chosen:
            classes[cell], marks[cell] = "cv-max", say("pool.mark_max", lang)
        elif step.window[mn] == top:
            classes[cell], marks[cell], tied = "cv-win", say("pool.mark_tie", lang), True
        else:
            classes[cell], marks[cell] = "cv-win", "▣"
    k = subscript(step.k)
    z_name = _name("z", step.i, step.j)
    where = say("list.sep", lang).join(_name("y", *cell) for cell in sorted(chosen))
    # window-sized tables: the mask's entries named M11 ... (its own), the local gradient's by
    # the cell of Y they land on (∂L/∂y22 ...)
    r0, c0 = int(step.rows[0]), int(step.cols[0])
    local = {(r - r0, c - c0) for r, c in chosen}
    mask = matrix_table(step.mask, "M", classes={cell: "cv-max" for cell in local}, labels=False)
    landed = matrix_table(step.local_grad, "∂L/∂y", row_offset=r0, col_offset=c0,
                          classes={cell: "cv-max" for cell in local}, scale=scale)
    running = matrix_table(step.dX, "∂L/∂y", classes={cell: "cv-new" for cell in chosen},
                           marks={cell: "+" for cell in chosen},
                           notes={(r, c): say("pool.won", lang, count=int(step.wins[r, c]))
                                  for r in range(step.dX.shape[0]) for c in range(step.dX.shape[1])},
                           scale=scale)
    grad = _paren(step.grad)
    head = say("chain.pool_head", lang, k=k, where=where, z=z_name, grad=grad)
    return _view(
        head,
        _current_gradient(dz, "∂L/∂z", (step.i, step.j), say("chain.dz_arriving", lang), scale,
                          lang),
        panel(say("chain.y_window", lang, k=k),
              matrix_table(y, "y", classes=classes, marks=marks, scale=scale),
              say("chain.y_window_caption", lang) + (say("chain.y_window_tie", lang) if tied else "")),
        panel(say("pool.mask", lang, k=k), mask, say("chain.mask_caption", lang)),
        panel(f"∂L/∂{z_name} · M{k}", landed, say("chain.landed_caption", lang, grad=grad, k=k)),
        panel(say("chain.running_dy", lang), running, say("chain.running_dy_caption", lang)),
    )


# ---------------------------------------------------------------------------------------
# Through the convolution
# ---------------------------------------------------------------------------------------
def conv_caption(step, n, lang="en"):
    """Step t of n: ∂L/∂y_ij flows back."""
    return say("chain.conv_caption", lang, k=step.k, n=n, y=_name("y", step.i, step.j))


def conv_step_view(step, dy, x, shared=False, scale=None, lang="en"):
    """Output y_ij sends ∂L/∂y_ij back: ∂L/∂Y, the window on X, the running ∂L/∂X (+ ∂L/∂y_ij · W
    on the window), ∂L/∂W (+ ∂L/∂y_ij · the window) and ∂L/∂b.

    step : a ``steps.ConvBackwardStep`` of ``steps.conv_backward_steps(dy, x, w, b)``;
    shared : whether b is one shared bias (∂L/∂b one number) or one per position;
    scale : the explorer's colour scale (None: no fill);  lang : the language of the words.
    """
    x = np.asarray(x, dtype=float)
    window = _window(step)
    grad, y_name = _paren(step.grad), _name("y", step.i, step.j)
    changed = step.grad != 0
    dx_notes = {cell: f"+{grad}·{_name('w', m, n)}" for cell, (m, n) in window.items()}
    dx_table = matrix_table(step.dX, "∂L/∂x", classes={c: "cv-new" for c in window} if changed else {},
                            marks={c: "+" for c in window} if changed else {}, notes=dx_notes,
                            scale=scale)
    kh, kw = step.dW.shape
    dw_notes = {(m, n): f"+{grad}·{_name('x', int(step.rows[m]), int(step.cols[n]))}"
                for m in range(kh) for n in range(kw)}
    dw_table = matrix_table(step.dW, "∂L/∂w", notes=dw_notes,
                            classes={(m, n): "cv-new" for m in range(kh) for n in range(kw)}
                            if changed else {}, scale=scale)
    if changed:
        bias = "∂L/∂b" if shared else f"∂L/∂{_name('b', step.i, step.j)}"
        head = say("chain.conv_head", lang, y=y_name, grad=grad, bias=bias)
    else:
        head = say("chain.conv_head_zero", lang, y=y_name)
    return _view(
        head,
        _current_gradient(dy, "∂L/∂y", (step.i, step.j), say("chain.dy_from_pool", lang), scale,
                          lang),
        conv_input_panel(step, x, title=say("chain.x_window", lang, y=y_name), weights=False,
                         scale=scale, lang=lang),
        panel(say("conv.running_dx", lang), dx_table, say("chain.dx_caption", lang)),
        panel(say("conv.running_dw", lang), dw_table, say("chain.dw_caption", lang)),
        _db_panel(step, shared, changed, scale, lang),
    )


def _db_panel(step, shared, changed, scale=None, lang="en"):
    """Running ∂L/∂b: one number (shared bias) or one per position, + where this step adds."""
    if shared:
        table = matrix_table(np.array([[step.db]]), "∂L/∂b", labels=False, scale=scale)
        return panel(say("conv.running_db_shared", lang), table, say("chain.db_shared_caption", lang))
    at = (step.i, step.j)
    table = matrix_table(step.db, "∂L/∂b", classes={at: "cv-new"} if changed else {},
                         marks={at: "+"} if changed else {}, scale=scale)
    return panel(say("chain.running_db_position", lang), table,
                 "∂L/∂b<sub>ij</sub> = ∂L/∂y<sub>ij</sub>")
