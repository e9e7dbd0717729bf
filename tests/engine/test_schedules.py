"""Learning-rate schedules: the kernel, Snapshot.learning_rate, and the rate the steps use."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import kernels as K
from playground.engine.registry import SCHEDULES, ScheduleOptions
from playground.engine.spec import OptimizerSpec, ScheduleSpec
from tests.engine import naive
from tests.engine.engine_pass import assert_close, make_case, naive_state

LR = 0.1
# Short schedules so that a few epochs cover them; n = 12 points in batches of 3 (4 per epoch).
OPTIONS = {
    "constant": {},
    "step": {"step_size": 3, "gamma": 0.5},
    "exponential": {"gamma": 0.8},
    "cosine": {"t_max": 6, "eta_min": 0.001},
    "one_cycle": {"total_epochs": 5, "pct_start": 0.3, "div_factor": 25.0, "final_div_factor": 1e4},
}
EPOCHS = 6
BATCH = 3


def kernel_lr(name: str, epoch: int, fraction: float, options: dict[str, float]) -> float:
    values = {key: float(value) for key, value in {**SCHEDULES[name].defaults, **options}.items()}
    sched = ScheduleOptions(**values)
    return K.scheduled_lr(np.int64(SCHEDULES[name].code), LR, sched, np.int64(epoch), fraction)


def test_every_schedule_code_has_a_kernel_and_an_unknown_code_fails():
    assert sorted(s.code for s in SCHEDULES.values()) == [
        K.SCHEDULE_CONSTANT,
        K.SCHEDULE_STEP,
        K.SCHEDULE_EXPONENTIAL,
        K.SCHEDULE_COSINE,
        K.SCHEDULE_ONE_CYCLE,
    ]
    with pytest.raises(ValueError, match="unknown schedule code"):
        K.scheduled_lr(np.int64(99), LR, ScheduleOptions(), np.int64(0), 0.0)


def test_registry_offers_the_documented_schedules():
    assert (
        set(SCHEDULES) == set(OPTIONS) == {"constant", "step", "exponential", "cosine", "one_cycle"}
    )


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_kernel_follows_the_formula_with_default_options(name):
    options = SCHEDULES[name].defaults
    horizon = int(options.get("t_max", options.get("total_epochs", 300)))
    for epoch in range(horizon + 1):
        for fraction in (0.0, 0.25, 0.5):
            expected = naive.scheduled_lr(name, LR, epoch, fraction, **options)
            assert kernel_lr(name, epoch, fraction, {}) == pytest.approx(expected, rel=1e-12)


def test_named_points_of_the_schedules():
    assert kernel_lr("step", 49, 0.0, {}) == LR
    assert kernel_lr("step", 50, 0.0, {}) == pytest.approx(LR / 2)
    assert kernel_lr("exponential", 10, 0.0, {}) == pytest.approx(LR * 0.99**10)
    assert kernel_lr("cosine", 0, 0.0, {}) == pytest.approx(LR)
    assert kernel_lr("cosine", 100, 0.0, {}) == pytest.approx(LR / 2)
    assert kernel_lr("cosine", 200, 0.0, {}) == pytest.approx(0.0, abs=1e-15)
    assert kernel_lr("one_cycle", 0, 0.0, {}) == pytest.approx(LR / 25)
    assert kernel_lr("one_cycle", 60, 0.0, {}) == pytest.approx(LR)  # 30 % of 200 epochs
    assert kernel_lr("one_cycle", 200, 0.0, {}) == pytest.approx(LR / 25 / 1e4)


def test_cosine_stays_between_eta_min_and_lr_after_t_max():
    rates = [
        kernel_lr("cosine", epoch, 0.0, {"t_max": 10, "eta_min": 0.01}) for epoch in range(10, 40)
    ]
    assert all(0.01 - 1e-15 <= rate <= LR for rate in rates)


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_snapshot_learning_rate_follows_the_schedule(name):
    case = make_case(
        OptimizerSpec("sgd", LR), batch_size=BATCH, schedule=ScheduleSpec(name, OPTIONS[name])
    )
    trainer = case.trainer()
    per_epoch = 12 // BATCH
    for step in range(EPOCHS * per_epoch + 1):
        epoch, batch = divmod(step, per_epoch)
        expected = naive.scheduled_lr(name, LR, epoch, batch / per_epoch, **OPTIONS[name])
        assert trainer.snapshot().learning_rate == pytest.approx(expected, rel=1e-12), step
        trainer.run(1)


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_steps_use_the_scheduled_rate(name):
    """sgd over several epochs of mini-batches, against the reference fed the naive schedule."""
    case = make_case(
        OptimizerSpec("sgd", LR), batch_size=BATCH, schedule=ScheduleSpec(name, OPTIONS[name])
    )
    trainer, reference = case.trainer(), case.reference()
    trainer.run_epochs(EPOCHS)
    for epoch in range(EPOCHS):
        batches = naive.batches(12, BATCH)
        for i, batch in enumerate(batches):
            reference.optimizer.lr = naive.scheduled_lr(
                name, LR, epoch, i / len(batches), **OPTIONS[name]
            )
            reference.step(case.X[batch], case.labels[batch])
    assert trainer.epoch == EPOCHS
    assert_close([lw.W for lw in trainer.weights()], [layer.W for layer in reference.net.layers])
    assert_close([p for lw in trainer.weights() for p in (lw.W, lw.b)], naive_state(reference.net))


def test_schedule_options_are_validated():
    with pytest.raises(ValueError, match="step_size"):
        ScheduleSpec("step", {"step_size": 0})
    with pytest.raises(ValueError, match="pct_start"):
        ScheduleSpec("one_cycle", {"pct_start": 1.0})
    with pytest.raises(ValueError, match="t_max: not an option"):
        ScheduleSpec("step", {"t_max": 3})
