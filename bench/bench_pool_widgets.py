"""Kernel-side time of one update of the max-pooling explorers (no browser).

Run:  python bench/bench_pool_widgets.py

For each explorer at the seed's sizes (PoolForwardExplorer and PoolBackwardExplorer: X 3x3,
2x2 window, stride 1; PoolWindowsExplorer: X 6x6), times with time.perf_counter:

  * a slider change: one slider moved, everything recomputed and every view's HTML set;
  * an animation step: the player moved one window on (what "play" does every tick).

Each is the median over ``repeats`` (>= 50) changes. Target: median <= 10 ms, so that
dragging a slider or playing stays fluid. Browser rendering comes on top and is not measured.

``main()`` prints a table and returns
{explorer: {"slider_ms": ..., "step_ms": ..., "repeats": ..., "met": bool}, ...}
(the backward explorer also has "ties_switch_ms").
"""
import statistics
import time

from cnnviz.explorers.pool import PoolBackwardExplorer, PoolForwardExplorer, PoolWindowsExplorer

TARGET_MS = 10.0


def _median_ms(actions):
    times = []
    for act in actions:
        start = time.perf_counter()
        act()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def _slider_moves(slider, values, repeats):
    """Callables that move ``slider`` through ``values`` in a cycle, each a real change."""
    def move(v):
        return lambda: setattr(slider, "value", v)
    return [move(values[n % len(values)]) for n in range(repeats)]


def _player_steps(player, repeats):
    """Callables that advance the player one window each, wrapping round at the end."""
    def go(t):
        return lambda: setattr(player, "step", t)
    return [go((k + 1) % player.n_steps) for k in range(repeats)]


def main(repeats=60):
    """Time slider changes and animation steps of the three explorers; print and return."""
    repeats = max(int(repeats), 50)
    forward = PoolForwardExplorer()
    windows = PoolWindowsExplorer(size=2, stride=1)  # 25 windows: the busiest picture
    backward = PoolBackwardExplorer()
    cases = {
        "PoolForwardExplorer": (forward, forward.x_editor.slider(1, 1), [0, 8, 9, 3]),
        "PoolWindowsExplorer": (windows, windows.stride_slider, [1, 2, 3, 2]),
        "PoolBackwardExplorer": (backward, backward.x_editor.slider(1, 1), [0, 8, 9, 3]),
    }
    results = {}
    for name, (explorer, slider, values) in cases.items():
        slider_ms = _median_ms(_slider_moves(slider, values, repeats))
        slider.value = values[0]
        step_ms = _median_ms(_player_steps(explorer.player, repeats))
        results[name] = {"slider_ms": slider_ms, "step_ms": step_ms, "repeats": repeats}
    # the backward explorer's other controls, for completeness
    ties_ms = _median_ms(_slider_moves(backward.ties, ["first", "all", "split"], repeats))
    results["PoolBackwardExplorer"]["ties_switch_ms"] = ties_ms

    for r in results.values():
        r["met"] = max(r["slider_ms"], r["step_ms"]) <= TARGET_MS
    print(f"Pool explorer update time in the kernel (median of {repeats}; "
          f"target <= {TARGET_MS:g} ms)")
    for name, r in results.items():
        print(f"  {name:24s} slider change {r['slider_ms']:6.2f} ms   step {r['step_ms']:6.2f} ms"
              f"   {'met' if r['met'] else 'NOT met'}")
    print(f"  {'(ties switch, backward)':24s}        {ties_ms:6.2f} ms")
    return results


if __name__ == "__main__":
    main()
