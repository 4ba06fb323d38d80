"""`make bench`: every number the project promises, printed in one run.

1. the ops: vectorized against the naive loops (conv target >= 30x);
2. the explorers' kernel-side update time per slider change and per step (target <= 10 ms),
   and the kernel time from a slider move to the first view it sends (no target: the
   browser's latency waits for it);
3. the notebook test stage: `pytest --nbval` over notebooks/ (target <= 60 s on 2 cores);
4. in a browser (if Chromium is installed): slider -> view latency of each explorer
   against a bare one-slider widget measured just before and after its notebook (target
   <= 1.5x), and against the same bare widget placed next to the explorer on its notebook's
   page (the explorer's own share; no target).
"""
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOTEBOOK_STAGE_TARGET_S = 60.0


def load(name):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def notebook_stage():
    """Wall time of the notebook stage of `make test` (strict nbval over notebooks/)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "notebooks"],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
    ok = seconds <= NOTEBOOK_STAGE_TARGET_S
    print(f"Notebook stage (pytest --nbval notebooks/): {seconds:.1f} s  [{last}]  "
          f"target <= {NOTEBOOK_STAGE_TARGET_S:g} s: {'met' if ok else 'NOT met'}")
    return {"seconds": seconds, "summary": last, "returncode": done.returncode}


def section(title):
    print(f"\n== {title} ==", flush=True)


def main():
    results = {}
    section("1. ops: vectorized vs naive loops")
    results["ops"] = load("bench_ops").main()
    section("2. explorers: kernel-side update time")
    results["conv_widgets"] = load("bench_conv_widgets").main()
    if (HERE / "bench_pool_widgets.py").exists():
        results["pool_widgets"] = load("bench_pool_widgets").main()
    results["first_view"] = load("bench_first_view").main()
    section("3. notebook test stage")
    results["notebooks"] = notebook_stage()
    if (HERE / "bench_browser.py").exists():
        section("4. browser: slider -> view latency")
        results["browser"] = load("bench_browser").main()
    return results


if __name__ == "__main__":
    main()
