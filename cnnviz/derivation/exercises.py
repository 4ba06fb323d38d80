"""Self-checks for the notebooks' exercises: right or wrong, with a hint. Numpy only.

Each check returns a ``Verdict``, which a notebook shows as a coloured box with a ✔ or ✘
and a sentence (the sign and the words carry the meaning, not the colour alone).

>>> check_number(7, 7.0)
✔ Right: 7.
>>> check_number(6, 7.0, hint="add the bias")
✘ Not yet: 6 is not the answer. Hint: add the bias
>>> check_number(None, 7.0)
… Not answered yet: replace None by your answer and run this cell again.
"""
import contextlib
import copy
import html
import signal
import threading

import numpy as np

__all__ = ["Verdict", "check_number", "check_array", "check_through", "check_function",
           "random_conv_cases", "random_input_grad_cases"]


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


_UNANSWERED = Verdict(None, "Not answered yet: replace None by your answer and run this cell again.")

TIME_LIMIT_S = 5  # a student's function that runs longer gets a verdict, not a hung kernel


def _shown(value):
    return np.array2string(np.asarray(value, dtype=float), separator=", ") if np.ndim(value) else f"{float(value):g}"


def _wrong(what, hint):
    return Verdict(False, f"Not yet: {what}." + (f" Hint: {hint}" if hint else ""))


def _describe(value):
    """What a student's answer is, in a few words ("a str", "an array of shape (2,)")."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _as_numbers(value):
    """``value`` as a float array, or the reason it is not one (a sentence)."""
    if isinstance(value, (str, bytes, dict, set)) or not hasattr(value, "__len__") and \
            not np.isscalar(value) and not isinstance(value, np.ndarray):
        return None, f"it is {_describe(value)}, not an array of numbers"
    try:
        raw = np.asarray(value)
        if np.iscomplexobj(raw):
            return None, "it holds complex numbers"
        if raw.dtype == bool:
            return None, "it holds True/False, not numbers"
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError) as err:
        return None, f"it is {_describe(value)} that is not a rectangular array of numbers ({err})"
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
    if answer is None:
        return _UNANSWERED
    if isinstance(answer, (bool, np.bool_)):
        return _wrong(f"{answer!r} is True/False, not a number", hint)
    if np.iscomplexobj(answer):
        return _wrong(f"{answer!r} is a complex number, not a real one", hint)
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    try:
        value = float(answer)
    except (TypeError, ValueError, OverflowError):
        return _wrong(f"{answer!r} is not a number", hint)
    expected = float(expected)
    if abs(value - expected) <= tol * abs(expected) or (expected == 0 and abs(value) <= 1e-12):
        return Verdict(True, f"Right: {_shown(value)}.")
    return _wrong(f"{_shown(value)} is not the answer", hint)


def check_array(answer, expected, hint="", tol=1e-9):
    """Is ``answer`` an array of ``expected``'s shape with the same entries (within ``tol``)?"""
    if answer is None:
        return _UNANSWERED
    value, problem = _as_numbers(answer)
    if problem:
        return _wrong(f"the answer must be an array (or nested list) of numbers: {problem}", hint)
    expected = np.asarray(expected, dtype=float)
    if value.shape != expected.shape:
        return _wrong(f"the shape is {value.shape}, it should be {expected.shape}", hint)
    if np.allclose(value, expected, rtol=tol, atol=tol):
        return Verdict(True, f"Right: {_shown(value)}.")
    wrong = int((~np.isclose(value, expected, rtol=tol, atol=tol)).sum())
    return _wrong(f"{wrong} of {value.size} entries differ", hint)


def check_through(answer, shape, through, expected, hint="", start=None, changes=None):
    """Is ``through(answer)`` equal to ``expected``? ``answer`` must first have ``shape``;
    with ``start`` and ``changes``, it must differ from ``start`` in exactly that many entries.

    For answers such as "which kernel W makes Y equal to ...": the answer is checked before it
    is used, so a wrong shape is a verdict, not a traceback.
    """
    if answer is None:
        return _UNANSWERED
    value, problem = _as_numbers(answer)
    if problem:
        return _wrong(f"the answer must be an array (or nested list) of numbers: {problem}", hint)
    if value.shape != tuple(shape):
        return _wrong(f"the shape is {value.shape}, it should be {tuple(shape)}", hint)
    if start is not None and changes is not None:
        changed = int((value != np.asarray(start, dtype=float)).sum())
        if changed != changes:
            return _wrong(f"{changed} entries differ from the starting one; change exactly "
                          f"{changes}", hint)
    try:
        result = np.asarray(through(value), dtype=float)
    except (ValueError, TypeError) as err:
        return _wrong(f"it cannot be used: {err}", hint)
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


def check_function(function, reference, cases, hint="", tol=1e-9):
    """Does ``function(*args)`` equal ``reference(*args)`` for every args tuple in ``cases``?

    Each side gets its own copies of the arguments, and a function that changes its inputs
    fails. A function that raises, returns something that is not an array of numbers, or
    runs longer than TIME_LIMIT_S gets a verdict that says so.
    """
    if not callable(function):
        return _wrong(f"{function!r} is not a function", hint)
    cases = list(cases)
    for number, args in enumerate(cases, 1):
        want = np.asarray(reference(*_copies(args)), dtype=float)
        given = _copies(args)
        try:
            with _time_limit(TIME_LIMIT_S):
                got = function(*given)
        except _TooSlow:
            return _wrong(f"case {number} took longer than {TIME_LIMIT_S} s (an endless loop?)", hint)
        except NameError as err:
            return _wrong(f"case {number} raised NameError: {err}; if it names your function, "
                          "run the cell that defines it first", hint)
        except Exception as err:  # the student's code: report any failure as a verdict
            return _wrong(f"case {number} raised {type(err).__name__}: {err}", hint)
        for k, (before, after) in enumerate(zip(args, given), 1):
            if not np.array_equal(np.asarray(before), np.asarray(after)):
                return _wrong(f"case {number}: your function changed its input argument {k}; "
                              "it must leave its inputs as they are (work on a copy)", hint)
        if got is None:
            return Verdict(None, "Not answered yet: your function returns None.")
        got, problem = _as_numbers(got)
        if problem:
            return _wrong(f"case {number} returned something other than an array of shape "
                          f"{want.shape}: {problem}", hint)
        if got.shape != want.shape or not np.allclose(got, want, rtol=tol, atol=tol):
            shapes = ", ".join(str(np.shape(a)) for a in args)
            return _wrong(f"case {number} (arguments of shapes {shapes}) gives {_shown(got)}, "
                          f"expected {_shown(want)}", hint)
    return Verdict(True, f"Right on all {len(cases)} test cases.")


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
