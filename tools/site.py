"""make site: the collection as static HTML pages that need no kernel and no network.

    python tools/site.py [OUT] [--notebooks DIR]

Every notebook of DIR (default notebooks/) named NN_*.ipynb becomes OUT/NN_*.html (default
site/), with its committed outputs (nothing is executed), and OUT/index.html lists them in order
with their titles (each notebook's first markdown heading). The derivation the collection teaches,
DIR/derivation.md, becomes OUT/derivation.html (its markdown exported as a one-cell notebook, so
its math is made like the notebooks'), linked from the index. The Chinese edition, DIR/zh/NN_*.ipynb
(tools/notebooks.py), becomes OUT/zh/NN_*.html with its own index in Chinese, OUT/zh/index.html,
linked from OUT/index.html; its pages are marked ``lang="zh-CN"`` and link the notebooks that have
no Chinese edition yet in English (../NN_*.html). Its derivation page, DIR/zh/derivation.md (the
original with the errata in Chinese), becomes OUT/zh/derivation.html, linked from OUT/zh/index.html;
the Chinese notebooks' links to derivation.md lead there (were it missing, the zh index would link
the English page, ../derivation.html).

Offline by construction:

- outputs show their ``text/html`` copy, never the widget view; a widget output with no
  ``text/html`` is drawn here from the widget state saved in the notebook: every stage becomes
  a static stage (``cnnviz.explorers.stage.static_stage_html``: its frames as JSON, the stage
  module inline) that plays, steps and scrubs with no kernel; sliders and other controls are
  shown inert, under the note that says where to move them (``open_to_edit``, in the page's
  language: Chinese on the pages of OUT/zh/); no widget manager and no widget state is written;
- markdown math ($...$, $$...$$) and ``text/latex`` outputs become MathML here, at build time
  (latex2mathml), so no MathJax is loaded;
- require.js, MathJax, mermaid and every other ``<script src=http...>`` / ``<link href=http...>``
  are left out; a page that would still reference anything outside the site stops the build;
- images stay data URIs; links to ``*.ipynb`` (and to ``derivation.md``) point to the ``.html`` pages.
"""
import argparse
import copy
import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from traitlets import Unicode
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the tools beside this one
import widget_state  # noqa: E402
from cnnviz.explorers.stage import (open_to_edit, static_page_parts, static_slider,
                                    static_stage_html)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SITE = ROOT / "site"
NOTEBOOK_NAME = re.compile(r"^\d\d_.+\.ipynb$")
ZH = "zh"  # the Chinese edition: DIR/zh/ -> OUT/zh/
HTML_LANG = {"en": "en", ZH: "zh-CN"}
BACK_LINK = {"en": "&larr; All notebooks", ZH: "&larr; 全部笔记本"}
DERIVATION = "derivation.md"  # the derivation itself with its errata (DIR/ and DIR/zh/)
MARKER = ".cnnviz-site"  # marks a folder this builder wrote (stale pages there may be removed)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# text/html first: the static copy plays with no kernel; the widget view is not in the list.
DISPLAY_PRIORITY = ["text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg",
                    "text/plain", "text/latex"]

SITE_CSS = """
.cnnviz-site-nav{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;padding:8px 16px;
  border-bottom:1px solid #ddd;background:#fafafa}
.cnnviz-site-nav a{color:#1565c0;text-decoration:none}
.cnnviz-site-nav a:hover{text-decoration:underline}
math[display="block"]{display:block math;margin:.6em 0;overflow-x:auto;overflow-y:hidden}
.jp-RenderedHTMLCommon math{font-size:1.05em}
code.cnnviz-tex{white-space:pre-wrap}
.cnnviz-site-widget{margin:4px 0}
.cnnviz-site-choice{display:flex;flex-wrap:wrap;align-items:center;gap:4px;margin:4px 0}
.cnnviz-site-option{border:1px solid #bbb;border-radius:3px;padding:1px 8px;color:#555;background:#f4f4f4}
.cnnviz-site-option.cnnviz-site-chosen{border-color:#1565c0;color:#fff;background:#1976d2}
.cnnviz-site-tab{font-weight:600;margin:6px 0 2px}
.cnnviz-site-progress progress{vertical-align:middle}
"""

