"""Build every lesson session of resources/lessons from its Markdown text and one table.

Each lesson is two files side by side: ``NN-name.md``, its notes (a ``# title`` line, then the
text a teacher edits), and ``NN-name.json``, the session the app opens, which this script writes.
Run ``python tools/make_lessons.py`` after changing a text or the table: each lesson's points come
from ``playground.data.generators.generate`` (rounded to 4 decimals), and no lesson carries
weights, so every lesson starts from its initializer and seed. ``tests/test_lessons.py`` checks
that the files on disk are exactly what this script builds and that every lesson's claim holds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.data.generators import generate
from playground.data.points import Points
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.session import Notes, Session, save_session

FOLDER = Path(__file__).resolve().parents[1] / "resources" / "lessons"
DECIMALS = 4
GATES = {"and": np.logical_and, "or": np.logical_or, "xor": np.logical_xor}


def rounded(points: Points) -> Points:
    """The points with coordinates (and regression targets) rounded to DECIMALS places."""
    labels = points.labels
    if points.problem == "regression":
        labels = np.round(labels, DECIMALS)
    return Points(
        np.round(points.xy, DECIMALS),
        labels,
        points.is_test,
        points.problem,
        points.classes,
        points.is_validation,
    )


def dataset(
    name: str,
    n: int = 200,
    noise: float = 0.0,
    test_ratio: float = 0.3,
    validation_ratio: float = 0.0,
    seed: int = 0,
    **options: int,
) -> Points:
    """A generated dataset (seed 0 unless given), rounded."""
    return rounded(
        generate(
            name,
            n=n,
            noise=noise,
            seed=seed,
            test_ratio=test_ratio,
            validation_ratio=validation_ratio,
            **options,
        )
    )


def truth_table(gate: str) -> Points:
    """Four blobs, one per row of a truth table, labelled by a logic gate of (x1 > 0, x2 > 0)."""
    blobs = generate("gaussians", n=200, seed=0, test_ratio=0.3, classes=4)
    blob = blobs.labels.astype(np.intp)
    # The truth-table row of each blob: the quadrant of its centre, (x1 > 0, x2 > 0).
    centre_quadrant = np.array([blobs.xy[blob == k].mean(axis=0) > 0 for k in range(4)])
    quadrant = centre_quadrant[blob]
    labels = GATES[gate](quadrant[:, 0], quadrant[:, 1]).astype(np.float64)
    return rounded(Points(blobs.xy, labels, blobs.is_test, "classification", 2))


def squashed(points: Points, factor: float) -> Points:
    """The points with x2 multiplied by `factor`, as if x2 were measured in a bigger unit."""
    return rounded(
        Points(
            points.xy * np.array([1.0, factor]),
            points.labels,
            points.is_test,
            points.problem,
            points.classes,
        )
    )


def unwrap(text: str) -> str:
    """Markdown with each paragraph and list item on one line (the .md files wrap them at 100)."""
    lines: list[str] = []
    for line in text.strip().splitlines():
        if line and lines and lines[-1] and not line.startswith("- "):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def hidden(
    units: int, activation: str, count: int = 1, dropout: float = 0.0, batch_norm: bool = False
) -> tuple[LayerSpec, ...]:
    """`count` identical hidden layers."""
    return (LayerSpec(units, activation, dropout, batch_norm),) * count


def training(
    optimizer: str = "sgd", lr: float = 0.03, batch_size: int = 10, init: str = "glorot_uniform"
) -> TrainingSpec:
    """Training settings with seed 0 and everything else at its default."""
    return TrainingSpec(
        optimizer=OptimizerSpec(optimizer, lr), batch_size=batch_size, init=init, seed=0
    )


@dataclass(frozen=True)
class LessonSource:
    """One row of the table: file name, data, network and training settings (notes: name.md)."""

    name: str
    points: Points
    layers: tuple[LayerSpec, ...]
    training: TrainingSpec
    inputs: tuple[str, ...] = ("x1", "x2")
    standardize: bool = False
    speed: float | None = None  # epochs per second: slow enough to watch
    pause_at: tuple[int, ...] = ()  # every epoch count the text names

    def notes(self, folder: Path = FOLDER) -> tuple[str, str]:
        """(title, text) of the lesson's Markdown file: its first line is "# title"."""
        path = folder / f"{self.name}.md"
        heading, _, text = path.read_text(encoding="utf-8").partition("\n")
        if not heading.startswith("# "):
            raise ValueError(f"{path}: the first line must be '# title'")
        return heading.removeprefix("# ").strip(), unwrap(text)

    def session(self, folder: Path = FOLDER) -> Session:
        """The lesson as a session without weights (it starts from init and seed)."""
        network = NetworkSpec(
            self.inputs, self.layers, self.points.problem, self.points.classes, self.standardize
        )
        title, text = self.notes(folder)
        return Session(
            self.points,
            network,
            self.training,
            notes=Notes(title, text, self.speed, self.pause_at),
        )


