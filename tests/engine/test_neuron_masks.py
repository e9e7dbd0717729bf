"""Hands on the weights: typed weights, frozen and switched-off neurons (engine/neuron_masks.py)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.neuron_masks import NeuronMasks, bake_off, check_masks
from playground.engine.pure import PythonKernels
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.engine.trainer import GridRequest, Trainer, TrainingData
from tests.engine import naive
from tests.engine.engine_pass import make_points, random_weights, to_naive

NETWORK = NetworkSpec(layers=(LayerSpec(4, "tanh"), LayerSpec(3, "relu", batch_norm=True)))


def make_trainer(optimizer: str = "adam", **training: object) -> Trainer:
    xy, labels = make_points("binary", 60, 3)
    spec = TrainingSpec(OptimizerSpec(optimizer, 0.05), batch_size=8, seed=2, **training)
    return Trainer(NETWORK, spec, TrainingData(xy, labels), random_weights(NETWORK, 4))


def test_no_masks_change_nothing_bit_for_bit():
    plain, masked = make_trainer(), make_trainer()
    masked.set_masks(NeuronMasks.none(NETWORK))
    plain.run_epochs(5)
    masked.run_epochs(5)
    assert np.array_equal(plain.parameters(), masked.parameters())


@pytest.mark.parametrize("kernels", ["compiled", "python"])
@pytest.mark.parametrize(("layer", "unit"), [(0, 1), (1, 2), (2, 0)])
def test_a_frozen_neuron_keeps_its_weights_for_100_epochs(kernels, layer, unit):
    trainer = make_trainer("adam", regularization="l2", regularization_rate=0.01)
    if kernels == "python":
        trainer.kernels = PythonKernels()
    before = trainer.weights()
    trainer.set_masks(NeuronMasks.none(NETWORK).with_frozen(layer, unit, True))
    trainer.run_epochs(100 if kernels == "compiled" else 3)
    after = trainer.weights()
    assert np.array_equal(after[layer].W[unit], before[layer].W[unit])
    assert after[layer].b[unit] == before[layer].b[unit]
    if before[layer].bn is not None:
        assert after[layer].bn.gamma[unit] == before[layer].bn.gamma[unit]
        assert after[layer].bn.beta[unit] == before[layer].bn.beta[unit]
    other = 1 if layer == 0 else 0  # the rest trains on
    assert not np.array_equal(after[other].W, before[other].W)


def test_a_switched_off_neuron_outputs_zero_everywhere_and_downstream_sees_zero():
    trainer = make_trainer()
    trainer.run_epochs(3)
    weights = trainer.weights()
    masks = NeuronMasks.none(NETWORK).with_off(0, 2, True)
    trainer.set_masks(masks)
    grid = trainer.snapshot(GridRequest(resolution=20)).grid
    assert not grid.layers[1][2].any()  # its heatmap: 0 everywhere
    assert grid.layers[1][[0, 1, 3]].any()
    # The same network with that neuron's output multiplied by 0 (the naive reference).
    xy = np.random.default_rng(0).uniform(-4, 4, (50, 2))
    net = to_naive(NETWORK, weights, "bce")
    net.layers[0].activation = "tanh"
    gain = np.array([1.0, 1.0, 0.0, 1.0])
    traces = net.forward(xy, train=False)
    h1 = traces[0].h * gain
    z2 = h1 @ net.layers[1].W.T + net.layers[1].b
    layer = net.layers[1]
    y2 = layer.gamma * (z2 - layer.running_mean) / np.sqrt(layer.running_var + 1e-5) + layer.beta
    logits = np.maximum(y2, 0) @ net.layers[2].W.T + net.layers[2].b
    expected = naive.sigmoid(logits[:, 0])
    np.testing.assert_allclose(trainer.predict(xy)[:, 1], expected, rtol=1e-12, atol=1e-14)
    # Exports bake "off" as zero outgoing weights and predict the same.
    baked = bake_off(tuple(weights), masks)
    assert not baked[1].W[:, 2].any() and np.array_equal(baked[1].W[:, 0], weights[1].W[:, 0])
    again = Trainer(NETWORK, trainer.training, trainer.data, list(baked))
    np.testing.assert_allclose(again.predict(xy), trainer.predict(xy), rtol=0, atol=1e-15)


def test_training_with_a_neuron_off_is_training_with_its_output_times_zero():
    network = NetworkSpec(layers=(LayerSpec(3, "tanh"),))
    xy, labels = make_points("binary", 40, 1)
    spec = TrainingSpec(OptimizerSpec("sgd", 0.1), batch_size=40, shuffle=False, seed=0)
    weights = random_weights(network, 7)
    trainer = Trainer(network, spec, TrainingData(xy, labels), weights)
    trainer.set_masks(NeuronMasks.none(network).with_off(0, 1, True))
    trainer.run_epochs(20)
    net = to_naive(network, weights, "bce")
    gain = [np.array([[1.0, 0.0, 1.0]]), None]
    for _ in range(20):
        _, grads = net.gradients(xy, labels, masks=gain)
        for p, g in zip(net.params(), grads, strict=True):
            p -= 0.1 * g
    got = trainer.weights()
    for layer, lw in enumerate(got):
        np.testing.assert_allclose(lw.W, net.layers[layer].W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(lw.b, net.layers[layer].b, rtol=1e-12, atol=1e-14)
    # Its outgoing weight was held; switched on again, it acts with its old value.
    assert got[1].W[0, 1] == weights[1].W[0, 1]
    assert trainer.parameters()[trainer.layout.table[1, 2] + 1] == 0.0
    trainer.set_masks(NeuronMasks.none(network))
    assert trainer.parameters()[trainer.layout.table[1, 2] + 1] == weights[1].W[0, 1]


def test_typed_weights_land_exactly_and_training_goes_on():
    trainer = make_trainer()
    trainer.run_epochs(2)
    trainer.set_weight(0, 3, 1, 0.1234567890123)
    trainer.set_weight(2, 0, -1, -2.5)  # the output's bias
    weights = trainer.weights()
    assert weights[0].W[3, 1] == 0.1234567890123
    assert weights[2].b[0] == -2.5
    steps = trainer.run_epochs(1)
    assert steps > 0 and trainer.weights()[2].b[0] != -2.5


def test_typing_an_off_neurons_outgoing_weight_keeps_it_for_later():
    trainer = make_trainer()
    trainer.set_masks(NeuronMasks.none(NETWORK).with_off(1, 0, True))
    trainer.set_weight(2, 0, 0, 0.75)
    assert trainer.weights()[2].W[0, 0] == 0.75
    assert trainer.parameters()[trainer.layout.table[2, 2]] == 0.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 9, 0, 1.0), "unit"),
        ((5, 0, 0, 1.0), "layer"),
        ((0, 0, 7, 1.0), "input"),
        ((0, 0, 0, float("nan")), "finite"),
        ((0, 0, 0, float("inf")), "finite"),
    ],
)
def test_bad_edits_are_refused_with_a_message(args, message):
    trainer = make_trainer()
    before = trainer.parameters()
    with pytest.raises(ValueError, match=message):
        trainer.set_weight(*args)
    assert np.array_equal(trainer.parameters(), before)


def test_masks_that_do_not_fit_are_refused():
    masks = NeuronMasks.none(NETWORK)
    with pytest.raises(ValueError, match="output neuron cannot be switched off"):
        check_masks(NETWORK, masks.with_off(2, 0, True))
    with pytest.raises(ValueError, match="expected 3 layers"):
        check_masks(NETWORK, NeuronMasks(masks.frozen[:2], masks.off))
    with pytest.raises(ValueError, match=r"weights\[0\].frozen"):
        check_masks(NETWORK, NeuronMasks(((False,),) + masks.frozen[1:], masks.off))


def test_the_plain_python_kernels_honour_the_masks_bit_for_bit():
    masks = NeuronMasks.none(NETWORK).with_frozen(0, 0, True).with_off(0, 2, True)
    masks = masks.with_off(1, 1, True)
    compiled, plain = make_trainer("momentum"), make_trainer("momentum")
    plain.kernels = PythonKernels()
    for trainer in (compiled, plain):
        trainer.set_masks(masks)
        trainer.run(12)
    assert np.array_equal(compiled.parameters(), plain.parameters())
    xy = np.random.default_rng(1).uniform(-4, 4, (30, 2))
    for a, b in zip(compiled.unit_outputs(xy), plain.unit_outputs(xy), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    assert not plain.unit_outputs(xy)[1][2].any() and not plain.unit_outputs(xy)[2][1].any()


def test_the_views_maths_read_a_switched_off_neuron_as_zero_like_the_engine():
    """explain (the inspector, the CLI) and the hidden space show an off neuron's output as 0,
    its delta and incoming gradients as 0, and agree with the engine's own unit outputs."""
    from playground.engine.explain import explain, features_of
    from playground.engine.hidden_space import EvalNetwork

    trainer = make_trainer()
    trainer.run_epochs(3)
    masks = NeuronMasks.none(NETWORK).with_off(0, 2, True).with_off(1, 0, True)
    trainer.set_masks(masks)
    xy, _ = make_points("binary", 30, 4)
    engine_rows = trainer.unit_outputs(xy, np.float64)
    space = EvalNetwork.of(
        trainer.loss_inputs(), trainer.parameters(), NETWORK.inputs, trainer.standardization, masks
    )
    X = space.features(xy)
    for layer in (0, 1):
        H = space.activations(X, layer)
        np.testing.assert_allclose(H, engine_rows[layer + 1].T, rtol=1e-12, atol=1e-12)
    assert np.all(space.activations(X, 0)[:, 2] == 0.0)
    assert np.all(space.activations(X, 1)[:, 0] == 0.0)

    weights = bake_off(trainer.weights(), masks)
    features = features_of(NETWORK, trainer.standardization, xy[:1])
    loss = trainer.training.loss_for(NETWORK)
    shown = explain(NETWORK, weights, loss, features, [1.0], neurons=masks)
    assert shown.layers[0].a[0, 2] == 0.0 and shown.layers[1].a[0, 0] == 0.0
    assert shown.layers[0].delta[0, 2] == 0.0 and np.all(shown.layers[0].grad_W[2] == 0.0)
    np.testing.assert_allclose(shown.layers[1].a[0], engine_rows[2][:, 0], rtol=1e-12, atol=1e-12)


def test_the_landscape_does_not_move_a_switched_off_neurons_held_weights():
    """Random directions leave an off neuron's outgoing weights at 0 (training holds them
    there) and stay filter-normalised."""
    from playground.engine.landscape import held_weights, random_plane
    from playground.engine.neuron_masks import outgoing_indices

    trainer = make_trainer()
    trainer.run_epochs(2)
    trainer.set_masks(NeuronMasks.none(NETWORK).with_off(0, 1, True))
    held = held_weights(trainer)
    assert held == outgoing_indices(trainer.layout.table, trainer.masks) and held
    centre = trainer.parameters()
    plane = random_plane(trainer.layout, centre, 0, held)
    free = random_plane(trainer.layout, centre, 0)
    for d, d_free in ((plane.d1, free.d1), (plane.d2, free.d2)):
        assert np.all(d[held] == 0.0) and np.any(d_free[held] != 0.0)
        for layer in range(trainer.layout.table.shape[0]):
            W = trainer.layout.weight_view(centre, layer)
            dW = trainer.layout.weight_view(d, layer)
            np.testing.assert_allclose(
                np.linalg.norm(dW, axis=1), np.linalg.norm(W, axis=1), rtol=1e-12
            )