TEMPLATE_NAME = "cnnviz_site.html.j2"
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style type="text/css">""" + SITE_CSS + """</style>{%- endblock extra_css -%}
{%- block data_widget_view -%}{%- endblock data_widget_view -%}
{%- block body_header -%}
{{ super() }}
<nav class="cnnviz-site-nav"><a href="index.html">{{ resources.get("cnnviz_back", "&larr; All notebooks") }}</a></nav>
{%- endblock body_header -%}
"""


class SiteError(RuntimeError):
    """A page that cannot be made offline (it references something outside the site)."""


# --- math -------------------------------------------------------------------------------------

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_RAW_HTML = re.compile(r"<!--.*?-->|<(code|pre|kbd|samp|script|style)\b[^>]*>.*?</\1\s*>",
                       flags=re.S | re.I)
_BACKTICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_TOKEN = re.compile(r"CNNVIZMATH(\d+)END")
_TAG = re.compile(r"<[^<>]*>")


@dataclass
class MathStore:
    """The math of one page: placeholders in the markdown, MathML in the page."""

    items: list = field(default_factory=list)  # (tex, display)
    failures: list = field(default_factory=list)  # (tex, error)

    def add(self, tex, display):
        self.items.append((tex, display))
        return f"CNNVIZMATH{len(self.items) - 1}END"

    def mathml(self, index):
        tex, display = self.items[index]
        return tex_to_html(tex, display, self.failures)

    def text(self, index):
        """A placeholder's math as attribute-safe text (heading ids, anchors, alt text)."""
        return re.sub(r"[^0-9A-Za-z]+", "-", self.items[index][0]).strip("-")

    def fill(self, page):
        """Put the MathML in place of the placeholders (plain text inside tags)."""
        page = _TAG.sub(lambda tag: _TOKEN.sub(lambda m: self.text(int(m.group(1))), tag.group()),
                        page)
        return _TOKEN.sub(lambda m: self.mathml(int(m.group(1))), page)


def tex_to_html(tex, display=False, failures=None):
    """LaTeX as MathML; what latex2mathml cannot read is shown as its source (and recorded)."""
    tex = tex.strip()
    try:
        mathml = latex_to_mathml(tex, display="block" if display else "inline")
        # TeX sets / as an ordinary symbol: no operator spacing around it (∂L/∂Y)
        return mathml.replace("<mo>&#x0002F;</mo>", '<mo lspace="0" rspace="0">&#x0002F;</mo>')
    except Exception as err:  # latex2mathml raises many kinds of errors for input it cannot read
        if failures is not None:
            failures.append((tex, f"{type(err).__name__}: {err}"))
        return f'<code class="cnnviz-tex">{html.escape(tex)}</code>'


def _inline_math_end(text, start):
    """Index of the $ closing an inline formula opened at ``start``, or -1."""
    if start + 1 >= len(text) or text[start + 1].isspace():
        return -1
    k = start + 1
    while k < len(text):
        ch = text[k]
        if ch == "\\":
            k += 2
            continue
        if ch == "$":
            if text[k - 1].isspace() or (k + 1 < len(text) and text[k + 1].isdigit()):
                return -1
            return -1 if _BLANK_LINE.search(text, start, k) else k
        k += 1
    return -1


def _display_math_end(text, start):
    """Index of the $$ closing a display formula opened at ``start``, or -1."""
    k = start + 2
    while k < len(text) - 1:
        if text[k] == "\\":
            k += 2
            continue
        if text.startswith("$$", k):
            return k
        k += 1
    return -1


