"""Files and the command line (issue 10): never lose data, never hang, never crash, resume
exactly. Every command runs for real as `python -m playground` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground import cli
from playground.data.generators import generate
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, ScheduleSpec, TrainingSpec
from playground.session import Session, load_session, save_session

TIMEOUT = 120


def run(
    *args: str | Path, cwd: Path | None = None, stdin: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m playground ARGS` with a bounded time and capture its output."""
    env = {k: v for k, v in os.environ.items() if k != cli.DEBUG_VARIABLE}
    return subprocess.run(
        [sys.executable, "-m", "playground", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        stdin=subprocess.DEVNULL if stdin is None else stdin,
    )


def assert_rejected(result: subprocess.CompletedProcess[str], *messages: str) -> str:
    """Exit status 2, one error line on stderr containing every message; returns that line."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, result.stderr
    for message in messages:
        assert message in errors[0], result.stderr
    return errors[0]


def session_file(tmp_path: Path, name: str = "s.json", **training: object) -> Path:
    """A small two-class session (40 training points, 20 test) with dropout and a schedule."""
    points = generate("moons", n=60, noise=0.1, seed=0, test_ratio=1 / 3)
    network = NetworkSpec(
        ("x1", "x2"), (LayerSpec(4, "tanh", dropout=0.2),), points.problem, points.classes
    )
    settings = {
        "optimizer": OptimizerSpec("adam", 0.05),
        "batch_size": 7,
        "schedule": ScheduleSpec("step", {"step_size": 1, "gamma": 0.7}),
        **training,
    }
    save_session(Session(points, network, TrainingSpec(**settings)), tmp_path / name)
    return tmp_path / name


def points_csv(tmp_path: Path, name: str = "points.csv") -> Path:
    path = tmp_path / name
    path.write_text("x1,x2\n0.5,0.25\n-1,2\n")
    return path


# ----- resume exactly ------------------------------------------------------------------------


def test_train_n_equals_n_half_plus_n_half_through_saved_sessions(tmp_path) -> None:
    start = session_file(tmp_path)
    assert run("train", start, "--epochs", "6", "--save", tmp_path / "full.json").returncode == 0
    assert run("train", start, "--epochs", "3", "--save", tmp_path / "a.json").returncode == 0
    result = run("train", tmp_path / "a.json", "--epochs", "3", "--save", tmp_path / "b.json")
    assert result.returncode == 0, result.stderr
    full, resumed = load_session(tmp_path / "full.json"), load_session(tmp_path / "b.json")
    assert full.epoch == resumed.epoch == 6
    for a, b in zip(full.weights, resumed.weights, strict=True):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)


def trained(tmp_path: Path, name: str = "t.json", **training: object) -> Path:
    """A session trained for 2 epochs (so it has weights)."""
    start = session_file(tmp_path, "start-" + name, **training)
    result = run("train", start, "--epochs", "2", "--save", tmp_path / name)
    assert result.returncode == 0, result.stderr
    return tmp_path / name


def edit(path: Path, change) -> Path:  # noqa: ANN001
    """Change a session file's JSON in place."""
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    return path


# ----- 1-5: data loss ------------------------------------------------------------------------


def test_1_a_fifo_as_output_is_written_through_not_replaced(tmp_path) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = run("predict", trained(tmp_path), "--input", points_csv(tmp_path), "-o", fifo)
    out, _ = reader.communicate(timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert out.decode().startswith("x1,x2,prediction,p0,p1")
    assert fifo.is_fifo()


def test_1_a_fifo_without_reader_and_a_folder_are_refused(tmp_path) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    assert_rejected(run("data", "xor", "-o", fifo), str(fifo), "nobody reads")
    assert fifo.is_fifo()
    (tmp_path / "dir.csv").mkdir()
    line = assert_rejected(run("data", "xor", "-o", tmp_path / "dir.csv"), "is a folder")
    assert ".tmp" not in line


def test_1_dev_null_stays_a_device(tmp_path) -> None:
    result = run("data", "xor", "-o", "/dev/null")
    assert result.returncode == 0, result.stderr
    assert Path("/dev/null").is_char_device()


def test_1_a_symlink_output_writes_its_target(tmp_path) -> None:
    (tmp_path / "real.csv").write_text("old")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    assert run("data", "xor", "-o", tmp_path / "link.csv").returncode == 0
    assert (tmp_path / "link.csv").is_symlink()
    assert (tmp_path / "real.csv").read_text().startswith("x1,x2,label")


def test_2_output_equal_to_an_input_is_refused(tmp_path) -> None:
    session = trained(tmp_path)
    before = session.read_bytes()
    assert_rejected(run("export", session, "-o", session), "is also the input")
    (tmp_path / "alias.json").symlink_to(session)
    assert_rejected(run("export", tmp_path / "alias.json", "-o", session), "is also the input")
    assert session.read_bytes() == before
    assert run("export", session, "-o", tmp_path / "m.npz").returncode == 0
    model = (tmp_path / "m.npz").read_bytes()
    points = points_csv(tmp_path, "p.csv")
    assert_rejected(
        run("predict", tmp_path / "m.npz", "--input", points, "-o", points), "is also the input"
    )
    (tmp_path / "m.csv").symlink_to(tmp_path / "m.npz")
    assert_rejected(
        run("predict", tmp_path / "m.npz", "--input", points, "-o", tmp_path / "m.csv"),
        "is also the input",
    )
    assert (tmp_path / "m.npz").read_bytes() == model


def test_3_a_save_suffix_that_does_not_match_is_refused(tmp_path) -> None:
    line = assert_rejected(
        run("train", session_file(tmp_path), "--epochs", "1", "--save", tmp_path / "x.onnx"),
        "'.onnx'",
        ".json",
        "export",
    )
    assert "x.onnx" in line
    assert not (tmp_path / "x.onnx").exists()
    assert_rejected(run("data", "xor", "-o", tmp_path / "d.json"), "'.json'")
    assert_rejected(
        run(
            "predict", trained(tmp_path), "--input", points_csv(tmp_path), "-o", tmp_path / "p.npz"
        ),
        "'.npz'",
    )


def test_4_a_closed_stdout_pipe_does_not_lose_the_save(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != cli.DEBUG_VARIABLE}
    command = [
        sys.executable,
        "-m",
        "playground",
        "train",
        str(session_file(tmp_path)),
        "--epochs",
        "40",
        "--save",
        str(tmp_path / "out.json"),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    process.stdout.close()  # the reader leaves at once, as `| head -0` would
    _, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, err
    assert load_session(tmp_path / "out.json").epoch == 40


def test_5_stale_temp_files_of_a_killed_writer_are_cleaned(tmp_path) -> None:
    stale = tmp_path / ".out.csv.0123456789ab.tmp"
    stale.write_bytes(b"x" * 1000)  # as a kill -9 leaves it: nobody holds it
    other = tmp_path / ".notes.tmp"
    other.write_text("not ours")
    assert run("data", "xor", "-o", tmp_path / "out.csv").returncode == 0
    assert not stale.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".notes.tmp", "out.csv"]


def test_5_a_temp_file_being_written_is_left_alone(tmp_path) -> None:
    import fcntl

    from playground.io.atomic import atomic_write_text

    busy = tmp_path / ".out.csv.aaaaaaaaaaaa.tmp"
    with open(busy, "wb") as file:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)
        atomic_write_text(tmp_path / "out.csv", "x")
        assert busy.exists()


# ----- 6-9: hangs and memory -----------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_6_endless_devices_are_refused_without_reading_them(tmp_path, device) -> None:
    (tmp_path / "s.json").symlink_to(device)
    assert_rejected(
        run("train", tmp_path / "s.json", "--epochs", "1"), "s.json", "not a regular file"
    )
    (tmp_path / "m.npz").symlink_to(device)
    assert_rejected(
        run("predict", tmp_path / "m.npz", "--input", points_csv(tmp_path)),
        "m.npz",
        "not a regular file",
    )
    (tmp_path / "p.csv").symlink_to(device)
    assert_rejected(
        run("predict", trained(tmp_path), "--input", tmp_path / "p.csv"),
        "p.csv",
        "not a regular file",
    )


def test_6_reads_are_capped_even_when_the_size_is_not_known(tmp_path) -> None:
    from playground.io.atomic import read_bytes_limited

    with pytest.raises(ValueError, match="too large"):
        read_bytes_limited(session_file(tmp_path), 100)


def test_7_a_fifo_as_input_is_refused_at_once(tmp_path) -> None:
    for name in ("s.json", "m.npz", "p.csv"):
        os.mkfifo(tmp_path / name)
    assert_rejected(run("train", tmp_path / "s.json", "--epochs", "1"), "named pipe")
    assert_rejected(
        run("predict", tmp_path / "m.npz", "--input", points_csv(tmp_path)), "named pipe"
    )
    assert_rejected(run("predict", trained(tmp_path), "--input", tmp_path / "p.csv"), "named pipe")


def _npz_member(name: str, header: bytes, payload: bytes = b"") -> tuple[str, bytes]:
    magic = b"\x93NUMPY\x01\x00"
    text = header + b" " * (-(len(magic) + 2 + len(header) + 1) % 64) + b"\n"
    return name, magic + len(text).to_bytes(2, "little") + text + payload


def _crafted_npz(
    tmp_path: Path, member: tuple[str, bytes], compression: int = 8, flag_bits: int = 0
) -> Path:
    import zipfile

    good = tmp_path / "good.npz"
    assert run("export", trained(tmp_path), "-o", good).returncode == 0
    path = tmp_path / "bad.npz"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            if info.filename == member[0]:
                continue
            target.writestr(info, source.read(info))
        info = zipfile.ZipInfo(member[0])
        info.compress_type = zipfile.ZIP_STORED if compression not in (0, 8) else compression
        target.writestr(info, member[1])
    if compression not in (0, 8) or flag_bits:  # patch the central and local headers
        data = bytearray(path.read_bytes())
        name = member[0].encode()
        for signature, method_at, flags_at, name_at in (
            (b"PK\x03\x04", 8, 6, 30),
            (b"PK\x01\x02", 10, 8, 46),
        ):
            start = 0
            while (start := data.find(signature, start)) >= 0:
                if data[start + name_at : start + name_at + len(name)] == name:
                    if compression not in (0, 8):
                        data[start + method_at : start + method_at + 2] = compression.to_bytes(
                            2, "little"
                        )
                    data[start + flags_at] |= flag_bits
                start += 4
        path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    "member, compression, flags, message",
    [
        (
            _npz_member(
                "W0.npy", b"{'descr': '<f8', 'fortran_order': False, 'shape': (10, %d), }" % 10**14
            ),
            8,
            0,
            "W0: shape [10, 100000000000000] does not match",
        ),
        (
            _npz_member("W0.npy", b"{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }"),
            8,
            0,
            "W0: the stored data does not match its declared shape",
        ),
        (
            _npz_member(
                "model.npy", b"{'descr': '<U400000000', 'fortran_order': False, 'shape': (), }"
            ),
            8,
            0,
            "model: declares",
        ),
        (
            _npz_member(
                "W0.npy", b"{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }", bytes(64)
            ),
            14,
            0,
            "compression method 14",
        ),
        (
            _npz_member(
                "W0.npy", b"{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }", bytes(64)
            ),
            0,
            1,
            "encrypted",
        ),
    ],
    ids=["10^15 floats", "shape fits but data missing", "1.6 GB string", "lzma", "encrypted"],
)
def test_8_crafted_npz_headers_are_refused_before_allocating(
    tmp_path, member, compression, flags, message
) -> None:
    path = _crafted_npz(tmp_path, member, compression, flags)
    assert_rejected(run("predict", path, "--input", points_csv(tmp_path)), "bad.npz", message)


