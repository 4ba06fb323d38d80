"""Kernel time from a student's slider move to the first number view it sends (no browser).

Run:  python bench/bench_first_view.py

In the browser, the view a slider feeds cannot change before the kernel has sent it: this is
the kernel's share of the slider -> view latency that ``bench_browser.py`` measures. An
explorer sends the views of the section that was moved first and holds the rest back
(``cnnviz.widgets_base``), so what counts is the time to the FIRST number view, not the
whole change. (Measured in the browser: with the strided explorer's first view ready at
once, from a cache, its latency dropped by about 1.3 ms.)

Each explorer of the notebooks, with the slider ``bench_browser.py`` presses, is moved
alternately up and down as a change from the browser would be (in a running event loop,
as a comm message: the rest is held back and sent LATER_S later). Widget messages are
recorded, not sent. Prints the median of ``repeats`` moves per explorer:

  first view    ms from setting the slider's value to the first View message
  whole change  ms until the change returns (the numbers recomputed; the held-back views
                are worked out and sent LATER_S later, with their batch)

``main()`` returns {explorer: {"first_view_ms": ..., "change_ms": ..., "repeats": ...}}.
"""
import asyncio
import contextlib
import statistics
import time

import ipywidgets

from cnnviz.explorers import base as widgets_base
from cnnviz.explorers.general import MultiChannelExplorer, OutputSizeExplorer, StridedBackwardExplorer
from cnnviz.explorers.pool import PoolBackwardExplorer, PoolForwardExplorer, PoolWindowsExplorer
from cnnviz.explorers.conv import ConvBackwardExplorer, ConvForwardExplorer


def _cases():
    """name -> (explorer as its notebook shows it, the slider bench_browser.py presses)."""
    strided = StridedBackwardExplorer(stride=2, padding=1)
    strided.weights()
    strided.full_convolution()
    channels = MultiChannelExplorer()
    channels.batch()
    sizes = OutputSizeExplorer()
    made = {
        "ConvForwardExplorer": (ConvForwardExplorer(), lambda e: e.x_editor.slider(0, 0)),
        "ConvBackwardExplorer": (ConvBackwardExplorer(), lambda e: e.dy_editor.slider(0, 0)),
        "PoolForwardExplorer": (PoolForwardExplorer(), lambda e: e.x_editor.slider(1, 1)),
        "PoolWindowsExplorer": (PoolWindowsExplorer(), lambda e: e.stride_slider),
        "PoolBackwardExplorer": (PoolBackwardExplorer(), lambda e: e.dy_editor.slider(0, 0)),
        "OutputSizeExplorer": (sizes, lambda e: e.height_slider),
        "MultiChannelExplorer": (channels, lambda e: e.w_editors[0].slider(0, 0)),
        "StridedBackwardExplorer": (strided, lambda e: e.w_editor.slider(0, 0)),
    }
    return {name: (explorer, slider_of(explorer)) for name, (explorer, slider_of) in made.items()}


@contextlib.contextmanager
def _as_from_the_browser(sent):
    """Changes count as the browser's (comm messages); widget messages are recorded in
    ``sent`` as (time, widget), not sent."""
    request_type, send = widgets_base._request_type, ipywidgets.Widget._send
    widgets_base._request_type = lambda: "comm_msg"
    ipywidgets.Widget._send = lambda widget, msg, buffers=None: sent.append(
        (time.perf_counter(), widget))
    try:
        yield
    finally:
        widgets_base._request_type, ipywidgets.Widget._send = request_type, send


async def _measure(slider, repeats, sent):
    first, whole = [], []
    for n in range(repeats):
        up = slider.value < slider.max if n == 0 else not up
        value = slider.value + 1 if up else slider.value - 1
        sent.clear()
        start = time.perf_counter()
        slider.value = value
        end = time.perf_counter()
        views = [t for t, widget in sent if isinstance(widget, widgets_base.View)]
        if views:
            first.append(1e3 * (views[0] - start))
        whole.append(1e3 * (end - start))
        await asyncio.sleep(widgets_base.LATER_S * 1.5)  # the held-back batch goes
    return first, whole


def main(repeats=24):
    """Time the explorers' first views; print a table and return the numbers."""
    sent = []
    results = {}
    with _as_from_the_browser(sent):
        for name, (_explorer, slider) in _cases().items():
            first, whole = asyncio.run(_measure(slider, repeats, sent))
            results[name] = {"first_view_ms": statistics.median(first) if first else None,
                             "change_ms": statistics.median(whole), "repeats": repeats}
    print(f"Kernel time from a slider move to the first view it sends (median of {repeats})")
    for name, r in results.items():
        first = "   none" if r["first_view_ms"] is None else f"{r['first_view_ms']:6.2f} ms"
        print(f"  {name:24s} first view {first}   whole change {r['change_ms']:6.2f} ms")
    return results


if __name__ == "__main__":
    main()
