"""The step-through's side panel: the stages (Forward, Loss, Backward, Update) with Back and
Next, what the stage does with this step's numbers, the chain rule of the selected link, and in
the update stage the weight's step with the optimizer's state and the output before and after."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from playground.ui.controller import label_range
from playground.ui.models.session_model import SessionModel
from playground.ui.models.step_model import STAGE_TITLES, STAGES, StepModel
from playground.ui.models.step_texts import (
    chain_rule_text,
    link_update_text,
    number,
    stage_text,
)
from playground.ui.models.training_runner import TrainingRunner
from playground.ui.views.step_boundary import BoundaryPair
from playground.ui.widgets.appearance import Appearance, Look

TEXT_POINTS = 10.5
PICTURE_PIXELS = 116
LINK_HINT = "Click a link on the diagram for its chain rule."
COMPACT_BUTTON = "QPushButton { padding-left: 3px; padding-right: 3px; }"


class StepPanel(QWidget):
    """Shows a StepModel; its buttons drive it (and the window's keys do the same)."""

    picking_changed = Signal(bool)  # the output view picks points instead of drawing
    close_requested = Signal()

    def __init__(
        self,
        *,
        step: StepModel,
        model: SessionModel,
        runner: TrainingRunner,
        appearance: Appearance,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._step, self._model, self._runner = step, model, runner
        self._look = appearance.look
        self._build()
        step.changed.connect(lambda _: self._update(), self)
        appearance.changed.connect(self._apply_look)
        self._apply_look(self._look)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 6, 2, 6)
        self.title = QLabel()
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self._stages = QGridLayout()
        self.stage_group = QButtonGroup(self)
        self.stage_buttons: list[QPushButton] = []
        for index, name in enumerate(STAGES):
            button = QPushButton(STAGE_TITLES[name])
            button.setCheckable(True)
            button.setStyleSheet(COMPACT_BUTTON)
            self.stage_group.addButton(button, index)
            self.stage_buttons.append(button)
        self.stage_group.idClicked.connect(self._step.set_stage)
        layout.addLayout(self._stages)
        self._rows = (QHBoxLayout(), QHBoxLayout())  # Back, Next … Close; Next batch, Pick
        for row in self._rows:
            layout.addLayout(row)
        self._transport_buttons()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        text = QVBoxLayout(body)
        text.setContentsMargins(0, 0, 0, 0)
        self.stage_label, self.link_label = self._text_label(), self._text_label()
        text.addWidget(self.stage_label)
        text.addWidget(self.link_label)
        self.boundary = BoundaryPair()
        text.addWidget(self.boundary)
        self.take_button = QPushButton("Take this step")
        self.take_button.setToolTip(
            "Training takes this very step (one mini-batch), then the next one is traced"
        )
        self.take_button.clicked.connect(self._step.take_step)
        text.addWidget(self.take_button)
        text.addStretch(1)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)

    def _transport_buttons(self) -> None:
        self.back_button = QPushButton("◀ Back")
        self.back_button.setToolTip("The previous stage (, or Page Up)")
        self.back_button.clicked.connect(self._step.back)
        self.next_button = QPushButton("Next ▶")
        self.next_button.setToolTip("The next stage (. or Page Down)")
        self.next_button.clicked.connect(self._step.next)
        self.batch_button = QPushButton("Next batch")
        self.batch_button.setToolTip("Trace the step training takes next: its next mini-batch")
        self.batch_button.clicked.connect(self._step.inspect_next_batch)
        self.pick_button = QPushButton("Pick a point")
        self.pick_button.setCheckable(True)
        self.pick_button.setToolTip(
            "Click a training point in the output view to trace a step on it alone "
            "(Alt+click works any time)"
        )
        self.pick_button.toggled.connect(self.picking_changed)
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Close the inspector (I toggles it)")
        self.close_button.clicked.connect(self.close_requested)

    def _place_buttons(self, presenting: bool) -> None:
        """The stages in a row over Back, Next … Close and Next batch, Pick a point; presenting
        (large text in a narrow dock beside the diagram) every button in two columns."""
        for box in (self._stages, *self._rows):
            while box.count():
                box.takeAt(0)
        transport = (self.back_button, self.next_button, self.batch_button, self.pick_button)
        for button in (*transport, self.close_button):
            button.setStyleSheet(COMPACT_BUTTON if presenting else "")
        if presenting:  # Forward Loss / Backward Update / Back Next / Pick / Next batch Close
            for index, button in enumerate((*self.stage_buttons, *transport[:2])):
                self._stages.addWidget(button, index // 2, index % 2)
            self._stages.addWidget(self.pick_button, 3, 0, 1, 2)
            self._stages.addWidget(self.batch_button, 4, 0)
            self._stages.addWidget(self.close_button, 4, 1)
            return
        for index, button in enumerate(self.stage_buttons):
            self._stages.addWidget(button, 0, index)
        first, second = self._rows
        for button in (self.back_button, self.next_button):
            first.addWidget(button)
        first.addStretch(1)
        first.addWidget(self.close_button)
        for button in (self.batch_button, self.pick_button):
            second.addWidget(button)
        second.addStretch(1)

    def _text_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        return label

    def _apply_look(self, look: Look) -> None:
        self._look = look
        self._place_buttons(look.presentation)
        font = QFont(self.font())
        font.setPointSizeF(look.pt(TEXT_POINTS))
        for label in (self.stage_label, self.link_label, self.title):
            label.setFont(font)
        self._update()

    # ----- model → view ---------------------------------------------------------------------

    def _update(self) -> None:
        step = self._step
        trace = step.trace
        for index, button in enumerate(self.stage_buttons):
            button.setEnabled(trace is not None)
            button.setChecked(trace is not None and index == step.stage)
        self.back_button.setEnabled(trace is not None and step.stage > 0)
        self.next_button.setEnabled(trace is not None and step.stage < len(STAGES) - 1)
        self.boundary.setVisible(trace is not None and step.stage_name == "update")
        self.take_button.setVisible(
            trace is not None and step.stage_name == "update" and step.next_batch_mode
        )
        if trace is None:
            self.title.setText(
                "Waiting for training to pause…"
                if step.waiting
                else "Pick a training point (Alt+click, or Pick a point) or trace the next batch."
            )
            self.stage_label.clear()
            self.link_label.clear()
            return
        state = step.trainer_state
        self.title.setText(self._title())
        self.stage_label.setText(stage_text(trace, step.stage_name, state.network, state.training))
        self.link_label.setText(self._link_text())
        if step.stage_name == "update":
            self.boundary.show_step(
                trace,
                state,
                self._runner.grid,
                label_range(self._model.session.points),
                self._look.palette,
                max(48, min(self._look.px(PICTURE_PIXELS), (self.width() - 24) // 2)),
            )

    def _title(self) -> str:
        trace, state = self._step.trace, self._step.trainer_state
        n = trace.indices.size
        epoch = f"epoch {state.epoch}"
        if n > 1:
            return f"<b>One training step</b> on the next mini-batch ({n} points), {epoch}"
        x1, x2 = state.data.train_xy[trace.indices[0]]
        label = trace.explanation.targets[0]
        target = (
            f"class {int(label)}" if state.network.problem == "classification" else number(label)
        )
        return (
            f"<b>One training step</b> on the point ({number(x1)}, {number(x2)}), {target}, {epoch}"
        )

    def _link_text(self) -> str:
        step = self._step
        if step.link is None:
            return f"<i>{LINK_HINT}</i>"
        state = step.trainer_state
        text = chain_rule_text(step.trace, step.link, state.network)
        if step.stage_name == "update":
            text += "<br>" + link_update_text(step.trace, step.link, state.training)
        return text

    def set_picking(self, on: bool) -> None:
        """Check or uncheck Pick a point (without the window asking back)."""
        self.pick_button.setChecked(on)
