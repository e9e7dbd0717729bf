"""Where the step-through's numbers go on the network diagram so that none covers another or a
feature's name: plain rectangle geometry. A neuron's number sits on its neuron, centred if it
fits there, else slid sideways or up and down along it, else just above or below it; a link's
number sits on its link, at the middle if that is free, else a little to either side."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSizeF

CLEARANCE = 2.0  # pixels kept free between two numbers, or a number and a name
ROUNDS = 4  # of placing the neurons' numbers, the crowded ones first in the next
# along a link, the middle first, then further out to either side
LINK_SPOTS = tuple(0.5 + sign * 0.06 * k for k in range(7) for sign in (-1, 1))[1:]


def hits(rect: QRectF, others: Sequence[QRectF]) -> bool:
    """Whether `rect`, with the clearance around it, meets any of `others`."""
    wide = rect.adjusted(-CLEARANCE, -CLEARANCE, CLEARANCE, CLEARANCE)
    return any(wide.intersects(other) for other in others)


def _overlap(rect: QRectF, others: Sequence[QRectF]) -> float:
    area = 0.0
    for other in others:
        common = rect.intersected(other)
        area += common.width() * common.height()
    return area


def neuron_spots(neuron: QRectF, size: QSizeF) -> list[QRectF]:
    """Where a number of `size` may go on (or next to) `neuron`, the best first: centred, then
    slid right (its left edge on the neuron's: it keeps clear of a feature's name) or left,
    or beside it; at mid-height, then along the neuron's top or bottom edge, then just above
    or below it."""
    w, h = size.width(), size.height()
    xs = (
        neuron.center().x() - w / 2,
        neuron.left(),
        neuron.right() - w,
        neuron.right() + CLEARANCE,
        neuron.left() - w - CLEARANCE,
    )
    ys = (
        neuron.center().y() - h / 2,
        neuron.top(),
        neuron.bottom() - h,
        neuron.top() - h - CLEARANCE,
        neuron.bottom() + CLEARANCE,
    )
    return [QRectF(QPointF(x, y), size) for y in ys for x in xs]


def place_neuron_tags(
    wanted: Sequence[tuple[QRectF, QSizeF]],
    fixed: Sequence[QRectF],
    neurons: Sequence[QRectF],
    bounds: QRectF,
) -> list[QRectF]:
    """For each (neuron, number's size), the number's rectangle, none meeting another or
    anything `fixed` (the names, the selected link's number) where that can be done: each in
    turn takes the first spot of neuron_spots inside `bounds` that meets none of those nor
    another neuron, else one that only covers other neurons. A number left without a free
    spot goes first in a new round (up to ROUNDS); the round with the fewest such wins."""
    order = list(range(len(wanted)))
    best: tuple[list[QRectF], list[int]] | None = None
    for _ in range(ROUNDS):
        rects, crowded = _place_in_order(wanted, order, fixed, neurons, bounds)
        if best is None or len(crowded) < len(best[1]):
            best = (rects, crowded)
        if not crowded:
            break
        order = crowded + [i for i in order if i not in crowded]
    return best[0] if best is not None else []


def _place_in_order(
    wanted: Sequence[tuple[QRectF, QSizeF]],
    order: Sequence[int],
    fixed: Sequence[QRectF],
    neurons: Sequence[QRectF],
    bounds: QRectF,
) -> tuple[list[QRectF], list[int]]:
    """One greedy round in `order`: the rectangles by index, and the indices that found no
    free spot (they take the spot that covers least)."""
    rects: list[QRectF] = [QRectF() for _ in wanted]
    placed: list[QRectF] = []
    crowded = []
    for index in order:
        neuron, size = wanted[index]
        spots = neuron_spots(neuron, size)
        spots = [spot for spot in spots if bounds.contains(spot)] or spots
        hard = [*fixed, *placed]
        others = [rect for rect in neurons if rect != neuron]
        choice = next((spot for spot in spots if not hits(spot, hard + others)), None)
        if choice is None:
            choice = next((spot for spot in spots if not hits(spot, hard)), None)
        if choice is None:
            choice = min(spots, key=lambda spot: _overlap(spot, hard))
            crowded.append(index)
        rects[index] = choice
        placed.append(choice)
    return rects, crowded


def link_spot(
    points: Sequence[Sequence[float]], size: QSizeF, taken: Sequence[QRectF]
) -> tuple[QRectF | None, QRectF]:
    """Where a number of `size` goes on a link drawn through `points`: the first of LINK_SPOTS
    along it that meets nothing `taken` (None when none is free), and the middle spot."""
    spots = []
    last = len(points) - 1
    for share in LINK_SPOTS:
        at = share * last
        i = min(int(at), last - 1) if last > 0 else 0
        f = at - i
        (x0, y0), (x1, y1) = points[i], points[min(i + 1, last)]
        x, y = x0 + (x1 - x0) * f, y0 + (y1 - y0) * f
        spots.append(QRectF(QPointF(x - size.width() / 2, y - size.height() / 2), size))
    free = next((spot for spot in spots if not hits(spot, taken)), None)
    return free, spots[0]
