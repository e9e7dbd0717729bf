"""The app's compute threads give way to its UI thread.

Training, the loss landscape, the inspections and the race can keep both cores of a
classroom laptop busy; the UI thread then waited for a time slice behind them (stalls of 45-58 ms
with the landscape in front, on two cores). On Linux, where each thread has its own nice
value, a compute thread lowers its own priority when it starts: it still gets every cycle the
UI thread leaves, the UI thread runs as soon as it has work. Elsewhere nothing changes.

The picture pass (worker.PictureThread: the grid of the next frame) keeps the UI's priority:
it is the window's work done elsewhere, and behind training it missed frames (25-29.5 fps for
the 8×32 network, 29.2-30.9 at the UI's priority).
"""

from __future__ import annotations

import os
import sys
import threading

BACKGROUND_NICENESS = 5  # CFS weight 335 against the UI thread's 1024


def run_in_background() -> None:
    """Run the calling thread BACKGROUND_NICENESS below the main (UI) thread's priority, once
    (a thread started by a background thread inherits its value). Linux only; a refusal of
    the system is ignored: the thread then runs as before."""
    if sys.platform != "linux":
        return
    thread = threading.get_native_id()
    try:
        main_thread = os.getpriority(os.PRIO_PROCESS, os.getpid())  # the main thread's tid
        niceness = min(19, main_thread + BACKGROUND_NICENESS)
        if os.getpriority(os.PRIO_PROCESS, thread) < niceness:
            os.setpriority(os.PRIO_PROCESS, thread, niceness)
    except OSError:
        pass
