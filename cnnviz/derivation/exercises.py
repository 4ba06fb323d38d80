"""Self-checks for the notebooks' exercises: right or wrong, with a hint. Numpy only.

Each check returns a ``Verdict``, which a notebook shows as a coloured box with a ✔ or ✘
and a sentence (the sign and the words carry the meaning, not the colour alone).

>>> check_number(7, 7.0)
✔ Right: 7.
>>> check_number(6, 7.0, hint="add the bias")
✘ Not yet: 6 is not the answer. Hint: add the bias
>>> check_number(None, 7.0)
… Not answered yet: replace None by your answer and run this cell again.

A hint can come in tiers: ``Hints(nudge, formula, solution)`` gives the nudge on the first
wrong answer, the formula on every later one, and the solution only when asked (``show()``):

>>> hints = Hints("add the bias", "y = w*x + b", "7")
>>> check_number(6, 7.0, hint=hints)
✘ Not yet: 6 is not the answer. Hint: add the bias
>>> check_number(5, 7.0, hint=hints)
✘ Not yet: 5 is not the answer. Hint: y = w*x + b Still stuck? The solution cell below shows one.
>>> hints.misses
2

Every text a notebook passes (``hint=``, the parts of ``Hints``) is a str or a dict
{"en": ..., "zh": ...}; the verdicts and the chosen text come in the notebook's language
(``cnnviz.i18n.language()``; the words of the verdicts are in ``cnnviz.words``):

>>> from cnnviz import i18n
>>> with i18n.using("zh"):
...     check_number(6, 7.0, hint={"en": "add the bias", "zh": "加上偏置"})
✘ 还不对：6 不是正确答案。提示：加上偏置
"""
import contextlib
import copy
import html
import inspect
import re
import signal
import textwrap
import threading

import numpy as np

from .. import i18n
from ..layers import _args, ops
from ..words import join, say

__all__ = ["Verdict", "Hints", "Solution", "SOLUTIONS", "check_number", "check_array",
           "check_through", "check_function", "check_terms", "check_windows",
           "check_conv_backward", "check_maxpool_backward", "random_conv_cases",
           "random_input_grad_cases", "conv_backward_cases", "maxpool_backward_cases"]


class Verdict:
    """The outcome of a check: ``ok`` (True / False / None for not answered) and a message."""

    def __init__(self, ok, message):
        self.ok, self.message = ok, message

    def __bool__(self):
        return bool(self.ok)

    def __repr__(self):
        sign = {True: "✔", False: "✘", None: "…"}[self.ok]
        return f"{sign} {self.message}"

    def _repr_html_(self):
        colour = {True: ("#065f46", "#d1fae5"), False: ("#7f1d1d", "#fef2f2"),
                  None: ("#1f2937", "#f3f4f6")}[self.ok]
        return (f"<div style='font-size:1.1em;font-weight:600;color:{colour[0]};background:{colour[1]};"
                f"border:2px solid {colour[0]};padding:6px 10px'>{html.escape(repr(self))}</div>")


def _unanswered():
    return Verdict(None, say("check.unanswered"))


class Solution:
    """A worked solution, shown on request: a sentence and, below it, code or text as written."""

    def __init__(self, text, title=None):
        self.title = say("check.solution_title") if title is None else i18n.pick(title)
        self.text = i18n.pick(text)

    def __repr__(self):
        return f"{self.title}\n{self.text}"

    def _repr_html_(self):
        return ("<div style='border:2px solid #1f2937;background:#f3f4f6;padding:6px 10px'>"
                f"<div style='font-weight:600'>{html.escape(self.title)}</div>"
                f"<pre style='margin:4px 0 0'>{html.escape(self.text)}</pre></div>")


class Hints:
    """Hints in tiers for one exercise; pass it as ``hint=`` to any check.

    The first wrong answer shows ``nudge`` (where to look), the second and every later one
    ``formula`` (the rule to apply). ``solution`` (text, or a function whose source is shown)
    appears only when asked for: ``hints.show()``. ``misses`` counts the wrong answers seen.
    Use one ``Hints`` per exercise, made in its own cell, so that re-running the check keeps
    the count.

    Each text is a str, or a dict {"en": ..., "zh": ...} of which the notebook's language is
    shown (``cnnviz.i18n.pick``), e.g. ``Hints({"en": "add the bias", "zh": "加上偏置"}, ...)``.
    """

    def __init__(self, nudge, formula, solution):
        for name, value in (("nudge", nudge), ("formula", formula)):
            if not _is_text(value):
                raise ValueError(say("exercises.hints_text", cls="Hints", name=name, value=value))
        if not _is_text(solution) and not inspect.isfunction(solution):
            raise ValueError(say("exercises.hints_solution", cls="Hints", name="solution",
                                 value=solution))
        self.nudge, self.formula, self.solution = nudge, formula, solution
        self.misses = 0

    def miss(self):
        """Count a wrong answer; the hint to show with it (in the current language)."""
        self.misses += 1
        if self.misses == 1:
            return i18n.pick(self.nudge)
        return f"{i18n.pick(self.formula)} {say('check.still_stuck')}"

    def solution_text(self):
        """The solution as text (a function's source code, decorators dropped)."""
        if not inspect.isfunction(self.solution):
            return i18n.pick(self.solution)
        lines = textwrap.dedent(inspect.getsource(self.solution)).splitlines()
        return "\n".join(line for line in lines if not line.startswith("@"))

    def show(self):
        """The solution, as something a notebook displays."""
        return Solution(self.solution_text())

    def __repr__(self):
        return f"Hints(misses={self.misses})"

