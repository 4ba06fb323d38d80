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
left white) fills its cells by their numbers' sign and size on that one scale.

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


def _current_gradient(values, symbol, at, title, caption, scale=None):
    """A gradient matrix with the entry that flows back now outlined (dashed) and marked ◀."""
    table = matrix_table(values, symbol, classes={at: "cv-cur"}, marks={at: "◀"}, scale=scale)
    return panel(title, table, caption)


# ---------------------------------------------------------------------------------------
# Through the pool
# ---------------------------------------------------------------------------------------
def pool_caption(step, n):
    """Window k of n: ∂L/∂z_ij → Y′k."""
    return (f"through the pool, window {step.k} of {n}: ∂L/∂{_name('z', step.i, step.j)} "
            f"→ Y′{subscript(step.k)}")


def pool_step_view(step, dz, y, scale=None):
    """Window Y′k sends ∂L/∂z_ij back: ∂L/∂Z, the window on Y, M_k, ∂L/∂z_ij · M_k, the
    running ∂L/∂Y.

    step : a ``steps.PoolBackwardStep`` of ``steps.pool_backward_steps(dz, y, ...)``;
    scale : the explorer's colour scale (None: no fill).
    """
    window = _window(step)
    chosen = {cell for cell, mn in window.items() if step.mask[mn] > 0}
    top = step.window[next(iter(window[cell] for cell in chosen))] if chosen else None
    classes, marks = {}, {}
    for cell, mn in window.items():
        if cell in chosen:
            classes[cell], marks[cell] = "cv-max", "max"
        else:
            classes[cell] = "cv-win"
            marks[cell] = "tie" if step.window[mn] == top else "▣"
    k = subscript(step.k)
    z_name, where = _name("z", step.i, step.j), ", ".join(_name("y", *cell) for cell in sorted(chosen))
    # window-sized tables: the mask's entries named M11 ... (its own), the local gradient's by
    # the cell of Y they land on (∂L/∂y22 ...)
    r0, c0 = int(step.rows[0]), int(step.cols[0])
    local = {(r - r0, c - c0) for r, c in chosen}
    mask = matrix_table(step.mask, "M", classes={cell: "cv-max" for cell in local}, labels=False)
    landed = matrix_table(step.local_grad, "∂L/∂y", row_offset=r0, col_offset=c0,
                          classes={cell: "cv-max" for cell in local}, scale=scale)
    running = matrix_table(step.dX, "∂L/∂y", classes={cell: "cv-new" for cell in chosen},
                           marks={cell: "+" for cell in chosen},
                           notes={(r, c): f"won {int(step.wins[r, c])}"
                                  for r in range(step.dX.shape[0]) for c in range(step.dX.shape[1])},
                           scale=scale)
    grad = _paren(step.grad)
    head = (f"<b>1 · Through the pool.</b> Window Y′{k}: its maximum is {where}, so "
            f"∂L/∂{z_name} = {grad} goes there and is <b>added</b> to ∂L/∂Y.")
    return _view(
        head,
        _current_gradient(dz, "∂L/∂z", (step.i, step.j), "∂L/∂Z (arriving)",
                          "◀ dashed = the gradient that flows back now", scale),
        panel(f"Y, window Y′{k}", matrix_table(y, "y", classes=classes, marks=marks, scale=scale),
              "▣ = in the window; max = its maximum" + ("; tie = equal to it, not chosen"
                                                        if "tie" in marks.values() else "")),
        panel(f"Mask M{k}", mask, "1 at the maximum"),
        panel(f"∂L/∂{z_name} · M{k}", landed, f"= {grad} · M{k}, at the window's place in Y"),
        panel("Running ∂L/∂Y (+=)", running,
              "+ = added at this step; won n = the windows whose maximum the cell is, so far"),
    )


# ---------------------------------------------------------------------------------------
# Through the convolution
# ---------------------------------------------------------------------------------------
def conv_caption(step, n):
    """Step t of n: ∂L/∂y_ij flows back."""
    return (f"through the convolution, step {step.k} of {n}: "
            f"∂L/∂{_name('y', step.i, step.j)} flows back")


def conv_step_view(step, dy, x, shared=False, scale=None):
    """Output y_ij sends ∂L/∂y_ij back: ∂L/∂Y, the window on X, the running ∂L/∂X (+ ∂L/∂y_ij · W
    on the window), ∂L/∂W (+ ∂L/∂y_ij · the window) and ∂L/∂b.

    step : a ``steps.ConvBackwardStep`` of ``steps.conv_backward_steps(dy, x, w, b)``;
    shared : whether b is one shared bias (∂L/∂b one number) or one per position;
    scale : the explorer's colour scale (None: no fill).
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
        head = (f"<b>2 · Through the convolution.</b> ∂L/∂{y_name} = {grad}: ∂L/∂X gets "
                f"{grad} · W on the window of {y_name}, ∂L/∂W gets {grad} · (that window of X), "
                f"{bias} gets {grad}.")
    else:
        head = (f"<b>2 · Through the convolution.</b> ∂L/∂{y_name} = 0: it sends nothing "
                "back, and nothing changes.")
    return _view(
        head,
        _current_gradient(dy, "∂L/∂y", (step.i, step.j), "∂L/∂Y (from the pool)",
                          "◀ dashed = the gradient that flows back now", scale),
        conv_input_panel(step, x, title=f"X, the window of {y_name}", weights=False,
                         scale=scale),
        panel("Running ∂L/∂X", dx_table, "under each number of the window: what this step adds"),
        panel("Running ∂L/∂W", dw_table, "under each number: what this step adds"),
        _db_panel(step, shared, changed, scale),
    )


def _db_panel(step, shared, changed, scale=None):
    """Running ∂L/∂b: one number (shared bias) or one per position, + where this step adds."""
    if shared:
        table = matrix_table(np.array([[step.db]]), "∂L/∂b", labels=False, scale=scale)
        return panel("Running ∂L/∂b (shared bias)", table, "= the sum of the ∂L/∂y seen so far")
    at = (step.i, step.j)
    table = matrix_table(step.db, "∂L/∂b", classes={at: "cv-new"} if changed else {},
                         marks={at: "+"} if changed else {}, scale=scale)
    return panel("Running ∂L/∂b (one per position)", table,
                 "∂L/∂b<sub>ij</sub> = ∂L/∂y<sub>ij</sub>")
