"""The order in which an explorer's changes reach the browser.

The browser handles the kernel's messages one after another, and typesetting a formula
(MathJax) holds it up for about 10 ms. So after a slider move or a step, the number views go
first, then the formulas, then the players' bookkeeping; a section's twin sliders follow the
views. Here ``Widget._send`` is recorded (no kernel needed) and the order is checked.
"""
import ipywidgets as widgets
import pytest

import cnnviz


@pytest.fixture
def sent(monkeypatch):
    """The widgets whose state goes to the browser, in order."""
    log = []
    monkeypatch.setattr(widgets.Widget, "_send",
                        lambda self, msg, buffers=None: log.append(self))
    return log


def kind(widget, explorer):
    if widget in explorer.players or any(widget in (p.play, p.scrubber, p.status)
                                         for p in explorer.players):
        return "player"
    if isinstance(widget, widgets.HTMLMath):
        return "formula"
    if isinstance(widget, widgets.HTML) and "cnnviz-view" in widget._dom_classes:
        return "view"
    return "other"


RANK = {"view": 0, "formula": 1, "player": 2}


def moved_widget(name, ex):
    """The slider a student moves, and its new value, by explorer."""
    return {
        "ConvForwardExplorer": lambda: (ex.x_editor.slider(0, 0), 4),
        "ConvBackwardExplorer": lambda: (ex.dy_editor.slider(0, 0), -3),
        "PoolForwardExplorer": lambda: (ex.x_editor.slider(1, 1), 0),
        "PoolWindowsExplorer": lambda: (ex.stride_slider, 1),
        "PoolBackwardExplorer": lambda: (ex.dy_editor.slider(0, 0), 4),
        "OutputSizeExplorer": lambda: (ex.stride_slider, 1),
        "MultiChannelExplorer": lambda: (ex.w_editors[0].slider(0, 0), 3),
        "StridedBackwardExplorer": lambda: (ex.w_editor.slider(0, 0), 3),
    }[name]()


def from_browser(widget, value, sent):
    """Set ``widget`` as the browser does (ipywidgets' set_state); forget its echo message."""
    widget.set_state({"value": value})
    assert sent[0] is widget
    del sent[0]


EXPLORERS = ["ConvForwardExplorer", "ConvBackwardExplorer", "PoolForwardExplorer",
             "PoolWindowsExplorer", "PoolBackwardExplorer", "OutputSizeExplorer",
             "MultiChannelExplorer", "StridedBackwardExplorer"]


@pytest.mark.parametrize("name", EXPLORERS)
@pytest.mark.parametrize("change", ["slider", "step"])
def test_number_views_go_first_then_formulas_then_players(name, change, sent):
    ex = getattr(cnnviz, name)()
    ex.add_player()  # a second section's player: bookkeeping that must wait too
    sent.clear()
    if change == "slider":
        from_browser(*moved_widget(name, ex), sent)
    else:  # the scrubber of the first player
        from_browser(ex.player.scrubber, 1, sent)
    ranks = [RANK[k] for k in (kind(w, ex) for w in sent) if k in RANK]
    assert RANK["view"] in ranks, f"{name}: no view changed"
    assert ranks == sorted(ranks), f"{name}: sent in the order {ranks} (0 view, 1 formula, 2 player)"


def test_twin_sliders_follow_the_views(sent):
    ex = cnnviz.ConvBackwardExplorer()
    ex.scatter_x()
    twin = ex.gather_x() and ex._twins["dy"][1]
    sent.clear()
    from_browser(twin.slider(0, 0), 2, sent)  # moved in the gather section
    sliders = {id(s) for e in [ex.dy_editor, *ex._twins["dy"]] for row in e.sliders for s in row}
    first_slider = min(i for i, w in enumerate(sent) if id(w) in sliders)
    last_view = max(i for i, w in enumerate(sent) if kind(w, ex) == "view")
    assert last_view < first_slider
    assert ex.dy_editor.value[0, 0] == ex._twins["dy"][0].value[0, 0] == 2
