"""What the step-through writes (no Qt): the numbers beside each neuron and link for a stage,
the loss formula with the numbers, the chain rule of a link and the update it gets.

Layers: a Link (layer, j, i) is W[layer][j, i], from unit i of the layer below (the features
for layer 0) to unit j. Neuron captions use the diagram's columns: 0 the input features, c ≥ 1
the units of dense layer c − 1. With several points (a mini-batch), a neuron shows the batch's
mean of z and a, and the sum of δ over the batch (that sum is ∂L/∂b: the loss is the mean).
"""

from __future__ import annotations

import html
import math

import numpy as np
import numpy.typing as npt

from playground.engine import LOSSES, OPTIMIZERS, NetworkSpec, TrainingSpec
from playground.engine.step_trace import StepTrace

Array = npt.NDArray[np.float64]
Link = tuple[int, int, int]
TOP_WIDTH = 3.2  # the weight magnitude of the diagram's thickest links


def number(value: float) -> str:
    """A short readable number: 3 significant digits, a real minus sign."""
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.3g}"
    if text in ("-0", "-0.0"):
        text = "0"
    return text.replace("-", "−")


def _sub(name: str, index: int) -> str:
    return f"{name}<sub>{index}</sub>"


# ----- on the diagram --------------------------------------------------------------------------


def neuron_caption(trace: StepTrace, stage: str, column: int, unit: int) -> str:
    """The text beside a neuron (column 0: a used input feature, by its position in inputs)."""
    explanation = trace.explanation
    if column == 0:
        return f"x {number(explanation.features[:, unit].mean())}"
    layer = explanation.layers[column - 1]
    last = column == len(explanation.layers)
    if stage == "backward":
        return f"δ {number(layer.delta[:, unit].sum())}"
    if stage == "update":
        step = trace.after[column - 1].b[unit] - trace.before[column - 1].b[unit]
        return f"Δb {number(step)}"
    if stage == "loss" and last:
        prediction = number(layer.a[:, unit].mean())
        if explanation.loss_name in ("bce", "cross_entropy"):
            return f"p {prediction}"
        return f"ŷ {prediction} (y {number(explanation.targets.mean())})"
    lines = [f"z {number(layer.z[:, unit].mean())}", f"a {number(layer.a[:, unit].mean())}"]
    if layer.batch_norm is not None:  # y = γ·(z − mean)/√(var + ε) + β, then a = g(y)
        lines.insert(1, f"BN {number(layer.y[:, unit].mean())}")
    if layer.dropout_mask is not None:
        dropped = int(np.count_nonzero(layer.dropout_mask[:, unit] == 0))
        if trace.indices.size == 1 and dropped:
            lines[-1] = "a 0 (dropped)"
        elif dropped:
            lines.append(f"dropped {dropped}/{trace.indices.size}")
    return "\n".join(lines)


def link_values(trace: StepTrace, stage: str) -> list[Array]:
    """Per layer (out, in): what colours the links in a stage, in weight units (the weights
    themselves; ∂L/∂w or the step scaled so that the largest is drawn thickest)."""
    if stage in ("forward", "loss"):
        return [lw.W for lw in trace.before]
    values = (
        [layer.grad_W for layer in trace.explanation.layers]
        if stage == "backward"
        else trace.weight_steps()
    )
    return scaled(values)


def scaled(values: list[Array]) -> list[Array]:
    """Values rescaled so that the largest magnitude becomes the thickest link's weight."""
    top = max((float(np.abs(v).max()) for v in values if v.size), default=0.0)
    if not math.isfinite(top) or top == 0.0:
        return [np.zeros_like(v) for v in values]
    return [v * (TOP_WIDTH / top) for v in values]


def link_label(trace: StepTrace, stage: str, link: Link) -> str:
    """The number written on a link in a stage."""
    layer, j, i = link
    if stage == "backward":
        return number(trace.explanation.layers[layer].grad_W[j, i])
    if stage == "update":
        return "Δ" + number(trace.weight_steps()[layer][j, i])
    return number(trace.before[layer].W[j, i])


# ----- in the side panel -----------------------------------------------------------------------


