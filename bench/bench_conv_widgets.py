"""Kernel-side update time of the convolution explorers at the seed's sizes.

Run:  python bench/bench_conv_widgets.py

For each explorer: the median time of one slider change (every view recomputed and
re-rendered) and of one animation step (the player moves on), over many changes.
Target: median <= 10 ms. No browser: this is what the kernel spends per event.
"""
import statistics
import time

from cnnviz.explorers.conv import ConvBackwardExplorer, ConvForwardExplorer

TARGET_MS = 10.0


def median_ms(action, repeats):
    times = []
    for k in range(repeats):
        start = time.perf_counter()
        action(k)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def measure(explorer, editor, repeats=100):
    slider = editor.slider(0, 0)
    values = [slider.min + k % (slider.max - slider.min + 1) for k in range(repeats)]
    change = median_ms(lambda k: setattr(slider, "value", values[k]), repeats)
    n = explorer.player.n_steps
    step = median_ms(lambda k: setattr(explorer.player, "step", (explorer.player.step + 1) % n), repeats)
    return {"slider_ms": change, "step_ms": step}


def main(repeats=100):
    forward = ConvForwardExplorer()
    backward = ConvBackwardExplorer()
    results = {
        "ConvForwardExplorer": measure(forward, forward.x_editor, repeats),
        "ConvBackwardExplorer": measure(backward, backward.dy_editor, repeats),
    }
    print(f"Explorer update time in the kernel (median of {repeats}; target <= {TARGET_MS:g} ms)")
    for name, r in results.items():
        ok = max(r.values()) <= TARGET_MS
        print(f"  {name:24s} slider change {r['slider_ms']:6.2f} ms   step {r['step_ms']:6.2f} ms"
              f"   {'met' if ok else 'NOT met'}")
    return results


if __name__ == "__main__":
    main()
