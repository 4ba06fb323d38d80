"""Pictures for the end-to-end notebook: matrices as HTML tables, and small matplotlib figures.

* ``matrices`` shows named arrays side by side with ``cnnviz.views`` (large readable tables,
  each cell named in ``data-cell``); its plain-text form lists the same numbers. Each such
  output carries the rules of the views' stylesheet that it uses, and no others.
* ``pool_backward_view`` shows, for every pool window Y'_k, the window, its mask M_k and the
  local gradient dL/dz_ij * M_k of a ``cnnviz.chain.ChainRecord``.
* ``loss_curve``, ``kernels`` and ``digits`` return a ``matplotlib.figure.Figure`` (small, 80 dpi),
  made without pyplot: no global figure state and no rcParams change. Matplotlib is imported
  only when one of them is called.

Their words are in ``lang`` ("en" / "zh"; None, the default: the notebook's language,
``cnnviz.i18n.language()``), from the catalog (``cnnviz.words``, ids ``plots.*``); a title given
to ``matrices`` may be a str or a dict {"en": ..., "zh": ...} (``cnnviz.i18n.pick``). A Chinese
figure sets a CJK font on its own texts (``cjk_font()``, e.g. "Noto Sans CJK SC", then the usual
sans-serif for any glyph it lacks); with no CJK font installed it keeps the English words rather
than draw empty boxes. An English figure never asks for one.
"""
import functools
import html
import re

import numpy as np

from .. import i18n
from ..words import say
from . import conv as views

__all__ = ["Shown", "matrices", "pool_backward_view", "loss_curve", "kernels", "digits",
           "cjk_font"]

DPI = 80

# Fonts with Simplified Chinese glyphs, the first one matplotlib finds wins (Debian/Ubuntu:
# fonts-noto-cjk; then Adobe's name for the same font, and those of other systems).
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Droid Sans Fallback", "PingFang SC", "Microsoft YaHei",
             "SimHei")


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
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def matrices(*items, lang=None):
    """Arrays side by side: each item is (title, values, symbol) or (title, values, symbol, caption).

    title, caption : a str, or a dict {"en": ..., "zh": ...} shown in ``lang`` (None: the
    notebook's language);  values : 2-D (a number is shown as 1x1);  symbol : the derivation's
    notation of its entries ('x', '∂L/∂y'), or None for a matrix whose entries have no name of
    their own (no labels)

    >>> matrices(("W", [[1, -1], [2, 0]], "w"))
    W
       1  -1
       2   0
    >>> matrices(({"en": "W (kernel)", "zh": "W（卷积核）"}, [[1, 2]], "w"), lang="zh")
    W（卷积核）
      1  2
    """
    lang = i18n.resolve(lang)
    panels, texts = [], []
    for item in items:
        title, values, symbol, caption = (*item, "")[:4]
        title = i18n.pick(i18n.check_text(title, "a matrix's title"), lang)
        caption = i18n.pick(i18n.check_text(caption, "a matrix's caption"), lang)
        values = np.atleast_2d(np.asarray(values, dtype=float))
        table = views.matrix_table(values, symbol or "", labels=symbol is not None)
        panels.append(views.panel(title, table, caption))
        texts.append(_plain(_strip_tags(title), values))
    return Shown(_styled(views.row(*panels)), "\n".join(texts))


def pool_backward_view(record, lang=None):
    """For every window Y'_k of the chain's pool: the window (max outlined), M_k, dL/dz_ij * M_k.

    record : a 2-D ``cnnviz.chain.ChainRecord``. Window cells are labelled with their names
    in Y (y11, y22, ...), so you can see where each local gradient will be added.
    lang : the language of the words (None: the notebook's).
    """
    lang = i18n.resolve(lang)
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
            mark = say("pool.mark_max", lang)
            rows.append(views.row(
                views.panel(say("plots.window", lang, k=k),
                            views.matrix_table(window, "y", classes={at: "cv-max" for at in winners},
                                               marks={at: mark for at in winners}, **at_y),
                            say("plots.max_caption", lang, top=top, z=z_name)),
                views.panel(say("plots.mask", lang, k=k), views.matrix_table(mask, "m", labels=False),
                            say("plots.mask_caption", lang)),
                views.panel(f"∂L/∂{z_name} · M<sub>{k}</sub>",
                            views.matrix_table(grad * mask, "∂L/∂y", **at_y),
                            say("plots.added", lang, grad=views.format_number(grad), k=k)),
            ))
            names = say("list.sep", lang).join(f"y{r + i * stride + 1}{c + j * stride + 1}"
                                               for r, c in winners)
            texts.append(say("plots.window_text", lang, k=k, top=top, names=names,
                             grad=views.format_number(grad)))
    # one stylesheet is enough (and only its rules these rows use)
    return Shown(_styled("".join(rows)), "\n".join(texts))


