"""What a training run needs that is not the algorithm (hand-written; notebook 04's `train` uses it), so that the
loop reads like Algorithm 1: the clock, torch's thread count, the progress bar, the environments to close, the
record of training returns, losses and evaluations, and a run's end on Ctrl-C or divergence."""

import sys
import time
from typing import Any, Callable, Iterator

import numpy as np
import torch
from tqdm import tqdm


class Bookkeeping:
    """Inside its `with` block torch uses `config.torch_threads` threads and `steps` counts env steps and moves the
    bar; training returns, losses (a mean per evaluation window) and evaluations go to `history` (a TrainHistory).
    On leaving, Ctrl-C (KeyboardInterrupt) or a diverged network (FloatingPointError) end the run with what it has,
    said in `history.stop_reason` (other errors go on); the bar and environments close, the thread count is restored."""

    def __init__(self, config: Any, history: Any, progress: bool) -> None:
        self.config, self.history, self.step, self.envs = config, history, 0, []
        self.start, self.start_cpu = time.perf_counter(), time.process_time()
        self.episode_return, self.losses = 0.0, []  # the running episode, the open loss window
        self.bar = tqdm(total=config.total_env_steps, unit="step", disable=not progress, file=sys.stderr,
                        mininterval=0.5, dynamic_ncols=True)

    def __enter__(self) -> "Bookkeeping":
        self.threads_before = torch.get_num_threads()
        torch.set_num_threads(self.config.torch_threads)
        return self

    def closing(self, env: Any) -> Any:
        """`env`, to be closed when the run ends."""
        self.envs.append(env)
        return env

    def steps(self, exploration: Callable[[Any, int], float]) -> Iterator[tuple[int, float]]:
        """Env steps 1, 2, ... to the budget, each with its epsilon `exploration(config, step - 1)`."""
        for self.step in range(1, self.config.total_env_steps + 1):
            epsilon = exploration(self.config, self.step - 1)
            yield self.step, epsilon
            if self.step % 250 == 0:  # the bar: recent training return, epsilon, last evaluation
                self.bar.set_postfix_str(f"return {np.mean(self.history.episode_returns[-10:] or [0]):.0f}  "
                                         f"eps {epsilon:.2f}  eval {(self.history.eval_means or [0])[-1]:.0f}",
                                         refresh=False)
                self.bar.update(self.step - self.bar.n)

    def add_reward(self, reward: float, episode_over: bool) -> None:
        """Add a training reward to the running episode's return; record the episode when it is over."""
        self.episode_return += float(reward)
        if episode_over:
            self.history.episode_end_steps.append(self.step)
            self.history.episode_returns.append(self.episode_return)
            self.episode_return = 0.0

    def add_loss(self, loss: float) -> None:
        self.losses.append(loss)

    def add_evaluation(self, mean: float) -> float:
        """Record an evaluation's mean at this step (closing the loss window first); return the mean."""
        self._close_loss_window()
        self.history.eval_steps.append(self.step)
        self.history.eval_means.append(mean)
        return mean

    def _close_loss_window(self) -> None:
        if self.losses:
            self.history.loss_steps.append(self.step)
            self.history.losses.append(sum(self.losses) / len(self.losses))
            self.losses = []

    def __exit__(self, kind: type | None, error: BaseException | None, traceback: Any) -> bool:
        """End the run's record; swallow (return True for) Ctrl-C and divergence: they end a run, not the program."""
        stopped = kind is not None and issubclass(kind, (KeyboardInterrupt, FloatingPointError))
        if stopped:
            self.history.interrupted = issubclass(kind, KeyboardInterrupt)  # else from `learn`: diverged
            self.history.stop_reason = "interrupted" if self.history.interrupted else f"diverged: {error}"
        self.bar.update(self.step - self.bar.n)
        self.bar.close()
        for env in self.envs:
            env.close()
        torch.set_num_threads(self.threads_before)
        self._close_loss_window()  # the last, partial window (a budget not a multiple of eval_every, or a stop)
        self.history.env_steps = self.step
        self.history.wall_seconds = time.perf_counter() - self.start
        self.history.cpu_seconds = time.process_time() - self.start_cpu
        return stopped
