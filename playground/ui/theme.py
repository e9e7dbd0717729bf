"""The light theme: palette, fonts and one style sheet for the whole app (projector friendly)."""

from __future__ import annotations

import getpass
import tempfile
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette, QPolygonF
from PySide6.QtWidgets import QApplication

# Neutral UI colours (the data colours live in colors.py).
BACKGROUND = "#f3f5f8"
SURFACE = "#ffffff"
BORDER = "#dfe4ea"
BORDER_STRONG = "#c9d1da"
TEXT = "#1f2933"
TEXT_MUTED = "#667380"
TEXT_FAINT = "#98a3ae"
ACCENT = "#1f6fd1"
ACCENT_SOFT = "#e7f0fb"
DARK = "#24313d"
WARNING_BG = "#fff4e5"
WARNING_BORDER = "#f5b45c"
INFO_BG = "#eaf3fc"
INFO_BORDER = "#8ab9ea"

FONT_FAMILIES = ["Inter", "Segoe UI", "SF Pro Text", "Helvetica Neue", "Cantarell", "Noto Sans",
                 "Ubuntu", "DejaVu Sans", "Arial"]  # fmt: skip
BASE_POINT_SIZE = 10

STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {BACKGROUND}; }}
QWidget {{ color: {TEXT}; }}
QToolTip {{ background: {DARK}; color: white; border: none; padding: 5px 8px;
            border-radius: 4px; }}
QFrame#card {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 10px; }}
QFrame#topBar {{ background: {SURFACE}; border-bottom: 1px solid {BORDER}; }}
QLabel[role="section"] {{ color: {TEXT_MUTED}; font-weight: 700; letter-spacing: 1px;
                          font-size: 8.5pt; }}
QLabel[role="caption"] {{ color: {TEXT_MUTED}; font-size: 8.5pt; }}
QLabel[role="hint"] {{ color: {TEXT_FAINT}; font-size: 8.5pt; }}
QLabel[role="value"] {{ color: {TEXT}; font-weight: 600; }}
QLabel[role="big"] {{ color: {TEXT}; font-size: 20pt; font-weight: 300; }}
QLabel[role="metric"] {{ color: {TEXT}; font-size: 11pt; font-weight: 600; }}

QPushButton, QToolButton {{ background: {SURFACE}; border: 1px solid {BORDER_STRONG};
    border-radius: 6px; padding: 4px 10px; min-height: 20px; }}
QPushButton:hover, QToolButton:hover {{ background: #f2f5f8; border-color: #b3bec9; }}
QPushButton:pressed, QToolButton:pressed {{ background: #e6ebf0; }}
QPushButton:checked, QToolButton:checked {{ background: {ACCENT_SOFT}; border-color: {ACCENT};
    color: {ACCENT}; }}
QPushButton:disabled, QToolButton:disabled {{ color: {TEXT_FAINT}; border-color: {BORDER}; }}
QToolButton#roundButton {{ border-radius: 18px; padding: 0; min-width: 36px; min-height: 36px;
    max-width: 36px; max-height: 36px; }}
QToolButton#playButton {{ background: {DARK}; border: none; border-radius: 26px; padding: 0;
    min-width: 52px; min-height: 52px; max-width: 52px; max-height: 52px; }}
QToolButton#playButton:hover {{ background: #33475a; }}
QToolButton#playButton:checked {{ background: {ACCENT}; }}
QToolButton#miniButton {{ padding: 0; min-width: 22px; max-width: 22px; min-height: 22px;
    max-height: 22px; border-radius: 11px; font-weight: 700; }}
QToolButton#layerOptions {{ padding: 2px 4px; font-size: 8.5pt; color: {TEXT_MUTED};
    min-height: 18px; }}
QToolButton#layerOptions::menu-indicator {{ image: none; width: 0; }}
LayerCard QComboBox {{ font-size: 9pt; padding: 1px 4px; }}
QToolButton#galleryButton {{ padding: 2px; border: 2px solid transparent; border-radius: 8px;
    background: transparent; min-width: 64px; min-height: 64px; max-width: 64px;
    max-height: 64px; }}
QToolButton#galleryButton:hover {{ border-color: {BORDER_STRONG}; }}
QToolButton#galleryButton:checked {{ border-color: {TEXT}; background: transparent; }}
QToolButton#swatch {{ padding: 2px; border: 2px solid transparent; border-radius: 6px;
    background: transparent; min-width: 26px; min-height: 26px; }}
QToolButton#swatch:checked {{ border-color: {TEXT}; background: #eef1f4; }}

QComboBox, QSpinBox, QDoubleSpinBox, QLineEdit {{ background: {SURFACE};
    border: 1px solid {BORDER_STRONG}; border-radius: 6px; padding: 2px 6px; min-height: 22px;
    selection-background-color: {ACCENT}; }}
QComboBox:hover, QSpinBox:hover, QDoubleSpinBox:hover {{ border-color: #aab6c2; }}
QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus, QLineEdit:focus {{
    border-color: {ACCENT}; }}
QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right;
    border: none; width: 18px; }}
QComboBox::down-arrow {{ image: url({{arrow_down}}); width: 10px; height: 10px; }}
QComboBox::down-arrow:disabled {{ image: none; }}
QSpinBox, QDoubleSpinBox {{ padding-right: 18px; }}
QSpinBox::up-button, QDoubleSpinBox::up-button {{ subcontrol-origin: border;
    subcontrol-position: top right; width: 18px; border: none; background: transparent; }}
