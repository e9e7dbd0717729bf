"""Everything Qt: the main window, its panels and plots, and the training worker thread."""

from .compat import protect_none_refcount

protect_none_refcount()
