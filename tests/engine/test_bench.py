"""`nn-playground bench`: the JSON shape, the run without JAX, and the JAX loop's semantics."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace

import numpy as np
import pytest

from playground import bench
from playground.engine import TrainingSpec


def fake_figures(monkeypatch, jax: dict) -> None:
    """Replace every measurement by a constant, so that only the report's shape is tested."""
    monkeypatch.setattr(bench, "warm_up", lambda: None)
    monkeypatch.setattr(bench, "engine_rate", lambda workload: 2.0e6)
    monkeypatch.setattr(bench, "numpy_rate", lambda workload: 1.0e5)
    monkeypatch.setattr(bench, "torch_rate", lambda workload: None)
    monkeypatch.setattr(bench, "grid_ms", lambda workload: 1.5)
    monkeypatch.setattr(bench, "landscape_ms", lambda workload: 40.0)
    monkeypatch.setattr(bench, "jax_rates", lambda: jax)


def test_json_has_every_figure_and_jax_null_without_jax(monkeypatch, capsys):
    fake_figures(monkeypatch, {"W1": None, "W2": None})
    assert bench.main(["--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    for name in ("W1", "W2"):
        assert set(result[name]) == {
            "samples_per_s",
            "numpy_samples_per_s",
            "torch_samples_per_s",
            "jax_samples_per_s",
        }
        assert result[name]["jax_samples_per_s"] is None
    assert result["grid_ms"] == 1.5
    assert result["landscape_ms"] == 40.0


def test_report_prints_the_engine_to_jax_ratio(monkeypatch, capsys):
    fake_figures(monkeypatch, {"W1": 0.5e6, "W2": 1.6e6})
    assert bench.main([]) == 0
    out = capsys.readouterr().out
    assert "engine/JAX = 4.00 (target ≥ 2: ok)" in out
    assert "engine/JAX = 1.25 (target ≥ 2: BELOW TARGET)" in out


def test_report_without_jax(monkeypatch, capsys):
    fake_figures(monkeypatch, {"W1": None, "W2": None})
    bench.main([])
    out = capsys.readouterr().out
    assert "JAX not installed" in out
    assert "loss landscape 31×31 on 1000 points" in out and "40.0 ms = 25.0 refreshes/s" in out


def test_jax_rates_are_null_when_jax_is_missing(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert bench.jax_rates() == {"W1": None, "W2": None}


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
@pytest.mark.parametrize("workload", bench.WORKLOADS, ids=lambda w: w.name)
def test_jax_loop_follows_the_engine_loss_by_loss(workload):
    """Same weights, same batches (no shuffle): the JAX step gives the engine's batch losses."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    trainer = workload.trainer()
    trainer.set_training(replace(trainer.training, shuffle=False))
    assert isinstance(trainer.training, TrainingSpec)
    weights = [array for layer in trainer.weights() for array in (layer.W, layer.b)]
    params, state, step = bench.jax_model(workload, jnp, jax, weights)
    X, y = trainer._X.T, trainer._y
    batch = workload.batch_size
    step = jax.jit(step)
    for k in range(8):
        xb, yb = X[k * batch : (k + 1) * batch], y[k * batch : (k + 1) * batch]
        params, state, loss = step(params, state, jnp.asarray(xb), jnp.asarray(yb))
        trainer.run(1)
        assert float(loss) == pytest.approx(float(trainer._stats[0]), rel=1e-12, abs=1e-14)
    engine_weights = [a for layer in trainer.weights() for a in (layer.W, layer.b)]
    for mine, theirs in zip(engine_weights, params, strict=True):
        np.testing.assert_allclose(mine, np.asarray(theirs), rtol=1e-10, atol=1e-12)


def test_landscape_ms_measures_a_real_grid_beside_training():
    small = replace(bench.WORKLOADS[1], points=60)
    assert bench.landscape_ms(small, resolution=4) > 0.0
