"""The order in which an explorer's changes reach the browser.

The browser handles the kernel's messages one after another, and typesetting a formula
(MathJax) holds it up for about 10 ms. So after a slider move or a step, the number views of
the section where the control moved go first; then the other sections' views, the formulas,
the players' bookkeeping and the copies of the controls, in that order. In a kernel (a running
event loop) that second part waits LATER_S and goes as one batch. Here ``Widget._send`` is
recorded (no kernel needed) and the order is checked, without and with an event loop.
"""
import asyncio
import concurrent.futures

import ipywidgets as widgets
import numpy as np
import pytest

import cnnviz
from cnnviz.explorers import base as widgets_base
from cnnviz.explorers.base import LATER_S


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
    """Set ``widget`` as the browser does (ipywidgets' set_state). The explorers' controls
    send no echo of the value back (``without_echo``)."""
    widget.set_state({"value": value})
    assert widget not in sent


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
    ex.gather_x()
    twin = ex._twins["dy"][1]  # the gather section's
    sent.clear()
    from_browser(twin.slider(0, 0), 2, sent)  # moved in the gather section
    sliders = {id(s) for e in [ex.dy_editor, *ex._twins["dy"]] for row in e.sliders for s in row}
    first_slider = min(i for i, w in enumerate(sent) if id(w) in sliders)
    last_view = max(i for i, w in enumerate(sent) if kind(w, ex) == "view")
    assert last_view < first_slider
    assert ex.dy_editor.value[0, 0] == ex._twins["dy"][0].value[0, 0] == 2


def test_views_carry_no_stylesheet_and_every_section_carries_the_page_style():
    """A <style> element replaced on every update makes the browser re-match the whole page:
    live views hold none; each section shows the explorer's style sheet once (unchanged)."""
    from cnnviz.explorers.base import CONTROL_STYLE, PAGE_STYLE, View

    assert CONTROL_STYLE in PAGE_STYLE and "backface-visibility:visible" in CONTROL_STYLE
    ex = cnnviz.ConvBackwardExplorer()
    sections = [ex.root, ex.scatter_x().widget, ex.scatter_w().widget, ex.gather_x().widget]
    assert all(ex.style_sheet in s.children and "cnnviz-explorer" in s._dom_classes
               for s in sections)
    assert ex.style_sheet.value == PAGE_STYLE and ex.style_sheet.layout.display == "none"
    ex.dy_editor.slider(0, 0).value = 2
    shown = [v for v in vars(ex).values() if isinstance(v, View)]
    assert len([v for v in shown if v.value]) >= 4
    assert all("<style" not in v.value for v in shown)
    assert "data-cell" in ex.dx_view.value
    bundle = ex._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    static = data["text/html"]
    assert static.startswith(PAGE_STYLE) and static.count("<style>") == PAGE_STYLE.count("<style>")
    bad = cnnviz.PoolWindowsExplorer()
    bad.size_slider.value = 7  # does not fit: the message shows, without a stylesheet of its own
    assert "⚠" in bad.message.value and "<style" not in bad.message.value


FIRST_VIEW = {  # what a slider feeds most directly: the result, sent before anything else
    "ConvForwardExplorer": "output_view",
    "ConvBackwardExplorer": "dx_view",
    "PoolForwardExplorer": "input_view",
    "PoolWindowsExplorer": "windows_view",
    "PoolBackwardExplorer": "dx_view",
    "MultiChannelExplorer": "channels_view",
    "StridedBackwardExplorer": "dx_view",
}


@pytest.mark.parametrize("name", sorted(FIRST_VIEW))
def test_the_result_view_is_the_first_message_after_a_slider_move(name, sent):
    ex = getattr(cnnviz, name)()
    sent.clear()
    from_browser(*moved_widget(name, ex), sent)
    views = [w for w in sent if kind(w, ex) == "view"]
    assert views and views[0] is getattr(ex, FIRST_VIEW[name])


# --- in a kernel (a running event loop): the rest of a change follows LATER_S later ---------
@pytest.fixture
def in_kernel(monkeypatch):
    """``in_kernel(check)`` runs ``check(wait)`` as a kernel applies the browser's widget
    changes: in a running event loop, handling a comm message (the explorer is made before,
    as a cell makes it). ``await wait()`` lets the held-back batch go."""
    async def wait():
        await asyncio.sleep(LATER_S * 3)

    def run(check):
        with monkeypatch.context() as patch:
            patch.setattr(widgets_base, "_request_type", lambda: "comm_msg")
            return run_in_new_loop(check(wait))

    return run


