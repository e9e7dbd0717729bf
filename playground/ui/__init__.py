"""Everything Qt: the main window, its panels and plots, and the training worker thread."""
