"""Training controls: the top bar (play, step, reset, epoch, speed and the main settings) and the
detailed settings form (optimizer parameters, schedule, batches, loss, clipping, init, seed,
early stopping). Every combo box is filled from an engine registry and explains its choices
(formulas from the registries); presentation mode hides the advanced ones."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.engine import (
    ACTIVATIONS,
    INITIALIZERS,
    LOSSES,
    OPTIMIZERS,
    PROBLEMS,
    REGULARIZATIONS,
    SCHEDULES,
    TrainingSpec,
    default_loss,
)
from playground.engine.registry import HYPER_OPTIONS, SCHEDULE_OPTIONS
from playground.engine.spec import MAX_BATCH
from playground.ui.classroom.presentation import mark_advanced
from playground.ui.classroom.shortcuts import tip_with_keys
from playground.ui.models.data_editor import DataEditor
from playground.ui.models.session_model import LEARNING_RATES, SessionModel
from playground.ui.models.training_runner import TrainingRunner
from playground.ui.widgets.appearance import Appearance, Look
from playground.ui.widgets.choice_preview import (
    PreviewCombo,
    activation_icon,
    activation_preview,
    initializer_preview,
    optimizer_preview,
    schedule_preview,
    set_icon_size,
)
from playground.ui.widgets.flow_layout import FlowLayout
from playground.ui.widgets.icons import icon
from playground.ui.widgets.theme import TEXT
from playground.worker import WorkerStatus

SPEEDS: tuple[float | None, ...] = (1, 2, 5, 10, 30, 100, 300, 1000, None)  # epochs/s, None=max
REGULARIZATION_RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
# The optimizers' and schedules' options: their titles and help live in the engine's registry.
HYPER_TITLES = {key: option.title for key, option in {**HYPER_OPTIONS, **SCHEDULE_OPTIONS}.items()}
HYPER_HELP = {key: option.help for key, option in {**HYPER_OPTIONS, **SCHEDULE_OPTIONS}.items()}
FORM_LABEL_WIDTH = 96
PROBLEM_TITLES = {"classification": "Classification", "regression": "Regression"}
SPEED_WIDTH = 110


def speed_text(speed: float | None) -> str:
    """'10 epochs/s' or 'max'."""
    if speed is None:
        return "max"
    return f"{speed:g} epoch{'s' if speed != 1 else ''}/s"


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "caption")
    return label


def _labelled(caption: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(_caption(caption))
    layout.addWidget(widget)
    return box


def _separator() -> QFrame:
    line = QFrame()
    line.setObjectName("separator")
    line.setFixedHeight(40)
    return line


def _format_number(value: float) -> str:
    """Plain decimals people read aloud (0.00001, not 1e-05); :g only for extreme values."""
    if isinstance(value, int):
        return str(value)
    if value == 0 or not math.isfinite(value) or not 1e-7 <= abs(value) < 1e7:
        return f"{value:g}"
    return format(Decimal(f"{value:.6g}"), "f")


class NumberEdit(QLineEdit):
    """A compact number field: shows the value with :g, commits on Enter or focus loss."""

    committed = Signal(float)  # the new value

    def __init__(
        self, value: float = 0.0, integer: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._integer = integer
        self._value = value
        self.setText(_format_number(value))
        self.editingFinished.connect(self._on_editing_finished)

    def set_value(self, value: float) -> None:
        """Show a value (without committing)."""
        self._value = value
        if not self.hasFocus():
            self.setText(_format_number(value))

    def _on_editing_finished(self) -> None:
        try:
            value = float(self.text().replace(",", "."))
        except ValueError:
            self.setText(_format_number(self._value))
            return
        if not math.isfinite(value) or (self._integer and value != int(value)):
            self.setText(_format_number(self._value))
            return
        value = int(value) if self._integer else value
        if value != self._value:
            self._value = value
            self.committed.emit(value)
        self.setText(_format_number(self._value))


class ValueCombo(QComboBox):
    """An editable combo of preset numbers (learning rate, regularization rate)."""

    committed = Signal(float)  # the chosen or typed value

    def __init__(self, presets: tuple[float, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for value in presets:
            self.addItem(_format_number(value), value)
        self._value = presets[0]
        self.activated.connect(self._on_activated)
        self.lineEdit().editingFinished.connect(self._on_typed)

    def set_value(self, value: float) -> None:
        """Show a value without committing."""
        self._value = value
        index = self.findData(value)
        if index >= 0:
            self.setCurrentIndex(index)
        self.setEditText(_format_number(value))

    def _on_activated(self, index: int) -> None:
        self._commit(float(self.itemData(index)))

    def _on_typed(self) -> None:
        try:
            value = float(self.currentText().replace(",", "."))
        except ValueError:
            self.setEditText(_format_number(self._value))
            return
        self._commit(value)

    def _commit(self, value: float) -> None:
        if value != self._value and math.isfinite(value):
            self._value = value
            self.committed.emit(value)


def _round_button(name: str, tooltip: str) -> QToolButton:
    button = QToolButton()
    button.setObjectName("roundButton")
    button.setIcon(icon(name, TEXT))
    button.setToolTip(tooltip)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


def _play_button() -> QToolButton:
    """The big play/pause button (icons 1.6× the default size)."""
    button = QToolButton()
    button.setObjectName("playButton")
    button.setIconSize(button.iconSize() * 1.6)
    button.setToolTip(tip_with_keys("Play / pause", "play"))
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


class PlayControls(QWidget):
    """Reset, play/pause and step, and the epoch counter beside them."""

    def __init__(
        self,
        model: SessionModel,
        runner: TrainingRunner,
        reset: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._model, self._runner = model, runner
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        self.reset_button = _round_button(
            "reset", tip_with_keys("Start over from new initial weights", "reset")
        )
        self.play_button = _play_button()
        self._play_icon_size = self.play_button.iconSize()
        self.step_button = _round_button(
            "step", "Train one epoch (→); with Shift one mini-batch (Shift+→)"
        )
        self._round_icon_size = self.step_button.iconSize()
        self.epoch_label = QLabel("000,000")
        self.epoch_label.setProperty("role", "big")
        self.epoch_label.setMinimumWidth(
            self.epoch_label.fontMetrics().horizontalAdvance("000,000,000") + 8
        )
        for widget in (
            self.reset_button,
            self.play_button,
            self.step_button,
            _labelled("Epoch", self.epoch_label),
            _separator(),
        ):
            layout.addWidget(widget)

        self.reset_button.clicked.connect(reset)
        self.play_button.clicked.connect(runner.toggle_play)
        self.step_button.clicked.connect(self._on_step_clicked)
        runner.running_changed.connect(self._update_play)
        runner.status_changed.connect(self._update_status)
        model.replaced.connect(self._update_epoch, self)
        self._update_epoch()
        self._update_play(runner.playing)

    def apply_look(self, look: Look) -> None:
        """Icon sizes and the epoch's width, which the style sheet does not set."""
        self.play_button.setIconSize(self._play_icon_size * look.px(100) / 100)
        for button in (self.reset_button, self.step_button):
            button.setIconSize(self._round_icon_size * look.px(100) / 100)
        self.epoch_label.ensurePolished()
        self.epoch_label.setMinimumWidth(
            self.epoch_label.fontMetrics().horizontalAdvance("0,000,000") + 8
        )

    def _on_step_clicked(self) -> None:
        shift = QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier
        if shift:
            self._runner.step_batch()
        else:
            self._runner.step_epoch()

    def _update_epoch(self, _: object = None) -> None:
        self.epoch_label.setText(f"{self._model.session.epoch:07,d}")

    def _update_play(self, playing: bool) -> None:
        self.play_button.setIcon(icon("pause" if playing else "play", "#ffffff"))
        self.play_button.setToolTip(tip_with_keys("Pause" if playing else "Play", "play"))

    def _update_status(self, status: WorkerStatus) -> None:
        if status.state != "warming_up":
            self.epoch_label.setText(f"{status.epoch:07,d}")