def test_9_a_session_too_big_for_memory_is_refused_up_front(tmp_path) -> None:
    points = generate("circle", n=20000, seed=0)
    network = NetworkSpec(
        ("x1", "x2"),
        (LayerSpec(256, "relu", batch_norm=True),) * 16,
        points.problem,
        points.classes,
    )
    save_session(Session(points, network, TrainingSpec(batch_size=20000)), tmp_path / "big.json")
    assert_rejected(
        run("train", tmp_path / "big.json", "--epochs", "1"),
        "big.json: training.batch_size:",
        "at most",
    )


def test_9_export_and_predict_need_no_training_buffers(tmp_path) -> None:
    points = generate("circle", n=20000, seed=0)
    network = NetworkSpec(
        ("x1", "x2"),
        (LayerSpec(256, "relu", batch_norm=True),) * 16,
        points.problem,
        points.classes,
    )
    save_session(Session(points, network, TrainingSpec(batch_size=20000)), tmp_path / "big.json")
    command = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30)); "
        "from playground.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    for args in (
        ["export", tmp_path / "big.json", "-o", tmp_path / "m.npz"],
        ["predict", tmp_path / "big.json", "--input", points_csv(tmp_path)],
    ):
        result = subprocess.run(
            [sys.executable, "-c", command, *map(str, args)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert result.returncode == 0, result.stderr


# ----- 10-18: wrong answers and crashes --------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [
        ("training", "optimizer", "lr"),
        ("network", "layers", 0, "dropout"),
        ("training", "grad_clip"),
        ("training", "regularization", "rate"),
        ("training", "optimizer", "eps"),
    ],
)
def test_10_a_huge_integer_in_a_float_field_names_the_field(tmp_path, where) -> None:
    def change(data: dict) -> None:
        target = data
        for key in where[:-1]:
            target = target[key]
        target[where[-1]] = 10**400

    path = edit(session_file(tmp_path), change)
    path_text = ".".join(str(k) for k in where).replace(".0.", "[0].")
    line = assert_rejected(
        run("train", path, "--epochs", "1"), f"s.json: {path_text}:", "out of range"
    )
    assert len(line) < 300


