"""Views of a convolution as one matrix product, and of a kernel being learned. State -> HTML.

* The Jacobian view: vec(Y) = C · vec(X) + vec(b), and back, vec(∂L/∂X) = Cᵀ · vec(∂L/∂Y).
  C has one row per output y_ij (its window's weights, 0 elsewhere) and one column per x_rc.
* The im2col view: vec(Y) = P · vec(W) + vec(b), and back, vec(∂L/∂W) = Pᵀ · vec(∂L/∂Y).
  P has one row per window (the x's it reads) and one column per weight w_mn.
* Learning a kernel: W after t steps of gradient descent next to the hidden kernel W*, and
  the loss curve so far as an inline SVG.

vec is the row-major flattening (x11, x12, x13, x21, ...). The tables are
``cnnviz.render.conv.matrix_table``s with the row and column names written beside them; every
number cell is named in ``data-cell`` so ``shown_tables`` reads the numbers back: C's entry in
row k, column q is ``c`` + k q (``c13``), and Cᵀ's cells keep the name of the C entry they
are (a column of Cᵀ is a row of C); P and Pᵀ likewise with ``p``; a vector's cells are named
after what they hold (``x11``, ``∂L/∂y21``...).

Given an explorer's ``scale`` (``cnnviz.render.colour``), every table fills its cells by their
numbers' sign and size on that one scale: an entry of C (or Cᵀ) that is a weight w_mn by that
weight's value, a structural zero of C keeps its grey; P's entries by the x they are.

Every view's words come from the catalog (``cnnviz.words``, entries "matrix." and "learn.") in
its ``lang`` argument ("en" by default); the names and the math are the same in both languages.

No math here beyond laying numbers out: the numbers come from ``cnnviz.derivation`` and
``cnnviz.layers.steps``.
"""
import html
import math
import re

import numpy as np

from ..words import join, say
from .conv import (STYLE, cell_name, conv_input_panel, format_number, matrix_table, panel,
                   subscript)

__all__ = ["named", "labelled_matrix", "vector", "jacobian_forward_view",
           "jacobian_backward_view", "im2col_view",
           "loss_curve_svg", "learning_view", "loss_text"]

CURRENT_ROW = "▶"  # beside the name of the row (column) the step uses: a cue besides colour


# ---------------------------------------------------------------------------------------
# Tables with their row and column names
# ---------------------------------------------------------------------------------------
def named(symbol, r, c):
    """An entry's name in the derivation's notation, subscripts in unicode (one text, no
    tags: a frame repeats it in many cells): named('x', 0, 1) -> 'x₁₂'."""
    name = cell_name(symbol, r, c)
    return html.escape(symbol + subscript(name[len(symbol):]))


def _names(symbol, shape):
    """Every entry's name, row-major (the order of vec): x11, x12, ..., x33."""
    return [cell_name(symbol, r, c) for r in range(shape[0]) for c in range(shape[1])]


def _heads(symbol, shape):
    return [named(symbol, r, c) for r in range(shape[0]) for c in range(shape[1])]


def _head(text, current):
    return f"<th>{CURRENT_ROW} {text}</th>" if current else f"<th>{text}</th>"


def _renamed(table, names):
    """``table`` (a matrix_table) with its cells' data-cell names replaced, in order."""
    names = iter(names)
    return re.sub(r'data-cell="[^"]*"', lambda _: f'data-cell="{html.escape(next(names))}"', table)


def labelled_matrix(values, symbol, row_heads, col_heads=None, *, names=None, current_row=None,
                    current_col=None, **table_options):
    """A ``matrix_table`` (no labels in the cells) with each row's name on its left and each
    column's name on top. names: the cells' data-cell names, row-major (default: symbol + rc).
    current_row / current_col: the index whose name gets the ▶ mark."""
    table = matrix_table(values, symbol, labels=False, **table_options)
    if names is not None:
        table = _renamed(table, names)
    start, body = re.fullmatch(r"(<table\b[^>]*>)(.*)</table>", table, flags=re.S).groups()
    rows = re.findall(r"(<tr\b[^>]*>)(.*?</tr>)", body, flags=re.S)
    body = "".join(f"{tr}{_head(head, r == current_row)}{cells}"
                   for r, (head, (tr, cells)) in enumerate(zip(row_heads, rows, strict=True)))
    top = ""
    if col_heads is not None:
        top = "<tr><th></th>" + "".join(_head(head, c == current_col)
                                        for c, head in enumerate(col_heads)) + "</tr>"
    return f"{start}{top}{body}</table>"


