"""Pictures for the end-to-end notebook: matrices as HTML tables, and small matplotlib figures.

* ``matrices`` shows named arrays side by side with ``cnnviz.views`` (large readable tables,
  each cell named in ``data-cell``); its plain-text form lists the same numbers. Each such
  output carries the rules of the views' stylesheet that it uses, and no others.
* ``pool_backward_view`` shows, for every pool window Y'_k, the window, its mask M_k and the
  local gradient dL/dz_ij * M_k of a ``cnnviz.chain.ChainRecord``.
* ``loss_curve``, ``kernels`` and ``digits`` return a ``matplotlib.figure.Figure`` (small, 80 dpi),
  made without pyplot: no global figure state and no rcParams change. Matplotlib is imported
  only when one of them is called.
"""
import html
import re

import numpy as np

from . import conv as views

__all__ = ["Shown", "matrices", "pool_backward_view", "loss_curve", "kernels", "digits"]

DPI = 80


class Shown:
    """A view that a notebook displays as HTML, with a plain-text twin of the same numbers."""

    def __init__(self, html_text, plain_text):
        self.html, self.text = html_text, plain_text

    def _repr_html_(self):
        return self.html

    def __repr__(self):
        return self.text


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CLASS_ATTRIBUTE = re.compile(r"""class=["']([^"']*)["']""")


def _rules():
    """(selectors, [classes of each selector], declarations) of every rule of the views' CSS."""
    css = re.sub(r"/\*.*?\*/", "", views.CSS, flags=re.S)
    return [(" ".join(selectors.split()), [re.findall(r"\.([\w-]+)", s) for s in selectors.split(",")],
             " ".join(body.split())) for selectors, body in _RULE.findall(css)]


def _styled(view_html):
    """A view with only the rules of the views' stylesheet that it uses, written compactly.

    A notebook shows many of these outputs, each standing alone: a rule is kept when every class
    of one of its selectors appears in the view (the others could match nothing in it).

    >>> shown = _styled('<div class="cnnviz-view"><div class="cv-title">W</div></div>')
    >>> ".cv-title{" in shown and ".cv-row" not in shown and shown.count("<style>") == 1
    True
    """
    body = view_html.replace(views.STYLE, "")
    if "@" in views.CSS:  # an at-rule (@media ...) nests rules: keep the stylesheet whole
        return views.STYLE + body
    used = {name for names in _CLASS_ATTRIBUTE.findall(body) for name in names.split()}
    kept = [f"{selectors}{{{declarations}}}" for selectors, classes, declarations in _rules()
            if any(all(name in used for name in names) for names in classes)]
    return f"<style>{''.join(kept)}</style>{body}"


def _plain(title, values):
    """A title and the numbers as a student would write them, right-aligned in columns."""
    cells = [[views.format_number(v) for v in row] for row in np.atleast_2d(values)]
    width = max(len(c) for row in cells for c in row)
    return "\n".join([title] + ["  " + "  ".join(c.rjust(width) for c in row) for row in cells])


def _strip_tags(text):
    """Plain-text form of a title that may hold <sub>…</sub> markup."""
    import re
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def matrices(*items):
    """Arrays side by side: each item is (title, values, symbol) or (title, values, symbol, caption).

    values : 2-D (a number is shown as 1x1);  symbol : the derivation's notation of its entries
    ('x', '∂L/∂y'), or None for a matrix whose entries have no name of their own (no labels)

    >>> matrices(("W", [[1, -1], [2, 0]], "w"))
    W
       1  -1
       2   0
    """
    panels, texts = [], []
    for item in items:
        title, values, symbol, caption = (*item, "")[:4]
        values = np.atleast_2d(np.asarray(values, dtype=float))
        table = views.matrix_table(values, symbol or "", labels=symbol is not None)
        panels.append(views.panel(title, table, caption))
        texts.append(_plain(_strip_tags(title), values))
    return Shown(_styled(views.row(*panels)), "\n".join(texts))