class SpeedControl(QWidget):
    """The training speed: a slider over SPEEDS with its value above it."""

    def __init__(self, runner: TrainingRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, len(SPEEDS) - 1)
        self.slider.setPageStep(1)
        self.slider.setFixedWidth(SPEED_WIDTH)
        self.slider.setToolTip(
            "Training speed in epochs per second (right end: as fast as the computer can)"
        )
        self.label = _caption("")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        header = QHBoxLayout()
        header.addWidget(_caption("Speed"))
        header.addStretch(1)
        header.addWidget(self.label)
        layout.addLayout(header)
        layout.addWidget(self.slider)
        self.slider.valueChanged.connect(self._on_speed_moved)
        runner.speed_changed.connect(self._update_speed)
        self._update_speed(runner.speed)

    def apply_look(self, look: Look) -> None:
        """The slider's width in the look's scale."""
        self.slider.setFixedWidth(look.px(SPEED_WIDTH))

    def _on_speed_moved(self, index: int) -> None:
        speed = SPEEDS[index]
        if speed != self._runner.speed:
            self._runner.set_speed(speed)

    def _update_speed(self, speed: float | None) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(SPEEDS.index(speed) if speed in SPEEDS else len(SPEEDS) - 1)
        self.slider.blockSignals(False)
        self.label.setText(speed_text(speed))


