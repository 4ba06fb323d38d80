"""Views of notebook 06 (stride, padding, dilation, channels, batches): state -> HTML / LaTeX.

Built on ``cnnviz.views`` (``matrix_table``, ``panel``, ``row``): every matrix cell carries
``data-cell`` and ``data-value``, so ``views.shown_tables`` reads a view back. No widgets, no
callbacks, no math: the numbers come in from ``cnnviz.geometry`` / ``steps`` / ``ops``.

Readable when projected: the numbers are ``views``' large bold ones; every highlight has a
second cue besides colour (outline style and a text marker: ▣ current window, #k first tap
of window k, ◀ current output, ✗ never read, ⌫ thrown away).
"""
import html

import numpy as np

from ..layers import _args
from . import conv as views
from .conv import format_number, matrix_table, panel

__all__ = [
    "view_row",
    "output_size_equations",
    "leftover_note",
    "window_grid_panel",
    "window_output_panel",
    "channel_column",
    "channel_sum_panel",
    "batch_panel",
    "shapes_line",
    "strided_dx_panels",
    "strided_dw_panels",
    "full_convolution_panels",
]



def view_row(*panels, compact=False):
    """``views.row`` with this module's extra styles; compact = smaller cells (big grids)."""
    body = views.row(*panels)
    if compact:
        body = body.replace('<div class="cnnviz-view">', '<div class="cnnviz-view cv-compact">', 1)
    return body


def _op(symbol):
    return f'<div class="cv-op">{html.escape(symbol)}</div>'


def _sub(text):
    return f"<sub>{html.escape(str(text))}</sub>"


def _x_name(r, c):
    """x_rc in the seed's notation for 0-based (r, c) of the unpadded input."""
    return views._cell_label_html("x", r, c)


def _w_name(m, n):
    return views._cell_label_html("w", m, n)


def _padded_table(values, symbol, x_shape, padding, **options):
    """``matrix_table`` of a zero-padded grid: cells inside x named x_rc, every padding cell
    named pad(r,c) (1-based in x's coordinates: 0 or H+1 for the padding) and unlabelled."""
    pr, pc = padding
    expected = (x_shape[0] + 2 * pr, x_shape[1] + 2 * pc)
    if np.shape(values) != expected:
        raise ValueError(f"a grid of x {tuple(x_shape)} padded by {tuple(padding)} is "
                         f"{expected}, got values of shape {np.shape(values)}")
    return matrix_table(values, symbol, row_offset=-pr, col_offset=-pc, **options)


# ---------------------------------------------------------------------------------------
# Output size
# ---------------------------------------------------------------------------------------
def _axis_equation(a, out, size):
    """One axis of the output-size formula, symbolic, with the numbers, and the result."""
    symbolic = (rf"{out} = \left\lfloor \dfrac{{{size} + 2p - d\,(K-1) - 1}}{{s}} \right\rfloor + 1")
    numbers = (rf"\left\lfloor \dfrac{{{a.size} + 2 \cdot {a.padding} - {a.dilation} \cdot "
               rf"({a.kernel}-1) - 1}}{{{a.stride}}} \right\rfloor + 1")
    middle = rf"\left\lfloor \dfrac{{{a.numerator}}}{{{a.stride}}} \right\rfloor + 1"
    quotient = f"({a.quotient})" if a.quotient < 0 else str(a.quotient)
    result = rf"{quotient} + 1 = {a.out}"
    if not a.fits:
        result += r" \le 0"
    return " = ".join([symbolic, numbers, middle, result])


def output_size_equations(rows, cols):
    """LaTeX: the output-size formula for the rows (H) and the columns (W), numbers filled in.

    rows, cols : ``geometry.AxisArithmetic``.
    """
    return [_axis_equation(rows, r"H_{out}", "H"), _axis_equation(cols, r"W_{out}", "W")]