def stage_text(trace: StepTrace, stage: str, network: NetworkSpec, training: TrainingSpec) -> str:
    """What the stage does, with this step's numbers (HTML)."""
    n = trace.indices.size
    who = "this point" if n == 1 else f"this mini-batch of {n} points (values: batch means)"
    extras = _extras(network)
    if stage == "forward":
        return (
            f"<b>Forward.</b> Each neuron computes z = Σ<sub>i</sub> w<sub>i</sub>·a<sub>i</sub> "
            f"+ b, then a = g(z), for {who}. The links show the weights.{extras}"
        )
    if stage == "loss":
        return loss_text(trace)
    if stage == "backward":
        return (
            "<b>Backward.</b> δ = ∂L/∂z goes back from the output: δ<sub>j</sub> = "
            "g′(z<sub>j</sub>)·Σ<sub>k</sub> w<sub>kj</sub>·δ<sub>k</sub>. Each link gets "
            "∂L/∂w = δ<sub>j</sub>·a<sub>i</sub>, drawn as its colour (sign) and thickness "
            "(size). Click a link for its chain rule."
        )
    return update_rule_text(trace, training)


def _extras(network: NetworkSpec) -> str:
    notes = []
    if any(layer.batch_norm for layer in network.layers):
        notes.append(
            "Batch norm (training mode) normalises z with the batch's mean and variance, "
            "then scales by γ and shifts by β before g."
        )
    if any(layer.dropout > 0 for layer in network.layers):
        notes.append("Dropout zeroes some outputs (and scales the rest by 1/(1−p)) for this step.")
    return "".join(f"<br>{note}" for note in notes)


def loss_text(trace: StepTrace) -> str:
    """The loss formula, then with this step's numbers (the first point) and the mean."""
    explanation = trace.explanation
    name = explanation.loss_name
    p = explanation.output[0]
    y = explanation.targets[0]
    point = explanation.point_losses[0]
    formula = html.escape(LOSSES[name].formula)
    if name == "bce":
        filled = (
            f"L = −[{number(y)}·ln {number(p[0])} + {number(1 - y)}·ln {number(1 - p[0])}] "
            f"= {number(point)}"
        )
    elif name == "cross_entropy":
        label = int(y)
        filled = f"L = −ln p<sub>{label}</sub> = −ln {number(p[label])} = {number(point)}"
    elif name == "mse":
        filled = f"L = ({number(p[0])} − {number(y)})² = {number(point)}"
    elif name == "mae":
        filled = f"L = |{number(p[0])} − {number(y)}| = {number(point)}"
    else:
        filled = f"d = {number(p[0])} − {number(y)},  L = {number(point)}"
    target = f"class {int(y)}" if name in ("bce", "cross_entropy") else number(y)
    text = f"<b>Loss.</b> Prediction {_vector(p)}, target {target}.<br>{formula}<br>{filled}"
    if trace.indices.size > 1:
        text += (
            f"<br>(first point shown) mean over the {trace.indices.size} points: "
            f"L = {number(explanation.loss)}"
        )
    return text


def _vector(values: Array) -> str:
    return number(values[0]) if values.size == 1 else "(" + ", ".join(map(number, values)) + ")"


def chain_rule_text(trace: StepTrace, link: Link, network: NetworkSpec) -> str:
    """∂L/∂w = δⱼ·aᵢ and δⱼ = g′(zⱼ)·Σₖ wₖⱼ δₖ for one link, with the numbers (HTML)."""
    layer_index, j, i = link
    layers = trace.explanation.layers
    layer = layers[layer_index]
    source = network.inputs[i] if layer_index == 0 else f"neuron {i + 1} of layer {layer_index}"
    n = trace.indices.size
    lines = [f"<b>Link</b> {html.escape(source)} → neuron {j + 1} of layer {layer_index + 1}"]
    grad = layer.grad_W[j, i]
    if n == 1:
        lines.append(
            f"∂L/∂w = δ<sub>{j + 1}</sub>·a<sub>{i + 1}</sub> = {number(layer.delta[0, j])} × "
            f"{number(layer.a_in[0, i])} = <b>{number(grad)}</b>"
        )
    else:
        lines.append(
            f"∂L/∂w = Σ<sub>points</sub> δ<sub>{j + 1}</sub>·a<sub>{i + 1}</sub> "
            f"over {n} points = <b>{number(grad)}</b>"
        )
    lines.append(_delta_text(trace, layer_index, j))
    return "<br>".join(lines)


