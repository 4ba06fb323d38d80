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

Every view takes ``lang`` ("en" / "zh"): its words come from the catalog (``cnnviz.words``,
entries "general.*" in ``cnnviz.words_general``); numbers, cell names and math are the same in
both. Notation as in notebook 06: the input is H_in × W_in, the output H_out × W_out (W alone is
the kernel); the part of output channel f that comes from input channel c is the map
Y^(f,c) = X^(c) ⋆ W^(f,c), entries y^(f,c)_ij (cells named ``map_symbol(f, c)`` + ij).
"""
import functools
import html

import numpy as np

from . import colour
from . import conv as views
from ..words import join, say
from .conv import format_number, panel

__all__ = [
    "view_row",
    "number_text",
    "grid",
    "map_symbol",
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


def _span(values, lang="en"):
    """Row (or column) numbers as text: '2 to 4' if consecutive, else '1, 3, 5'."""
    values = [int(v) for v in values]
    if len(values) > 2 and all(b - a == 1 for a, b in zip(values, values[1:])):
        return say("general.span", lang, first=values[0], last=values[-1])
    return join([str(v) for v in values], lang)


def _count(key, n, lang, **fields):
    """The catalog's ``key_one`` or ``key_many`` entry for the count ``n``."""
    return say(f"{key}_{'one' if n == 1 else 'many'}", lang, n=n, **fields)


def map_symbol(f, c):
    """The name of the entries of Y^(f,c), the map of output channel f from input channel c
    (0-based, printed 1-based): its cells are named map_symbol(f, c) + ij.

    >>> map_symbol(0, 2), views.cell_name(map_symbol(0, 2), 1, 0)
    ('y^(1,3)', 'y^(1,3)21')
    """
    return f"y^({f + 1},{c + 1})"