def _figure(width, height):
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), dpi=DPI)


@functools.lru_cache(maxsize=None)
def cjk_font():
    """The name of the first font of ``CJK_FONTS`` that matplotlib finds, or None."""
    from matplotlib import font_manager
    for name in CJK_FONTS:
        try:
            font_manager.findfont(font_manager.FontProperties(family=name),
                                  fallback_to_default=False)
        except ValueError:
            continue
        return name
    return None


def _figure_words(lang):
    """(the language a figure's words are drawn in, {text keyword: font} for each of them).

    Chinese only with a CJK font (first, then the sans-serif fonts for what it lacks); English
    when there is none, rather than boxes. English texts keep matplotlib's own font."""
    lang = i18n.resolve(lang)
    font = cjk_font() if lang == "zh" else None
    if font is None:
        return "en", {}
    return lang, {"fontfamily": [font, "sans-serif"]}


def _legend_font(font):
    """The legend's ``prop`` for the figure's font ({} for matplotlib's own)."""
    if not font:
        return {}
    from matplotlib.font_manager import FontProperties
    return {"prop": FontProperties(family=font["fontfamily"])}


def loss_curve(history, title=None, lang=None):
    """The loss of every mini-batch (thin line) and on the whole training set after each epoch (dots).

    history : as returned by ``cnnviz.tinycnn.train``;  title : a str or {"en": ..., "zh": ...}
    (None: "training loss");  lang : the language of the words (None: the notebook's).
    """
    lang, font = _figure_words(lang)
    title = say("plots.loss_title", lang) if title is None else i18n.pick(title, lang)
    fig = _figure(5.0, 2.8)
    ax = fig.add_subplot()
    batch = np.asarray(history["batch_loss"])
    epochs = len(history["loss"]) - 1
    per_epoch = len(batch) / max(epochs, 1)
    ax.plot(np.arange(1, len(batch) + 1) / per_epoch, batch, color="#9ca3af", lw=0.8,
            label=say("plots.mini_batch", lang))
    ax.plot(np.arange(epochs + 1), history["loss"], "o-", color="#1d4ed8", lw=2,
            label=say("plots.training_set", lang))
    ax.set_xlabel(say("plots.epoch", lang), **font)
    ax.set_ylabel(say("plots.loss_axis", lang), **font)
    ax.set_title(title, **font)
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, **_legend_font(font))
    fig.tight_layout()
    return fig


def kernels(w, title=None, lang=None):
    """Each filter w[f, 0] as a small image; red positive, blue negative, one colour scale for all.

    w : (F, 1, KH, KW), e.g. the trained params["W"];  title : a str or {"en": ..., "zh": ...}
    (None: "learned KH×KW kernels");  lang : the language of the words (None: the notebook's).
    """
    lang, font = _figure_words(lang)
    w = np.asarray(w, dtype=float)
    count = w.shape[0]
    if title is None:
        title = say("plots.kernels_title", lang, kh=w.shape[-2], kw=w.shape[-1])
    fig = _figure(1.0 * count + 0.6, 1.6)
    limit = float(np.abs(w).max()) or 1.0
    axes = fig.subplots(1, count, squeeze=False)[0]
    for f, ax in enumerate(axes):
        image = ax.imshow(w[f, 0], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(say("plots.filter", lang, f=f + 1), fontsize=9, **font)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image, ax=list(axes), shrink=0.8)
    fig.suptitle(i18n.pick(title, lang), fontsize=10, **font)
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
