"""Seeding in one place (hand-written: no notebook teaches it)."""

import random

import numpy as np
import torch

from .checks import check_int

MAX_SEED = 2**64 - 1  # torch.manual_seed's largest; NumPy takes any non-negative integer


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python's, NumPy's and torch's global generators (for third-party code); a fresh Generator for ours."""
    random.seed(check_int("seed", seed, 0, MAX_SEED))
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return np.random.default_rng(seed)