def _map_label(f, c, sub="", capital=False):
    """Y<sup>(f,c)</sup> (the map) or y<sup>(f,c)</sup><sub>ij</sub> (an entry), HTML; f, c
    0-based, printed 1-based."""
    letter = "Y" if capital else "y"
    return f"{letter}<sup>({f + 1},{c + 1})</sup>" + (f"<sub>{sub}</sub>" if sub else "")


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
         marks=None, notes=None, pad_class="cv-pad", named=True, scale=None, corner=None):
    """A matrix as a compact table: numbers only, row and column numbers in the margins.

    values : (R, C) array, all of a grid or cut out of it (a window); None: empty cells (the
        shape of a window, from ``rows`` and ``cols``)
    symbol : the entries' name, in the corner; every cell has data-cell (symbol + 1-based
        indices, e.g. x12), unless ``named`` is False
    corner : HTML shown in the corner instead of the symbol (e.g. y<sup>(1,2)</sup>)
    offset : (p_r, p_c), the zero padding of a padded input; ``inner`` (H_in, W_in) the input in it
        (default: the values' shape less the padding, if any). Cells outside it are the padding:
        class ``pad_class``, named pad(r,c) in the input's 1-based coordinates (0, -1, ...
        before it, H_in+1, ... after it) and numbered so in the margins.
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
    corner = html.escape(symbol) if corner is None else corner
    out = [f"{_NUMBERS}<tr><th>{corner}</th>{head}</tr>"]
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
    """LaTeX: the output-size formula for the rows (H_out from H_in) and the columns (W_out
    from W_in), numbers filled in. Math only: the same in every language.

    rows, cols : ``geometry.AxisArithmetic``.
    """
    return [_axis_equation(rows, r"H_{out}", r"H_{in}"),
            _axis_equation(cols, r"W_{out}", r"W_{in}")]


def leftover_note(rows, cols, lang="en"):
    """HTML: the window span, and the input rows / columns no window reaches (if any).

    >>> from cnnviz.derivation.geometry import axis_arithmetic
    >>> a = axis_arithmetic(6, 3, stride=2)
    >>> "The last 1 row of the padded input is never read" in leftover_note(a, a)
    True
    >>> "填充后输入的最后 1 行从来没有被读到" in leftover_note(a, a, "zh")
    True
    """
    lines = []
    for a, what in ((rows, "row"), (cols, "column")):
        axis = say("general.rows" if what == "row" else "general.columns", lang)
        if not a.fits:
            lines.append(say("general.no_fit", lang, axis=axis, span=a.span, padded=a.padded))
            continue
        text = say("general.moves", lang, axis=axis, span=a.span, stride=a.stride,
                   times=_count("general.times", a.quotient, lang),
                   positions=_count("general.positions", a.out, lang))
        if a.leftover:
            text += _count(f"general.unread_{what}", a.leftover, lang, numerator=a.numerator,
                           stride=a.stride, leftover=a.leftover)
        lines.append(text)
    return '<div class="cnnviz-view"><div class="cv-facts">' + "<br>".join(lines) + "</div></div>"


def window_overview(layout, styled=True, lang="en"):
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
    never = html.escape(say("general.never_read", lang))
    notes = {cell: never for cell in unread}
    notes.update({cell: f"#{k}" for cell, k in layout.anchors.items()})
    (h, w), (hp, wp), (ho, wo) = layout.size, layout.padded_shape, layout.out_shape
    padded = (say("general.padded_to", lang, h=hp, w=wp) if any(layout.padding)
              else say("general.no_padding", lang))
    inputs = panel(
        say("general.coverage_title", lang, h=h, w=w, padded=padded),
        grid(layout.coverage, "x", offset=layout.padding, inner=layout.size, classes=classes,
             notes=notes),
        say("general.coverage_caption", lang))
    numbers = np.arange(1, ho * wo + 1, dtype=float).reshape(ho, wo)
    output = panel(say("general.output_title", lang, h=ho, w=wo), grid(numbers, "y"),
                   say("general.output_caption", lang))
    return view_row(inputs, output, compact=True, styled=styled)


def window_step(layout, k, lang="en"):
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
    return _frame(_panel(say("general.window_to", lang, k=k, y=_label("y", window.i, window.j)),
                         cut))


# ---------------------------------------------------------------------------------------
# Several channels, a batch
# ---------------------------------------------------------------------------------------
def shapes_line(x_shape, w_shape, b_shape, y_shape, lang="en"):
    """X (N, C, H_in, W_in) ⋆ W (F, C, K_H, K_W) + b (F,) → Y (N, F, H_out, W_out), and the
    count of products per y.

    >>> "C·K<sub>H</sub>·K<sub>W</sub> = 3·2·2 = 12 products" in shapes_line(
    ...     (2, 3, 4, 4), (2, 3, 2, 2), (2,), (2, 2, 3, 3))
    True
    """
    _, c, kh, kw = w_shape
    fmt = lambda s: "(" + ", ".join(str(v) for v in s) + ")"
    shapes = f"X {fmt(x_shape)} ⋆ W {fmt(w_shape)} + b {fmt(b_shape)} → <b>Y {fmt(y_shape)}</b>"
    return ('<div class="cnnviz-view"><div class="cv-facts">'
            + say("general.shapes", lang, shapes=shapes, c=c, kh=kh, kw=kw, products=c * kh * kw)
            + "</div></div>")


def _sum_of_maps(f, channels):
    """Y^(f,1) + Y^(f,2) + … + Y^(f,C) as HTML (all of them up to 3 channels)."""
    terms = [_map_label(f, c, capital=True) for c in range(channels)]
    if channels > 3:
        terms = [terms[0], "…", terms[-1]]
    return " + ".join(terms)


def channel_overview(x_n, w_f, maps, bias, y, n, f, padding=(0, 0), named=True, styled=True,
                     scale=None, lang="en"):
    """What every step shares: for each input channel c, X[n, c] (zero-padded) ⋆ W[f, c] =
    Y^(f,c), and Y[n, f] = Y^(f,1) + … + Y^(f,C) + b_f. n, f, c are 0-based, printed 1-based.

    x_n (C, H_in, W_in), w_f (C, K_H, K_W), maps (C, H_out, W_out), bias b_f, y (H_out, W_out)
    the op's output. ``named=False``: only the cells of Y are named (the others' numbers are
    shown all the same). ``scale``: the colour scale of every grid (None: no fill), as in the
    views below. The cells of the map Y^(f,c) are named ``map_symbol(f, c)`` + ij.

    >>> maps = np.array([[[1.0]], [[2.0]]])
    >>> tables = views.shown_tables(channel_overview(np.ones((2, 1, 1)), np.ones((2, 1, 1)),
    ...                                              maps, 0.5, np.array([[3.5]]), 0, 1))
    >>> tables[2], tables[5], tables[6]
    ({'y^(2,1)11': '1'}, {'y^(2,2)11': '2'}, {'y11': '3.5'})
    """
    x_n = np.asarray(x_n, dtype=float)
    xp = np.pad(x_n, ((0, 0), (padding[0],) * 2, (padding[1],) * 2))
    columns = []
    for c, (x_c, w_fc, y_fc) in enumerate(zip(xp, w_f, maps)):
        x_title = say("general.channel_title", lang, c=c + 1, x=f"X[n={n + 1}, c={c + 1}]")
        columns.append(
            '<div class="cv-panel"><div class="cv-stack">'
            + panel(x_title, grid(x_c, "x", offset=padding, inner=x_n.shape[1:], named=named,
                                  scale=scale))
            + _op("⋆") + panel(f"W[f={f + 1}, c={c + 1}]",
                               grid(w_fc, "w", named=named, scale=scale))
            + _op("=") + panel(_map_label(f, c, capital=True),
                               grid(y_fc, map_symbol(f, c), named=named, scale=scale,
                                    corner=_map_label(f, c)))
            + "</div></div>")
    total = panel(f"Y[n={n + 1}, f={f + 1}] = {_sum_of_maps(f, len(maps))} + b{_sub(f + 1)}",
                  grid(y, "y", scale=scale), f"b{_sub(f + 1)} = {html.escape(number_text(bias))}")
    return view_row(*columns, total, compact=True, styled=styled)


def channel_step(x_padded, maps, bias, y, f, step, padding=(0, 0), windows=True, scale=None,
                 lang="en", indexed=True):
    """A step's frame for output position (i, j): (``windows``) the window cut out of every
    channel X[n, c], then y_ij = y^(f,1)_ij + … + y^(f,C)_ij + b_f, line by line, and where
    the window is in words. ``indexed=False`` leaves the _ij off the maps' entries (the
    leanest frame, for the most positions: y_ij on the last line still says which).

    x_padded : (C, H_in + 2p, W_in + 2p), X[n] zero-padded by ``padding``;
    step : a ``ConvForwardStep`` (rows / cols in x's coordinates, the same in every channel).
    """
    i, j = step.i, step.j
    ij = views.cell_name("", i, j) if indexed else ""
    lines = [f"<tr><td>{'+ ' if c else ''}{_map_label(f, c, ij)}</td><td>{_shown(y_fc[i, j])}"
             "</td></tr>" for c, y_fc in enumerate(maps)]
    shown = _shown(y[i, j])
    lines.append(f"<tr><td>+ b{_sub(f + 1)}</td><td>{_shown(bias)}</td></tr>"
                 f"<tr><td><b>= {_label('y', i, j)}</b></td>"
                 f'<td data-cell="{views.cell_name("y", i, j)}"><b>{shown}</b>'
                 "</td></tr>")
    where = say("general.window_where", lang, rows=_span(np.add(step.rows, 1), lang),
                cols=_span(np.add(step.cols, 1), lang))
    parts = []
    if windows:
        shape = (x_padded.shape[1] - 2 * padding[0], x_padded.shape[2] - 2 * padding[1])
        rows = [int(r) + padding[0] for r in step.rows]
        cols = [int(c) + padding[1] for c in step.cols]
        parts = [_panel(f"c={c + 1}", grid(_cut(xc, rows, cols), "x", offset=padding, inner=shape,
                                           rows=rows, cols=cols, scale=scale))
                 for c, xc in enumerate(x_padded)]
        parts.append(_ARROW)
    total = f"{where}<table class=\"cv-sum\">{''.join(lines)}</table>"
    if not windows:
        return f"<div class='cnnviz-view cv-compact'>{total}</div>"
    return _frame(*parts, f"<div class='cv-panel'>{total}</div>")


def batch_panel(all_y, n, f, named=True, styled=True, scale=None, lang="en"):
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
        blocks.append(panel(say("general.image_title", lang, n=nn + 1),
                            f'<div class="cv-row">{"".join(cells)}</div>'))
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


def strided_dx_overview(dy, last, x_shape, padding, styled=True, scale=None, lang="en"):
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
            classes[cell], notes[cell] = "cv-unread", say("general.never_read", lang)
        else:
            notes[cell] = _count("general.windows", int(total), lang)
    return view_row(
        panel(say("view.dy_given", lang), grid(dy, "∂L/∂y", scale=scale),
              say("general.dy_caption", lang)),
        panel(say("general.dx_all_title", lang),
              grid(last.dX, "x", offset=padding, inner=x_shape, classes=classes,
                   marks=_border_marks(x_shape, padding), notes=notes, scale=scale),
              say("general.dx_all_caption", lang)),
        compact=True, styled=styled)


def strided_dx_step(step, x_shape, padding, added=True, scale=None, lang="en"):
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
        parts += [_op("·"), _panel(say("general.w_adds", lang),
                                   grid(_cut(step.dx_add, rows, cols), "x", **where))]
        so_far = _cut(step.coverage, rows, cols).tolist()
        total = _cut(step.coverage_total, rows, cols).tolist()
        notes = {(m, n): say("conv.of", lang, done=so_far[m][n], total=total[m][n])
                 for m, row in enumerate(_inside(rows, padding[0], x_shape[0])) if row
                 for n, col in enumerate(_inside(cols, padding[1], x_shape[1])) if col}
    parts += [_ARROW, _panel(say("general.running_dx", lang),
                             grid(_cut(step.dX, rows, cols), "x", notes=notes, **where))]
    return _frame(*parts)


def strided_dw_overview(x, padding, last, styled=True, scale=None, lang="en"):
    """What every step of ∂L/∂W shares: X zero-padded (the windows' numbers), and ∂L/∂W once
    every step has added ∂L/∂y_ij · window."""
    x = np.asarray(x, dtype=float)
    xp = np.pad(x, ((padding[0],) * 2, (padding[1],) * 2))
    return view_row(
        panel(say("general.x_padded", lang),
              grid(xp, "x", offset=padding, inner=x.shape, scale=scale),
              say("general.x_padded_caption", lang)),
        panel(say("general.dw_all_title", lang), grid(last.dW, "∂L/∂w", scale=scale)),
        compact=True, styled=styled)


def strided_dw_step(step, x_shape, padding, added=True, scale=None, lang="en"):
    """A step's frame of ∂L/∂W: ∂L/∂y_ij · the window of X (cut out of the padded grid) =
    what it adds (if ``added``), and the running ∂L/∂W (every entry changes).

    step : a ``ConvBackwardStep`` of ``geometry.padded_backward_steps`` (padded coordinates).
    """
    window = grid(step.window, "x", offset=padding, inner=x_shape, rows=step.rows,
                  cols=step.cols, scale=scale)
    parts = [_dy_line(step), _op("·"), _panel(say("general.window", lang), window)]
    if added:
        parts += [_op("="), _panel(say("general.adds", lang),
                                   grid(step.dw_add, "∂L/∂w", scale=scale))]
    parts += [_ARROW, _panel(say("general.running_dw", lang),
                             grid(step.dW, "∂L/∂w", scale=scale))]
    return _frame(*parts)


def full_convolution_panels(two, kernel_shape, stride, padding, styled=True, scale=None,
                            lang="en"):
    """∂L/∂Y with zeros inserted and a border ⋆ rot180(W) = the padded grid's gradient, then
    the border cropped: ∂L/∂X, with the verdict against the backward pass.

    two : ``geometry.InputGradTwoWays``; kernel_shape (K_H, K_W); stride, padding pairs. The
    rotated kernel's cells are named rot11 ..., its corner says rot180.
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
    rot_notes = {(m, n): say("matrixform.was", lang, w=_label("w", kh - 1 - m, kw - 1 - n))
                 for m in range(kh) for n in range(kw)}
    rotated = grid(two.rotated, "rot", notes=rot_notes, scale=scale, corner="rot180")
    full = grid(two.full, "x", offset=padding, inner=two.dx_full.shape,
                marks=_border_marks(two.dx_full.shape, padding), scale=scale)
    dx = grid(two.dx_full, "∂L/∂x", scale=scale)
    if (sr, sc) == (1, 1):
        inserted = say("general.no_zeros", lang)
    elif sr == sc:
        inserted = _count("general.zeros", sr - 1, lang)
    else:
        inserted = say("general.zeros_rows_cols", lang, rows=sr - 1, cols=sc - 1)
    ok = bool(two.agree)
    verdict = (f'<div class="cv-verdict{"" if ok else " cv-bad"}">'
               f'{say("general.agree" if ok else "general.differ", lang, ok=ok)}</div>')
    return view_row(
        panel(say("general.spread_title", lang, inserted=inserted, border=kh - 1), spread,
              say("general.spread_caption", lang)),
        _op("⋆"),
        panel(say("matrixform.rotated", lang), rotated),
        _op("="),
        panel(say("general.full_title", lang), full, say("general.full_caption", lang)),
        _op("→"),
        panel(say("general.crop_title", lang), dx + verdict),
        compact=True, styled=styled,
    )
