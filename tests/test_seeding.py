import numpy as np
import pytest
import torch

from prdqn_helpers.seeding import seed_everything


def test_same_seed_gives_same_numbers() -> None:
    first = seed_everything(7)
    a = (first.random(3), torch.rand(3))
    second = seed_everything(7)
    b = (second.random(3), torch.rand(3))
    np.testing.assert_array_equal(a[0], b[0])
    assert torch.equal(a[1], b[1])


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True, None])
def test_bad_seed_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="seed"):
        seed_everything(bad)  # type: ignore[arg-type]
