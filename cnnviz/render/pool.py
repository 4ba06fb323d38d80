"""Max-pooling views: state -> HTML. No widgets, no callbacks, no math beyond formatting.

Built on the helpers of ``cnnviz.views`` (``matrix_table``, ``panel``, ``row``, ...): every
matrix cell carries ``data-cell`` / ``data-value`` so a test reads back what a student sees
(``views.shown_tables``). The numbers come from ``cnnviz.steps`` records (one per window X'_k)
and ``cnnviz.pitfalls`` comparisons; this module only arranges and marks them.

Every highlight has a cue besides colour: the window is outlined and marked ▣, its maximum
gets a double outline and the word "max", a tie the word "tie", a changed cell "+", a wrong
cell "✘", a skipped cell a dotted outline and the word "skipped".

>>> from cnnviz import steps
>>> from cnnviz.render import conv as views
>>> trace = steps.pool_forward_steps([[1, 3, 2], [4, 8, 1], [0, 5, 9]])
>>> html = pool_forward_panels(trace[3], [[1, 3, 2], [4, 8, 1], [0, 5, 9]])
>>> views.shown_tables(html)[2]       # Y after the last window
{'y11': '8', 'y12': '8', 'y21': '8', 'y22': '9'}
"""

import numpy as np

from ..derivation.formulas import format_number
from .conv import (
    STYLE,
    _shown_number,
    cell_name,
    conv_output_panel,
    gradient_panel,
    matrix_table,
    panel,
    row,
    subscript,
)

__all__ = [
    "window_name",
    "pool_input_panel",
    "pool_window_panel",
    "pool_forward_panels",
    "window_coverage",
    "windows_mode_text",
    "windows_map_svg",
    "windows_step_views",
    "windows_coverage_panels",
    "output_size_latex",
    "mask_panel",
    "local_grad_panel",
    "pool_step_panels",
    "pool_dx_panels",
    "winners_by_step",
    "meeting_panel",
    "meeting_panels",
    "ties_panels",
    "overwrite_sums_text",
    "overwrite_panels",
]


# ---------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------
def window_name(k):
    """X′₁ ... (unicode, for captions and notes)."""
    return f"X′{subscript(k)}"


def _name(symbol, r, c):
    """x₂₂ for 0-based (1, 1), in the seed's 1-based notation."""
    name = cell_name(symbol, r, c)
    return symbol + subscript(name[len(symbol):])


def _d(symbol, r, c):
    return f"∂L/∂{_name(symbol, r, c)}"


def _paren(value):
    text = format_number(value)
    return f"({text})" if text.startswith("-") else text




def _view(*parts):
    """Styled root around free-form parts (``views.row`` wraps panels only)."""
    return f'{STYLE}<div class="cnnviz-view">{"".join(parts)}</div>'


def _row(*panels):
    """Like ``views.row``, with room for gradient labels in ``_wide`` panels."""
    return _view(f'<div class="cv-row">{"".join(panels)}</div>')


def _wide(panel_html):
    return f'<div class="cv-wide">{panel_html}</div>'


def _line(text):
    return f'<div style="font-size:1.1em;margin:4px 0 8px 0">{text}</div>'


# ---------------------------------------------------------------------------------------
# Windows and their maxima
# ---------------------------------------------------------------------------------------
def _window_cells(step):
    """(r, c) in x of every cell of the step's window -> its (m, n) inside the window."""
    return {(int(r), int(c)): (m, n)
            for m, r in enumerate(step.rows) for n, c in enumerate(step.cols)}


def _chosen_cells(step):
    """Cells of x the step routes its gradient to (mask > 0), or the forward argmax."""
    if hasattr(step, "mask"):
        return {cell for cell, (m, n) in _window_cells(step).items() if step.mask[m, n] > 0}
    return {tuple(step.argmax)}


def _tied_cells(step, chosen):
    """Window cells equal to the maximum but not chosen (ties='first' keeps only one)."""
    top = step.window[[mn for cell, mn in _window_cells(step).items() if cell in chosen][0]]
    return {cell for cell, mn in _window_cells(step).items()
            if cell not in chosen and step.window[mn] == top}


