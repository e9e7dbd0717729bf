"""The inspection views' choices (no Qt): a layer and neurons fitted to the network."""

from __future__ import annotations

import pytest

from playground.ui.models.inspection import SpaceChoice


def test_a_choice_fits_the_network_it_is_shown_on() -> None:
    assert SpaceChoice().fitted(()) is None  # no hidden layer
    assert SpaceChoice().fitted((4, 2)).layer == 1  # the last hidden layer by default
    assert SpaceChoice(layer=5).fitted((4, 2)).layer == 1  # a layer no longer there
    fitted = SpaceChoice(layer=0, kind="neurons", neurons=(7, 3)).fitted((4, 2))
    assert fitted.neurons == (3, 0)  # clamped to neuron 4, then another one
    assert SpaceChoice(layer=0, kind="neurons", neurons=(2, 2)).fitted((4,)).neurons == (2, 3)
    assert SpaceChoice(layer=0, neurons=(0, 5)).fitted((1,)).neurons == (0, 0)  # one neuron
    with pytest.raises(ValueError, match="projection"):
        SpaceChoice(kind="tsne")
