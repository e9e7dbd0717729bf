"""Each view takes the models it shows: built and driven here without a Controller or window."""

from __future__ import annotations

import pytest

from playground.session import Notes, Session
from playground.ui.models.data_editor import DataEditor
from playground.ui.models.selection import Selection
from playground.ui.models.session_model import SessionModel
from playground.ui.panels.data_panel import DataPanel
from playground.ui.panels.network_panel import LayerCard
from playground.ui.panels.notes_panel import NotesPanel
from playground.ui.widgets.appearance import Appearance, Look


@pytest.fixture
def model() -> SessionModel:
    return SessionModel(Session.default())


def test_the_data_panel_follows_its_data_editor_alone(qtbot, model) -> None:
    data = DataEditor(model.session.points, lambda: model.session)
    panel = DataPanel(model=model, data=data, appearance=Appearance())
    qtbot.addWidget(panel)
    assert panel.recipe_form.dataset_title.text() == "Circle"
    assert not panel.drawing_section.undo_button.isEnabled()

    panel.gallery_buttons["xor"].click()  # the panel writes through the editor ...
    assert data.recipe.name == "xor"
    assert panel.recipe_form.dataset_title.text() == "Exclusive or"  # ... and shows its event
    assert panel.drawing_section.undo_button.isEnabled()

    data.clear_points()
    assert panel.recipe_form.dataset_title.text() == "Your own data · 0 points"
    assert not panel.export_button.isEnabled()


def test_the_notes_panel_shows_what_its_session_model_announces(qtbot, model) -> None:
    panel = NotesPanel(model, Appearance())
    qtbot.addWidget(panel)
    assert panel.title == ""
    lesson = model.session.replace(notes=Notes("Gradient descent", "Press **Play**."))
    model.replace(lesson)
    model.replaced.emit(lesson)
    assert panel.title == "Gradient descent"
    assert "Press" in panel.markdown


def test_a_layer_card_writes_its_edits_to_the_session_model(qtbot, model) -> None:
    card = LayerCard(model, 0, Look())
    qtbot.addWidget(card)
    units = model.session.network.layers[0].units
    card.plus_button.click()
    assert model.session.network.layers[0].units == units + 1
    card.minus_button.click()
    card.minus_button.click()
    assert model.session.network.layers[0].units == units - 1


def test_a_destroyed_view_stops_listening(qtbot, model) -> None:
    """Events call views only while they exist (a rebuilt layer card must not be called)."""
    panel = NotesPanel(model, Appearance())
    panel.deleteLater()
    qtbot.waitUntil(lambda: not model.replaced._callbacks, timeout=2000)
    model.replaced.emit(model.session)  # no call into a deleted widget


def test_the_selection_model_drives_nothing_but_its_own_event(model) -> None:
    selection = Selection(lambda: model.session.network.layer_sizes)
    seen: list[object] = []
    selection.changed.connect(seen.append)
    selection.select((1, 0))
    selection.select((99, 0))  # not in the network: back to the output
    assert seen == [(1, 0), None]