def pool_input_panel(step, x, title="X (input)", notes=None, classes=None):
    """X with window X′k outlined (▣) and its maximum marked (double outline, "max").

    Other cells equal to the maximum are marked "tie". ``notes`` / ``classes`` (dicts by
    (r, c)) add per-cell notes and classes for cells outside the window.
    """
    chosen = _chosen_cells(step)
    tied = _tied_cells(step, chosen)
    cls, marks = dict(classes or {}), {}
    for cell in _window_cells(step):
        cls[cell], marks[cell] = "cv-win", "▣"
    for cell in tied:
        marks[cell] = "tie"
    for cell in chosen:
        cls[cell], marks[cell] = "cv-max", "max"
    caption = (f"▣ = in window {window_name(step.k)}; "
               "max (double outline) = where its maximum sits")
    if tied:
        caption += "; tie = equal to the maximum"
    return panel(title, matrix_table(x, "x", classes=cls, marks=marks, notes=notes), caption)


def _window_table(values, symbol, step, where, classes=None, marks=None):
    """A window-sized matrix (X′k, M_k, ∂L/∂X′k): entries named by their place in the window
    (data-cell ``x′11`` ... or ``M11`` ...), and under each number the x it sits on."""
    notes = {mn: f"{where} {_name('x', *cell)}" for cell, mn in _window_cells(step).items()}
    return matrix_table(values, symbol, classes=classes, marks=marks, notes=notes, labels=False)


def pool_window_panel(step):
    """The window X′k on its own, each entry noted with the x it holds, the maximum marked."""
    chosen = _chosen_cells(step)
    r0, c0 = int(step.rows[0]), int(step.cols[0])
    local = {(r - r0, c - c0) for r, c in chosen}
    tied = {(r - r0, c - c0) for r, c in _tied_cells(step, chosen)}
    marks = {cell: "tie" for cell in tied}
    marks.update({cell: "max" for cell in local})
    table = _window_table(step.window, "x′", step, "=",
                          classes={cell: "cv-max" for cell in local}, marks=marks)
    y = _name("y", step.i, step.j)
    value = f" = {format_number(step.y)}" if hasattr(step, "y") else ""
    return panel(f"Window {window_name(step.k)}", table,
                 f"{y} = max({window_name(step.k)}){value}")


def pool_forward_panels(step, x):
    """One step of the forward pass: X with the window, the window alone, Y filling in."""
    return row(pool_input_panel(step, x), pool_window_panel(step),
               conv_output_panel(step, title="Y (output)"))


# ---------------------------------------------------------------------------------------
# Window size and stride (a larger input)
# ---------------------------------------------------------------------------------------
def window_coverage(trace, shape):
    """{(r, c): [k, ...]}: which windows (1-based k) cover each cell of x, from a trace."""
    cover = {(r, c): [] for r in range(shape[0]) for c in range(shape[1])}
    for step in trace:
        for cell in _window_cells(step):
            cover[cell].append(step.k)
    return cover


def windows_mode_text(size, stride, n_windows=None):
    """Overlapping / tiling / skipping, in words, from the (rows, cols) size and stride.

    >>> windows_mode_text((2, 2), (3, 3)).split(":")[0]
    '<b>Skipping</b> (stride 3 &gt; size 2)'
    """
    (kh, kw), (sh, sw) = size, stride
    if n_windows == 1:
        return (f"<b>One window</b>: a step of {sh} from the first window would leave the "
                "input, so Y has a single entry.")
    if (sh, sw) == (kh, kw):
        return (f"<b>Tiling</b> (stride {sh} = size {kh}): the windows touch without "
                "overlapping; each cell is read at most once.")
    if sh < kh and sw < kw:
        return (f"<b>Overlapping</b> (stride {sh} &lt; size {kh}): neighbouring windows share "
                "cells, so one input can be the maximum of several windows.")
    if sh > kh and sw > kw:
        return (f"<b>Skipping</b> (stride {sh} &gt; size {kh}): there are gaps between the "
                "windows; skipped inputs never reach Y.")
    return f"size {kh}×{kw}, stride {sh}×{sw}"


