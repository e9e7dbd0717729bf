"""The headless training engine: numpy + numba only (no Qt, no file formats)."""

from playground.problems import PROBLEMS

from .activations import ACTIVATIONS, curve
from .features import FEATURES, expand
from .registry import (
    INITIALIZERS,
    LOSSES,
    OPTIMIZERS,
    REGULARIZATIONS,
    SCHEDULES,
    default_loss,
)
from .spec import (
    BatchNormState,
    LayerSpec,
    LayerWeights,
    NetworkSpec,
    OptimizerSpec,
    ScheduleSpec,
    TrainingSpec,
    check_weights,
)
from .trainer import GridRequest, GridResult, Snapshot, Trainer, TrainingData

__all__ = [
    "ACTIVATIONS", "FEATURES", "INITIALIZERS", "LOSSES", "OPTIMIZERS", "PROBLEMS",
    "REGULARIZATIONS", "SCHEDULES", "BatchNormState", "GridRequest", "GridResult", "LayerSpec",
    "LayerWeights", "NetworkSpec", "OptimizerSpec", "ScheduleSpec", "Snapshot", "Trainer",
    "TrainingData", "TrainingSpec", "check_weights", "curve", "default_loss", "expand",
]  # fmt: skip