def vector(values, symbol, shape, **table_options):
    """vec of a matrix of ``shape`` as a column, each entry named on its left (x11, x12, ...).
    classes / marks / notes are keyed by the matrix's (r, c), as for the matrix itself."""
    width = shape[1]
    flat = {key: {(r * width + c, 0): v for (r, c), v in table_options.pop(key, {}).items()}
            for key in ("classes", "marks", "notes")}
    column = np.asarray(values, dtype=float).reshape(-1, 1)
    return labelled_matrix(column, symbol, _heads(symbol, shape), names=_names(symbol, shape),
                           **flat, **table_options)


def _sum_line(name, factors, bias_name, bias, result, what):
    """'y₁₁ = row y₁₁ of C · vec(X) + b₁₁ = 1·1 + (−1)·2 + … + 1 = 0': the product written out."""
    products = " + ".join(f"{_paren(a)}·{_paren(b)}" for a, b in factors) or "0"
    return (f'<div class="cv-facts">{name} = {what} + {bias_name} = {products} + '
            f"{_paren(bias)} = <b>{format_number(result)}</b></div>")


def _view(*rows):
    """Rows of panels (or a line of text), compact (the matrices are wide), in the styled root."""
    inner = "".join(r if isinstance(r, str) else
                    f'<div class="cv-row" style="margin-bottom:10px">{"".join(r)}</div>'
                    for r in rows)
    return f'{STYLE}<div class="cnnviz-view cv-compact">{inner}</div>'


def _op(symbol):
    return f'<div class="cv-op">{symbol}</div>'


def _paren(value):
    text = format_number(value)
    return f"({text})" if text.startswith("-") else text


def _taps(trace, x_shape):
    """For every window k: {column of vec(X): (m, n)}, the x's window k reads (inside x)."""
    width = x_shape[1]
    return [{int(r) * width + int(c): (m, n) for m, r in enumerate(step.rows)
             for n, c in enumerate(step.cols) if 0 <= r < x_shape[0] and 0 <= c < x_shape[1]}
            for step in trace]


def _c_classes(taps, n_inputs, current):
    """cv-win on the weights of the current window's row, cv-ins (grey) on every entry that
    no weight ever fills (its x is outside that row's window)."""
    classes = {}
    for k, row in enumerate(taps):
        for q in range(n_inputs):
            if q not in row:
                classes[(k, q)] = "cv-ins"
            elif k == current:
                classes[(k, q)] = "cv-win"
    return classes


# ---------------------------------------------------------------------------------------
# The Jacobian view
# ---------------------------------------------------------------------------------------
def _c_table(c, trace, x_shape, current, transposed=False, scale=None):
    """C (or Cᵀ), the rows (columns) of window ``current`` outlined; each entry that is a
    weight notes which one, each entry no window reaches is grey."""
    taps = _taps(trace, x_shape)
    out_shape = (trace[-1].i + 1, trace[-1].j + 1)
    n_in = x_shape[0] * x_shape[1]
    classes = _c_classes(taps, n_in, current)
    notes = {(current, q): named("w", *mn) for q, mn in taps[current].items()}
    y_heads, x_heads = _heads("y", out_shape), _heads("x", x_shape)
    if not transposed:
        return labelled_matrix(c, "c", y_heads, x_heads, current_row=current,
                               classes=classes, notes=notes, scale=scale)
    flip = lambda d: {(q, k): v for (k, q), v in d.items()}
    names = [cell_name("c", k, q) for q in range(n_in) for k in range(len(trace))]
    return labelled_matrix(np.asarray(c).T, "c", x_heads, y_heads, names=names,
                           current_col=current, classes=flip(classes), notes=flip(notes),
                           scale=scale)


