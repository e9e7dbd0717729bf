"""The light theme: palette, fonts and one style sheet for the whole app (projector friendly).

Every length in the style sheet is scaled, so presentation mode is the same sheet, larger: text
(pt) by the full scale, boxes and padding (px) by a gentler one (length_scale), so that larger
text does not eat the room; high contrast swaps the muted greys for darker ones.
"""

from __future__ import annotations

import getpass
import re
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

COLORS = {
    "BACKGROUND": BACKGROUND, "SURFACE": SURFACE, "BORDER": BORDER,
    "BORDER_STRONG": BORDER_STRONG, "TEXT": TEXT, "TEXT_MUTED": TEXT_MUTED,
    "TEXT_FAINT": TEXT_FAINT, "ACCENT": ACCENT, "ACCENT_SOFT": ACCENT_SOFT, "DARK": DARK,
    "WARNING_BG": WARNING_BG, "WARNING_BORDER": WARNING_BORDER, "INFO_BG": INFO_BG,
    "INFO_BORDER": INFO_BORDER,
}  # fmt: skip
# High contrast (presentation): darker text and borders that survive a washed-out projector.
HIGH_CONTRAST = {
    **COLORS, "BACKGROUND": "#eef1f5", "BORDER": "#b9c3cd", "BORDER_STRONG": "#7f8c99",
    "TEXT": "#0d141b", "TEXT_MUTED": "#2f3b47", "TEXT_FAINT": "#5b6773",
}  # fmt: skip

FONT_FAMILIES = ["Inter", "Segoe UI", "SF Pro Text", "Helvetica Neue", "Cantarell", "Noto Sans",
                 "Ubuntu", "DejaVu Sans", "Arial"]  # fmt: skip
BASE_POINT_SIZE = 10
_LENGTH = re.compile(r"(?<![\w#.])(\d+(?:\.\d+)?)(pt|px)\b")


def theme_colors(high_contrast: bool = False) -> dict[str, str]:
    """The UI colours by name (TEXT, TEXT_MUTED, ...), normal or high contrast."""
    return dict(HIGH_CONTRAST if high_contrast else COLORS)


def text_color(role: str, high_contrast: bool = False) -> str:
    """One UI colour by name, e.g. text_color("TEXT_MUTED", True)."""
    return theme_colors(high_contrast)[role]


def length_scale(scale: float) -> float:
    """The factor of px lengths for a text scale: 1.6× text gets 1.36× boxes."""
    return 1.0 + 0.6 * (scale - 1.0)


def scale_lengths(sheet: str, scale: float) -> str:
    """Multiply every 'Npt' length of a style sheet by scale and every 'Npx' length by
    length_scale(scale), rounded down to whole pixels (so radii stay within half a box)."""
    if scale == 1.0:
        return sheet
    pixels = length_scale(scale)

    def scaled(match: re.Match[str]) -> str:
        value, unit = float(match.group(1)), match.group(2)
        if unit == "px":
            return f"{max(1, int(value * pixels)) if value else 0}px"
        return f"{value * scale:.2f}pt"

    return _LENGTH.sub(scaled, sheet)