def leftover_note(rows, cols):
    """HTML: the window span, and the input rows / columns no window reaches (if any)."""
    lines = []
    for a, what in ((rows, "row"), (cols, "column")):
        axis = "rows" if what == "row" else "columns"
        if not a.fits:
            lines.append(f"<b>{axis}:</b> the window spans d·(K−1)+1 = {a.span} {axis}, more than "
                         f"the {a.padded} {axis} of the padded input: no window fits.")
            continue
        text = (f"<b>{axis}:</b> a window spans d·(K−1)+1 = {a.span}; it moves {a.stride} at a "
                f"time, {a.quotient} time{'s' if a.quotient != 1 else ''} after the first place → "
                f"{a.out} position{'s' if a.out != 1 else ''}.")
        if a.leftover:
            text += (f" ✗ The last {a.leftover} {what}{'s' if a.leftover != 1 else ''} of the padded "
                     f"input {'are' if a.leftover != 1 else 'is'} never read: "
                     f"{a.numerator} is not a multiple of s = {a.stride} (remainder {a.leftover}).")
        lines.append(text)
    return '<div class="cnnviz-view"><div class="cv-facts">' + "<br>".join(lines) + "</div></div>"


def window_grid_panel(layout, k):
    """The zero-padded input with every cell's window count, window k outlined.

    In each cell: how many windows read it (the big number), #j where window j's first tap
    w₁₁ sits, ▣ and the weight that meets it for the cells of window k, ✗ for cells of the
    input that no window reads. Padding cells are dotted grey and named pad(r,c).

    >>> from cnnviz.derivation.geometry import window_layout
    >>> cells = views.shown_tables(window_grid_panel(window_layout((2, 2), 2, padding=1), 1))[0]
    >>> [(name, count) for name, count in cells.items()][:5]
    [('pad(0,0)', '1'), ('pad(0,1)', '2'), ('pad(0,2)', '2'), ('pad(0,3)', '1'), ('pad(1,0)', '2')]
    >>> cells["x11"], cells["pad(3,3)"]
    ('4', '1')
    """
    current = layout.windows[k - 1]
    classes, marks, notes = {}, {}, {}
    for (r, c), is_pad in np.ndenumerate(layout.in_padding):
        if is_pad:
            classes[(r, c)] = "cv-pad"
        elif layout.coverage[r, c] == 0:
            classes[(r, c)] = "cv-unread"
            notes[(r, c)] = "✗ never read"
    for cell, j in layout.anchors.items():
        notes[cell] = f"#{j}"
    for cell, (m, n) in current.cells().items():
        classes[cell] = ("cv-win cv-pad" if layout.in_padding[cell] else "cv-win")
        notes[cell] = "▣ " + _w_name(m, n)
    table = _padded_table(layout.coverage, "x", layout.size, layout.padding, classes=classes,
                          marks=marks, notes=notes)
    hp, wp = layout.padded_shape
    padded = f"padded to {hp}×{wp}" if any(layout.padding) else "no padding"
    title = (f"Input {layout.size[0]}×{layout.size[1]}, {padded}: "
             f"window #{k} (for {views._cell_label_html('y', current.i, current.j)})")
    caption = ("Number in a cell = how many windows read it. ▣ = window #{k} with the weight on "
               "each cell it reads; #j = where window j starts (its w<sub>11</sub>); dotted grey = "
               "zero padding; ✗ hatched = an input cell no window reads.").replace("{k}", str(k))
    return panel(title, table, caption)


def window_output_panel(layout, k):
    """The output HO x WO: each y_ij shows the number of its window; window k's is outlined."""
    ho, wo = layout.out_shape
    current = layout.windows[k - 1]
    at = (current.i, current.j)
    numbers = np.arange(1, ho * wo + 1, dtype=float).reshape(ho, wo)
    table = matrix_table(numbers, "y", classes={at: "cv-cur"}, marks={at: "◀"})
    return panel(f"Output {ho}×{wo}", table, "Number = the window that computes y<sub>ij</sub>; "
                 "◀ dashed = window #" + str(k))


