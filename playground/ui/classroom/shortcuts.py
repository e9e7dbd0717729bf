"""The one registry of the window's commands: menu text, keys, cheat-sheet group and help.

`make_action` turns an entry into a QAction (text, every key, tooltip, checkable) added to the
window, so its keys work even with the menu bar hidden; the cheat sheet (F1 or ?) is generated
from the same registry. Keys without Ctrl or Alt work everywhere in the window except while you
type in a text field: there the field gets the key (TypingGuard), and Esc leaves the field.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from playground.data.generators import DATASETS
from playground.ui.classroom.figures import FIGURES
from playground.ui.widgets import colors


@dataclass(frozen=True)
class Shortcut:
    """A window command: its menu text, keys (the first is shown in menus), cheat-sheet group
    and a one-line help that also becomes the action's tooltip."""

    name: str
    text: str
    keys: tuple[str, ...] = ()
    group: str = "General"
    help: str = ""
    checkable: bool = False


PRESET_KEYS = tuple(str(i) for i in range(1, 10))

_ENTRIES: tuple[Shortcut, ...] = (
    # Training
    Shortcut("play", "&Play / pause", ("Space",), "Training", "Start or pause training"),
    Shortcut(
        "step_epoch", "&Step one epoch", ("Right",), "Training", "Train one epoch, then pause"
    ),
    Shortcut(
        "step_batch",
        "Step one &batch",
        ("Shift+Right",),
        "Training",
        "Train one mini-batch, then pause",
    ),
    Shortcut(
        "reset",
        "&Reset",
        ("R", "Ctrl+R"),
        "Training",
        "Start over from new initial weights (initializer and seed)",
    ),
    Shortcut(
        "lr_up",
        "Learning rate &up",
        ("+", "="),
        "Training",
        "Next learning rate on the ladder 0.00001, 0.0001, 0.001, 0.003 … 3, 10",
    ),
    Shortcut(
        "lr_down", "Learning rate &down", ("-",), "Training", "Previous learning rate on the ladder"
    ),
    Shortcut(
        "record_gif",
        "Record &GIF…",
        ("Ctrl+G",),
        "Training",
        "Record the decision boundary while it trains; stop to write the GIF",
        checkable=True,
    ),
    Shortcut(
        "race",
        "Optimizer &race…",
        ("Ctrl+Shift+R",),
        "Training",
        "Race 2–6 optimizers (or learning rates) from the same start: paths, curves, boundaries",
    ),
    Shortcut(
        "step_through",
        "Step &through a training step",
        ("I",),
        "Step-through",
        "One training step, stage by stage, on the diagram (training pauses)",
        checkable=True,
    ),
    Shortcut("step_next", "Next stage", (".", "PgDown"), "Step-through", "The next stage"),
    Shortcut("step_back", "Previous stage", (",", "PgUp"), "Step-through", "The previous stage"),
    # Data
    *(
        Shortcut(f"preset_{key}", f"&{key}  {info.title}", (key,), "Data sets", info.title)
        for key, info in zip(PRESET_KEYS, DATASETS.values(), strict=False)
    ),
    Shortcut("undo", "&Undo", ("Ctrl+Z",), "Data", "Undo the last data edit"),
    Shortcut("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Data", "Redo the data edit undone"),
    Shortcut("clear_points", "&Clear points", (), "Data", "Remove every point (undoable)"),
    # View
    Shortcut(
        "show_test",
        "Show &test data",
        ("T",),
        "View",
        "Show or hide the test points (rings)",
        checkable=True,
    ),
    Shortcut(
        "discretize",
        "&Discretize output",
        ("D",),
        "View",
        "Show the decision as flat colours instead of probabilities",
        checkable=True,
    ),
    Shortcut(
        "link_gradients",
        "Links show &gradients",
        ("G",),
        "Step-through",
        "Links coloured by ∂L/∂w (recent batches) instead of w, live",
        checkable=True,
    ),
    Shortcut("reset_zoom", "&Reset zoom", ("Ctrl+0",), "View", "Show the whole data square"),
    Shortcut(
        "presentation",
        "&Presentation mode",
        ("F5",),
        "View",
        "Large text, thick lines, high contrast, advanced controls hidden",
        checkable=True,
    ),
    Shortcut("full_screen", "&Full screen", ("F11",), "View", "Fill the screen", checkable=True),
    Shortcut(
        "leave", "Leave presentation and full screen", ("Esc",), "View", "Back to the normal window"
    ),
    *(
        Shortcut(
            f"palette_{name}",
            f"{p.title} colours",
            (),
            "View",
            f"Colour the data, the heatmaps and the weights with the {p.title.lower()} palette",
            checkable=True,
        )
        for name, p in colors.PALETTES.items()
    ),
    # Lessons and help
    Shortcut(
        "lessons",
        "Choose a &lesson…",
        ("L",),
        "Lessons",
        "Open a lesson: a prepared session with notes",
    ),
    Shortcut(
        "notes", "Lesson &notes", ("N",), "Lessons", "Show or hide the notes panel", checkable=True
    ),
    Shortcut("cheat_sheet", "&Keyboard shortcuts", ("F1", "?"), "Help", "This list of keys"),
    # Files
    Shortcut("new", "&New session", ("Ctrl+N",), "File", "Start from the default session"),
    Shortcut("open", "&Open…", ("Ctrl+O",), "File", "Open a session file"),
    Shortcut("save", "&Save", ("Ctrl+S",), "File", "Save the session with its weights"),
    Shortcut("save_as", "Save &as…", ("Ctrl+Shift+S",), "File", "Save the session to a new file"),
    Shortcut(
        "import_csv",
        "&Import data (CSV)…",
        (),
        "File",
        "Replace the points with a CSV file's (x1, x2, label[, split])",
    ),
    Shortcut("export_csv", "&Export data (CSV)…", (), "File", "Write the points as CSV"),
    Shortcut(
        "export_model",
        "Export &model (JSON, NPZ, ONNX)…",
        ("Ctrl+E",),
        "File",
        "Export the trained network",
    ),
    *(
        Shortcut(
            f"figure_{name}",
            f"{figure.title}…",
            figure.keys,
            "File",
            f"Save the {figure.title.lower()} as a {figure.width}×{figure.height} PNG",
        )
        for name, figure in FIGURES.items()
    ),
    Shortcut("quit", "&Quit", ("Ctrl+Q",), "File", "Close the playground"),
)

