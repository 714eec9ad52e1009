"""`make lab` starts JupyterLab on notebooks/ with the course kernel (headless, on 127.0.0.1)."""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import ROOT, free_port
STAMP = Path(sys.prefix) / ".installed"


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, json.loads(response.read())


@pytest.mark.skipif(not STAMP.exists(), reason="runs inside the venv that `make` created")
def test_make_lab_serves_notebooks_with_course_kernel():
    port, token = free_port(), secrets.token_hex(16)
    # no --allow-root and no news flag here: as root, the Makefile adds --allow-root itself, and
    # the news pop-up is off through the settings override that `make install` ships
    args = (f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.token={token} "
            "--ServerApp.open_browser=False")
    cmd = ["make", "-o", str(STAMP), "lab", f"VENV={sys.prefix}", f"LAB_ARGS={args}"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                status, _ = _get(f"{base}/api/status?token={token}")
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    pytest.fail("JupyterLab did not answer:\n" + proc.stdout.read1().decode())
                time.sleep(1)
        assert status == 200
        _, contents = _get(f"{base}/api/contents?token={token}")
        names = {item["name"] for item in contents["content"]}
        assert "00_welcome.ipynb" in names, f"not serving notebooks/: {sorted(names)}"
        _, specs = _get(f"{base}/api/kernelspecs?token={token}")
        assert "ai-genomics-imaging" in specs["kernelspecs"], sorted(specs["kernelspecs"])
        with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=10) as page:
            assert page.status == 200 and b"JupyterLab" in page.read()
        _, notification = _get(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification"
                               f"?token={token}")
        defaults = {k: v.get("default") for k, v in notification["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False, defaults
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    if os.geteuid() == 0:
        assert b"running as root" in proc.stdout.read(), "make lab should say it passed --allow-root"