# ---------------------------------------------------------------------------------------
# Several channels, a batch
# ---------------------------------------------------------------------------------------
def _window_on_input(x, padding, cells, weights=True):
    """x (zero-padded) with a window outlined (▣) and ×w_mn under each of its cells.

    cells : {(r, c) in the padded input: (m, n) the tap that reads it}.
    """
    xp = _args.zero_padded(x, padding)
    classes = views._pad_classes(np.shape(x), padding)
    marks, notes = {}, {}
    for (r, c), (m, n) in cells.items():
        classes[(r, c)] = "cv-win cv-pad" if classes.get((r, c)) == "cv-pad" else "cv-win"
        marks[(r, c)] = "▣"
        if weights:
            notes[(r, c)] = "×" + _w_name(m, n)
    return _padded_table(xp, "x", np.shape(x), padding, classes=classes, marks=marks, notes=notes)


def _padded_cells(step):
    """{(r, c): (m, n)} of a step whose rows / cols are already padded-grid coordinates."""
    return {(int(r), int(c)): (m, n) for m, r in enumerate(step.rows) for n, c in enumerate(step.cols)}


def channel_column(c, n, f, x_c, w_fc, map_c, step, padding=(0, 0)):
    """One input channel c: X[n, c] (window of the step outlined) ⋆ W[f, c] = Z[c] (current
    entry dashed). n, f, c are 0-based, printed 1-based."""
    at = (step.i, step.j)
    return (
        '<div class="cv-panel"><div class="cv-stack">'
        + panel(f"channel {c + 1}: X[n={n + 1}, c={c + 1}]", _window_on_input(
            x_c, padding, views._window_cells(step, padding)))
        + _op("⋆")
        + panel(f"W[f={f + 1}, c={c + 1}]", matrix_table(w_fc, "w"))
        + _op("=")
        + panel(f"Z<sup>({c + 1})</sup>", matrix_table(map_c, "z", classes={at: "cv-cur"},
                                                        marks={at: "◀"}))
        + "</div></div>"
    )


def channel_sum_panel(maps, bias, y, f, at):
    """y_ij = z⁽¹⁾_ij + ... + z⁽ᶜ⁾_ij + b_f, line by line, and the whole Y[n, f] under it.

    maps (C, HO, WO), bias b_f, y (HO, WO) the op's output; f 0-based; at = (i, j).
    """
    i, j = at
    name = views.cell_name("y", i, j)
    lines = []
    for c, z in enumerate(maps):
        lines.append(f"<tr><td>{'+ ' if c else ''}z<sup>({c + 1})</sup>{_sub(name[1:])}</td>"
                     f"<td>=</td><td><b>{format_number(z[i, j])}</b></td></tr>")
    lines.append(f"<tr><td>+ b{_sub(f + 1)}</td><td>=</td><td><b>{format_number(bias)}</b></td></tr>")
    lines.append(f"<tr><td><b>y{_sub(name[1:])}</b></td><td>=</td>"
                 f'<td data-cell="{name}" data-value="{format_number(y[i, j])}">'
                 f'<b style="font-size:1.3em">{format_number(y[i, j])}</b></td></tr>')
    arithmetic = panel(f"y{_sub(name[1:])} = Σ<sub>c</sub> z<sup>(c)</sup>{_sub(name[1:])} + b{_sub(f + 1)}",
                       f'<table class="cv-sum">{"".join(lines)}</table>')
    table = panel(f"Y[f={f + 1}] = Z<sup>(1)</sup> + … + b{_sub(f + 1)}",
                  matrix_table(y, "y", classes={at: "cv-cur"}, marks={at: "◀"}),
                  "◀ dashed = the output of this step")
    return f'<div class="cv-panel"><div class="cv-stack">{arithmetic}{table}</div></div>'