SHORTCUTS: dict[str, Shortcut] = {s.name: s for s in _ENTRIES}

KEY_NAMES = {"Right": "→", "Left": "←", "Up": "↑", "Down": "↓", "Esc": "Esc",
             "Space": "Space"}  # fmt: skip


def key_text(key: str) -> str:
    """How a key reads on the cheat sheet and in tooltips: 'Shift+→', 'Ctrl+Z', '?'."""
    if key in ("+", "-", "=", "?"):
        return {"-": "−"}.get(key, key)
    parts = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText).split("+")
    return "+".join(KEY_NAMES.get(part, part) for part in parts)


def keys_text(shortcut: Shortcut) -> str:
    """Every key of a command, as read: 'R or Ctrl+R'."""
    return " or ".join(key_text(key) for key in shortcut.keys)


def make_action(window: QWidget, name: str, slot: Callable[..., object]) -> QAction:
    """The QAction of a registered command, added to `window` (its keys work there even when
    the menu bar is hidden); checkable actions pass their state to slot."""
    shortcut = SHORTCUTS[name]
    action = QAction(shortcut.text, window)
    action.setObjectName(f"action_{name}")
    action.setData(name)
    action.setShortcuts([QKeySequence(key) for key in shortcut.keys])
    tip = shortcut.help or shortcut.text.replace("&", "")
    if shortcut.keys:
        tip += f" ({keys_text(shortcut)})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.setCheckable(shortcut.checkable)
    if shortcut.checkable:
        action.triggered.connect(slot)
    else:
        action.triggered.connect(lambda _=False: slot())
    window.addAction(action)
    return action


def tip_with_keys(text: str, name: str) -> str:
    """A control's tooltip followed by the keys of the command it shares."""
    shortcut = SHORTCUTS[name]
    return f"{text} ({keys_text(shortcut)})" if shortcut.keys else text


# ----- typing in text fields --------------------------------------------------------------------

_EDITING_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down,
                 Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Backspace, Qt.Key.Key_Delete,
                 Qt.Key.Key_Space}  # fmt: skip
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


def is_text_field(widget: QWidget | None) -> bool:
    """Whether the widget takes typed text: an editable line edit, spin box, combo or text edit."""
    if widget is None:
        return False
    if isinstance(widget, QLineEdit):
        return not widget.isReadOnly()
    if isinstance(widget, QAbstractSpinBox):
        return not widget.isReadOnly()
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return not widget.isReadOnly()
    return False


def is_typing_key(event: QKeyEvent) -> bool:
    """A key that edits text: printable or a cursor key, without Ctrl, Alt or Meta."""
    if event.modifiers() & _COMMAND_MODIFIERS:
        return False
    text = event.text()
    return (bool(text) and text.isprintable()) or Qt.Key(event.key()) in _EDITING_KEYS


