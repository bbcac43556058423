"""Time prdqn_helpers.sum_tree against the original notebook's tree and cpprb's compiled C++ buffer.

Run from the repository root (about a minute; keep the machine otherwise idle for stable numbers)::

    .venv/bin/python benchmarks/sum_tree.py            # capacities 2^14, 2^17, 2^20
    .venv/bin/python benchmarks/sum_tree.py --check    # exit 1 if a target below is missed

What is timed, at each capacity, all in this one run (best of several rounds, so the least
disturbed run counts; each round visits every implementation in turn):

- **replay step, B = 64 and 256**: draw B slots by stratified sampling (one uniform value per
  equal segment of the total), then give those B slots new priorities.
    - ours: ``stratified_sample(tree, B, rng)`` then ``tree.update(slots, priorities)``;
    - ours, binary: the same with ``SumTree(n, fanout=2, root_width=2)`` (the classic layout);
    - original: ``benchmarks/original_notebook.py``'s ``OriginalSumTree``: a Python loop of B
      recursive descents, then B recursive updates, with the int32 index array the original's
      ``Memory`` kept (the tree alone: no weights, no data);
    - original Memory: ``OriginalMemory.sample(B)`` + ``batch_update``, which adds its scan of
      every leaf for the minimum probability and the per-sample weights (for information);
    - cpprb: ``PrioritizedReplayBuffer.sample(B)`` + ``update_priorities`` (compiled C++ segment
      trees; its sample also computes weights and gathers a 1-float observation per slot).
- **one priority**: ``update`` of a single slot (ours with a plain int and float; original
  ``update``; cpprb ``update_priorities`` with 1-element arrays).
- **add one transition with the max priority**: ours is one single-slot update (the replay buffer
  tracks the max in O(1)); the original's ``store`` scans every leaf with ``np.max``; cpprb ``add``.

Targets (issues 3 and 9), at capacity 2^20: ours >= 8x faster than the original tree at B = 64
and >= 12x at B = 256; at or below cpprb's time at both (ratio ours / cpprb <= 1).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from original_notebook import OriginalMemory, OriginalSumTree  # noqa: E402

from prdqn_helpers.sum_tree import SumTree, stratified_sample  # noqa: E402

try:
    from cpprb import PrioritizedReplayBuffer
except ImportError:  # optional: pip install -r benchmarks/requirements.txt
    PrioritizedReplayBuffer = None

BATCH_SIZES = (64, 256)
SINGLES = 1000  # single-slot operations per timed call


def best_times(calls: dict[str, tuple[Callable[[], None], int, int]], repeat: int) -> dict[str, float]:
    """Smallest mean seconds per operation of each call, over ``repeat`` rounds.

    ``calls`` maps a key to ``(call, number, per_call)``: ``call`` is run ``number`` times per round
    and does ``per_call`` operations. The rounds visit every call in turn (round robin), so a burst
    of load from other processes on a shared machine slows all of them alike instead of one.
    """
    best = dict.fromkeys(calls, math.inf)
    for _ in range(repeat):
        for key, (call, number, per_call) in calls.items():
            start = time.perf_counter()
            for _ in range(number):
                call()
            best[key] = min(best[key], (time.perf_counter() - start) / (number * per_call))
    return best


def fill_original(tree: OriginalSumTree, priorities: np.ndarray) -> None:
    """Set every leaf of an ``OriginalSumTree`` and rebuild its sums depth by depth (benchmark setup only)."""
    n = tree.capacity
    tree.tree[n - 1:] = priorities
    depth = max(0, (n - 1).bit_length() - 1) if n > 1 else 0
    for d in range(depth, -1, -1):  # heap layout: children of i are 2i+1, 2i+2
        idx = np.arange(2**d - 1, min(2 ** (d + 1) - 1, n - 1))
        tree.tree[idx] = tree.tree[2 * idx + 1] + tree.tree[2 * idx + 2]
    tree.data[:] = [(np.zeros(4, np.float32), 0, 0.0, np.zeros(4, np.float32), False)] * n


def bench_capacity(n: int, rng: np.random.Generator, quick: bool) -> dict[str, float]:
    """Seconds per operation at capacity ``n``, keyed ``"<impl>/<operation>"``."""
    reps = 3 if quick else 7
    initial = rng.random(n) + 0.01
    new_p = {b: rng.random(b) + 0.01 for b in BATCH_SIZES}
    singles = rng.integers(0, n, SINGLES)
    single_ints, single_ps = [int(i) for i in singles], [float(p) for p in rng.random(SINGLES) + 0.01]
    single_arrays = [(np.array([i]), np.array([p])) for i, p in zip(single_ints, single_ps)]  # for cpprb
    calls: dict[str, tuple[Callable[[], None], int, int]] = {}  # key -> (call, number, operations per call)

    # ours (default) and ours (binary layout)
    for name, layout in (("ours", {}), ("ours binary", {"fanout": 2, "root_width": 2})):
        tree = SumTree(n, **layout)
        tree.update(np.arange(n), initial)
        for b in BATCH_SIZES:
            def step(tree: SumTree = tree, b: int = b) -> None:
                tree.update(stratified_sample(tree, b, rng), new_p[b])
            calls[f"{name}/step B={b}"] = (step, 20, 1)

        def one_priority(tree: SumTree = tree) -> None:
            for i, p in zip(single_ints, single_ps):
                tree.update(i, p)

        calls[f"{name}/one priority"] = (one_priority, 1, SINGLES)

    # the original notebook's tree and memory
    py_random = random.Random(0)
    memory = OriginalMemory(n, seed=0)
    fill_original(memory.tree, initial)
    original = memory.tree
    for b in BATCH_SIZES:
        def original_step(b: int = b) -> None:
            # the tree part of the original's Memory.sample and batch_update: draws, descents and
            # int32 tree indices as it kept them, then one recursive update per slot
            segment = original.total / b
            tree_idx = np.empty((b,), dtype=np.int32)
            for k in range(b):
                tree_idx[k] = original.get(py_random.uniform(segment * k, segment * (k + 1)))[0]
            for ti, p in zip(tree_idx, new_p[b]):
                original.update(ti, p)

        def memory_step(b: int = b) -> None:
            _, tree_idx, _ = memory.sample(b)
            memory.batch_update(tree_idx, new_p[b])

        calls[f"original/step B={b}"] = (original_step, 3, 1)
        calls[f"original Memory/step B={b}"] = (memory_step, 3, 1)

    def original_one() -> None:
        for i, p in zip(single_ints, single_ps):
            original.update(n - 1 + i, p)

    transition = (np.zeros(4, np.float32), 0, 0.0, np.zeros(4, np.float32), False)

    def original_add() -> None:
        memory.store(transition)

    calls["original/one priority"] = (original_one, 1, SINGLES)
    calls["original/add one (max priority)"] = (original_add, 20, 1)

    # cpprb (optional)
    if PrioritizedReplayBuffer is not None:
        buffer = PrioritizedReplayBuffer(n, {"obs": {"shape": 1}}, alpha=1.0)  # alpha 1: priorities as given
        buffer.add(obs=np.zeros((n, 1)))
        buffer.update_priorities(np.arange(n), initial)
        for b in BATCH_SIZES:
            def cpprb_step(b: int = b) -> None:
                buffer.update_priorities(buffer.sample(b, beta=0.4)["indexes"], new_p[b])

            calls[f"cpprb/step B={b}"] = (cpprb_step, 20, 1)

        def cpprb_one() -> None:
            for i, p in single_arrays:
                buffer.update_priorities(i, p)

        obs = np.zeros((1, 1))

        def cpprb_add() -> None:
            buffer.add(obs=obs)

        calls["cpprb/one priority"] = (cpprb_one, 1, SINGLES)
        calls["cpprb/add one (max priority)"] = (cpprb_add, 200, 1)
    out = best_times(calls, reps)
    for name in ("ours", "ours binary"):
        out[f"{name}/add one (max priority)"] = out[f"{name}/one priority"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exponents", type=int, nargs="+", default=[14, 17, 20], help="capacities 2^e")
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--check", action="store_true", help="exit with status 1 if a target is missed")
    args = parser.parse_args()
    rng = np.random.default_rng(0)

    results = {}
    for e in args.exponents:
        results[e] = res = bench_capacity(2**e, rng, args.quick)
        print(f"\ncapacity 2^{e} = {2**e:,}")
        operations = [f"step B={b}" for b in BATCH_SIZES] + ["one priority", "add one (max priority)"]
        impls = ["ours", "ours binary", "original", "original Memory", "cpprb"]
        print(f"  {'operation':33s}" + "".join(f"{impl:>17s}" for impl in impls))
        for op in operations:
            cells = [f"{res[f'{impl}/{op}'] * 1e6:14.1f} µs" if f"{impl}/{op}" in res else f"{'-':>17s}" for impl in impls]
            print(f"  {op:33s}" + "".join(cells))
        print("  ratios (time of X / time of ours; > 1 means ours is faster):")
        for op in operations:
            ratios = [
                f"{impl} {res[f'{impl}/{op}'] / res[f'ours/{op}']:6.2f}x"
                for impl in impls[1:]
                if f"{impl}/{op}" in res
            ]
            print(f"    {op:31s} " + "   ".join(ratios))

    missed = []
    if 20 in results:
        res = results[20]
        print("\ntargets at capacity 2^20:")
        checks = [
            ("vs original tree, B=64 (>= 8x)", res["original/step B=64"] / res["ours/step B=64"], 8.0, ">="),
            ("vs original tree, B=256 (>= 12x)", res["original/step B=256"] / res["ours/step B=256"], 12.0, ">="),
        ]
        if "cpprb/step B=64" in res:
            checks += [
                (f"ours / cpprb, B={b} (<= 1x)", res[f"ours/step B={b}"] / res[f"cpprb/step B={b}"], 1.0, "<=")
                for b in BATCH_SIZES
            ]
        for label, value, target, sense in checks:
            ok = value >= target if sense == ">=" else value <= target
            missed += [] if ok else [label]
            print(f"  {label:38s} {value:6.2f}x  {'ok' if ok else 'MISSED'}")
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
