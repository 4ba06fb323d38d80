"""Predict-then-reveal answers are teaching text that can be wrong: the ones with a claim the
package can compute are checked against it here."""
import re
from pathlib import Path

import numpy as np

import cnnviz

SOURCES = Path(__file__).resolve().parents[1] / "tools" / "nbsrc"


def _reveal(source, question):
    text = (SOURCES / source).read_text(encoding="utf-8")
    start = text.index(question)
    return text[start:text.index("</details>", start)]


def _cells(text):
    return {(int(m[0]), int(m[1])) for m in re.findall(r"x_\{(\d)(\d)\}", text)}


def test_06_which_inputs_receive_four_contributions_and_which_one():
    reveal = _reveal("06_general_shapes.py", "which inputs receive four contributions")
    four_part, one_part = reveal.split("One window only")
    # every input's count of windows: 5x5 input, 3x3 kernel, padding 1, stride 2
    counts = cnnviz.conv2d_backward(np.ones((3, 3)), np.zeros((5, 5)), np.ones((3, 3)), 0.0,
                                    stride=2, padding=1)[0]
    in_four = {(r + 1, c + 1) for r, c in zip(*np.nonzero(counts == 4))}
    in_one = {(r + 1, c + 1) for r, c in zip(*np.nonzero(counts == 1))}
    assert _cells(four_part) == in_four
    one_named = _cells(one_part.split("not the centre of notebook 02")[0])
    assert one_named == in_one and len(in_one) == 9
