"""Record the decision boundary while it trains as an animated GIF (for slides).

While recording, every frame the window draws is captured at most `fps` times a second (the
output view rendered square, with the epoch in a corner) into memory, up to `max_frames`; stopping
writes the GIF with Pillow, atomically. Frames are stored palette-quantized (one byte a pixel).
A capture that looks exactly like the one before (training paused) lengthens that frame instead
of adding one, so the GIF's timing is ours on every Pillow version (Pillow merges identical
frames itself since 13, summing their durations).
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable

from PIL import Image, ImageChops
from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QWidget

from playground.io.atomic import atomic_write_bytes
from playground.ui.classroom.figures import render_widget
from playground.ui.controller import Controller
from playground.ui.widgets.theme import FONT_FAMILIES, TEXT
from playground.worker import Frame

GIF_FPS = 10.0
MAX_FRAMES = 300
GIF_SIZE = 480  # pixels per side
GIF_COLORS = 128


def qimage_to_pil(image: QImage) -> Image.Image:
    """An RGB Pillow image with the QImage's pixels."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = bytes(rgb.constBits())[: stride * height]
    return Image.frombuffer("RGB", (width, height), data, "raw", "RGB", stride, 1).copy()


def gif_bytes(frames: list[Image.Image], durations_ms: list[int]) -> bytes:
    """An endlessly looping animated GIF showing each frame for its duration."""
    if not frames:
        raise ValueError("no frames to write")
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations_ms,
        loop=0,
        disposal=1,
    )
    return buffer.getvalue()


class GifRecorder(QObject):
    """Collects frames of a view while recording; `stop` writes the GIF."""

    recording_changed = Signal(bool)  # recording or not
    frame_added = Signal(int)  # frames collected so far
    written = Signal(str)  # the path of the GIF written
    failed = Signal(str)  # a one-line reason

    def __init__(
        self,
        controller: Controller,
        view: Callable[[], QWidget],
        *,
        fps: float = GIF_FPS,
        max_frames: int = MAX_FRAMES,
        size: int = GIF_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._view = view
        self._interval = 1.0 / fps
        self._frame_ms = round(1000 / fps)
        self.max_frames = max_frames
        self._size = size
        self._frames: list[Image.Image] = []
        self._durations_ms: list[int] = []  # how long each frame shows
        self._last_picture: Image.Image | None = None  # the last capture, unquantized
        self._path: str | None = None
        self._last_capture = -1e9

    @property
    def recording(self) -> bool:
        """Whether frames are being collected."""
        return self._path is not None

    @property
    def frame_count(self) -> int:
        """Frames collected so far."""
        return len(self._frames)

    def start(self, path: str | os.PathLike[str]) -> None:
        """Start collecting frames for the GIF at path (the current picture is the first)."""
        if self.recording:
            return
        self._path = os.fspath(path)
        self._frames, self._durations_ms, self._last_picture = [], [], None
        self._last_capture = -1e9
        self._controller.runner.frame_ready.connect(self._on_frame)
        self.recording_changed.emit(True)
        frame = self._controller.frame
        self.capture(frame.epoch if frame is not None else self._controller.session.epoch)

    def stop(self) -> bool:
        """Stop and write the GIF; False (with `failed`) if there was nothing or it failed."""
        if not self.recording:
            return False
        path, frames, durations = self._path, self._frames, self._durations_ms
        self._path, self._frames, self._durations_ms, self._last_picture = None, [], [], None
        self._controller.runner.frame_ready.disconnect(self._on_frame)
        self.recording_changed.emit(False)
        try:
            atomic_write_bytes(path, gif_bytes(frames, durations))
        except (OSError, ValueError) as error:
            self.failed.emit(f"{path}: {error}")
            return False
        self.written.emit(path)
        return True

    def _on_frame(self, frame: Frame) -> None:
        now = time.monotonic()
        if now - self._last_capture < self._interval:
            return
        self._last_capture = now
        self.capture(frame.epoch)

    def capture(self, epoch: int) -> None:
        """Add the view as it is now (with the epoch written in a corner)."""
        if not self.recording:
            return
        image = render_widget(self._view(), self._size, self._size)
        _write_epoch(image, epoch)
        picture = qimage_to_pil(image)
        if self._last_picture is not None and _same(picture, self._last_picture):
            self._durations_ms[-1] += self._frame_ms  # nothing moved: show the last one longer
            return
        self._last_picture = picture
        self._frames.append(
            picture.quantize(GIF_COLORS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        )
        self._durations_ms.append(self._frame_ms)
        self.frame_added.emit(len(self._frames))
        if len(self._frames) >= self.max_frames:
            self.stop()


def _same(a: Image.Image, b: Image.Image) -> bool:
    """Whether two RGB pictures are identical, pixel for pixel."""
    return ImageChops.difference(a, b).getbbox() is None


def _write_epoch(image: QImage, epoch: int) -> None:
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPixelSize(max(12, image.height() // 26))
    font.setBold(True)
    painter.setFont(font)
    text = f"epoch {epoch:,}"
    metrics = painter.fontMetrics()
    pad = font.pixelSize() * 0.4
    box = QRectF(pad, pad, metrics.horizontalAdvance(text) + 2 * pad, metrics.height() + pad)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 215))
    painter.drawRoundedRect(box, pad, pad)
    painter.setPen(QColor(TEXT))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
