"""One training step, stage by stage: forward, loss, backward, update (the step-through's core).

The numbers of the forward and backward stages are written out by `explain` in train mode (the
batch's batch-norm statistics, the dropout masks the step draws); the update is the step a
replica of the Trainer takes on exactly that batch, so it is what one training step does, bit
for bit, with the session's optimizer, its state, the penalty, clipping and the schedule.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .explain import Explanation, explain, features_of
from .network import unpack_weights
from .neuron_masks import NeuronMasks, bake_off
from .resume import TrainingState
from .spec import LayerWeights, NetworkSpec, TrainingSpec
from .trainer import Kernels, Trainer, TrainingData

Array = npt.NDArray[np.float64]
MASK64 = (1 << 64) - 1
XORSHIFT_MULTIPLIER = 2685821657736338717


@dataclass(frozen=True, eq=False)
class TrainerState:
    """Everything a Trainer's next step depends on, as a Frame carries it (copies)."""

    network: NetworkSpec
    training: TrainingSpec
    data: TrainingData
    weights: tuple[LayerWeights, ...]  # with the batch-norm running statistics
    epoch: int  # completed epochs, those before a resume included (the schedule's position)
    state: TrainingState  # optimizer buffers, random generator, the epoch's order and cursor
    masks: NeuronMasks | None = None  # frozen and switched-off neurons (None: none)

    @classmethod
    def of(cls, trainer: Trainer) -> TrainerState:
        """The state of a Trainer now."""
        return cls(
            trainer.network,
            trainer.training,
            trainer.data,
            tuple(trainer.weights()),
            trainer.schedule_epoch,
            trainer.export_state(),
            trainer.masks,
        )

    def replica(self, kernels: Kernels | None = None, **training: object) -> Trainer:
        """A Trainer whose next step is this one's (training fields replaced by `training`)."""
        spec = dataclasses.replace(self.training, **training) if training else self.training
        trainer = Trainer(self.network, spec, self.data, list(self.weights), kernels=kernels)
        if self.masks is not None:
            trainer.set_masks(self.masks)
        trainer.resume(self.epoch, self.state)
        return trainer


@dataclass(frozen=True, eq=False)
class StepTrace:
    """One training step on one batch, stage by stage."""

    indices: npt.NDArray[np.int64]  # the batch: training-point indices, in the step's order
    explanation: Explanation  # forward and backward in train mode, data loss only
    penalty_grads: tuple[Array, ...]  # per layer ∂(penalty)/∂W (zeros without a penalty)
    clip_scale: float  # what gradient clipping multiplied the gradients by (1: none)
    learning_rate: float  # the schedule's rate at this step
    before: tuple[LayerWeights, ...]
    after: tuple[LayerWeights, ...]  # running batch-norm statistics updated too
    params_before: Array  # (P,) flat, in Trainer.parameters()'s layout
    params_after: Array  # (P,)
    state_before: TrainingState  # the optimizer's buffers before and after the step
    state_after: TrainingState

    @property
    def step(self) -> Array:
        """(P,) what the step added to every parameter."""
        return self.params_after - self.params_before

    def weight_steps(self) -> list[Array]:
        """Per layer (out, in): what the step added to each weight."""
        return [after.W - before.W for before, after in zip(self.before, self.after, strict=True)]

    def bias_steps(self) -> list[Array]:
        """Per layer (out,): what the step added to each bias."""
        return [after.b - before.b for before, after in zip(self.before, self.after, strict=True)]

    def applied_weight_grads(self) -> list[Array]:
        """Per layer (out, in): the gradient the optimizer got (data + penalty, clipped)."""
        return [
            (layer.grad_W + penalty) * self.clip_scale
            for layer, penalty in zip(self.explanation.layers, self.penalty_grads, strict=True)
        ]

    def optimizer_buffers(self, after: bool = False) -> dict[str, tuple[dict[str, Array], ...]]:
        """The optimizer's state by PyTorch name, per layer {"W", "b", ...}, before or after."""
        return dict((self.state_after if after else self.state_before).buffers)


def next_batch(trainer_state: TrainerState) -> npt.NDArray[np.int64]:
    """The training-point indices of the Trainer's next mini-batch, in the order it uses them."""
    state = trainer_state.state
    order = np.array(state.order, dtype=np.int64)
    if state.cursor == 0 and trainer_state.training.shuffle:
        XorShift(state.rng).shuffle(order)
    n = order.shape[0]
    size = min(trainer_state.training.batch_size, n - state.cursor)
    return order[state.cursor : state.cursor + size].copy()


