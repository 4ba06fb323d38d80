"""Views of notebook 06 (stride, padding, dilation, channels, batches): state -> HTML / LaTeX.

No widgets, no callbacks, no math: the numbers come in from ``cnnviz.geometry`` / ``steps`` /
``ops``. Grids are compact tables (``grid``): numbers only, the row and column numbers of the
input in the margins, every cell named in ``data-cell`` so that
``views.shown_tables`` reads a view back.

An explorer's stepped picture draws per step only what changes (``*_step`` functions: the
cells of the current window, cut out with their row and column numbers, and the numbers of
the step); what every step shares (whole grids, the numbering of all windows) is drawn once
(``*_overview`` functions) for a one-frame stage next to it. The ``*_step`` functions leave out
the stylesheet unless ``styled=True`` (a stage carries it once).

Readable when projected: the numbers are large and bold; every highlight has a second cue
besides colour (outline style, a text marker, or a table of its own: #k first tap of window
k, ✗ never read, ⌫ thrown away, + changed). Given the explorer's ``scale``
(``cnnviz.render.colour``), a grid fills each number's cell by its sign and size.
"""
import functools
import html

import numpy as np

from . import colour
from . import conv as views
from .conv import format_number, panel

__all__ = [
    "view_row",
    "number_text",
    "grid",
    "output_size_equations",
    "leftover_note",
    "window_overview",
    "window_step",
    "shapes_line",
    "channel_overview",
    "channel_step",
    "batch_panel",
    "strided_dx_overview",
    "strided_dx_step",
    "strided_dw_overview",
    "strided_dw_step",
    "full_convolution_panels",
]

_ARROW = "<div class='cv-op'>&rarr;</div>"


def view_row(*panels, compact=False, styled=True):
    """Panels side by side (wrapping on narrow screens) in the styled root; compact = smaller
    cells (big grids); ``styled=False`` leaves out the stylesheet (a stage's frame)."""
    css = "cnnviz-view cv-compact" if compact else "cnnviz-view"
    return (f'{views.STYLE if styled else ""}<div class="{css}"><div class="cv-row">'
            f'{"".join(panels)}</div></div>')


def _op(symbol):
    return f"<div class='cv-op'>{html.escape(symbol)}</div>"


def _sub(text):
    return f"<sub>{html.escape(str(text))}</sub>"


def _label(symbol, r, c):
    """x<sub>12</sub> for 0-based (0, 1), in the derivation's 1-based notation."""
    return views._cell_label_html(symbol, r, c)


def _span(values):
    """Row (or column) numbers as text: '2 to 4' if consecutive, else '1, 3, 5'."""
    values = [int(v) for v in values]
    if len(values) > 2 and all(b - a == 1 for a, b in zip(values, values[1:])):
        return f"{values[0]} to {values[-1]}"
    return ", ".join(str(v) for v in values)


def number_text(value):
    """A number as shown: ``format_number``'s text, NaN and infinities by name (never '?')."""
    value = float(value)
    if np.isfinite(value):
        return format_number(value)
    return "NaN" if value != value else str(value)


# ---------------------------------------------------------------------------------------
# The compact table
# ---------------------------------------------------------------------------------------
# The numbers of a compact table: large and bold for the table as a whole, not cell by cell.
# Attributes a test does not read are in single quotes: nothing to escape when a stage sends
# its frames as JSON.
_NUMBERS = "<div style='font-size:1.25em;font-weight:700'><table class=\"cv-m\">"


@functools.lru_cache(maxsize=8192)
def _shown(value):
    return html.escape(number_text(value))


@functools.lru_cache(maxsize=8192)
def _name(symbol, r, c, inside):
    return html.escape(views.cell_name(symbol, r, c) if inside else f"pad({r + 1},{c + 1})")