TIME_LIMIT_S = 5  # a student's function that runs longer gets a verdict, not a hung kernel


def _shown(value):
    return np.array2string(np.asarray(value, dtype=float), separator=", ") if np.ndim(value) else f"{float(value):g}"


def _is_text(value):
    """A non-empty str, or a dict {"en": ..., "zh": ...} of non-empty strs."""
    if isinstance(value, str):
        return bool(value.strip())
    if not isinstance(value, dict):
        return False
    try:
        i18n.check_text(value)
    except (TypeError, ValueError):
        return False
    return all(v.strip() for v in value.values())


def _hint_text(hint):
    _valid_hint(hint)
    if isinstance(hint, Hints):
        return hint.miss()
    return i18n.pick(hint) if hint else ""


def _valid_hint(hint):
    if hint is None or isinstance(hint, (str, Hints)):
        return
    if isinstance(hint, dict):
        try:
            i18n.check_text(hint, "hint")
            return
        except (TypeError, ValueError) as err:
            raise ValueError(say("exercises.hint_dict", arg="hint", cls="Hints", error=err)) from None
    raise ValueError(say("exercises.hint_type", arg="hint", cls="Hints", what=_describe(hint)))


def _wrong(what, hint):
    hint = _hint_text(hint)
    return Verdict(False, say("check.not_yet", what=what) + (say("check.hint", hint=hint) if hint else ""))


def _describe(value, lang=None):
    """What a student's answer is, in a few words ("a str", "an array of shape (2,)")."""
    if isinstance(value, np.ndarray):
        return say("what.array", lang, shape=value.shape)
    name = type(value).__name__
    return say("what.type", lang, article="an" if name[0] in "aeiou" else "a", name=name)


def _as_numbers(value):
    """``value`` as a float array, or the reason it is not one (a sentence)."""
    if isinstance(value, (str, bytes, dict, set)) or not hasattr(value, "__len__") and \
            not np.isscalar(value) and not isinstance(value, np.ndarray):
        return None, say("what.not_numbers", what=_describe(value))
    try:
        raw = np.asarray(value)
        if np.iscomplexobj(raw):
            return None, say("what.complex")
        if raw.dtype == bool:
            return None, say("what.bools")
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError) as err:
        return None, say("what.ragged", what=_describe(value),
                         error=_args.ragged_place(value, say("what.answer")) or err)
    return array, ""


def check_number(answer, expected, hint="", tol=1e-9):
    """Is ``answer`` (a number) equal to ``expected`` within a relative ``tol``?

    >>> check_number(1e-12, 1e-10)
    ✘ Not yet: 1e-12 is not the answer.
    >>> check_number(np.array([7]), 7)
    ✔ Right: 7.
    >>> check_number(7 + 1j, 7)
    ✘ Not yet: (7+1j) is a complex number, not a real one.
    """
    _valid_hint(hint)
    if answer is None:
        return _unanswered()
    if isinstance(answer, (bool, np.bool_)):
        return _wrong(say("number.bool", answer=repr(answer)), hint)
    if np.iscomplexobj(answer):
        return _wrong(say("number.complex", answer=repr(answer)), hint)
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    try:
        value = float(answer)
    except (TypeError, ValueError, OverflowError):
        return _wrong(say("number.not_number", answer=repr(answer)), hint)
    expected = float(expected)
    if abs(value - expected) <= tol * abs(expected) or (expected == 0 and abs(value) <= 1e-12):
        return Verdict(True, say("check.right", value=_shown(value)))
    return _wrong(say("number.wrong", value=_shown(value)), hint)


def check_array(answer, expected, hint="", tol=1e-9):
    """Is ``answer`` an array of ``expected``'s shape with the same entries (within ``tol``)?"""
    _valid_hint(hint)
    if answer is None:
        return _unanswered()
    value, problem = _as_numbers(answer)
    if problem:
        return _wrong(say("array.not_numbers", problem=problem), hint)
    expected = np.asarray(expected, dtype=float)
    if value.shape != expected.shape:
        return _wrong(say("array.shape", shape=value.shape, want=expected.shape), hint)
    if np.allclose(value, expected, rtol=tol, atol=tol):
        return Verdict(True, say("check.right", value=_shown(value)))
    wrong = int((~np.isclose(value, expected, rtol=tol, atol=tol)).sum())
    return _wrong(say("array.differ", wrong=wrong, size=value.size), hint)


