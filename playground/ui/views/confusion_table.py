"""A confusion matrix as a table: rows the true class, columns the predicted one, each cell its
count on a tint (green on the diagonal, red off it, deeper for a larger share of the row);
clicking a cell chooses it."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.ui.widgets.appearance import Look

RIGHT = QColor(46, 160, 67)
WRONG = QColor(215, 58, 73)
CHOSEN = QColor(255, 212, 0)


def _tint(color: QColor, share: float) -> QColor:
    """The colour at `share` (0..1) of its strength over white."""
    strength = 0.12 + 0.6 * share if share > 0 else 0.0
    return QColor(
        round(255 + (color.red() - 255) * strength),
        round(255 + (color.green() - 255) * strength),
        round(255 + (color.blue() - 255) * strength),
    )


def _swatch(rgb: tuple[int, ...], size: int) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(*rgb[:3]))
    return QIcon(pixmap)


class ConfusionTable(QTableWidget):
    """counts[true, predicted] of one split (rows: the true class, columns: the predicted
    one); `cell_chosen(true, predicted)` on a click."""

    cell_chosen = Signal(int, int)  # (true class, predicted class)

    def __init__(self, split: str) -> None:
        super().__init__()
        self.split = split
        self.counts = np.zeros((0, 0), np.int64)
        self.chosen: tuple[int, int] | None = None
        self._look = Look()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCornerButtonEnabled(False)
        self.setMinimumSize(40, 40)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            header.setHighlightSections(False)
            header.setMinimumSectionSize(12)  # 8 classes in a small panel: no scroll bars
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setToolTip("Rows: the true class · columns: the class the network predicts")
        self.cellClicked.connect(lambda row, column: self.cell_chosen.emit(row, column))

    def apply_look(self, look: Look) -> None:
        """Fonts and swatches for the look."""
        self._look = look
        font = QFont()
        font.setPointSizeF(look.pt(9))
        self.setFont(font)
        self.show_counts(self.counts)

    def show_counts(self, counts: npt.NDArray[np.int64]) -> None:
        """Fill the table with counts (C, C)."""
        self.counts = np.asarray(counts, np.int64)
        classes = self.counts.shape[0]
        if self.rowCount() != classes:
            self.setRowCount(classes)
            self.setColumnCount(classes)
        swatch = self._look.px(10)
        for c in range(classes):
            icon = _swatch(self._look.colors.classes[c], swatch)
            self.setVerticalHeaderItem(c, QTableWidgetItem(icon, str(c)))
            self.setHorizontalHeaderItem(c, QTableWidgetItem(icon, str(c)))
        rows = np.maximum(self.counts.sum(axis=1), 1)
        for true in range(classes):
            for guess in range(classes):
                count = int(self.counts[true, guess])
                self._fill(true, guess, count, count / rows[true])

    def _fill(self, true: int, guess: int, count: int, share: float) -> None:
        item = self.item(true, guess)
        if item is None:
            item = QTableWidgetItem()
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.setItem(true, guess, item)
        item.setText(str(count))
        color = _tint(RIGHT if true == guess else WRONG, float(share))
        if self.chosen == (true, guess):
            color = CHOSEN
        item.setBackground(QBrush(color))
        tip = "right" if true == guess else "wrong"
        item.setToolTip(
            f"{count} {self.split} points of class {true} predicted as {guess} ({tip}); "
            "click to ring them on the output view"
        )

    def choose(self, cell: tuple[int, int] | None) -> None:
        """Mark a cell as chosen (None: none)."""
        self.chosen = cell
        self.show_counts(self.counts)


TITLES = {"train": "Train", "validation": "Valid.", "test": "Test"}  # short: narrow columns
CELL_PIXELS = 24  # the narrowest readable cell (scaled by the look)


class ConfusionMatrices(QWidget):
    """One table per split that has points (train, validation, test), side by side when they
    fit; in a narrow panel only the split whose button is checked. `cell_chosen(split, true,
    predicted)` on a click."""

    cell_chosen = Signal(str, int, int)

    def __init__(self, splits: tuple[str, ...]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.shown: tuple[str, ...] = ()
        self._look = Look()
        buttons, tables = QHBoxLayout(), QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        tables.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QToolButton] = {}
        self.tables: dict[str, ConfusionTable] = {}
        for split in splits:
            self.buttons[split] = button = QToolButton()
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            button.setToolTip(f"{split.capitalize()} points predicted right (click: show them)")
            button.toggled.connect(lambda _: self._arrange())
            self.group.addButton(button)
            buttons.addWidget(button, 1)
            self.tables[split] = table = ConfusionTable(split)
            table.cell_chosen.connect(lambda t, g, s=split: self.cell_chosen.emit(s, t, g))
            tables.addWidget(table, 1)
        self.buttons[splits[0]].setChecked(True)
        layout.addLayout(buttons)
        layout.addLayout(tables, 1)

    def apply_look(self, look: Look) -> None:
        """Fonts for the look."""
        self._look = look
        for table in self.tables.values():
            table.apply_look(look)
        self._arrange()

    def show_counts(self, counts: dict[str, npt.NDArray[np.int64]]) -> None:
        """Fill the tables of the splits in `counts` (the others are hidden)."""
        self.shown = tuple(split for split in self.tables if split in counts)
        for split in self.shown:
            self.tables[split].show_counts(counts[split])
            right, total = int(np.trace(counts[split])), int(counts[split].sum())
            self.buttons[split].setText(f"{TITLES[split]} {right}/{total}")
        self._arrange()

    def choose(self, split: str | None, cell: tuple[int, int] | None) -> None:
        """Mark one split's cell as chosen (None: none), showing that split."""
        for name, table in self.tables.items():
            table.choose(cell if name == split else None)
        if split is not None and not self.tables[split].isVisible():
            self.buttons[split].setChecked(True)

    def _arrange(self) -> None:
        """All shown splits side by side if their cells fit, else the checked one alone."""
        if not self.shown:
            return
        if not any(self.buttons[split].isChecked() for split in self.shown):
            self.buttons[self.shown[0]].setChecked(True)
        classes = self.tables[self.shown[0]].rowCount()
        need = len(self.shown) * (classes + 1) * self._look.px(CELL_PIXELS)
        all_fit = self.width() >= need
        for split, table in self.tables.items():
            present = split in self.shown
            self.buttons[split].setVisible(present)
            table.setVisible(present and (all_fit or self.buttons[split].isChecked()))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._arrange()


__all__ = ["ConfusionMatrices", "ConfusionTable"]