def _delta_text(trace: StepTrace, layer_index: int, j: int) -> str:
    """How δⱼ of a layer comes about (first point of the batch)."""
    explanation = trace.explanation
    layers = explanation.layers
    layer = layers[layer_index]
    delta = number(layer.delta[0, j])
    n = trace.indices.size
    if layer_index == len(layers) - 1:
        name = explanation.loss_name
        y = explanation.targets[0]
        p = layer.a[0, j]
        scale = f"/{n}" if n > 1 else ""
        if name in ("bce", "cross_entropy"):
            target = float(y == j) if name == "cross_entropy" else y
            return (
                f"δ<sub>{j + 1}</sub> = (p − y){scale} = ({number(p)} − {number(target)}){scale} "
                f"= {delta}"
            )
        return f"δ<sub>{j + 1}</sub> = ∂L/∂ŷ{scale} at ŷ = {number(p)}, y = {number(y)}: {delta}"
    above = layers[layer_index + 1]
    terms = " + ".join(
        f"{number(above.W[k, j])}×{number(above.delta[0, k])}" for k in range(above.W.shape[0])
    )
    total = float(above.W[:, j] @ above.delta[0])
    slope = number(layer.slope[0, j])
    text = (
        f"δ<sub>{j + 1}</sub> = g′(z<sub>{j + 1}</sub>)·Σ<sub>k</sub> w<sub>k{j + 1}</sub>·"
        f"δ<sub>k</sub> = {slope} × ({terms})"
    )
    if layer.dropout_mask is not None:
        text += f" × mask {number(layer.dropout_mask[0, j])}"
        total *= float(layer.dropout_mask[0, j])
    if layer.batch_norm is None:
        return f"{text} = {delta}" + (" (first point)" if n > 1 else "")
    return (
        f"{text} = {number(total * layer.slope[0, j])} before batch norm; through batch norm "
        f"(γ = {number(layer.batch_norm.gamma[j])}): δ = {delta}"
    )


def update_rule_text(trace: StepTrace, training: TrainingSpec) -> str:
    """The optimizer's rule, the learning rate, and what clipping and the penalty did."""
    optimizer = OPTIMIZERS[training.optimizer.name]
    lines = [
        f"<b>Update</b> ({html.escape(optimizer.title)}, η = {number(trace.learning_rate)}): "
        f"{html.escape(optimizer.rule)}"
    ]
    if training.regularization != "none":
        lines.append(
            f"The {training.regularization.upper()} penalty adds to ∂L/∂w (rate "
            f"{number(training.regularization_rate)}), never to biases."
        )
    if trace.clip_scale < 1.0:
        lines.append(f"Clipping scaled every gradient by {number(trace.clip_scale)}.")
    lines.append("Links: each weight's step Δw. The pictures: the output before and after.")
    return "<br>".join(lines)


def link_update_text(trace: StepTrace, link: Link, training: TrainingSpec) -> str:
    """One weight's update with the optimizer's state before and after (HTML)."""
    layer, j, i = link
    before = trace.before[layer].W[j, i]
    after = trace.after[layer].W[j, i]
    grad = trace.applied_weight_grads()[layer][j, i]
    lines = [f"w: {number(before)} → {number(after)}  (Δw = {number(after - before)})"]
    if training.optimizer.name == "sgd" and not training.optimizer.options:
        lines.append(
            f"Δw = −η·∂L/∂w = −{number(trace.learning_rate)} × {number(grad)} "
            f"= {number(-trace.learning_rate * grad)}"
        )
    else:
        lines.append(f"∂L/∂w the optimizer got: {number(grad)}")
    old = trace.optimizer_buffers()
    new = trace.optimizer_buffers(after=True)
    for name, layers in new.items():
        value_old = old[name][layer]["W"][j, i] if name in old else 0.0
        value_new = layers[layer]["W"][j, i]
        lines.append(f"{html.escape(name)}: {number(value_old)} → {number(value_new)}")
    if trace.state_before.optimizer_step or new:
        lines.append(f"optimizer step t = {trace.state_after.optimizer_step}")
    return "<br>".join(lines)
