"""Pooling views (max, and average at the end): state -> HTML. No widgets, no callbacks, no math beyond formatting.

Built on the helpers of ``cnnviz.views`` (``matrix_table``, ``panel``, ``row``, ...): every
matrix cell carries its name in ``data-cell`` so a test reads back what a student sees
(``views.shown_tables``). The numbers come from ``cnnviz.steps`` records (one per window X'_k)
and ``cnnviz.pitfalls`` comparisons; this module only arranges and marks them.

Every highlight has a cue besides colour: the window is outlined and marked ▣, its maximum
gets a double outline and the word "max", a tie the word "tie", a changed cell "+", a wrong
cell "✘", a skipped cell a dotted outline and the word "skipped".

Given an explorer's ``scale`` (``cnnviz.render.colour``), every grid of numbers (X, Y, the
gradients, the local gradients, the running and compared ∂L/∂X) fills each cell by its
number's sign and size, on that one scale; the masks M_k stay white: they are the 0/1 (or
1/size²) switches of the routing, not numbers on the scale of the values.

The words come from the catalog (``cnnviz.words``) in each view's ``lang`` ("en" by default).

>>> from cnnviz import steps
>>> from cnnviz.render import conv as views
>>> trace = steps.pool_forward_steps([[1, 3, 2], [4, 8, 1], [0, 5, 9]])
>>> html = pool_forward_panels(trace[3], [[1, 3, 2], [4, 8, 1], [0, 5, 9]])
>>> views.shown_tables(html)[2]       # Y after the last window
{'y11': '8', 'y12': '8', 'y21': '8', 'y22': '9'}
"""

import numpy as np

from ..derivation.formulas import format_number
from ..words import join, say
from . import colour
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
    "average_input_panel",
    "average_forward_panels",
    "average_output_latex",
    "average_step_panels",
    "average_local_grad_latex",
    "average_dx_panels",
    "average_meeting_panels",
    "average_note_panel",
]


# ---------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------
def window_name(k):
    """X′₁ ... (unicode, for captions and notes)."""
    return f"X′{subscript(k)}"


def _name(symbol, r, c):
    """x₂₂ for 0-based (1, 1), in the derivation's 1-based notation."""
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


def pool_input_panel(step, x, title=None, notes=None, classes=None, scale=None, lang="en"):
    """X with window X′k outlined (▣) and its maximum marked (double outline, "max").

    Other cells equal to the maximum are marked "tie". ``notes`` / ``classes`` (dicts by
    (r, c)) add per-cell notes and classes for cells outside the window.
    """
    title = say("view.x_input", lang) if title is None else title
    chosen = _chosen_cells(step)
    tied = _tied_cells(step, chosen)
    cls, marks = dict(classes or {}), {}
    for cell in _window_cells(step):
        cls[cell], marks[cell] = "cv-win", "▣"
    for cell in tied:
        marks[cell] = say("pool.mark_tie", lang)
    for cell in chosen:
        cls[cell], marks[cell] = "cv-max", say("pool.mark_max", lang)
    caption = say("pool.input_caption", lang, window=window_name(step.k))
    if tied:
        caption += say("pool.tie_caption", lang)
    return panel(title, matrix_table(x, "x", classes=cls, marks=marks, notes=notes, scale=scale),
                 caption)


def _window_table(values, symbol, step, where, classes=None, marks=None, scale=None, lang="en"):
    """A window-sized matrix (X′k, M_k, ∂L/∂X′k): entries named by their place in the window
    (data-cell ``x′11`` ... or ``M11`` ...), and under each number the x it sits on."""
    where = say("pool.at", lang) if where == "at" else where
    notes = {mn: f"{where} {_name('x', *cell)}" for cell, mn in _window_cells(step).items()}
    return matrix_table(values, symbol, classes=classes, marks=marks, notes=notes, labels=False,
                        scale=scale)


