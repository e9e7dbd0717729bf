"""Checks of the main window shared by several window tests."""

from __future__ import annotations

from .conftest import WAIT_MS


def assert_whole_network_in_view(window) -> None:  # noqa: ANN001 - a MainWindow
    """No sideways scrolling, and every shown neuron inside the diagram's viewport."""
    assert window.network_panel._scroll.horizontalScrollBar().maximum() == 0
    diagram = window.network_panel.diagram
    view = diagram.viewport().rect()
    for column in diagram.columns:
        for item in column:
            if item.isVisible():
                rect = diagram.mapFromScene(item.sceneBoundingRect()).boundingRect()
                assert view.contains(rect), (item.layer, item.unit)


def assert_big_stays_the_users(qtbot, window, view, tab: str) -> None:  # noqa: ANN001
    """A tab `tab` that opened big (views/opens_big.py): Big unchecked shows the output view
    again, also after another tab; the tab opened again is big again."""
    output = window.output_view
    view.big_button.click()  # the user wants both: so be it
    qtbot.waitUntil(lambda: output.isVisible(), timeout=WAIT_MS)
    assert not view.big_button.isChecked()
    window.metrics.show_tab("Loss")
    assert output.isVisible() and not view.big_button.isChecked()
    window.metrics.show_tab(tab)  # opened again: big again
    assert view.big_button.isChecked() and not output.isVisible()