STYLE_TEMPLATE = """
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
QToolButton#roundButton {{ border-radius: 17px; padding: 0; min-width: 36px; min-height: 36px;
    max-width: 36px; max-height: 36px; }}
QToolButton#playButton {{ background: {DARK}; border: none; border-radius: 25px; padding: 0;
    min-width: 52px; min-height: 52px; max-width: 52px; max-height: 52px; }}
QToolButton#playButton:hover {{ background: #33475a; }}
QToolButton#playButton:checked {{ background: {ACCENT}; }}
QToolButton#miniButton {{ padding: 0; min-width: 22px; max-width: 22px; min-height: 22px;
    max-height: 22px; border-radius: 10px; font-weight: 700; }}
QToolButton#layerOptions {{ padding: 2px 4px; font-size: 8.5pt; color: {TEXT_MUTED};
    min-height: 18px; }}
QToolButton#layerOptions::menu-indicator {{ image: none; width: 0; }}
LayerCard QComboBox {{ font-size: 9pt; padding: 1px 4px; }}
QToolButton#galleryButton {{ padding: 2px; border: 2px solid transparent; border-radius: 8px;
    background: transparent; }}
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
QSlider:horizontal {{ min-height: 20px; }}
QSlider::groove:horizontal {{ height: 4px; background: {BORDER}; border-radius: 2px; }}
QSlider::sub-page:horizontal {{ background: {ACCENT}; border-radius: 2px; }}
QSlider::handle:horizontal {{ background: {SURFACE}; border: 2px solid {ACCENT};
    width: 12px; height: 12px; margin: -6px 0; border-radius: 7px; }}

QTabWidget::pane {{ border: none; background: transparent; }}
QTabBar {{ qproperty-drawBase: 0; }}
QTabBar::tab {{ background: transparent; color: {TEXT_MUTED}; padding: 6px 7px;
    border: none; border-bottom: 2px solid transparent; font-weight: 600; }}
QTabBar::tab:selected {{ color: {TEXT}; border-bottom: 2px solid {ACCENT}; }}
QTabBar::tab:hover {{ color: {TEXT}; }}
QTabBar QToolButton {{ border: none; border-radius: 0; background: {SURFACE}; padding: 0;
    min-height: 0; min-width: 16px; }}

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

QDockWidget {{ color: {TEXT_MUTED}; font-weight: 600; }}
QDockWidget::title {{ background: {BACKGROUND}; padding: 6px 10px; text-align: left; }}
QTextBrowser#notes {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 10px;
    padding: 6px 10px; selection-background-color: {ACCENT}; }}
"""


def app_font(scale: float = 1.0) -> QFont:
    """The app's UI font: a clean sans-serif, sized for reading from the back of a room."""
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(BASE_POINT_SIZE * scale)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def light_palette(high_contrast: bool = False) -> QPalette:
    """A light palette, so the app looks the same under a dark desktop theme."""
    c = theme_colors(high_contrast)
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: c["BACKGROUND"],
        QPalette.ColorRole.WindowText: c["TEXT"],
        QPalette.ColorRole.Base: c["SURFACE"],
        QPalette.ColorRole.AlternateBase: "#f7f9fb",
        QPalette.ColorRole.Text: c["TEXT"],
        QPalette.ColorRole.Button: c["SURFACE"],
        QPalette.ColorRole.ButtonText: c["TEXT"],
        QPalette.ColorRole.Highlight: c["ACCENT"],
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: c["DARK"],
        QPalette.ColorRole.ToolTipText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: c["TEXT_FAINT"],
        QPalette.ColorRole.Link: c["ACCENT"],
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(c["TEXT_FAINT"]))
    return palette


def _arrow_images(color: str) -> dict[str, str]:
    """Small arrow PNGs for combo and spin boxes, drawn once into a per-user temp folder."""
    folder = Path(tempfile.gettempdir()) / f"nn-playground-theme-{getpass.getuser()}"
    folder.mkdir(parents=True, exist_ok=True)
    shapes = {"arrow_down": [(3, 6), (13, 6), (8, 11.5)], "arrow_up": [(3, 10), (13, 10), (8, 4.5)]}
    paths = {}
    for name, corners in shapes.items():
        path = folder / f"{name}-{color.lstrip('#')}.png"
        if not path.exists():
            image = QImage(64, 64, QImage.Format.Format_ARGB32)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.scale(4, 4)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color))
            painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in corners]))
            painter.end()
            image.save(str(path))
        paths[name] = path.as_posix()
    return paths


def style_sheet(scale: float = 1.0, high_contrast: bool = False) -> str:
    """The app's style sheet at a scale (1 = normal, 1.6 = presentation), arrows filled in."""
    c = theme_colors(high_contrast)
    sheet = scale_lengths(STYLE_TEMPLATE.format(**c), scale)
    for name, path in _arrow_images(c["TEXT_MUTED"]).items():
        sheet = sheet.replace("{" + name + "}", path)
    return sheet


def apply_theme(app: QApplication, scale: float = 1.0, high_contrast: bool = False) -> None:
    """Style the whole application (Fusion, palette, font, style sheet, pyqtgraph colours) at a
    scale; call again to switch (presentation mode)."""
    app.setStyle("Fusion")
    app.setPalette(light_palette(high_contrast))
    app.setFont(app_font(scale))
    app.setStyleSheet(style_sheet(scale, high_contrast))
    pg.setConfigOptions(
        background=SURFACE,
        foreground=text_color("TEXT_MUTED", high_contrast),
        antialias=True,
        imageAxisOrder="row-major",
    )
