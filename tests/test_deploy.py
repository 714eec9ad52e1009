"""Deployment files: the Dockerfile, the JupyterHub configurations and the Zero to JupyterHub values.

No Docker daemon or Kubernetes is needed: the files are parsed and their settings checked (the loopback
class test, tests/test_class_test.py, runs a real hub with deploy/hub/loopback_config.py).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from helpers import ROOT


def _stages(dockerfile: str) -> list[list[str]]:
    """Dockerfile instructions (continuations joined), split into build stages."""
    text = re.sub(r"\\\n", " ", dockerfile)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    stages: list[list[str]] = []
    for line in lines:
        if line.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_dockerfile_builds_student_notebooks_and_runs_lab_as_non_root():
    stages = _stages((ROOT / "Dockerfile").read_text())
    build, final = stages[0], stages[-1]
    assert all(s[0].startswith("FROM python:3.11-slim") for s in stages)
    assert any('TORCH_SPEC="torch==2.13.0"' in ln for ln in build)
    assert any("download.pytorch.org/whl/cpu" in ln for ln in build)          # CPU wheels only
    assert any("toolkit.grading build" in ln for ln in build)
    assert any("ipykernel install" in ln and "ai-genomics-imaging" in ln for ln in build)
    # the final image takes only the venv and the student folder from the build stage
    copies = [ln for ln in final if ln.upper().startswith(("COPY", "ADD"))]
    assert copies and all("--from=build /opt/course/venv" in ln or "--from=build /opt/course/student" in ln
                          or "start-lab.sh" in ln for ln in copies), copies
    assert not any("exercises" in ln and "--from" not in ln for ln in copies)
    assert any("cp /tmp/dist/*/student/*.ipynb" in ln for ln in build)       # never autograder/
    users = [ln.split(None, 1)[1] for ln in final if ln.upper().startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert final[-1].startswith("CMD") and "start-lab.sh" in final[-1]
    start = (ROOT / "deploy" / "docker" / "start-lab.sh").read_text()
    assert "jupyter lab" in start and "--allow-root" not in start


def test_dockerignore_keeps_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "build", "dist"} <= set(ignored)


class _Config(dict):
    """Just enough of traitlets' Config for `c.Section.option = value` in a config file."""

    def __getattr__(self, name):
        return self.setdefault(name, _Config())

    def __setattr__(self, name, value):
        self[name] = value


def _load(path: Path, env: dict) -> _Config:
    config = _Config()
    old = dict(os.environ)
    os.environ.update(env)
    try:
        exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: config, "__file__": str(path)})
    finally:
        os.environ.clear()
        os.environ.update(old)
    return config


def test_single_machine_hub_limits_shared_data_and_culler():
    c = _load(ROOT / "deploy" / "hub" / "jupyterhub_config.py", {"TOOLKIT_SHARED_DATA": "/srv/data"})
    assert c.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"
    assert c.SystemdSpawner.mem_limit == "2G" and c.SystemdSpawner.cpu_limit == 1.0
    assert "/srv/data" in c.SystemdSpawner.readonly_paths
    assert c.Spawner.environment["TOOLKIT_SHARED_DATA"] == "/srv/data"
    assert c.JupyterHub.authenticator_class == "nativeauthenticator.NativeAuthenticator"
    assert c.NativeAuthenticator.open_signup is False
    culler = c.JupyterHub.services[0]["command"]
    assert "jupyterhub_idle_culler" in culler and "--timeout=3600" in culler
    assert "delete:servers" in c.JupyterHub.load_roles[0]["scopes"]
    pam = _load(ROOT / "deploy" / "hub" / "jupyterhub_config.py", {"COURSE_AUTH": "pam", "COURSE_USERS": "a,b"})
    assert pam.JupyterHub.authenticator_class == "pam" and pam.Authenticator.allowed_users == {"a", "b"}
    requirements = (ROOT / "deploy" / "hub" / "requirements.txt").read_text()
    for package in ("jupyterhub", "jupyterhub-nativeauthenticator", "jupyterhub-systemdspawner",
                    "jupyterhub-idle-culler"):
        assert re.search(rf"^{package}>=", requirements, re.M), package


def test_loopback_hub_listens_on_127_0_0_1_only(tmp_path):
    env = {"CLASSTEST_DIR": str(tmp_path), "CLASSTEST_COURSE": str(tmp_path), "CLASSTEST_PORT": "1",
           "CLASSTEST_HUB_PORT": "2", "CLASSTEST_API_PORT": "3", "CLASSTEST_PASSWORD": "p",
           "CLASSTEST_TOKEN": "t", "CLASSTEST_CHP": "chp", "TOOLKIT_SHARED_DATA": "/srv/d"}
    c = _load(ROOT / "deploy" / "hub" / "loopback_config.py", env)
    assert c.JupyterHub.ip == c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert c.Spawner.environment["TOOLKIT_SHARED_DATA"] == "/srv/d"


def test_start_singleuser_copies_course_once(tmp_path):
    course, home, venv = tmp_path / "course-src", tmp_path / "home", tmp_path / "venv"
    (course / "lessons").mkdir(parents=True)
    (course / "lessons" / "00.ipynb").write_text("{}")
    (venv / "bin").mkdir(parents=True)
    fake = venv / "bin" / "jupyterhub-singleuser"
    fake.write_text("#!/bin/sh\necho started \"$@\" in \"$PWD\"\n")
    fake.chmod(0o755)
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "COURSE_DIR": str(course), "COURSE_VENV": str(venv)}
    script = ROOT / "deploy" / "hub" / "start-singleuser.sh"
    out = subprocess.run([str(script), "--port=9"], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"started --port=9 in {home}"
    assert (home / "course" / "lessons" / "00.ipynb").exists()
    (home / "course" / "lessons" / "00.ipynb").write_text("my work")
    subprocess.run([str(script)], env=env, check=True, capture_output=True)
    assert (home / "course" / "lessons" / "00.ipynb").read_text() == "my work"   # never overwritten


def test_z2jh_values_same_limits_and_idle_culler():
    values = yaml.safe_load((ROOT / "deploy" / "z2jh" / "values.yaml").read_text())
    single = values["singleuser"]
    assert single["memory"]["limit"] == "2G" and single["cpu"]["limit"] == 1
    assert single["extraEnv"]["TOOLKIT_SHARED_DATA"] == "/srv/course-data"
    mount = single["storage"]["extraVolumeMounts"][0]
    assert mount["mountPath"] == "/srv/course-data" and mount["readOnly"] is True
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == 3600
    assert single["uid"] == 1000
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"].startswith("nativeauthenticator")


def test_lab_settings_override_turns_news_off():
    overrides = json.loads((ROOT / "deploy" / "lab" / "overrides.json").read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}


@pytest.mark.parametrize("script", ["deploy/hub/start-singleuser.sh", "deploy/docker/start-lab.sh"])
def test_shell_scripts_parse(script):
    subprocess.run(["sh", "-n", str(ROOT / script)], check=True)
