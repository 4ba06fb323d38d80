r"""LaTeX in the derivation's notation -> MathML, made in Python.

MathML renders in every current browser with no script and no network, so a formula looks the
same in JupyterLab, in a static export and on a projector with no kernel. Its colour is the
text's colour (light and dark themes alike).

>>> print(display_math("y = 1"))  # doctest: +ELLIPSIS
<div class="cnnviz-math"><div class="cnnviz-math-line"><math display="block">...</math></div></div>
"""
import functools
import html
import re

from latex2mathml.converter import convert

__all__ = ["inline_math", "display_math"]

# latex2mathml writes every operator as a numeric entity (&#x0003D;); the characters are shorter.
_ENTITY = re.compile(r"&#x([0-9A-Fa-f]+);")


@functools.lru_cache(maxsize=8192)  # a slider move asks again for most of its formulas
def _mathml(latex, display):
    text = convert(latex, display=display).replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "")
    return _ENTITY.sub(lambda m: html.escape(chr(int(m.group(1), 16))), text)


def inline_math(latex):
    """One formula, inline in a line of text."""
    return _mathml(latex, "inline")


def display_math(*equations, aligned=False):
    """Equations, one per line; ``aligned``: their first "=" signs in one column."""
    if aligned and all("=" in eq for eq in equations):
        cells = []
        for eq in equations:
            left, right = eq.split("=", 1)
            cells.append(f'<div class="cnnviz-math-left">{_mathml(left, "inline")}</div>'
                         f'<div class="cnnviz-math-right">{_mathml("=" + right, "inline")}</div>')
        return f'<div class="cnnviz-math cnnviz-math-aligned">{"".join(cells)}</div>'
    lines = "".join(f'<div class="cnnviz-math-line">{_mathml(eq, "block")}</div>' for eq in equations)
    return f'<div class="cnnviz-math">{lines}</div>'
