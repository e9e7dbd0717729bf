"""The step-through inspector and the live gradient view of a main window: the StepModel, its
overlay on the network diagram, its side panel, and the commands that drive them (Step
through, Next stage, Previous stage, Links show gradients).

The panel takes the left column's place as a "Step" tab (the data and training settings are
not needed while inspecting, and the diagram keeps its room); in presentation mode, where that
column is a strip of presets, it is a dock on the right, sharing the notes' place as a tab."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget

from playground.ui.models.step_model import StepModel
from playground.ui.panels.chain_rule import StepPanel
from playground.ui.views.step_overlay import StepOverlay

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

DOCK_TITLE = "One training step"
TAB_TITLE = "Step"


class StepThroughCommand(QObject):
    """Owns the inspector of a window; training pauses while it inspects."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        controller = window.controller
        runner, look = controller.runner, controller.appearance
        self.model = StepModel(controller.model, runner)
        self.overlay = StepOverlay(window.network_panel.diagram, self.model, runner, look)
        self.panel = StepPanel(step=self.model, model=controller.model, runner=runner,
                               appearance=look)  # fmt: skip
        self.dock = QDockWidget(TAB_TITLE, window)  # short: a narrow dock beside the diagram
        self.dock.setObjectName("stepThroughDock")
        window.stage.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self._shown = False
        self.dock.visibilityChanged.connect(self._on_dock_visibility)
        window.output_view.point_picked.connect(self._on_point_picked)
        runner.frame_ready.connect(self.model.on_frame)
        runner.running_changed.connect(self._on_running_changed)
        self.model.changed.connect(lambda _: self._on_changed(), self)
        self.model.notice.connect(controller.notice.emit)
        controller.model.network_changed.connect(lambda _: self.set_active(False), self)
        controller.model.replaced.connect(lambda _: self.set_active(False), self)
        self.panel.picking_changed.connect(self.set_picking)
        self.panel.close_requested.connect(lambda: self.set_active(False))
        look.changed.connect(self._on_look_changed)

    @property
    def shown(self) -> bool:
        """Whether the inspector's panel is open (as a tab or a dock)."""
        return self._shown

    def set_active(self, on: bool) -> None:
        """Open the inspector on the next mini-batch (training pauses), or close it."""
        if on:
            self._show_panel()
            self.set_picking(True)
            if not self.model.active:
                self.model.inspect_next_batch()
        else:
            self.model.close()
            self.set_picking(False)
            self._hide_panel()
        self._sync_action()

    def set_picking(self, on: bool) -> None:
        """A click in the output view picks a point to inspect (instead of drawing one)."""
        self._window.output_view.picking = bool(on)
        self.panel.set_picking(bool(on))

    def next(self) -> None:
        """The next stage."""
        self.model.next()

    def back(self) -> None:
        """The previous stage."""
        self.model.back()

    def set_link_gradients(self, on: bool) -> None:
        """Colour the diagram's links by ∂L/∂w (averaged over recent batches) while training."""
        self._window.controller.runner.worker.set_gradient_view(bool(on))
        self.overlay.set_gradients(bool(on))

    # ----- events -----------------------------------------------------------------------------

    def _on_point_picked(self, x: float, y: float, reach: float) -> None:
        if self.model.pick(x, y, reach):
            self._show_panel()
            self._sync_action()

    def _show_panel(self) -> None:
        """The panel as the left column's Step tab, or (presenting) a dock on the right."""
        window = self._window
        tabs = window.left_tabs
        self._shown = True
        if window.presenting:
            self._remove_tab()
            if self.dock.widget() is not self.panel:
                self.dock.setWidget(self.panel)
            notes = window.notes_panel
            if not self.dock.isVisible() and notes.isVisible() and not notes.isFloating():
                window.stage.tabifyDockWidget(notes, self.dock)
            self.dock.show()
            self.dock.raise_()
            return
        self.dock.hide()
        if tabs.indexOf(self.panel) < 0:
            tabs.addTab(self.panel, TAB_TITLE)
            tabs.setTabToolTip(tabs.indexOf(self.panel), DOCK_TITLE)
        self.panel.show()
        tabs.setCurrentWidget(self.panel)

    def _hide_panel(self) -> None:
        self._shown = False
        self._remove_tab()
        self.dock.hide()

    def _remove_tab(self) -> None:
        tabs = self._window.left_tabs
        index = tabs.indexOf(self.panel)
        if index >= 0:
            was_current = tabs.currentIndex() == index
            tabs.removeTab(index)
            if was_current:
                tabs.setCurrentIndex(0)

    def _on_look_changed(self, _: object) -> None:
        if self._shown:  # presentation mode moves the panel between the tab and the dock
            self._show_panel()

    def _on_changed(self) -> None:
        model = self.model
        self._window.output_view.highlight_points(model.point_indices if model.active else None)

    def _on_running_changed(self, playing: bool) -> None:
        if playing and self.model.active:  # Play ends the inspection: its step is gone
            self.set_active(False)

    def _on_dock_visibility(self, visible: bool) -> None:
        """The dock's close button (presentation mode) closes the inspector; a dock tabbed
        behind the notes is still open."""
        window = self._window
        if not visible and self.dock.isHidden() and self._shown and window.presenting:
            if not window.isMinimized():
                self.set_active(False)

    def _sync_action(self) -> None:
        action = getattr(self._window, "commands", {}).get("step_through")
        if action is not None:
            action.setChecked(self._shown)


__all__ = ["StepThroughCommand"]
