"""Build the one-folder app with PyInstaller, then smoke-test the frozen result headless.

    python packaging/build.py [--dist DIR] [--work DIR] [--clean] [--skip-build]

The smoke test trains a small session twice with a fresh NUMBA_CACHE_DIR (the first run compiles
the kernels, the second must load them from the cache), checks that the default per-user cache
folder is created, and opens the window once with NN_PLAYGROUND_SMOKE_TEST=1 (the app quits
shortly after the window is shown). Exit status 0 only if everything passed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
REPO = PACKAGING.parent
SPEC = PACKAGING / "nn-playground.spec"
APP_FOLDER = "nn-playground"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
TRAIN_EPOCHS = 5
TRAIN_TIMEOUT_S = 900
GUI_TIMEOUT_S = 120


class SmokeTestError(Exception):
    """A check of the frozen app failed."""


class SmokeTimeoutError(SmokeTestError):
    """The frozen app did not finish in time."""


def smoke_session() -> dict:
    """A minimal valid session (DESIGN §4): 20 points, x1,x2 → 4 tanh → 1, sgd 0.03, batch 10."""
    rng = random.Random(0)
    points = []
    for index in range(20):
        x1, x2 = rng.uniform(-3, 3), rng.uniform(-3, 3)
        points.append([x1, x2, int(x1 + x2 > 0), "test" if index % 5 == 4 else "train"])
    return {
        "format": "nn-playground/session",
        "version": 1,
        "data": {"problem": "classification", "classes": 2, "points": points},
        "network": {
            "inputs": ["x1", "x2"],
            "layers": [{"units": 4, "activation": "tanh", "dropout": 0.0, "batch_norm": False}],
        },
        "training": {
            "optimizer": {"name": "sgd", "lr": 0.03},
            "batch_size": 10,
            "shuffle": True,
            "regularization": {"kind": "none", "rate": 0.0},
            "grad_clip": None,
            "schedule": {"name": "constant"},
            "init": "glorot_uniform",
            "seed": 0,
        },
        "epoch": 0,
    }


def run(command: list[str], env: dict[str, str], cwd: Path, timeout: float) -> float:
    """Run command, echo its output, raise SmokeTestError unless it exits 0; return seconds."""
    print("$", " ".join(command), flush=True)
    start = time.perf_counter()
    try:
        result = subprocess.run(
            command, env=env, cwd=cwd, timeout=timeout, capture_output=True, text=True
        )
    except subprocess.TimeoutExpired as error:
        for stream in (error.stdout, error.stderr):
            text = stream.decode(errors="replace") if isinstance(stream, bytes) else stream or ""
            if text.strip():
                print("  | " + text.strip().replace("\n", "\n  | "))
        raise SmokeTimeoutError(
            f"{Path(command[0]).name} did not finish in {timeout:.0f} s"
        ) from error
    seconds = time.perf_counter() - start
    for stream in (result.stdout, result.stderr):
        if stream.strip():
            print("  | " + stream.strip().replace("\n", "\n  | "))
    if result.returncode != 0:
        raise SmokeTestError(f"{' '.join(command[1:3])} exited with status {result.returncode}")
    return seconds


def cache_state(cache_dir: Path) -> dict[str, int]:
    """Numba cache files below cache_dir, with their modification times in ns."""
    return {
        str(path.relative_to(cache_dir)): path.stat().st_mtime_ns
        for path in cache_dir.rglob("*")
        if path.suffix in {".nbi", ".nbc"}
    }


def smoke_env(**overrides: str) -> dict[str, str]:
    """The environment of a frozen run: headless Qt, nothing of this checkout on the path."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("NUMBA_CACHE_DIR", None)
    env.update(overrides)
    return env


def check_train_and_cache(cli: Path, session: Path, work: Path) -> tuple[float, float]:
    """Train twice with a fresh cache: the first run fills it, the second only reads it."""
    cache_dir = work / "numba-cache"
    env = smoke_env(NUMBA_CACHE_DIR=str(cache_dir))
    timings = []
    states = []
    for attempt in (1, 2):
        saved = work / f"trained-{attempt}.json"
        command = [str(cli), "train", str(session), "--epochs", str(TRAIN_EPOCHS), "--save"]
        timings.append(run(command + [str(saved)], env, work, TRAIN_TIMEOUT_S))
        trained = json.loads(saved.read_text(encoding="utf-8"))
        if trained.get("epoch") != TRAIN_EPOCHS or len(trained.get("weights") or []) != 2:
            raise SmokeTestError(f"train --save wrote epoch {trained.get('epoch')!r}, not 5")
        states.append(cache_state(cache_dir))
        print(f"  train run {attempt}: {timings[-1]:.1f} s, {len(states[-1])} cache files")
    if not states[0]:
        raise SmokeTestError(f"the first run wrote no numba cache files to {cache_dir}")
    if states[1] != states[0]:
        changed = sorted(set(states[1].items()) ^ set(states[0].items()))
        raise SmokeTestError(f"the second run recompiled kernels: {changed[:3]} ...")
    if timings[1] >= timings[0]:
        print("  warning: the second run was not faster than the first")
    return timings[0], timings[1]