def jacobian_forward_view(c, trace, x, b_used, step_index, shared_bias=False, scale=None,
                          lang="en"):
    """Forward, one output per step: C · vec(X) + vec(b) = vec(Y), row k of C outlined, vec(X)
    laid out like X with the window of y_k on it; the line under them adds b_k.

    c : (HO*WO, H*W) from ``matrix_form.conv_matrix``;  trace : ``steps.conv_forward_steps``;
    x : (H, W);  b_used : (HO, WO), the bias of each output;  step_index : 0-based k;
    shared_bias : b is one number (named b, not b_ij);
    scale : the explorer's colour scale (None: no fill), as in every view below;
    lang : the language of the words ("en" / "zh"), as in every view below.
    """
    step = trace[step_index]
    x = np.asarray(x, dtype=float)
    out_shape = step.Y.shape
    at = (step.i, step.j)
    taps = _taps(trace, x.shape)[step_index]
    c = np.asarray(c)
    y_name = named("y", *at)
    return _view(
        [panel(say("matrix.c_title", lang, mark=CURRENT_ROW),
               _c_table(c, trace, x.shape, step_index, scale=scale),
               say("matrix.c_caption", lang)),
         _op("·"),
         conv_input_panel(step, x, title=say("matrix.vec_x", lang, vec="vec(X)"), weights=False,
                          scale=scale, lang=lang),
         _op("+ vec(b) ="),
         panel("vec(Y)", vector(step.Y, "y", out_shape, classes={at: "cv-cur"},
                                marks={at: "◀"}, scale=scale), say("matrix.not_yet", lang))],
        _sum_line(y_name, [(c[step_index, q], x.flat[q]) for q in sorted(taps)],
                  "b" if shared_bias else named("b", *at), b_used[at], step.y,
                  say("matrix.row_of_c", lang, y=y_name, vec="vec(X)")),
    )


def jacobian_backward_view(c, trace, dy, x_shape, step_index, scale=None, lang="en"):
    """Backward, one output per step: vec(∂L/∂X) = Cᵀ · vec(∂L/∂Y), column k of Cᵀ outlined,
    the running ∂L/∂X laid out like X with window k marked (the scatter); below, column k
    laid out like X: the kernel on window k, which ∂L/∂y_k multiplies.

    c : (HO*WO, H*W);  trace : ``steps.conv_backward_steps``;  dy : (HO, WO);  x_shape : (H, W).
    """
    step = trace[step_index]
    dy = np.asarray(dy, dtype=float)
    at = (step.i, step.j)
    window = [(int(r), int(cc)) for r in step.rows for cc in step.cols
              if 0 <= r < x_shape[0] and 0 <= cc < x_shape[1]]
    dy_name = f"∂L/∂{named('y', *at)}"
    column = np.asarray(c)[step_index].reshape(x_shape)
    taps = _taps(trace, x_shape)[step_index]
    column_notes = {divmod(q, x_shape[1]): named("w", *mn) for q, mn in taps.items()}
    column_table = matrix_table(column, "c", labels=False,
                                classes={cell: "cv-win" for cell in window},
                                marks={cell: "▣" for cell in window}, notes=column_notes,
                                scale=scale)
    column_table = _renamed(column_table, [cell_name("c", step_index, q)
                                           for q in range(column.size)])
    return _view(
        [panel(say("matrix.ct_title", lang, mark=CURRENT_ROW),
               _c_table(c, trace, x_shape, step_index, transposed=True, scale=scale),
               say("matrix.ct_caption", lang)),
         _op("·"),
         panel("vec(∂L/∂Y)", vector(dy, "∂L/∂y", dy.shape, classes={at: "cv-cur"},
                                    marks={at: "◀"}, scale=scale)),
         _op("="),
         panel(say("matrix.dx_so_far", lang, vec="vec(∂L/∂X)"),
               matrix_table(step.dX, "∂L/∂x", classes={cell: "cv-new" for cell in window},
                            marks={cell: "+" for cell in window}, labels=False, scale=scale),
               say("matrix.changed", lang))],
        [panel(say("matrix.column_title", lang, mark=CURRENT_ROW), column_table,
               say("matrix.column_caption", lang))],
    )


# ---------------------------------------------------------------------------------------
# The im2col view
# ---------------------------------------------------------------------------------------
def _p_table(p, trace, x_shape, transposed=False, scale=None, lang="en"):
    """P (each entry noting which x it is), or Pᵀ: row (column) k is the window of y_k."""
    kernel = (len(trace[0].rows), len(trace[0].cols))
    out_shape = (trace[-1].i + 1, trace[-1].j + 1)
    notes = {}
    for k, step in enumerate(trace):
        for m, r in enumerate(step.rows):
            for n, cc in enumerate(step.cols):
                inside = 0 <= r < x_shape[0] and 0 <= cc < x_shape[1]
                notes[(k, m * kernel[1] + n)] = (named("x", int(r), int(cc)) if inside
                                                 else say("matrix.pad", lang))
    y_heads, w_heads = _heads("y", out_shape), _heads("w", kernel)
    if not transposed:
        return labelled_matrix(p, "p", y_heads, w_heads, notes=notes, scale=scale)
    n_taps = kernel[0] * kernel[1]
    names = [cell_name("p", k, q) for q in range(n_taps) for k in range(len(trace))]
    return labelled_matrix(np.asarray(p).T, "p", w_heads, y_heads, names=names, scale=scale)