def grid(values, symbol, *, offset=(0, 0), inner=None, rows=None, cols=None, classes=None,
         marks=None, notes=None, pad_class="cv-pad", named=True, scale=None):
    """A matrix as a compact table: numbers only, row and column numbers in the margins.

    values : (R, C) array, all of a grid or cut out of it (a window); None: empty cells (the
        shape of a window, from ``rows`` and ``cols``)
    symbol : the entries' name, in the corner; every cell has data-cell (symbol + 1-based
        indices, e.g. x12), unless ``named`` is False
    offset : (p_r, p_c), the zero padding of a padded input; ``inner`` (H, W) the input in it
        (default: the values' shape less the padding, if any). Cells outside it are the padding:
        class ``pad_class``, named pad(r,c) in the input's 1-based coordinates (0, -1, ...
        before it, H+1, ... after it) and numbered so in the margins.
    rows, cols : where each row / column of ``values`` sits in the padded grid (0-based;
        default 0, 1, ...). A window's rows and columns make a cut-out with the input's own
        numbers in its margins.
    classes, marks, notes : {(r, c) index into values: css class / short marker / note HTML}
    scale : the explorer's colour scale (``colour.scale_for``): each number's cell filled by
        its sign and size (``colour.with_fill``); None: no fill

    >>> cells = views.shown_tables(grid([[1, 2], [3, 4]], "x", rows=[2, 4], offset=(1, 1),
    ...                                 inner=(3, 1)))[0]
    >>> cells
    {'pad(2,0)': '1', 'x21': '2', 'pad(4,0)': '3', 'pad(4,1)': '4'}
    """
    pr, pc = offset
    if values is None:
        table = [[None] * len(cols) for _ in rows]
        shape = (len(rows), len(cols))
    else:
        values = np.asarray(values, dtype=float)
        table, shape = values.tolist(), values.shape
    rows = [int(r) - pr for r in (range(shape[0]) if rows is None else rows)]
    cols = [int(c) - pc for c in (range(shape[1]) if cols is None else cols)]
    if inner is not None:
        h, w = inner
    else:
        h, w = (shape[0] - 2 * pr, shape[1] - 2 * pc) if pr or pc else (np.inf, np.inf)
    classes, marks, notes = classes or {}, marks or {}, notes or {}
    head = "".join(f"<th>{c + 1}</th>" for c in cols)
    out = [f"{_NUMBERS}<tr><th>{html.escape(symbol)}</th>{head}</tr>"]
    for r, (rr, row_values) in enumerate(zip(rows, table)):
        out.append(f"<tr><th>{rr + 1}</th>")
        row_inside = 0 <= rr < h
        for c, (cc, v) in enumerate(zip(cols, row_values)):
            inside = row_inside and 0 <= cc < w
            css = classes.get((r, c))
            if not inside and pad_class:
                css = f"{css} {pad_class}" if css else pad_class
            if scale is not None and v is not None:
                css = colour.with_fill(css, v, scale)
            cell = "<td class='" + css + "'" if css else "<td"
            if v is None:
                out.append(cell + "></td>")
                continue
            shown = _shown(v)
            if named:
                cell += f' data-cell="{_name(symbol, rr, cc, inside)}"'
            mark = (f"<span class='cv-mark'>{html.escape(marks[(r, c)])}</span>"
                    if (r, c) in marks else "")
            note = f"<div class='cv-note'>{notes[(r, c)]}</div>" if (r, c) in notes else ""
            out.append(f"{cell}>{mark}{shown}{note}</td>")
        out.append("</tr>")
    out.append("</table></div>")
    return "".join(out)


def _frame(*parts):
    """A step's frame: parts side by side in the root of the views (no stylesheet)."""
    return ("<div class='cnnviz-view cv-compact'><div class='cv-row'>" + "".join(parts)
            + "</div></div>")


def _panel(title, body, caption=""):
    """``panel`` in single quotes (a step's frame)."""
    cap = f"<div class='cv-caption'>{caption}</div>" if caption else ""
    return f"<div class='cv-panel'><div class='cv-title'>{title}</div>{body}{cap}</div>"


