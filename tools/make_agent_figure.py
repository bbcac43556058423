"""Draw the picture of the whole agent that opens each chapter: notebooks/figures/agent_NN.png.

    .venv/bin/python tools/make_agent_figure.py

One diagram of the loop (environment -> ring buffer and sum tree -> stratified batch and weights -> Double DQN
target -> weighted Huber loss -> |TD error| -> new priorities), drawn once per chapter with the pieces that
chapter builds in colour and the rest in grey. Deterministic: the same code gives the same files.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

FIGURES = Path(__file__).resolve().parent.parent / "notebooks" / "figures"

# name: (x, y, text, chapter that builds it); boxes are 2.3 x 0.9 units, on a 12 x 4.4 canvas
BOXES = {
    "env": (0.8, 3.6, "CartPole-v1\nenvironment", "04"),
    "act": (0.8, 1.2, "act epsilon-greedy\nwith the online network", "03"),
    "ring": (4.0, 3.6, "ring buffer of\n(s, a, r, s', terminated)", "02"),
    "tree": (7.2, 3.6, "sum tree + min tree\nof the priorities", "01"),
    "batch": (10.4, 3.6, "stratified batch\n+ IS weights w", "02"),
    "target": (10.4, 1.2, "Double DQN target Y\n(online picks, target values)", "03"),
    "loss": (7.2, 1.2, "weighted Huber loss,\none gradient step", "03"),
    "prio": (4.0, 1.2, "|TD error| gives\nnew priorities", "02"),
}
ARROWS = [("env", "ring", "store"), ("ring", "tree", "max priority"), ("tree", "batch", "sample"),
          ("batch", "target", ""), ("target", "loss", "delta"), ("loss", "prio", ""), ("prio", "tree", "update"),
          ("act", "env", "action")]
TITLES = {"01": "01 builds the sum tree", "02": "02 builds prioritized replay", "03": "03 builds the Double DQN update",
          "04": "04 puts it together and trains it", "05": "05: what the whole agent learned"}


def draw(chapter: str, path: Path) -> None:
    """One PNG: the boxes of `chapter` (all of them for 04 and 05) in colour, the others grey."""
    fig, ax = plt.subplots(figsize=(9.6, 3.6), dpi=80)
    ax.set(xlim=(-0.5, 11.7), ylim=(0.2, 4.6))
    ax.axis("off")
    for name, (x, y, text, owner) in BOXES.items():
        mine = chapter in ("04", "05") or owner == chapter  # 04 assembles the whole loop, 05 measures it
        ax.add_patch(FancyBboxPatch((x - 1.15, y - 0.45), 2.3, 0.9, boxstyle="round,pad=0.05",
                                    facecolor="#d6e9f8" if mine else "#f2f2f2",
                                    edgecolor="#1f77b4" if mine else "#b0b0b0", linewidth=2 if mine else 1))
        ax.text(x, y, text, ha="center", va="center", fontsize=8.5, color="black" if mine else "#808080")
        ax.text(x + 1.1, y + 0.38, owner, ha="right", va="top", fontsize=7, color="#1f77b4" if mine else "#a0a0a0")
    for start, end, label in ARROWS:
        (x0, y0, *_), (x1, y1, *_) = BOXES[start], BOXES[end]
        dx, dy = x1 - x0, y1 - y0
        shrink = (1.2 * (dx > 0) - 1.2 * (dx < 0), 0.5 * (dy > 0) - 0.5 * (dy < 0))  # from edge to edge
        begin, finish = (x0 + shrink[0], y0 + shrink[1]), (x1 - shrink[0], y1 - shrink[1])
        ax.add_patch(FancyArrowPatch(begin, finish, arrowstyle="-|>", mutation_scale=12, color="#555555",
                                     connectionstyle="arc3,rad=0.0" if dx == 0 or dy == 0 else "arc3,rad=0.15"))
        if label:
            ax.text((begin[0] + finish[0]) / 2, (begin[1] + finish[1]) / 2 + 0.12, label, ha="center",
                    va="bottom", fontsize=7.5, color="#555555", style="italic")
    ax.set_title(TITLES[chapter], fontsize=10, loc="left")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


if __name__ == "__main__":
    FIGURES.mkdir(parents=True, exist_ok=True)
    for chapter in TITLES:
        draw(chapter, FIGURES / f"agent_{chapter}.png")
        print(FIGURES / f"agent_{chapter}.png")
