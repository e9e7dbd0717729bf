"""The views that show inside the network, built for the window: the loss landscape, the
hidden space and where it is wrong (tabs beside the curves), the weight editors on the
diagram and a first-layer neuron's line on the output view. Each takes the models it shows."""

from __future__ import annotations

from dataclasses import dataclass

from playground.ui.controller import Controller
from playground.ui.views.errors_view import ErrorsView
from playground.ui.views.heatmap_view import OutputView
from playground.ui.views.hidden_space import HiddenSpaceView
from playground.ui.views.landscape_view import LandscapeView
from playground.ui.views.network_diagram import NetworkDiagram
from playground.ui.views.neuron_line import NeuronLine
from playground.ui.views.plots import MetricsPanel
from playground.ui.views.weight_handles import WeightHandles


@dataclass(frozen=True)
class InsideViews:
    """The inside views of one window (their threads stop with `shutdown`)."""

    landscape: LandscapeView
    hidden: HiddenSpaceView
    errors: ErrorsView
    weight_handles: WeightHandles
    neuron_line: NeuronLine

    @classmethod
    def build(
        cls,
        controller: Controller,
        diagram: NetworkDiagram,
        output: OutputView,
        metrics: MetricsPanel,
    ) -> InsideViews:
        """Make the views, put the tabs beside the curves and link "where wrong" to the
        output view's highlight."""
        model, data, runner = controller.model, controller.data, controller.runner
        look, weights = controller.appearance, controller.weights
        views = cls(
            landscape=LandscapeView(runner=runner, appearance=look),
            hidden=HiddenSpaceView(runner=runner, data=data, appearance=look),
            errors=ErrorsView(runner=runner, data=data, appearance=look),
            weight_handles=WeightHandles(diagram, weights=weights, model=model),
            neuron_line=NeuronLine(
                output.view_box,
                diagram,
                model=model,
                runner=runner,
                selection=controller.selection_model,
                weights=weights,
            ),
        )
        metrics.add_tab("Landscape", views.landscape, LandscapeView.TAB_TIP, "Land.")
        metrics.add_tab("Hidden space", views.hidden, HiddenSpaceView.TAB_TIP, "Hidden")
        metrics.add_tab("Where wrong", views.errors, ErrorsView.TAB_TIP, "Wrong")
        views.errors.points_chosen.connect(output.highlight_points)
        return views

    def shutdown(self) -> None:
        """Stop the views' background threads (joins them)."""
        for view in (self.landscape, self.hidden, self.errors):
            view.shutdown()