def _replace_in_text(text, store):
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            out.append(text[i:i + 2])
            i += 2
            continue
        if ch == "`":
            run = _BACKTICKS.match(text, i).group()
            close = re.compile(f"(?<!`){run}(?!`)").search(text, i + len(run))
            end = close.end() if close else i + len(run)
            out.append(text[i:end])
            i = end
            continue
        if ch == "<":
            raw = _RAW_HTML.match(text, i)
            if raw:
                out.append(raw.group())
                i = raw.end()
                continue
        if text.startswith("$$", i):
            end = _display_math_end(text, i)
            if end != -1 and text[i + 2:end].strip():
                out.append(store.add(text[i + 2:end], display=True))
                i = end + 2
                continue
            out.append("$$")
            i += 2
            continue
        if ch == "$":
            end = _inline_math_end(text, i)
            if end != -1:
                out.append(store.add(text[i + 1:end], display=False))
                i = end + 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def replace_math(markdown, store):
    """Markdown with its formulas replaced by placeholders (code spans and blocks untouched)."""
    out, chunk, fence = [], [], None
    for line in markdown.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence is None:
            if match:
                out.append(_replace_in_text("".join(chunk), store))
                chunk, fence = [], match.group(1)
                out.append(line)
            else:
                chunk.append(line)
        else:
            out.append(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip()[len(match.group(1)):].strip():
                fence = None
    out.append(_replace_in_text("".join(chunk), store))
    return "".join(out)


def latex_output_html(latex):
    """A text/latex output (``$...$``, ``$$...$$``, ``\\[...\\]``) as MathML, or None."""
    tex = latex.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if len(tex) >= len(left) + len(right) and tex.startswith(left) and tex.endswith(right):
            tex = tex[len(left):-len(right)]
            break
    else:
        return None
    failures = []
    mathml = tex_to_html(tex.replace("\\displaystyle", ""), True, failures)
    return None if failures else mathml


# --- widgets from the saved widget state ---------------------------------------------------------

_MODEL_REF = "IPY_MODEL_"
_BOXES = {"VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel"}
_CHOICES = {"ToggleButtonsModel", "DropdownModel", "RadioButtonsModel", "SelectModel"}
_TEXTS = {"TextModel", "TextareaModel", "IntTextModel", "FloatTextModel", "BoundedIntTextModel",
          "BoundedFloatTextModel", "PasswordModel", "ComboboxModel", "DatePickerModel",
          "ColorPickerModel"}


class StaticWidgets:
    """Widget views drawn as static HTML from a notebook's saved widget state; their own words
    (the note above inert controls) in ``lang``, the page's language ("en" or "zh")."""

    def __init__(self, nb, math=None, lang="en"):
        saved = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {})
        # the saved state leaves out what is at its default (tools/widget_state.py)
        self.models = widget_state.complete(copy.deepcopy(saved.get("state", {}))) \
            if isinstance(saved, dict) else {}
        self.math = math  # a MathStore for the $...$ of HTMLMath widgets
        self.lang = lang
        self.controls = 0

    def has(self, model_id):
        return model_id in self.models

    def output_html(self, model_id):
        """A widget output as static HTML (controls inert, stages playing), or None if the
        notebook saved no state for it."""
        if not self.has(model_id):
            return None
        self.controls = 0
        body = self.html(model_id)
        note = open_to_edit(self.lang) if self.controls else ""
        return f'<div class="cnnviz-explorer-static cnnviz-site-widget">{note}{body}</div>'

    def _state(self, ref):
        model = self.models.get(str(ref).removeprefix(_MODEL_REF)) if ref else None
        return model.get("state", {}) if model else {}

    def _hidden(self, state):
        layout = self._state(state.get("layout"))
        return layout.get("display") == "none" or layout.get("visibility") == "hidden"

    def html(self, ref):
        model = self.models.get(str(ref).removeprefix(_MODEL_REF))
        if not model:
            return ""
        name, state = model.get("model_name", ""), model.get("state", {})
        if self._hidden(state):
            return ""
        desc = html.escape(str(state.get("description") or ""))
        if name in _BOXES:
            children = "".join(self.html(child) for child in state.get("children", []))
            return f'<div class="cnnviz-site-box" style="{self._box_style(name, state)}">{children}</div>'
        if name in {"AccordionModel", "TabModel", "StackModel"}:
            titles = list(state.get("titles") or [])
            parts = []
            for i, child in enumerate(state.get("children", [])):
                title = titles[i] if i < len(titles) and titles[i] else ""
                heading = f'<div class="cnnviz-site-tab">{html.escape(title)}</div>' if title else ""
                parts.append(heading + self.html(child))
            return "".join(parts)
        if name == "AnyModel" and "frames" in state:
            return static_stage_html(state)
        if name.endswith("SliderModel"):
            self.controls += 1
            return _slider_html(state)
        if name in {"HTMLModel", "HTMLMathModel"}:
            label = f"<span>{desc}</span> " if desc else ""
            value = str(state.get("value") or "")
            if name == "HTMLMathModel" and self.math is not None:
                value = replace_math(value, self.math)
            return f'<div class="cnnviz-site-html">{label}{value}</div>'
        if name == "LabelModel":
            return f'<div class="cnnviz-site-label">{html.escape(str(state.get("value") or ""))}</div>'
        if name in _CHOICES:
            self.controls += 1
            labels = list(state.get("_options_labels") or [])
            index = state.get("index")
            options = "".join(
                f'<span class="cnnviz-site-option{" cnnviz-site-chosen" if i == index else ""}">'
                f"{html.escape(str(label))}</span>" for i, label in enumerate(labels))
            return f'<div class="cnnviz-site-choice"><span>{desc}</span> {options}</div>'
        if name in {"CheckboxModel", "ToggleButtonModel", "ValidModel"}:
            self.controls += 1
            checked = " checked" if state.get("value") else ""
            return (f'<label class="cnnviz-site-check"><input type="checkbox" disabled{checked}> '
                    f"{desc}</label>")
        if name == "ButtonModel":
            self.controls += 1
            return f'<button type="button" class="cnnviz-site-button" disabled>{desc}</button>'
        if name in {"IntProgressModel", "FloatProgressModel"}:
            value, top = state.get("value", 0), state.get("max", 100)
            return (f'<label class="cnnviz-site-progress">{desc} <progress max="{html.escape(str(top))}" '
                    f'value="{html.escape(str(value))}"></progress> {html.escape(str(value))}'
                    f"/{html.escape(str(top))}</label>")
        if name in _TEXTS:
            self.controls += 1
            value = html.escape(str(state.get("value") if state.get("value") is not None else ""))
            return f'<label class="cnnviz-site-text">{desc} <input disabled value="{value}"></label>'
        if name == "OutputModel":
            return "".join(_output_html(output) for output in state.get("outputs", []))
        return ""

    def _box_style(self, name, state):
        layout = self._state(state.get("layout"))
        gap = layout.get("grid_gap") or "4px 16px"
        if name == "GridBoxModel":  # inert sliders are narrower than live ones: columns fit them
            columns = re.sub(r"\d+(?:\.\d+)?px", "max-content",
                             layout.get("grid_template_columns") or "repeat(auto-fill, max-content)")
            return f"display:grid;grid-template-columns:{html.escape(columns)};gap:2px 20px"
        if name == "HBoxModel":
            return f"display:flex;flex-flow:row wrap;align-items:flex-start;gap:{html.escape(gap)}"
        return "display:flex;flex-direction:column"