def batch_panel(all_y, n, f):
    """Every Y[n, f] of the batch (images as rows, output channels as columns); the one shown
    above is outlined and marked ▶."""
    blocks = []
    for nn in range(all_y.shape[0]):
        cells = []
        for ff in range(all_y.shape[1]):
            chosen = (nn, ff) == (n, f)
            title = f"{'▶ ' if chosen else ''}Y[n={nn + 1}, f={ff + 1}]"
            body = matrix_table(all_y[nn, ff], "y")
            cells.append(f'<div class="cv-panel{" cv-sel" if chosen else ""}">'
                         f'{panel(title, body)}</div>')
        blocks.append(panel(f"image {nn + 1}", f'<div class="cv-row">{"".join(cells)}</div>'))
    return "".join(blocks)


def shapes_line(x_shape, w_shape, b_shape, y_shape):
    """X (N, C, H, W) ⋆ W (F, C, KH, KW) + b (F,) → Y (N, F, HO, WO), and the count per y."""
    _, c, kh, kw = w_shape
    fmt = lambda s: "(" + ", ".join(str(v) for v in s) + ")"
    return ('<div class="cnnviz-view"><div class="cv-facts">'
            f"X {fmt(x_shape)} ⋆ W {fmt(w_shape)} + b {fmt(b_shape)} → <b>Y {fmt(y_shape)}</b>"
            f" &nbsp;(N, C, H, W → N, F, H<sub>out</sub>, W<sub>out</sub>). Each y adds "
            f"C·KH·KW = {c}·{kh}·{kw} = {c * kh * kw} products, then one bias.</div></div>")


# ---------------------------------------------------------------------------------------
# The backward pass of a strided, padded convolution
# ---------------------------------------------------------------------------------------
def strided_dx_panels(step, dy, x_shape, padding):
    """∂L/∂Y, what output y_ij adds at this step, the running ∂L/∂X, on the padded grid.

    step : a ``ConvBackwardStep`` of ``geometry.padded_backward_steps`` (coordinates in the
    padded input). The border of the running total is the gradient of the padding zeros:
    shown, marked ⌫, and thrown away; inside it is the layer's ∂L/∂X.
    """
    pads = views._pad_classes(x_shape, padding)
    window = _padded_cells(step)
    add_classes = dict(pads)
    for cell in window:
        add_classes[cell] = "cv-win cv-pad" if cell in pads else "cv-win"
    add_notes = {cell: "·" + _w_name(m, n) for cell, (m, n) in window.items()}
    dy_name = f"∂L/∂{views._cell_label_html('y', step.i, step.j)}"
    added = _padded_table(step.dx_add, "x", x_shape, padding, classes=add_classes,
                          marks={cell: "▣" for cell in window}, notes=add_notes)
    run_classes = dict(pads)
    for cell in window:
        run_classes[cell] = "cv-new cv-pad" if cell in pads else "cv-new"
    run_notes = {}
    run_marks = {cell: "⌫" for cell in pads}
    for cell in window:
        run_marks[cell] = "+" + run_marks.get(cell, "")
    for (r, c), total in np.ndenumerate(step.coverage_total):
        if (r, c) in pads:
            continue
        if total == 0:
            run_notes[(r, c)] = "✗ never read"
            run_classes[(r, c)] = "cv-unread"
        else:
            run_notes[(r, c)] = f"{int(step.coverage[r, c])} of {int(total)}"
    running = _padded_table(step.dX, "x", x_shape, padding, classes=run_classes,
                            marks=run_marks, notes=run_notes)
    at = (step.i, step.j)
    return view_row(
        panel("∂L/∂Y (given)", matrix_table(dy, "∂L/∂y", classes={at: "cv-cur"}, marks={at: "◀"}),
              "◀ dashed = flows back now"),
        panel(f"Step {step.k} adds {dy_name} · W = {views._paren(step.grad)} · W",
              added, f"on the padded input (cells named by x): ▣ = the window of "
                     f"{views._cell_label_html('y', step.i, step.j)}; dotted grey = padding"),
        panel("Running ∂L/∂X, on the padded grid", running,
              "+ = changed at this step. Under each number: windows added so far, of all that "
              "read the cell. ⌫ = gradient of a padding zero: the layer drops it."),
        compact=True,
    )


