"""Views: state -> HTML strings. No widgets, no callbacks, no math beyond formatting.

Every explorer shows its numbers through these functions, so a test (or a static notebook
viewer) sees exactly what a student sees. Each matrix cell carries ``data-cell`` (its name in
the derivation's notation, e.g. ``x22``), so tests can read back the number it shows
(``shown_tables``).

Readable when projected: large bold numbers, dark text on light backgrounds, and every
highlight has a second cue besides colour (a thick solid or dashed outline and a text marker).
Given an explorer's ``scale`` (``cnnviz.render.colour``), a table fills each number's cell by
its sign and size: blue below zero, white at zero, orange above, on one scale for the
explorer; a highlighted cell keeps its outline and mark over its value's colour.

A view's words come from the catalog (``cnnviz.words``) in its ``lang`` argument ("en" by
default): the explorer that calls it hands over its language, and the view stays a function
of its arguments.
"""
import functools
import html
import re
from pathlib import Path

import numpy as np

from ..layers import _args
from ..derivation import formulas
from ..words import say
from . import colour

__all__ = [
    "STYLE",
    "format_number",
    "subscript",
    "cell_name",
    "matrix_table",
    "panel",
    "row",
    "message_html",
]

# The one stylesheet of the views (style.css), inlined into a view's HTML so that it stands alone
# (tests, static viewers). A stage carries it once and shows views without it.
CSS = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")
STYLE = f"<style>{CSS}</style>"

_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def format_number(value):
    """A number for an HTML view: as ``formulas.format_number`` but rounded to 6 decimals
    first (finite-difference noise such as 1e-11 shows as 0) and with plain-text powers of
    ten (1.5×10⁻⁵), never LaTeX.

    >>> [format_number(v) for v in (3.0, -1e-11, 2.5, 0.0000152)]
    ['3', '0', '2.5', '1.5×10⁻⁵']
    """
    value = float(value)
    if np.isfinite(value):
        value = round(value, 6) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = formulas.format_number(value)
    if "\\times" in text:
        mantissa, power = text.split(" \\times 10^{")
        text = f"{mantissa}×10{power.rstrip('}').translate(_SUPERSCRIPT)}"
    return text


def subscript(text):
    """'x' + subscript('12') -> 'x₁₂' (unicode, for slider labels)."""
    return str(text).translate(_SUBSCRIPT_DIGITS)


def cell_name(symbol, r, c):
    """Seed notation for 0-based (r, c): cell_name('x', 0, 1) -> 'x12' ('x1,10' past 9)."""
    r, c = r + 1, c + 1
    sep = "," if max(r, c) > 9 else ""
    return f"{symbol}{r}{sep}{c}"


def _cell_label_html(symbol, r, c):
    name = cell_name(symbol, r, c)
    return f"{html.escape(symbol)}<sub>{html.escape(name[len(symbol):])}</sub>"


# The helpers below run for every cell of every table on every slider move; views are
# rebuilt whole, so they are cached (a few thousand distinct entries at most).
@functools.lru_cache(maxsize=4096)
def _escaped_number(value):
    return html.escape(format_number(value))


def _shown_number(value):
    """The escaped text of a matrix entry ('?' for NaN: not computed yet)."""
    return "?" if value != value else _escaped_number(value)


@functools.lru_cache(maxsize=4096)
def _cell_names(symbol, r, c, named):
    """(data-cell name escaped, label HTML or '') of the cell (r, c) of a table of ``symbol``."""
    if not named:
        return html.escape(f"pad({r + 1},{c + 1})"), ""
    # the corner label in unicode subscripts (x₁₂), as on the sliders: no <sub> element for
    # each of the hundreds of cells a view redraws
    name = cell_name(symbol, r, c)
    label = html.escape(symbol + subscript(name[len(symbol):]))
    return html.escape(name), f'<span class="cv-lab">{label}</span>'


