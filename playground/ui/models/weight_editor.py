"""Hands on the weights (no Qt): typed and dragged weights and biases, frozen and switched-off
neurons, each edit one undo step. Weights go to the training worker (they live there while
training runs; Save takes them from its frames); the masks live in the Session."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from playground.engine import LayerWeights
from playground.engine.neuron_masks import NeuronMasks
from playground.ui.models.events import Event
from playground.ui.models.session_model import SessionModel

MAX_WEIGHT = 1e6  # larger typed values are refused: they only saturate every neuron downstream
BIAS = -1  # the `source` of a neuron's bias


@dataclass(frozen=True)
class Change:
    """One value: `kind` "weight" (W[unit, source] of dense layer `layer`, source -1 the bias),
    "frozen" or "off" (of neuron `unit` of dense layer `layer`), from `old` to `new`."""

    kind: str
    layer: int
    unit: int
    source: int
    old: float
    new: float


Edit = tuple[Change, ...]  # one undo step (a dragged line changes three values at once)


def parse_weight(text: str) -> float:
    """A typed weight or bias; ValueError with the reason for anything else."""
    try:
        value = float(text.strip().replace("−", "-"))
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number (type e.g. 0.5 or -1.2e-3)") from None
    if not math.isfinite(value):
        raise ValueError("NaN and infinity cannot be weights: type a finite number")
    if abs(value) > MAX_WEIGHT:
        raise ValueError(f"{value:g} is too large: type a number from -1e6 to 1e6")
    return value


class WeightEditor:
    """Typed and dragged weights, frozen and off neurons, with their own undo and redo.

    `weights()` gives the weights shown now (the latest frame's) or None, `send_weight(layer,
    unit, source, value)` hands one value to the worker, `send_masks(masks)` the masks."""

    def __init__(
        self,
        model: SessionModel,
        weights: Callable[[], tuple[LayerWeights, ...] | None],
        send_weight: Callable[[int, int, int, float], None],
        send_masks: Callable[[NeuronMasks | None], None],
    ) -> None:
        self.edited = Event()  # Edit: applied, undone or redone
        self.masks_changed = Event()  # NeuronMasks
        self.notice = Event()  # (level, message): why an edit was refused
        self._model = model
        self._weights = weights
        self._send_weight = send_weight
        self._send_masks = send_masks
        self._done: list[Edit] = []
        self._undone: list[Edit] = []
        model.replaced.connect(self._forget)
        model.network_changed.connect(self._forget)

    # ----- state ----------------------------------------------------------------------------

    @property
    def masks(self) -> NeuronMasks:
        """The frozen and switched-off neurons of the session (none when it has none)."""
        session = self._model.session
        return session.neurons or NeuronMasks.none(session.network)

    def value(self, layer: int, unit: int, source: int) -> float | None:
        """W[unit, source] of dense layer `layer` (source -1: the bias) as shown now."""
        weights = self._weights()
        if weights is None or not 0 <= layer < len(weights):
            return None
        lw = weights[layer]
        if not 0 <= unit < lw.W.shape[0] or not -1 <= source < lw.W.shape[1]:
            return None
        return float(lw.b[unit] if source == BIAS else lw.W[unit, source])

    @property
    def can_undo(self) -> bool:
        """Whether there is a weights edit to undo."""
        return bool(self._done)

    # ----- edits ----------------------------------------------------------------------------

    def set_weight(self, layer: int, unit: int, source: int, text_or_value: str | float) -> bool:
        """Type W[unit, source] of dense layer `layer` (source -1: the bias); False with a
        notice if the value is refused or the weight is not there (yet)."""
        return self.set_weights(layer, unit, {source: text_or_value})

    def set_weights(self, layer: int, unit: int, values: dict[int, str | float]) -> bool:
        """Several values of one neuron as one undo step (a dragged line: w1, w2 and b)."""
        changes = []
        for source, given in values.items():
            try:
                value = parse_weight(given) if isinstance(given, str) else float(given)
                if not math.isfinite(value) or abs(value) > MAX_WEIGHT:
                    raise ValueError(f"{value:g} is not a weight from -1e6 to 1e6")
            except ValueError as error:
                self.notice.emit("warning", f"Weight not changed: {error}")
                return False
            old = self.value(layer, unit, source)
            if old is None:
                self.notice.emit("warning", "Weight not changed: the network has no weights yet")
                return False
            changes.append(Change("weight", layer, unit, source, old, value))
        return self._do(tuple(changes))

    def set_frozen(self, layer: int, unit: int, frozen: bool) -> bool:
        """Freeze a neuron (its incoming weights and bias stop changing) or thaw it."""
        old = self.masks.is_frozen(layer, unit)
        return old != frozen and self._do((Change("frozen", layer, unit, 0, old, frozen),))

    def set_off(self, layer: int, unit: int, off: bool) -> bool:
        """Switch a hidden neuron off (it outputs 0) or on again."""
        if layer >= len(self._model.session.network.layers):
            self.notice.emit("warning", "An output neuron cannot be switched off (freeze it).")
            return False
        old = self.masks.is_off(layer, unit)
        return old != off and self._do((Change("off", layer, unit, 0, old, off),))

    def _do(self, edit: Edit) -> bool:
        if not edit:
            return False
        self._apply(edit, forward=True)
        self._done.append(edit)
        self._undone.clear()
        return True

    def _apply(self, edit: Edit, *, forward: bool) -> None:
        masks = self.masks
        for change in edit if forward else reversed(edit):
            value = change.new if forward else change.old
            if change.kind == "weight":
                self._send_weight(change.layer, change.unit, change.source, value)
            elif change.kind == "frozen":
                masks = masks.with_frozen(change.layer, change.unit, bool(value))
            else:
                masks = masks.with_off(change.layer, change.unit, bool(value))
        if any(change.kind != "weight" for change in edit):
            session = self._model.session
            self._model.replace(session.replace(neurons=masks if masks.any else None))
            self._send_masks(self._model.session.neurons)
            self.masks_changed.emit(masks)
        self.edited.emit(edit)

    # ----- undo -----------------------------------------------------------------------------

    def undo(self) -> bool:
        """Undo the last weights edit."""
        if not self._done:
            return False
        edit = self._done.pop()
        self._apply(edit, forward=False)
        self._undone.append(edit)
        return True

    def redo(self) -> bool:
        """Redo the last undone weights edit."""
        if not self._undone:
            return False
        edit = self._undone.pop()
        self._apply(edit, forward=True)
        self._done.append(edit)
        return True

    def _forget(self, _: object = None) -> None:
        """A new network or session: the edits of the old one cannot be undone on it."""
        self._done.clear()
        self._undone.clear()
        self.masks_changed.emit(self.masks)


class EditHistory:
    """Edit ▸ Undo and Redo across models with their own history (the points, the weights):
    the newest edit first. `record(owner)` after each new edit of an owner."""

    def __init__(self) -> None:
        self._done: list[object] = []
        self._undone: list[object] = []
        self._replaying = False

    def record(self, owner: object) -> None:
        """An owner made a new edit (ignored while this history undoes or redoes)."""
        if not self._replaying:
            self._done.append(owner)
            self._undone.clear()

    def undo(self) -> bool:
        """Undo the newest edit that can still be undone."""
        return self._step(self._done, self._undone, "undo")

    def redo(self) -> bool:
        """Redo the newest undone edit."""
        return self._step(self._undone, self._done, "redo")

    def _step(self, source: list[object], target: list[object], name: str) -> bool:
        while source:
            owner = source.pop()
            self._replaying = True
            try:
                done = getattr(owner, name)()
            finally:
                self._replaying = False
            if done:
                target.append(owner)
                return True
        return False
