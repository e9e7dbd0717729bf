"""Build every lesson session in this folder from one table.

Run ``python resources/lessons/make_lessons.py`` after changing the table: each lesson's points
come from ``playground.data.generators.generate`` (rounded to 4 decimals), and no lesson carries
weights, so every lesson starts from its initializer and seed. ``tests/test_lessons.py`` checks
that the files on disk are exactly what this script builds and that every lesson's claim holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.data.generators import generate
from playground.data.points import Points
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.session import Notes, Session, save_session

FOLDER = Path(__file__).resolve().parent
DECIMALS = 4
GATES = {"and": np.logical_and, "or": np.logical_or, "xor": np.logical_xor}


def rounded(points: Points) -> Points:
    """The points with coordinates (and regression targets) rounded to DECIMALS places."""
    labels = points.labels
    if points.problem == "regression":
        labels = np.round(labels, DECIMALS)
    return Points(
        np.round(points.xy, DECIMALS), labels, points.is_test, points.problem, points.classes
    )


def dataset(
    name: str, n: int = 200, noise: float = 0.0, test_ratio: float = 0.3, **options: int
) -> Points:
    """A generated dataset (seed 0), rounded."""
    return rounded(generate(name, n=n, noise=noise, seed=0, test_ratio=test_ratio, **options))


def truth_table(gate: str) -> Points:
    """Four blobs, one per row of a truth table, labelled by a logic gate of (x1 > 0, x2 > 0)."""
    blobs = generate("gaussians", n=200, seed=0, test_ratio=0.3, classes=4)
    blob = blobs.labels.astype(np.intp)
    # The truth-table row of each blob: the quadrant of its centre, (x1 > 0, x2 > 0).
    centre_quadrant = np.array([blobs.xy[blob == k].mean(axis=0) > 0 for k in range(4)])
    quadrant = centre_quadrant[blob]
    labels = GATES[gate](quadrant[:, 0], quadrant[:, 1]).astype(np.float64)
    return rounded(Points(blobs.xy, labels, blobs.is_test, "classification", 2))


def squashed(points: Points, factor: float) -> Points:
    """The points with x2 multiplied by `factor`, as if x2 were measured in a bigger unit."""
    return rounded(
        Points(
            points.xy * np.array([1.0, factor]),
            points.labels,
            points.is_test,
            points.problem,
            points.classes,
        )
    )


def unwrap(text: str) -> str:
    """Markdown with each paragraph and list item on one line (the table wraps them at 100)."""
    lines: list[str] = []
    for line in text.strip().splitlines():
        if line and lines and lines[-1] and not line.startswith("- "):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def hidden(
    units: int, activation: str, count: int = 1, dropout: float = 0.0, batch_norm: bool = False
) -> tuple[LayerSpec, ...]:
    """`count` identical hidden layers."""
    return (LayerSpec(units, activation, dropout, batch_norm),) * count


def training(
    optimizer: str = "sgd", lr: float = 0.03, batch_size: int = 10, init: str = "glorot_uniform"
) -> TrainingSpec:
    """Training settings with seed 0 and everything else at its default."""
    return TrainingSpec(
        optimizer=OptimizerSpec(optimizer, lr), batch_size=batch_size, init=init, seed=0
    )


@dataclass(frozen=True)
class LessonSource:
    """One row of the table: file name, notes, data, network and training settings."""

    name: str
    title: str
    text: str
    points: Points
    layers: tuple[LayerSpec, ...]
    training: TrainingSpec
    inputs: tuple[str, ...] = ("x1", "x2")
    standardize: bool = False
    speed: float | None = None  # epochs per second: slow enough to watch
    pause_at: tuple[int, ...] = ()  # every epoch count the text names

    def session(self) -> Session:
        """The lesson as a session without weights (it starts from init and seed)."""
        network = NetworkSpec(
            self.inputs, self.layers, self.points.problem, self.points.classes, self.standardize
        )
        return Session(
            self.points,
            network,
            self.training,
            notes=Notes(self.title, unwrap(self.text), self.speed, self.pause_at),
        )


XOR_PERCEPTRON = """
**Do:** press Play and let it run for 200 epochs.

**Watch:** the output heatmap and the train accuracy. The four blobs are the four rows of a truth
table, (x1 > 0, x2 > 0), labelled with x1 XOR x2. There is no hidden layer, so this network is a
perceptron (logistic regression):