def _slider_html(state):
    """An inert slider where the live one stood (``static_slider`` with its range and step)."""
    label = static_slider(str(state.get("description") or ""), _readout(state))
    bounds = "".join(f' {key}="{html.escape(str(state[key]))}"' for key in ("min", "max", "step")
                     if isinstance(state.get(key), (int, float)))
    value = state.get("value")
    if isinstance(value, (int, float)):
        label = re.sub(r'<input type="range" disabled value="[^"]*"',
                       f'<input type="range" disabled{bounds} value="{value}"', label, count=1)
    return label


def _readout(state):
    value = state.get("value")
    fmt = state.get("readout_format") or ""
    if isinstance(value, (int, float)) and fmt:
        try:
            return format(value, fmt)
        except (ValueError, TypeError):
            pass
    if isinstance(value, list):
        return " – ".join(str(v) for v in value)
    return value


def _output_html(output):
    """One output of an Output widget, simply."""
    data = output.get("data", {})
    if "text/html" in data:
        return _text(data["text/html"])
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            return f'<img src="data:{mime};base64,{_text(data[mime]).strip()}">'
    if output.get("output_type") == "stream":
        return f"<pre>{html.escape(_text(output.get('text', '')))}</pre>"
    if "text/plain" in data:
        return f"<pre>{html.escape(_text(data['text/plain']))}</pre>"
    return ""


# --- nbconvert --------------------------------------------------------------------------------

_STAGE_KEY = re.compile(r'(data-cnnviz-stage(?:-data)?=(?:\\?"|&quot;))([A-Za-z0-9_-]+)')


class OfflinePreprocessor(Preprocessor):
    """Math to placeholders (MathML after rendering); widget views drawn from the saved widget
    state as ``text/html`` (then no widget view or widget state is left); stage keys unique in
    the page; ``text/latex`` outputs as MathML. ``lang``: the language of the pages ("en", "zh")."""

    lang = Unicode("en")

    def preprocess(self, nb, resources):
        store = MathStore()
        resources["cnnviz_math"] = store
        widgets = StaticWidgets(nb, store, self.lang)
        missing = resources["cnnviz_widgets_missing"] = []
        nb.metadata.pop("widgets", None)
        stage_ids = iter(range(1, 1 << 30))
        css = static_page_parts()
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = replace_math(cell.source, store)
            for output in cell.get("outputs", []):
                data = output.get("data")
                if not data:
                    continue
                view = data.pop(WIDGET_VIEW, None)
                if view and "text/html" not in data:
                    drawn = widgets.output_html(view.get("model_id"))
                    if drawn is None:
                        missing.append(view.get("model_id"))
                    else:
                        data["text/html"], css = css + drawn, ""
                data.pop(WIDGET_STATE, None)
                if "text/markdown" in data:
                    data["text/markdown"] = replace_math(_text(data["text/markdown"]), store)
                if "text/latex" in data and "text/html" not in data:
                    mathml = latex_output_html(_text(data["text/latex"]))
                    if mathml:
                        data["text/html"] = mathml
                if "text/html" in data:
                    data["text/html"] = _unique_stage_keys(_text(data["text/html"]), stage_ids)
        return nb, resources


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def _unique_stage_keys(page, ids):
    """The static stages of one output renamed so that no two outputs of a page share a key."""
    renamed = {}

    def rename(match):
        key = match.group(2)
        if key not in renamed:
            renamed[key] = f"p{next(ids)}"
        return match.group(1) + renamed[key]

    return _STAGE_KEY.sub(rename, page)