def test_10_a_huge_schedule_option(tmp_path) -> None:
    path = edit(session_file(tmp_path), lambda d: d["training"]["schedule"].update(gamma=10**400))
    assert_rejected(run("train", path, "--epochs", "1"), "training.schedule.gamma:")


def test_11_weights_beyond_float32_are_a_divergence(tmp_path) -> None:
    path = session_file(
        tmp_path,
        schedule=ScheduleSpec("exponential", {"gamma": 1e9}),
        optimizer=OptimizerSpec("sgd", 0.5),
    )
    result = run("train", path, "--epochs", "30", "--save", tmp_path / "out.json")
    assert_rejected(result, "s.json: Training diverged", "float32")
    assert not (tmp_path / "out.json").exists()


def test_11_onnx_export_refuses_weights_beyond_float32(tmp_path) -> None:
    path = edit(trained(tmp_path), lambda d: d["weights"][0]["W"][0].__setitem__(0, 1e300))
    assert_rejected(run("export", path, "-o", tmp_path / "m.onnx"), "float32")
    assert not (tmp_path / "m.onnx").exists()


def test_12_predict_refuses_points_whose_features_overflow(tmp_path) -> None:
    def squares(data: dict) -> None:
        data["network"]["inputs"] = ["x1^2", "x2^2"]
        del data["weights"], data["state"]

    session = edit(trained(tmp_path), squares)
    (tmp_path / "p.csv").write_text("x1,x2\n1,2\n1e200,1e200\n")
    line = assert_rejected(
        run("predict", session, "--input", tmp_path / "p.csv", "-o", tmp_path / "out.csv"),
        "p.csv: line 3:",
        "overflow",
    )
    assert "RuntimeWarning" not in line and not (tmp_path / "out.csv").exists()


