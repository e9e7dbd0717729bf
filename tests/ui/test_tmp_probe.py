from PySide6.QtCore import QPoint
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

def test_probe(qtbot, window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMenu, "exec", lambda *a, **k: shown.append(a) or None)
    for target in (window.metrics.loss_plot.viewport(), window.network_panel.diagram.viewport()):
        ev = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(30, 30), target.mapToGlobal(QPoint(30, 30)))
        QApplication.sendEvent(target, ev)
        print("\nshown", len(shown), [type(x).__name__ for x in (shown[-1] if shown else [])])