p = σ(w₁·x₁ + w₂·x₂ + b)

Its boundary p = ½ is the straight line w₁·x₁ + w₂·x₂ + b = 0. No line puts the two diagonal blobs
on one side and the other two on the other side, so the accuracy never gets past 75 % (three blobs
out of four) and usually hovers near 50 %.

**Why:** classes that one straight line can separate are *linearly separable*. AND and OR are;
XOR is not. Minsky and Papert's 1969 book made this limit famous.

**Next:** lessons 1b and 1c keep these points and this network and only change the labels to AND
and OR: both pass 98 % within 50 epochs.
"""

AND_PERCEPTRON = """
**Do:** press Play.

**Watch:** the output heatmap. The blobs are the truth-table rows of lesson 1, now labelled
x1 AND x2: only the top-right blob is class 1. Within a few dozen epochs the boundary settles
between that blob and the rest, and the accuracy passes 98 %.

**Why:** one neuron computes p = σ(w₁·x₁ + w₂·x₂ + b), whose boundary is a straight line. AND is
linearly separable: a line such as x₁ + x₂ = 3 has the top-right blob alone on one side. Gradient
descent on the binary cross-entropy

L = −mean(y·ln p + (1 − y)·ln(1 − p))

turns and shifts the line until every point is on its side, then keeps growing the weights to make
the predictions more confident (the heatmap sharpens).

**Try:** compare lesson 1c (OR) and lesson 1 (XOR) — same points, same network.
"""

OR_PERCEPTRON = """
**Do:** press Play.

**Watch:** the output heatmap. The truth-table blobs of lesson 1 are now labelled x1 OR x2: only
the bottom-left blob is class 0. The boundary moves between that blob and the other three and the
accuracy passes 98 %.

**Why:** OR, like AND, is linearly separable: the line x₁ + x₂ = −3 has the bottom-left blob alone
on one side. A single neuron

p = σ(w₁·x₁ + w₂·x₂ + b)

can represent any such line, and gradient descent finds one. Look at the weights in the network
diagram: both inputs get a positive weight of about the same size, as the symmetry of OR suggests.

**Compare:** XOR (lesson 1) needs the two diagonal blobs on the same side. No single line does
that, which is why lesson 2 adds a hidden layer.
"""

HIDDEN_XOR = """
**Do:** press Play. These are the XOR blobs of lesson 1, but now the network has one hidden layer
of four tanh units.

**Watch:** the small pictures of the hidden units. Each one is still a single neuron, so each draws
one straight boundary. The output unit combines them:

h = tanh(W₁·x + b₁),  p = σ(w₂·h + b₂)

Two of the lines cut off the two class-1 blobs, and the output adds them up. Within about 50 epochs
the heatmap shows a band (or a cross) and the accuracy reaches 100 %.

**Why:** the hidden layer maps the points into a new space (h) where XOR *is* linearly separable.
This is the whole idea of deep learning: layers learn features that make the problem easy for the
next layer. One hidden layer with enough units can approximate any continuous function
(universal approximation theorem).

**Try:** use 2 hidden units. Two is enough in theory, yet training often gets stuck near 75 %.
"""

LINEAR_DEEP = """
**Do:** press Play. The XOR blobs again, now with three hidden layers of four units — but every
activation is *linear*.

**Watch:** the output heatmap stays a straight band, however long you train, and the accuracy
stays near 50 % (at most 75 %) exactly as for the perceptron of lesson 1. The hidden-unit pictures
are all straight ramps.

**Why:** a linear layer computes W·x + b. Stacking them gives

W₃(W₂(W₁x + b₁) + b₂) + b₃ = (W₃W₂W₁)·x + (W₃W₂b₁ + W₃b₂ + b₃) = W·x + b

— one linear layer again. Depth adds nothing without a nonlinearity: the network's logit is an
affine function of x₁ and x₂, so its boundary is a line.

**Try:** switch the activation of one layer to tanh or relu and press Play again: the same depth now
bends the boundary and solves XOR. The nonlinearity, not the number of layers, gives a network its
power.
"""

LEARNING_RATE = """
**Do:** press Play with the learning rate as shipped, 0.1. Then reset, set the learning rate to
0.0003 and play again; then try 10 (or open lesson 4b).