class TypingGuard(QObject):
    """An application event filter: while a text field has the focus, keys that type (Space,
    digits, letters, +, −, arrows) go to the field instead of triggering shortcuts; Esc hands
    the keys back to the window."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        focus = QApplication.focusWidget()
        if watched is not focus or not is_text_field(focus) or focus.window() is not self._window:
            return False
        if event.key() == Qt.Key.Key_Escape:
            focus.clearFocus()  # leave the field: keys are the window's again
            event.accept()
            return True
        if kind == QEvent.Type.ShortcutOverride and is_typing_key(event):
            event.accept()  # the field wants the key: no shortcut
            return True
        return False


# ----- the cheat sheet --------------------------------------------------------------------------

# The cheat sheet's columns, each a list of groups (a group not named here goes last).
CHEAT_SHEET_COLUMNS = (
    ("Training", "Step-through"),
    ("Data sets", "Data", "Lessons", "Help"),
    ("View", "File"),
)


def cheat_sheet_html() -> str:
    """Every command that has keys, grouped in columns, as HTML (generated from SHORTCUTS)."""
    groups: dict[str, list[Shortcut]] = {}
    for shortcut in SHORTCUTS.values():
        if shortcut.keys:
            groups.setdefault(shortcut.group, []).append(shortcut)
    named = [group for column in CHEAT_SHEET_COLUMNS for group in column]
    columns = [list(column) for column in CHEAT_SHEET_COLUMNS]
    columns[-1] += [group for group in groups if group not in named]

    def table(group: str) -> str:
        rows = "".join(
            f"<tr><td style='padding:2px 14px 2px 0; white-space:nowrap'><b>"
            f"{'<br>'.join(html.escape(key_text(k)) for k in s.keys)}</b></td>"
            f"<td style='padding:2px 0'>{html.escape(s.help or s.text.replace('&', ''))}"
            f"</td></tr>"
            for s in groups[group]
        )
        return (
            f"<h3 style='margin:10px 0 4px 0'>{html.escape(group)}</h3>"
            f"<table cellspacing='0'>{rows}</table>"
        )

    cells = "".join(
        f"<td valign='top' width='{100 // len(columns)}%' style='padding-right:28px'>"
        f"{''.join(table(g) for g in column if g in groups)}</td>"
        for column in columns
    )
    note = (
        "Keys without Ctrl work anywhere in the window except while you type in a field; "
        "Esc leaves the field."
    )
    return f"<table width='100%'><tr>{cells}</tr></table><p><i>{html.escape(note)}</i></p>"


class CheatSheet(QDialog):
    """The keyboard shortcuts, generated from the registry (F1 or ? opens it, again closes)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        self.label = QLabel(cheat_sheet_html())
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setContentsMargins(8, 0, 8, 0)
        self.label.setMinimumSize(1, 1)  # its height follows its width (not a narrow guess)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setWidget(self.label)
        layout.addWidget(self.area, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.close)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setToolTip("Close this list (Esc)")
        layout.addWidget(self.buttons)
        for name in ("cheat_sheet",):
            action = QAction(self)
            action.setShortcuts([QKeySequence(k) for k in SHORTCUTS[name].keys])
            action.triggered.connect(self.close)
            self.addAction(action)

    def text_height(self, width: int) -> int:
        """The height of the list laid out `width` pixels wide (the label's own margins in)."""
        document = QTextDocument()
        document.setDefaultFont(self.label.font())
        document.setDocumentMargin(0)
        document.setHtml(self.label.text())
        margins = self.label.contentsMargins()
        document.setTextWidth(width - margins.left() - margins.right())
        return math.ceil(document.size().height()) + margins.top() + margins.bottom()

    def fit_to(self, window: QWidget) -> None:
        """A size that shows the whole list at the current font size, within the window and
        the screen (no scrolling unless the screen is too small for it)."""
        self.ensurePolished()
        em = self.fontMetrics().horizontalAdvance("M")
        room = window.frameGeometry().size()
        screen = window.screen().availableGeometry() if window.screen() is not None else None
        if screen is not None:
            room = room.boundedTo(screen.size())
        frame = 40  # the window manager's title bar and borders
        margins = self.layout().contentsMargins()
        width = min(round(em * 90), room.width() - 20)
        inner = width - margins.left() - margins.right()
        height = (
            self.text_height(inner)
            + margins.top()
            + margins.bottom()
            + self.layout().spacing()
            + self.buttons.sizeHint().height()
            + 6
        )
        self.resize(width, min(height, room.height() - frame))


__all__ = [
    "CheatSheet",
    "PRESET_KEYS",
    "SHORTCUTS",
    "Shortcut",
    "TypingGuard",
    "is_text_field",
    "key_text",
    "keys_text",
    "make_action",
    "tip_with_keys",
]
