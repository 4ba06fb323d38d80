"""Kernel-side time of one update of the max-pooling explorers (no browser).

Run:  python bench/bench_pool_widgets.py

For each explorer at the seed's sizes (PoolForwardExplorer and PoolBackwardExplorer: X 3x3,
2x2 window, stride 1; PoolWindowsExplorer: X 6x6), times with time.perf_counter one slider
change: the trace recomputed and every stage's frames (one HTML view per window) made and
sent in one message. The backward explorer has all its sections shown (five stages), as in
notebook 04. Stepping through the windows costs the kernel nothing: the browser does it.

Each is the median over ``repeats`` (>= 50) changes. Target: median <= 10 ms, so that
dragging a slider stays fluid. Browser rendering comes on top and is not measured. The size
of what one change sends is reported too: UTF-8 bytes of json.dumps(frames + captions),
summed over the explorer's stages; for PoolWindowsExplorer also the largest over every
setting its sliders reach (target <= 100 kB).

``main()`` prints a table and returns
{explorer: {"slider_ms": ..., "frames_kb": ..., "repeats": ..., "met": bool}, ...}
(the backward explorer also has "ties_switch_ms"; the windows explorer "max_frames_kb" and
"max_frames_setting").
"""
import json
import statistics
import time

from cnnviz.explorers.pool import PoolBackwardExplorer, PoolForwardExplorer, PoolWindowsExplorer

TARGET_MS = 10.0
TARGET_KB = 100.0
# x22 dragged across its whole range (-9 ... 9) and back: most values are new to the
# explorer's cache of formulas until the second pass
DRAG = list(range(-9, 10)) + list(range(8, -9, -1))


def _median_ms(actions):
    times = []
    for act in actions:
        start = time.perf_counter()
        act()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def _moves(control, values, repeats):
    """Callables that move ``control`` through ``values`` in a cycle, each a real change."""
    def move(v):
        return lambda: setattr(control, "value", v)
    return [move(values[n % len(values)]) for n in range(repeats)]


def _frames_kb(explorer):
    """What one change sends: UTF-8 of json.dumps(frames + captions), every stage, in kB."""
    return sum(len(json.dumps(stage.frames + stage.captions).encode("utf-8"))
               for stage in explorer.stages) / 1000


def _largest_windows_kb():
    """(kB, (size, stride)): the most one change sends over every setting the sliders reach."""
    explorer = PoolWindowsExplorer()
    sizes = range(explorer.size_slider.min, explorer.size_slider.max + 1)
    strides = range(explorer.stride_slider.min, explorer.stride_slider.max + 1)
    sent = {}
    for size in sizes:
        for stride in strides:
            explorer.size_slider.value, explorer.stride_slider.value = size, stride
            if not explorer.error:
                sent[size, stride] = _frames_kb(explorer)
    setting = max(sent, key=sent.get)
    return sent[setting], setting


def main(repeats=60):
    """Time slider changes of the three explorers; print and return the results."""
    repeats = max(int(repeats), 50)
    forward = PoolForwardExplorer()
    windows = PoolWindowsExplorer(size=2, stride=1)  # 25 windows: the busiest picture
    backward = PoolBackwardExplorer()
    for section in (backward.meeting, backward.overwrite_bug, backward.ties_view):
        section()
    cases = {
        "PoolForwardExplorer": (forward, forward.x_editor.slider(1, 1), DRAG),
        "PoolWindowsExplorer": (windows, windows.size_slider, [2, 3, 2, 1]),
        "PoolBackwardExplorer": (backward, backward.x_editor.slider(1, 1), DRAG),
    }
    results = {}
    for name, (explorer, slider, values) in cases.items():
        slider_ms = _median_ms(_moves(slider, values, repeats))
        slider.value = values[0]
        assert explorer.error == "", explorer.error
        results[name] = {"slider_ms": slider_ms, "frames_kb": _frames_kb(explorer),
                         "repeats": repeats}
    ties_ms = _median_ms(_moves(backward.ties, ["first", "all", "split"], repeats))
    results["PoolBackwardExplorer"]["ties_switch_ms"] = ties_ms
    largest, setting = _largest_windows_kb()
    results["PoolWindowsExplorer"].update(max_frames_kb=largest, max_frames_setting=setting)

    for name, r in results.items():
        r["met"] = r["slider_ms"] <= TARGET_MS and r.get("max_frames_kb", 0) <= TARGET_KB
    print(f"Pool explorer update time in the kernel (median of {repeats}; "
          f"target <= {TARGET_MS:g} ms); frames sent per change (target <= {TARGET_KB:g} kB)")
    for name, r in results.items():
        print(f"  {name:24s} slider change {r['slider_ms']:6.2f} ms   frames {r['frames_kb']:7.1f} kB"
              f"   {'met' if r['met'] else 'NOT met'}")
    print(f"  {'(ties switch, backward)':24s}        {ties_ms:6.2f} ms")
    print(f"  {'(windows, any setting)':24s} largest frames {largest:6.1f} kB at size "
          f"{setting[0]}, stride {setting[1]}")
    return results


if __name__ == "__main__":
    main()