def default_cache_override(home: Path) -> tuple[dict[str, str], Path]:
    """Environment that moves the per-user cache root into home, and the folder expected there."""
    if sys.platform == "darwin":
        return {"HOME": str(home)}, home / "Library" / "Caches" / "nn-playground" / "numba"
    if sys.platform == "win32":
        # platformdirs asks Windows itself; recent versions let WIN_PD_OVERRIDE_* move the folder
        return (
            {"LOCALAPPDATA": str(home), "WIN_PD_OVERRIDE_LOCAL_APPDATA": str(home)},
            home / "nn-playground" / "numba",
        )
    return {"XDG_CACHE_HOME": str(home)}, home / "nn-playground" / "numba"


def check_default_cache_dir(cli: Path, work: Path) -> None:
    """Without NUMBA_CACHE_DIR the frozen app creates and uses the per-user cache folder."""
    overrides, expected = default_cache_override(work / "user-cache")
    run([str(cli), "--help"], smoke_env(**overrides), work, 120)
    if not expected.is_dir():
        raise SmokeTestError(f"the frozen app did not create its numba cache folder {expected}")
    print(f"  default cache folder created: {expected}")


def check_gui(app_dir: Path, session: Path, work: Path) -> None:
    """Open the window on the session (both executables); each must quit by itself, status 0."""
    env = smoke_env(NUMBA_CACHE_DIR=str(work / "numba-cache"), NN_PLAYGROUND_SMOKE_TEST="1")
    # keep the app's settings, recent files and autosaves out of the user's own folders (XDG)
    env.update(XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"))
    for exe, args in (
        (f"nn-playground{EXE_SUFFIX}", ["open"]),
        (f"nn-playground-gui{EXE_SUFFIX}", []),
    ):
        try:
            seconds = run([str(app_dir / exe), *args, str(session)], env, work, GUI_TIMEOUT_S)
        except SmokeTimeoutError as error:
            hint = (
                "the app must quit by itself when NN_PLAYGROUND_SMOKE_TEST=1 (playground/ui/app.py)"
            )
            raise SmokeTestError(f"{error}; {hint}") from error
        print(f"  {exe}: window shown and closed in {seconds:.1f} s")


def folder_size(folder: Path) -> int:
    """Total bytes of the files below folder (symbolic links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path, clean: bool) -> None:
    """Run PyInstaller on the spec."""
    command = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm"]
    command += ["--distpath", str(dist), "--workpath", str(work)] + (["--clean"] if clean else [])
    print("$", " ".join(command), flush=True)
    start = time.perf_counter()
    if subprocess.run(command, cwd=REPO).returncode != 0:
        raise SmokeTestError("PyInstaller failed")
    print(f"built in {time.perf_counter() - start:.0f} s")


def smoke_test(app_dir: Path) -> None:
    """Every smoke check, in a temporary folder outside the checkout."""
    cli = app_dir / f"nn-playground{EXE_SUFFIX}"
    if not cli.is_file():
        raise SmokeTestError(f"{cli} is missing: build first")
    with tempfile.TemporaryDirectory(prefix="nn-playground-smoke-") as tmp:
        work = Path(tmp)
        session = work / "smoke-session.json"
        session.write_text(json.dumps(smoke_session(), indent=1), encoding="utf-8")
        checks: list[tuple[str, Callable[[], object]]] = [
            ("train (cold, then cached)", lambda: check_train_and_cache(cli, session, work)),
            ("default numba cache folder", lambda: check_default_cache_dir(cli, work)),
            ("open the window", lambda: check_gui(app_dir, session, work)),
        ]
        failures = []
        for name, check in checks:
            print(f"\n== {name}", flush=True)
            try:
                result = check()
            except SmokeTestError as error:
                failures.append(f"{name}: {error}")
                print(f"  FAILED: {error}")
                continue
            if isinstance(result, tuple):
                print(f"  train timings: first {result[0]:.1f} s, second {result[1]:.1f} s")
        if failures:
            raise SmokeTestError("; ".join(failures))


def main(argv: list[str] | None = None) -> int:
    """Build, smoke-test, report the size; 0 on success, 1 on any failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=PACKAGING / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=PACKAGING / "build", help="PyInstaller work")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's caches first")
    parser.add_argument("--skip-build", action="store_true", help="only smoke-test a build")
    args = parser.parse_args(argv)
    dist = args.dist.resolve()
    app_dir = dist / APP_FOLDER
    try:
        if not args.skip_build:
            build(dist, args.work.resolve(), args.clean)
        print(f"\n{app_dir}: {folder_size(app_dir) / 2**20:.0f} MiB")
        smoke_test(app_dir)
    except SmokeTestError as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    print(f"\nOK: {app_dir} ({folder_size(app_dir) / 2**20:.0f} MiB) passed the smoke test")
    return 0


if __name__ == "__main__":
    sys.exit(main())
