"""The neuron shown in the big output view (no Qt)."""

from __future__ import annotations

from collections.abc import Callable

from playground.ui.models.events import Event

Neuron = tuple[int, int]  # (layer, unit)


class Selection:
    """The selected (layer, unit), or None for the network's output; a selection that does not
    fit the network (`layer_sizes` gives its hidden sizes) falls back to None."""

    def __init__(self, layer_sizes: Callable[[], tuple[int, ...]]) -> None:
        self.changed = Event()  # Neuron | None
        self._layer_sizes = layer_sizes
        self._neuron: Neuron | None = None

    @property
    def neuron(self) -> Neuron | None:
        """The (layer, unit) shown, None for the output."""
        return self._neuron

    def fits(self, neuron: Neuron) -> bool:
        """Whether the network has this neuron."""
        layer, unit = neuron
        sizes = self._layer_sizes()
        return 0 <= layer < len(sizes) and 0 <= unit < sizes[layer]

    def select(self, neuron: Neuron | None) -> None:
        """Show a neuron (None, or one the network does not have: the output)."""
        if neuron is not None and not self.fits(neuron):
            neuron = None
        if neuron != self._neuron:
            self._neuron = neuron
            self.changed.emit(neuron)

    def validate(self) -> None:
        """After the network changed: drop a selection it no longer has."""
        if self._neuron is not None and not self.fits(self._neuron):
            self.select(None)

    def clear(self, *, announce: bool = True) -> None:
        """Back to the output; `announce` emits `changed` even if nothing was selected."""
        self._neuron = None
        if announce:
            self.changed.emit(None)
