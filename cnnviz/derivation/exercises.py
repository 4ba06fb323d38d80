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
import html

import numpy as np

__all__ = ["Verdict", "check_number", "check_array", "check_function", "random_conv_cases"]


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


def _shown(value):
    return np.array2string(np.asarray(value, dtype=float), separator=", ") if np.ndim(value) else f"{float(value):g}"


def _wrong(what, hint):
    return Verdict(False, f"Not yet: {what}." + (f" Hint: {hint}" if hint else ""))


def check_number(answer, expected, hint="", tol=1e-9):
    """Is ``answer`` (a number) equal to ``expected`` within ``tol``?"""
    if answer is None:
        return _UNANSWERED
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return _wrong(f"{answer!r} is not a number", hint)
    if abs(value - float(expected)) <= tol * max(1.0, abs(float(expected))):
        return Verdict(True, f"Right: {_shown(value)}.")
    return _wrong(f"{_shown(value)} is not the answer", hint)


def check_array(answer, expected, hint="", tol=1e-9):
    """Is ``answer`` an array of ``expected``'s shape with the same entries (within ``tol``)?"""
    if answer is None:
        return _UNANSWERED
    try:
        value = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return _wrong("the answer must be an array (or nested list) of numbers", hint)
    expected = np.asarray(expected, dtype=float)
    if value.shape != expected.shape:
        return _wrong(f"the shape is {value.shape}, it should be {expected.shape}", hint)
    if np.allclose(value, expected, rtol=tol, atol=tol):
        return Verdict(True, f"Right: {_shown(value)}.")
    wrong = int((~np.isclose(value, expected, rtol=tol, atol=tol)).sum())
    return _wrong(f"{wrong} of {value.size} entries differ", hint)


def check_function(function, reference, cases, hint="", tol=1e-9):
    """Does ``function(*args)`` equal ``reference(*args)`` for every args tuple in ``cases``?"""
    cases = list(cases)
    for number, args in enumerate(cases, 1):
        try:
            got = function(*args)
        except Exception as err:  # the student's code: report any failure as a verdict
            return _wrong(f"case {number} raised {type(err).__name__}: {err}", hint)
        if got is None:
            return Verdict(None, "Not answered yet: your function returns None.")
        want = reference(*args)
        got = np.asarray(got, dtype=float)
        if got.shape != want.shape or not np.allclose(got, want, rtol=tol, atol=tol):
            shapes = ", ".join(str(np.shape(a)) for a in args)
            return _wrong(f"case {number} (arguments of shapes {shapes}) gives {_shown(got)}, "
                          f"expected {_shown(want)}", hint)
    return Verdict(True, f"Right on all {len(cases)} test cases.")


def random_conv_cases(count=5, seed=0):
    """(x, w, b) triples of random small sizes, b one per output position (fixed seed)."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        h, w_ = rng.integers(2, 6, size=2)
        kh, kw = rng.integers(1, min(h, w_) + 1, size=2)
        x = rng.integers(-3, 4, size=(h, w_)).astype(float)
        w = rng.integers(-2, 3, size=(kh, kw)).astype(float)
        b = rng.integers(-2, 3, size=(h - kh + 1, w_ - kw + 1)).astype(float)
        cases.append((x, w, b))
    return cases
