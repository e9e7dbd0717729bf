"""What a real desktop and a projector show: presentation mode with lesson notes at projector
sizes, the curves' legends and ranges, the cheat sheet, the model export and the number lists."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.lessons import LESSONS
from playground.session import Session
from playground.ui.views.plots import TABS

from .conftest import WAIT_MS
from .window_checks import assert_whole_network_in_view


def _wait_for_curve(qtbot, curve, low: float) -> None:  # noqa: ANN001
    """Until the curve has a point at or after epoch `low`."""

    def has_points() -> bool:
        x, _ = curve.getData()
        return x is not None and len(x) > 0 and float(np.nanmax(x)) >= low

    qtbot.waitUntil(has_points, timeout=WAIT_MS)


def _x_range(plot) -> tuple[float, float]:  # noqa: ANN001
    return tuple(plot.getPlotItem().vb.viewRange()[0])


def test_the_loss_chart_follows_the_data_after_reset_new_data_and_restore(qtbot, window) -> None:  # noqa: ANN001
    controller, metrics = window.controller, window.metrics
    plot = metrics.loss_plot
    restored = dataclasses.replace(controller.session, epoch=276339)
    controller.load(restored)  # as a crash restore does
    assert _x_range(plot) == (0.0, 1.0)  # no data yet: a sane empty chart
    for epoch in (276340, 276341):
        controller.step_epoch()
        _wait_for_curve(qtbot, metrics.train_curve, epoch)
    qtbot.waitUntil(lambda: _x_range(plot)[1] >= 276340, timeout=WAIT_MS)
    low, high = _x_range(plot)
    assert 276338 <= low <= 276340 and high - low <= 10
    axis = plot.getPlotItem().getAxis("bottom")
    values = [v for _, level in axis.tickValues(low, high, 300) for v in level]
    labels = axis.tickStrings(values, 1.0, min(np.diff(sorted(values))))
    assert len(set(labels)) == len(labels) > 1  # never a row of "276339"

    controller.reset()
    qtbot.waitUntil(lambda: _x_range(plot) == (0.0, 1.0), timeout=WAIT_MS)
    controller.step_epoch()
    _wait_for_curve(qtbot, metrics.train_curve, 1)
    qtbot.waitUntil(lambda: _x_range(plot)[1] < 5, timeout=WAIT_MS)
    assert _x_range(plot)[0] == pytest.approx(0, abs=1)

    for epoch in (2, 3):
        controller.step_epoch()
        _wait_for_curve(qtbot, metrics.train_curve, epoch)
    controller.set_classes(3)  # a class more: a new output layer, a new run
    qtbot.waitUntil(lambda: _x_range(plot) == (0.0, 1.0), timeout=WAIT_MS)
    controller.step_epoch()
    qtbot.waitUntil(lambda: 0.5 <= _x_range(plot)[1] < 5, timeout=WAIT_MS)
    controller.set_recipe(name="xor")  # new data (two classes again)
    controller.step_epoch()
    qtbot.waitUntil(lambda: 0.5 <= _x_range(plot)[1] < 5, timeout=WAIT_MS)
    assert _x_range(plot)[0] == pytest.approx(0, abs=1)


def test_the_gradient_legend_shows_every_layer_on_a_narrow_plot(qtbot, make_window) -> None:  # noqa: ANN001
    window = make_window(_lesson("07-vanishing-gradients"), 1024, 768)
    controller, metrics = window.controller, window.metrics
    metrics.show_tab("Gradients")
    controller.step_epoch()
    qtbot.waitUntil(lambda: len(metrics.gradient_curves) == 7, timeout=WAIT_MS)
    plot = metrics.gradient_plot
    plot.setFixedWidth(260)  # a narrow column
    qtbot.waitUntil(lambda: plot.width() == 260, timeout=WAIT_MS)
    item = plot.getPlotItem()
    legend = item.legend
    names = [label.text for _, label in legend.items]
    full = [f"layer {i}" for i in range(1, 7)] + ["output"]
    assert names in (full, [f"L{i}" for i in range(1, 7)] + ["out"])  # short when narrow
    view = plot.viewport().rect()
    box = item.vb.sceneBoundingRect()
    for sample, label in legend.items:
        for part in (sample, label):
            rect = plot.mapFromScene(part.sceneBoundingRect()).boundingRect()
            assert part.isVisible() and view.contains(rect), part
    assert not legend.sceneBoundingRect().intersects(box)  # never over the curves


def test_log_ticks_never_crowd_and_read_as_powers() -> None:
    from playground.ui.views.plots import log_ticks, power_text

    ticks = log_ticks(-6.2, 0.3, 60, 16)  # six decades on 60 px
    assert len(ticks) >= 2
    assert min(np.diff(ticks)) * 60 / 6.5 >= 16
    assert log_ticks(-3.0, -2.7, 200, 16)  # less than a decade still gets a label or two
    assert power_text(-3.0) == "10⁻³"
    assert power_text(np.log10(2e-3)) == "2·10⁻³"


def _lesson(lesson_id: str) -> Session:
    return next(lesson for lesson in LESSONS if lesson.id == lesson_id).load()


def test_export_model_proposes_a_name_its_filter_matches_and_confirms(
    window,
    tmp_path,  # noqa: ANN001
    monkeypatch,
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from playground.ui.file_actions import model_filter_entry, model_suffix

    files = window.files
    dialog = files.model_dialog()
    proposed = Path(dialog.selectedFiles()[0])
    assert proposed.name == "model.onnx"
    assert model_suffix(dialog.selectedNameFilter()) == proposed.suffix == ".onnx"
    for suffix in (".npz", ".json", ".onnx"):
        entry = model_filter_entry(suffix)
        dialog.selectNameFilter(entry)
        dialog.filterSelected.emit(entry)  # as the user's choice of a filter does
        assert Path(dialog.selectedFiles()[0]).name == f"model{suffix}"

    def accept(self) -> int:  # noqa: ANN001
        self.setDirectory(str(tmp_path))
        self.selectNameFilter(model_filter_entry(".npz"))
        self.filterSelected.emit(model_filter_entry(".npz"))
        return QFileDialog.DialogCode.Accepted

    monkeypatch.setattr(QFileDialog, "exec", accept)
    window.commands["export_model"].trigger()

    written = tmp_path / "model.npz"
    assert written.is_file()
    assert str(written) in window.statusBar().currentMessage()


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)])
def test_the_cheat_sheet_fits_without_scrolling(qtbot, make_window, size) -> None:  # noqa: ANN001
    window = make_window(None, *size)
    window.toggle_cheat_sheet()
    sheet = window.cheat_sheet
    qtbot.waitExposed(sheet)
    qtbot.waitUntil(lambda: sheet.area.viewport().height() > 100, timeout=WAIT_MS)
    scroll_bar = sheet.area.verticalScrollBar()
    qtbot.waitUntil(lambda: not scroll_bar.isVisible(), timeout=3000)  # once laid out
    viewport = sheet.area.viewport()
    assert sheet.text_height(viewport.width()) <= viewport.height()
    assert scroll_bar.maximum() == 0
    assert sheet.height() <= size[1] and sheet.width() <= size[0]
    # the list starts at the top: no blank band above it
    assert sheet.label.alignment() & Qt.AlignmentFlag.AlignTop
    sheet.close()


def test_the_rate_lists_read_as_plain_decimals(window) -> None:  # noqa: ANN001
    transport = window.transport
    for box in (transport.learning_rate_box, transport.regularization_rate_box):
        items = [box.itemText(i) for i in range(box.count())]
        assert items and not [text for text in items if "e-" in text or "e+" in text]
    assert transport.learning_rate_box.itemText(0) == "0.00001"
    window.controller.set_learning_rate(0.00001)
    assert transport.learning_rate_box.currentText() == "0.00001"


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)])
def test_presentation_with_lesson_notes_shows_every_layer_the_output_and_the_named_plot(
    qtbot, make_window, size
) -> None:  # noqa: ANN001
    """F5 with lesson 7 open at projector sizes: "Watch: the gradient plot"."""
    width, height = size
    window = make_window(_lesson("07-vanishing-gradients"), width, height)
    window.set_presentation(True)
    window.resize(width, height)  # as a full-screen projector window
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=WAIT_MS)
    assert window.notes_panel.isVisible()
    metrics, diagram = window.metrics, window.network_panel.diagram

    def laid_out() -> bool:
        return diagram.columns[1][0].size > 20 and metrics.gradient_plot.height() > 100

    qtbot.waitUntil(laid_out, timeout=WAIT_MS)
    qtbot.wait(200)  # the last relayouts (legend band, notes width)
    readable = 0.027 * width  # a thumbnail as wide as 2.7 % of the screen (35 px at 1280)
    view = diagram.viewport().rect()
    for column in diagram.columns:
        for item in column:
            if not item.isVisible():
                continue  # presentation mode shows only the inputs in use
            rect = diagram.mapFromScene(item.sceneBoundingRect()).boundingRect()
            assert view.contains(rect), (item.layer, item.unit)  # no scrolling
            assert item.size >= readable, (item.layer, item.size)
    assert window.network_panel._scroll.horizontalScrollBar().maximum() == 0
    # the plot the lesson names is in front, tall enough, its legend above the curves
    assert metrics.tabs.currentIndex() == TABS.index("Gradients")
    plot = metrics.gradient_plot
    item = plot.getPlotItem()
    assert plot.isVisible() and plot.height() >= 150
    assert item.vb.sceneBoundingRect().height() >= 100
    assert not item.legend.sceneBoundingRect().intersects(item.vb.sceneBoundingRect())
    # the output view, readable too
    output = window.output_view.plot
    assert output.isVisible() and output.height() >= 150
    # everything on screen: nothing of the three is cut by the window's edge
    for widget in (diagram, plot, output):
        top_left = widget.mapTo(window, widget.rect().topLeft())
        assert top_left.x() + widget.width() <= width + 1, widget
        assert top_left.y() + widget.height() <= height + 1, widget


@pytest.mark.parametrize(
    ("lesson", "size", "presenting"),
    [
        ("02-hidden-layer-xor", (1280, 720), False),
        ("02-hidden-layer-xor", (1024, 768), False),
        ("07-vanishing-gradients", (1024, 768), False),
        ("07-vanishing-gradients", (1024, 768), True),
        ("02b-hidden-space", (1024, 768), True),
        ("02b-hidden-space", (1280, 720), True),
    ],
)
def test_the_network_titles_never_overlap_beside_the_notes(
    qtbot,
    make_window,
    lesson,
    size,  # noqa: ANN001
    presenting,
) -> None:
    window = make_window(_lesson(lesson), *size)
    window.set_presentation(presenting)
    window.resize(*size)
    panel = window.network_panel
    qtbot.waitUntil(lambda: panel.title_header.width() > 100, timeout=WAIT_MS)
    qtbot.wait(100)
    titles = [panel.features_title, panel.layers_control, panel.output_title]
    rects = [title.geometry() for title in titles]
    for left, right in zip(rects, rects[1:], strict=False):
        assert left.right() < right.left(), (left, right)  # "FEATUR[+][−] 1 HIDDEN LAYE…"
    for title in titles:
        assert title.width() >= title.sizeHint().width()  # nothing cut
    cards = [card.geometry() for card in panel.cards]
    for left, right in zip(cards, cards[1:], strict=False):
        assert left.right() < right.left()
    if presenting:  # on a projector the titles fit too: the diagram never scrolls sideways
        assert panel._scroll.horizontalScrollBar().maximum() == 0


def test_the_network_titles_stay_inside_their_row_when_a_lesson_opens_beside_them(
    qtbot, make_window
) -> None:  # noqa: ANN001
    """At 1280×720, lesson 2b opened from the menu: the notes narrow the network panel, and
    the titles were left where the wider row had put them ("OUTPUT" cut to "OUT")."""
    window = make_window(None, 1280, 720)
    qtbot.waitUntil(lambda: window.controller.frame is not None, timeout=WAIT_MS)
    window.files.open_lesson(next(item for item in LESSONS if item.id.startswith("02b")))
    qtbot.waitUntil(lambda: window.notes_panel.isVisible(), timeout=WAIT_MS)
    qtbot.wait(200)  # laid out
    panel = window.network_panel
    row = panel.title_header
    visible = panel._scroll.viewport().width()
    for title in (panel.features_title, panel.layers_control, panel.output_title):
        assert 0 <= title.geometry().left() and title.geometry().right() < row.width()
        assert title.mapTo(panel._scroll.viewport(), title.rect().topRight()).x() <= visible


@pytest.mark.parametrize(
    ("lesson", "size"),
    [
        ("02-hidden-layer-xor", (1024, 768)),
        ("07-vanishing-gradients", (1024, 768)),
        ("03-linear-stays-linear", (1280, 720)),
        ("07-vanishing-gradients", (1280, 720)),
    ],
)
def test_a_lesson_in_a_narrow_window_keeps_the_whole_network_in_view(
    qtbot, make_window, lesson, size
) -> None:  # noqa: ANN001
    """Normal mode at projector sizes with the notes open: the notes take the left column's
    place (Data and Training as tabs beside them), and the diagram shows every layer without
    sideways scrolling (at 1024×768 the four columns left it ~90 px: only the inputs)."""
    window = make_window(_lesson(lesson), *size)
    notes, tabs = window.notes_panel, window.left_tabs
    qtbot.waitUntil(lambda: notes.isVisible() and not window.left_card.isVisible(), timeout=WAIT_MS)
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Notes", "Data", "Training"]
    assert tabs.currentWidget() is notes.browser and notes.browser.width() >= 250
    diagram = window.network_panel.diagram
    qtbot.waitUntil(lambda: diagram.columns[-1][0].size > 10, timeout=WAIT_MS)
    qtbot.wait(200)  # the last relayouts
    assert_whole_network_in_view(window)
    window.set_notes_visible(False)  # the notes closed: the left column as before
    qtbot.waitUntil(window.left_card.isVisible, timeout=WAIT_MS)
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Data", "Training"]
    assert tabs.parentWidget() is not None and window.left_card.isAncestorOf(tabs)
