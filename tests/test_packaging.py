"""The install story: matching dependency lists, a fast torch-free import, a working doctor."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib


from helpers import ROOT
CONDA_TO_PIP = {"pytorch": "torch"}  # conda-forge names that differ from PyPI's


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_and_pyproject_name_the_same_packages():
    import yaml

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(r) for r in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_names = {CONDA_TO_PIP.get(_name(d), _name(d)) for d in env["dependencies"]
                   if isinstance(d, str)} - {"python", "pip"}
    assert conda_names == pip_names, (
        f"only in environment.yml: {sorted(conda_names - pip_names)}; "
        f"only in pyproject.toml: {sorted(pip_names - conda_names)}")
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section, "environment.yml must install the toolkit itself"


def test_import_toolkit_is_fast():
    code = "import time; t = time.perf_counter(); import toolkit; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(3)]
    assert min(runs) < 0.3, f"import toolkit took {min(runs):.3f} s (budget 0.3 s)"


def test_doctor_prints_table_and_exits_zero_here():
    out = subprocess.run([sys.executable, "-m", "toolkit", "doctor"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "✅" in out.stdout and "numpy" in out.stdout and "data cache" in out.stdout


def test_doctor_reports_missing_package_with_fix(monkeypatch):
    from toolkit import doctor_checks

    monkeypatch.setattr(doctor_checks, "REQUIRED",
                        doctor_checks.REQUIRED + [("no-such-package-xyz", "nosuch", "a test")])
    table = doctor_checks.doctor(print_table=False)
    row = table[table["item"] == "no-such-package-xyz"].iloc[0]
    assert row["status"] == "❌" and "pip install no-such-package-xyz" in row["fix"]


def test_doctor_survives_a_broken_check(monkeypatch):
    from toolkit import doctor_checks

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(doctor_checks, "_machine", broken)
    table = doctor_checks.doctor(print_table=False)
    assert (table["found"].str.contains("boom")).any()


def test_cli_without_command_prints_usage():
    out = subprocess.run([sys.executable, "-m", "toolkit"], capture_output=True, text=True)
    assert out.returncode == 2 and "doctor" in out.stdout


def test_readme_lists_every_lesson_and_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    missing = [p.name for p in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
               if f"notebooks/{p.name}" not in readme]
    assert not missing, f"add these lessons to the README's lesson table: {missing}"
    assert "make lab" in readme and "make test" in readme


def test_ci_script_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_constraints_pin_every_dependency():
    """constraints.txt (pip freeze of a passing run) pins each runtime and dev dependency."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    pinned = {_name(line) for line in (ROOT / "constraints.txt").read_text().splitlines()
              if "==" in line}
    assert not wanted - pinned, f"not pinned in constraints.txt: {sorted(wanted - pinned)}"