def run_in_new_loop(coroutine):
    """Run ``coroutine`` in an event loop of its own, in a thread of its own (the browser
    tests may leave a loop running in this one)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class FakeKernel:
    def __init__(self, msg_type):
        self.msg_type = msg_type

    def get_parent(self):
        return {"header": {"msg_type": self.msg_type}}


@pytest.mark.parametrize("msg_type, later", [("comm_msg", True), ("execute_request", False)])
def test_only_a_change_from_the_browser_holds_the_rest_back(msg_type, later, monkeypatch, sent):
    """A cell's code changes everything before the cell ends (its outputs and the saved
    widget state are complete); a student's move sends the rest LATER_S later."""
    import IPython

    ex = cnnviz.ConvForwardExplorer()  # made outside the (fake) kernel
    shell = type("Shell", (), {"kernel": FakeKernel(msg_type)})()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert widgets_base._request_type() == msg_type

    async def check():
        sent.clear()
        ex.x_editor.slider(0, 0).value = 4
        return ex.formula_view in sent

    assert run_in_new_loop(check()) is not later


def sliders_of(*editors):
    return {id(s) for e in editors for s in e.all_sliders()}


def test_in_a_kernel_only_the_sections_views_go_at_once_the_rest_follows_in_one_batch(sent, in_kernel):
    ex = cnnviz.ConvBackwardExplorer()
    ex.scatter_w()   # dW, with dy twins
    ex.gather_x()    # formulas, with dy twins
    section_views = {id(ex.dx_view), id(ex.dw_view), id(ex.db_view), id(ex.message)}
    twins = sliders_of(*ex._twins["dy"])

    async def check(wait):
        sent.clear()
        from_browser(ex.dy_editor.slider(0, 0), -3, sent)
        at_once = list(sent)
        assert {id(w) for w in at_once} <= section_views | {id(w) for p in ex.players[:1]
                                                            for w in p.synced_widgets()}
        assert [w for w in at_once if kind(w, ex) == "view"][0] is ex.dx_view
        # Python's numbers are up to date at once; the twins show them after the batch
        assert ex.dy[0, 0] == -3 and all(t.value[0, 0] == -3 for t in ex._twins["dy"])
        sent.clear()
        await wait()
        batch = list(sent)
        assert ex.gather_view in batch and ex.dx_equations_view in batch
        assert twins & {id(w) for w in batch}
        ranks = [RANK.get(kind(w, ex), 3) for w in batch]
        assert ranks == sorted(ranks), f"batch order {ranks} (0 view, 1 formula, 2 player, 3 other)"

    in_kernel(check)


def test_in_a_kernel_a_drag_sends_the_held_back_widgets_once(sent, in_kernel):
    ex = cnnviz.StridedBackwardExplorer()
    ex.weights()
    ex.full_convolution()

    async def check(wait):
        slider = ex.w_editor.slider(0, 0)
        for value in (2, 3, 4, -1):  # four moves within LATER_S
            sent.clear()
            from_browser(slider, value, sent)
            assert ex.dx_view in sent  # the view next to the slider: every move
            assert ex.matrix_form_view not in sent
        sent.clear()
        await wait()
        assert sum(w is ex.matrix_form_view for w in sent) == 1  # the rest: once
        twin_sliders = [t.slider(0, 0) for t in ex._twins["w"]]
        assert all(sum(w is s for w in sent) == 1 for s in twin_sliders)
        assert all(s.value == -1 for s in twin_sliders)

    in_kernel(check)


def test_in_a_kernel_a_held_back_view_is_worked_out_once_when_its_batch_goes(
        sent, in_kernel, monkeypatch):
    """During a drag the other sections' views are not computed at every move: once, for
    the last state, when the batch goes."""
    from cnnviz.render import general as general_views

    ex = cnnviz.StridedBackwardExplorer()
    ex.full_convolution()
    made = []
    panels = general_views.full_convolution_panels
    monkeypatch.setattr(general_views, "full_convolution_panels",
                        lambda *args: made.append(args) or panels(*args))

    async def check(wait):
        sent.clear()
        for value in (2, 3, 4, -1):
            from_browser(ex.w_editor.slider(0, 0), value, sent)
        from_browser(ex.dy_editor.slider(1, 1), 3, sent)
        assert made == []
        # Python's numbers are up to date at once (worked out when asked for)
        dx, dw, _db = cnnviz.conv2d_backward(ex.dy, ex.x, ex.w, 0.0, stride=2, padding=1)
        np.testing.assert_allclose(ex.dx, dx)
        np.testing.assert_allclose(ex.dw, dw)
        await wait()
        assert len(made) == 1

    in_kernel(check)
    assert ex.w[0, 0] == -1 and ex.dy[1, 1] == 3
    fresh = cnnviz.StridedBackwardExplorer(w=ex.w, dy=ex.dy)  # the same state, in one go
    assert ex.matrix_form_view.value == fresh.matrix_form_view.value
    assert ex.dx_view.value == fresh.dx_view.value


