"""Views: state -> HTML strings. No widgets, no callbacks, no math beyond formatting.

Every explorer shows its numbers through these functions, so a test (or a static notebook
viewer) sees exactly what a student sees. Each matrix cell carries ``data-cell`` (its name in
the seed's notation, e.g. ``x22``) and ``data-value`` (the number shown), so tests can read
the view back.

Readable when projected: large bold numbers, dark text on light backgrounds, and every
highlight has a second cue besides colour (a thick solid or dashed outline and a text marker).
"""
import functools
import html
from pathlib import Path

import numpy as np

from ..layers import _args
from ..derivation import formulas

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
                 labels=True, row_offset=0, col_offset=0):
    """An HTML table of a 2-D array, one cell per entry.

    values  : 2-D array; NaN entries are shown as '?' (not computed yet)
    symbol  : seed notation of the entries ('x', 'w', 'y', '∂L/∂x', ...)
    classes : dict (r, c) -> css class ('cv-win', 'cv-cur', 'cv-max', 'cv-pad', 'cv-new')
    marks   : dict (r, c) -> short text marker shown top right (a cue besides colour)
    notes   : dict (r, c) -> small text under the number (e.g. '×w₁₁', 'covered 2×')
    row_offset, col_offset : -padding for a zero-padded input: the first and last ``padding``
        rows (cols) are the padding, named pad(r,c); the rest are x11 ... as in the input.
        A positive offset shifts the names (a window of x shown on its own).
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
            parts = [label] if labels else []
            if (r, c) in marks:
                parts.append(f'<span class="cv-mark">{html.escape(marks[(r, c)])}</span>')
            parts.append(f'<div class="cv-num">{shown}</div>')
            if (r, c) in notes:
                parts.append(f'<div class="cv-note">{notes[(r, c)]}</div>')
            cells.append(f'<td class="{css.strip()}" data-cell="{name}" '
                         f'data-value="{shown}">{"".join(parts)}</td>')
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
    """{data-cell: data-value} of every matrix cell in a view, in document order.

    Several tables may share names (x22 in two panels); ``shown_tables`` keeps them apart.
    """
    return {name: value for table in shown_tables(view_html) for name, value in table.items()}


def shown_tables(view_html):
    """A list with one {data-cell: data-value} dict per matrix table, in document order."""
    import re
    tables = []
    for table in re.findall(r'<table class="cv-(?:m|sum)">(.*?)</table>', view_html, flags=re.S):
        cells = re.findall(r'data-cell="([^"]*)" data-value="([^"]*)"', table)
        tables.append({html.unescape(n): html.unescape(v) for n, v in cells})
    return tables


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


def conv_input_panel(step, x, padding=(0, 0), title="X (input)", weights=True):
    """X (zero-padded if padding), the step's window outlined; each window cell notes ×w_mn."""
    xp = _args.zero_padded(x, padding)
    classes = _pad_classes(np.shape(x), padding)
    notes, marks = {}, {}
    for cell, (m, n) in _window_cells(step, padding).items():
        classes[cell] = "cv-win"
        marks[cell] = "▣"
        if weights:
            notes[cell] = "×" + _name_html("w", m, n)
    table = matrix_table(xp, "x", classes=classes, marks=marks, notes=notes,
                         row_offset=-padding[0], col_offset=-padding[1])
    caption = "▣ = inside the current window"
    if any(padding):
        caption += "; dotted grey cells are the zero padding"
    return panel(title, table, caption)


def conv_forward_arithmetic(step, w, bias_symbol):
    """The KH*KW products w_mn·x_rc, their sum, + bias, = y_ij, one per line."""
    w = np.asarray(w, dtype=float)
    lines = []
    for (m, n), product in np.ndenumerate(step.products):
        r, c = int(step.rows[m]), int(step.cols[n])
        x_name = "0<small>(pad)</small>" if step.in_padding[m, n] else _name_html("x", r, c)
        lines.append(
            f"<tr><td>{_name_html('w', m, n)}·{x_name}</td><td>=</td>"
            f"<td>{_paren(w[m, n])}·{_paren(step.window[m, n])}</td><td>=</td>"
            f"<td><b>{format_number(product)}</b></td></tr>"
        )
    y_name = _name_html("y", step.i, step.j)
    lines.append(f"<tr><td>sum</td><td></td><td></td><td>=</td>"
                 f"<td><b>{format_number(step.weighted_sum)}</b></td></tr>")
    lines.append(f"<tr><td>+ {bias_symbol}</td><td></td><td></td><td>=</td>"
                 f"<td><b>{format_number(step.bias)}</b></td></tr>")
    lines.append(f"<tr style='border-top:2px solid #111'><td><b>{y_name}</b></td><td></td><td></td>"
                 f'<td>=</td><td data-cell="{cell_name("y", step.i, step.j)}" '
                 f'data-value="{format_number(step.y)}"><b style="font-size:1.3em">'
                 f'{format_number(step.y)}</b></td></tr>')
    return panel(f"Step {step.k}: computing {y_name}",
                 f'<table class="cv-sum">{"".join(lines)}</table>')


def conv_output_panel(step, title="Y (output)"):
    """Y so far: computed cells, '?' for later ones, the current y_ij outlined (dashed)."""
    at = (step.i, step.j)
    table = matrix_table(step.Y, "y", classes={at: "cv-cur"}, marks={at: "◀"})
    return panel(title, table, "? = not computed yet; ◀ dashed = this step")


def _paren(v):
    s = format_number(v)
    return f"({s})" if s.startswith("-") else s