def pool_window_panel(step, scale=None, lang="en"):
    """The window X′k on its own, each entry noted with the x it holds, the maximum marked."""
    chosen = _chosen_cells(step)
    r0, c0 = int(step.rows[0]), int(step.cols[0])
    local = {(r - r0, c - c0) for r, c in chosen}
    tied = {(r - r0, c - c0) for r, c in _tied_cells(step, chosen)}
    marks = {cell: say("pool.mark_tie", lang) for cell in tied}
    marks.update({cell: say("pool.mark_max", lang) for cell in local})
    table = _window_table(step.window, "x′", step, "=",
                          classes={cell: "cv-max" for cell in local}, marks=marks, scale=scale)
    y = _name("y", step.i, step.j)
    value = f" = {format_number(step.y)}" if hasattr(step, "y") else ""
    return panel(say("pool.window", lang, window=window_name(step.k)), table,
                 f"{y} = max({window_name(step.k)}){value}")


def pool_forward_panels(step, x, scale=None, lang="en"):
    """One step of the forward pass: X with the window, the window alone, Y filling in.
    ``scale``: the explorer's colour scale (None: no fill), as in every view below; ``lang``:
    the language of the words."""
    return row(pool_input_panel(step, x, scale=scale, lang=lang),
               pool_window_panel(step, scale=scale, lang=lang),
               conv_output_panel(step, scale=scale, lang=lang))


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


def windows_mode_text(size, stride, n_windows=None, lang="en"):
    """Overlapping / tiling / skipping, in words, from the (rows, cols) size and stride.

    >>> windows_mode_text((2, 2), (3, 3)).split(":")[0]
    '<b>Skipping</b> (stride 3 &gt; size 2)'
    """
    (kh, kw), (sh, sw) = size, stride
    if n_windows == 1:
        return say("pool.one_window", lang, stride=sh)
    if (sh, sw) == (kh, kw):
        return say("pool.tiling", lang, stride=sh, size=kh)
    if sh < kh and sw < kw:
        return say("pool.overlapping", lang, stride=sh, size=kh)
    if sh > kh and sw > kw:
        return say("pool.skipping", lang, stride=sh, size=kh)
    return say("pool.mixed", lang, kh=kh, kw=kw, sh=sh, sw=sw)


def windows_map_svg(trace, shape, current=None, cell=50, lang="en"):
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
        f'height="{h * cell + 2 * pad}" role="img" aria-label="{say("pool.map_label", lang)}">',
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
    """{(r, c): (data-cell name, number shown, classes or '', value)}, once per picture."""
    return {(r, c): (cell_name(symbol, r, c), _shown_number(v), classes.get((r, c), ""), v)
            for (r, c), v in np.ndenumerate(np.asarray(values, dtype=float))}


def _compact_cell(name, shown, classes="", value=None, scale=None, mark=None, note=None):
    """A cell of a compact table: the number (no label), its name in ``data-cell`` for reading
    it back, its classes with the value's fill on ``scale`` (``colour.class_attr``; None: no
    fill), an optional text mark and note."""
    mark_html = f'<span class="cv-mark">{mark}</span>' if mark else ""
    note_html = f'<div class="cv-note">{note}</div>' if note else ""
    css = colour.class_attr(classes, value, scale)
    return f'<td{css} data-cell="{name}">{mark_html}{shown}{note_html}</td>'


def _compact_rows(cells, shape):
    """The rows of a compact table from {(r, c): cell HTML}, its numbers large and bold as a
    whole (not cell by cell)."""
    rows = "".join("<tr>" + "".join(cells[(r, c)] for c in range(shape[1])) + "</tr>"
                   for r in range(shape[0]))
    return f'<div style="font-size:1.3em;font-weight:700"><table class="cv-m">{rows}</table></div>'


