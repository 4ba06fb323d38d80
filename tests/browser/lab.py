"""Start JupyterLab on 127.0.0.1 for browser tests and drive it with Playwright.

JupyterLab runs with a random token and scratch workspaces / settings / runtime dirs (so no
restored workspace opens other notebooks, and the news toast is off). Chromium is the system
one (Debian package ``chromium``, or the executable named by $CNNVIZ_CHROMIUM); Playwright
downloads no browser.
"""
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium():
    """$CNNVIZ_CHROMIUM if set (a path), else the first of CHROMIUM_NAMES on PATH, else None."""
    explicit = os.environ.get("CNNVIZ_CHROMIUM", "").strip()
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server in a scratch directory; ``url(path)`` opens a notebook."""

    def __init__(self, scratch):
        self.scratch = Path(scratch)
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.root = self.scratch / "notebooks"
        shutil.copytree(NOTEBOOKS, self.root)
        settings = self.scratch / "settings"
        news = settings / "@jupyterlab" / "apputils-extension"
        news.mkdir(parents=True)
        (news / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        self.env = env = dict(os.environ,
                              JUPYTERLAB_SETTINGS_DIR=str(settings),
                              JUPYTERLAB_WORKSPACES_DIR=str(self.scratch / "workspaces"),
                              JUPYTER_RUNTIME_DIR=str(self.scratch / "runtime"),
                              JUPYTER_CONFIG_DIR=str(self.scratch / "config"),
                              JUPYTER_DATA_DIR=str(self.scratch / "data"))  # its own trust db
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.root}", "--LabApp.news_url=",
               "--ServerApp.allow_remote_access=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(self.scratch / "lab.log", "w")
        self.process = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {(self.scratch / 'lab.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/status?token={self.token}",
                                            timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("JupyterLab did not start within 60 s")

    def url(self, notebook):
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?reset&token={self.token}"

    def _api(self, path, method="GET"):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def trust(self, name):
        """Mark a served notebook trusted for this server (as `jupyter trust` does): JupyterLab
        then shows its saved widgets before anything runs."""
        subprocess.run([sys.executable, "-m", "nbformat.sign", str(self.root / name)],
                       env=self.env, check=True, capture_output=True)

    def sessions(self):
        """The ids of the running sessions (one per open notebook with a kernel)."""
        return {session["id"] for session in self._api("sessions")}

    def shutdown_kernels(self, keep=()):
        """End every session (and its kernel) but those in ``keep``, so the next notebook gets
        the CPU to itself."""
        for session in self.sessions() - set(keep):
            self._api(f"sessions/{session}", method="DELETE")

    def write_notebook(self, name, sources):
        """A notebook of code cells (``sources``, no outputs) in the served directory."""
        import nbformat

        notebook = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(source) for source in sources],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}})
        nbformat.write(notebook, self.root / name)
        return name

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