TABLE: tuple[LessonSource, ...] = (
    LessonSource(
        "01-perceptron-xor",
        truth_table("xor"),
        (),
        training(),
        speed=30,
        pause_at=(200,),
    ),
    LessonSource(
        "01b-perceptron-and",
        truth_table("and"),
        (),
        training(),
        speed=10,
    ),
    LessonSource(
        "01c-perceptron-or",
        truth_table("or"),
        (),
        training(),
        speed=10,
    ),
    LessonSource(
        "01d-bias-shifts-the-boundary",
        dataset("gaussians", noise=0.5, classes=2),
        (),
        training(lr=0.1),
        speed=10,
        pause_at=(50,),
    ),
    LessonSource(
        "02-hidden-layer-xor",
        truth_table("xor"),
        hidden(4, "tanh"),
        training(),
        speed=10,
        pause_at=(50, 100),
    ),
    LessonSource(
        "02b-hidden-space",
        truth_table("xor"),
        hidden(2, "tanh"),
        dataclasses.replace(training(lr=0.3), seed=1),  # opens on a seed that solves it
        speed=10,
        pause_at=(200,),
    ),
    LessonSource(
        "03-linear-stays-linear",
        truth_table("xor"),
        hidden(4, "linear", 3),
        training(),
        speed=30,
    ),
    LessonSource(
        "03b-backprop-by-hand",
        truth_table("xor"),
        hidden(2, "tanh"),
        training(lr=0.1, batch_size=1),
        speed=5,
        pause_at=(10,),
    ),
    LessonSource(
        "04-learning-rate",
        dataset("circle"),
        hidden(4, "tanh"),
        training(lr=0.1),
        speed=10,
        pause_at=(100,),
    ),
    LessonSource(
        "04b-learning-rate-too-big",
        dataset("circle"),
        hidden(4, "tanh"),
        training(lr=100.0),
        speed=5,
    ),
    LessonSource(
        "04c-loss-landscape",
        dataset("gaussians", noise=0.5, classes=2),
        (),
        training(lr=0.1),
        speed=10,
        pause_at=(50,),
    ),
    LessonSource(
        "04d-too-big-on-the-landscape",
        dataset("plane", noise=0.1),
        (),
        training(lr=0.08, batch_size=1000),
        speed=2,
    ),
    LessonSource(
        "04e-learning-rate-schedules",
        dataset("spiral", n=300, noise=0.1, arms=2),
        hidden(16, "tanh", 2),
        training(lr=0.3),
        speed=30,
        pause_at=(200,),
    ),
    LessonSource(
        "05-batch-size",
        dataset("xor", noise=0.2),
        hidden(4, "tanh"),
        training(batch_size=1),
        speed=10,
    ),
    LessonSource(
        "06-optimizer-race",
        dataset("moons", noise=0.3),
        hidden(8, "tanh"),
        training(lr=0.01),
        speed=10,
        pause_at=(100,),
    ),
    LessonSource(
        "06b-optimizer-race-view",
        dataset("moons", noise=0.3),
        hidden(8, "tanh"),
        training(lr=0.01),
        speed=10,
    ),
    LessonSource(
        "06c-more-optimizers",
        dataset("moons", noise=0.3),
        hidden(8, "tanh"),
        training(lr=0.01),
        speed=10,
    ),
    LessonSource(
        "07-vanishing-gradients",
        dataset("circle"),
        hidden(8, "sigmoid", 6),
        training(),
        speed=30,
    ),
    LessonSource(
        "07b-relu-he-init",
        dataset("circle"),
        hidden(8, "relu", 6),
        training(init="he_uniform"),
        speed=10,
        pause_at=(50,),
    ),
    LessonSource(
        "07c-exploding-gradients",
        dataset("sine", n=300),
        hidden(8, "relu", 4),
        training(lr=0.1, init="he_uniform"),
        speed=10,
        pause_at=(200,),
    ),
    LessonSource(
        "08-zero-init",
        dataset("circle"),
        hidden(4, "sigmoid", 2),
        training(lr=1.0, init="zeros"),
        speed=10,
        pause_at=(150,),
    ),
    LessonSource(
        "09-overfitting",
        dataset("xor", noise=0.4, test_ratio=0.55, validation_ratio=0.3, seed=1),
        hidden(32, "tanh", 3),
        training("adam", lr=0.01),
        speed=30,
        pause_at=(300,),
    ),
    LessonSource(
        "09b-validation-and-test",
        dataset("xor", noise=0.4, test_ratio=0.55, validation_ratio=0.3, seed=1),
        hidden(32, "tanh", 3),
        dataclasses.replace(training("adam", lr=0.01), early_stopping_patience=20),
        speed=10,
        pause_at=(40,),
    ),
    LessonSource(
        "09c-capacity",
        dataset("circle", noise=0.25, test_ratio=0.7),
        hidden(8, "tanh"),
        training("adam", lr=0.01),
        speed=30,
        pause_at=(300,),
    ),
    LessonSource(
        "10-feature-engineering",
        dataset("circle"),
        (),
        training(),
        inputs=("x1^2", "x2^2"),
        speed=10,
    ),
    LessonSource(
        "11-softmax-spiral",
        dataset("spiral", n=300, noise=0.1, arms=3),
        hidden(16, "tanh", 2),
        training("adam", lr=0.01),
        speed=10,
        pause_at=(100,),
    ),
    LessonSource(
        "11b-cross-entropy-not-mse",
        dataset("gaussians", noise=0.5, classes=2),
        (),
        training(lr=0.1, init="normal"),
        speed=10,
        pause_at=(50,),
    ),
    LessonSource(
        "12-regression-mse",
        dataset("sine", n=300),
        hidden(16, "tanh", 2),
        training("adam", lr=0.01),
        speed=30,
        pause_at=(200,),
    ),
    LessonSource(
        "13-input-scaling",
        squashed(dataset("circle"), 0.05),
        hidden(8, "tanh", 2),
        training(),
        speed=10,
        pause_at=(100,),
    ),
    LessonSource(
        "13b-batch-norm",
        squashed(dataset("circle"), 0.05),
        hidden(8, "sigmoid", 3),
        training(lr=0.1),
        standardize=True,
        speed=10,
        pause_at=(100,),
    ),
)


def main(folder: Path = FOLDER) -> list[Path]:
    """Write every lesson of the table into `folder`; return the paths written."""
    paths = []
    for source in TABLE:
        path = folder / f"{source.name}.json"
        save_session(source.session(folder), path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in main():
        print(written)