def _compact_table(values, symbol, classes=None, notes=None, scale=None):
    """A compact table: numbers only, no cell labels; ``notes`` under some numbers."""
    values = np.asarray(values, dtype=float)
    notes = notes or {}
    cells = {cell: _compact_cell(*parts, scale=scale, note=notes.get(cell))
             for cell, parts in _plain_cells(values, symbol, classes or {}).items()}
    return _compact_rows(cells, values.shape)


def windows_step_views(trace, x, styled=True, scale=None, lang="en"):
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
    base = {cell: _compact_cell(*parts, scale=scale) for cell, parts in plain.items()}
    legend = say("pool.steps_legend", lang)
    if skipped:
        legend += say("pool.steps_skipped", lang)
    mark_max, mark_tie = say("pool.mark_max", lang), say("pool.mark_tie", lang)
    style = STYLE if styled else ""
    views = []
    for step in trace:
        chosen, tied = tuple(step.argmax), False
        cells = dict(base)
        for cell, mn in _window_cells(step).items():
            name, shown, _, value = plain[cell]
            if cell == chosen:
                cells[cell] = _compact_cell(name, shown, "cv-max", value, scale, mark_max)
            elif step.window[mn] == step.y:
                cells[cell] = _compact_cell(name, shown, "cv-win", value, scale, mark_tie)
                tied = True
            else:
                cells[cell] = _compact_cell(name, shown, "cv-win", value, scale, "▣")
        shown = _shown_number(step.y)
        result = (f'<table class="cv-sum"><tr><td>{_name("y", step.i, step.j)} = '
                  f"max({window_name(step.k)}) =</td>"
                  f'<td data-cell="{cell_name("y", step.i, step.j)}">'
                  f"<b>{shown}</b></td></tr></table>")
        views.append(
            f'{style}<div class="cnnviz-view cv-compact"><div class="cv-panel">{result}'
            f'{_compact_rows(cells, x.shape)}<div class="cv-caption">{legend}'
            f'{say("pool.steps_tie", lang) if tied else ""}</div></div></div>')
    return views


def windows_coverage_panels(trace, x, size, stride, scale=None, lang="en"):
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
    notes = {cell: (say("pool.read_in", lang, count=len(ks)) if ks else say("pool.skipped", lang))
             for cell, ks in cover.items()}
    skipped = {cell: "cv-pad" for cell, ks in cover.items() if not ks}
    h, w = x.shape
    inputs = panel(say("pool.cells_read", lang, h=h, w=w),
                   _compact_table(x, "x", classes=skipped, notes=notes, scale=scale),
                   say("pool.cells_read_caption", lang))
    windows = panel(say("pool.only_window", lang) if len(trace) == 1
                    else say("pool.all_windows", lang, count=len(trace)),
                    windows_map_svg(trace, x.shape, lang=lang), say("pool.map_caption", lang))
    out = trace[-1].Y
    output = panel(say("pool.y_shape", lang, h=out.shape[0], w=out.shape[1]),
                   _compact_table(out, "y", scale=scale), say("pool.y_caption", lang))
    mode = windows_mode_text(size, stride, len(trace), lang)
    if skipped and stride[0] <= size[0]:
        mode += say("pool.remainder", lang)
    return (f'{STYLE}<div class="cnnviz-view cv-compact">{_line(mode)}'
            f'<div class="cv-row">{inputs}{windows}{output}</div></div>')


def output_size_latex(in_shape, size, stride, out_shape, lang="en"):
    r"""H_out = \lfloor (H_in - size) / stride \rfloor + 1, symbolic and with the numbers.

    out_shape comes from ``ops.output_size``; nothing is computed here.

    >>> print(output_size_latex((6, 6), (2, 2), (3, 3), (2, 2))[0])
    H_{out} = \left\lfloor \frac{H_{in} - \text{size}}{\text{stride}} \right\rfloor + 1 = \left\lfloor \frac{6 - 2}{3} \right\rfloor + 1 = 2
    """
    lines = []
    words = say("pool.tex_size", lang), say("pool.tex_stride", lang)
    for axis, big, small in ((0, "H_{in}", "H_{out}"), (1, "W_{in}", "W_{out}")):
        lines.append(
            rf"{small} = \left\lfloor \frac{{{big} - \text{{{words[0]}}}}}{{\text{{{words[1]}}}}} "
            rf"\right\rfloor + 1 = \left\lfloor \frac{{{in_shape[axis]} - {size[axis]}}}"
            rf"{{{stride[axis]}}} \right\rfloor + 1 = {out_shape[axis]}"
        )
    return lines


