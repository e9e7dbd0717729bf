"""The engine against real PyTorch (skipped without torch): activations, gradients, optimizers."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.activations import ACTIVATIONS, curve
from playground.engine.registry import OPTIMIZERS
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec
from tests.engine.engine_pass import (
    assert_close,
    engine_pass,
    engine_state,
    make_case,
    random_weights,
)

torch = pytest.importorskip("torch")
F = torch.nn.functional

TORCH_ACTIVATIONS = {
    "linear": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,  # slope 0.01
    "elu": F.elu,
    "selu": F.selu,
    "gelu": lambda z: F.gelu(z, approximate="tanh"),
    "softplus": F.softplus,  # threshold 20
    "swish": F.silu,
    "mish": F.mish,
    "sine": torch.sin,
}


def torch_optimizer(name: str, params, lr: float, options: dict):
    optim = torch.optim
    return {
        "sgd": lambda: optim.SGD(params, lr, **options),
        "momentum": lambda: optim.SGD(params, lr, **{"momentum": 0.9, **options}),
        "nesterov": lambda: optim.SGD(params, lr, **{"momentum": 0.9, "nesterov": True, **options}),
        "adagrad": lambda: optim.Adagrad(params, lr, **options),
        "rmsprop": lambda: optim.RMSprop(params, lr, **options),
        "adadelta": lambda: optim.Adadelta(params, lr, **options),
        "adam": lambda: optim.Adam(params, lr, **options),
        "adamw": lambda: optim.AdamW(params, lr, **options),
        "adamax": lambda: optim.Adamax(params, lr, **options),
        "nadam": lambda: optim.NAdam(params, lr, **options),
        "amsgrad": lambda: optim.Adam(params, lr, **{"amsgrad": True, **options}),
    }[name]()


class TorchNet(torch.nn.Module):
    """The same dense network in torch: Linear, optional BatchNorm1d, activation."""

    def __init__(self, network: NetworkSpec, weights) -> None:
        super().__init__()
        self.linears = torch.nn.ModuleList()
        self.norms = torch.nn.ModuleList()
        self.activations = [layer.activation for layer in network.layers]
        for lw in weights:
            linear = torch.nn.Linear(lw.W.shape[1], lw.W.shape[0]).double()
            with torch.no_grad():
                linear.weight.copy_(torch.tensor(lw.W))
                linear.bias.copy_(torch.tensor(lw.b))
            self.linears.append(linear)
            norm = torch.nn.Identity()
            if lw.bn is not None:
                norm = torch.nn.BatchNorm1d(lw.W.shape[0]).double()  # eps 1e-5, momentum 0.1
                with torch.no_grad():
                    norm.weight.copy_(torch.tensor(lw.bn.gamma))
                    norm.bias.copy_(torch.tensor(lw.bn.beta))
                    norm.running_mean.copy_(torch.tensor(lw.bn.running_mean))
                    norm.running_var.copy_(torch.tensor(lw.bn.running_var))
            self.norms.append(norm)

    def forward(self, x):
        for i, (linear, norm) in enumerate(zip(self.linears, self.norms, strict=True)):
            x = norm(linear(x))
            if i < len(self.activations):
                x = TORCH_ACTIVATIONS[self.activations[i]](x)
        return x

    def state(self) -> list[np.ndarray]:
        """Arrays in engine_state's order."""
        arrays = []
        for linear, norm in zip(self.linears, self.norms, strict=True):
            arrays += [linear.weight.detach().numpy(), linear.bias.detach().numpy()]
            if isinstance(norm, torch.nn.BatchNorm1d):
                arrays += [
                    norm.weight.detach().numpy(),
                    norm.bias.detach().numpy(),
                    norm.running_mean.numpy(),
                    norm.running_var.numpy(),
                ]
        return [a.copy() for a in arrays]

    def grads(self) -> list[np.ndarray]:
        """Gradients of the trainable arrays, in EnginePass.grads' order."""
        grads = []
        for linear, norm in zip(self.linears, self.norms, strict=True):
            grads += [linear.weight.grad, linear.bias.grad]
            if isinstance(norm, torch.nn.BatchNorm1d):
                grads += [norm.weight.grad, norm.bias.grad]
        return [g.numpy().copy() for g in grads]


