"""Time and size our replay buffers against the original notebook's memory and cpprb.

One training step of prioritized replay is ``sample(64)`` followed by ``update_priorities`` of
the 64 sampled slots. This script times that step with a full buffer of 10^6 CartPole-sized
transitions (4 float32 per observation) for:

- ``PrioritizedReplayBuffer`` (ours, ``prdqn_helpers.replay``);
- the original notebook's memory (``benchmarks/original_notebook.py``: its algorithm and costs,
  including re-stacking the sampled tuples into arrays, which its training step did);
- cpprb's ``PrioritizedReplayBuffer`` (C++), if installed (``pip install -r benchmarks/requirements.txt``);

and the uniform ``ReplayBuffer`` for reference. It also times adding one transition, and
measures the memory per stored transition of each buffer in a fresh process (resident memory
after filling, minus before). The timed calls take turns in rounds (median over rounds), so a
change in machine load hits all of them alike; it prints times and ratios from the same run.
``--clock cpu`` counts only the time the timing thread ran (``time.thread_time``): on a busy
machine the wall clock also counts the time other processes held the core.

Usage::

    .venv/bin/python benchmarks/replay.py                  # capacity 10^6 (about a minute)
    .venv/bin/python benchmarks/replay.py --capacity 100000
    .venv/bin/python benchmarks/replay.py --clock cpu      # on a busy machine

Measured (issue 18, item 6; targets: at most 1.25x cpprb's time, at least 10x faster than the
original). Before, on a quiet machine with an AVX-512 CPU: 137-144 us against cpprb's 90 us
(1.50-1.61x), 7.7-8.1x faster than the original. The step was then made cheaper without changing
a single result (tests/test_replay.py compares with a frozen copy of the old algorithm):
``update`` broadcasts a value only when one is given for all slots, the update finds its largest
priority once and scans the batch again only when needed, and the checks settle the usual case
sooner. On an AMD EPYC (family 25 model 17, Zen 4, 2 cores under KVM, AVX-512) while a training
sweep kept both cores busy, 7 runs each of the old and the new code, alternating, ``--clock
cpu``, medians (min-max): ours / cpprb 1.20x (1.15-1.28) before, 0.99x (0.90-1.03) after; faster
than the original 9.9x (9.2-11.1) before, 11.3x (10.7-12.1) after; ours 148 -> 129 us. In one
process, the two versions taking turns: the new step takes 0.82-0.84 of the old one's time at
10^6 slots, 0.70 at 2,000. A busy machine slows cpprb more than ours (1.20x before, not 1.5x),
so these ratios alone did not show the targets met on a quiet machine. Measured there after (the same
AMD EPYC with both cores idle, wall clock, 3 runs): ours 109.7 / 110.8 / 105.2 us, cpprb 119.4 / 112.2 /
106.7 us: 0.92x / 0.99x / 0.99x cpprb's time, 11.0x / 11.6x / 10.9x faster than the original; both targets
met on this CPU (an Intel AVX-512 machine, where cpprb measured 90 us, is still to be measured). Where the
new step's ~110 us go (busy machine, per step): stratified_sample 47 (the sum tree's walk down,
of which NumPy's accumulate over each row of 32 children takes about 16 us in cache), sum-tree
update 17, min-tree update 21, checks 7, the six row copies of the batch 9, weights 4,
priorities and the largest one 4. Again on 2026-12-07 (the same AMD EPYC, quiet, one run, after the
n-step `steps` field joined the buffers): ours 103.9 us, cpprb 99.0 us (1.05x), the original 1,124 us
(10.8x).
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from original_notebook import OriginalMemory, restack  # noqa: E402

from prdqn_helpers.replay import PrioritizedReplayBuffer, ReplayBuffer  # noqa: E402

try:
    import cpprb
except ImportError:  # optional
    cpprb = None

OBS_DIM, BATCH, ALPHA, BETA, EPS = 4, 64, 0.6, 0.4, 1e-6


def cartpole_like(capacity: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return dict(
        obs=rng.standard_normal((capacity, OBS_DIM), dtype=np.float32),
        act=rng.integers(0, 2, capacity),
        rew=np.ones(capacity, np.float32),
        next_obs=rng.standard_normal((capacity, OBS_DIM), dtype=np.float32),
        done=rng.random(capacity) < 0.02,
        td=rng.exponential(1.0, capacity),
    )


# ---- building each buffer, full ------------------------------------------------------------------
def build_ours(data: dict, uniform: bool = False) -> ReplayBuffer:
    capacity = len(data["act"])
    buffer = ReplayBuffer(capacity, (OBS_DIM,)) if uniform else PrioritizedReplayBuffer(capacity, (OBS_DIM,), ALPHA, EPS)
    buffer.add_batch(data["obs"], data["act"], data["rew"], data["next_obs"], data["done"])
    buffer.update_priorities(np.arange(capacity), data["td"])
    return buffer


def build_cpprb(data: dict):
    capacity = len(data["act"])
    env_dict = {"obs": {"shape": OBS_DIM}, "act": {"dtype": np.int64}, "rew": {}, "next_obs": {"shape": OBS_DIM}, "done": {}}
    buffer = cpprb.PrioritizedReplayBuffer(capacity, env_dict, alpha=ALPHA, eps=EPS)
    buffer.add(obs=data["obs"], act=data["act"], rew=data["rew"], next_obs=data["next_obs"], done=data["done"],
               priorities=data["td"] + EPS)
    return buffer


def build_original(data: dict) -> OriginalMemory:
    """Fill the original memory as ``store`` would, but without its O(capacity) scan per insertion
    (10^6 scans of 10^6 leaves would take hours): leaves and data written directly, sums rebuilt."""
    capacity = len(data["act"])
    memory = OriginalMemory(capacity, seed=0)
    tree = memory.tree
    for i in range(capacity):  # the original kept one Python tuple per transition
        tree.data[i] = (data["obs"][i].copy(), int(data["act"][i]), float(data["rew"][i]),
                        data["next_obs"][i].copy(), bool(data["done"][i]))
    leaves = np.power(np.minimum(data["td"] + 0.1, 1.0), memory.a)  # its batch_update's priorities
    tree.tree[capacity - 1:] = leaves
    # Internal node k (heap layout) = sum of its children 2k+1 and 2k+2. Children are one level
    # deeper, so computing the levels from the deepest up gives every sum from finished children.
    for depth in range((capacity - 1).bit_length() - 1, -1, -1):  # depth of node k: bit_length(k+1) - 1
        nodes = np.arange(2**depth - 1, min(2 ** (depth + 1) - 1, capacity - 1))
        tree.tree[nodes] = tree.tree[2 * nodes + 1] + tree.tree[2 * nodes + 2]
    tree.write = 0
    return memory


# ---- timing ----------------------------------------------------------------------------------------
def interleaved(calls: dict, repeats: dict, blocks: int = 7, clock=time.perf_counter) -> dict:
    """Seconds per call of each callable: median over ``blocks`` rounds, the callables taking turns
    within each round, so that a change in machine load affects all of them alike."""
    for call in calls.values():
        call()  # warm-up
    times: dict = {name: [] for name in calls}
    for _ in range(blocks):
        for name, call in calls.items():
            start = clock()
            for _ in range(repeats[name]):
                call()
            times[name].append((clock() - start) / repeats[name])
    return {name: float(np.median(t)) for name, t in times.items()}


def step_ours(buffer: ReplayBuffer):
    rng = np.random.default_rng(1)
    errors = np.random.default_rng(2).exponential(1.0, (1024, BATCH)).astype(np.float32)
    k = [0]

    def step() -> None:
        batch = buffer.sample(BATCH, beta=BETA, rng=rng)
        buffer.update_priorities(batch.indices, errors[k[0] % 1024])
        k[0] += 1

    return step


def step_cpprb(buffer):
    errors = np.random.default_rng(2).exponential(1.0, (1024, BATCH))
    k = [0]

    def step() -> None:
        batch = buffer.sample(BATCH, beta=BETA)
        buffer.update_priorities(batch["indexes"], errors[k[0] % 1024] + EPS)
        k[0] += 1

    return step


def step_original(memory: OriginalMemory):
    errors = np.random.default_rng(2).exponential(1.0, (1024, BATCH))
    k = [0]

    def step() -> None:
        batch, tree_idx, weights = memory.sample(BATCH)
        restack(batch)  # its training step turned the tuples into arrays for every batch
        memory.batch_update(tree_idx, errors[k[0] % 1024])
        k[0] += 1

    return step


# ---- memory (in a fresh process) -------------------------------------------------------------------
def rss_bytes() -> int:
    """Resident memory of this process, after giving freed heap memory back to the system."""
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # else freed temporaries of the fill would count
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def measure_memory(kind: str, capacity: int) -> None:
    data = cartpole_like(capacity)
    gc.collect()
    before = rss_bytes()
    builder = {"ours": build_ours, "ours-uniform": lambda d: build_ours(d, uniform=True),
               "cpprb": build_cpprb, "original": build_original}[kind]
    buffer = builder(data)
    gc.collect()
    print(rss_bytes() - before)
    del buffer


def memory_per_transition(kind: str, capacity: int) -> float | None:
    if sys.platform != "linux":
        return None
    out = subprocess.run([sys.executable, __file__, "--capacity", str(capacity), "--measure-memory", kind],
                         capture_output=True, text=True, check=True).stdout
    return int(out.strip().splitlines()[-1]) / capacity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capacity", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=400, help="steps per timing block (ours, cpprb)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="cpu: count only the time this thread ran (time.thread_time), for a busy machine")
    parser.add_argument("--measure-memory", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_memory:
        measure_memory(args.measure_memory, args.capacity)
        return

    capacity = args.capacity
    print(f"capacity {capacity:,}, CartPole-sized transitions (obs {OBS_DIM} x float32), batch {BATCH}, "
          f"alpha {ALPHA}, beta {BETA}, {args.clock} clock; numpy {np.__version__}" + (f", cpprb {version('cpprb')}" if cpprb else ", cpprb not installed"))
    data = cartpole_like(capacity)
    ours, uniform, original = build_ours(data), build_ours(data, uniform=True), build_original(data)
    reference = build_cpprb(data) if cpprb is not None else None
    obs, nxt = np.zeros(OBS_DIM, np.float32), np.ones(OBS_DIM, np.float32)
    transition = (obs, 1, 1.0, nxt, False)
    few = max(args.repeats // 20, 5)  # the original is slow: fewer calls per round

    steps = {"ours": step_ours(ours), "ours (uniform ReplayBuffer)": step_ours(uniform), "original notebook": step_original(original)}
    repeats = {"ours": args.repeats, "ours (uniform ReplayBuffer)": args.repeats, "original notebook": few}
    adds = {"ours": lambda: ours.add(*transition), "original notebook": lambda: original.store(transition)}
    add_repeats = {"ours": args.repeats, "original notebook": few}
    if reference is not None:
        steps["cpprb"], repeats["cpprb"] = step_cpprb(reference), args.repeats
        adds["cpprb"] = lambda: reference.add(obs=obs, act=1, rew=1.0, next_obs=nxt, done=False)
        add_repeats["cpprb"] = args.repeats
    clock = {"wall": time.perf_counter, "cpu": time.thread_time}[args.clock]
    times = interleaved(steps, repeats, clock=clock)
    adds = interleaved(adds, add_repeats, clock=clock)
    del ours, uniform, original, reference
    gc.collect()

    print("\nsample(64) + update_priorities(64), one training step:")
    for name, seconds in times.items():
        print(f"  {name:28s} {seconds * 1e6:9.1f} us")
    print(f"  ours vs original notebook: {times['original notebook'] / times['ours']:.1f}x faster (target >= 10x)")
    if "cpprb" in times:
        print(f"  ours / cpprb:              {times['ours'] / times['cpprb']:.2f}x the time (target <= 1.25x)")
    print("\nadd one transition to a full buffer:")
    for name, seconds in adds.items():
        print(f"  {name:28s} {seconds * 1e6:9.1f} us")
    print(f"  ours vs original notebook: {adds['original notebook'] / adds['ours']:.1f}x faster")

    payload = 2 * OBS_DIM * 4 + 8 + 4 + 4 + 1  # as we store it: obs, next_obs float32; action int64; reward, flag float32; steps uint8
    minimal = 2 * OBS_DIM * 4 + 1 + 4 + 1  # the least it could be: 1-byte action and flag
    print(f"\nmemory per stored transition (resident memory after filling, fresh process; "
          f"payload as stored {payload} B, minimal {minimal} B):")
    for kind in ("ours", "ours-uniform", "cpprb", "original"):
        if kind == "cpprb" and cpprb is None:
            continue
        per = memory_per_transition(kind, capacity)
        if per is None:
            print("  (memory is measured on Linux only)")
            break
        print(f"  {kind:28s} {per:7.1f} B   {per / payload:.2f}x payload as stored, {per / minimal:.2f}x minimal")
    print(f"  ours, by construction: transition arrays {payload:.1f} B "
          f"+ sum tree and min tree (float64 leaves, 1/32 inner nodes) about {2 * 8 * (1 + 1 / 31):.1f} B")


if __name__ == "__main__":
    main()
