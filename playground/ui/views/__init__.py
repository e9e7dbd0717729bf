"""What the playground draws: the output heatmap, the network diagram, the curves."""