def test_in_a_kernel_the_pitfalls_numbers_are_current_before_their_views_go(sent, in_kernel):
    """The overwrite and ties sections' views wait for their batch; their numbers do not."""
    from cnnviz import pitfalls

    ex = cnnviz.PoolBackwardExplorer()
    ex.ties_view()
    ex.overwrite_bug()

    async def check(wait):
        sent.clear()
        from_browser(ex.x_editor.slider(0, 1), 9, sent)  # a new maximum in the first window
        assert ex.ties_view_html not in sent and ex.overwrite_view not in sent
        args = (ex.dy, ex.x, ex.size, ex.stride)
        ties, overwrite = pitfalls.compare_ties(*args), pitfalls.compare_overwrite(*args, ex.policy)
        for policy in ties.policies:
            np.testing.assert_array_equal(ex.tie_comparison.dx[policy], ties.dx[policy])
        np.testing.assert_array_equal(ex.overwrite.overwritten, overwrite.overwritten)
        np.testing.assert_array_equal(ex.wrong_steps[-1], overwrite.overwritten)  # its last step
        await wait()

    in_kernel(check)
    fresh = cnnviz.PoolBackwardExplorer(x=ex.x, dy=ex.dy)
    assert ex.ties_view_html.value == fresh.ties_view_html.value
    assert ex.overwrite_view.value == fresh.overwrite_view.value


def test_in_a_kernel_a_held_back_view_keeps_the_last_good_picture(sent, in_kernel):
    """A bad setting while a view waits for its batch: the view shows the last good one."""
    ex = cnnviz.PoolWindowsExplorer()
    ex.x = np.arange(16.0).reshape(4, 4)
    ex.size_slider.value, ex.stride_slider.value = 2, 2
    before = ex.formula_view.value

    async def check(wait):
        sent.clear()
        from_browser(ex.stride_slider, 1, sent)  # good: 3x3 windows of 2x2
        assert ex.formula_view.value == before  # the formula waits for the batch
        from_browser(ex.size_slider, 5, sent)  # bad: a 5x5 window does not fit
        assert ex.error
        await wait()

    in_kernel(check)
    good = cnnviz.PoolWindowsExplorer(size=2, stride=1)
    good.x = np.arange(16.0).reshape(4, 4)
    assert ex.formula_view.value == good.formula_view.value != before


def test_in_a_kernel_a_twin_moved_sends_its_own_sections_views_at_once(sent, in_kernel):
    ex = cnnviz.ConvBackwardExplorer()
    ex.matrix_form()  # its view is shown in that section only
    twin = ex._twins["dy"][0]  # the matrix-form section's

    async def check(wait):
        # a change from the first section holds the matrix form back ...
        sent.clear()
        from_browser(ex.dy_editor.slider(0, 0), 2, sent)
        assert ex.matrix_form_view not in sent
        # ... a move in the matrix-form section, before that batch went, sends it with this change
        sent.clear()
        from_browser(twin.slider(0, 0), -2, sent)
        assert ex.matrix_form_view in sent
        assert not sliders_of(ex.dy_editor) & {id(w) for w in sent}  # the first section's: later
        sent.clear()
        await wait()
        assert ex.dy_editor.value[0, 0] == -2
        assert sliders_of(ex.dy_editor) & {id(w) for w in sent}

    in_kernel(check)
    # the matrix form shows both moves (the first one's waiting picture did not come last)
    fresh = cnnviz.ConvBackwardExplorer(dy=ex.dy)
    assert ex.dy[0, 0] == -2 and ex.matrix_form_view.value == fresh.matrix_form_view.value


@pytest.mark.parametrize("name", EXPLORERS)
def test_the_explorers_controls_send_no_echo_of_a_students_move(name, sent):
    from cnnviz.explorers.base import _CONTROL_TYPES, _descendants

    ex = getattr(cnnviz, name)()
    controls = [w for w in _descendants(ex.root) if isinstance(w, _CONTROL_TYPES)]
    assert len(controls) >= 3
    assert all(w.trait_metadata("value", "echo_update", True) is False for w in controls)
    plain = widgets.IntSlider()  # other widgets keep ipywidgets' echo
    sent.clear()
    plain.set_state({"value": 3})
    assert sent == [plain]


def test_every_section_carries_its_explorers_own_class():
    """The page can tell one explorer's copies of a slider from another explorer's."""
    a, b = cnnviz.ConvBackwardExplorer(), cnnviz.ConvBackwardExplorer()
    sections = [a.root, a.scatter_x().widget, a.gather_x().widget]
    assert a.css_class.startswith("cnnviz-explorer-")
    assert all(a.css_class in s._dom_classes for s in sections)
    assert a.css_class != b.css_class and a.css_class not in b.root._dom_classes
