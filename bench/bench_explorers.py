"""What one slider move costs in the kernel, for every explorer as its notebook shows it.

Run:  python bench/bench_explorers.py

A move makes Python work out the trace and every stage's frames; each stage then sends its
frames in one message. Printed per explorer (median of ``repeats`` moves):

  kernel ms     from setting the slider's value to the end of the change
  message kB    the largest one stage sends for the move (its frames and captions as JSON)
  all kB        every stage's message for the move, added up

and the size of the widget layer (lines of cnnviz/explorers). No browser: playing, stepping
and scrubbing cost the kernel nothing (bench_browser.py counts the messages).
"""
import json
import statistics
import time
from pathlib import Path

import cnnviz

ROOT = Path(__file__).resolve().parents[1]
MESSAGE_TARGET_KB = 100.0


def _cases():
    """name -> (explorer with the sections its notebook shows, a slider a student moves)."""
    cases = {}
    forward = cnnviz.ConvForwardExplorer()
    forward.equations()
    cases["conv-forward (01)"] = (forward, forward.x_editor.slider(1, 1))
    backward = cnnviz.ConvBackwardExplorer()
    for section in ("scatter_x", "gather_x", "scatter_w", "weight_equations", "bias",
                    "matrix_form"):
        getattr(backward, section)()
    cases["conv-backward (02)"] = (backward, backward.dy_editor.slider(0, 0))
    pool = cnnviz.PoolForwardExplorer()
    cases["pool-forward (03)"] = (pool, pool.x_editor.slider(1, 1))
    pool_back = cnnviz.PoolBackwardExplorer()
    for section in ("meeting", "overwrite_bug", "ties_view"):
        getattr(pool_back, section)()
    cases["pool-backward (04)"] = (pool_back, pool_back.x_editor.slider(1, 1))
    windows = cnnviz.PoolWindowsExplorer(size=2, stride=2)
    cases["pool-windows (03)"] = (windows, windows.stride_slider)
    sizes = cnnviz.OutputSizeExplorer(height=5, width=5, kernel=3, padding=1, stride=2, dilation=1)
    cases["output-size (06)"] = (sizes, sizes.padding_slider)
    channels = cnnviz.MultiChannelExplorer()
    channels.batch()
    cases["multichannel (06)"] = (channels, channels.w_editors[0].slider(0, 0))
    strided = cnnviz.StridedBackwardExplorer(stride=2, padding=1)
    strided.weights()
    strided.full_convolution()
    cases["strided-backward (06)"] = (strided, strided.w_editor.slider(0, 0))
    return cases


def _message_bytes(stage):
    return len(json.dumps(stage.get_state(["frames", "captions", "error"]),
                          ensure_ascii=False).encode("utf-8"))


def measure(explorer, slider, repeats):
    values = [slider.min + (slider.max - slider.min) * (k % 2) for k in range(repeats)]
    times = []
    for value in values:
        start = time.perf_counter()
        slider.value = value
        times.append(time.perf_counter() - start)
    sizes = [_message_bytes(stage) for stage in explorer.stages]
    return {"kernel_ms": 1e3 * statistics.median(times), "largest_kb": max(sizes) / 1e3,
            "all_kb": sum(sizes) / 1e3, "stages": len(sizes)}


def widget_layer_lines():
    files = sorted((ROOT / "cnnviz" / "explorers").glob("*.py")) + \
        sorted((ROOT / "cnnviz" / "explorers").glob("*.js"))
    return {f.name: len(f.read_text(encoding="utf-8").splitlines()) for f in files}


def main(repeats=30):
    results = {}
    print(f"One slider move, in the kernel (median of {repeats}); the largest message one stage "
          f"sends (target <= {MESSAGE_TARGET_KB:g} kB)")
    for name, (explorer, slider) in _cases().items():
        r = results[name] = measure(explorer, slider, repeats)
        print(f"  {name:24s} kernel {r['kernel_ms']:6.2f} ms   largest message "
              f"{r['largest_kb']:6.1f} kB   all {r['stages']} stages {r['all_kb']:6.1f} kB   "
              f"{'met' if r['largest_kb'] <= MESSAGE_TARGET_KB else 'NOT met'}")
    lines = widget_layer_lines()
    print(f"Widget layer (cnnviz/explorers): {sum(lines.values())} lines "
          + ", ".join(f"{k} {v}" for k, v in lines.items()))
    results["widget_layer_lines"] = lines
    return results


if __name__ == "__main__":
    main()