def make_exporter(lang="en"):
    """The page exporter for the notebooks of edition ``lang`` ("en" or "zh")."""
    exporter = HTMLExporter(template_name="lab", extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})],
                            language_code=lang)
    exporter.template_file = TEMPLATE_NAME
    exporter.display_data_priority = list(DISPLAY_PRIORITY)
    exporter.exclude_input_prompt = False
    exporter.register_preprocessor(OfflinePreprocessor(lang=lang), enabled=True)
    return exporter


# --- links and external resources ---------------------------------------------------------------

_HREF_IPYNB = re.compile(r'(\bhref\s*=\s*["\'])(?![a-zA-Z][a-zA-Z0-9+.-]*:|//)([^"\'#?]*?)\.ipynb(?=[#?"\'])')
_HREF_DERIVATION = re.compile(
    r'(\bhref\s*=\s*["\'])(?![a-zA-Z][a-zA-Z0-9+.-]*:|//)((?:[^"\'#?]*/)?derivation)\.md(?=[#?"\'])')
_EXTERNAL_SCRIPT = re.compile(
    r'<script\b[^>]*\bsrc\s*=\s*["\']?(?:https?:)?//[^>]*>.*?</script\s*>', flags=re.S | re.I)
_EXTERNAL_LINK = re.compile(r'<link\b[^>]*\bhref\s*=\s*["\']?(?:https?:)?//[^>]*>', flags=re.I)
_EXTERNAL_REFERENCE = re.compile(
    r'<(?:script|img|iframe|source|video|audio|embed|object|input|track)\b[^>]*?'
    r'\b(?:src|data|poster|srcset)\s*=\s*["\']?((?:https?:)?//[^"\'\s>]+)'
    r'|<link\b[^>]*?\bhref\s*=\s*["\']?((?:https?:)?//[^"\'\s>]+)'
    r'|@import\s+(?:url\()?\s*["\']?((?:https?:)?//[^"\')\s]+)'
    r'|url\(\s*["\']?((?:https?:)?//[^"\')\s]+)'
    r'|\bimport\s*\(\s*["\']((?:https?:)?//[^"\']+)',
    flags=re.I)


def link_pages(page):
    """Relative links to ``*.ipynb`` and to ``derivation.md`` point to the ``.html`` pages."""
    page = _HREF_IPYNB.sub(lambda m: m.group(1) + m.group(2) + ".html", page)
    return _HREF_DERIVATION.sub(lambda m: m.group(1) + m.group(2) + ".html", page)


def drop_external(page):
    """The page with no ``<script src=http...>`` and no ``<link href=http...>``."""
    return _EXTERNAL_LINK.sub("", _EXTERNAL_SCRIPT.sub("", page))


def external_references(page):
    """Every URL outside the site that the page would load (scripts, styles, images, ...)."""
    return [next(g for g in m.groups() if g) for m in _EXTERNAL_REFERENCE.finditer(page)]


# --- pages --------------------------------------------------------------------------------------

_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", flags=re.M)


def notebook_title(nb, fallback):
    """The notebook's first markdown heading (its markdown source), or ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        source = "".join(line for line in _outside_fences(cell.source))
        match = _HEADING.search(source)
        if match:
            return match.group(1).strip()
    return fallback


def _outside_fences(markdown):
    fence = None
    for line in markdown.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None and match and match.group(1).startswith(fence[0] * len(fence)):
            fence = None
        elif fence is None:
            yield line


def title_html(title):
    """A heading's markdown as inline HTML: math as MathML, emphasis and code kept simple."""
    store = MathStore()
    text = html.escape(replace_math(title, store), quote=False)
    text = re.sub(r"\\([^\w\s])", r"\1", text)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: f"<b>{m.group(1) or m.group(2)}</b>", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return store.fill(text)


def title_text(title):
    """A heading's markdown as plain text (the page's <title>): math as the text of its MathML."""
    store = MathStore()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", replace_math(title, store))
    text = re.sub(r"\*\*|__|`|(?<![\w*])\*(?!\s)|(?<!\s)\*(?![\w*])|\\(?=[^\w\s])", "", text)
    return _TOKEN.sub(lambda m: html.unescape(re.sub(r"<[^>]+>", "", store.mathml(int(m.group(1))))),
                      text).strip()