class QuickSettings(QObject):
    """The settings changed most often, one captioned box each (the bar's flow places them)."""

    def __init__(
        self, model: SessionModel, data: DataEditor, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._build_boxes()
        captions = (
            ("Learning rate", self.learning_rate_box),
            ("Optimizer", self.optimizer_box),
            ("Activation", self.activation_box),
            ("Regularization", self.regularization_box),
            ("Reg. rate", self.regularization_rate_box),
            ("Problem type", self.problem_box),
        )
        self.fields = [_labelled(caption, widget) for caption, widget in captions]
        self.advanced_boxes = [mark_advanced(field) for field in self.fields[3:]]

        self.learning_rate_box.committed.connect(model.set_learning_rate)
        self.optimizer_box.activated.connect(
            lambda i: model.set_optimizer(self.optimizer_box.itemData(i))
        )
        self.activation_box.activated.connect(
            lambda i: model.set_all_activations(self.activation_box.itemData(i))
        )
        self.regularization_box.activated.connect(
            lambda i: model.set_training(regularization=self.regularization_box.itemData(i))
        )
        self.regularization_rate_box.committed.connect(
            lambda v: model.set_training(regularization_rate=v)
        )
        self.problem_box.activated.connect(lambda i: data.set_problem(self.problem_box.itemData(i)))
        model.training_changed.connect(self._update_training, self)
        model.network_changed.connect(self._update_network, self)
        data.points_edited.connect(self._update_problem, self)
        model.replaced.connect(self._update_all, self)
        self._update_all()

    def _build_boxes(self) -> None:
        self.learning_rate_box = ValueCombo(LEARNING_RATES)
        self.learning_rate_box.setMinimumWidth(84)
        self.learning_rate_box.setToolTip(
            tip_with_keys(
                "Learning rate η: the size of each step against the gradient (θ ← θ − η·g); pick "
                "or type a value, + and − step through the ladder",
                "lr_up",
            )
        )
        self.optimizer_box = PreviewCombo(optimizer_preview)
        for name, optimizer in OPTIMIZERS.items():
            _add_item(self.optimizer_box, optimizer.title or name, name, optimizer.rule)
        self.activation_box = PreviewCombo(activation_preview)
        for name, activation in ACTIVATIONS.items():
            self.activation_box.addItem(activation_icon(name), name, name)
            self.activation_box.setItemData(
                self.activation_box.count() - 1, activation.formula, Qt.ItemDataRole.ToolTipRole
            )
        set_icon_size(self.activation_box, 1.0)
        self.regularization_box = QComboBox()
        for name, text in REGULARIZATIONS.items():
            _add_item(
                self.regularization_box, name.upper() if name != "none" else "None", name, text
            )
        self.regularization_rate_box = ValueCombo(REGULARIZATION_RATES)
        self.regularization_rate_box.setMinimumWidth(76)
        self.regularization_rate_box.setToolTip(
            "Regularization rate λ: how strongly the penalty pulls the weights toward 0"
        )
        self.problem_box = QComboBox()
        for name in PROBLEMS:
            self.problem_box.addItem(PROBLEM_TITLES.get(name, name.capitalize()), name)
        self.problem_box.setToolTip(
            "Classification (points of 2–8 classes) or regression "
            "(points with a value); switching loads a data set of that "
            "kind"
        )

    def apply_look(self, look: Look) -> None:
        """Widths and preview sizes in the look's scale."""
        self.learning_rate_box.setMinimumWidth(look.px(84))
        self.regularization_rate_box.setMinimumWidth(look.px(76))
        set_icon_size(self.activation_box, look.scale)
        for combo in (self.activation_box, self.optimizer_box):
            combo.scale = look.scale

    def _update_all(self, _: object = None) -> None:
        session = self._model.session
        self._update_training(session.training)
        self._update_network(session.network)
        self._update_problem()

    def _update_training(self, training: TrainingSpec) -> None:
        self.learning_rate_box.set_value(training.optimizer.lr)
        self.optimizer_box.setCurrentIndex(self.optimizer_box.findData(training.optimizer.name))
        optimizer = OPTIMIZERS[training.optimizer.name]
        self.optimizer_box.setToolTip(
            f"Optimizer: how a step uses the gradient g. "
            f"{optimizer.title or optimizer.name}: {optimizer.rule}"
        )
        self.regularization_box.setToolTip(
            "Regularization: a penalty on large weights. "
            f"{training.regularization.upper()}: {REGULARIZATIONS[training.regularization]}"
        )
        self.regularization_box.setCurrentIndex(
            self.regularization_box.findData(training.regularization)
        )
        self.regularization_rate_box.set_value(training.regularization_rate)
        self.regularization_rate_box.setEnabled(training.regularization != "none")

    def _update_network(self, _: object = None) -> None:
        layers = self._model.session.network.layers
        names = {layer.activation for layer in layers}
        self.activation_box.setEnabled(bool(layers))
        if len(names) == 1:
            name = names.pop()
            self.activation_box.setCurrentIndex(self.activation_box.findData(name))
            self.activation_box.setToolTip(
                "Activation of every hidden layer (starts training "
                f"over): {ACTIVATIONS[name].formula}"
            )
        else:
            self.activation_box.setCurrentIndex(-1)
            self.activation_box.setToolTip(
                "Activation of every hidden layer (starts training over); the layers differ now"
            )

    def _update_problem(self, _: object = None) -> None:
        problem = self._model.session.points.problem
        self.problem_box.setCurrentIndex(self.problem_box.findData(problem))


def _add_item(combo: QComboBox, text: str, data: str, tooltip: str) -> None:
    combo.addItem(text, data)
    combo.setItemData(combo.count() - 1, tooltip, Qt.ItemDataRole.ToolTipRole)


class TransportBar(QFrame):
    """The top bar: reset, play/pause, step; epoch; speed; the settings changed most often."""

    def __init__(
        self,
        *,
        model: SessionModel,
        data: DataEditor,
        runner: TrainingRunner,
        appearance: Appearance,
        reset: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("topBar")
        # One flow: the transport controls, the speed and the settings wrap onto more rows when
        # the window is narrow (beside the notes, presentation mode on a 1024×768 projector).
        flow = FlowLayout(self, spacing=14)
        flow.setContentsMargins(18, 10, 18, 10)
        self.play_controls = PlayControls(model, runner, reset)
        self.speed_control = SpeedControl(runner)
        self.quick_settings = QuickSettings(model, data, self)
        flow.addWidget(self.play_controls)
        flow.addWidget(self.speed_control)
        flow.addWidget(_separator())
        for field in self.quick_settings.fields:
            flow.addWidget(field)
        # The bar's widgets under their old names, for the window, the lessons and the tests.
        play, quick = self.play_controls, self.quick_settings
        self.reset_button, self.play_button = play.reset_button, play.play_button
        self.step_button, self.epoch_label = play.step_button, play.epoch_label
        self.speed_slider, self.speed_label = self.speed_control.slider, self.speed_control.label
        self.learning_rate_box, self.optimizer_box = quick.learning_rate_box, quick.optimizer_box
        self.activation_box, self.problem_box = quick.activation_box, quick.problem_box
        self.regularization_box = quick.regularization_box
        self.regularization_rate_box = quick.regularization_rate_box
        self.advanced_boxes = quick.advanced_boxes
        appearance.changed.connect(self._apply_look)
        self._apply_look(appearance.look)

    def _apply_look(self, look: Look) -> None:
        """Sizes that the style sheet does not set: icons, the epoch's width, the slider."""
        self.play_controls.apply_look(look)
        self.speed_control.apply_look(look)
        self.quick_settings.apply_look(look)


class HyperForm(QFormLayout):
    """One field per option of a registry entry (an optimizer's or a schedule's); a refused value
    shows the session's again."""

    def __init__(self, model: SessionModel, setter: Callable[[str, Any], bool]) -> None:
        super().__init__()
        _tidy(self)
        self._model = model
        self._setter = setter
        self.widgets: dict[str, Any] = {}

    def rebuild(self, defaults: dict[str, Any], skip: tuple[str, ...] = ()) -> None:
        """Fields for these options (keeping the rows added before them by the caller)."""
        self.widgets = {}
        for key, default in defaults.items():
            if key not in skip:
                _add_row(self, HYPER_TITLES.get(key, key), self._hyper_widget(key, default))

    def clear(self) -> None:
        """Remove every row."""
        while self.rowCount():
            self.removeRow(0)

    def _hyper_widget(self, key: str, default: Any) -> QWidget:
        tip = HYPER_HELP.get(key, key.replace("_", " "))
        setter = self._setter
        if isinstance(default, bool):
            box = QCheckBox()
            box.setToolTip(tip)
            box.clicked.connect(lambda on: setter(key, on))
            self.widgets[key] = box
            return box
        if isinstance(default, tuple):
            row = QWidget()
            layout = QHBoxLayout(row)
            layout.setContentsMargins(0, 0, 0, 0)
            edits = [NumberEdit(v) for v in default]
            for edit in edits:
                edit.setToolTip(tip)
                edit.committed.connect(
                    lambda _, edits=edits: setter(key, tuple(float(e.text()) for e in edits))
                )
                layout.addWidget(edit)
            self.widgets[key] = edits
            return row
        edit = NumberEdit(
            float(default), integer=key in SCHEDULE_OPTIONS and SCHEDULE_OPTIONS[key].integer
        )
        edit.setToolTip(tip)
        edit.committed.connect(lambda value: self._commit(key, value))
        self.widgets[key] = edit
        return edit

    def _commit(self, key: str, value: float) -> None:
        if not self._setter(key, value):
            training = self._model.session.training
            self.fill({**training.optimizer.hyper(), **training.schedule.params()})

    def fill(self, values: dict[str, Any]) -> None:
        """Show these values (without committing them)."""
        for key, widget in self.widgets.items():
            value = values.get(key)
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, list):
                for edit, v in zip(widget, value, strict=True):
                    edit.set_value(float(v))
            elif value is not None:
                widget.set_value(float(value))


class OptimizerForm(QWidget):
    """The chosen optimizer's rule and its parameters (the learning rate is in the top bar)."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = _section_layout(self)
        self.title = _section("OPTIMIZER")
        layout.addWidget(self.title)
        self.form = HyperForm(model, model.set_optimizer_option)
        layout.addLayout(self.form)
        self._shown: str | None = None

    def update_training(self, training: TrainingSpec) -> None:
        """Rebuild the fields when the optimizer changed, then show the values."""
        if training.optimizer.name != self._shown:
            self._shown = training.optimizer.name
            optimizer = OPTIMIZERS[training.optimizer.name]
            self.form.clear()
            self.title.setText(f"OPTIMIZER · {optimizer.title.upper() or optimizer.name}")
            rule = QLabel(optimizer.rule)
            rule.setWordWrap(True)
            rule.setProperty("role", "hint")
            self.form.addRow(rule)
            # lr is in the top bar; the others define the optimizer itself
            self.form.rebuild(optimizer.defaults, skip=("lr", "nesterov", "amsgrad", "decoupled"))
        self.form.fill(training.optimizer.hyper())


class ScheduleForm(QWidget):
    """The learning-rate schedule and its parameters."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = _section_layout(self)
        layout.addWidget(_section("LEARNING-RATE SCHEDULE"))
        self.schedule_box = PreviewCombo(schedule_preview)
        for name, schedule in SCHEDULES.items():
            _add_item(self.schedule_box, name.replace("_", "-"), name, schedule.formula)
        top = QFormLayout()
        _tidy(top)
        _add_row(top, "Schedule", self.schedule_box)
        layout.addLayout(top)
        self.form = HyperForm(model, model.set_schedule_option)
        layout.addLayout(self.form)
        self._shown: str | None = None
        self.schedule_box.activated.connect(
            lambda i: model.set_schedule(self.schedule_box.itemData(i))
        )

    def update_training(self, training: TrainingSpec) -> None:
        """Rebuild the fields when the schedule changed, then show the values."""
        if training.schedule.name != self._shown:
            self._shown = training.schedule.name
            self.form.clear()
            self.form.rebuild(SCHEDULES[training.schedule.name].defaults)
        self.schedule_box.setCurrentIndex(self.schedule_box.findData(training.schedule.name))
        self.form.fill(training.schedule.params())
        schedule = SCHEDULES[training.schedule.name]
        self.schedule_box.setToolTip(
            f"How the learning rate changes over the epochs: {schedule.formula}"
        )


class BatchForm(QWidget):
    """Batch size, shuffling and the loss."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(_section("BATCHES AND LOSS"))
        form = QFormLayout()
        _tidy(form)
        self.batch_size_box = QSpinBox()
        self.batch_size_box.setRange(1, min(MAX_BATCH, 100_000))
        self.batch_size_box.setKeyboardTracking(False)
        self.batch_size_box.setMinimumWidth(70)
        self.batch_size_box.setToolTip(
            "Points per step: 1 is stochastic gradient descent, all "
            "the training points is full-batch gradient descent"
        )
        self.shuffle_box = QCheckBox("every epoch")
        self.shuffle_box.setToolTip("Walk the training points in a new random order every epoch")
        self.loss_box = QComboBox()
        _add_row(form, "Batch size", self.batch_size_box)
        _add_row(form, "Shuffle", self.shuffle_box)
        _add_row(form, "Loss", self.loss_box)
        layout.addLayout(form)
        self.batch_size_box.valueChanged.connect(lambda v: model.set_training(batch_size=int(v)))
        self.shuffle_box.clicked.connect(lambda on: model.set_training(shuffle=on))
        self.loss_box.activated.connect(
            lambda i: model.set_training(loss=self.loss_box.itemData(i))
        )

    def update_training(self, training: TrainingSpec) -> None:
        """Show the batch settings; the losses that fit the problem."""
        network = self._model.session.network
        _set_quietly(self.batch_size_box, training.batch_size)
        self.shuffle_box.setChecked(training.shuffle)
        self.loss_box.clear()
        if network.problem == "classification":
            name = default_loss(network.problem, network.classes)
            self.loss_box.addItem(name.replace("_", " "), None)
            self.loss_box.setEnabled(False)
            self.loss_box.setToolTip(LOSSES[name].formula + " (set by the number of classes)")
        else:
            for name, loss in LOSSES.items():
                if loss.problem == "regression":
                    _add_item(self.loss_box, name.upper(), name, loss.formula)
            self.loss_box.setEnabled(True)
            chosen = training.loss_for(network)
            self.loss_box.setCurrentIndex(max(0, self.loss_box.findData(chosen)))
            self.loss_box.setToolTip(f"Loss minimised for regression: {LOSSES[chosen].formula}")


class ClipForm(QWidget):
    """Gradient clipping: on/off and the maximum norm."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        layout = _section_layout(self)
        self.clip_box = QCheckBox()
        self.clip_box.setToolTip("Clip the gradient's global L2 norm to this value")
        self.clip_edit = NumberEdit(1.0)
        self.clip_edit.setToolTip("Maximum gradient norm")
        clip_row = QHBoxLayout()
        clip_row.setSpacing(8)
        clip_row.addWidget(self.clip_box)
        clip_row.addWidget(self.clip_edit, 1)
        form = QFormLayout()
        _tidy(form)
        _add_row(form, "Clip gradients", clip_row)
        layout.addLayout(form)
        self.clip_box.clicked.connect(self._on_clip_changed)
        self.clip_edit.committed.connect(lambda _: self._on_clip_changed())

    def _on_clip_changed(self) -> None:
        value = float(self.clip_edit.text() or 1.0) if self.clip_box.isChecked() else None
        if value is not None and value <= 0:
            value = 1.0
        self._model.set_training(grad_clip=value)

    def update_training(self, training: TrainingSpec) -> None:
        """Show the clipping setting."""
        self.clip_box.setChecked(training.grad_clip is not None)
        self.clip_edit.setEnabled(training.grad_clip is not None)
        if training.grad_clip is not None:
            self.clip_edit.set_value(training.grad_clip)


class StartStopForm(QWidget):
    """How training starts and stops: initializer, seed, early stopping, standardized inputs."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        layout = _section_layout(self)
        layout.addWidget(_section("START AND STOP"))
        form = QFormLayout()
        _tidy(form)
        self._build_fields()
        _add_row(form, "Initializer", self.init_box)
        _add_row(form, "Seed", self.seed_edit)
        _add_row(form, "Early stopping", self.patience_box)
        _add_row(form, "", self.standardize_box)
        layout.addLayout(form)
        hint = QLabel(
            "Initializer and seed apply on the next reset. Changing the architecture "
            "or the inputs starts training over."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        layout.addWidget(hint)
        self.init_box.activated.connect(
            lambda i: model.set_training(init=self.init_box.itemData(i))
        )
        self.seed_edit.committed.connect(self._on_seed_committed)
        self.patience_box.valueChanged.connect(
            lambda v: model.set_training(early_stopping_patience=int(v))
        )
        self.standardize_box.clicked.connect(model.set_standardize)

    def _build_fields(self) -> None:
        self.init_box = PreviewCombo(initializer_preview)
        for name, initializer in INITIALIZERS.items():
            _add_item(self.init_box, name, name, initializer.formula)
        self.seed_edit = NumberEdit(0, integer=True)
        self.seed_edit.setToolTip("Seed of the weight initialisation, dropout and shuffling")
        self.patience_box = QSpinBox()
        self.patience_box.setRange(0, 100_000)
        self.patience_box.setSpecialValueText("off")
        self.patience_box.setSuffix(" epochs")
        self.patience_box.setKeyboardTracking(False)
        self.patience_box.setMinimumWidth(70)
        self.patience_box.setToolTip(
            "Stop when the validation loss has not improved for this many epochs, and keep "
            "the best weights (without validation points it watches the test loss, which "
            "then no longer measures unseen data fairly)"
        )
        self.standardize_box = QCheckBox("Standardize inputs")
        self.standardize_box.setToolTip(
            "Scale every input feature to mean 0 and standard deviation 1 (resets the network)"
        )

    def _on_seed_committed(self, value: float) -> None:
        if not self._model.set_training(seed=int(value)):
            self.seed_edit.set_value(self._model.session.training.seed)

    def update_training(self, training: TrainingSpec) -> None:
        """Show the start and stop settings."""
        self.init_box.setCurrentIndex(self.init_box.findData(training.init))
        self.init_box.setToolTip(
            f"How the weights start (on the next reset): "
            f"{INITIALIZERS[training.init].formula}; biases start at 0"
        )
        self.seed_edit.set_value(training.seed)
        _set_quietly(self.patience_box, training.early_stopping_patience)


class TrainingSettings(QWidget):
    """The detailed settings form (everything the top bar does not show)."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 12, 4)
        layout.setSpacing(14)
        self.optimizer_section = OptimizerForm(model)
        self.schedule_section = ScheduleForm(model)
        self.batch_form = BatchForm(model)
        self.clip_section = ClipForm(model)
        self.start_section = StartStopForm(model)
        self._forms = (
            self.optimizer_section,
            self.schedule_section,
            self.batch_form,
            self.clip_section,
            self.start_section,
        )
        for form in self._forms:
            layout.addWidget(form if form is self.batch_form else mark_advanced(form))
        layout.addStretch(1)
        # The fields under their old names, for the presentation mode and the tests.
        self.schedule_box = self.schedule_section.schedule_box
        self.init_box, self.seed_edit = self.start_section.init_box, self.start_section.seed_edit
        model.training_changed.connect(self._update_training, self)
        model.network_changed.connect(lambda _: self._update_all(), self)
        model.replaced.connect(lambda _: self._update_all(), self)
        self._update_all()

    @property
    def _hyper_widgets(self) -> dict[str, Any]:
        """The optimizer's and the schedule's fields by option name."""
        return {**self.optimizer_section.form.widgets, **self.schedule_section.form.widgets}

    def _update_all(self) -> None:
        self._update_training(self._model.session.training)
        self.start_section.standardize_box.setChecked(self._model.session.network.standardize)

    def _update_training(self, training: TrainingSpec) -> None:
        for form in self._forms:
            form.update_training(training)


def _set_quietly(box: QSpinBox, value: int) -> None:
    box.blockSignals(True)
    box.setValue(value)
    box.blockSignals(False)


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "section")
    return label


def _section_layout(box: QWidget) -> QVBoxLayout:
    """The layout of one section of the form (a widget, so that it can be hidden as a whole)."""
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(10)
    return layout


def _add_row(form: QFormLayout, text: str, field: QWidget | QHBoxLayout) -> None:
    """A form row whose label has the common width, so that all forms line up."""
    label = QLabel(text)
    label.setMinimumWidth(FORM_LABEL_WIDTH)
    form.addRow(label, field)


def _tidy(form: QFormLayout) -> None:
    form.setContentsMargins(0, 0, 0, 0)
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(8)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