# ---------------------------------------------------------------------------------------
# Backward: masks, local gradients, the running dL/dX
# ---------------------------------------------------------------------------------------
def mask_panel(step, lang="en"):
    """M_k over the window: 1 at the maximum (1/t per tie with 'split'), 0 elsewhere."""
    nz = {(m, n): "cv-max" for (m, n), v in np.ndenumerate(step.mask) if v > 0}
    table = _window_table(step.mask, "M", step, "at", classes=nz,
                          marks={cell: say("pool.mark_max", lang) for cell in nz}, lang=lang)
    return panel(say("pool.mask", lang, k=subscript(step.k)), table, say("pool.mask_caption", lang))


def local_grad_panel(step, scale=None, lang="en"):
    """∂L/∂X′k = ∂L/∂y_ij · M_k, over the window."""
    nz = {(m, n): "cv-max" for (m, n), v in np.ndenumerate(step.mask) if v > 0}
    table = _window_table(step.local_grad, "∂L/∂x′", step, "at", classes=nz,
                          marks={cell: say("pool.mark_max", lang) for cell in nz}, scale=scale,
                          lang=lang)
    k = subscript(step.k)
    return panel(say("pool.local_grad", lang, k=k), table,
                 f"= {_d('y', step.i, step.j)} · M{k} = {_paren(step.grad)} · M{k}")


def pool_step_panels(step, dy, x, scale=None, lang="en"):
    """What window k does: its ∂L/∂y_ij, the window on X, the mask (not coloured: a switch,
    0 or 1), the local gradient."""
    return row(gradient_panel(dy, (step.i, step.j), scale=scale, lang=lang),
               pool_input_panel(step, x, scale=scale, lang=lang), mask_panel(step, lang),
               local_grad_panel(step, scale=scale, lang=lang))


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


def pool_dx_panels(trace, upto, shape, won=None, scale=None, lang="en"):
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
                         marks={cell: (say("pool.mark_max", lang) if cell in chosen else "▣")
                                for cell in window},
                         scale=scale)
    won = _winners_so_far(trace, upto) if won is None else won
    notes = {}
    for r in range(shape[0]):
        for c in range(shape[1]):
            ks = won.get((r, c), [])
            notes[(r, c)] = say("pool.won", lang, count=int(step.wins[r, c])) + (
                "<br>" + " ".join(window_name(k) for k in ks) if ks else "")
    running = matrix_table(step.dX, "∂L/∂x", classes={cell: "cv-new" for cell in chosen},
                           marks={cell: "+" for cell in chosen}, notes=notes, scale=scale)
    return _adds_row(step, added, running, "pool.window_zero_outside", "pool.running_caption",
                     lang)


def _adds_row(step, added, running, added_caption, running_caption, lang):
    """What step k adds into ∂L/∂X beside the running ∂L/∂X, with their captions (catalog ids:
    max and average pooling say what is added differently)."""
    k = window_name(step.k)
    return _row(
        _wide(panel(say("pool.adds_at", lang, k=step.k, sub=subscript(step.k), window=k), added,
                    say(added_caption, lang, window=k))),
        _wide(panel(say("pool.running_dx", lang), running, say(running_caption, lang))),
    )


