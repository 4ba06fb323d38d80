"""How much faster the vectorized ``cnnviz.ops`` are than the loops of ``cnnviz.naive``.

Run:  python bench/bench_ops.py

Times forward + backward of
  * a convolution layer: x (N=16, C=3, 32, 32), w (F=8, 3, 3, 3), stride 1, padding 1,
    one bias per output channel (F,);
  * a 2x2 / stride-1 max-pool on the same x.
The vectorized time is the median of several runs (time.perf_counter), the naive time the
median of fewer runs (it takes seconds). Target: the vectorized conv is >= 30x faster.

``main()`` returns the numbers as a dict, so a top-level benchmark can import and call it.
"""
import statistics
import time

import numpy as np

from cnnviz import naive, ops

CONV_SPEEDUP_TARGET = 30.0


def median_seconds(run, repeats):
    """Median wall time of ``run()`` over ``repeats`` calls, and the last call's result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _compare(name, run_fast, run_naive, fast_repeats, naive_repeats):
    run_fast()  # warm-up: first-call costs (einsum path search, caches) are not the point
    fast_s, fast_out = median_seconds(run_fast, fast_repeats)
    naive_s, naive_out = median_seconds(run_naive, naive_repeats)
    max_diff = max(
        float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) for a, b in zip(fast_out, naive_out)
    )
    return {
        "name": name,
        "vectorized_s": fast_s,
        "naive_s": naive_s,
        "speedup": naive_s / fast_s,
        "max_abs_difference": max_diff,
        "vectorized_runs": fast_repeats,
        "naive_runs": naive_repeats,
    }


def main(fast_repeats=21, naive_repeats=1, seed=0):
    """Time both layers, print a small table, return {"conv": {...}, "maxpool": {...}}."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(16, 3, 32, 32))
    w = rng.normal(size=(8, 3, 3, 3))
    b = rng.normal(size=8)
    conv_options = {"stride": 1, "padding": 1}
    dy_conv = rng.normal(size=(16, 8, 32, 32))  # HO = (32 + 2 - 2 - 1) // 1 + 1 = 32
    dy_pool = rng.normal(size=(16, 3, 31, 31))  # HO = (32 - 2) // 1 + 1 = 31

    def conv_pass(impl):
        def run():
            y = impl.conv2d_forward(x, w, b, **conv_options)
            return (y, *impl.conv2d_backward(dy_conv, x, w, b, **conv_options))
        return run

    def pool_pass(impl):
        def run():
            y = impl.maxpool2d_forward(x, size=2, stride=1)
            return y, impl.maxpool2d_backward(dy_pool, x, size=2, stride=1)
        return run

    results = {
        "conv": _compare(
            "conv 3x3, F=8, pad 1 (fwd+bwd)", conv_pass(ops), conv_pass(naive),
            fast_repeats, naive_repeats,
        ),
        "maxpool": _compare(
            "max-pool 2x2, stride 1 (fwd+bwd)", pool_pass(ops), pool_pass(naive),
            fast_repeats, naive_repeats,
        ),
    }
    conv = results["conv"]
    conv["target_speedup"] = CONV_SPEEDUP_TARGET
    conv["target_met"] = conv["speedup"] >= CONV_SPEEDUP_TARGET

    print("input x: (N=16, C=3, 32, 32), float64")
    print(f"{'layer':36s} {'vectorized':>12s} {'naive':>10s} {'speed-up':>10s} {'max |diff|':>11s}")
    for row in results.values():
        print(
            f"{row['name']:36s} {row['vectorized_s'] * 1e3:9.2f} ms {row['naive_s']:8.2f} s "
            f"{row['speedup']:9.0f}x {row['max_abs_difference']:11.1e}"
        )
    verdict = "met" if conv["target_met"] else "NOT met"
    print(f"target: conv speed-up >= {CONV_SPEEDUP_TARGET:.0f}x -> {verdict} ({conv['speedup']:.0f}x)")
    return results


if __name__ == "__main__":
    main()
