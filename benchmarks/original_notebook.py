"""The original notebook's sum tree and prioritized memory, reimplemented as a timing reference.

READ THIS FIRST: this module reproduces, ON PURPOSE, the algorithm of the notebook this series
grows from (described in ``notebooks/C_original_repaired.ipynb``), INCLUDING ITS DEFECTS. It exists only so
that benchmarks can time our code against what a reader may have seen before, with the same
costs. Do not use it for anything else, and do not "fix" it: a fix would make the comparison
dishonest. The code is our own; only the algorithm and its costs are the original's:

- ``OriginalSumTree``: one float64 array of ``2 * capacity - 1`` node sums (binary heap layout:
  children of node ``i`` are ``2i + 1`` and ``2i + 2``; leaves are the last ``capacity``
  slots); a change is pushed up by a recursive ``_propagate`` that ADDS THE DELTA to every
  ancestor (so rounding error accumulates over time); ``get(s)`` is a recursive ``_retrieve``
  that goes left when ``left_sum >= s`` (so ``s == 0`` or a drifted ``s`` can end on an empty
  leaf, whose data is the integer 0); the data live in an ``object`` array; a write pointer
  wraps around.
- ``OriginalMemory``: proportional priorities with ``e = 0.01``, ``a = 0.6``; a new transition
  gets the largest leaf priority found by ``np.max`` over EVERY leaf (O(capacity) per add;
  1.0 when the tree is empty); ``sample(n)`` is a Python loop of ``n`` recursive descents, one
  uniform draw per segment of ``total / n``; importance-sampling weights ``(P(i) / min P) ** -beta``
  where ``min P`` is taken over ALL leaves, empty ones included, and clamped below at 1e-5;
  ``beta`` grows by 0.001 per ``sample`` call up to 1; ``batch_update`` adds 0.1 (not ``e``) to
  ``|delta|`` and clips at 1 before raising to ``a``, so priorities saturate; transitions are
  Python tuples in an ``object`` array, re-stacked into arrays for every batch (``restack``).

API (small on purpose)::

    tree = OriginalSumTree(capacity)
    tree.add(p, data); tree.update(tree_idx, p); tree_idx, p, data = tree.get(s); tree.total

    memory = OriginalMemory(capacity, seed=0)
    memory.store(transition)                      # a tuple (obs, action, reward, next_obs, done)
    batch, tree_idx, is_weights = memory.sample(n)
    obs, actions, rewards, next_obs, dones = restack(batch)
    memory.batch_update(tree_idx, abs_errors)

``tree_idx`` are positions in the heap array (leaf ``k`` is ``capacity - 1 + k``), as in the
original. Randomness comes from a seeded ``random.Random`` (the original called the global
``random.uniform``; a private instance has the same per-draw cost and is reproducible).
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np


class OriginalSumTree:
    """Binary sum tree in one heap-ordered array, recursive, one value at a time (reference only)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = int(capacity)
        self.tree = np.zeros(2 * self.capacity - 1)  # node sums; leaves are the last `capacity` slots
        self.data = np.zeros(self.capacity, dtype=object)  # never-written slots hold the integer 0
        self.write = 0  # next leaf to overwrite (wraps around)

    @property
    def total(self) -> float:
        return self.tree[0]

    def _propagate(self, node: int, delta: float) -> None:
        # Push a change up by adding the delta to each ancestor, recursively (errors accumulate).
        parent = (node - 1) // 2
        self.tree[parent] += delta
        if parent != 0:
            self._propagate(parent, delta)

    def _retrieve(self, node: int, s: float) -> int:
        # Recursive descent; goes left on ties (left_sum >= s), so a zero-sum left subtree can win.
        left = 2 * node + 1
        if left >= len(self.tree):
            return node
        if self.tree[left] >= s:
            return self._retrieve(left, s)
        return self._retrieve(left + 1, s - self.tree[left])

    def update(self, tree_idx: int, p: float) -> None:
        delta = p - self.tree[tree_idx]
        self.tree[tree_idx] = p
        if tree_idx != 0:  # a capacity-1 tree is its own root: nothing above it
            self._propagate(tree_idx, delta)

    def add(self, p: float, data: Any) -> None:
        tree_idx = self.write + self.capacity - 1
        self.data[self.write] = data
        self.update(tree_idx, p)
        self.write += 1
        if self.write >= self.capacity:
            self.write = 0

    def get(self, s: float) -> tuple[int, float, Any]:
        tree_idx = self._retrieve(0, s)
        return tree_idx, self.tree[tree_idx], self.data[tree_idx - self.capacity + 1]