def meeting_panels(trace, cell, won=None, lang="en"):
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
            where = say("pool.max_here", lang, m=format_number(step.mask[m, n]))
        else:
            maxima = [_name("x", *p) for p in sorted(_chosen_cells(step))]
            where = say("pool.max_at", lang, cells=join(maxima, lang))
        added = (f"<tr><td>{k}</td><td style='text-align:left'>{where}</td>"
                 f"<td>{grad} · {format_number(step.mask[m, n])}"
                 f"</td><td>= <b>{format_number(step.local_grad[m, n])}</b></td></tr>")
        later = (f"<tr><td>{k}</td><td colspan='3' style='text-align:left'>"
                 f"<i>{say('pool.not_added', lang, k=step.k)}</i></td></tr>")
        covering.append((t, added, later, _paren(step.local_grad[m, n])))
    title = say("pool.meeting", lang, cell=_name("x", r, c))
    views = []
    for upto in range(len(trace)):
        lines = "".join(added if t <= upto else later for t, added, later, _ in covering)
        terms = [term for t, _, _, term in covering if t <= upto]
        total = format_number(trace[upto].dX[r, c])
        from_ = [window_name(k) for k in won[upto].get(cell, [])]
        reached = (say("pool.receives_from", lang, cell=_name("x", r, c), windows=join(from_, lang))
                   if from_ else say("pool.receives_none", lang, cell=_name("x", r, c)))
        body = (f'<table class="cv-sum">{lines}</table>'
                f'<div class="cv-sum" style="margin-top:6px">' + say(
                    "pool.so_far", lang, target=f"<b>{target}</b>", terms=" + ".join(terms) or "0",
                    total=f'<b data-total="{total}">{total}</b>') + "</div>")
        views.append(_view(panel(title, body, reached)))
    return views


def meeting_panel(trace, upto, cell, lang="en"):
    """Every window that covers ``cell`` and what it sends there (the x22 meeting point).

    Windows after step ``upto`` are listed as not yet added.
    """
    return meeting_panels(trace, cell, lang=lang)[upto]


# ---------------------------------------------------------------------------------------
# Ties and the overwrite bug, side by side
# ---------------------------------------------------------------------------------------
# what each ties policy does, in the catalog's words (say(TIE_WORDS[policy], lang))
TIE_WORDS = {"first": "pool.tie_first", "all": "pool.tie_all", "split": "pool.tie_split"}


def ties_panels(comparison, chosen, scale=None, lang="en"):
    """∂L/∂X under each ties policy with Σ∂L/∂X against Σ∂L/∂Y; ``chosen`` marked "◀ in use".

    comparison : ``pitfalls.compare_ties(...)``.
    """
    blocks = []
    for policy in comparison.policies:
        total, want = comparison.sum_dx[policy], comparison.sum_dy
        same = np.isclose(total, want)
        verdict = say("pool.ties_equal" if same else "pool.ties_over", lang)
        sums = say("pool.ties_sums", lang, dx=format_number(total), dy=format_number(want))
        caption = (f"<span class='cv-sum'>{sums}</span><br>{verdict}<br>"
                   f"{say(TIE_WORDS[policy], lang)}")
        title = say("pool.ties_title", lang, policy=policy) + (
            say("pool.in_use", lang) if policy == chosen else "")
        table = matrix_table(comparison.dx[policy], "∂L/∂x", scale=scale)
        blocks.append(_wide(panel(title, table, caption)))
    tied = comparison.tied_windows
    if tied:
        head = say("list.parts", lang).join(
            say("pool.holds_at", lang, window=window_name(k),
                cells=say("list.and_all", lang).join(_name("x", *cell) for cell in cells))
            for k, cells in tied) + say("pool.end", lang)
    else:
        head = say("pool.no_ties", lang)
    return _view(_line(head), f'<div class="cv-row">{"".join(blocks)}</div>')