def test_13_batch_norm_overflow_is_a_divergence(tmp_path) -> None:
    points = generate("circle", n=40, seed=0)
    network = NetworkSpec(
        ("x1", "x2"), (LayerSpec(4, "linear", batch_norm=True),), points.problem, points.classes
    )
    save_session(
        Session(points, network, TrainingSpec(OptimizerSpec("sgd", 1.0), batch_size=40)),
        tmp_path / "bn.json",
    )
    edit(tmp_path / "bn.json", lambda d: d["data"]["points"][0].__setitem__(0, 1e300))
    result = run("train", tmp_path / "bn.json", "--epochs", "3", "--save", tmp_path / "o.json")
    line = assert_rejected(result, "bn.json:", "diverged")
    assert "weights[0]" not in line


def test_14_train_never_saves_an_epoch_it_would_refuse(tmp_path) -> None:
    path = edit(trained(tmp_path), lambda d: d.update(epoch=2**63 - 1))
    assert_rejected(
        run("train", path, "--epochs", "1", "--save", tmp_path / "o.json"), "t.json: epoch:"
    )
    assert not (tmp_path / "o.json").exists()


def test_15_export_and_predict_need_weights_not_training_points(tmp_path) -> None:
    def all_test(data: dict) -> None:
        for row in data["data"]["points"]:
            row[3] = "test"
        del data["state"]

    path = edit(trained(tmp_path), all_test)
    assert run("export", path, "-o", tmp_path / "m.json").returncode == 0
    result = run("predict", path, "--input", points_csv(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("x1,x2,prediction")


def test_16_duplicate_json_keys_are_refused_with_the_path(tmp_path) -> None:
    path = session_file(tmp_path)
    text = path.read_text().replace('"units": 4', '"units": 4, "units": 200', 1)
    path.write_text(text)
    assert_rejected(
        run("train", path, "--epochs", "1"), "s.json: network.layers[0].units:", "more than once"
    )


@pytest.mark.parametrize("value", ["1_5", "١٢", "１２", "0x10", " 1 5"])
def test_17_the_csv_number_parser_is_strict(tmp_path, value) -> None:
    (tmp_path / "p.csv").write_text(f"x1,x2\n{value},1\n")
    assert_rejected(
        run("predict", trained(tmp_path), "--input", tmp_path / "p.csv"),
        "p.csv: line 2: x1 is not a number",
    )


def test_17_bare_cr_line_endings_are_read(tmp_path) -> None:
    (tmp_path / "p.csv").write_bytes(b"x1,x2\r0.5,1\r2,3\r")
    result = run("predict", trained(tmp_path), "--input", tmp_path / "p.csv")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_18_errors_name_the_users_path_not_the_temp_file(tmp_path) -> None:
    line = assert_rejected(
        run("export", trained(tmp_path), "-o", tmp_path / "nodir" / "m.onnx"),
        str(tmp_path / "nodir" / "m.onnx"),
    )
    assert ".tmp" not in line


def test_18_a_long_output_name_works(tmp_path) -> None:
    name = "p" * 240 + ".csv"
    result = run("data", "xor", "-o", tmp_path / name)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / name).read_text().startswith("x1,x2")


def test_18_echoed_values_are_cut_short(tmp_path) -> None:
    (tmp_path / "p.csv").write_text("x1,x2\n" + "9" * 100_000 + "z,1\n")
    line = assert_rejected(
        run("predict", trained(tmp_path), "--input", tmp_path / "p.csv"), "not a number", "…"
    )
    assert len(line) < 300
    path = edit(
        session_file(tmp_path), lambda d: d["data"]["points"][0].__setitem__(3, "t" * 10**5)
    )
    assert len(assert_rejected(run("train", path, "--epochs", "1"), "split")) < 300