class OriginalMemory:
    """The original proportional prioritized memory, defects included (reference only)."""

    e = 0.01
    a = 0.6
    beta_increment_per_sampling = 0.001
    abs_err_upper = 1.0

    def __init__(self, capacity: int, seed: int | None = None) -> None:
        self.tree = OriginalSumTree(capacity)
        self.beta = 0.4
        self._random = random.Random(seed)

    def store(self, transition: Any) -> None:
        # O(capacity): a scan of every leaf for the current max priority on each insertion.
        max_p = np.max(self.tree.tree[-self.tree.capacity:])
        if max_p == 0:
            max_p = self.abs_err_upper
        self.tree.add(max_p, transition)

    def sample(self, n: int) -> tuple[list[Any], np.ndarray, np.ndarray]:
        """Return (list of n stored tuples, tree indices (n,) int32, IS weights (n, 1) float64)."""
        tree_idx = np.empty((n,), dtype=np.int32)
        batch: list[Any] = []
        is_weights = np.empty((n, 1))
        segment = self.tree.total / n
        self.beta = np.min([1.0, self.beta + self.beta_increment_per_sampling])
        # min over ALL leaves (empty ones included), clamped: mis-scales weights until full.
        min_prob = np.max([np.min(self.tree.tree[-self.tree.capacity:]) / self.tree.total, 0.00001])
        for i in range(n):
            s = self._random.uniform(segment * i, segment * (i + 1))
            idx, p, data = self.tree.get(s)
            prob = p / self.tree.total
            is_weights[i, 0] = np.power(prob / min_prob, -self.beta)
            tree_idx[i] = idx
            batch.append(data)
        return batch, tree_idx, is_weights

    def batch_update(self, tree_idx: np.ndarray, abs_errors: np.ndarray) -> None:
        # Adds 0.1 (not e) and clips at 1: priorities saturate.
        clipped = np.minimum(np.asarray(abs_errors, dtype=np.float64) + 0.1, self.abs_err_upper)
        for ti, p in zip(tree_idx, np.power(clipped, self.a)):
            self.tree.update(ti, p)


def restack(batch: list[Any]) -> tuple[np.ndarray, ...]:
    """Re-stack a list of (obs, action, reward, next_obs, done) tuples into arrays, as the original
    training step did for every batch (one Python pass per field)."""
    obs = np.stack([t[0] for t in batch])
    actions = np.array([t[1] for t in batch])
    rewards = np.array([t[2] for t in batch])
    next_obs = np.stack([t[3] for t in batch])
    dones = np.array([t[4] for t in batch])
    return obs, actions, rewards, next_obs, dones


if __name__ == "__main__":  # a tiny smoke run
    memory = OriginalMemory(8, seed=0)
    for k in range(8):
        memory.store((np.full(4, k, np.float32), k % 2, 1.0, np.full(4, k + 1, np.float32), False))
    batch, tree_idx, is_weights = memory.sample(4)
    memory.batch_update(tree_idx, np.array([0.5, 2.0, 0.0, 0.1]))
    print("tree indices", tree_idx.tolist(), "total", round(float(memory.tree.total), 6))
    print("restacked obs shape", restack(batch)[0].shape)
