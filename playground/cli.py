"""The nn-playground command: open the app, or train, export, predict, make data, benchmark.

Exit status: 0 success, 2 bad input (one line on stderr, no traceback), 1 internal error.
Nothing is written unless the command succeeds; files are written atomically. Heavy modules
(numba, onnx, Qt) are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TextIO

from playground.frozen import configure_frozen_runtime

if TYPE_CHECKING:
    from tqdm import tqdm

    from playground.engine.landscape import LandscapeResult
    from playground.engine.trainer import Trainer
    from playground.race import RaceResult
    from playground.session import Session

PROG = "nn-playground"
DEBUG_VARIABLE = "NN_PLAYGROUND_DEBUG"
MAX_EPOCHS = 10_000_000


class CommandError(ValueError):
    """Bad input found by a command itself (exit status 2)."""


class App(Protocol):
    """The windowed app, as the commands need it. `playground.launcher` hands it to `main`, so that
    this module never imports the UI nor Qt (DESIGN §1)."""

    def run(self, session_path: str | None) -> int:
        """Open the window (on a session file, if given) until it closes; the exit status."""

    def bench(self) -> dict[str, float]:
        """Measure training in the running app (`bench --gui`)."""

    def landscape_picture(self, result: LandscapeResult, path: str) -> None:
        """Draw a loss landscape (`landscape -o OUT.png`) as the app's view does, into a PNG."""

    def race_picture(self, result: RaceResult, path: str) -> None:
        """Draw an optimizer race (`race -o OUT.png`) as the app's view does, into a PNG."""


# ----- commands ----------------------------------------------------------------------------


def cmd_open(args: argparse.Namespace) -> int:
    """Check the session file, then open the app on it."""
    from playground.session import load_session

    load_session(args.session)
    return start_app(args.app, args.session)


