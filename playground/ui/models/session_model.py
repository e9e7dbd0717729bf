"""The current Session, the one home of the network and training specs, and the rules for
editing them (no Qt). A refused value goes out on `notice` and the edit returns False."""

from __future__ import annotations

import dataclasses
from typing import Any

from playground.engine import FEATURES, LayerSpec, NetworkSpec, OptimizerSpec, ScheduleSpec
from playground.session import Session
from playground.ui.models.events import Event

# The learning rates + and − step through (TensorFlow Playground's ladder).
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_LAYERS = 8  # UI caps (the engine allows more)
MAX_UNITS = 32


class SessionModel:
    """Holds the Session; `training_changed` (TrainingSpec, live) and `network_changed`
    (Session: a new architecture, training starts over) say what an edit changed, `replaced`
    (Session) that a whole new one was opened."""

    def __init__(self, session: Session | None = None) -> None:
        self.replaced = Event()  # Session: opened, new or restored; every view re-reads it
        self.training_changed = Event()  # TrainingSpec
        self.network_changed = Event()  # Session (weights None, epoch 0)
        self.notice = Event()  # (level, message): why an edit was refused
        self._session = session or Session.default()

    @property
    def session(self) -> Session:
        """The current settings and data (weights as of the last load or reset)."""
        return self._session

    def replace(self, session: Session) -> None:
        """Take a whole new session (loaded, restored or with edited points); no event."""
        self._session = session

    def _refuse(self, error: ValueError, prefix: str = "") -> bool:
        self.notice.emit("warning", f"{prefix}{error}")
        return False

    # ----- training (live) ------------------------------------------------------------------

    def set_training(self, **changes: Any) -> bool:
        """Change TrainingSpec fields live; False (with a notice) if the value is refused."""
        try:
            training = dataclasses.replace(self._session.training, **changes)
            session = self._session.replace(training=training)
        except ValueError as error:
            return self._refuse(error)
        self._session = session
        self.training_changed.emit(training)
        return True

    def set_learning_rate(self, lr: float) -> bool:
        """A new learning rate, live."""
        optimizer = self._session.training.optimizer
        return self._set_optimizer(optimizer.name, lr, optimizer.options)

    def step_learning_rate(self, steps: int) -> bool:
        """Move the learning rate `steps` rungs up (> 0) or down the ladder LEARNING_RATES; a
        rate between rungs goes to the next rung in that direction."""
        lr = self._session.training.optimizer.lr
        if steps > 0:
            higher = [i for i, rate in enumerate(LEARNING_RATES) if rate > lr * (1 + 1e-9)]
            index = higher[0] + steps - 1 if higher else None
        else:
            lower = [i for i, rate in enumerate(LEARNING_RATES) if rate < lr * (1 - 1e-9)]
            index = lower[-1] + steps + 1 if lower else None
        if index is None:
            return False
        return self.set_learning_rate(LEARNING_RATES[min(max(index, 0), len(LEARNING_RATES) - 1)])

    def set_optimizer(self, name: str) -> bool:
        """Another optimizer with its PyTorch defaults; the learning rate stays."""
        return self._set_optimizer(name, self._session.training.optimizer.lr, ())

    def set_optimizer_option(self, key: str, value: Any) -> bool:
        """One hyper-parameter of the optimizer (by PyTorch name)."""
        optimizer = self._session.training.optimizer
        options = {**dict(optimizer.options), key: value}
        return self._set_optimizer(optimizer.name, optimizer.lr, options)

    def _set_optimizer(self, name: str, lr: float, options: Any) -> bool:
        try:
            spec = OptimizerSpec(name, lr, options)
        except ValueError as error:
            return self._refuse(error, "optimizer ")
        return self.set_training(optimizer=spec)

    def set_schedule(self, name: str) -> bool:
        """Another learning-rate schedule with its default options."""
        return self.set_training(schedule=ScheduleSpec(name))

    def set_schedule_option(self, key: str, value: float) -> bool:
        """One option of the schedule."""
        schedule = self._session.training.schedule
        try:
            spec = ScheduleSpec(schedule.name, {**dict(schedule.options), key: value})
        except ValueError as error:
            return self._refuse(error)
        return self.set_training(schedule=spec)

    # ----- network (architecture changes start over) ----------------------------------------

    def set_network(self, network: NetworkSpec) -> bool:
        """A new architecture: training starts over from the initializer."""
        try:
            session = self._session.replace(network=network, weights=None, epoch=0, neurons=None)
        except ValueError as error:
            return self._refuse(error)
        self._session = session
        self.network_changed.emit(session)
        return True

    def add_layer(self) -> bool:
        """Append a hidden layer like the last one (4 tanh units for the first)."""
        layers = self._session.network.layers
        if len(layers) >= MAX_LAYERS:
            return False
        new = dataclasses.replace(layers[-1]) if layers else LayerSpec(4, "tanh")
        return self._set_layers((*layers, new))

    def remove_layer(self) -> bool:
        """Remove the last hidden layer."""
        layers = self._session.network.layers
        return bool(layers) and self._set_layers(layers[:-1])

    def change_units(self, layer: int, delta: int) -> bool:
        """Add (delta > 0) or remove neurons of a hidden layer, within 1–32."""
        layers = list(self._session.network.layers)
        units = min(MAX_UNITS, max(1, layers[layer].units + delta))
        if units == layers[layer].units:
            return False
        layers[layer] = dataclasses.replace(layers[layer], units=units)
        return self._set_layers(tuple(layers))

    def set_layer(self, layer: int, **changes: Any) -> bool:
        """Change one hidden layer's activation, dropout or batch norm."""
        layers = list(self._session.network.layers)
        try:
            layers[layer] = dataclasses.replace(layers[layer], **changes)
        except ValueError as error:
            return self._refuse(error)
        return self._set_layers(tuple(layers))

    def set_all_activations(self, activation: str) -> bool:
        """The same activation for every hidden layer."""
        layers = tuple(
            dataclasses.replace(layer, activation=activation)
            for layer in self._session.network.layers
        )
        return self._set_layers(layers)

    def _set_layers(self, layers: tuple[LayerSpec, ...]) -> bool:
        return self.set_network(dataclasses.replace(self._session.network, layers=layers))

    def toggle_input(self, name: str) -> bool:
        """Use or stop using an input feature (at least one stays)."""
        inputs = self._session.network.inputs
        if name in inputs:
            if len(inputs) == 1:
                self.notice.emit("info", "The network needs at least one input feature.")
                return False
            new = tuple(i for i in inputs if i != name)
        else:
            new = tuple(f for f in FEATURES if f in inputs or f == name)
        return self.set_network(dataclasses.replace(self._session.network, inputs=new))

    def set_standardize(self, on: bool) -> bool:
        """Standardise the input features (mean 0, std 1 over the training points)."""
        return self.set_network(dataclasses.replace(self._session.network, standardize=on))