def trace_step(
    trainer_state: TrainerState,
    indices: Sequence[int] | npt.NDArray[np.int64] | None = None,
    *,
    kernels: Kernels | None = None,
) -> StepTrace:
    """One training step, stage by stage: on the Trainer's next mini-batch (indices None) or
    on the training points `indices`, as the step the Trainer would take if they were its next
    mini-batch (its weights, optimizer state, random generator and schedule position; the
    learning rate of one-cycle is taken at the start of the epoch then)."""
    n_train = trainer_state.data.train_xy.shape[0]
    if indices is None:
        batch = next_batch(trainer_state)
        replica = trainer_state.replica(kernels)
        rng_at_forward = _rng_after_shuffle(trainer_state)
    else:
        batch = np.asarray(indices, dtype=np.int64).reshape(-1)
        if batch.size == 0 or np.any((batch < 0) | (batch >= n_train)):
            raise ValueError(f"batch: training-point indices from 0 to {n_train - 1} are needed")
        if np.unique(batch).size != batch.size:
            raise ValueError("batch: each training point at most once")
        rest = np.setdiff1d(np.arange(n_train), batch)
        state = dataclasses.replace(
            trainer_state.state, order=np.concatenate([batch, rest]), cursor=0
        )
        trainer_state = dataclasses.replace(trainer_state, state=state)
        replica = trainer_state.replica(kernels, batch_size=int(batch.size), shuffle=False)
        rng_at_forward = state.rng
    before_state = replica.export_state()
    learning_rate = replica.current_learning_rate()
    params_before = replica.parameters()
    replica.run(1)
    network, training = trainer_state.network, trainer_state.training
    loss = training.loss_for(network)
    X = features_of(network, replica.standardization, trainer_state.data.train_xy[batch])
    masks = dropout_masks(network, batch.size, rng_at_forward)
    explanation = explain(
        network,
        bake_off(trainer_state.weights, trainer_state.masks),  # off neurons pass nothing on
        loss,
        X,
        trainer_state.data.train_labels[batch],
        train=True,
        dropout_masks=masks,
        neurons=trainer_state.masks,
    )
    penalty = _penalty_grads(training, trainer_state.weights)
    return StepTrace(
        indices=batch,
        explanation=explanation,
        penalty_grads=penalty,
        clip_scale=_clip_scale(training, explanation, penalty),
        learning_rate=learning_rate,
        before=trainer_state.weights,
        after=tuple(replica.weights()),
        params_before=params_before,
        params_after=replica.parameters(),
        state_before=before_state,
        state_after=replica.export_state(),
    )


def trace_trainer_step(
    trainer: Trainer, indices: Sequence[int] | npt.NDArray[np.int64] | None = None
) -> StepTrace:
    """trace_step of a Trainer as it is now (the Trainer itself is left alone)."""
    return trace_step(TrainerState.of(trainer), indices, kernels=trainer.kernels)


def weights_of(trainer_state: TrainerState, params: Array) -> list[LayerWeights]:
    """Per-layer weights of flat params, with the state's batch-norm running statistics."""
    replica = trainer_state.replica()
    layout = replica.layout
    bn_mean, bn_var = np.zeros(layout.n_rows), np.ones(layout.n_rows)
    for layer, lw in enumerate(trainer_state.weights):
        if lw.bn is not None:
            row = layout.row_offsets[layer + 1]
            bn_mean[row : row + lw.b.size] = lw.bn.running_mean
            bn_var[row : row + lw.b.size] = lw.bn.running_var
    return unpack_weights(layout, params, bn_mean, bn_var)


# ----- what the kernels draw, written out (the documented xorshift64*) -----------------------


class XorShift:
    """The kernels' random generator (xorshift64*) on Python integers."""

    def __init__(self, state: int) -> None:
        self.state = int(state) & MASK64

    def uniform(self) -> float:
        """A float in [0, 1) from the top 53 bits of the scrambled state."""
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & MASK64
        x ^= x >> 27
        self.state = x
        return (((x * XORSHIFT_MULTIPLIER) & MASK64) >> 11) / 2.0**53

    def shuffle(self, order: npt.NDArray[np.int64]) -> None:
        """Fisher–Yates from the last position down, in place (as kernels.shuffle)."""
        for i in range(order.shape[0] - 1, 0, -1):
            j = int(self.uniform() * (i + 1))
            order[i], order[j] = order[j], order[i]


def _rng_after_shuffle(trainer_state: TrainerState) -> int:
    state = trainer_state.state
    rng = XorShift(state.rng)
    if state.cursor == 0 and trainer_state.training.shuffle:
        rng.shuffle(np.array(state.order, dtype=np.int64))
    return rng.state


def dropout_masks(network: NetworkSpec, n: int, rng_state: int) -> list[Array | None]:
    """The inverted-dropout masks (n, units) per dense layer the step draws (None: no dropout),
    layer by layer, unit by unit, point by point, as kernels.forward draws them."""
    rng = XorShift(rng_state)
    masks: list[Array | None] = []
    for index in range(len(network.layer_sizes) - 1):
        spec = network.layers[index] if index < len(network.layers) else None
        if spec is None or spec.dropout <= 0.0:
            masks.append(None)
            continue
        keep = 1.0 / (1.0 - spec.dropout)
        mask = np.zeros((n, spec.units))
        for unit in range(spec.units):
            for point in range(n):
                mask[point, unit] = keep if rng.uniform() >= spec.dropout else 0.0
        masks.append(mask)
    return masks


def _penalty_grads(training: TrainingSpec, weights: Sequence[LayerWeights]) -> tuple[Array, ...]:
    rate = training.regularization_rate
    kind = training.regularization
    if kind == "l1":
        return tuple(rate * np.sign(lw.W) for lw in weights)
    if kind == "l2":
        return tuple(rate * lw.W for lw in weights)
    return tuple(np.zeros_like(lw.W) for lw in weights)


def _clip_scale(
    training: TrainingSpec, explanation: Explanation, penalty: tuple[Array, ...]
) -> float:
    """clip_grad_norm_'s factor: max_norm/(norm + 1e-6) when that is below 1, else 1."""
    if not training.grad_clip:
        return 1.0
    total = 0.0
    for layer, extra in zip(explanation.layers, penalty, strict=True):
        total += float(((layer.grad_W + extra) ** 2).sum()) + float((layer.grad_b**2).sum())
        if layer.batch_norm is not None:
            total += float((layer.batch_norm.grad_gamma**2).sum())
            total += float((layer.batch_norm.grad_beta**2).sum())
    coefficient = training.grad_clip / (math.sqrt(total) + 1e-6)
    return min(coefficient, 1.0)