def im2col_view(p, trace, x, w, b_used, y, dy, shared_bias=False, scale=None, lang="en"):
    """Both directions at once: P · vec(W) + vec(b) = vec(Y), and
    vec(∂L/∂W) = Pᵀ · vec(∂L/∂Y). Row k of P (column k of Pᵀ) is the window of y_k.

    p : (HO*WO, KH*KW) from ``matrix_form.im2col``;  trace : ``steps.conv_backward_steps``
    (its last step holds the whole ∂L/∂W);  y : (HO, WO), the forward output;  dy : ∂L/∂Y;
    scale : the explorer's colour scale (None: no fill);  lang : the language of the words."""
    w = np.asarray(w, dtype=float)
    dy = np.asarray(dy, dtype=float)
    x_shape = np.shape(x)
    last = trace[-1]
    if shared_bias:
        bias = say("matrix.b_shared", lang, b=format_number(b_used.flat[0]))
    else:
        bias = say("matrix.b_each", lang, values=join(
            [f"{named('b', *rc)} = {format_number(v)}" for rc, v in np.ndenumerate(b_used)], lang))
    return _view(
        [panel(say("matrix.p_title", lang, p="P = im2col(X)"),
               _p_table(p, trace, x_shape, scale=scale, lang=lang),
               say("matrix.p_caption", lang)),
         _op("·"), panel("vec(W)", vector(w, "w", w.shape, scale=scale)),
         _op("+ vec(b) ="), panel("vec(Y)", vector(y, "y", dy.shape, scale=scale), bias)],
        [panel(say("matrix.pt_title", lang),
               _p_table(p, trace, x_shape, transposed=True, scale=scale, lang=lang),
               say("matrix.pt_caption", lang)),
         _op("·"), panel("vec(∂L/∂Y)", vector(dy, "∂L/∂y", dy.shape, scale=scale)),
         _op("="), panel("vec(∂L/∂W)", vector(last.dW, "∂L/∂w", w.shape, scale=scale))],
    )


# ---------------------------------------------------------------------------------------
# Learning a kernel
# ---------------------------------------------------------------------------------------
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def loss_text(value):
    """A loss to 3 significant digits, small and large ones as 1.23×10⁻⁷ (never rounded to 0).

    >>> [loss_text(v) for v in (5.3697, 0.00145, 3.1e-11, 0.0, 9876955.8)]
    ['5.37', '0.00145', '3.1×10⁻¹¹', '0', '9.88×10⁶']
    """
    value = float(value)
    if value == 0:
        return "0"
    text = f"{value:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    return text


def _decade(power):
    return "10" + str(power).translate(_SUPERSCRIPT)