def pool_backward_view(record):
    """For every window Y'_k of the chain's pool: the window (max outlined), M_k, dL/dz_ij * M_k.

    record : a 2-D ``cnnviz.chain.ChainRecord``. Window cells are labelled with their names
    in Y (y11, y22, ...), so you can see where each local gradient will be added.
    """
    windows, masks, dz = record.windows, record.masks, record.dz
    if windows.ndim != 4:
        raise ValueError("pool_backward_view shows the 2-D case (one image, one channel)")
    zh, zw = windows.shape[:2]
    stride = record.pool_stride
    rows, texts = [], []
    for i in range(zh):
        for j in range(zw):
            k = i * zw + j + 1
            window, mask, grad = windows[i, j], masks[i, j], dz[i, j]
            winners = [tuple(int(v) for v in at) for at in np.argwhere(mask > 0)]  # 1 unless tied
            top = views.format_number(window.max())
            at_y = dict(row_offset=i * stride, col_offset=j * stride)  # cells named as in Y
            z_name = f"z<sub>{i + 1}{j + 1}</sub>"
            rows.append(views.row(
                views.panel(f"Window Y'<sub>{k}</sub>",
                            views.matrix_table(window, "y", classes={at: "cv-max" for at in winners},
                                               marks={at: "max" for at in winners}, **at_y),
                            f"max = {top} = {z_name}"),
                views.panel(f"Mask M<sub>{k}</sub>", views.matrix_table(mask, "m", labels=False),
                            "1 where the maximum sits"),
                views.panel(f"∂L/∂{z_name} · M<sub>{k}</sub>",
                            views.matrix_table(grad * mask, "∂L/∂y", **at_y),
                            f"= {views.format_number(grad)} · M<sub>{k}</sub>, added at the window's place"),
            ))
            names = ", ".join(f"y{r + i * stride + 1}{c + j * stride + 1}" for r, c in winners)
            texts.append(f"Y'{k}: max {top} at {names}; local gradient {views.format_number(grad)} * M{k}")
    # one stylesheet is enough (and only its rules these rows use)
    return Shown(_styled("".join(rows)), "\n".join(texts))


def _figure(width, height):
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), dpi=DPI)


def loss_curve(history, title="training loss"):
    """The loss of every mini-batch (thin line) and on the whole training set after each epoch (dots).

    history : as returned by ``cnnviz.tinycnn.train``.
    """
    fig = _figure(5.0, 2.8)
    ax = fig.add_subplot()
    batch = np.asarray(history["batch_loss"])
    epochs = len(history["loss"]) - 1
    per_epoch = len(batch) / max(epochs, 1)
    ax.plot(np.arange(1, len(batch) + 1) / per_epoch, batch, color="#9ca3af", lw=0.8, label="mini-batch")
    ax.plot(np.arange(epochs + 1), history["loss"], "o-", color="#1d4ed8", lw=2, label="training set")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss")
    ax.set_title(title)
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def kernels(w, title="learned 3×3 kernels"):
    """Each filter w[f, 0] as a small image; red positive, blue negative, one colour scale for all.

    w : (F, 1, KH, KW), e.g. the trained params["W"].
    """
    w = np.asarray(w, dtype=float)
    count = w.shape[0]
    fig = _figure(1.0 * count + 0.6, 1.6)
    limit = float(np.abs(w).max()) or 1.0
    axes = fig.subplots(1, count, squeeze=False)[0]
    for f, ax in enumerate(axes):
        image = ax.imshow(w[f, 0], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"filter {f + 1}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image, ax=list(axes), shrink=0.8)
    fig.suptitle(title, fontsize=10)
    return fig


def digits(images, labels, count=10):
    """The first ``count`` images (N, 1, H_in, W_in) or (N, H_in, W_in) in grey, each titled
    with its label."""
    images = np.asarray(images, dtype=float)
    images = images[:, 0] if images.ndim == 4 else images
    fig = _figure(0.8 * count, 1.1)
    axes = fig.subplots(1, count, squeeze=False)[0]
    for ax, image, label in zip(axes, images, labels):
        ax.imshow(image, cmap="gray_r")
        ax.set_title(str(label), fontsize=10)
        ax.axis("off")
    return fig