QSpinBox::down-button, QDoubleSpinBox::down-button {{ subcontrol-origin: border;
    subcontrol-position: bottom right; width: 18px; border: none; background: transparent; }}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{ image: url({{arrow_up}}); width: 8px;
    height: 8px; }}
QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{ image: url({{arrow_down}}); width: 8px;
    height: 8px; }}
QComboBox QAbstractItemView {{ background: {SURFACE}; border: 1px solid {BORDER};
    selection-background-color: {ACCENT_SOFT}; selection-color: {TEXT}; outline: none; }}
QComboBox:disabled, QSpinBox:disabled, QDoubleSpinBox:disabled {{ color: {TEXT_FAINT};
    background: #f7f8fa; }}

QCheckBox {{ spacing: 6px; }}
QSlider::groove:horizontal {{ height: 4px; background: {BORDER}; border-radius: 2px; }}
QSlider::sub-page:horizontal {{ background: {ACCENT}; border-radius: 2px; }}
QSlider::handle:horizontal {{ background: {SURFACE}; border: 2px solid {ACCENT};
    width: 12px; height: 12px; margin: -6px 0; border-radius: 8px; }}

QTabWidget::pane {{ border: none; background: transparent; }}
QTabBar {{ qproperty-drawBase: 0; }}
QTabBar::tab {{ background: transparent; color: {TEXT_MUTED}; padding: 6px 10px;
    border: none; border-bottom: 2px solid transparent; font-weight: 600; }}
QTabBar::tab:selected {{ color: {TEXT}; border-bottom: 2px solid {ACCENT}; }}
QTabBar::tab:hover {{ color: {TEXT}; }}

QScrollArea {{ background: transparent; border: none; }}
QScrollArea > QWidget > QWidget {{ background: transparent; }}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar::handle:vertical {{ background: #cfd6dd; border-radius: 3px; min-height: 30px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; width: 0; }}
QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 2px; }}
QScrollBar::handle:horizontal {{ background: #cfd6dd; border-radius: 3px; min-width: 30px; }}

QMenuBar {{ background: {SURFACE}; border-bottom: 1px solid {BORDER}; }}
QMenuBar::item {{ padding: 4px 10px; background: transparent; }}
QMenuBar::item:selected {{ background: {ACCENT_SOFT}; border-radius: 4px; }}
QMenu {{ background: {SURFACE}; border: 1px solid {BORDER}; padding: 4px; }}
QMenu::item {{ padding: 5px 24px 5px 20px; border-radius: 4px; }}
QMenu::item:selected {{ background: {ACCENT_SOFT}; color: {TEXT}; }}
QMenu::separator {{ height: 1px; background: {BORDER}; margin: 4px 8px; }}

QStatusBar {{ background: {SURFACE}; border-top: 1px solid {BORDER}; color: {TEXT_MUTED}; }}
QStatusBar::item {{ border: none; }}
QFrame#banner[level="warning"] {{ background: {WARNING_BG}; border: 1px solid {WARNING_BORDER};
    border-radius: 8px; }}
QFrame#banner[level="info"] {{ background: {INFO_BG}; border: 1px solid {INFO_BORDER};
    border-radius: 8px; }}
QFrame#separator {{ background: {BORDER}; max-width: 1px; min-width: 1px; }}
"""


def app_font(scale: float = 1.0) -> QFont:
    """The app's UI font: a clean sans-serif, sized for reading from the back of a room."""
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(BASE_POINT_SIZE * scale)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def light_palette() -> QPalette:
    """A light palette, so the app looks the same under a dark desktop theme."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: BACKGROUND,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: SURFACE,
        QPalette.ColorRole.AlternateBase: "#f7f9fb",
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: SURFACE,
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: DARK,
        QPalette.ColorRole.ToolTipText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: TEXT_FAINT,
        QPalette.ColorRole.Link: ACCENT,
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(TEXT_FAINT))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText,
                     QColor(TEXT_FAINT))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText,
                     QColor(TEXT_FAINT))
    return palette


def _arrow_images() -> dict[str, str]:
    """Small arrow PNGs for combo and spin boxes, drawn once into a per-user temp folder."""
    folder = Path(tempfile.gettempdir()) / f"nn-playground-theme-{getpass.getuser()}"
    folder.mkdir(parents=True, exist_ok=True)
    shapes = {"arrow_down": [(3, 6), (13, 6), (8, 11.5)], "arrow_up": [(3, 10), (13, 10),
                                                                   (8, 4.5)]}
    paths = {}
    for name, corners in shapes.items():
        image = QImage(32, 32, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(2, 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(TEXT_MUTED))
        painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in corners]))
        painter.end()
        path = folder / f"{name}.png"
        image.save(str(path))
        paths[name] = path.as_posix()
    return paths


def style_sheet() -> str:
    """The app's style sheet, with the arrow images filled in."""
    sheet = STYLE_SHEET
    for name, path in _arrow_images().items():
        sheet = sheet.replace("{" + name + "}", path)
    return sheet


def apply_theme(app: QApplication) -> None:
    """Style the whole application (Fusion + light palette + style sheet + pyqtgraph colours)."""
    app.setStyle("Fusion")
    app.setPalette(light_palette())
    app.setFont(app_font())
    app.setStyleSheet(style_sheet())
    pg.setConfigOptions(background=SURFACE, foreground=TEXT_MUTED, antialias=True,
                        imageAxisOrder="row-major")
