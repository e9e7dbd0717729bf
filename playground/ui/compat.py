"""Work-arounds for known problems of the Qt binding this app runs on.

PySide6 6.12 (an abi3 wheel built for Python 3.12+, where None, True and False are immortal)
drops a reference to None on every call of a void method, and to True/False in some calls back
into Python. On Python 3.10/3.11 their counts then reach zero after some tens of thousands of
calls (seconds of live drawing) and the interpreter aborts with "none_dealloc: deallocating
None". Python 3.12 made these objects immortal; we do the same on older versions by giving
them a count that can never run out.
"""

from __future__ import annotations

import ctypes
import sys

_IMMORTAL_BOOST = 1 << 40


def protect_none_refcount() -> None:
    """Make None, True and False effectively immortal on CPython < 3.12 (else a no-op)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        if refcount.value < _IMMORTAL_BOOST:
            refcount.value += _IMMORTAL_BOOST