@dataclass
class Page:
    notebook: Path
    html: Path
    title: str  # the first heading, markdown
    stages: int  # static stages in the page
    math: int  # formulas turned into MathML
    math_failures: list  # (tex, error) shown as source
    widgets_missing: list  # model ids of widget outputs with no saved state (shown as text)


def build_page(exporter, notebook, out_dir):
    return _export(exporter, nbformat.read(notebook, as_version=4), notebook, out_dir)


def _html_lang(page, lang):
    """The page's <html lang> as a browser picks fonts by it (zh-CN: Simplified Chinese glyphs)."""
    return re.sub(r'<html lang="[^"]*"', f'<html lang="{HTML_LANG[lang]}"', page, count=1)


def build_markdown_page(exporter, markdown, out_dir):
    """A markdown file (the derivation) as a page: exported as a notebook of one markdown cell,
    so that its math, links and layout are made as the notebooks' markdown is."""
    text = Path(markdown).read_text(encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    return _export(exporter, nb, Path(markdown), out_dir)


def _export(exporter, nb, source, out_dir):
    title = notebook_title(nb, source.stem)
    nb.metadata["title"] = title_text(title)
    lang = exporter.language_code
    resources = {"metadata": {"name": source.stem, "path": str(source.parent)},
                 "cnnviz_back": BACK_LINK.get(lang, BACK_LINK["en"])}
    page, resources = exporter.from_notebook_node(nb, resources)
    store = resources["cnnviz_math"]
    page = drop_external(link_pages(store.fill(page)))
    if lang in HTML_LANG:
        page = _html_lang(page, lang)
    outside = external_references(page)
    if outside:
        raise SiteError(f"{source.name} would load {len(outside)} resource(s) from outside the "
                        f"site: {', '.join(sorted(set(outside))[:5])}")
    target = out_dir / f"{source.stem}.html"
    target.write_text(page, encoding="utf-8")
    return Page(source, target, title, page.count('class="cnnviz-stage-static"'),
                len(store.items) - len(store.failures), list(store.failures),
                list(resources["cnnviz_widgets_missing"]))


INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>cnnviz: the notebooks</title>
<style>
body{{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#111;max-width:52em;
  margin:2em auto;padding:0 1em}}
h1{{font-size:1.6em;margin-bottom:.2em}}
.cnnviz-site-lead{{color:#444;margin-top:0}}
ol.cnnviz-site-notebooks{{list-style:none;padding:0}}
ol.cnnviz-site-notebooks li{{margin:.5em 0;padding:.6em .8em;border:1px solid #ddd;border-radius:6px}}
ol.cnnviz-site-notebooks a{{color:#1565c0;text-decoration:none;font-weight:600}}
ol.cnnviz-site-notebooks a:hover{{text-decoration:underline}}
.cnnviz-site-file{{color:#666;font-size:.85em;margin-left:.6em}}
.cnnviz-site-derivation a,.cnnviz-site-edition a{{color:#1565c0;text-decoration:none;font-weight:600}}
.cnnviz-site-derivation a:hover,.cnnviz-site-edition a:hover{{text-decoration:underline}}
</style>
</head>
<body>
<main>
<h1>cnnviz: convolution and max pooling, forward and backward</h1>
<p class="cnnviz-site-lead">A copy of the notebooks with their outputs. The explorers' steps play
here with no kernel and no network; to move the sliders and run the code, open the notebooks in
JupyterLab (<code>make lab</code>).</p>
<ol class="cnnviz-site-notebooks">
{items}
</ol>
{derivation}{editions}</main>
</body>
</html>
"""

INDEX_ZH = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>cnnviz：笔记本（中文版）</title>
<style>
body{{font:16px/1.6 system-ui,-apple-system,'Segoe UI','PingFang SC','Noto Sans CJK SC',sans-serif;
  color:#111;max-width:52em;margin:2em auto;padding:0 1em}}
h1{{font-size:1.6em;margin-bottom:.2em}}
h2{{font-size:1.15em;margin-top:1.6em}}
.cnnviz-site-lead{{color:#444;margin-top:0}}
ol.cnnviz-site-notebooks,ol.cnnviz-site-english{{list-style:none;padding:0}}
ol.cnnviz-site-notebooks li,ol.cnnviz-site-english li{{margin:.5em 0;padding:.6em .8em;border:1px solid #ddd;border-radius:6px}}
ol.cnnviz-site-notebooks a,ol.cnnviz-site-english a{{color:#1565c0;text-decoration:none;font-weight:600}}
ol.cnnviz-site-notebooks a:hover,ol.cnnviz-site-english a:hover{{text-decoration:underline}}
.cnnviz-site-file{{color:#666;font-size:.85em;margin-left:.6em}}
.cnnviz-site-derivation a,.cnnviz-site-edition a{{color:#1565c0;text-decoration:none;font-weight:600}}
.cnnviz-site-derivation a:hover,.cnnviz-site-edition a:hover{{text-decoration:underline}}
</style>
</head>
<body>
<main>
<h1>cnnviz：卷积与最大池化的前向传播和反向传播</h1>
<p class="cnnviz-site-lead">这是各笔记本连同其输出的静态副本。探索器的各个步骤在这里无需内核、无需联网就能播放；要拖动滑块、运行代码，请在 JupyterLab 中打开这些笔记本（<code>make lab-zh</code>）。</p>
<ol class="cnnviz-site-notebooks">
{items}
</ol>
{english}{derivation}<p class="cnnviz-site-edition">English edition: <a href="../index.html" lang="en">all notebooks in English</a></p>
</main>
</body>
</html>
"""


def _items(pages, prefix=""):
    return "\n".join(
        f'<li><a href="{html.escape(prefix + page.html.name)}">{title_html(page.title)}</a>'
        f'<span class="cnnviz-site-file">{html.escape(page.notebook.name)}</span></li>'
        for page in pages)


def index_html(pages, derivation=None, zh_pages=()):
    """The index: the notebooks in order, then the derivation page (if there is one), then the
    link to the Chinese edition's index (if it has pages)."""
    more = ""
    if derivation is not None:
        more = (f'<p class="cnnviz-site-derivation">The derivation itself, in Chinese and English, '
                f'with its errata: <a href="{html.escape(derivation.html.name)}">'
                f'{title_html(derivation.title)}</a>'
                f'<span class="cnnviz-site-file">{html.escape(derivation.notebook.name)}</span></p>\n')
    editions = ""
    if zh_pages:
        editions = (f'<p class="cnnviz-site-edition">Chinese edition (<span lang="zh-CN">中文版</span>, '
                    f'{len(zh_pages)} of {len(pages)} notebooks so far): '
                    f'<a href="{ZH}/index.html" lang="zh-CN">中文版目录</a></p>\n')
    return INDEX.format(items=_items(pages), derivation=more, editions=editions)


def zh_index_html(zh_pages, pages, derivation=None, zh_derivation=None):
    """The Chinese edition's index (OUT/zh/index.html): its pages in order, then the notebooks
    with no Chinese edition yet (their English pages), the derivation (its Chinese page
    ``zh_derivation`` if there is one, else the English page ``derivation``), and the English
    index."""
    translated = {page.notebook.name for page in zh_pages}
    rest = [page for page in pages if page.notebook.name not in translated]
    english = ""
    if rest:
        english = ("<h2>暂时只有英文版的笔记本</h2>\n"
                   f'<ol class="cnnviz-site-english" lang="en">\n{_items(rest, "../")}\n</ol>\n')
    more = ""
    if zh_derivation is not None:
        more = (f'<p class="cnnviz-site-derivation">本系列所依据的推导原文及其勘误：'
                f'<a href="{html.escape(zh_derivation.html.name)}">{title_html(zh_derivation.title)}</a>'
                f'<span class="cnnviz-site-file">{html.escape(zh_derivation.notebook.name)}</span></p>\n')
    elif derivation is not None:
        more = (f'<p class="cnnviz-site-derivation">本系列所依据的推导原文（中文），连同英文译文与勘误：'
                f'<a href="../{html.escape(derivation.html.name)}">{title_html(derivation.title)}</a>'
                f'<span class="cnnviz-site-file">{html.escape(derivation.notebook.name)}</span></p>\n')
    return INDEX_ZH.format(items=_items(zh_pages), english=english, derivation=more)


def notebooks_in(folder):
    """The collection's notebooks (NN_*.ipynb), in order."""
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and NOTEBOOK_NAME.match(p.name))


def build_site(out_dir=SITE, notebooks_dir=NOTEBOOKS, editions=None):
    """Build the site in ``out_dir`` from the notebooks of ``notebooks_dir``; the notebooks' pages,
    in order (the derivation page, made when ``notebooks_dir`` holds derivation.md, is
    ``derivation_page(out_dir)``). The Chinese edition (``notebooks_dir``/zh/) goes to
    ``out_dir``/zh/, its derivation page (from zh/derivation.md) to
    ``derivation_page(out_dir / "zh")``; give a dict as ``editions`` to have its pages there,
    as ``editions["zh"]``."""
    out_dir, notebooks_dir = Path(out_dir), Path(notebooks_dir)
    notebooks = notebooks_in(notebooks_dir)
    if not notebooks:
        raise SiteError(f"no notebook named NN_*.ipynb in {notebooks_dir}")
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = make_exporter()
    pages = [build_page(exporter, notebook, out_dir) for notebook in notebooks]
    source = notebooks_dir / DERIVATION
    derivation = build_markdown_page(exporter, source, out_dir) if source.is_file() else None
    zh_dir = notebooks_dir / ZH
    zh_notebooks = notebooks_in(zh_dir) if zh_dir.is_dir() else []
    zh_pages, zh_derivation = [], None
    if zh_notebooks:
        (out_dir / ZH).mkdir(exist_ok=True)
        zh_exporter = make_exporter(ZH)
        zh_pages = [build_page(zh_exporter, notebook, out_dir / ZH) for notebook in zh_notebooks]
        zh_source = zh_dir / DERIVATION
        if zh_source.is_file():
            zh_derivation = build_markdown_page(zh_exporter, zh_source, out_dir / ZH)
        (out_dir / ZH / "index.html").write_text(
            zh_index_html(zh_pages, pages, derivation, zh_derivation), encoding="utf-8")
    (out_dir / "index.html").write_text(index_html(pages, derivation, zh_pages), encoding="utf-8")
    current = {page.html.name for page in pages} | {"index.html"}
    if derivation is not None:
        current.add(derivation.html.name)
    _remove_stale(out_dir, current)
    if zh_pages:
        zh_current = {page.html.name for page in zh_pages} | {"index.html"}
        if zh_derivation is not None:
            zh_current.add(zh_derivation.html.name)
        _remove_stale(out_dir / ZH, zh_current)
    elif (out_dir / ZH / MARKER).exists():  # a Chinese edition built before, gone since
        _remove_stale(out_dir / ZH, set())
        (out_dir / ZH / "index.html").unlink(missing_ok=True)
    if editions is not None:
        editions[ZH] = zh_pages
    return pages


def _remove_stale(out_dir, current):
    """In a folder this builder made, the pages of notebooks gone since are removed; the folder
    is marked as made here."""
    marker = out_dir / MARKER
    if marker.exists():
        for stale in out_dir.glob("*.html"):
            if stale.name not in current and (re.match(r"^\d\d_", stale.name)
                                              or stale.name == derivation_html_name()):
                stale.unlink()
    marker.write_text("Built by tools/site.py (make site).\n", encoding="utf-8")


def derivation_html_name():
    return Path(DERIVATION).stem + ".html"


def derivation_page(out_dir=SITE):
    """The derivation page ``build_site`` wrote in ``out_dir``, or None."""
    path = Path(out_dir) / derivation_html_name()
    return path if path.is_file() else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", default=str(SITE), help="output folder (default: site/)")
    parser.add_argument("--notebooks", default=str(NOTEBOOKS), metavar="DIR",
                        help="folder of the NN_*.ipynb notebooks (default: notebooks/)")
    args = parser.parse_args(argv)
    editions = {}
    try:
        pages = build_site(args.out, args.notebooks, editions)
    except SiteError as err:
        print(f"site: {err}", file=sys.stderr)
        return 1
    for page in pages:
        print(f"{page.html}  {page.stages} stage(s), {page.math} formula(s)")
        for tex, error in page.math_failures:
            print(f"  formula shown as LaTeX source ({error}): {tex}", file=sys.stderr)
        if page.widgets_missing:
            print(f"  {len(page.widgets_missing)} widget output(s) shown as text: the notebook "
                  "saved no widget state for them", file=sys.stderr)
    for page in editions.get(ZH, []):
        print(f"{page.html}  {page.stages} stage(s), {page.math} formula(s)")
        for tex, error in page.math_failures:
            print(f"  formula shown as LaTeX source ({error}): {tex}", file=sys.stderr)
    derivation = derivation_page(args.out)
    if derivation is not None:
        print(f"{derivation}  the derivation")
    zh_derivation = derivation_page(Path(args.out) / ZH)
    if editions.get(ZH) and zh_derivation is not None:
        print(f"{zh_derivation}  the derivation, in Chinese")
    if editions.get(ZH):
        print(f"{Path(args.out) / ZH / 'index.html'}  {len(editions[ZH])} notebook(s) in Chinese")
    print(f"{Path(args.out) / 'index.html'}  {len(pages)} notebook(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