def overwrite_sums_text(comparison, n_steps, lang="en"):
    """The sums after all windows with ``+=`` and with ``=``, and what is lost (the same for
    every step: worked out once). ``comparison`` = ``pitfalls.compare_overwrite(...)``."""
    c = comparison
    sums = say("pool.sums_after", lang, n=n_steps, dy=format_number(c.sum_dy),
               right=format_number(c.sum_correct), wrong=format_number(c.sum_overwritten))
    if not np.isclose(c.sum_lost, 0):
        sums += say("pool.sums_lost", lang, lost=format_number(c.sum_lost))
    elif not np.isclose(c.lost, 0).all():
        sums += say("pool.sums_agree", lang)
    else:
        sums += say("pool.sums_lucky", lang)
    return sums


def overwrite_panels(right, wrong, step, comparison, n_steps, sums=None, scale=None, lang="en"):
    """Running ∂L/∂X with ``+=`` (right) next to ``=`` (the bug) after window ``step.k``.

    Cells where the bug differs are marked ✘ with the right value noted; below, the sums
    after all windows (``comparison`` = ``pitfalls.compare_overwrite(...)``; ``sums``:
    ``overwrite_sums_text(comparison, n_steps)``, if worked out already).
    """
    right = np.asarray(right, dtype=float)
    differ = {(int(r), int(c)) for r, c in zip(*np.nonzero(~np.isclose(right, wrong)))}
    good = matrix_table(right, "∂L/∂x", marks={cell: "✘" for cell in differ}, scale=scale)
    bad = matrix_table(wrong, "∂L/∂x", classes={cell: "cv-cur" for cell in differ},
                       marks={cell: "✘" for cell in differ},
                       notes={cell: say("pool.should_be", lang, value=format_number(right[cell]))
                              for cell in differ},
                       scale=scale)
    code = "<code style='font-size:1.1em'>dx[window] {op} grad · M</code>"
    after = say("pool.after_window", lang, k=step.k, n=n_steps)
    sums = overwrite_sums_text(comparison, n_steps, lang) if sums is None else sums
    panels = (_wide(panel(say("pool.right_code", lang, code=code.format(op="+=")), good,
                          after + say("pool.bug_wrong_cell", lang)))
              + _wide(panel(say("pool.bug_code", lang, code=code.format(op="=")), bad,
                            after + say("pool.bug_right_value", lang))))
    return _view(f'<div class="cv-row">{panels}</div>', _line(sums))


# ---------------------------------------------------------------------------------------
# Average pooling: every entry of a window counts, every entry gets a share back
# ---------------------------------------------------------------------------------------
# Views of ``cnnviz.layers.avg_steps`` records. There is no maximum to mark: the whole window
# is outlined (▣), and on the way back the mask M_k is uniform, 1/(KH·KW) in every cell.
def _share_text(count):
    """'1/4' for a 2×2 window."""
    return f"1/{count}"


def average_input_panel(step, x, title=None, scale=None, lang="en"):
    """X with window X′k outlined (▣): every entry of the window counts."""
    title = say("view.x_input", lang) if title is None else title
    window = _window_cells(step)
    table = matrix_table(x, "x", classes={cell: "cv-win" for cell in window},
                         marks={cell: "▣" for cell in window}, scale=scale)
    return panel(title, table, say("pool.avg_input_caption", lang, window=window_name(step.k)))


def _average_window_panel(step, scale=None, lang="en"):
    """The window X′k on its own, each entry noted with the x it holds, and its mean."""
    y = _name("y", step.i, step.j)
    return panel(say("pool.window", lang, window=window_name(step.k)),
                 _window_table(step.window, "x′", step, "=", scale=scale),
                 say("pool.avg_window_caption", lang, y=y, window=window_name(step.k),
                     total=format_number(step.total), count=step.count,
                     value=format_number(step.y)))