def _cut(values, rows, cols):
    """values[rows][:, cols] for evenly spaced rows and cols (a window, any dilation)."""
    def span(v):
        v0, v1 = int(v[0]), int(v[-1])
        return slice(v0, v1 + 1, (v1 - v0) // (len(v) - 1) if len(v) > 1 else 1)
    return values[span(rows), span(cols)]


def _inside(coordinates, padding, size):
    """Which of these padded-grid coordinates fall inside the input (not on the padding)."""
    return [0 <= int(v) - padding < size for v in coordinates]


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


def window_overview(layout, styled=True):
    """Every window of a layout at once: the zero-padded input with how many windows read each
    cell (#k where window k starts, ✗ cells of the input no window reads), and the output,
    each y_ij numbered by the window that computes it.

    >>> from cnnviz.derivation.geometry import window_layout
    >>> counts, numbers = views.shown_tables(window_overview(window_layout((2, 2), 2, padding=1)))
    >>> list(counts.items())[:5]
    [('pad(0,0)', '1'), ('pad(0,1)', '2'), ('pad(0,2)', '2'), ('pad(0,3)', '1'), ('pad(1,0)', '2')]
    >>> counts["x11"], counts["pad(3,3)"], numbers["y22"]
    ('4', '1', '5')
    """
    unread = {(int(r), int(c)) for r, c in np.argwhere(layout.unread)}
    classes = {cell: "cv-unread" for cell in unread}
    notes = {cell: "✗ never read" for cell in unread}
    notes.update({cell: f"#{k}" for cell, k in layout.anchors.items()})
    (h, w), (hp, wp), (ho, wo) = layout.size, layout.padded_shape, layout.out_shape
    padded = f"padded to {hp}×{wp}" if any(layout.padding) else "no padding"
    inputs = panel(
        f"Input {h}×{w}, {padded}: windows reading each cell",
        grid(layout.coverage, "x", offset=layout.padding, inner=layout.size, classes=classes,
             notes=notes),
        "Number in a cell = how many windows read it; #k = where window k starts (its "
        "w<sub>11</sub>). Margins: the rows and columns of the input; dotted grey = zero "
        "padding (numbered 0, −1, … before the input and on past its end after it); ✗ "
        "hatched = an input cell no window reads.")
    numbers = np.arange(1, ho * wo + 1, dtype=float).reshape(ho, wo)
    output = panel(f"Output {ho}×{wo}", grid(numbers, "y"),
                   "Number = the window that computes y<sub>ij</sub>")
    return view_row(inputs, output, compact=True, styled=styled)


def window_step(layout, k):
    """A step's frame: the cells window k covers, cut out of the padded input with their row
    and column numbers in the margins (dotted grey: padding), and the output it computes.

    >>> from cnnviz.derivation.geometry import window_layout
    >>> view = window_step(window_layout((3, 3), 2, stride=2, padding=1), 2)
    >>> "window #2 &rarr; y<sub>12</sub>" in view, view.count("<td class='cv-pad'>")
    (True, 2)
    """
    window = layout.windows[k - 1]
    cut = grid(None, "x", offset=layout.padding, inner=layout.size, rows=window.rows,
               cols=window.cols)
    return _frame(_panel(f"window #{k} &rarr; {_label('y', window.i, window.j)}", cut))


# ---------------------------------------------------------------------------------------
# Several channels, a batch
# ---------------------------------------------------------------------------------------
def shapes_line(x_shape, w_shape, b_shape, y_shape):
    """X (N, C, H, W) ⋆ W (F, C, KH, KW) + b (F,) → Y (N, F, HO, WO), and the count per y."""
    _, c, kh, kw = w_shape
    fmt = lambda s: "(" + ", ".join(str(v) for v in s) + ")"
    return ('<div class="cnnviz-view"><div class="cv-facts">'
            f"X {fmt(x_shape)} ⋆ W {fmt(w_shape)} + b {fmt(b_shape)} → <b>Y {fmt(y_shape)}</b>"
            f" &nbsp;(N, C, H, W → N, F, H<sub>out</sub>, W<sub>out</sub>). Each y adds "
            f"C·KH·KW = {c}·{kh}·{kw} = {c * kh * kw} products, then one bias.</div></div>")


def channel_overview(x_n, w_f, maps, bias, y, n, f, padding=(0, 0), named=True, styled=True,
                     scale=None):
    """What every step shares: for each input channel c, X[n, c] (zero-padded) ⋆ W[f, c] =
    Z⁽ᶜ⁾, and Y[n, f] = Z⁽¹⁾ + … + b_f. n, f, c are 0-based, printed 1-based.

    x_n (C, H, W), w_f (C, KH, KW), maps (C, HO, WO), bias b_f, y (HO, WO) the op's output.
    ``named=False``: only the cells of Y are named (the others' numbers are shown all the same).
    ``scale``: the colour scale of every grid (None: no fill), as in the views below.
    """
    x_n = np.asarray(x_n, dtype=float)
    xp = np.pad(x_n, ((0, 0), (padding[0],) * 2, (padding[1],) * 2))
    columns = []
    for c, (x_c, w_fc, z) in enumerate(zip(xp, w_f, maps)):
        columns.append(
            '<div class="cv-panel"><div class="cv-stack">'
            + panel(f"channel {c + 1}: X[n={n + 1}, c={c + 1}]",
                    grid(x_c, "x", offset=padding, inner=x_n.shape[1:], named=named,
                         scale=scale))
            + _op("⋆") + panel(f"W[f={f + 1}, c={c + 1}]",
                               grid(w_fc, "w", named=named, scale=scale))
            + _op("=") + panel(f"Z<sup>({c + 1})</sup>", grid(z, "z", named=named, scale=scale))
            + "</div></div>")
    total = panel(f"Y[n={n + 1}, f={f + 1}] = Z<sup>(1)</sup> + … + b{_sub(f + 1)}",
                  grid(y, "y", scale=scale), f"b{_sub(f + 1)} = {html.escape(number_text(bias))}")
    return view_row(*columns, total, compact=True, styled=styled)


def channel_step(x_padded, maps, bias, y, f, step, padding=(0, 0), windows=True, scale=None):
    """A step's frame for output position (i, j): (``windows``) the window cut out of every
    channel X[n, c], then y_ij = z⁽¹⁾_ij + … + z⁽ᶜ⁾_ij + b_f, line by line, and where the
    window is in words.

    x_padded : (C, H + 2p, W + 2p), X[n] zero-padded by ``padding``;
    step : a ``ConvForwardStep`` (rows / cols in x's coordinates, the same in every channel).
    """
    i, j = step.i, step.j
    lines = [f"<tr><td>{'+ ' if c else ''}z<sup>({c + 1})</sup></td><td>{_shown(z[i, j])}</td></tr>"
             for c, z in enumerate(maps)]
    shown = _shown(y[i, j])
    lines.append(f"<tr><td>+ b{_sub(f + 1)}</td><td>{_shown(bias)}</td></tr>"
                 f"<tr><td><b>= {_label('y', i, j)}</b></td>"
                 f'<td data-cell="{views.cell_name("y", i, j)}"><b>{shown}</b>'
                 "</td></tr>")
    where = f"rows {_span(np.add(step.rows, 1))}, columns {_span(np.add(step.cols, 1))}"
    parts = []
    if windows:
        shape = (x_padded.shape[1] - 2 * padding[0], x_padded.shape[2] - 2 * padding[1])
        rows = [int(r) + padding[0] for r in step.rows]
        cols = [int(c) + padding[1] for c in step.cols]
        parts = [_panel(f"c={c + 1}", grid(_cut(xc, rows, cols), "x", offset=padding, inner=shape,
                                           rows=rows, cols=cols, scale=scale))
                 for c, xc in enumerate(x_padded)]
        parts.append(_ARROW)
    total = f"window: {where}<table class=\"cv-sum\">{''.join(lines)}</table>"
    if not windows:
        return f"<div class='cnnviz-view cv-compact'>{total}</div>"
    return _frame(*parts, f"<div class='cv-panel'>{total}</div>")


def batch_panel(all_y, n, f, named=True, styled=True, scale=None):
    """Every Y[n, f] of the batch (images as rows, output channels as columns); the one taken
    apart above is outlined and marked ▶. ``named=False``: only its cells are named (the
    others' numbers are shown all the same)."""
    blocks = []
    for nn in range(all_y.shape[0]):
        cells = []
        for ff in range(all_y.shape[1]):
            chosen = (nn, ff) == (n, f)
            title = f"{'▶ ' if chosen else ''}Y[n={nn + 1}, f={ff + 1}]"
            table = grid(all_y[nn, ff], "y", named=named or chosen, scale=scale)
            cells.append(f'<div class="cv-panel{" cv-sel" if chosen else ""}">'
                         f'{panel(title, table)}</div>')
        blocks.append(panel(f"image {nn + 1}", f'<div class="cv-row">{"".join(cells)}</div>'))
    return view_row(*blocks, compact=True, styled=styled)


# ---------------------------------------------------------------------------------------
# The backward pass of a strided, padded convolution
# ---------------------------------------------------------------------------------------
def _dy_line(step):
    """∂L/∂y_ij = its value, the gradient a step sends back."""
    shown = _shown(step.grad)
    return (f'<table class="cv-sum"><tr><td>&part;L/&part;{_label("y", step.i, step.j)} =</td>'
            f'<td data-cell="∂L/∂{views.cell_name("y", step.i, step.j)}">'
            f"<b>{shown}</b></td></tr></table>")


def _border_marks(shape, padding, mark="⌫"):
    """{(r, c): mark} of the padding of an input of ``shape`` in its padded grid."""
    (h, w), (pr, pc) = shape, padding
    return {(r, c): mark for r in range(h + 2 * pr) for c in range(w + 2 * pc)
            if not (pr <= r < pr + h and pc <= c < pc + w)}


def strided_dx_overview(dy, last, x_shape, padding, styled=True, scale=None):
    """What every step of the ∂L/∂X scatter shares: ∂L/∂Y as given, and ∂L/∂X on the padded
    grid once every step has added its part (under each number: how many windows add to it;
    the border, marked ⌫, is the gradient of the padding zeros: the layer drops it).

    last : the last ``ConvBackwardStep`` of ``geometry.padded_backward_steps``.
    """
    (h, w), (pr, pc) = x_shape, padding
    classes, notes = {}, {}
    for (r, c), total in np.ndenumerate(last.coverage_total[pr:pr + h, pc:pc + w]):
        cell = (r + pr, c + pc)
        if total == 0:
            classes[cell], notes[cell] = "cv-unread", "✗ never read"
        else:
            notes[cell] = f"{int(total)} window{'s' if total != 1 else ''}"
    return view_row(
        panel("∂L/∂Y (given)", grid(dy, "∂L/∂y", scale=scale), "each step sends one of these back"),
        panel("∂L/∂X after every step, on the padded grid",
              grid(last.dX, "x", offset=padding, inner=x_shape, classes=classes,
                   marks=_border_marks(x_shape, padding), notes=notes, scale=scale),
              "Under each number: how many windows add to it. Margins: the rows and columns of "
              "x (dotted grey = padding). ⌫ = gradient of a padding zero: the layer drops it."),
        compact=True, styled=styled)


def strided_dx_step(step, x_shape, padding, added=True, scale=None):
    """A step's frame of the ∂L/∂X scatter, on the window of y_ij only (nothing else changes):
    ∂L/∂y_ij; if ``added``, what it adds there (∂L/∂y_ij · W) and under each running total
    the windows added so far, of all that read the cell; the running ∂L/∂X of those cells,
    cut out of the padded grid (dotted grey: padding).

    step : a ``ConvBackwardStep`` of ``geometry.padded_backward_steps`` (padded coordinates).
    """
    rows, cols = step.rows, step.cols
    where = dict(offset=padding, inner=x_shape, rows=step.rows, cols=step.cols, scale=scale)
    parts = [_dy_line(step)]
    notes = {}
    if added:
        parts += [_op("·"), _panel("W adds", grid(_cut(step.dx_add, rows, cols), "x", **where))]
        so_far = _cut(step.coverage, rows, cols).tolist()
        total = _cut(step.coverage_total, rows, cols).tolist()
        notes = {(m, n): f"{so_far[m][n]} of {total[m][n]}"
                 for m, row in enumerate(_inside(rows, padding[0], x_shape[0])) if row
                 for n, col in enumerate(_inside(cols, padding[1], x_shape[1])) if col}
    parts += [_ARROW, _panel("running &part;L/&part;X", grid(_cut(step.dX, rows, cols), "x",
                                                               notes=notes, **where))]
    return _frame(*parts)


def strided_dw_overview(x, padding, last, styled=True, scale=None):
    """What every step of ∂L/∂W shares: X zero-padded (the windows' numbers), and ∂L/∂W once
    every step has added ∂L/∂y_ij · window."""
    x = np.asarray(x, dtype=float)
    xp = np.pad(x, ((padding[0],) * 2, (padding[1],) * 2))
    return view_row(
        panel("X, zero-padded", grid(xp, "x", offset=padding, inner=x.shape, scale=scale),
              "Margins: the rows and columns of x; dotted grey = padding"),
        panel("∂L/∂W after every step", grid(last.dW, "∂L/∂w", scale=scale)),
        compact=True, styled=styled)


def strided_dw_step(step, x_shape, padding, added=True, scale=None):
    """A step's frame of ∂L/∂W: ∂L/∂y_ij · the window of X (cut out of the padded grid) =
    what it adds (if ``added``), and the running ∂L/∂W (every entry changes).

    step : a ``ConvBackwardStep`` of ``geometry.padded_backward_steps`` (padded coordinates).
    """
    window = grid(step.window, "x", offset=padding, inner=x_shape, rows=step.rows,
                  cols=step.cols, scale=scale)
    parts = [_dy_line(step), _op("·"), _panel("window", window)]
    if added:
        parts += [_op("="), _panel("adds", grid(step.dw_add, "∂L/∂w", scale=scale))]
    parts += [_ARROW, _panel("running &part;L/&part;W", grid(step.dW, "∂L/∂w", scale=scale))]
    return _frame(*parts)


def full_convolution_panels(two, kernel_shape, stride, padding, styled=True, scale=None):
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
                notes[(r, c)] = f"∂L/∂{_label('y', rr // sr, cc // sc)}"
    spread = grid(two.padded, "d", classes=classes, notes=notes, scale=scale)
    rot_notes = {(m, n): "was " + _label("w", kh - 1 - m, kw - 1 - n)
                 for m in range(kh) for n in range(kw)}
    rotated = grid(two.rotated, "rot", notes=rot_notes, scale=scale)
    full = grid(two.full, "x", offset=padding, inner=two.dx_full.shape,
                marks=_border_marks(two.dx_full.shape, padding), scale=scale)
    dx = grid(two.dx_full, "∂L/∂x", scale=scale)
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
              "margins: the rows and columns of x; ⌫ = the gradient of the padding zeros"),
        _op("→"),
        panel("crop the border: ∂L/∂X", dx + verdict),
        compact=True, styled=styled,
    )