def loss_curve_svg(losses, upto, steps, width=340, height=220, lang="en"):
    """The loss per iteration on a log scale, drawn up to iteration ``upto`` (a dot there).

    The axes fit every loss of the run (``losses``, all finite) and ``steps`` iterations, so
    the picture does not move while the curve grows; a loss of 0 sits on the bottom line.
    Each segment is its own element: the frames of a run share them. ``lang``: the language
    of the axis's title and of the picture's description.
    """
    losses = np.asarray(losses, dtype=float)
    left, right, top, bottom = 44, 12, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    positive = losses[losses > 0]
    if positive.size:
        hi = math.ceil(math.log10(positive.max()))
        lo = max(math.floor(math.log10(positive.min())), hi - 12)
        lo = min(lo, hi - 1)
    else:
        lo, hi = -1, 0
    span = max(steps, 1)

    def xy(t):
        value = losses[t]
        level = math.log10(value) if value > 0 else lo
        level = min(max(level, lo), hi)
        return (round(left + plot_w * t / span), round(top + plot_h * (hi - level) / (hi - lo)))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="{html.escape(say("learn.curve_label", lang))}">',
             f'<rect width="{width}" height="{height}" fill="#fff"/>']
    every = max(1, math.ceil((hi - lo) / 4))
    ticks = []
    for power in range(lo, hi + 1):
        y = round(top + plot_h * (hi - power) / (hi - lo))
        if (hi - power) % every == 0:
            ticks.append(f'<path d="M{left - 4},{y}h{plot_w + 4}" stroke="#e5e7eb"/>'
                         f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">'
                         f'{_decade(power)}</text>')
    for t in sorted({0, span // 2, span}):
        x = round(left + plot_w * t / span)
        ticks.append(f'<text x="{x}" y="{top + plot_h + 16}" text-anchor="middle">{t}</text>')
    parts.append(f'<g font-size="12" fill="#111">{"".join(ticks)}</g>')
    parts.append(f'<path d="M{left},{top}v{plot_h}h{plot_w}" fill="none" stroke="#444" '
                 'stroke-width="1.5"/>')
    parts.append(f'<text x="{left + plot_w // 2}" y="{height - 6}" font-size="13" fill="#111" '
                 f'text-anchor="middle">{html.escape(say("learn.iteration_axis", lang))}</text>')
    segments = []
    for t in range(1, upto + 1):
        (x0, y0), (x1, y1) = xy(t - 1), xy(t)
        segments.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}"/>')
    parts.append(f'<g stroke="#1d4ed8" stroke-width="2.5">{"".join(segments)}</g>')
    x, y = xy(upto)
    parts.append(f'<circle cx="{x}" cy="{y}" r="6" fill="#b91c1c"/>')
    parts.append("</svg>")
    return "".join(parts)


def learning_view(trace, t, hidden, stable_rate, error, scale=None, lang="en"):
    """Iteration t of a ``learning.KernelTrace``: W after t steps next to the hidden kernel W*,
    the loss curve so far; on the last iteration, what the run did.

    stable_rate : 2/λ_max of the inputs (``learning.largest_stable_rate``);
    error : (T+1,) the largest |w_mn - w*_mn| at each iteration;
    scale : the explorer's colour scale of W and W* (None: no fill);
    lang : the language of the words ("en" / "zh").
    """
    w, loss = trace.w[t], trace.loss[t]
    last = t == trace.iterations
    rate = format_number(trace.rate)
    facts = say("learn.after_one" if t == 1 else "learn.after_many", lang, t=t,
                loss=loss_text(loss))
    if t > 0:
        before = trace.loss[t - 1]
        facts += say("learn.up" if loss > before else "learn.down" if loss < before
                     else "learn.same", lang)
    hidden = np.asarray(hidden, dtype=float)
    both = labelled_matrix(
        np.vstack([w.ravel(), hidden.ravel()]), "w",
        ["W", say("learn.hidden_row", lang)], _heads("w", w.shape),
        names=_names("w", w.shape) + _names("w*", hidden.shape), scale=scale)
    panels = [
        panel(say("learn.w_title", lang), both, say("learn.w_caption", lang, rate=rate)),
        panel(say("learn.loss_title", lang),
              loss_curve_svg(trace.loss, t, trace.steps, lang=lang)),
    ]
    body = f'<div class="cv-row">{"".join(panels)}</div><div class="cv-facts">{facts}</div>'
    if last:
        body += _verdict(trace, error, stable_rate, lang)
    return f'{STYLE}<div class="cnnviz-view">{body}</div>'


def _verdict(trace, error, stable_rate, lang="en"):
    rate, first, final = format_number(trace.rate), trace.loss[0], trace.loss[-1]
    limit = (f"2/λ<sub>max</sub> = {format_number(stable_rate)}" if math.isfinite(stable_rate)
             else "2/λ<sub>max</sub>")
    too_large = (say("learn.too_large", lang, rate=rate, limit=limit)
                 if trace.rate > stable_rate else "")
    loss_first, loss_final = loss_text(first), loss_text(final)
    if trace.diverged:
        text = say("learn.diverged", lang, n=trace.iterations, first=loss_first,
                   final=loss_final) + too_large
        return f'<div class="cv-verdict cv-bad">{text}</div>'
    if final > first:
        text = say("learn.grows", lang, first=loss_first, final=loss_final) + too_large
        return f'<div class="cv-verdict cv-bad">{text}</div>'
    if first == 0:
        return f'<div class="cv-verdict">{say("learn.nothing", lang)}</div>'
    if trace.rate == 0:
        return (f'<div class="cv-verdict cv-bad">{say("learn.rate_zero", lang, final=loss_final)}'
                "</div>")
    text = say("learn.fell", lang, first=loss_first, final=loss_final,
               error=loss_text(error[-1]))
    if trace.rate > stable_rate:
        text += say("learn.but", lang, rate=rate, limit=limit)
    return f'<div class="cv-verdict">{text}</div>'