**Watch:** the loss plot.
- **0.0003, too small:** the loss creeps down a few percent in 100 epochs; the boundary barely
  moves.
- **0.1, right:** the loss falls steadily and the circle is solved (100 %) within 100 epochs.
- **10, too big:** the loss jumps up and down above where it started and never settles.

**Why:** each step moves every weight against its gradient:

θ ← θ − η·∇L(θ)

The step is η times the slope. Tiny η gives tiny steps. Near a minimum the loss curves like a
valley of curvature λ; a step overshoots to the other side once η > 2/λ and grows each time, so the
loss rises instead of falling.

**Rule of thumb:** try rates a factor of 3 apart (0.01, 0.03, 0.1, 0.3) and keep the largest that
still gives a smooth curve.
"""

LEARNING_RATE_TOO_BIG = """
**Do:** press Play. This is lesson 4 with the learning rate set to 10.

**Watch:** the loss plot and the output heatmap. Instead of falling, the loss jumps around well
above its starting value, and the heatmap flips back and forth from one epoch to the next.

**Why:** gradient descent takes the step θ ← θ − η·∇L(θ). In a valley of curvature λ a step
larger than 2/λ lands higher on the opposite slope, where the gradient is even bigger, so the next
step overshoots further: the iterates bounce instead of settling. With tanh units the activations
then saturate at ±1 and the loss stays high. In a regression network or with relu, the weights can
grow until the numbers overflow; the app then stops and says *Training diverged*.

**Fix it:** lower the learning rate by factors of 3 (3, 1, 0.3, 0.1) until the curve is smooth.
Gradient clipping (limit ‖∇L‖) or batch norm also make large rates safer.
"""

BATCH_SIZE = """
**Do:** press Play with batch size 1 (pure stochastic gradient descent). Then reset and play with
batch size 10, and with batch size 1000 (more than the 140 training points: full batch).

**Watch:** the loss plot. With batch size 1 the curve is jagged: it often goes *up* from one epoch
to the next. With full batch it is perfectly smooth — and much slower, because an epoch is one step.

**Why:** each step uses the gradient of a mini-batch B instead of all the data:

g = (1/|B|)·Σᵢ∈B ∇ℓᵢ(θ)

This is an unbiased estimate of the full gradient, with a variance that shrinks like 1/|B|. One
point gives a very noisy direction; the whole data set gives the exact one. Small batches take many
cheap, noisy steps per epoch; full batch takes one exact step.

**In practice:** mini-batches of 10 to 256 are the usual compromise, and the noise even helps to
escape flat regions.
"""

OPTIMIZER_RACE = """
**Do:** press Play with plain SGD and note the loss after 100 epochs. Reset, change *only* the
optimizer — Momentum, Nesterov, Adagrad, RMSprop, Adam — keeping the learning rate at 0.01, and
race again.

**Watch:** the loss plot. SGD and Adagrad crawl; Momentum and Nesterov go several times lower;
RMSprop and Adam are fastest here.

**Why:** all of them step against the gradient g, but differently:
- SGD: θ ← θ − η·g
- Momentum: v ← 0.9·v + g, θ ← θ − η·v (a heavy ball gathers speed)
- Nesterov: the same, but looks ahead along v
- Adagrad: divides by √(sum of all past g²) — its steps keep shrinking
- RMSprop: divides by √(running mean of g²)
- Adam: momentum m and RMSprop scale v together: θ ← θ − η·m̂/(√v̂ + ε)

Dividing by √v gives every weight a step of about η whatever its gradient's size, which helps
weights whose gradients are tiny.

**Note:** there is no best optimizer in general; tune the learning rate for each.
"""

VANISHING = """
**Do:** press Play. The network has six hidden layers of eight *sigmoid* units, initialised with
Glorot uniform.

**Watch:** the gradient plot (one curve per layer). The output layer's gradient is thousands of
times bigger than the first layer's: the first layers hardly learn, the loss stays near ln 2 ≈ 0.69
and the circle is not found.

**Why:** backpropagation multiplies, layer by layer, by the weights and the activation's slope:

∂L/∂W₁ ∝ σ′(z₁)·W₂ᵀ·σ′(z₂)·W₃ᵀ ⋯ σ′(z₆)·W₇ᵀ·δ