def windows_map_svg(trace, shape, current=None, cell=50):
    """An SVG of x's grid with every window drawn as a numbered outline.

    Windows are inset by a few pixels each so overlapping edges stay apart; cells in no
    window are hatched. ``current`` (a step index, or None): that window is drawn last,
    thick and dashed.
    """
    h, w = shape
    pad = 6
    cover = window_coverage(trace, shape)
    grid = "".join(f"M{pad},{pad + r * cell}h{w * cell}" for r in range(1, h)) + "".join(
        f"M{pad + c * cell},{pad}v{h * cell}" for c in range(1, w))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w * cell + 2 * pad}" '
        f'height="{h * cell + 2 * pad}" role="img" aria-label="window positions">',
        '<defs><pattern id="cv-hatch" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<path d="M0,8 L8,0" stroke="#888" stroke-width="1.5"/></pattern></defs>',
        f'<rect x="{pad}" y="{pad}" width="{w * cell}" height="{h * cell}" fill="#fff"/>',
    ]
    parts += [f'<rect x="{pad + c * cell}" y="{pad + r * cell}" width="{cell}" '
              f'height="{cell}" fill="url(#cv-hatch)"/>'
              for (r, c), ks in cover.items() if not ks]
    parts.append(f'<path d="{grid}M{pad},{pad}h{w * cell}v{h * cell}h-{w * cell}z" '
                 'fill="none" stroke="#bbb"/>')
    dashes = ["", "6,3", "2,3", "9,3,2,3"]
    outlines, numbers = [], []
    for step in trace:
        inset = 3 + 4 * ((step.k - 1) % 3)
        x0 = pad + int(step.cols[0]) * cell + inset
        y0 = pad + int(step.rows[0]) * cell + inset
        width = len(step.cols) * cell - 2 * inset
        height = len(step.rows) * cell - 2 * inset
        dash = dashes[(step.k - 1) % len(dashes)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        outlines.append(f'<rect class="cv-map-window" data-window="{step.k}" x="{x0}" '
                        f'y="{y0}" width="{max(width, 4)}" height="{max(height, 4)}"'
                        f"{dash_attr}/>")
        numbers.append(f'<text x="{x0 + 4}" y="{y0 + 16}">{step.k}</text>')
    parts.append(f'<g fill="none" stroke="#1d4ed8" stroke-width="2">{"".join(outlines)}</g>'
                 f'<g font-size="15" font-weight="700" fill="#1e3a8a">{"".join(numbers)}</g>')
    if trace and current is not None:
        step = trace[current]
        x0, y0 = pad + int(step.cols[0]) * cell, pad + int(step.rows[0]) * cell
        parts.append(f'<rect class="cv-map-current" x="{x0}" y="{y0}" '
                     f'width="{len(step.cols) * cell}" height="{len(step.rows) * cell}" '
                     'fill="none" stroke="#b91c1c" stroke-width="5" stroke-dasharray="10,5"/>')
    parts.append("</svg>")
    return "".join(parts)


def _plain_cells(values, symbol, classes):
    """{(r, c): (data-cell name, number shown, class attribute or '')}, once per picture."""
    return {(r, c): (cell_name(symbol, r, c), _shown_number(v),
                     f' class="{classes[(r, c)]}"' if (r, c) in classes else "")
            for (r, c), v in np.ndenumerate(np.asarray(values, dtype=float))}


def _compact_cell(name, shown, css="", mark=None, note=None):
    """A cell of a compact table: the number (no label), ``data-cell`` / ``data-value`` for
    reading it back, an optional text mark and note."""
    mark_html = f'<span class="cv-mark">{mark}</span>' if mark else ""
    note_html = f'<div class="cv-note">{note}</div>' if note else ""
    return f'<td{css} data-cell="{name}" data-value="{shown}">{mark_html}{shown}{note_html}</td>'


def _compact_rows(cells, shape):
    """The rows of a compact table from {(r, c): cell HTML}, its numbers large and bold as a
    whole (not cell by cell)."""
    rows = "".join("<tr>" + "".join(cells[(r, c)] for c in range(shape[1])) + "</tr>"
                   for r in range(shape[0]))
    return f'<div style="font-size:1.3em;font-weight:700"><table class="cv-m">{rows}</table></div>'


def _compact_table(values, symbol, classes=None, notes=None):
    """A compact table: numbers only, no cell labels; ``notes`` under some numbers."""
    values = np.asarray(values, dtype=float)
    notes = notes or {}
    cells = {cell: _compact_cell(name, shown, css, note=notes.get(cell))
             for cell, (name, shown, css) in _plain_cells(values, symbol, classes or {}).items()}
    return _compact_rows(cells, values.shape)


def windows_step_views(trace, x, styled=True):
    """One compact view per step: y_ij = max(X′k), and X (numbers only) with window X′k
    outlined (▣), its maximum marked "max" (ties "tie") and cells no window reads dotted.

    What every step shares (the cells, the skipped ones) is worked out once per trace.
    ``styled=False`` leaves out the stylesheet (frames of a stage, which carries it once).

    >>> from cnnviz import steps
    >>> from cnnviz.render import conv as views
    >>> x = [[1, 3, 2], [4, 8, 1], [0, 5, 9]]
    >>> y, shown_x = views.shown_tables(windows_step_views(steps.pool_forward_steps(x), x)[3])
    >>> y, shown_x["x33"]
    ({'y22': '9'}, '9')
    """
    x = np.asarray(x, dtype=float)
    cover = window_coverage(trace, x.shape)
    skipped = {cell: "cv-pad" for cell, ks in cover.items() if not ks}
    plain = _plain_cells(x, "x", skipped)
    base = {cell: _compact_cell(*parts) for cell, parts in plain.items()}
    legend = "▣ = in the window; max = its maximum"
    if skipped:
        legend += "; dotted = in no window"
    style = STYLE if styled else ""
    views = []
    for step in trace:
        chosen, tied = tuple(step.argmax), False
        cells = dict(base)
        for cell, mn in _window_cells(step).items():
            name, shown, _ = plain[cell]
            if cell == chosen:
                cells[cell] = _compact_cell(name, shown, ' class="cv-max"', "max")
            elif step.window[mn] == step.y:
                cells[cell], tied = _compact_cell(name, shown, ' class="cv-win"', "tie"), True
            else:
                cells[cell] = _compact_cell(name, shown, ' class="cv-win"', "▣")
        shown = _shown_number(step.y)
        result = (f'<table class="cv-sum"><tr><td>{_name("y", step.i, step.j)} = '
                  f"max({window_name(step.k)}) =</td>"
                  f'<td data-cell="{cell_name("y", step.i, step.j)}" data-value="{shown}">'
                  f"<b>{shown}</b></td></tr></table>")
        views.append(
            f'{style}<div class="cnnviz-view cv-compact"><div class="cv-panel">{result}'
            f'{_compact_rows(cells, x.shape)}<div class="cv-caption">{legend}'
            f'{"; tie = equal to it" if tied else ""}</div></div></div>')
    return views


def windows_coverage_panels(trace, x, size, stride):
    """What a whole trace does, in one view: overlapping / tiling / skipping in words, X with
    how many windows read each cell ("in n", "skipped"), a map of every window, and Y.

    >>> from cnnviz import steps
    >>> from cnnviz.render import conv as views
    >>> x = [[1, 3, 2], [4, 8, 1], [0, 5, 9]]
    >>> view = windows_coverage_panels(steps.pool_forward_steps(x), x, (2, 2), (1, 1))
    >>> views.shown_tables(view)[1]
    {'y11': '8', 'y12': '8', 'y21': '8', 'y22': '9'}
    >>> "in 4" in view
    True
    """
    x = np.asarray(x, dtype=float)
    cover = window_coverage(trace, x.shape)
    notes = {cell: (f"in {len(ks)}" if ks else "skipped") for cell, ks in cover.items()}
    skipped = {cell: "cv-pad" for cell, ks in cover.items() if not ks}
    h, w = x.shape
    inputs = panel(f"X ({h}×{w}): windows reading each cell",
                   _compact_table(x, "x", classes=skipped, notes=notes),
                   "under each number: how many windows read the cell; "
                   "skipped (dotted) = in no window")
    windows = panel("The only window" if len(trace) == 1 else f"All {len(trace)} windows",
                    windows_map_svg(trace, x.shape),
                    "each outline is one window, numbered row by row; hatched = in no window")
    out = trace[-1].Y
    output = panel(f"Y ({out.shape[0]}×{out.shape[1]})", _compact_table(out, "y"),
                   "y<sub>ij</sub> = the maximum of window X′<sub>k</sub>, row by row")
    mode = windows_mode_text(size, stride, len(trace))
    if skipped and stride[0] <= size[0]:
        mode += (" The last rows or columns do not fill a whole window: they are skipped "
                 "(the floor in the formula drops the remainder).")
    return (f'{STYLE}<div class="cnnviz-view cv-compact">{_line(mode)}'
            f'<div class="cv-row">{inputs}{windows}{output}</div></div>')


def output_size_latex(in_shape, size, stride, out_shape):
    r"""H_O = \lfloor (H - size) / stride \rfloor + 1, symbolic and with the numbers.

    out_shape comes from ``ops.output_size``; nothing is computed here.

    >>> print(output_size_latex((6, 6), (2, 2), (3, 3), (2, 2))[0])
    H_O = \left\lfloor \frac{H - \text{size}}{\text{stride}} \right\rfloor + 1 = \left\lfloor \frac{6 - 2}{3} \right\rfloor + 1 = 2
    """
    lines = []
    for axis, big, small in ((0, "H", "H_O"), (1, "W", "W_O")):
        lines.append(
            rf"{small} = \left\lfloor \frac{{{big} - \text{{size}}}}{{\text{{stride}}}} "
            rf"\right\rfloor + 1 = \left\lfloor \frac{{{in_shape[axis]} - {size[axis]}}}"
            rf"{{{stride[axis]}}} \right\rfloor + 1 = {out_shape[axis]}"
        )
    return lines


# ---------------------------------------------------------------------------------------
# Backward: masks, local gradients, the running dL/dX
# ---------------------------------------------------------------------------------------
def mask_panel(step):
    """M_k over the window: 1 at the maximum (1/t per tie with 'split'), 0 elsewhere."""
    nz = {(m, n): "cv-max" for (m, n), v in np.ndenumerate(step.mask) if v > 0}
    table = _window_table(step.mask, "M", step, "at", classes=nz,
                          marks={cell: "max" for cell in nz})
    return panel(f"Mask M{subscript(step.k)}", table,
                 "1 where the window's maximum sits, 0 elsewhere")


def local_grad_panel(step):
    """∂L/∂X′k = ∂L/∂y_ij · M_k, over the window."""
    nz = {(m, n): "cv-max" for (m, n), v in np.ndenumerate(step.mask) if v > 0}
    table = _window_table(step.local_grad, "∂L/∂x′", step, "at", classes=nz,
                          marks={cell: "max" for cell in nz})
    k = subscript(step.k)
    return panel(f"Local gradient ∂L/∂X′{k}", table,
                 f"= {_d('y', step.i, step.j)} · M{k} = {_paren(step.grad)} · M{k}")


def pool_step_panels(step, dy, x):
    """What window k does: its ∂L/∂y_ij, the window on X, the mask, the local gradient."""
    return row(gradient_panel(dy, (step.i, step.j)), pool_input_panel(step, x),
               mask_panel(step), local_grad_panel(step))


def winners_by_step(trace):
    """For each step t, {(r, c): [k, ...]}: the windows among steps 0..t whose mask picked
    each cell (worked out once for the whole trace)."""
    found, by_step = {}, []
    for step in trace:
        for cell, (m, n) in _window_cells(step).items():
            if step.mask[m, n] > 0:
                found[cell] = found.get(cell, []) + [step.k]
        by_step.append(dict(found))
    return by_step


def _winners_so_far(trace, upto):
    """{(r, c): [k, ...]}: the windows among steps 0..upto whose mask picked each cell."""
    return winners_by_step(trace[: upto + 1])[-1] if trace else {}


def pool_dx_panels(trace, upto, shape, won=None):
    """Step ``upto`` ADDS its local gradient into ∂L/∂X: what is added, the running total.

    Each running cell notes how many windows it has won so far and which ones (``won``:
    ``winners_by_step(trace)[upto]``, if worked out already).
    """
    step = trace[upto]
    window = _window_cells(step)
    chosen = _chosen_cells(step)
    add_cls = {cell: "cv-win" for cell in window}
    add_cls.update({cell: "cv-max" for cell in chosen})
    added = matrix_table(step.dx_add, "∂L/∂x", classes=add_cls,
                         marks={cell: ("max" if cell in chosen else "▣") for cell in window})
    won = _winners_so_far(trace, upto) if won is None else won
    notes = {}
    for r in range(shape[0]):
        for c in range(shape[1]):
            ks = won.get((r, c), [])
            notes[(r, c)] = f"won {int(step.wins[r, c])}" + (
                "<br>" + " ".join(window_name(k) for k in ks) if ks else "")
    running = matrix_table(step.dX, "∂L/∂x", classes={cell: "cv-new" for cell in chosen},
                           marks={cell: "+" for cell in chosen}, notes=notes)
    k = window_name(step.k)
    return _row(
        _wide(panel(f"Step {step.k} adds ∂L/∂X′{subscript(step.k)} at {k}'s place", added,
                    f"▣ = window {k}; zero outside it")),
        _wide(panel("Running ∂L/∂X (+=)", running,
                    "+ = changed at this step; under each number: how many windows the cell "
                    "has won so far, and which")),
    )


def meeting_panels(trace, cell, won=None):
    """``meeting_panel`` for every step of the trace, each window's row worked out once.

    won : ``winners_by_step(trace)``, if worked out already.
    """
    r, c = cell
    target = _d("x", r, c)
    won = winners_by_step(trace) if won is None else won
    covering = []  # (t, row once added, row before, term)
    for t, step in enumerate(trace):
        window = _window_cells(step)
        if cell not in window:
            continue
        m, n = window[cell]
        k = window_name(step.k)
        grad = _d("y", step.i, step.j)
        if step.mask[m, n] > 0:
            where = f"max here ✔ (M = {format_number(step.mask[m, n])})"
        else:
            maxima = [_name("x", *p) for p in sorted(_chosen_cells(step))]
            where = f"max at {', '.join(maxima)} (M = 0)"
        added = (f"<tr><td>{k}</td><td style='text-align:left'>{where}</td>"
                 f"<td>{grad} · {format_number(step.mask[m, n])}"
                 f"</td><td>= <b>{format_number(step.local_grad[m, n])}</b></td></tr>")
        later = (f"<tr><td>{k}</td><td colspan='3' style='text-align:left'>"
                 f"<i>step {step.k}: not added yet</i></td></tr>")
        covering.append((t, added, later, _paren(step.local_grad[m, n])))
    title = f"Meeting at {_name('x', r, c)}: every window that covers it"
    views = []
    for upto in range(len(trace)):
        lines = "".join(added if t <= upto else later for t, added, later, _ in covering)
        terms = [term for t, _, _, term in covering if t <= upto]
        total = format_number(trace[upto].dX[r, c])
        from_ = [window_name(k) for k in won[upto].get(cell, [])]
        reached = f"from {', '.join(from_)}" if from_ else "no window has picked it yet"
        body = (f'<table class="cv-sum">{lines}</table>'
                f'<div class="cv-sum" style="margin-top:6px"><b>{target}</b> so far = '
                f'{" + ".join(terms) or "0"} = <b data-total="{total}">{total}</b></div>')
        views.append(_view(panel(title, body,
                                 f"{_name('x', r, c)} receives gradient {reached}; "
                                 "windows that overlap ADD their contributions")))
    return views


def meeting_panel(trace, upto, cell):
    """Every window that covers ``cell`` and what it sends there (the x22 meeting point).

    Windows after step ``upto`` are listed as not yet added.
    """
    return meeting_panels(trace, cell)[upto]


# ---------------------------------------------------------------------------------------
# Ties and the overwrite bug, side by side
# ---------------------------------------------------------------------------------------
TIE_WORDS = {
    "first": "the first maximum (row by row) gets it all: what PyTorch and others do",
    "all": "every tied maximum gets all of it",
    "split": "t tied maxima get 1/t each",
}


def ties_panels(comparison, chosen):
    """∂L/∂X under each ties policy with Σ∂L/∂X against Σ∂L/∂Y; ``chosen`` marked "◀ in use".

    comparison : ``pitfalls.compare_ties(...)``.
    """
    blocks = []
    for policy in comparison.policies:
        total, want = comparison.sum_dx[policy], comparison.sum_dy
        same = np.isclose(total, want)
        verdict = "✔ equal: nothing lost, nothing invented" if same else "✘ over-counts"
        caption = (f"<span class='cv-sum'>Σ∂L/∂X = <b>{format_number(total)}</b> vs "
                   f"Σ∂L/∂Y = <b>{format_number(want)}</b></span><br>{verdict}<br>"
                   f"{TIE_WORDS[policy]}")
        title = f'ties = "{policy}"' + (" ◀ in use" if policy == chosen else "")
        table = matrix_table(comparison.dx[policy], "∂L/∂x")
        blocks.append(_wide(panel(title, table, caption)))
    tied = comparison.tied_windows
    if tied:
        head = "; ".join(
            f"{window_name(k)} holds its maximum at "
            + " and ".join(_name("x", *cell) for cell in cells)
            for k, cells in tied) + "."
    else:
        head = ("No window holds its maximum twice: the three policies agree. Make two entries "
                "of one window equal to its maximum to see them differ.")
    return _view(_line(head), f'<div class="cv-row">{"".join(blocks)}</div>')


def overwrite_sums_text(comparison, n_steps):
    """The sums after all windows with ``+=`` and with ``=``, and what is lost (the same for
    every step: worked out once). ``comparison`` = ``pitfalls.compare_overwrite(...)``."""
    c = comparison
    sums = (f"After all {n_steps} windows: Σ∂L/∂Y = <b>{format_number(c.sum_dy)}</b>; "
            f"Σ∂L/∂X = <b>{format_number(c.sum_correct)}</b> with <code>+=</code>, "
            f"<b>{format_number(c.sum_overwritten)}</b> with <code>=</code>")
    if not np.isclose(c.sum_lost, 0):
        sums += f": <b>{format_number(c.sum_lost)}</b> of gradient lost."
    elif not np.isclose(c.lost, 0).all():
        sums += ". The sums happen to agree, but the cells marked ✘ are wrong."
    else:
        sums += (". Here the bug happens to give the right answer: no window wrote over a "
                 "non-zero gradient. Move a slider to see it fail.")
    return sums


def overwrite_panels(right, wrong, step, comparison, n_steps, sums=None):
    """Running ∂L/∂X with ``+=`` (right) next to ``=`` (the bug) after window ``step.k``.

    Cells where the bug differs are marked ✘ with the right value noted; below, the sums
    after all windows (``comparison`` = ``pitfalls.compare_overwrite(...)``; ``sums``:
    ``overwrite_sums_text(comparison, n_steps)``, if worked out already).
    """
    right = np.asarray(right, dtype=float)
    differ = {(int(r), int(c)) for r, c in zip(*np.nonzero(~np.isclose(right, wrong)))}
    good = matrix_table(right, "∂L/∂x", marks={cell: "✘" for cell in differ})
    bad = matrix_table(wrong, "∂L/∂x", classes={cell: "cv-cur" for cell in differ},
                       marks={cell: "✘" for cell in differ},
                       notes={cell: f"should be {format_number(right[cell])}" for cell in differ})
    code = "<code style='font-size:1.1em'>dx[window] {op} grad · M</code>"
    after = f"after window {step.k} of {n_steps}"
    sums = overwrite_sums_text(comparison, n_steps) if sums is None else sums
    panels = (_wide(panel("Right: " + code.format(op="+="), good,
                          after + "; ✘ = the bug gets this cell wrong"))
              + _wide(panel("The bug: " + code.format(op="="), bad,
                            after + "; ✘ = wrong, with the right value")))
    return _view(f'<div class="cv-row">{panels}</div>', _line(sums))