def cmd_train(args: argparse.Namespace) -> int:
    """Train a session for some epochs and save it with the new weights."""
    from playground.session import MAX_EPOCH, load_session, save_session

    if args.save:
        check_output(args.save, (".json",), "a session")
    session = load_session(args.session)
    if session.epoch + args.epochs > MAX_EPOCH:
        raise CommandError(
            f"{args.session}: epoch: {session.epoch} + {args.epochs} epochs would "
            f"pass the largest epoch count ({MAX_EPOCH}); train fewer epochs"
        )
    try:
        trainer = session.make_trainer()
    except ValueError as error:
        message = str(error)
        if message.startswith("batch_size:"):
            message = "training." + message
        raise CommandError(f"{args.session}: {message}") from None
    report = TrainingReport(trainer, args.epochs, sys.stderr if sys.stderr.isatty() else None)
    for _ in range(args.epochs):
        trainer.run_epochs(1)
        if trainer.diverged:
            report.close()
            raise CommandError(f"{args.session}: {trainer.message} Nothing was saved.")
        if trainer.stopped_early:
            break
        report.update()
    report.finish()
    if trainer.stopped_early:
        print(f"{PROG}: note: {trainer.message}", file=sys.stderr)
    trained = session.replace(
        weights=tuple(trainer.weights()),
        epoch=session.epoch + trainer.epoch,
        state=trainer.export_state(),
    )
    if args.save:
        save_session(trained, args.save)
        say(f"saved {args.save} (epoch {trained.epoch})")
    else:
        print("not saved (add --save OUT.json to keep the trained weights)", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export a session's network and weights as model JSON, NPZ or ONNX."""
    from playground.io.model import check_export_path, export_model
    from playground.session import load_session

    check_export_path(args.output)
    check_output(args.output, (), "a model", inputs=(args.session,))
    session = load_session(args.session)
    if session.weights is None:
        _note(
            f"{args.session} has no trained weights; exporting the initial weights "
            f"(train it first: {PROG} train {args.session} --epochs 100)"
        )
    try:
        model = session.to_model()
    except ValueError as error:
        raise CommandError(f"{args.session}: {error}") from None
    export_model(args.output, model)
    say(f"wrote {args.output}")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    """Predict with a session or a model for the points of a CSV file."""
    from playground.io.atomic import atomic_write_text
    from playground.io.forward import OverflowingPoint
    from playground.io.prediction_csv import format_predictions, read_point_table
    from playground.session import model_from_file

    if args.output:
        check_output(args.output, CSV_SUFFIXES, "CSV", inputs=(args.model, args.input))
    table = read_point_table(args.input)
    model = model_from_file(args.model, warn=_note)
    try:
        outputs = model.predict(table.xy)
    except OverflowingPoint as error:
        x1, x2 = table.xy[error.index]
        line = f"line {table.lines[error.index]}: " if table.lines else ""
        raise CommandError(
            f"{args.input}: {line}the point ({x1:g}, {x2:g}) cannot be predicted: {error}"
        ) from None
    text = format_predictions(table, model.network.problem, outputs)
    if args.output:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_data(args: argparse.Namespace) -> int:
    """Generate a dataset as CSV."""
    from playground.data.generators import generate
    from playground.io.csv import format_csv, write_csv

    options = {
        name: getattr(args, name) for name in dataset_options() if getattr(args, name) is not None
    }
    points = generate(
        args.name,
        n=args.n,
        noise=args.noise,
        seed=args.seed,
        test_ratio=args.test_ratio,
        validation_ratio=args.validation_ratio,
        **options,
    )
    if args.output:
        check_output(args.output, CSV_SUFFIXES, "CSV")
        write_csv(args.output, points)
    else:
        sys.stdout.write(format_csv(points))
    return 0


def cmd_landscape(args: argparse.Namespace) -> int:
    """The training loss over a plane through the (trained) weights, as NPZ or PNG."""
    from playground.engine.landscape import landscape_of
    from playground.session import load_session

    check_output(args.output, PICTURE_SUFFIXES, "a loss landscape", inputs=(args.session,))
    if args.directions == "pca" and args.epochs is None:
        raise CommandError(
            "--directions pca needs --epochs N: the principal components are those of the "
            "training path"
        )
    picture = _picture_maker(args, "landscape_picture")
    session = load_session(args.session)
    trainer = _trainer_of(session, args.session)
    try:
        result = landscape_of(
            trainer,
            epochs=args.epochs or 0,
            directions=args.directions,
            seed=args.seed,
            span=args.span,
            resolution=args.resolution,
        )
    except ValueError as error:
        raise CommandError(f"{args.session}: {error} Nothing was written.") from None
    if picture is not None:
        picture(result, args.output)
    else:
        from playground.io.landscape_npz import landscape_arrays, write_arrays

        write_arrays(args.output, landscape_arrays(result, trainer))
    say(f"wrote {args.output}")
    return 0


def cmd_race(args: argparse.Namespace) -> int:
    """Optimizers in lockstep from the same weights: losses, paths on one plane, final weights."""
    from playground.race import parse_contestants, race_arrays, run_race
    from playground.session import load_session

    check_output(args.output, PICTURE_SUFFIXES, "an optimizer race", inputs=(args.session,))
    contestants = parse_contestants(args.contestants)
    picture = _picture_maker(args, "race_picture")
    session = load_session(args.session)
    _trainer_of(session, args.session)  # the session trains at all (memory, loss)
    result = run_race(
        session,
        contestants,
        args.epochs,
        directions=args.directions,
        span=args.span,
        resolution=args.resolution,
        seed=args.seed,
    )
    for standing in result.standings:
        if standing.message:
            _note(f"{standing.contestant.name}: {standing.message}")
    if picture is not None:
        picture(result, args.output)
    else:
        from playground.io.landscape_npz import write_arrays

        write_arrays(args.output, race_arrays(result))
    say(f"wrote {args.output}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """One point through the network, written out: per layer z, a, delta, grad_W, grad_b."""
    import json

    import numpy as np

    from playground.engine.explain import (
        explain,
        explanation_dict,
        explanation_text,
        features_of,
    )
    from playground.session import load_session

    x1, x2 = args.point
    if not (math.isfinite(x1) and math.isfinite(x2)):
        raise CommandError(f"--point: {x1:g} {x2:g}: expected two finite numbers")
    session = load_session(args.session)
    label = _explain_label(args.label, session, args.session)
    try:
        model = session.to_model()
        loss = session.training.loss_for(session.network)
    except ValueError as error:
        raise CommandError(f"{args.session}: {error}") from None
    X = features_of(model.network, model.standardization, [[x1, x2]])
    explanation = explain(model.network, model.weights, loss, X, [label], neurons=session.neurons)
    if not all(np.all(np.isfinite(layer.delta)) for layer in explanation.layers):
        raise CommandError(
            f"{args.session}: the network overflows at ({x1:g}, {x2:g}) (infinite or NaN "
            "values); nothing to explain"
        )
    if args.json:
        say(json.dumps(explanation_dict(explanation)))
    else:
        say(explanation_text(explanation, model.network.inputs))
    return 0


def _explain_label(text: str, session: Session, path: str) -> float:
    """--label as a class index of the session's classes, or a finite regression target."""
    network = session.network
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if network.problem == "regression":
        if not math.isfinite(value):
            raise CommandError(f"--label: {text!r} is not a finite number (the target value)")
        return value
    if not (math.isfinite(value) and value == int(value) and 0 <= value < network.classes):
        raise CommandError(
            f"--label: {text!r} is not a class of {path} (a class index 0 to {network.classes - 1})"
        )
    return value


PICTURE_SUFFIXES = (".npz", ".png")


def _picture_maker(args: argparse.Namespace, name: str) -> Callable[..., None] | None:
    """The app's renderer for a .png output (None for .npz); CommandError without one."""
    if os.path.splitext(args.output)[1].lower() != ".png":
        return None
    picture = getattr(args.app, name, None)
    if picture is None:
        raise CommandError(
            f"{args.output}: a PNG picture needs the app's renderer, which is not available "
            "here; write .npz instead"
        )
    return picture


def _trainer_of(session: Session, path: str) -> Trainer:
    """The session's Trainer; CommandError (naming the file) if it cannot train."""
    try:
        return session.make_trainer()
    except ValueError as error:
        message = str(error)
        if message.startswith("batch_size:"):
            message = "training." + message
        raise CommandError(f"{path}: {message}") from None


def cmd_bench(argv: list[str], app: App | None) -> int:
    """Forward to the benchmark's own command line."""
    from playground.bench import main as bench_main

    return int(bench_main(argv, gui_bench=app.bench if app is not None else None) or 0)


CSV_SUFFIXES = (".csv", ".txt", "")


def check_output(
    output: str, suffixes: tuple[str, ...], what: str, inputs: tuple[str, ...] = ()
) -> None:
    """Refuse an output that is one of the inputs, or whose suffix names another format."""
    from playground.io.atomic import is_special_output

    for given in inputs:
        try:
            same = os.path.samefile(output, given)
        except OSError:
            same = False
        if same:
            raise CommandError(
                f"{output}: is also the input ({given}); write to another file "
                "(the input would be lost)"
            )
    suffix = os.path.splitext(output)[1].lower()
    if suffixes and suffix not in suffixes and not is_special_output(output):
        shown = ", ".join(f"'{s}'" for s in suffixes if s)
        raise CommandError(
            f"{output}: the {suffix!r} suffix does not fit: this writes {what} "
            f"(use a name ending in {shown})"
            + (
                "; to export a model: nn-playground export SESSION -o MODEL"
                if ".json" in suffixes
                else ""
            )
        )


def say(text: str) -> None:
    """Print a line on stdout; a reader that left (closed pipe) never stops the command."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        _silence_stdout()


def _silence_stdout() -> None:
    """Send the rest of stdout to the null device (its reader has gone)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def start_app(app: App | None, session_path: str | None) -> int:
    """Open the app, if this command line was started with one (it is, as nn-playground)."""
    if app is None:
        raise CommandError(f"the app is not available here; run {PROG} or python -m playground")
    return app.run(session_path)


# ----- progress ----------------------------------------------------------------------------


class TrainingReport:
    """Progress of `train`: a tqdm bar on a terminal (stderr), else about ten summary lines."""

    def __init__(self, trainer: Trainer, epochs: int, terminal: TextIO | None) -> None:
        self.trainer = trainer
        self.epochs = epochs
        self.first_epoch = trainer.epoch
        self.every = max(1, math.ceil(epochs / 10))
        self.bar = None if terminal is None else _epoch_bar(trainer, epochs, terminal)

    @property
    def done(self) -> int:
        """Epochs run so far by this command."""
        return self.trainer.epoch - self.first_epoch

    def update(self) -> None:
        """After an epoch: move the bar (drawn at most 10 times a second) or print a summary."""
        if self.bar is not None:
            self.bar.update(self.done - self.bar.n)
        elif self.done % self.every == 0 and self.done < self.epochs:
            say(self.summary())

    def finish(self) -> None:
        """The final summary line (on stdout), after clearing the bar."""
        self.close()
        say(self.summary())

    def close(self) -> None:
        """Draw the bar a last time and end its line."""
        if self.bar is not None:
            self.bar.close()

    def summary(self) -> str:
        """'epoch 10/100  train loss 0.123456  test loss ...  train accuracy 95.0% ...' (the
        validation loss and accuracy too when there are validation points)."""
        snap = self.trainer.snapshot()
        parts = [f"epoch {self.done}/{self.epochs}", f"train loss {snap.train_loss:.6f}"]
        if snap.validation_loss is not None:
            parts.append(f"validation loss {snap.validation_loss:.6f}")
        if snap.test_loss is not None:
            parts.append(f"test loss {snap.test_loss:.6f}")
        for name, value in (
            ("train", snap.train_accuracy),
            ("validation", snap.validation_accuracy),
            ("test", snap.test_accuracy),
        ):
            if value is not None:
                parts.append(f"{name} accuracy {100 * value:.1f}%")
        return "  ".join(parts)


def _epoch_bar(trainer: Trainer, epochs: int, terminal: TextIO) -> tqdm:
    """A tqdm bar of epochs that ends with the losses, evaluated only when the bar is drawn."""
    from tqdm import tqdm

    class EpochBar(tqdm):
        monitor_interval = 0  # no monitor thread: the bar is updated every epoch

        @property
        def format_dict(self) -> dict:
            info = super().format_dict
            snap = trainer.snapshot()
            info["postfix"] = f"train loss {snap.train_loss:.4f}" + (
                "" if snap.test_loss is None else f"  test loss {snap.test_loss:.4f}"
            )
            return info

    return EpochBar(total=epochs, file=terminal, unit="epoch", mininterval=0.1, dynamic_ncols=True)


# ----- argument parsing --------------------------------------------------------------------


def _epochs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_EPOCHS:
        raise argparse.ArgumentTypeError(f"{value} is out of range (1 to {MAX_EPOCHS})")
    return value


def _resolution(text: str) -> int:
    from playground.engine.landscape import MAX_RESOLUTION

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 2 <= value <= MAX_RESOLUTION:
        raise argparse.ArgumentTypeError(f"{value} is out of range (2 to {MAX_RESOLUTION})")
    return value


def _span(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(value) and 0.0 < value <= 1e6):
        raise argparse.ArgumentTypeError(f"{text} is out of range (above 0, at most 1e6)")
    return value


def _plane_options(parser: argparse.ArgumentParser, race: bool = False) -> None:
    """--resolution, --span, --directions, --seed: the plane and its grid."""
    parser.add_argument(
        "--resolution", type=_resolution, default=31, help="grid points per axis (default 31)"
    )
    parser.add_argument(
        "--span", type=_span, default=1.0, help="alpha and beta from -S to S (default 1.0)"
    )
    parser.add_argument(
        "--directions",
        choices=("random", "pca"),
        default="random",
        help="filter-normalised random directions (default) or the first two principal "
        + ("components of all the paths" if race else "components of the path (needs --epochs)"),
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the random directions (default 0)"
    )


def dataset_options() -> dict[str, str]:
    """Every dataset option name, with its help text (which datasets take it, its range)."""
    from playground.data.generators import DATASETS

    options: dict[str, list[str]] = {}
    for info in DATASETS.values():
        for option in info.options:
            options.setdefault(option.name, []).append(
                f"{info.name}: {option.title.lower()}, {option.minimum} to {option.maximum}, "
                f"default {option.default}"
            )
    return {name: "; ".join(texts) for name, texts in options.items()}


Command = Callable[[argparse.Namespace], int]


def _add(
    subparsers: argparse._SubParsersAction, name: str, run: Command, summary: str, example: str
) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(run=run)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command (bench only appears: its arguments are its own)."""
    from playground.data.generators import DATASETS

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="A neural-network playground. Without a command, opens the app.",
        epilog=f"examples:\n  {PROG}\n  {PROG} train lesson.json --epochs 200 --save out.json\n"
        f"  {PROG} <command> --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="<command>")

    p = _add(sub, "open", cmd_open, "open the app on a session file", f"{PROG} open lesson.json")
    p.add_argument("session", help="session file (.json)")

    p = _add(
        sub,
        "train",
        cmd_train,
        "train a session for some epochs and save it with the trained weights",
        f"{PROG} train lesson.json --epochs 200 --save trained.json",
    )
    p.add_argument("session", help="session file (.json)")
    p.add_argument("--epochs", type=_epochs, required=True, help="epochs to train")
    p.add_argument(
        "--save",
        metavar="OUT.json",
        help="where to save the trained session (default: nothing is written)",
    )

    p = _add(
        sub,
        "export",
        cmd_export,
        "export a session's network and weights (format from the suffix)",
        f"{PROG} export trained.json -o model.onnx",
    )
    p.add_argument("session", help="session file (.json)")
    p.add_argument(
        "-o", "--output", required=True, metavar="MODEL", help="model.json, model.npz or model.onnx"
    )

    p = _add(
        sub,
        "predict",
        cmd_predict,
        "predict for the points of a CSV file (columns x1, x2) with a session or model",
        f"{PROG} predict model.npz --input points.csv -o predictions.csv",
    )
    p.add_argument("model", help="a session (.json), an exported model (.json) or .npz")
    p.add_argument(
        "--input",
        required=True,
        metavar="POINTS.csv",
        help="CSV with columns x1 and x2 (other columns are copied)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT.csv",
        help="where to write the predictions (default: standard output)",
    )

    p = _add(
        sub,
        "data",
        cmd_data,
        "generate a dataset as CSV (x1,x2,label,split)",
        f"{PROG} data spiral -o spiral.csv --n 500 --noise 0.1 --seed 0 --arms 3",
    )
    p.add_argument(
        "name", choices=list(DATASETS), metavar="NAME", help=f"one of: {', '.join(DATASETS)}"
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT.csv",
        help="where to write the CSV (default: standard output)",
    )
    p.add_argument("--n", type=int, default=200, help="number of points (default 200)")
    p.add_argument("--noise", type=float, default=0.0, help="noise from 0 to 1 (default 0)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--test-ratio", type=float, default=0.0, help="share of test points, 0 to 0.9 (default 0)"
    )
    p.add_argument(
        "--validation-ratio",
        type=float,
        default=0.0,
        help="share of validation points (early stopping watches them; the test points stay "
        "untouched), 0 to 0.9 with the test share (default 0)",
    )
    for name, text in dataset_options().items():
        p.add_argument(f"--{name}", type=int, help=text)

    p = _add(
        sub,
        "landscape",
        cmd_landscape,
        "the training loss over a plane through the weights (filter-normalised random "
        "directions or the path's principal components), as NPZ or a PNG picture",
        f"{PROG} landscape lesson.json --epochs 50 -o landscape.npz",
    )
    p.add_argument("session", help="session file (.json)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="OUT.npz or OUT.png")
    p.add_argument(
        "--epochs",
        type=_epochs,
        help="train this many epochs first, recording the path; the plane goes through the "
        "last weights (default: no training, the session's weights)",
    )
    _plane_options(p)

    p = _add(
        sub,
        "race",
        cmd_race,
        "optimizers race from the same weights on the same batches: loss curves and paths on "
        "one plane, as NPZ or a PNG picture",
        f"{PROG} race lesson.json --contestants sgd,momentum,adam@0.003 --epochs 50 -o race.npz",
    )
    p.add_argument("session", help="session file (.json)")
    p.add_argument(
        "--contestants",
        required=True,
        metavar="LIST",
        help="2 to 6 optimizers, each with an optional learning rate: sgd,momentum,adam@0.003 "
        "or adam@0.1,adam@0.01 (without @LR: the session's rate for its own optimizer, else "
        "the optimizer's default)",
    )
    p.add_argument("--epochs", type=_epochs, required=True, help="epochs to train")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="OUT.npz or OUT.png")
    _plane_options(p, race=True)

    p = _add(
        sub,
        "explain",
        cmd_explain,
        "one point through the network, written out (eval mode, data loss): the features; per "
        "layer z, a, delta = dL/dz, grad_W, grad_b; the output and the loss",
        f"{PROG} explain lesson.json --point 0.5 -1.2 --label 1 --json",
    )
    p.add_argument("session", help="session file (.json)")
    p.add_argument(
        "--point", type=float, nargs=2, required=True, metavar=("X1", "X2"), help="the point"
    )
    p.add_argument(
        "--label", required=True, metavar="Y", help="its class index, or its value (regression)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object (DESIGN 5)")

    _add(
        sub,
        "bench",
        lambda args: cmd_bench([], args.app),
        "measure training speed (see: bench --help)",
        f"{PROG} bench --json",
    )  # main() hands `bench ...` to the benchmark before parsing
    return parser


# ----- entry points ------------------------------------------------------------------------


def main(argv: list[str] | None = None, app: App | None = None) -> int:
    """Run the command in argv (default: sys.argv); without one, open the app. The exit status.

    `nn-playground` and `python -m playground` come here through `playground.launcher`, which
    passes the app."""
    configure_frozen_runtime()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "bench":
        return _guarded(lambda: cmd_bench(argv[1:], app))
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help (0) or a usage error (2, already printed)
        return 0 if done.code is None else done.code if isinstance(done.code, int) else 2
    args.app = app
    if args.command is None:
        return _guarded(lambda: start_app(app, None))
    return _guarded(lambda: args.run(args))


def _guarded(run: Callable[[], int]) -> int:
    """Run a command, turning errors into one line on stderr and an exit status."""
    try:
        return run()
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `... | head`: the reader left; that is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ValueError, OSError) as error:  # SessionError and FormatError are ValueErrors
        _error(describe(error))
        return 2
    except Exception as error:
        if os.environ.get(DEBUG_VARIABLE) == "1":
            raise
        _error(f"internal error: {type(error).__name__}: {error}".splitlines()[0])
        print(
            f"{PROG}: this is a bug; run again with {DEBUG_VARIABLE}=1 to see the traceback, "
            "and please report it",
            file=sys.stderr,
        )
        return 1


def describe(error: BaseException) -> str:
    """One line about an error: OSErrors as 'file: reason', others by their message."""
    if isinstance(error, OSError) and error.strerror:
        where = error.filename if error.filename is not None else ""
        return f"{where}: {error.strerror}" if where else error.strerror
    text = " ".join(str(error).split("\n")).strip()
    return text or type(error).__name__


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _note(message: str) -> None:
    print(f"{PROG}: note: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
