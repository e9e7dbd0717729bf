"""The session's optional per-layer `frozen` and `off` fields (issue 12: hands on the weights).

```json
"weights": [{"W": [[...]], "b": [...], "frozen": [false, true, false, false],
             "off": [false, false, true, false]}, ...]
```

Each entry of `weights` (one per dense layer, output last) may carry `frozen` and `off`, one
true/false per neuron of that layer: a frozen neuron's incoming weights and bias (and batch-norm
gamma, beta) do not change in training; an off neuron outputs 0 (hidden layers only). Absent
means all false; Save writes them only when some neuron is frozen or off, so other sessions
stay as they were. An exported model has no such fields: "off" is baked in as zero outgoing
weights (see engine/neuron_masks.py).
"""

from __future__ import annotations

from typing import Any

from playground.engine.neuron_masks import NeuronMasks, check_masks
from playground.engine.spec import NetworkSpec
from playground.io.json_format import build_spec, child, expect_list, fail

MASK_FIELDS = ("frozen", "off")


def add_masks(entries: list[dict[str, Any]], masks: NeuronMasks | None) -> list[dict[str, Any]]:
    """The `weights` entries with `frozen` / `off` added where some neuron of a layer is so."""
    if masks is None:
        return entries
    for entry, frozen, off in zip(entries, masks.frozen, masks.off, strict=True):
        if any(frozen):
            entry["frozen"] = list(frozen)
        if any(off):
            entry["off"] = list(off)
    return entries


def split_masks(data: Any, path: str, network: NetworkSpec) -> tuple[Any, NeuronMasks | None]:
    """(the `weights` entries without `frozen` / `off`, the masks or None when none is given).

    Raises FormatError naming the entry on a wrong length or a value that is not true/false."""
    if not isinstance(data, list):
        return data, None
    sizes = network.layer_sizes[1:]
    found = False
    flags: dict[str, list[tuple[bool, ...]]] = {name: [] for name in MASK_FIELDS}
    stripped = []
    for i, entry in enumerate(data):
        n = sizes[i] if i < len(sizes) else 0
        if isinstance(entry, dict):
            entry = dict(entry)
            for name in MASK_FIELDS:
                value = entry.pop(name, None)
                if value is not None:
                    found = True
                flags[name].append(_flags(value, child(child(path, i), name), n))
        stripped.append(entry)
    if not found:
        return data, None
    if len(stripped) != len(sizes):
        return data, None  # the weights' own check names the wrong layer count
    masks = NeuronMasks(tuple(flags["frozen"]), tuple(flags["off"]))
    build_spec("", check_masks, network, masks)
    return stripped, masks


def _flags(value: Any, path: str, n: int) -> tuple[bool, ...]:
    if value is None:
        return (False,) * n
    items = expect_list(value, path)
    if len(items) != n:
        raise fail(path, f"{len(items)} values do not match the layer's {n} neurons")
    for k, item in enumerate(items):
        if not isinstance(item, bool):
            raise fail(child(path, k), f"expected true or false, got {item!r}")
    return tuple(items)