def average_forward_panels(step, x, scale=None, lang="en"):
    """One step of average pooling, forward: X with the window, the window alone, Y so far.

    >>> from cnnviz.layers import avg_steps
    >>> from cnnviz.render import conv as views
    >>> x = [[1, 3, 2], [4, 8, 1], [0, 5, 9]]
    >>> views.shown_tables(average_forward_panels(avg_steps.avgpool_forward_steps(x)[3], x))[2]
    {'y11': '4', 'y12': '3.5', 'y21': '4.25', 'y22': '5.75'}
    """
    return row(average_input_panel(step, x, scale=scale, lang=lang),
               _average_window_panel(step, scale, lang), conv_output_panel(step, scale=scale, lang=lang))


def _tex_x(r, c):
    return f"x_{{{cell_name('', r, c)}}}"


def _tex_operand(value):
    text = format_number(value)
    return f"({text})" if text.startswith("-") or "\\times" in text else text


def average_output_latex(step):
    r"""y_ij = (1/count) Σ X′k, the sum written out with the numbers, and the mean.

    >>> from cnnviz.layers import avg_steps
    >>> print(average_output_latex(avg_steps.avgpool_forward_steps([[1, 3, 2], [4, 8, 1], [0, 5, 9]])[0]))
    y_{11} = \frac{1}{4} \sum X'_{1} = \frac{x_{11} + x_{12} + x_{21} + x_{22}}{4} = \frac{1 + 3 + 4 + 8}{4} = \frac{16}{4} = 4
    """
    names = " + ".join(_tex_x(r, c) for r in step.rows for c in step.cols)
    numbers = " + ".join(_tex_operand(v) for v in np.asarray(step.window).ravel())
    return (f"y_{{{cell_name('', step.i, step.j)}}} = \\frac{{1}}{{{step.count}}} \\sum "
            f"X'_{{{step.k}}} = \\frac{{{names}}}{{{step.count}}} = "
            f"\\frac{{{numbers}}}{{{step.count}}} = "
            f"\\frac{{{format_number(step.total)}}}{{{step.count}}} = {format_number(step.y)}")


def _count_of(step):
    return int(np.asarray(step.mask).size)


def _average_mask_panel(step, lang="en"):
    count = _count_of(step)
    return panel(say("pool.mask", lang, k=subscript(step.k)),
                 _window_table(step.mask, "M", step, "at", lang=lang),
                 say("pool.avg_mask_caption", lang, share=_share_text(count)))


def _average_local_grad_panel(step, scale=None, lang="en"):
    k = subscript(step.k)
    return panel(say("pool.local_grad", lang, k=k),
                 _window_table(step.local_grad, "∂L/∂x′", step, "at", scale=scale, lang=lang),
                 say("pool.avg_local_caption", lang, dy=_d("y", step.i, step.j), k=k,
                     grad=_paren(step.grad), count=_count_of(step)))


def average_step_panels(step, dy, scale=None, lang="en"):
    """What window k does in average pooling: its ∂L/∂y_ij, the uniform mask M_k and the local
    gradient ∂L/∂y_ij · M_k (under each entry, the x it sits on). X's values play no part: the
    shares depend on the window's place only."""
    return row(gradient_panel(dy, (step.i, step.j), scale=scale, lang=lang),
               _average_mask_panel(step, lang), _average_local_grad_panel(step, scale, lang))