def strided_dw_panels(step, x, padding):
    """∂L/∂W at one step: the window on the padded X, ∂L/∂y_ij · window, the running ∂L/∂W.

    step : a ``ConvBackwardStep`` of ``geometry.padded_backward_steps`` (padded coordinates);
    x : the unpadded input (H, W), shown padded.
    """
    dy_name = f"∂L/∂{views._cell_label_html('y', step.i, step.j)}"
    kh, kw = step.dW.shape
    return view_row(
        panel(f"X padded, window of {views._cell_label_html('y', step.i, step.j)}",
              _window_on_input(x, padding, _padded_cells(step), weights=False),
              "▣ = the window; dotted grey = padding"),
        panel(f"Step {step.k} adds {dy_name} · window = {views._paren(step.grad)} · window",
              matrix_table(step.dw_add, "∂L/∂w")),
        panel("Running ∂L/∂W", matrix_table(step.dW, "∂L/∂w",
                                            marks={(m, n): "+" for m in range(kh) for n in range(kw)})),
        compact=True,
    )


def full_convolution_panels(two, kernel_shape, stride, padding):
    """∂L/∂Y with zeros inserted and a border ⋆ rot180(W) = the padded grid's gradient, then
    the border cropped: ∂L/∂X, with the verdict against the backward pass.

    two : ``geometry.InputGradTwoWays``; kernel_shape (KH, KW); stride, padding pairs.
    """
    kh, kw = kernel_shape
    sr, sc = stride
    rows, cols = two.padded.shape
    classes, notes = {}, {}
    for r in range(rows):
        for c in range(cols):
            rr, cc = r - (kh - 1), c - (kw - 1)
            inside = 0 <= rr < two.spread.shape[0] and 0 <= cc < two.spread.shape[1]
            if not inside:
                classes[(r, c)] = "cv-pad"
            elif rr % sr or cc % sc:
                classes[(r, c)] = "cv-ins"
            else:
                notes[(r, c)] = f"∂L/∂{views._cell_label_html('y', rr // sr, cc // sc)}"
    spread = matrix_table(two.padded, "d", classes=classes, notes=notes, labels=False)
    rot_notes = {(m, n): "was " + _w_name(kh - 1 - m, kw - 1 - n)
                 for m in range(kh) for n in range(kw)}
    rotated = matrix_table(two.rotated, "rot", notes=rot_notes, labels=False)
    pads = views._pad_classes(two.dx_full.shape, padding)
    full = _padded_table(two.full, "x", two.dx_full.shape, padding, classes=pads,
                         marks={cell: "⌫" for cell in pads})
    dx = matrix_table(two.dx_full, "∂L/∂x")
    if (sr, sc) == (1, 1):
        inserted = "stride 1, no zeros inserted"
    elif sr == sc:
        inserted = f"{sr - 1} zero{'s' if sr != 2 else ''} inserted between neighbours"
    else:
        inserted = f"{sr - 1} / {sc - 1} zeros inserted between rows / columns"
    ok = two.agree
    verdict = (f'<div class="cv-verdict{"" if ok else " cv-bad"}">'
               f'{"✔" if ok else "✘"} equals the backward pass ∂L/∂X '
               f'(np.allclose: {ok})</div>')
    return view_row(
        panel(f"∂L/∂Y: {inserted}, border of {kh - 1}", spread,
              "dashed = inserted zeros (stride); dotted grey = the border of K−1 zeros"),
        _op("⋆"),
        panel("W rotated by 180°", rotated),
        _op("="),
        panel("gradient on the padded input", full,
              "cells named by x; ⌫ = the gradient of the padding zeros"),
        _op("→"),
        panel("crop the border: ∂L/∂X", dx + verdict),
        compact=True,
    )