and the sigmoid's slope σ′(z) = σ(z)(1 − σ(z)) is at most ¼. Six factors of ¼ or less shrink the
signal by more than 4⁶ = 4096. The gradient *vanishes* on its way back to the input.

**Next:** lesson 7b uses relu with He initialization: the same depth trains in a few dozen epochs.
"""

RELU_HE = """
**Do:** press Play. Same six hidden layers as lesson 7, but relu units initialised with He uniform.

**Watch:** the gradient plot. Every layer's gradient is of the same order of magnitude (within a
factor of ten or so), and the loss drops to near zero within 50 epochs.

**Why:** relu(z) = max(0, z) has slope exactly 1 for active units, so backpropagation no longer
multiplies by ¼ per layer. What remains is the size of the weights. He initialization draws

W ~ U(−√(6/fan_in), +√(6/fan_in)),  i.e. Var(W) = 2/fan_in

The factor 2 makes up for relu zeroing half of its inputs, so the variance of activations (forward)
and of gradients (backward) stays about the same from layer to layer.

**Try:** keep relu but choose the *normal* initializer, W ~ N(0, 1), twice He's spread for eight
inputs: the activations grow layer by layer, the first loss is about 20 instead of about 1, and the
huge first steps leave the network stuck at ln 2 ≈ 0.69. Initialization and activation must fit
together.
"""

ZERO_INIT = """
**Do:** press Play. The network has two hidden layers of four sigmoid units, and every weight
starts at zero.

**Watch:** the hidden units' pictures: all four units of a layer look the same at every epoch,
and the accuracy stays near 50 %. The network diagram shows identical weights.

**Why:** with equal weights every unit of a layer computes the same output, h = σ(0) = ½ at the
start. Backpropagation then gives each of them the same gradient

∂L/∂W₁[i, :] = (w₂[i]·σ′(z₁[i])·δ)·xᵀ — the same for every unit i

so they change by the same amount and stay clones forever. Four identical units are no better than
one, and one unit per layer cannot draw a circle. (With tanh or relu, zero weights give zero outputs
and zero gradients: nothing moves at all.)

**Fix it:** choose a random initializer such as *glorot_uniform* and press Play again: the units
differ from the first step, and the circle is solved within about 100 epochs. Random initialization
breaks the symmetry.
"""

OVERFITTING = """
**Do:** press Play for 300 epochs: a noisy XOR with only 30 training points (the rest are test
points) and a big network, three hidden layers of 32 units.

**Watch:** the loss plot. The training loss falls to almost zero while the test loss turns and
climbs. Training accuracy is 100 %, test accuracy about 80 %.

**Why:** about 2,200 weights can fit 30 points in countless ways, and training finds a boundary
that bends around every noisy point: the network memorises the noise. That is *overfitting*.

**Fix it**, one at a time, each from a reset:
- **L2**, rate λ = 0.03: minimises L + λ/2·‖W‖² instead of L (the gradient gains λW), keeping the
  weights small and the boundary smooth.
- **Dropout** 0.5 on each hidden layer: every step drops half the units at random, so no unit can
  rely on another.
- **Early stopping**, patience 20: stops when the test loss has not improved for that many epochs
  and restores the best weights.

Each one cuts the test loss to less than half of the overfitted value.
"""

FEATURES_CIRCLE = """
**Do:** press Play. There is no hidden layer, but the inputs are x₁² and x₂² instead of x₁ and x₂.

**Watch:** the output heatmap: a perceptron draws a *circle*, and the accuracy reaches 100 % within
a few dozen epochs.

**Why:** the model is still linear — in its features:

p = σ(w₁·x₁² + w₂·x₂² + b)

Its boundary w₁·x₁² + w₂·x₂² + b = 0 is a line in the (x₁², x₂²) plane, and with w₁ ≈ w₂ < 0 it is
the circle x₁² + x₂² = r² in the original plane. The class here depends only on the radius, so
these two features make the problem linearly separable.

**Try:** switch the inputs back to x₁ and x₂: the perceptron is stuck near 50 %. Then add the
hidden layers back instead: the network can learn such features itself, but needs more time and
weights. Good features, chosen with knowledge of the problem, make a small model enough.
"""

SOFTMAX = """
**Do:** press Play. The data is a spiral with three arms, one class per arm, and the network has two
hidden layers of 16 tanh units trained with Adam.

