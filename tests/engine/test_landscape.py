"""The loss landscape (issue 11): planes, directions, projection, the loss kernel, the path."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import landscape as L
from playground.engine.pure import PythonKernels
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.engine.trainer import Trainer, TrainingData
from tests.engine.engine_pass import make_points

TINY_AXIS = np.linspace(-1.0, 1.0, 5)
DEEP = (LayerSpec(5, "tanh", batch_norm=True, dropout=0.2), LayerSpec(4, "relu"))


def make_trainer(
    layers: tuple[LayerSpec, ...] = DEEP,
    problem: str = "binary",
    optimizer: OptimizerSpec | None = None,
    n: int = 40,
    standardize: bool = True,
    inputs=("x1", "x2", "x1^2"),
) -> Trainer:
    kind, classes = {"binary": ("classification", 2), "three_class": ("classification", 3)}.get(
        problem, ("regression", 1)
    )
    xy, labels = make_points(problem, n, 3)
    network = NetworkSpec(inputs, layers, kind, classes, standardize=standardize)
    training = TrainingSpec(optimizer or OptimizerSpec("adam", 0.02), batch_size=8, seed=2)
    return Trainer(
        network, training, TrainingData(xy[: n - 8], labels[: n - 8], xy[-8:], labels[-8:])
    )


def trained(trainer: Trainer, epochs: int = 3) -> Trainer:
    trainer.run_epochs(epochs)
    return trainer


# ----- the Trainer's flat parameters ----------------------------------------------------------


def test_parameters_are_a_copy_in_the_layout_order():
    trainer = trained(make_trainer())
    flat = trainer.parameters()
    assert flat.dtype == np.float64 and flat.shape == (trainer.layout.n_params,)
    weights = trainer.weights()
    assert np.array_equal(trainer.layout.weight_view(flat, 1), weights[1].W)
    assert np.array_equal(trainer.layout.bias_view(flat, 0), weights[0].b)
    flat[:] = 0.0
    assert trainer.parameters().any()


def test_set_parameters_moves_the_weights_and_resets_the_optimizer():
    trainer = trained(make_trainer())
    target = trainer.parameters() * 0.5
    epoch, step = trainer.epoch, trainer.step
    trainer.set_parameters(target)
    assert np.array_equal(trainer.parameters(), target)
    assert (trainer.epoch, trainer.step) == (epoch, step)
    state = trainer.export_state()
    assert state.optimizer_step == 0
    for _, layers in state.buffers:
        for arrays in layers:
            assert all(not a.any() for a in arrays.values())
    assert trainer.run(3) == 3


def test_set_parameters_trains_on_as_the_same_optimizer_from_those_weights():
    """Adam restarted at the same weights: its first step is a fresh Adam step (~lr per weight)."""
    trainer = trained(make_trainer(layers=(LayerSpec(4, "tanh"),)), 2)
    before = trainer.parameters()
    trainer.set_parameters(before)
    trainer.run(1)
    moved = np.abs(trainer.parameters() - before)
    assert np.allclose(moved[moved > 0], 0.02, rtol=1e-3)  # Adam's first step: lr·sign(g)


@pytest.mark.parametrize(
    "bad, message", [(np.zeros(3), "expected"), (np.full(0, 1.0), "expected"), (None, "NaN")]
)
def test_set_parameters_refuses_bad_vectors(bad, message):
    trainer = make_trainer()
    if bad is None:
        bad = trainer.parameters()
        bad[2] = np.nan
    before = trainer.parameters()
    with pytest.raises(ValueError, match=message):
        trainer.set_parameters(bad)
    assert np.array_equal(trainer.parameters(), before)


# ----- directions and planes ------------------------------------------------------------------


def test_random_directions_are_filter_normalised():
    trainer = trained(make_trainer())
    layout, centre = trainer.layout, trainer.parameters()
    plane = L.random_plane(layout, centre, seed=7)
    for d in (plane.d1, plane.d2):
        for layer in range(layout.table.shape[0]):
            W = layout.weight_view(centre, layer)
            dW = layout.weight_view(d, layer)
            assert np.allclose(np.linalg.norm(dW, axis=1), np.linalg.norm(W, axis=1), rtol=1e-12)
            assert not layout.bias_view(d, layer).any()
        assert not d[~layout.weight_mask].any()  # biases, gamma and beta stay
    assert not np.allclose(plane.d1, plane.d2)
    assert np.array_equal(plane.centre, centre)


def test_random_plane_is_drawn_from_the_seed():
    trainer = make_trainer()
    a = L.random_plane(trainer.layout, trainer.parameters(), seed=3)
    b = L.random_plane(trainer.layout, trainer.parameters(), seed=3)
    c = L.random_plane(trainer.layout, trainer.parameters(), seed=4)
    assert np.array_equal(a.d1, b.d1) and np.array_equal(a.d2, b.d2)
    assert not np.array_equal(a.d1, c.d1)


def test_a_zero_row_of_weights_gets_a_zero_direction():
    trainer = make_trainer(layers=(LayerSpec(3, "tanh"),))
    centre = trainer.parameters()
    trainer.layout.weight_view(centre, 0)[1] = 0.0
    plane = L.random_plane(trainer.layout, centre, 0)
    assert not trainer.layout.weight_view(plane.d1, 0)[1].any()
    assert np.all(np.isfinite(plane.d1))


def test_projection_recovers_the_coordinates_on_a_skewed_plane():
    rng = np.random.default_rng(0)
    d1 = rng.standard_normal(30)
    d2 = 0.8 * d1 + 0.3 * rng.standard_normal(30)  # far from orthogonal
    plane = L.Plane(rng.standard_normal(30), d1, d2)
    coords = rng.uniform(-2, 2, (4, 6, 2))
    points = plane.centre + coords[..., :1] * d1 + coords[..., 1:] * d2
    assert np.allclose(L.project(plane, points), coords, atol=1e-10)
    off = rng.standard_normal(30)
    off -= (
        np.column_stack([d1, d2]) @ np.linalg.lstsq(np.column_stack([d1, d2]), off, rcond=None)[0]
    )
    assert np.allclose(L.project(plane, points[0, 0] + off), coords[0, 0], atol=1e-10)


def test_pca_plane_spans_a_planar_path():
    rng = np.random.default_rng(1)
    u, v = rng.standard_normal(20), rng.standard_normal(20)
    t = np.linspace(0, 1, 9)[:, None]
    path = 3 * t * u + np.sin(3 * t) * v + 1.0
    plane = L.pca_plane(path, path[-1])
    assert np.isclose(np.linalg.norm(plane.d1), 1) and np.isclose(np.linalg.norm(plane.d2), 1)
    assert abs(plane.d1 @ plane.d2) < 1e-12
    back = plane.centre + L.project(plane, path) @ np.vstack([plane.d1, plane.d2])
    assert np.allclose(back, path, atol=1e-10)  # the path lies in the plane
    travel = L.project(plane, path[-1]) - L.project(plane, path[0])
    assert travel[0] > 0


def test_pca_plane_needs_two_points():
    with pytest.raises(ValueError, match="two points"):
        L.pca_plane(np.zeros((1, 5)), np.zeros(5))


# ----- the loss over the plane ----------------------------------------------------------------


def test_the_centre_of_the_grid_is_the_training_loss():
    trainer = trained(make_trainer())
    plane = L.random_plane(trainer.layout, trainer.parameters(), seed=1)
    grid = L.loss_grid(trainer.loss_inputs(), plane, TINY_AXIS, TINY_AXIS)
    train_loss, _ = trainer.evaluate(trainer.data.train_xy, trainer.data.train_labels)
    assert grid.shape == (5, 5)
    assert grid[2, 2] == pytest.approx(train_loss, rel=1e-13)
    assert grid[2, 2] == pytest.approx(trainer.snapshot().train_loss, rel=1e-13)


@pytest.mark.parametrize("problem", ["binary", "three_class", "regression"])
def test_every_grid_value_is_the_loss_of_those_weights(problem):
    trainer = trained(make_trainer(problem=problem))
    plane = L.random_plane(trainer.layout, trainer.parameters(), seed=2)
    alphas, betas = np.array([-0.7, 0.0, 0.4]), np.array([-1.0, 0.3])
    grid = L.loss_grid(trainer, plane, alphas, betas)
    assert grid.shape == (2, 3)
    assert len(set(grid.ravel())) == 6
    probe = trained(make_trainer(problem=problem))  # same state: same batch-norm statistics
    for i, beta in enumerate(betas):
        for j, alpha in enumerate(alphas):
            probe.set_parameters(plane.centre + alpha * plane.d1 + beta * plane.d2)
            loss, _ = probe.evaluate(probe.data.train_xy, probe.data.train_labels)
            assert grid[i, j] == pytest.approx(loss, rel=1e-12)


def test_the_grid_ignores_the_penalty_and_dropout():
    trainer = make_trainer()
    regularised = make_trainer()
    regularised.set_training(
        TrainingSpec(OptimizerSpec("adam", 0.02), batch_size=8, seed=2, regularization="l2",
                     regularization_rate=0.5)
    )  # fmt: skip
    plane = L.random_plane(trainer.layout, trainer.parameters(), seed=2)
    a = L.loss_grid(trainer, plane, TINY_AXIS, TINY_AXIS)
    b = L.loss_grid(regularised, plane, TINY_AXIS, TINY_AXIS)
    assert np.array_equal(a, b)
    assert np.array_equal(a, L.loss_grid(trainer, plane, TINY_AXIS, TINY_AXIS))  # no dropout draw


def test_a_linear_model_with_mse_has_a_convex_quadratic_surface():
    trainer = trained(make_trainer(layers=(), problem="regression", inputs=("x1", "x2", "x1*x2")))
    plane = L.random_plane(trainer.layout, trainer.parameters(), seed=5)
    plane = L.Plane(plane.centre, plane.d1 + 0.3, plane.d2 - 0.2)  # move the biases too
    axis = np.linspace(-3.0, 3.0, 21)
    loss = L.loss_grid(trainer, plane, axis, axis)
    tiny = 1e-9 * np.abs(loss).max()
    assert np.all(np.diff(loss, 2, axis=1) >= -tiny)  # along alpha
    assert np.all(np.diff(loss, 2, axis=0) >= -tiny)  # along beta
    diagonal = loss[:-2, :-2] - 2 * loss[1:-1, 1:-1] + loss[2:, 2:]
    anti = loss[:-2, 2:] - 2 * loss[1:-1, 1:-1] + loss[2:, :-2]
    assert np.all(diagonal >= -tiny) and np.all(anti >= -tiny)
    # a quadratic: its second differences are constant along each line
    assert np.allclose(np.diff(loss, 3, axis=1), 0, atol=1e-8 * np.abs(loss).max())


def test_a_hidden_layer_breaks_convexity_the_test_can_fail():
    trainer = trained(make_trainer(layers=(LayerSpec(6, "tanh"),), problem="regression"), 5)
    plane = L.random_plane(trainer.layout, trainer.parameters(), seed=0)
    axis = np.linspace(-6.0, 6.0, 25)
    loss = L.loss_grid(trainer, plane, axis, axis)
    assert np.diff(loss, 2, axis=1).min() < 0 or np.diff(loss, 2, axis=0).min() < 0


def test_two_threads_give_the_same_bits_as_one():
    trainer = trained(make_trainer())
    plane = L.random_plane(trainer.layout, trainer.parameters(), seed=1)
    axis = np.linspace(-1, 1, 7)
    one = L.loss_grid(trainer, plane, axis, axis, threads=1)
    two = L.loss_grid(trainer, plane, axis, axis, threads=2)
    assert np.array_equal(one, two)


def test_the_numpy_path_agrees_with_the_kernel():
    trainer = trained(make_trainer(problem="three_class"))
    plane = L.random_plane(trainer.layout, trainer.parameters(), seed=1)
    kernel = L.loss_grid(trainer, plane, TINY_AXIS, TINY_AXIS)
    numpy = L.loss_grid(trainer, plane, TINY_AXIS, TINY_AXIS, kernels=PythonKernels())
    assert np.allclose(numpy, kernel, rtol=1e-12, atol=0)


def test_line_losses_run_from_start_to_end():
    trainer = make_trainer()
    start = trainer.parameters()
    trained(trainer, 4)
    end = trainer.parameters()
    ts = np.linspace(0, 1, 6)
    line = L.line_losses(trainer, start, end, ts)
    assert line.shape == (6,)
    final, _ = trainer.evaluate(trainer.data.train_xy, trainer.data.train_labels)
    assert line[-1] == pytest.approx(final, rel=1e-13)
    trainer.set_parameters(start + 0.4 * (end - start))
    assert line[2] == pytest.approx(
        trainer.evaluate(trainer.data.train_xy, trainer.data.train_labels)[0], rel=1e-12
    )


def test_the_loss_inputs_do_not_follow_later_training():
    trainer = make_trainer()
    inputs = trainer.loss_inputs()
    plane = L.random_plane(trainer.layout, trainer.parameters(), seed=1)
    before = L.loss_grid(inputs, plane, TINY_AXIS, TINY_AXIS)
    trained(trainer, 2)  # batch-norm running statistics change in the trainer
    assert np.array_equal(before, L.loss_grid(inputs, plane, TINY_AXIS, TINY_AXIS))
    assert not np.array_equal(before, L.loss_grid(trainer, plane, TINY_AXIS, TINY_AXIS))


def test_a_plane_of_another_network_is_refused():
    trainer = make_trainer()
    with pytest.raises(ValueError, match="parameters"):
        L.loss_grid(trainer, L.Plane(np.zeros(3), np.zeros(3), np.zeros(3)), TINY_AXIS, TINY_AXIS)


# ----- landscape_of: the path --------------------------------------------------------------------


@pytest.mark.parametrize("directions", ["random", "pca"])
def test_each_path_point_is_the_projection_of_that_epochs_weights(directions):
    result = L.landscape_of(make_trainer(), epochs=4, directions=directions, resolution=5)
    replay = make_trainer()
    weights = [replay.parameters()]
    for _ in range(4):
        replay.run_epochs(1)
        weights.append(replay.parameters())
    assert result.path.shape == (5, 2)
    assert np.array_equal(result.path_params, np.array(weights))
    for epoch, params in enumerate(weights):
        assert np.allclose(result.path[epoch], L.project(result.plane, params), atol=1e-12)
    assert np.allclose(result.path[-1], 0.0, atol=1e-12)  # centred on the last weights
    assert np.array_equal(result.plane.centre, weights[-1])
    assert result.line_loss[0] == pytest.approx(
        L.line_losses(replay, weights[0], weights[-1], [0.0])[0], rel=1e-12
    )


def test_landscape_of_checks_its_options():
    with pytest.raises(ValueError, match="pca needs"):
        L.landscape_of(make_trainer(), directions="pca")
    with pytest.raises(ValueError, match="directions"):
        L.landscape_of(make_trainer(), directions="sideways")
    with pytest.raises(ValueError, match="span"):
        L.landscape_of(make_trainer(), span=0.0)
    with pytest.raises(ValueError, match="resolution"):
        L.landscape_of(make_trainer(), resolution=1)


def test_landscape_without_epochs_has_no_path():
    result = L.landscape_of(make_trainer(), resolution=3, span=0.5)
    assert result.path is None and result.line_loss is None
    assert np.array_equal(result.alphas, np.linspace(-0.5, 0.5, 3))
    assert result.loss.shape == (3, 3)
