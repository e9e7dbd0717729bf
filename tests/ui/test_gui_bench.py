"""`bench --gui`'s measurement of one window: it runs the real window with training on, then the
bare Trainer, and reports frames drawn, samples trained and stalls (no timing is asserted: the
machine is shared)."""

from __future__ import annotations

import gc
import sys

from playground.ui import gui_bench


def test_a_window_measurement_reports_frames_samples_and_stalls(qapp, monkeypatch) -> None:  # noqa: ANN001
    frozen = []  # as the app after start-up: the settled window's objects out of gc's walks
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(sys._getframe(1).f_code.co_name))
    result = gui_bench._measure_window(qapp, gui_bench.w1_session(), 0.5)
    assert "freeze_startup_objects" in frozen  # (loading the kernels freezes too: startup.py)
    assert result["fps"] > 0 and result["ui_ms_per_frame"] > 0
    assert result["app_samples_per_s"] > 0 and result["headless_samples_per_s"] > 0
    assert result["share"] == result["app_samples_per_s"] / result["headless_samples_per_s"]
    assert result["max_ui_stall_ms"] >= 0 and result["max_ui_stall_ms_compiling"] >= 0