def torch_loss(loss: str, output, targets):
    t = torch.tensor(targets)
    return {
        "bce": lambda: F.binary_cross_entropy_with_logits(output[:, 0], t),
        "cross_entropy": lambda: F.cross_entropy(output, t.long()),
        "mse": lambda: F.mse_loss(output[:, 0], t),
        "mae": lambda: F.l1_loss(output[:, 0], t),
        "huber": lambda: F.huber_loss(output[:, 0], t, delta=1.0),
    }[loss]()


def penalty(model: TorchNet, kind: str, rate: float):
    weights = [linear.weight for linear in model.linears]
    if kind == "l1":
        return rate * sum(w.abs().sum() for w in weights)
    if kind == "l2":
        return rate / 2 * sum((w**2).sum() for w in weights)
    return 0.0


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_match_torch(name):
    if name not in TORCH_ACTIVATIONS:
        pytest.skip(f"{name} has no PyTorch equivalent here")
    z = torch.linspace(-25.0, 25.0, 1001, dtype=torch.float64, requires_grad=True)
    TORCH_ACTIVATIONS[name](z).sum().backward()
    values, slopes = curve(name, z.detach().numpy())
    expected = TORCH_ACTIVATIONS[name](z.detach()).numpy()
    np.testing.assert_allclose(values, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(slopes, z.grad.numpy(), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize(("problem", "classes", "loss"), [
    ("classification", 2, "bce"), ("classification", 3, "cross_entropy"),
    ("regression", 1, "mse"), ("regression", 1, "mae"), ("regression", 1, "huber"),
])  # fmt: skip
@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
def test_gradients_and_batch_norm_match_torch(problem, classes, loss, regularization):
    network = NetworkSpec(
        inputs=("x1", "x2", "x1*x2"),
        problem=problem,
        classes=classes,
        layers=(LayerSpec(5, "gelu", batch_norm=True), LayerSpec(4, "elu")),
    )
    weights = random_weights(network, 4)
    rng = np.random.default_rng(4)
    X = rng.normal(0.0, 1.5, (11, 3))
    targets = (
        rng.normal(0.0, 1.5, 11)
        if problem == "regression"
        else (np.arange(11) % classes).astype(float)
    )
    got = engine_pass(network, weights, X, targets, loss, regularization=regularization, rate=0.05)
    model = TorchNet(network, weights)
    model.train()
    output = model(torch.tensor(X))
    data_loss = torch_loss(loss, output, targets)
    (data_loss + penalty(model, regularization, 0.05)).backward()
    assert got.loss == pytest.approx(data_loss.item(), rel=1e-12)
    assert_close(got.grads, model.grads(), rtol=1e-9, atol=1e-12)
    assert_close(engine_state(got.weights)[4:6], model.state()[4:6])  # running statistics


@pytest.fixture
def float64_state():
    """torch.optim keeps scalar state (step, NAdam's mu_product) in the default dtype."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


@pytest.mark.usefixtures("float64_state")
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_steps_match_torch(name):
    """Five full-batch steps with an L2 penalty and gradient clipping, as a torch loop does."""
    lr = {"adadelta": 1.0, "sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.1}.get(
        name, 0.01
    )
    case = make_case(
        OptimizerSpec(name, lr), regularization="l2", regularization_rate=0.01, grad_clip=0.5
    )
    trainer = case.trainer()
    model = TorchNet(case.network, case.weights)
    optimizer = torch_optimizer(name, model.parameters(), lr, {})
    X = torch.tensor(case.X)
    for _ in range(5):
        optimizer.zero_grad()
        loss = torch_loss(case.loss, model(X), case.labels) + penalty(model, "l2", 0.01)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        optimizer.step()
    trainer.run(5)
    assert_close(engine_state(trainer.weights()), model.state(), rtol=1e-10, atol=1e-13)
