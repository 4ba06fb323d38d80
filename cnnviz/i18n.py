"""The notebooks' language: English ("en") or Simplified Chinese ("zh").

Every word the package shows a student (the explorers' labels, the verdicts and hints of the
exercises) exists in both languages; the catalog of the package's own words is
``cnnviz.words``. This module only decides WHICH language, and picks a text's entry:

>>> with using("zh"):
...     pick({"en": "add the bias", "zh": "加上偏置"})
'加上偏置'
>>> with using("en"):
...     pick({"en": "add the bias", "zh": "加上偏置"})
'add the bias'
>>> pick("the same in every language")
'the same in every language'

Which language (``language()``), first match wins:

1. ``set_language(lang)`` / ``with using(lang):`` (tests, or a notebook that wants to force it);
2. the environment variable ``CNNVIZ_LANG`` ("en" or "zh"; anything else is a ValueError;
   set but empty counts as unset);
3. "zh" when the kernel's working directory is a folder named ``zh``, else "en".

Rule 3 works because the Chinese notebooks live in ``notebooks/zh/`` and each of the three
ways a notebook runs starts its kernel in the notebook's own folder (checked in their code):

- JupyterLab (jupyter_server): the session manager asks the contents manager for the kernel
  path, ``FileContentsManager.get_kernel_path`` returns the notebook's parent folder, and
  ``MappingKernelManager.start_kernel`` sets ``cwd = cwd_for_path(that folder)``;
- ``tools/notebooks.py build`` (nbclient): ``NotebookClient(..., resources={"metadata":
  {"path": str(target.parent)}})``, and ``NotebookClient.async_start_new_kernel`` passes that path as
  ``cwd`` (target is ``notebooks/zh/NN_*.ipynb`` for the Chinese edition);
- nbval: ``IPyNbFile.setup`` starts ``RunningKernel(kernel_name, cwd=str(self.fspath.dirname))``.

This module imports nothing else of the package (layers and derivation may use it).
"""
import contextlib
import os

__all__ = ["LANGS", "language", "set_language", "using", "resolve", "pick", "check_text"]

LANGS = ("en", "zh")
ENV = "CNNVIZ_LANG"

_forced = None  # set_language's choice; None: decide from the environment and the folder


def _checked(lang, where):
    if not isinstance(lang, str) or lang not in LANGS:
        raise ValueError(f"{where} must be one of {', '.join(map(repr, LANGS))}, got {lang!r}")
    return lang


def language():
    """The current language, "en" or "zh" (see the module's docstring for the rules)."""
    if _forced is not None:
        return _forced
    value = os.environ.get(ENV, "").strip()
    if value:
        return _checked(value, f"the environment variable {ENV}")
    return "zh" if os.path.basename(os.getcwd()) == "zh" else "en"


def set_language(lang):
    """Force the language ("en" or "zh") for this process; ``None`` goes back to the rules."""
    global _forced
    _forced = None if lang is None else _checked(lang, "set_language's lang")


@contextlib.contextmanager
def using(lang):
    """``with using("zh"): ...`` runs the block in that language, then restores the previous
    choice (also when the block raises)."""
    global _forced
    previous = _forced
    set_language(lang)
    try:
        yield lang
    finally:
        _forced = previous


def resolve(lang=None):
    """``lang`` checked ("en" / "zh"), or the current language when it is None."""
    return language() if lang is None else _checked(lang, "lang")


def check_text(text, name="text"):
    """Raise unless ``text`` is a str or a dict {"en": str, "zh": str} ("zh" optional);
    returns ``text``. A dict with another key ("cn", "zh-CN") is a ValueError."""
    if isinstance(text, str):
        return text
    if not isinstance(text, dict):
        raise TypeError(f"{name} must be a str or a dict {{'en': ..., 'zh': ...}}, "
                        f"got {type(text).__name__}")
    unknown = [key for key in text if key not in LANGS]
    if unknown or "en" not in text:
        raise ValueError(f"{name} must have the keys 'en' and (optionally) 'zh', "
                         f"got {sorted(map(repr, text))}")
    for key, value in text.items():
        if not isinstance(value, str):
            raise TypeError(f"{name}[{key!r}] must be a str, got {type(value).__name__}")
    return text


def pick(text, lang=None):
    """The entry of ``text`` in ``lang`` (default: the current language).

    A str is returned as it is; a dict {"en": ..., "zh": ...} gives its entry in the language,
    or its "en" entry when it has none for that language. Anything else is a TypeError.
    """
    lang = resolve(lang)
    check_text(text)
    if isinstance(text, str):
        return text
    return text.get(lang, text["en"])
