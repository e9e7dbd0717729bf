"""The hidden space: coordinates are the layer's eval-mode activations (or their PCA), the grid
lines go through the same network, the output's boundary there is the network's own, and a
trained XOR net makes its classes linearly separable in its last hidden layer."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.hidden_space import (
    EvalNetwork,
    clip_line,
    grid_lines,
    hidden_space,
    pca_projection,
)
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.engine.trainer import Trainer, TrainingData


def circle_points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-5, 5, (n, 2))
    return xy, (np.hypot(xy[:, 0], xy[:, 1]) < 3).astype(float)


def eval_network(trainer: Trainer) -> EvalNetwork:
    return EvalNetwork.of(
        trainer.loss_inputs(),
        trainer.parameters(),
        trainer.network.inputs,
        trainer.standardization,
    )


@pytest.fixture(scope="module")
def trained() -> Trainer:
    """Batch norm (non-trivial running statistics), dropout (off in eval mode),
    standardised extra features: everything the eval pass must get right."""
    network = NetworkSpec(
        inputs=("x1", "x2", "x1*x2", "sin(x1)"),
        layers=(LayerSpec(5, "relu", dropout=0.2, batch_norm=True), LayerSpec(2, "tanh")),
        standardize=True,
    )
    training = TrainingSpec(OptimizerSpec("adam", 0.01), batch_size=16, seed=3)
    trainer = Trainer(network, training, TrainingData(*circle_points(80, 1)))
    trainer.run_epochs(5)
    return trainer


def test_neuron_coordinates_are_the_layers_eval_mode_activations(trained) -> None:
    net = eval_network(trained)
    xy = trained.data.train_xy
    units = trained.unit_outputs(xy, np.float64)  # the engine's compiled eval pass
    X = net.features(xy)
    wide = hidden_space(net, 0, X, trained.data.train_labels, kind="neurons", neurons=(3, 1))
    np.testing.assert_allclose(wide.points, units[1][[3, 1]].T, rtol=1e-12, atol=1e-12)
    last = hidden_space(net, 1, X, trained.data.train_labels)  # 2 units: their own axes
    assert last.projection.kind == "neurons" and last.projection.whole_space
    np.testing.assert_allclose(last.points, units[2].T, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(last.labels, trained.data.train_labels)


def test_pca_coordinates_are_numpys_svd_of_the_centred_activations(trained) -> None:
    net = eval_network(trained)
    X = net.features(trained.data.train_xy)
    space = hidden_space(net, 0, X, trained.data.train_labels, kind="pca")
    H = trained.unit_outputs(trained.data.train_xy, np.float64)[1].T
    U, S, Vt = np.linalg.svd(H - H.mean(axis=0), full_matrices=False)
    signs = np.sign(np.sum(space.projection.basis * Vt[:2].T, axis=0))
    assert set(signs.tolist()) <= {-1.0, 1.0}
    np.testing.assert_allclose(space.points, U[:, :2] * S[:2] * signs, atol=1e-10)
    np.testing.assert_allclose(space.projection.basis, Vt[:2].T * signs, atol=1e-10)
    np.testing.assert_allclose(space.projection.explained, S[:2] ** 2 / np.sum(S**2))
    np.testing.assert_allclose(space.projection.origin, H.mean(axis=0), atol=1e-12)


def test_pca_axes_keep_their_direction_from_frame_to_frame() -> None:
    rng = np.random.default_rng(0)
    H = rng.normal(size=(50, 4)) * [3.0, 2.0, 0.5, 0.1]
    first = pca_projection(H)
    again = pca_projection(H + rng.normal(scale=1e-3, size=H.shape), previous=first)
    assert np.all(np.sum(first.basis * again.basis, axis=0) > 0.99)
    flipped = pca_projection(H, previous=pca_projection(-H))
    np.testing.assert_allclose(flipped.basis, first.basis, atol=1e-12)  # same SVD, same signs


def test_the_grid_lines_go_through_the_network_to_the_layer(trained) -> None:
    net = eval_network(trained)
    X = net.features(trained.data.train_xy)
    space = hidden_space(net, 0, X, trained.data.train_labels, x_range=(-3, 4), y_range=(-2, 5))
    raw = grid_lines((-3, 4), (-2, 5))
    assert raw.shape == space.lines.shape
    assert raw[:, :, 0].min() == -3 and raw[:, :, 1].max() == 5
    H = trained.unit_outputs(raw.reshape(-1, 2), np.float64)[1].T
    expected = space.projection.coordinates(H).reshape(raw.shape)
    np.testing.assert_allclose(space.lines, expected, atol=1e-10)


def test_the_boundary_in_a_two_unit_last_layer_is_the_networks_output(trained) -> None:
    net = eval_network(trained)
    xy = trained.data.train_xy
    space = hidden_space(net, 1, net.features(xy), trained.data.train_labels)
    assert space.boundary is not None and space.boundary.exact
    np.testing.assert_allclose(
        space.boundary.outputs(space.points)[:, 0], trained.predict(xy)[:, 1], atol=1e-12
    )
    assert hidden_space(net, 0, net.features(xy), trained.data.train_labels).boundary is None


def test_on_a_pca_plane_the_boundary_is_the_output_layer_at_the_lifted_activations() -> None:
    network = NetworkSpec(layers=(LayerSpec(4, "tanh"),), problem="classification", classes=3)
    rng = np.random.default_rng(2)
    xy = rng.uniform(-4, 4, (60, 2))
    labels = (xy[:, 0] > 0).astype(float) + (xy[:, 1] > 1)
    trainer = Trainer(network, TrainingSpec(batch_size=60, seed=1), TrainingData(xy, labels))
    net = eval_network(trainer)
    space = hidden_space(net, 0, net.features(xy), labels, kind="pca")
    assert space.boundary is not None and not space.boundary.exact
    W, b = trainer.weights()[1].W, trainer.weights()[1].b
    lifted = space.projection.lift(space.points)
    np.testing.assert_allclose(space.boundary.logits(space.points), lifted @ W.T + b, atol=1e-12)
    np.testing.assert_allclose(space.boundary.outputs(space.points).sum(axis=1), 1.0)


def test_after_training_xor_a_line_separates_the_classes_in_the_last_hidden_layer() -> None:
    corners = np.array([[-3.0, -3.0], [3.0, 3.0], [-3.0, 3.0], [3.0, -3.0]])
    rng = np.random.default_rng(0)
    xy = np.repeat(corners, 10, axis=0) + rng.uniform(-1, 1, (40, 2))
    labels = (xy[:, 0] * xy[:, 1] > 0).astype(float)
    assert not _separable(xy, labels)  # XOR: no line separates the classes in the input plane
    network = NetworkSpec(layers=(LayerSpec(2, "tanh"),))
    training = TrainingSpec(OptimizerSpec("adam", 0.05), batch_size=40, seed=4)
    trainer = Trainer(network, training, TrainingData(xy, labels))
    trainer.run_epochs(300)
    assert trainer.snapshot().train_accuracy == 1.0
    net = eval_network(trainer)
    space = hidden_space(net, 0, net.features(xy), labels)
    c = space.points
    assert _separable(c, labels)  # a line separates them in the view's coordinates ...
    side = space.boundary.logits(c)[:, 0] >= 0  # ... and the output's own line is one
    np.testing.assert_array_equal(side, labels == 1)
    segment = space.boundary.line_segment((-1.1, 1.1), (-1.1, 1.1))  # tanh: inside the square
    assert segment.shape == (2, 2)


def _separable(points: np.ndarray, labels: np.ndarray, epochs: int = 2000) -> bool:
    """Whether the perceptron finds a line with every point on its class's side."""
    X = np.column_stack([points, np.ones(len(points))])
    y = np.where(labels > 0.5, 1.0, -1.0)
    w = np.zeros(3)
    for _ in range(epochs):
        wrong = (X @ w) * y <= 0
        if not wrong.any():
            return True
        i = np.flatnonzero(wrong)[0]
        w += y[i] * X[i]
    return False


def test_clip_line_keeps_the_part_inside_the_rectangle() -> None:
    ends = clip_line(np.array([1.0, -1.0]), 0.0, (-1, 1), (-2, 2))  # y = x
    np.testing.assert_allclose(sorted(ends[:, 0]), [-1, 1])
    np.testing.assert_allclose(ends[:, 0], ends[:, 1])
    assert clip_line(np.array([1.0, 0.0]), -5.0, (-1, 1), (-1, 1)).shape == (0, 2)  # x = 5


def test_bad_choices_are_refused(trained) -> None:
    net = eval_network(trained)
    X = net.features(trained.data.train_xy)
    with pytest.raises(ValueError, match="hidden layer 3"):
        hidden_space(net, 2, X, trained.data.train_labels)
    with pytest.raises(ValueError, match="projection"):
        hidden_space(net, 0, X, trained.data.train_labels, kind="tsne")
    with pytest.raises(ValueError, match="two neurons"):
        hidden_space(net, 0, X, trained.data.train_labels, kind="neurons", neurons=(1, 1))