def _inside_window(step, shape):
    """(r, c) -> (m, n) for the window taps that fall inside x (not in the padding)."""
    h, w = shape
    return {(int(r), int(c)): (m, n) for m, r in enumerate(step.rows) for n, c in enumerate(step.cols)
            if 0 <= r < h and 0 <= c < w}


def gradient_panel(dy, current, title="∂L/∂Y (given)"):
    """∂L/∂Y with the output that sends its gradient back at this step outlined."""
    table = matrix_table(dy, "∂L/∂y", classes={current: "cv-cur"}, marks={current: "◀"})
    return panel(title, table, "◀ dashed = the output whose gradient flows back now")


def conv_dx_panels(step, dy, x_shape):
    """Scatter view of ∂L/∂X at one step: ∂L/∂Y, what this step adds, the running total."""
    window = _inside_window(step, x_shape)
    dy_name = _grad_html("y", step.i, step.j)
    add_notes = {cell: "·" + _name_html("w", m, n) for cell, (m, n) in window.items()}
    added = matrix_table(step.dx_add, "∂L/∂x", classes={c: "cv-win" for c in window},
                         marks={c: "▣" for c in window}, notes=add_notes)
    run_notes = {(r, c): f"{int(step.coverage[r, c])} of {int(step.coverage_total[r, c])}"
                 for r in range(x_shape[0]) for c in range(x_shape[1])}
    running = matrix_table(step.dX, "∂L/∂x", classes={c: "cv-new" for c in window},
                           marks={c: "+" for c in window}, notes=run_notes)
    return row(
        gradient_panel(dy, (step.i, step.j)),
        panel(f"Step {step.k} adds {dy_name} · W = {_paren(step.grad)} · W",
              added, "▣ = the window of " + _name_html("y", step.i, step.j)),
        panel("Running ∂L/∂X", running,
              "+ = changed at this step; under each number: windows added so far of all that cover the cell"),
    )


def conv_dw_panels(step, x, padding=(0, 0)):
    """∂L/∂W at one step: the window of X, ∂L/∂y_ij · window, the running ∂L/∂W."""
    dy_name = _grad_html("y", step.i, step.j)
    return row(
        conv_input_panel(step, x, padding, weights=False),
        panel(f"Step {step.k} adds {dy_name} · window = {_paren(step.grad)} · window",
              matrix_table(step.dw_add, "∂L/∂w")),
        panel("Running ∂L/∂W", matrix_table(step.dW, "∂L/∂w", marks={
            (m, n): "+" for m in range(step.dW.shape[0]) for n in range(step.dW.shape[1])})),
    )


def conv_db_panel(step, shared):
    """Running ∂L/∂b: one number (shared bias) or one per output position."""
    if shared:
        body = matrix_table(np.array([[step.db]]), "∂L/∂b", labels=False)
        return panel("Running ∂L/∂b (shared bias)", body,
                     "= the sum of every ∂L/∂y<sub>ij</sub> seen so far")
    at = (step.i, step.j)
    body = matrix_table(step.db, "∂L/∂b", classes={at: "cv-new"}, marks={at: "+"})
    return panel("Running ∂L/∂b (one bias per position)", body,
                 "∂L/∂b<sub>ij</sub> = ∂L/∂y<sub>ij</sub>")


def matrix_form_panels(padded_dy, rotated_w, dx, kernel_shape, stride=1):
    """Side by side: zero-padded ∂L/∂Y  ⋆  rot180(W)  =  ∂L/∂X (the full convolution)."""
    kh, kw = kernel_shape
    pad_cells = {(r, c): "cv-pad" for r in range(padded_dy.shape[0]) for c in range(padded_dy.shape[1])
                 if not (kh - 1 <= r < padded_dy.shape[0] - kh + 1 and kw - 1 <= c < padded_dy.shape[1] - kw + 1)}
    what = "∂L/∂Y, zeros inserted (stride) and" if stride not in (1, (1, 1)) else "∂L/∂Y"
    rot = np.asarray(rotated_w)
    rot_notes = {(m, n): "was " + _name_html("w", kh - 1 - m, kw - 1 - n)
                 for m in range(rot.shape[0]) for n in range(rot.shape[1])}
    op = '<div class="cv-panel" style="font-size:2.2em;font-weight:700;padding-top:1.4em">{}</div>'
    return row(
        panel(f"{what} padded with {kh - 1}/{kw - 1} zeros",
              matrix_table(padded_dy, "d", classes=pad_cells, labels=False),
              "dotted grey = zeros added around ∂L/∂Y"),
        op.format("⋆"),
        panel("W rotated by 180°", matrix_table(rot, "rot", notes=rot_notes, labels=False)),
        op.format("="),
        panel("∂L/∂X", matrix_table(dx, "∂L/∂x")),
    )


def gradient_check_panels(report, threshold=1e-7):
    """Analytic against finite-difference gradients for each argument, with a verdict.

    report : {"x": (analytic, numerical, relative_error), ...} (gradcheck.conv_layer_check)
    """
    blocks = []
    for name, (analytic, numeric, error) in report.items():
        ok = error < threshold
        verdict = (f"relative error {'<' if ok else '≥'} {threshold:.0e} "
                   f"{'✔ agree' if ok else '✘ DISAGREE'}")
        grid = lambda a: matrix_table(np.atleast_2d(a), f"∂L/∂{name}", labels=np.ndim(a) > 0)
        blocks.append(panel(
            f"∂L/∂{name.upper() if name != 'b' else 'b'}",
            f'<div class="cv-row">{panel("backward pass", grid(analytic))}'
            f'{panel("finite differences", grid(numeric))}</div>',
            f"<b>{verdict}</b>"))
    return row(*blocks)
