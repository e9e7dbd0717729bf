"""A tab's view with a Big button (the hidden space, the loss landscape) that opens big where
the panel under the output view leaves its plot too little room: at 1280×720 that panel is a
strip of ~45 px, so the view takes the output view's place at once (its Big button checked),
and gives it back when another tab is chosen. A tall window keeps both; Big stays the user's
to uncheck."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractButton, QWidget

from playground.ui.widgets.appearance import Appearance, Look

BIG_BELOW = 160  # opened with less room than this for the plot: shown big at once


class OpensBig(QObject):
    """Watches a view's show and hide: shown (a tab chosen) with less than `below` pixels
    (presentation mode: scaled) for the plot under its first row of controls, it checks
    `button`; hidden (another tab), it unchecks it (the output view comes back)."""

    def __init__(
        self,
        view: QWidget,
        button: QAbstractButton,
        appearance: Appearance,
        below: int = BIG_BELOW,
    ) -> None:
        super().__init__(view)
        self._view, self._button, self.below = view, button, below
        self._look = appearance.look
        appearance.changed.connect(self._set_look)
        view.installEventFilter(self)

    def _set_look(self, look: Look) -> None:
        self._look = look

    def room(self) -> int:
        """The plot's height as the tab opens: in the panel's stack (laid out already; the
        view may not be yet), under the view's first row (its choices and Big)."""
        view = self._view
        area = view.parentWidget() or view
        layout = view.layout()
        row = layout.itemAt(0).sizeHint().height() if layout.count() else 0
        return area.height() - max(row, self._button.sizeHint().height()) - layout.spacing()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self._view and not event.spontaneous():
            if event.type() == QEvent.Type.Show and self.room() < self._look.px(self.below):
                self._button.setChecked(True)  # a squeezed plot is no use: the output's place
            elif event.type() == QEvent.Type.Hide:
                self._button.setChecked(False)
        return False