**Watch:** the output heatmap shows three coloured regions winding around each other; the accuracy
passes 90 % within about 100 epochs.

**Why:** with more than two classes the output layer has one unit per class, and *softmax* turns
their scores z into probabilities that sum to one:

pₖ = exp(zₖ) / Σⱼ exp(zⱼ)

The loss is the cross-entropy L = −mean(ln p_y): the negative log-probability of the true class.
Its gradient with respect to the scores is simply p − onehot(y), so each step raises the score of
the right class and lowers the others in proportion to their probability. The predicted class is the
one with the highest probability.

**Try:** reduce the hidden layers to one of 4 units: three spiral arms need more than a few straight
cuts.
"""

REGRESSION = """
**Do:** press Play. The target is a real number, y = sin(x₁) — a wave along x₁ — so this is
*regression*, not classification.

**Watch:** the loss plot and the heatmap, which now shows the predicted value rather than a class.
The mean squared error drops from about 1 to below 0.02 within 200 epochs, and the heatmap shows
stripes of the wave.

**Why:** for regression the output unit is linear (no sigmoid), and the loss is the mean squared
error

MSE = mean((ŷ − y)²)

whose gradient 2(ŷ − y) pushes each prediction toward its target in proportion to the error. The
two tanh layers build the wave from S-shaped pieces.

**Try:** remove both hidden layers. A linear model ŷ = w₁x₁ + w₂x₂ + b can only fit a plane through
the wave, and the error stays above 0.3. Try also MAE or Huber loss: they punish large errors less
than MSE, so outliers pull less.
"""

INPUT_SCALING = """
**Do:** press Play and watch 100 epochs. Then reset, tick **standardize inputs**, and play again.

**Watch:** the data first. It is the circle of earlier lessons with x₂ multiplied by 0.05, as if x₂
had been measured in a unit 20 times bigger: it spans only ±0.25 while x₁ spans ±5. Without
standardization the loss crawls, the boundary is nearly two vertical lines x₁ ≈ ±2.5 (x₂ is barely
used) and the accuracy stays near 85 %. With it, the circle is found and the accuracy reaches
100 %.

**Why:** a weight's gradient is proportional to its input, ∂L/∂w₂ = δ·x₂, so the weights of x₂ get
20 times smaller gradients — yet need to be 20 times larger to matter. Along w₂ the loss valley is
400 times flatter than along w₁, and one learning rate cannot suit both. Standardization rescales
every input feature by the mean μ and standard deviation s of the training points:

x′ = (x − μ) / s

so every input has mean 0 and variance 1, and the valley becomes round.

**Next:** lesson 13b — scaling inside the network, with batch norm.
"""

BATCH_NORM = """
**Do:** press Play: the inputs are standardized (lesson 13), but this deeper network of three
sigmoid layers does not learn — the loss stays at ln 2 ≈ 0.69. Reset, tick **batch norm** on every
hidden layer, and play again.

**Watch:** the loss plot and the gradient plot. With batch norm the loss falls below 0.2 within 100
epochs and the accuracy reaches about 99 %.

**Why:** standardization fixes the *inputs* only. Inside the network each sigmoid layer outputs
values around ½ with a small spread, so the next layer's inputs are badly scaled again and the
gradients fade (lesson 7). Batch norm standardizes every hidden unit's pre-activation over the
mini-batch, then lets the network choose a new scale γ and shift β:

ẑ = (z − μ_B) / √(σ_B² + ε),  y = γ·ẑ + β

Every layer then works in the steep middle of its activation.

