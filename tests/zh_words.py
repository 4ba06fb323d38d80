"""For the tests of the Chinese edition: which English words a text still shows.

Math and names are no English: x23, w_mn, dy12, ∂L/∂y12, X'3, M_k, H_out, shapes, numbers, and
the names of Python things a student types or reads (None, True, NameError, np.zeros, +=).
"""
import html
import re

# Python names and the notation's subscripts, which the Chinese text keeps as they are.
ALLOWED = {
    "None", "True", "False", "NameError", "ValueError", "TypeError", "ZeroDivisionError",
    "IndexError", "KeyError", "str", "int", "float", "dict", "list", "tuple", "set", "bool",
    "generator", "function", "ndarray", "numpy", "NaN", "inf", "np", "zeros", "sum", "max", "mean", "argmax",
    "in", "out", "max", "min", "avg", "ReLU", "NCHW", "im2col", "col2im", "dx", "dw", "db", "dy",
    "dz", "lr", "log", "exp", "softmax", "MNIST", "vec",
    # names of keys, programs and frameworks
    "Home", "End", "make", "lab", "JupyterLab", "PyTorch", "NumPy",
}


def visible_text(frame):
    """The text a browser shows for an HTML frame: tags, styles and entities removed; code
    (<code>: Python a student types) and math (MathML <math> made by cnnviz.render.math, and
    what MathJax/KaTeX typesets: $...$, \\(...\\)) dropped."""
    text = re.sub(r"<(script|style|math|code)\b.*?</\1>", " ", frame, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]", " ", text, flags=re.S)
    return text


def english_words(text):
    """The English words in ``text`` (already visible text): runs of 3+ Latin letters that
    are not a name of the notation (x23, dy12 carry digits; X'k, M_k have a mark) nor a Python
    name in ALLOWED."""
    words = []
    for match in re.finditer(r"[A-Za-z][A-Za-z0-9_']*", text):  # im2col, x23: one word each
        word = match.group()
        core = word.split("_")[0].rstrip("'")
        if any(ch.isdigit() for ch in word) or "_" in word or "'" in word:
            continue  # x23, w_mn, X'3: names of the notation
        if len(core) < 3 or core in ALLOWED:
            continue
        words.append(word)
    return words


def widget_texts(widget):
    """Every label a widget tree shows: descriptions, the options of switches, button texts,
    HTML widgets' text, editor titles (walking ``children``)."""
    import ipywidgets as widgets
    texts = []
    for attribute in ("description", "title"):
        value = getattr(widget, attribute, None)
        if isinstance(value, str):
            texts.append(value)
    if isinstance(widget, (widgets.ToggleButtons, widgets.Dropdown)):
        texts.extend(str(label) for label in widget._options_labels)
    if isinstance(widget, widgets.HTML):
        texts.append(visible_text(widget.value))
    for child in getattr(widget, "children", ()):
        texts.extend(widget_texts(child))
    return texts


def explorer_texts(explorer, sections=()):
    """What a student reads in an explorer: every stage's frames, captions, title and message,
    and the labels of the controls of its root and of ``sections``."""
    texts = []
    for stage in explorer.stages:
        texts += [visible_text(f) for f in stage.frames] + list(stage.captions)
        texts += [stage.title, stage.error]
    for section in (explorer.root, *sections):
        for control in section.controls:
            texts += widget_texts(control)
    return texts


def english_in(texts):
    """{English word: how often} over ``texts``."""
    found = {}
    for text in texts:
        for word in english_words(text):
            found[word] = found.get(word, 0) + 1
    return found
