"""The notebook that trains an agent (04), run through nbval a second time with another CPU's float kernels.

Torch picks its float kernels by CPU (AVX-512, AVX2, none), so a training trajectory repeats exactly only on
the CPU that made it. nbval must therefore compare no output that depends on one: such a cell carries
`# NBVAL_IGNORE_OUTPUT` and is followed by an `assert` of what holds on any CPU. The main test run uses this
machine's kernels; this one selects the plain ones (`ATEN_CPU_CAPABILITY=default`), as another CPU would, so a
compared output that depends on a trajectory fails here even on the machine that made the notebook. Notebook 03
takes a few gradient steps but trains no agent; it passes such a pass too (the whole test command is run under
every ATEN_CPU_CAPABILITY before a release) and is left out here to keep the test command under three minutes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_THAT_TRAIN = ["04_cartpole_training.ipynb"]
OTHER_CPU = "default"  # no SIMD kernels: differs from every CPU these notebooks are made on


def _environment() -> dict[str, str]:
    """This process's environment with the other kernels, minus pytest-xdist's worker variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    return {**env, "ATEN_CPU_CAPABILITY": OTHER_CPU}


@pytest.mark.slow
def test_the_override_selects_other_kernels() -> None:
    probe = "import torch; print(torch.backends.cpu.get_cpu_capability())"
    out = subprocess.run([sys.executable, "-c", probe], env=_environment(), capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out.lower() == OTHER_CPU


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS_THAT_TRAIN)
def test_notebook_passes_nbval_with_another_cpus_kernels(name: str, tmp_path: Path) -> None:
    # A copy in its own folder: what it writes beside itself (figures/) lands there, not over the committed files.
    (tmp_path / "figures").mkdir()
    shutil.copy(ROOT / "notebooks" / name, tmp_path / name)
    command = [sys.executable, "-m", "pytest", str(tmp_path / name), "-o", "addopts=", "--rootdir", str(tmp_path),
               "--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "-q", "--no-header"]
    run = subprocess.run(command, cwd=tmp_path, env=_environment(), capture_output=True, text=True)
    assert run.returncode == 0, f"{name} under ATEN_CPU_CAPABILITY={OTHER_CPU}:\n{run.stdout[-6000:]}"