def matrix_table(values, symbol, *, classes=None, marks=None, notes=None,
                 labels=True, row_offset=0, col_offset=0, scale=None):
    """An HTML table of a 2-D array, one cell per entry.

    values  : 2-D array; NaN entries are shown as '?' (not computed yet)
    symbol  : the derivation's notation of the entries ('x', 'w', 'y', '∂L/∂x', ...)
    classes : dict (r, c) -> css class ('cv-win', 'cv-cur', 'cv-max', 'cv-pad', 'cv-new')
    marks   : dict (r, c) -> short text marker shown top right (a cue besides colour)
    notes   : dict (r, c) -> small text under the number (e.g. '×w₁₁', 'covered 2×')
    row_offset, col_offset : -padding for a zero-padded input: the first and last ``padding``
        rows (cols) are the padding, named pad(r,c); the rest are x11 ... as in the input.
        A positive offset shifts the names (a window of x shown on its own).
    scale   : the explorer's colour scale (``colour.scale_for``): every number cell is filled
        by its sign and size (``colour.with_fill``; NaN cells not); None: no fill.

    >>> table = matrix_table([[-1, 0]], "w", scale=2.0, classes={(0, 1): "cv-win"})
    >>> re.findall(r'<td class="([^"]*)" data-cell="(w1\\d)"', table)
    [('cv-n4', 'w11'), ('cv-win cv-z', 'w12')]
    """
    values = np.asarray(values, dtype=float)
    classes, marks, notes = classes or {}, marks or {}, notes or {}
    # rows/cols past the input on the far side are padding too (only for negative offsets;
    # a positive offset just shifts the names, e.g. a window shown on its own)
    inner = (values.shape[0] + 2 * row_offset if row_offset < 0 else np.inf,
             values.shape[1] + 2 * col_offset if col_offset < 0 else np.inf)
    rows = []
    for r, row_values in enumerate(values.tolist()):
        cells = []
        for c, v in enumerate(row_values):
            shown = _shown_number(v)
            rr, cc = r + row_offset, c + col_offset
            name, label = _cell_names(symbol, rr, cc, 0 <= rr < inner[0] and 0 <= cc < inner[1])
            css = classes.get((r, c), "")
            if v != v:  # NaN: not computed yet
                css += " cv-pending"
            elif scale is not None:
                css = colour.with_fill(css, v, scale)
            parts = [label] if labels else []
            if (r, c) in marks:
                parts.append(f'<span class="cv-mark">{html.escape(marks[(r, c)])}</span>')
            parts.append(f'<div class="cv-num">{shown}</div>')
            if (r, c) in notes:
                parts.append(f'<div class="cv-note">{notes[(r, c)]}</div>')
            css = f' class="{css.strip()}"' if css.strip() else ""
            cells.append(f'<td{css} data-cell="{name}">{"".join(parts)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="cv-m">{"".join(rows)}</table>'


def panel(title, body, caption=""):
    """A titled block: title, body HTML, optional caption under it."""
    cap = f'<div class="cv-caption">{caption}</div>' if caption else ""
    return f'<div class="cv-panel"><div class="cv-title">{title}</div>{body}{cap}</div>'


def row(*panels):
    """Panels side by side (wrapping on narrow screens), wrapped in the styled root."""
    return f'{STYLE}<div class="cnnviz-view"><div class="cv-row">{"".join(panels)}</div></div>'


def message_html(text):
    """A visible, styled message (bad settings); empty string for no message."""
    if not text:
        return ""
    return f'{STYLE}<div class="cnnviz-view"><div class="cv-msg">⚠ {html.escape(text)}</div></div>'


# ---------------------------------------------------------------------------------------
# Reading a view back (tests, browser tests)
# ---------------------------------------------------------------------------------------


def shown_cells(view_html):
    """{cell name: number shown} of every matrix cell in a view, in document order.

    Several tables may share names (x22 in two panels); ``shown_tables`` keeps them apart.
    """
    return {name: value for table in shown_tables(view_html) for name, value in table.items()}


_TABLE = re.compile(r'<table class="cv-(?:m|sum)">(.*?)</table>', flags=re.S)
_CELL = re.compile(r'<td[^>]*? data-cell="([^"]*)"[^>]*>(.*?)</td>', flags=re.S)
_NOT_THE_NUMBER = re.compile(r'<(span|div) class=["\']cv-(?:lab|mark|note)["\']>.*?</\1>', flags=re.S)


def shown_number(cell_html):
    """The number a cell shows: its text without the cell's label, mark and note."""
    return html.unescape(re.sub(r"<[^>]*>", "", _NOT_THE_NUMBER.sub("", cell_html))).strip()


def shown_tables(view_html):
    """A list with one {cell name: number shown} dict per matrix table, in document order
    (every number cell carries its name in ``data-cell``)."""
    return [{html.unescape(name): shown_number(cell) for name, cell in _CELL.findall(table)}
            for table in _TABLE.findall(view_html)]


_CELL_CLASS = re.compile(r'<td(?: class=["\']([^"\']*)["\'])? data-cell="([^"]*)"')
_FILL = re.compile(r"^cv-(?:[np][1-9]|z)$")


def shown_fills(view_html):
    """A list with one {cell name: fill class} dict per matrix table, in the order of
    ``shown_tables``: the cell's colour class ('cv-n3', 'cv-z', 'cv-p7', ...; see
    ``cnnviz.render.colour``), '' for a cell with none (white)."""
    out = []
    for table in _TABLE.findall(view_html):
        fills = {}
        for classes, name in _CELL_CLASS.findall(table):
            found = [c for c in classes.split() if _FILL.match(c)]
            fills[html.unescape(name)] = found[0] if found else ""
        out.append(fills)
    return out


# ---------------------------------------------------------------------------------------
# Convolution views
# ---------------------------------------------------------------------------------------


def _pad_classes(shape, padding):
    pr, pc = padding
    h, w = shape
    return {(r, c): "cv-pad" for r in range(h + 2 * pr) for c in range(w + 2 * pc)
            if not (pr <= r < pr + h and pc <= c < pc + w)}


def _window_cells(step, padding):
    """(r, c) in the padded picture of every tap of the step's window, with its tap (m, n)."""
    pr, pc = padding
    return {(int(r) + pr, int(c) + pc): (m, n)
            for m, r in enumerate(step.rows) for n, c in enumerate(step.cols)}


def _name_html(symbol, r, c):
    return _cell_label_html(symbol, r, c)


def _grad_html(symbol, r, c):
    return f"∂L/∂{_cell_label_html(symbol, r, c)}"


def conv_input_panel(step, x, padding=(0, 0), title=None, weights=True, scale=None, lang="en"):
    """X (zero-padded if padding), the step's window outlined; each window cell notes ×w_mn.
    ``scale``: the explorer's colour scale (None: no fill), as in every view below; ``lang``:
    the language of the words (title None: "X (input)" in it)."""
    title = say("view.x_input", lang) if title is None else title
    xp = _args.zero_padded(x, padding)
    classes = _pad_classes(np.shape(x), padding)
    notes, marks = {}, {}
    for cell, (m, n) in _window_cells(step, padding).items():
        classes[cell] = "cv-win"
        marks[cell] = "▣"
        if weights:
            notes[cell] = "×" + _name_html("w", m, n)
    table = matrix_table(xp, "x", classes=classes, marks=marks, notes=notes,
                         row_offset=-padding[0], col_offset=-padding[1], scale=scale)
    caption = say("conv.in_window", lang)
    if any(padding):
        caption += say("conv.padding_note", lang)
    return panel(title, table, caption)


def conv_forward_arithmetic(step, w, bias_symbol, lang="en"):
    """The KH*KW products w_mn·x_rc, their sum, + bias, = y_ij, one per line."""
    w = np.asarray(w, dtype=float)
    lines = []
    for (m, n), product in np.ndenumerate(step.products):
        r, c = int(step.rows[m]), int(step.cols[n])
        x_name = (f"0<small>{say('conv.pad', lang)}</small>" if step.in_padding[m, n]
                  else _name_html("x", r, c))
        lines.append(
            f"<tr><td>{_name_html('w', m, n)}·{x_name}</td><td>=</td>"
            f"<td>{_paren(w[m, n])}·{_paren(step.window[m, n])}</td><td>=</td>"
            f"<td><b>{format_number(product)}</b></td></tr>"
        )
    y_name = _name_html("y", step.i, step.j)
    lines.append(f"<tr><td>{say('conv.sum', lang)}</td><td></td><td></td><td>=</td>"
                 f"<td><b>{format_number(step.weighted_sum)}</b></td></tr>")
    lines.append(f"<tr><td>+ {bias_symbol}</td><td></td><td></td><td>=</td>"
                 f"<td><b>{format_number(step.bias)}</b></td></tr>")
    lines.append(f"<tr style='border-top:2px solid #111'><td><b>{y_name}</b></td><td></td><td></td>"
                 f'<td>=</td><td data-cell="{cell_name("y", step.i, step.j)}">'
                 f'<b style="font-size:1.3em">'
                 f'{format_number(step.y)}</b></td></tr>')
    return panel(say("conv.computing", lang, k=step.k, y=y_name),
                 f'<table class="cv-sum">{"".join(lines)}</table>')


def conv_output_panel(step, title=None, scale=None, lang="en"):
    """Y so far: computed cells, '?' for later ones, the current y_ij outlined (dashed)."""
    title = say("view.y_output", lang) if title is None else title
    at = (step.i, step.j)
    table = matrix_table(step.Y, "y", classes={at: "cv-cur"}, marks={at: "◀"}, scale=scale)
    return panel(title, table, say("conv.output_caption", lang))


def _paren(v):
    s = format_number(v)
    return f"({s})" if s.startswith("-") else s


def _inside_window(step, shape):
    """(r, c) -> (m, n) for the window taps that fall inside x (not in the padding)."""
    h, w = shape
    return {(int(r), int(c)): (m, n) for m, r in enumerate(step.rows) for n, c in enumerate(step.cols)
            if 0 <= r < h and 0 <= c < w}


def gradient_panel(dy, current, title=None, scale=None, lang="en"):
    """∂L/∂Y with the output that sends its gradient back at this step outlined."""
    title = say("view.dy_given", lang) if title is None else title
    table = matrix_table(dy, "∂L/∂y", classes={current: "cv-cur"}, marks={current: "◀"},
                         scale=scale)
    return panel(title, table, say("conv.flows_back_now", lang))


def conv_dx_panels(step, dy, x_shape, scale=None, lang="en"):
    """Scatter view of ∂L/∂X at one step: ∂L/∂Y, what this step adds, the running total."""
    window = _inside_window(step, x_shape)
    dy_name = _grad_html("y", step.i, step.j)
    add_notes = {cell: "·" + _name_html("w", m, n) for cell, (m, n) in window.items()}
    added = matrix_table(step.dx_add, "∂L/∂x", classes={c: "cv-win" for c in window},
                         marks={c: "▣" for c in window}, notes=add_notes, scale=scale)
    run_notes = {(r, c): say("conv.of", lang, done=int(step.coverage[r, c]),
                             total=int(step.coverage_total[r, c]))
                 for r in range(x_shape[0]) for c in range(x_shape[1])}
    running = matrix_table(step.dX, "∂L/∂x", classes={c: "cv-new" for c in window},
                           marks={c: "+" for c in window}, notes=run_notes, scale=scale)
    return row(
        gradient_panel(dy, (step.i, step.j), scale=scale, lang=lang),
        panel(say("conv.dx_adds", lang, k=step.k, dy=dy_name, grad=_paren(step.grad)),
              added, say("conv.window_of", lang, y=_name_html("y", step.i, step.j))),
        panel(say("conv.running_dx", lang), running, say("conv.dx_caption", lang)),
    )


def conv_dw_panels(step, x, padding=(0, 0), scale=None, lang="en"):
    """∂L/∂W at one step: the window of X, ∂L/∂y_ij · window, the running ∂L/∂W."""
    dy_name = _grad_html("y", step.i, step.j)
    return row(
        conv_input_panel(step, x, padding, weights=False, scale=scale, lang=lang),
        panel(say("conv.dw_adds", lang, k=step.k, dy=dy_name, grad=_paren(step.grad)),
              matrix_table(step.dw_add, "∂L/∂w", scale=scale)),
        panel(say("conv.running_dw", lang), matrix_table(step.dW, "∂L/∂w", marks={
            (m, n): "+" for m in range(step.dW.shape[0]) for n in range(step.dW.shape[1])},
            scale=scale)),
    )


def conv_db_panel(step, shared, scale=None, lang="en"):
    """Running ∂L/∂b: one number (shared bias) or one per output position."""
    if shared:
        body = matrix_table(np.array([[step.db]]), "∂L/∂b", labels=False, scale=scale)
        return panel(say("conv.running_db_shared", lang), body, say("conv.db_shared_caption", lang))
    at = (step.i, step.j)
    body = matrix_table(step.db, "∂L/∂b", classes={at: "cv-new"}, marks={at: "+"}, scale=scale)
    return panel(say("conv.running_db_position", lang), body,
                 "∂L/∂b<sub>ij</sub> = ∂L/∂y<sub>ij</sub>")


def matrix_form_panels(padded_dy, rotated_w, dx, kernel_shape, stride=1, scale=None, lang="en"):
    """Side by side: zero-padded ∂L/∂Y  ⋆  rot180(W)  =  ∂L/∂X (the full convolution)."""
    kh, kw = kernel_shape
    pad_cells = {(r, c): "cv-pad" for r in range(padded_dy.shape[0]) for c in range(padded_dy.shape[1])
                 if not (kh - 1 <= r < padded_dy.shape[0] - kh + 1 and kw - 1 <= c < padded_dy.shape[1] - kw + 1)}
    padded = "matrixform.padded_strided" if stride not in (1, (1, 1)) else "matrixform.padded"
    rot = np.asarray(rotated_w)
    rot_notes = {(m, n): say("matrixform.was", lang, w=_name_html("w", kh - 1 - m, kw - 1 - n))
                 for m in range(rot.shape[0]) for n in range(rot.shape[1])}
    op = '<div class="cv-panel" style="font-size:2.2em;font-weight:700;padding-top:1.4em">{}</div>'
    return row(
        panel(say(padded, lang, rows=kh - 1, cols=kw - 1),
              matrix_table(padded_dy, "d", classes=pad_cells, labels=False, scale=scale),
              say("matrixform.caption", lang)),
        op.format("⋆"),
        panel(say("matrixform.rotated", lang), matrix_table(rot, "rot", notes=rot_notes, labels=False,
                                                scale=scale)),
        op.format("="),
        panel("∂L/∂X", matrix_table(dx, "∂L/∂x", scale=scale)),
    )


def gradient_check_panels(report, threshold=1e-7, scale=None, lang="en"):
    """Analytic against finite-difference gradients for each argument, with a verdict.

    report : {"x": (analytic, numerical, relative_error), ...} (gradcheck.conv_layer_check)
    scale : the colour scale of the grids (None: no fill; a scale adds its legend)
    """
    blocks = []
    for name, (analytic, numeric, error) in report.items():
        ok = error < threshold
        verdict = say("gradcheck.agree" if ok else "gradcheck.disagree", lang,
                      threshold=f"{threshold:.0e}")
        grid = lambda a: matrix_table(np.atleast_2d(a), f"∂L/∂{name}", labels=np.ndim(a) > 0,
                                      scale=scale)
        blocks.append(panel(
            f"∂L/∂{name.upper() if name != 'b' else 'b'}",
            f'<div class="cv-row">{panel(say("gradcheck.backward", lang), grid(analytic))}'
            f'{panel(say("gradcheck.numeric", lang), grid(numeric))}</div>',
            f"<b>{verdict}</b>"))
    return row(*blocks) + (colour.legend_html(scale, lang) if scale is not None else "")