**Try:** batch norm with standardization turned off: it still learns, but more slowly — batch norm
does not undo the squashed x₂ inside the first layer's weights.
"""


TABLE: tuple[LessonSource, ...] = (
    LessonSource(
        "01-perceptron-xor",
        "1. A perceptron cannot learn XOR",
        XOR_PERCEPTRON,
        truth_table("xor"),
        (),
        training(),
        speed=30,
        pause_at=(200,),
    ),
    LessonSource(
        "01b-perceptron-and",
        "1b. A perceptron learns AND",
        AND_PERCEPTRON,
        truth_table("and"),
        (),
        training(),
        speed=10,
    ),
    LessonSource(
        "01c-perceptron-or",
        "1c. A perceptron learns OR",
        OR_PERCEPTRON,
        truth_table("or"),
        (),
        training(),
        speed=10,
    ),
    LessonSource(
        "02-hidden-layer-xor",
        "2. One hidden layer solves XOR",
        HIDDEN_XOR,
        truth_table("xor"),
        hidden(4, "tanh"),
        training(),
        speed=10,
        pause_at=(50,),
    ),
    LessonSource(
        "03-linear-stays-linear",
        "3. Linear layers stay linear",
        LINEAR_DEEP,
        truth_table("xor"),
        hidden(4, "linear", 3),
        training(),
        speed=30,
    ),
    LessonSource(
        "04-learning-rate",
        "4. The learning rate",
        LEARNING_RATE,
        dataset("circle"),
        hidden(4, "tanh"),
        training(lr=0.1),
        speed=10,
        pause_at=(100,),
    ),
    LessonSource(
        "04b-learning-rate-too-big",
        "4b. A learning rate that is too big",
        LEARNING_RATE_TOO_BIG,
        dataset("circle"),
        hidden(4, "tanh"),
        training(lr=10.0),
        speed=5,
    ),
    LessonSource(
        "05-batch-size",
        "5. Full batch, mini-batch and SGD",
        BATCH_SIZE,
        dataset("xor", noise=0.2),
        hidden(4, "tanh"),
        training(batch_size=1),
        speed=10,
    ),
    LessonSource(
        "06-optimizer-race",
        "6. An optimizer race",
        OPTIMIZER_RACE,
        dataset("moons", noise=0.3),
        hidden(8, "tanh"),
        training(lr=0.01),
        speed=10,
        pause_at=(100,),
    ),
    LessonSource(
        "07-vanishing-gradients",
        "7. Vanishing gradients",
        VANISHING,
        dataset("circle"),
        hidden(8, "sigmoid", 6),
        training(),
        speed=30,
    ),
    LessonSource(
        "07b-relu-he-init",
        "7b. ReLU with He initialization",
        RELU_HE,
        dataset("circle"),
        hidden(8, "relu", 6),
        training(init="he_uniform"),
        speed=10,
        pause_at=(50,),
    ),
    LessonSource(
        "08-zero-init",
        "8. All-zero initialization",
        ZERO_INIT,
        dataset("circle"),
        hidden(4, "sigmoid", 2),
        training(lr=0.3, init="zeros"),
        speed=10,
        pause_at=(100,),
    ),
    LessonSource(
        "09-overfitting",
        "9. Overfitting, L2, dropout and early stopping",
        OVERFITTING,
        dataset("xor", noise=0.3, test_ratio=0.85),
        hidden(32, "tanh", 3),
        training("adam", lr=0.01),
        speed=30,
        pause_at=(300,),
    ),
    LessonSource(
        "10-feature-engineering",
        "10. Feature engineering",
        FEATURES_CIRCLE,
        dataset("circle"),
        (),
        training(),
        inputs=("x1^2", "x2^2"),
        speed=10,
    ),
    LessonSource(
        "11-softmax-spiral",
        "11. More than two classes: softmax",
        SOFTMAX,
        dataset("spiral", n=300, noise=0.1, arms=3),
        hidden(16, "tanh", 2),
        training("adam", lr=0.01),
        speed=10,
        pause_at=(100,),
    ),
    LessonSource(
        "12-regression-mse",
        "12. Regression with MSE",
        REGRESSION,
        dataset("sine", n=300),
        hidden(16, "tanh", 2),
        training("adam", lr=0.01),
        speed=30,
        pause_at=(200,),
    ),
    LessonSource(
        "13-input-scaling",
        "13. Badly scaled inputs and standardization",
        INPUT_SCALING,
        squashed(dataset("circle"), 0.05),
        hidden(8, "tanh", 2),
        training(),
        speed=10,
        pause_at=(100,),
    ),
    LessonSource(
        "13b-batch-norm",
        "13b. Batch normalization",
        BATCH_NORM,
        squashed(dataset("circle"), 0.05),
        hidden(8, "sigmoid", 3),
        training(lr=0.1),
        standardize=True,
        speed=10,
        pause_at=(100,),
    ),
)


def main(folder: Path = FOLDER) -> list[Path]:
    """Write every lesson of the table into `folder`; return the paths written."""
    paths = []
    for source in TABLE:
        path = folder / f"{source.name}.json"
        save_session(source.session(), path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in main():
        print(written)
