import numpy as np
import pytest
import torch

from prdqn_helpers.seeding import MAX_SEED, seed_everything


def test_same_seed_gives_same_numbers() -> None:
    first = seed_everything(7)
    a = (first.random(3), torch.rand(3))
    second = seed_everything(7)
    b = (second.random(3), torch.rand(3))
    np.testing.assert_array_equal(a[0], b[0])
    assert torch.equal(a[1], b[1])


def test_largest_seed_is_accepted_by_every_library() -> None:
    rng = seed_everything(MAX_SEED)
    assert 0.0 <= rng.random() < 1.0


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True, None, MAX_SEED + 1, 1180591620717411303424])
def test_bad_seed_is_rejected_naming_it(bad: object) -> None:
    with pytest.raises(ValueError, match=r"seed must be an integer in \[0, 18446744073709551615\], got"):
        seed_everything(bad)  # type: ignore[arg-type]