def average_local_grad_latex(step):
    r"""dL/dX′k = dL/dy_ij · M_k with M_k = (1/count)·ones, and the numbers.

    >>> from cnnviz.layers import avg_steps
    >>> step = avg_steps.avgpool_backward_steps([[1, 2], [-1, 3]], np.zeros((3, 3)))[2]
    >>> print(average_local_grad_latex(step))
    \frac{\partial L}{\partial X'_{3}} = \frac{\partial L}{\partial y_{21}} \cdot M_{3} = (-1) \cdot \frac{1}{4} \begin{bmatrix} 1 & 1 \\ 1 & 1 \end{bmatrix} = \begin{bmatrix} -0.25 & -0.25 \\ -0.25 & -0.25 \end{bmatrix}
    """
    count = _count_of(step)
    kh, kw = np.shape(step.mask)
    ones = r" \\ ".join(" & ".join("1" for _ in range(kw)) for _ in range(kh))
    local = r" \\ ".join(" & ".join(format_number(v) for v in line) for line in step.local_grad)
    window = rf"\frac{{\partial L}}{{\partial X'_{{{step.k}}}}}"
    output = rf"\frac{{\partial L}}{{\partial y_{{{cell_name('', step.i, step.j)}}}}}"
    return (rf"{window} = {output} \cdot M_{{{step.k}}} = {_tex_operand(step.grad)} \cdot "
            rf"\frac{{1}}{{{count}}} \begin{{bmatrix}} {ones} \end{{bmatrix}} = "
            rf"\begin{{bmatrix}} {local} \end{{bmatrix}}")


def average_dx_panels(trace, upto, shape, scale=None, lang="en"):
    """Step ``upto`` ADDS its shares into ∂L/∂X: what is added, the running total, and under
    each running number how many windows have sent it a share so far, of all that cover it."""
    step = trace[upto]
    window = _window_cells(step)
    added = matrix_table(step.dx_add, "∂L/∂x", classes={cell: "cv-win" for cell in window},
                         marks={cell: "▣" for cell in window}, scale=scale)
    notes = {(r, c): say("conv.of", lang, done=int(step.covers[r, c]), total=int(step.covers_total[r, c]))
             for r in range(shape[0]) for c in range(shape[1])}
    running = matrix_table(step.dX, "∂L/∂x", classes={cell: "cv-new" for cell in window},
                           marks={cell: "+" for cell in window}, notes=notes, scale=scale)
    return _adds_row(step, added, running, "pool.avg_window_share", "pool.avg_running_caption",
                     lang)


def average_meeting_panels(trace, cell, lang="en"):
    """For every step: each window that covers ``cell`` and the share it sends there (an
    average-pooling window sends a share to every cell it covers), and the sum so far."""
    r, c = cell
    target = _d("x", r, c)
    covering = []  # (t, row once added, row before, term)
    for t, step in enumerate(trace):
        window = _window_cells(step)
        if cell not in window:
            continue
        m, n = window[cell]
        k = window_name(step.k)
        share = format_number(step.mask[m, n])
        added = (f"<tr><td>{k}</td><td style='text-align:left'>"
                 f"{say('pool.avg_covers', lang, share=share)}</td>"
                 f"<td>{_d('y', step.i, step.j)} · {share}</td>"
                 f"<td>= <b>{format_number(step.local_grad[m, n])}</b></td></tr>")
        later = (f"<tr><td>{k}</td><td colspan='3' style='text-align:left'>"
                 f"<i>{say('pool.not_added', lang, k=step.k)}</i></td></tr>")
        covering.append((t, added, later, _paren(step.local_grad[m, n])))
    title = say("pool.meeting", lang, cell=_name("x", r, c))
    cover = say("pool.avg_cover_one" if len(covering) == 1 else "pool.avg_cover_many", lang,
                count=len(covering), cell=_name("x", r, c))
    views = []
    for upto in range(len(trace)):
        lines = "".join(added if t <= upto else later for t, added, later, _ in covering)
        terms = [term for t, _, _, term in covering if t <= upto]
        total = format_number(trace[upto].dX[r, c])
        body = (f'<table class="cv-sum">{lines}</table>'
                f'<div class="cv-sum" style="margin-top:6px">' + say(
                    "pool.so_far", lang, target=f"<b>{target}</b>", terms=" + ".join(terms) or "0",
                    total=f'<b data-total="{total}">{total}</b>') + "</div>")
        views.append(_view(panel(title, body, cover)))
    return views


def average_note_panel(section, lang="en"):
    """A line for the sections that are about max pooling only (ties, the overwrite bug)."""
    return _view(_line(say("pool.avg_note", lang, section=section)))
