"""The README's first steps, done as a newcomer does them: a fresh clone, nothing installed by hand.

`make lab` is run in a fresh clone of this repository's HEAD (so commit before running this test
on a change). It creates its own virtual environment from the locked requirements, starts
JupyterLab, and the test asks that server, with the token it printed, for the start notebook and
for the news setting; then stops the server by its own process id.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements-lock.txt"
sys.path.insert(0, str(ROOT / "tools"))
from python_supported import NEWEST, OLDEST  # noqa: E402


def _fresh_clone(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: there is nothing to clone")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    return clone


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _newcomer_env(tmp_path):
    """The environment of a student's shell: no virtual environment active, no Jupyter state."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "VIRTUAL_ENV", "PYTHON", "MAKE", "MFLAGS"))}
    venv_bin = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    for name in ("RUNTIME", "CONFIG", "DATA"):
        env[f"JUPYTER_{name}_DIR"] = str(tmp_path / name.lower())
    env["JUPYTERLAB_SETTINGS_DIR"] = str(tmp_path / "user-settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(tmp_path / "workspaces")
    return env


def _get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_make_lab_on_a_fresh_clone_serves_the_start_notebook(tmp_path):
    clone = _fresh_clone(tmp_path)
    port = _free_port()
    env = _newcomer_env(tmp_path)
    log_path = tmp_path / "make-lab.log"
    with open(log_path, "w") as log:
        make = subprocess.Popen(
            ["make", "lab", f"LAB_ARGS=--port={port} --ip=127.0.0.1 --no-browser"],
            cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        # The install takes about a minute with pip's cache warm, several without it.
        deadline = time.time() + 900
        token = None
        while time.time() < deadline and token is None:
            if make.poll() is not None:
                pytest.fail(f"make lab exited ({make.returncode}) before the server was up:\n"
                            + log_path.read_text()[-3000:])
            found = re.search(rf"http://127\.0\.0\.1:{port}/\S*token=([0-9a-f]+)", log_path.read_text())
            token = found and found.group(1)
            time.sleep(0.5)
        assert token, "make lab printed no URL with a token:\n" + log_path.read_text()[-3000:]
        base = f"http://127.0.0.1:{port}"

        notebook = _get(f"{base}/api/contents/00_start_here.ipynb?content=0", token)
        assert notebook["type"] == "notebook" and notebook["name"] == "00_start_here.ipynb"
        # The server's root is the collection: every notebook of notebooks/ is there.
        listed = {item["name"] for item in _get(f"{base}/api/contents?content=1", token)["content"]}
        assert {p.name for p in (clone / "notebooks").glob("*.ipynb")} <= listed

        # No "Would you like to get notified about official Jupyter news?" for a newcomer.
        # (the collection's settings are defaults of the schema; a student's own still win).
        news = _get(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification", token)
        effective = {key: news["settings"].get(key, spec.get("default"))
                     for key, spec in news["schema"]["properties"].items()}
        assert effective["fetchNews"] == "false"
        assert effective["checkForUpdates"] is False

        # Stop the server by its own process id (from the runtime file it wrote), as a student's ^C.
        runtime = [json.loads(p.read_text()) for p in (tmp_path / "runtime").glob("jpserver-*.json")]
        assert [info["port"] for info in runtime] == [port]
        os.kill(runtime[0]["pid"], signal.SIGTERM)
        assert make.wait(60) == 0, log_path.read_text()[-3000:]
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()


def _unsupported_python():
    """A Python older than the oldest supported one, if this machine has one."""
    for minor in range(OLDEST[1] - 1, 7, -1):
        candidates = [*sorted(Path.home().glob(f".pyenv/versions/3.{minor}.*/bin/python")),
                      shutil.which(f"python3.{minor}")]
        for found in filter(None, candidates):
            runs = subprocess.run([str(found), "-c", "import sys; print(sys.version_info[1])"],
                                  capture_output=True, text=True)
            if runs.returncode == 0 and runs.stdout.strip() == str(minor):
                return str(found)
    return None


@pytest.mark.parametrize("target", ["lab", "test"])
def test_make_stops_at_once_with_one_line_on_an_unsupported_python(tmp_path, target):
    python = _unsupported_python()
    if python is None:
        pytest.skip(f"no Python older than {OLDEST[0]}.{OLDEST[1]} on this machine to try")
    clone = _fresh_clone(tmp_path)
    started = time.time()
    done = subprocess.run(["make", "--no-print-directory", target, f"PYTHON={python}"], cwd=clone,
                          env=_newcomer_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert time.time() - started < 30
    said = [line for line in done.stderr.splitlines() if line.startswith("cnnviz needs Python")]
    assert len(said) == 1, done.stderr
    assert f"{OLDEST[0]}.{OLDEST[1]} to {NEWEST[0]}.{NEWEST[1]}" in said[0]
    assert not (clone / ".venv").exists(), "no environment is made with an unsupported Python"


def test_the_supported_pythons_are_said_the_same_everywhere():
    oldest, newest = (f"{v[0]}.{v[1]}" for v in (OLDEST, NEWEST))
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'requires-python = ">={oldest}"' in pyproject
    assert f"Python :: {newest}" in pyproject
    assert f"Python {oldest} to {newest}" in (ROOT / "README.md").read_text()
    workflow = (ROOT / ".github" / "workflows" / "test.yml").read_text()
    assert re.search(rf'python-version:\s*\["{oldest}", "{newest}"\]', workflow), workflow


def _pins(path):
    """name -> Requirement for every requirement line of a requirements file (not -r lines)."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            pins.setdefault(requirement.name.lower().replace("_", "-"), []).append(requirement)
    return pins


def test_the_lock_satisfies_every_direct_requirement():
    lock = _pins(LOCK)
    for path in (ROOT / "requirements.txt", ROOT / "requirements-test.txt"):
        for name, [wanted] in _pins(path).items():
            locked = [str(r.specifier)[2:] for r in lock.get(name, [])]
            assert locked, f"{name} ({path.name}) is not in {LOCK.name}: run make lock"
            assert all(v in wanted.specifier for v in locked), \
                f"{LOCK.name} has {name} {locked}, {path.name} asks {wanted.specifier}: run make lock"


def test_the_lock_pins_exact_versions_valid_from_the_oldest_supported_python():
    header = LOCK.read_text().splitlines()[:3]
    assert any(f"--universal --python-version {OLDEST[0]}.{OLDEST[1]}" in line for line in header)
    for name, requirements in _pins(LOCK).items():
        for requirement in requirements:
            assert str(requirement.specifier).startswith("=="), requirement


def test_this_environment_is_the_locked_one():
    """What make test installed is what the lock says, for every package this platform takes."""
    from importlib.metadata import PackageNotFoundError, version

    for name, requirements in _pins(LOCK).items():
        for requirement in requirements:
            if requirement.marker is not None and not Marker(str(requirement.marker)).evaluate():
                continue
            try:
                installed = version(name)
            except PackageNotFoundError:
                pytest.fail(f"{name} is in the lock but not installed")
            assert installed in requirement.specifier, f"{name} {installed} is not {requirement}"