def check_through(answer, shape, through, expected, hint="", start=None, changes=None):
    """Is ``through(answer)`` equal to ``expected``? ``answer`` must first have ``shape``;
    with ``start`` and ``changes``, it must differ from ``start`` in exactly that many entries.

    For answers such as "which kernel W makes Y equal to ...": the answer is checked before it
    is used, so a wrong shape is a verdict, not a traceback.
    """
    _valid_hint(hint)
    if answer is None:
        return _unanswered()
    value, problem = _as_numbers(answer)
    if problem:
        return _wrong(say("array.not_numbers", problem=problem), hint)
    if value.shape != tuple(shape):
        return _wrong(say("array.shape", shape=value.shape, want=tuple(shape)), hint)
    if start is not None and changes is not None:
        changed = int((value != np.asarray(start, dtype=float)).sum())
        if changed != changes:
            return _wrong(say("through.changes", changed=changed, changes=changes), hint)
    try:
        result = np.asarray(through(value), dtype=float)
    except (ValueError, TypeError) as err:
        return _wrong(say("through.unusable", error=err), hint)
    return check_array(result, expected, hint)


class _TooSlow(BaseException):
    """Raised in a student's function that runs past the time limit (a BaseException, so that
    the function's own ``except Exception`` does not swallow it)."""


@contextlib.contextmanager
def _time_limit(seconds):
    """Interrupt the block after ``seconds`` (a timer signal: Unix, main thread only)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(*_):
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _copies(args):
    return tuple(copy.deepcopy(a) for a in args)


def _call(function, args, number, hint):
    """Run the student's ``function`` on copies of ``args``: (result, None), or (None, a Verdict
    saying what went wrong: it raised, ran too long, changed its inputs or returned None)."""
    given = _copies(args)
    try:
        with _time_limit(TIME_LIMIT_S):
            got = function(*given)
    except _TooSlow:
        return None, _wrong(say("call.too_slow", case=number, seconds=TIME_LIMIT_S), hint)
    except NameError as err:
        return None, _wrong(say("call.name_error", case=number, error=err), hint)
    except Exception as err:  # the student's code: report any failure as a verdict
        return None, _wrong(say("call.raised", case=number, kind=type(err).__name__, error=err), hint)
    for k, (before, after) in enumerate(zip(args, given), 1):
        if not np.array_equal(np.asarray(before), np.asarray(after)):
            return None, _wrong(say("call.changed_input", case=number, k=k), hint)
    if got is None:
        return None, Verdict(None, say("check.returns_none"))
    return got, None


def _not_callable(function, hint):
    return None if callable(function) else _wrong(say("call.not_function", given=repr(function)), hint)


def check_function(function, reference, cases, hint="", tol=1e-9):
    """Does ``function(*args)`` equal ``reference(*args)`` for every args tuple in ``cases``?

    Each side gets its own copies of the arguments, and a function that changes its inputs
    fails. A function that raises, returns something that is not an array of numbers, or
    runs longer than TIME_LIMIT_S gets a verdict that says so.
    """
    _valid_hint(hint)
    if (verdict := _not_callable(function, hint)) is not None:
        return verdict
    cases = list(cases)
    for number, args in enumerate(cases, 1):
        want = np.asarray(reference(*_copies(args)), dtype=float)
        got, verdict = _call(function, args, number, hint)
        if verdict is not None:
            return verdict
        got, problem = _as_numbers(got)
        if problem:
            return _wrong(say("function.not_array", case=number, shape=want.shape, problem=problem),
                          hint)
        if got.shape != want.shape or not np.allclose(got, want, rtol=tol, atol=tol):
            shapes = join(str(np.shape(a)) for a in args)
            return _wrong(say("function.wrong", case=number, shapes=shapes, got=_shown(got),
                              want=_shown(want)), hint)
    return Verdict(True, say("check.right_all", count=len(cases)))


# Every kernel shape from 1x1 to 3x3, tall and wide ones included.
KERNEL_SHAPES = [(1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (2, 3), (3, 2), (3, 3)]


def random_conv_cases(count=len(KERNEL_SHAPES), seed=0):
    """(x, w, b) triples, b one per output position (fixed seed); case k has kernel shape
    KERNEL_SHAPES[k] and an input 0-2 rows and columns larger."""
    rng = np.random.default_rng(seed)
    cases = []
    for k in range(count):
        kh, kw = KERNEL_SHAPES[k % len(KERNEL_SHAPES)]
        h, w_ = kh + rng.integers(0, 3), kw + rng.integers(0, 3)
        x = rng.integers(-3, 4, size=(h, w_)).astype(float)
        w = rng.integers(-2, 3, size=(kh, kw)).astype(float)
        b = rng.integers(-2, 3, size=(h - kh + 1, w_ - kw + 1)).astype(float)
        cases.append((x, w, b))
    return cases


def random_input_grad_cases(count=len(KERNEL_SHAPES), seed=1):
    """(dy, w, x_shape) triples with a random dL/dY (fixed seed), kernels of every shape."""
    rng = np.random.default_rng(seed)
    cases = []
    for x, w, b in random_conv_cases(count, seed):
        dy = rng.integers(-3, 4, size=b.shape).astype(float)
        cases.append((dy, w, x.shape))
    return cases


# ---------------------------------------------------------------------------------------
# Names in the derivation's notation: x23, w12, dy11 (= ∂L/∂y11), X'3
# ---------------------------------------------------------------------------------------
_KINDS = {"x": "x", "w": "w", "dy": "dy", "dl/dy": "dy", "∂l/∂y": "dy", "y": "y"}
_NAME = re.compile(r"^(dl/dy|∂l/∂y|dy|x|w|y)_?[{(\[]?(\d+)(?:,(\d+))?[})\]]?$")
_TIMES = re.compile(r"[*·⋅×]")


def _parse_name(text):
    """'x23', 'w_{1,2}', 'dy11', '∂L/∂y11' -> (kind, row, col), 1-based; None if it is no name."""
    if not isinstance(text, str):
        return None
    m = _NAME.match(re.sub(r"\s+", "", text).lower())
    if not m:
        return None
    kind, first, second = m.groups()
    if second is None:
        if len(first) != 2:
            return None
        first, second = first[0], first[1]
    return _KINDS[kind], int(first), int(second)


def _named(kind, r, c):
    return f"∂L/∂y{r}{c}" if kind == "dy" else f"{kind}{r}{c}"


def _term(pair):
    """The derivation's name of a (gradient, factor) term: ∂L/∂y12·w22."""
    return "·".join(_named(*f) for f in pair)


