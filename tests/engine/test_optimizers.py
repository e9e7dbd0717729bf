"""Every optimizer's update, clipping and the step-by-step gradient against naive.py."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import kernels as K
from playground.engine.optimizers import HYPER_OPTIONS, KERNELS, Hyper, optimizer_step
from playground.engine.registry import OPTIMIZERS
from playground.engine.spec import LayerSpec, OptimizerSpec
from tests.engine import naive
from tests.engine.engine_pass import assert_close, engine_state, make_case, naive_state

STEPS = 5

# (optimizer, lr, options): the defaults of every optimizer, then the variants of each rule.
CASES = [
    ("sgd", 0.1, {}),
    ("momentum", 0.05, {}),
    ("nesterov", 0.05, {}),
    ("adagrad", 0.1, {}),
    ("rmsprop", 0.01, {}),
    ("adadelta", 1.0, {}),
    ("adam", 0.01, {}),
    ("adamw", 0.01, {}),
    ("adamax", 0.02, {}),
    ("nadam", 0.02, {}),
    ("amsgrad", 0.01, {}),
    ("sgd", 0.1, {"weight_decay": 0.05}),
    ("momentum", 0.05, {"dampening": 0.3, "weight_decay": 0.01}),
    ("nesterov", 0.05, {"momentum": 0.5, "weight_decay": 0.01}),
    ("adagrad", 0.1, {"lr_decay": 0.1, "initial_accumulator_value": 0.2, "weight_decay": 0.01}),
    ("rmsprop", 0.01, {"centered": True}),
    ("rmsprop", 0.01, {"momentum": 0.5}),
    ("rmsprop", 0.01, {"centered": True, "momentum": 0.9, "alpha": 0.9, "weight_decay": 0.01}),
    ("adadelta", 0.5, {"rho": 0.8, "eps": 1e-4, "weight_decay": 0.01}),
    ("adam", 0.01, {"betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.01}),
    ("adamw", 0.01, {"weight_decay": 0.1, "betas": (0.85, 0.95)}),
    ("adamax", 0.02, {"weight_decay": 0.01, "betas": (0.8, 0.9)}),
    ("nadam", 0.02, {"momentum_decay": 0.01, "weight_decay": 0.01}),
    ("amsgrad", 0.01, {"betas": (0.9, 0.5)}),  # a short beta2 lets v shrink, so max(v) bites
]
IDS = [f"{name}-{'-'.join(map(str, options)) or 'defaults'}" for name, _, options in CASES]


def test_registry_defaults_are_pytorchs():
    assert set(OPTIMIZERS) == set(naive.TORCH_DEFAULTS)
    for name, optimizer in OPTIMIZERS.items():
        defaults = {k: v for k, v in optimizer.defaults.items() if k != "decoupled"}
        expected = dict(naive.TORCH_DEFAULTS[name])
        if "lr" not in expected:  # torch.optim.SGD has no default lr
            defaults.pop("lr")
        assert defaults == expected, name
        assert optimizer.rule and optimizer.title


def test_every_optimizer_code_has_one_kernel_and_an_unknown_code_fails():
    for optimizer in OPTIMIZERS.values():
        assert KERNELS[optimizer.code] is optimizer.kernel, optimizer.name
        assert 1 <= len(optimizer.buffers) <= 3 and len(optimizer.scalars) <= 2
    n = 4
    arrays = [np.zeros(n) for _ in range(5)]
    with pytest.raises(ValueError, match="unknown optimizer code"):
        optimizer_step(max(KERNELS) + 1, Hyper(lr=0.1), 0.1, *arrays, 1, np.ones(2))


def test_the_options_the_form_shows_have_a_title_and_help():
    for optimizer in OPTIMIZERS.values():
        for key in optimizer.defaults:
            assert key == "lr" or key in HYPER_OPTIONS, (optimizer.name, key)
    assert all(option.title and option.help for option in HYPER_OPTIONS.values())


@pytest.mark.parametrize(("name", "lr", "options"), CASES, ids=IDS)
def test_optimizer_steps_match_the_reference(name, lr, options):
    """Full-batch steps: weights, batch-norm state and losses after every step."""
    case = make_case(OptimizerSpec(name, lr, options))
    trainer, reference = case.trainer(), case.reference()
    for step in range(STEPS):
        assert trainer.run(1) == 1
        reference.step(case.X, case.labels)
        assert_close(
            engine_state(trainer.weights()), naive_state(reference.net), rtol=1e-10, atol=1e-13
        )
        assert trainer.step == step + 1 and trainer.epoch == step + 1
    assert not np.allclose(trainer.weights()[0].W, case.weights[0].W)


@pytest.mark.parametrize(("name", "lr", "options"), CASES[:11], ids=IDS[:11])
def test_optimizer_steps_with_batch_norm_match_the_reference(name, lr, options):
    """gamma, beta and running statistics too.

    The bias feeding batch norm has a zero gradient up to rounding, which adaptive optimizers
    may blow up to ~lr·1e-7 (so does the running mean, which adds that bias): checked loosely.
    """
    layers = (LayerSpec(5, "tanh", batch_norm=True), LayerSpec(4, "relu", batch_norm=True))
    case = make_case(OptimizerSpec(name, lr, options), layers=layers)
    trainer, reference = case.trainer(), case.reference()
    trainer.run(STEPS)
    for _ in range(STEPS):
        reference.step(case.X, case.labels)
    got, expected = engine_state(trainer.weights()), naive_state(reference.net)
    loose = {1, 4, 7, 10}  # per layer: W, b, gamma, beta, running mean, running var
    assert_close(
        [a for i, a in enumerate(got) if i not in loose],
        [a for i, a in enumerate(expected) if i not in loose],
    )
    for i in loose:
        np.testing.assert_allclose(got[i], expected[i], atol=1e-6)


@pytest.mark.parametrize("problem", ["three_class", "regression"])
@pytest.mark.parametrize("name", ["sgd", "adam", "nadam"])
def test_optimizer_steps_match_for_other_problems(name, problem):
    case = make_case(
        OptimizerSpec(name, 0.02), problem=problem, regularization="l2", regularization_rate=0.01
    )
    trainer, reference = case.trainer(), case.reference()
    trainer.run(STEPS)
    for _ in range(STEPS):
        reference.step(case.X, case.labels)
    assert_close(engine_state(trainer.weights()), naive_state(reference.net))


def test_amsgrad_differs_from_adam_where_v_shrinks():
    """The case above is not vacuous: with beta2 0.5 the max over v changes the steps."""
    adam = make_case(OptimizerSpec("adam", 0.01, {"betas": (0.9, 0.5)})).trainer()
    ams = make_case(OptimizerSpec("amsgrad", 0.01, {"betas": (0.9, 0.5)})).trainer()
    adam.run(STEPS)
    ams.run(STEPS)
    assert not np.allclose(adam.weights()[0].W, ams.weights()[0].W, rtol=1e-6)


def test_adamw_decays_the_weights_not_the_gradient():
    """AdamW and Adam with the same weight_decay take different steps (decoupled decay)."""
    adamw = make_case(OptimizerSpec("adamw", 0.01, {"weight_decay": 0.1})).trainer()
    adam = make_case(OptimizerSpec("adam", 0.01, {"weight_decay": 0.1})).trainer()
    adamw.run(3)
    adam.run(3)
    assert not np.allclose(adamw.weights()[0].W, adam.weights()[0].W, rtol=1e-6)


@pytest.mark.parametrize(("kind", "rate"), [("none", 0.0), ("l1", 0.02), ("l2", 0.1)])
def test_sgd_step_reveals_the_gradient(kind, rate):
    """sgd: Δθ = −lr·g, with g the reference gradient of data loss + penalty."""
    lr = 0.01
    case = make_case(OptimizerSpec("sgd", lr), regularization=kind, regularization_rate=rate)
    trainer = case.trainer()
    trainer.run(1)
    grads = case.reference().step(case.X, case.labels)
    before = [
        p
        for lw in case.weights
        for p in (lw.W, lw.b, *((lw.bn.gamma, lw.bn.beta) if lw.bn else ()))
    ]
    after = [
        p
        for lw in trainer.weights()
        for p in (lw.W, lw.b, *((lw.bn.gamma, lw.bn.beta) if lw.bn else ()))
    ]
    assert_close(
        [(b - a) / lr for a, b in zip(after, before, strict=True)], grads, rtol=1e-8, atol=1e-10
    )


# ----- clipping -------------------------------------------------------------------------------


def test_clip_kernel_scales_to_max_norm_only_when_above():
    grads = np.array([3.0, -4.0, 12.0])  # norm 13
    norm = K.clip_by_global_norm(grads, 6.5)
    assert norm == pytest.approx(13.0)
    assert np.linalg.norm(grads) == pytest.approx(6.5, rel=1e-6)
    np.testing.assert_allclose(grads, np.array([3.0, -4.0, 12.0]) * 6.5 / (13.0 + 1e-6))
    below = np.array([0.3, -0.4])
    K.clip_by_global_norm(below, 1.0)
    np.testing.assert_array_equal(below, [0.3, -0.4])


@pytest.mark.parametrize("regularization", ["none", "l2"])
def test_clipped_sgd_step_has_norm_lr_times_max_norm(regularization):
    lr, max_norm = 0.01, 0.05
    case = make_case(
        OptimizerSpec("sgd", lr),
        grad_clip=max_norm,
        regularization=regularization,
        regularization_rate=0.5,
    )
    unclipped = np.sqrt(
        sum(float((g**2).sum()) for g in case.reference().net.gradients(case.X, case.labels)[1])
    )
    assert unclipped > 2 * max_norm  # the clip bites
    trainer, reference = case.trainer(), case.reference()
    trainer.run(1)
    reference.step(case.X, case.labels)
    assert_close(engine_state(trainer.weights()), naive_state(reference.net))
    trainable = []
    for new, old in zip(trainer.weights(), case.weights, strict=True):
        trainable += [new.W - old.W, new.b - old.b]
        if old.bn is not None:
            trainable += [new.bn.gamma - old.bn.gamma, new.bn.beta - old.bn.beta]
    step = np.concatenate([d.ravel() for d in trainable])
    assert np.linalg.norm(step) / lr == pytest.approx(max_norm, rel=1e-5)


def test_clip_leaves_small_gradients_alone():
    case = make_case(OptimizerSpec("sgd", 0.01), grad_clip=1e6)
    clipped, plain = case.trainer(), case.trainer(grad_clip=None)
    clipped.run(2)
    plain.run(2)
    assert_close(engine_state(clipped.weights()), engine_state(plain.weights()), rtol=0, atol=0)


def test_clipped_adam_matches_the_reference():
    case = make_case(
        OptimizerSpec("adam", 0.01), grad_clip=0.05, regularization="l1", regularization_rate=0.01
    )
    trainer, reference = case.trainer(), case.reference()
    trainer.run(STEPS)
    for _ in range(STEPS):
        reference.step(case.X, case.labels)
    assert_close(engine_state(trainer.weights()), naive_state(reference.net))


# ----- gradient magnitudes in the snapshot ----------------------------------------------------


def test_snapshot_grad_norm_is_the_rms_of_data_gradient_norms():
    case = make_case(
        OptimizerSpec("sgd", 0.05),
        regularization="l2",
        regularization_rate=0.3,
        layers=(LayerSpec(5, "tanh"), LayerSpec(4, "sigmoid")),
    )
    trainer, reference = case.trainer(), case.reference()
    squares = []
    for _ in range(3):
        _, grads = reference.net.copy().gradients(case.X, case.labels)
        squares.append([float((g**2).sum()) for g in grads[0::2]])  # W of each layer
        reference.step(case.X, case.labels)
    trainer.run(3)
    snapshot = trainer.snapshot()
    np.testing.assert_allclose(
        snapshot.grad_norm_per_layer, np.sqrt(np.mean(squares, axis=0)), rtol=1e-9
    )
    np.testing.assert_allclose(
        snapshot.weight_norm_per_layer,
        [np.linalg.norm(lw.W) for lw in trainer.weights()],
        rtol=1e-12,
    )
    trainer.run(1)
    _, grads = reference.net.copy().gradients(case.X, case.labels)
    np.testing.assert_allclose(
        trainer.snapshot().grad_norm_per_layer, [np.linalg.norm(g) for g in grads[0::2]], rtol=1e-9
    )