def _shape_pair(value, name):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value, value)
    try:
        rows, cols = value
    except (TypeError, ValueError):
        raise ValueError(say("exercises.shape_pair", name=name, value=value)) from None
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1
               for v in (rows, cols)):
        raise ValueError(say("exercises.shape_positive", name=name, value=value))
    return int(rows), int(cols)


def _geometry(x_shape, w_shape, stride, w_name="w_shape"):
    """Checked shapes and the output size (HO, WO) of a valid cross-correlation."""
    x_shape, w_shape = _shape_pair(x_shape, "x_shape"), _shape_pair(w_shape, w_name)
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)) or stride < 1:
        raise ValueError(say("exercises.stride", name="stride", value=stride))
    if w_shape[0] > x_shape[0] or w_shape[1] > x_shape[1]:
        raise ValueError(say("exercises.no_fit", kh=w_shape[0], kw=w_shape[1], h=x_shape[0],
                             w=x_shape[1]))
    out = tuple((x - k) // stride + 1 for x, k in zip(x_shape, w_shape))
    return x_shape, w_shape, out


def _target(text, kinds, shapes, argument):
    """Parse a notebook author's target name ('x23') and check it lies inside its array."""
    parsed = _parse_name(text)
    if parsed is None or parsed[0] not in kinds:
        raise ValueError(say("exercises.target_name", arg=argument, example=f"{kinds[0]}23",
                             text=text))
    kind, r, c = parsed
    rows, cols = shapes[kind]
    if not (1 <= r <= rows and 1 <= c <= cols):
        raise ValueError(say("exercises.target_outside", arg=argument, text=text, rows=rows,
                             cols=cols, array=kind.upper()))
    return parsed


def _inside(name, shapes):
    kind, r, c = name
    rows, cols = shapes[kind]
    return 1 <= r <= rows and 1 <= c <= cols


# ---------------------------------------------------------------------------------------
# Which terms make up a gradient; which windows hold a cell
# ---------------------------------------------------------------------------------------
def gradient_terms(target="x23", x_shape=(3, 3), w_shape=(2, 2), stride=1):
    """The terms of ∂L/∂x_rc (pairs (dy_ij, w_mn)) or ∂L/∂w_mn (pairs (dy_ij, x_pq)), from
    the geometry: window ij starts at row (i-1)*stride + 1, and its tap (m, n) reads
    x_((i-1)*stride + m)((j-1)*stride + n). Names are (kind, row, col), 1-based.

    >>> [_term(t) for t in gradient_terms("x23")]
    ['∂L/∂y12·w22', '∂L/∂y22·w12']
    >>> [_term(t) for t in gradient_terms("w12")]
    ['∂L/∂y11·x12', '∂L/∂y12·x13', '∂L/∂y21·x22', '∂L/∂y22·x23']
    """
    x_shape, w_shape, out = _geometry(x_shape, w_shape, stride)
    kind, r, c = _target(target, ("x", "w"), {"x": x_shape, "w": w_shape}, "target")
    terms = []
    for i in range(1, out[0] + 1):
        for j in range(1, out[1] + 1):
            if kind == "x":
                m, n = r - (i - 1) * stride, c - (j - 1) * stride
                if 1 <= m <= w_shape[0] and 1 <= n <= w_shape[1]:
                    terms.append((("dy", i, j), ("w", m, n)))
            else:
                terms.append((("dy", i, j), ("x", (i - 1) * stride + r, (j - 1) * stride + c)))
    return terms


def _answer_terms(answer):
    """The student's terms as a list of raw items, or a sentence saying why it cannot be read."""
    if isinstance(answer, str):
        return [part for part in answer.split("+") if part.strip()], ""
    if isinstance(answer, dict) or not hasattr(answer, "__iter__"):
        return None, say("terms.unreadable", what=_describe(answer))
    return list(answer), ""


def _read_term(item):
    """One term, ('dy12', 'w22') or 'dy12*w22', as two parsed names; or a sentence why not."""
    if isinstance(item, str):
        parts = [p for p in _TIMES.split(item) if p.strip()]
        if len(parts) == 1 and _parse_name(parts[0]):
            return None, say("terms.single", item=repr(item.strip()))
    elif isinstance(item, (tuple, list)):
        parts = list(item)
    else:
        return None, say("terms.not_term", item=repr(item))
    if len(parts) != 2:
        return None, say("terms.not_pair", item=repr(item))
    names = [_parse_name(p) for p in parts]
    for part, name in zip(parts, names):
        if name is None:
            return None, say("terms.not_name", part=repr(part))
        if name[0] == "y":
            return None, say("terms.output", part=part.strip(), ij=f"{name[1]}{name[2]}")
    return names, ""


def check_terms(answer, target="x23", x_shape=(3, 3), w_shape=(2, 2), stride=1, hint=""):
    """Which terms make up ∂L/∂x_rc (or ∂L/∂w_mn)? Checked against the geometry.

    answer : pairs such as [("dy12", "w22"), ("dy22", "w12")], or strings "dy12*w22" /
        "dy12·w22" / "∂L/∂y12·w22", or one string "dy12*w22 + dy22*w12". Factors in either order.
        For a target w_mn the terms pair a gradient with an input: ("dy11", "x12").
    target : "x23" (a term is ∂L/∂y_ij · w_mn) or "w12" (a term is ∂L/∂y_ij · x_pq).
    The verdict names the missing and the extra terms, and why an extra one does not belong.

    >>> check_terms([("dy12", "w22"), ("dy22", "w12")])
    ✔ Right: ∂L/∂x23 = ∂L/∂y12·w22 + ∂L/∂y22·w12.
    >>> check_terms(["dy12*w22", "dy11*w22"])
    ✘ Not yet: missing ∂L/∂y22·w12; extra ∂L/∂y11·w22 (the window of y11 does not cover x23).
    """
    _valid_hint(hint)
    want = gradient_terms(target, x_shape, w_shape, stride)
    x_shape, w_shape, out = _geometry(x_shape, w_shape, stride)
    shapes = {"x": x_shape, "w": w_shape, "dy": out}
    kind, r, c = _parse_name(target)
    other = "w" if kind == "x" else "x"
    what = f"∂L/∂{kind}{r}{c}"
    if answer is None:
        return _unanswered()
    items, problem = _answer_terms(answer)
    if problem:
        return _wrong(problem, hint)
    given, twice = [], []
    for item in items:
        names, problem = _read_term(item)
        if problem:
            return _wrong(problem, hint)
        kinds = sorted(n[0] for n in names)
        if kinds != sorted(["dy", other]):
            factor = say("terms.a_weight" if other == "w" else "terms.an_input")
            return _wrong(say("terms.wrong_kind", term=_term(names), what=what, factor=factor), hint)
        pair = tuple(sorted(names, key=lambda n: n[0] != "dy"))  # gradient first
        for name in pair:
            if not _inside(name, shapes):
                rows, cols = shapes[name[0]]
                array = {"dy": "∂L/∂Y", "x": "X", "w": "W"}[name[0]]
                return _wrong(say("terms.no_such", name=_named(*name), array=array, rows=rows,
                                  cols=cols), hint)
        (twice if pair in given else given).append(pair)
    if not given:
        if not want:
            return Verdict(True, say("terms.right_zero", cell=f"{kind}{r}{c}", what=what))
        return _wrong(say("terms.none"), hint)
    missing = [t for t in want if t not in given]
    extra = sorted((t for t in given if t not in want), key=lambda t: (t[0], t[1]))
    if not missing and not extra and not twice:
        return Verdict(True, say("terms.right", what=what, sum=" + ".join(_term(t) for t in want)))
    parts = []
    if missing:
        parts.append(say("terms.missing", items=join(_term(t) for t in missing)))
    if extra:
        parts.append(say("terms.extra", items=join(
            say("terms.because", term=_term(t), why=_why_not(t, kind, r, c, want)) for t in extra)))
    if twice:
        parts.append(say("terms.twice", items=join(_term(t) for t in twice)))
    return _wrong(say("list.parts").join(parts), hint)


def _why_not(term, kind, r, c, want):
    """Why ``term`` is no term of ∂L/∂kind_rc, in the geometry's words."""
    (_, i, j), factor = term
    partner = [t[1] for t in want if t[0][1:] == (i, j)]
    if kind == "x" and not partner:
        return say("terms.not_covered", ij=f"{i}{j}", rc=f"{r}{c}")
    return say("terms.meets", ij=f"{i}{j}", cell=f"{kind}{r}{c}", partner=_named(*partner[0]),
               factor=_named(*factor))


def window_cells(k, x_shape=(3, 3), size=2, stride=1):
    """The cells (row, col), 1-based, of window X'_k (k 1-based, row-major).

    >>> window_cells(2)
    [(1, 2), (1, 3), (2, 2), (2, 3)]
    """
    x_shape, size, out = _geometry(x_shape, size, stride, "size")
    i, j = divmod(k - 1, out[1])
    return [(i * stride + m, j * stride + n) for m in range(1, size[0] + 1)
            for n in range(1, size[1] + 1)]


def _window_number(item):
    """A window number from 3, '3', "X'3" or "X'_3"; None if it is none."""
    if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
        return int(item)
    if isinstance(item, str):
        m = re.fullmatch(r"(?:x['’′]?_?)?(\d+)", re.sub(r"\s+", "", item).lower())
        return int(m[1]) if m else None
    return None


def check_windows(answer, cell="x22", x_shape=(3, 3), size=2, stride=1, hint=""):
    """Which windows X'_k contain ``cell``? ``answer``: window numbers k (1-based, row-major,
    as in the derivation: X'1 top left, X'2 to its right, ...), e.g. {1, 2} or ["X'1", "X'2"].

    >>> check_windows({1, 2, 3, 4})
    ✔ Right: x22 lies in X'1, X'2, X'3 and X'4.
    >>> check_windows([1, 2, 9], cell="x12")
    ✘ Not yet: there are only 4 windows, X'1 to X'4; 9 is none of them.
    >>> check_windows([1, 3], cell="x12")
    ✘ Not yet: missing X'2; extra X'3 (it covers x21, x22, x31, x32).
    """
    _valid_hint(hint)
    x_shape, size, out = _geometry(x_shape, size, stride, "size")
    _, r, c = _target(cell, ("x",), {"x": x_shape}, "cell")
    count = out[0] * out[1]
    want = [k for k in range(1, count + 1) if (r, c) in window_cells(k, x_shape, size, stride)]
    if answer is None:
        return _unanswered()
    items = [answer] if isinstance(answer, (int, np.integer, str)) else answer
    if isinstance(items, dict) or not hasattr(items, "__iter__"):
        return _wrong(say("windows.unreadable", what=_describe(answer)), hint)
    given = []
    for item in items:
        k = _window_number(item)
        if k is None:
            return _wrong(say("windows.not_number", item=repr(item)), hint)
        if not 1 <= k <= count:
            return _wrong(say("windows.out_of_range", count=count, k=k), hint)
        if k not in given:
            given.append(k)
    names = [f"X'{k}" for k in want]
    if not want and not given:
        return Verdict(True, say("windows.right_none", cell=f"x{r}{c}"))
    if sorted(given) == want:
        return Verdict(True, say("windows.right", cell=f"x{r}{c}", windows=join(names, last_and=True)))
    parts = []
    if missing := [k for k in want if k not in given]:
        parts.append(say("terms.missing", items=join(f"X'{k}" for k in missing)))
    if extra := sorted(k for k in given if k not in want):
        parts.append(say("terms.extra", items=join(
            say("windows.covers", window=f"X'{k}", cells=join(
                f"x{a}{b}" for a, b in window_cells(k, x_shape, size, stride))) for k in extra)))
    return _wrong(say("list.parts").join(parts), hint)


# ---------------------------------------------------------------------------------------
# The backward passes a student writes: conv (dx, dw, db) and max pooling
# ---------------------------------------------------------------------------------------
def conv_backward_cases(seed=2):
    """(dy, x, w) triples, 2-D, stride 1, no padding: the derivation's shapes (X 3×3, W 2×2)
    first, then every kernel shape; a random ∂L/∂Y (integers, not all equal, fixed seed)."""
    rng = np.random.default_rng(seed)
    cases = []
    first = (rng.integers(-3, 4, size=(3, 3)).astype(float), rng.integers(-2, 3, size=(2, 2)).astype(float),
             np.zeros((2, 2)))
    for x, w, b in [first] + random_conv_cases(seed=seed):
        dy = rng.integers(-3, 4, size=b.shape).astype(float)
        while dy.size > 1 and np.all(dy == dy.flat[0]):
            dy = rng.integers(-3, 4, size=b.shape).astype(float)
        cases.append((dy, x, w))
    return cases


def _shapes_of(**arrays):
    return join(f"{name} {np.shape(a)}" for name, a in arrays.items())


def check_conv_backward(function, hint="", cases=None, tol=1e-9):
    """Does ``function(dy, x, w)`` return the right (dx, dw, db)?

    2-D, one channel, stride 1, no padding, ONE bias shared by every output position, so db
    is a number: the sum of ∂L/∂y_ij over all positions. Compared with ``cnnviz.conv2d_backward``
    on ``conv_backward_cases()`` (every kernel shape, random ∂L/∂Y); the verdict names which of
    dx, dw, db is wrong, on which case.
    """
    _valid_hint(hint)
    if (verdict := _not_callable(function, hint)) is not None:
        return verdict
    cases = conv_backward_cases() if cases is None else list(cases)
    for number, (dy, x, w) in enumerate(cases, 1):
        dx_want, dw_want, db_want = ops.conv2d_backward(dy, x, w, 0.0)
        got, verdict = _call(function, (dy, x, w), number, hint)
        if verdict is not None:
            return verdict
        where = say("backward.case", case=number, shapes=_shapes_of(dy=dy, x=x, w=w))
        if isinstance(got, np.ndarray) or not isinstance(got, (tuple, list)) or len(got) != 3:
            return _wrong(say("backward.three", where=where, what=_describe(got)), hint)
        problems = []
        for name, value, want, owner in (("dx", got[0], dx_want, "x"), ("dw", got[1], dw_want, "w")):
            value, problem = _as_numbers(value)
            if problem:
                problems.append(say("backward.not_array", name=name, problem=problem))
            elif value.shape != want.shape:
                problems.append(say("backward.shape", name=name, shape=value.shape, owner=owner,
                                    want=want.shape))
            elif not np.allclose(value, want, rtol=tol, atol=tol):
                problems.append(say("backward.wrong", name=name, got=_shown(value), want=_shown(want)))
        db, problem = _as_numbers(got[2])
        if problem:
            problems.append(say("backward.db_not_number", problem=problem))
        elif db.size != 1:
            extra = say("backward.db_per_position") if db.shape == np.shape(dy) else ""
            problems.append(say("backward.db_array", shape=db.shape, extra=extra))
        elif not np.isclose(float(db.ravel()[0]), float(db_want), rtol=tol, atol=tol):
            problems.append(say("backward.wrong", name="db", got=_shown(db.ravel()[0]),
                                want=_shown(db_want)))
        if problems:
            return _wrong(say("backward.at", where=where, problems=say("list.parts").join(problems)),
                          hint)
    return Verdict(True, say("check.right_all_conv", count=len(cases)))


def maxpool_backward_cases(seed=3):
    """(dy, x) pairs for 2×2 windows, stride 1: no ties in the first ones (the first has one
    maximum shared by all four windows, so gradients must ADD), a tie in a window in the last.
    ∂L/∂Y holds non-zero integers (fixed seed)."""
    rng = np.random.default_rng(seed)

    def grad(shape):
        return rng.choice([-3., -2., -1., 1., 2., 3.], size=shape)

    cases = [(grad((2, 2)), np.array([[1., 5., 2.], [4., 9., 6.], [0., 8., 3.]]))]
    for shape in [(2, 2), (3, 4), (4, 3), (5, 5), (2, 5)]:
        x = rng.permutation(shape[0] * shape[1]).reshape(shape).astype(float) - 4
        cases.append((grad((shape[0] - 1, shape[1] - 1)), x))
    cases.append((grad((2, 2)), np.array([[1., 5., 2.], [5., 3., 0.], [4., 2., 6.]])))
    return cases


def _ties(x):
    """The windows (2×2, stride 1) that hold their maximum more than once: (k, value, cells)."""
    masks = ops.maxpool2d_masks(x, 2, 1, ties="all")
    out = []
    for (i, j) in np.ndindex(masks.shape[:2]):
        cells = [(i + m + 1, j + n + 1) for m, n in zip(*np.nonzero(masks[i, j]))]
        if len(cells) > 1:
            out.append((i * masks.shape[1] + j + 1, float(x[i:i + 2, j:j + 2].max()),
                        (i + 1, j + 1), cells))
    return out


def _assigned(dy, x):
    """Max-pool backward with '=' instead of '+=': the bug where overlapping windows overwrite."""
    dx = np.zeros(np.shape(x))
    first = ops.maxpool2d_masks(x, 2, 1)
    for (i, j) in np.ndindex(first.shape[:2]):
        m, n = np.argwhere(first[i, j])[0]
        dx[i + m, j + n] = dy[i, j]
    return dx


def check_maxpool_backward(function, hint="", cases=None, tol=1e-9):
    """Does ``function(dy, x)`` return ∂L/∂X of 2×2 max pooling with stride 1?

    The convention on ties (a window holding its maximum twice): the whole ∂L/∂y_ij goes to the
    FIRST maximum in row-major order (as PyTorch does), not to every tied one. Compared with
    ``cnnviz.maxpool2d_backward`` on ``maxpool_backward_cases()``: windows without ties first,
    then one with a tie, which the verdict explains if it goes wrong.
    """
    _valid_hint(hint)
    if (verdict := _not_callable(function, hint)) is not None:
        return verdict
    cases = maxpool_backward_cases() if cases is None else list(cases)
    for number, (dy, x) in enumerate(cases, 1):
        want = ops.maxpool2d_backward(dy, x)
        got, verdict = _call(function, (dy, x), number, hint)
        if verdict is not None:
            return verdict
        where = say("backward.case", case=number, shapes=_shapes_of(dy=dy, x=x))
        got, problem = _as_numbers(got)
        if problem:
            return _wrong(say("pool.not_array", where=where, problem=problem), hint)
        if got.shape != want.shape:
            return _wrong(say("pool.shape", where=where, shape=got.shape, want=want.shape), hint)
        if np.allclose(got, want, rtol=tol, atol=tol):
            continue
        message = say("pool.wrong", where=where, got=_shown(got), want=_shown(want))
        ties = _ties(x)
        if ties:
            k, value, (i, j), cells = ties[0]
            named = say("list.and_all").join(f"x{a}{b}" for a, b in cells)
            message += say("pool.tie", k=k, value=f"{value:g}", cells=named, ij=f"{i}{j}",
                           first=f"x{cells[0][0]}{cells[0][1]}")
            last = np.flip(ops.maxpool2d_backward(np.flip(dy), np.flip(x)))
            for other, words in ((ops.maxpool2d_backward(dy, x, ties="all"), "check.tie_all"),
                                 (ops.maxpool2d_backward(dy, x, ties="split"), "check.tie_split"),
                                 (last, "check.tie_last")):
                if np.allclose(got, other, rtol=tol, atol=tol):
                    message += say(words)
                    break
        elif np.allclose(got, _assigned(dy, x), rtol=tol, atol=tol):
            message += say("pool.overwrite")
        return _wrong(message, hint)
    return Verdict(True, say("check.right_all_pool", count=len(cases)))


# ---------------------------------------------------------------------------------------
# Worked solutions, shown by Hints.show() (plain loops, in the notebooks' signatures)
# ---------------------------------------------------------------------------------------
SOLUTIONS = {}


def _solution(function):
    SOLUTIONS[function.__name__] = function
    return function


@_solution
def my_conv(x, w, b):
    x, w, b = np.asarray(x, float), np.asarray(w, float), np.asarray(b, float)
    kh, kw = w.shape
    y = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            y[i, j] = (w * x[i:i + kh, j:j + kw]).sum() + b[i, j]
    return y


@_solution
def my_input_grad(dy, w, x_shape):
    dy, w = np.asarray(dy, float), np.asarray(w, float)
    kh, kw = w.shape
    dx = np.zeros(x_shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            dx[i:i + kh, j:j + kw] += dy[i, j] * w    # += : windows overlap
    return dx


@_solution
def my_conv_backward(dy, x, w):
    dy, x, w = np.asarray(dy, float), np.asarray(x, float), np.asarray(w, float)
    kh, kw = w.shape
    dx, dw = np.zeros(x.shape), np.zeros(w.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            dx[i:i + kh, j:j + kw] += dy[i, j] * w                   # every input the window covers
            dw += dy[i, j] * x[i:i + kh, j:j + kw]                   # every weight, at every window
    db = dy.sum()                                                    # one bias, used everywhere
    return dx, dw, db


@_solution
def my_maxpool_backward(dy, x):
    dy, x = np.asarray(dy, float), np.asarray(x, float)
    dx = np.zeros(x.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            window = x[i:i + 2, j:j + 2]
            m, n = np.unravel_index(np.argmax(window), window.shape)  # the first maximum
            dx[i + m, j + n] += dy[i, j]                              # += : windows overlap
    return dx


@_solution
def spread(dy, s):
    dy = np.asarray(dy, float)
    out = np.zeros(((dy.shape[0] - 1) * s + 1, (dy.shape[1] - 1) * s + 1))
    out[::s, ::s] = dy
    return out
