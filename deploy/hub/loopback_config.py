# JupyterHub configuration for the LOOPBACK CLASS TEST only (`make class-test`, tests/class_test.py).
# Everything listens on 127.0.0.1; users are throw-away; servers run as the hub's own user with no
# isolation (SimpleLocalProcessSpawner). Never use this file for a real class: use jupyterhub_config.py.
#
# The test driver sets these environment variables:
#   CLASSTEST_DIR        working folder (hub database, cookie secret, users' homes)
#   CLASSTEST_COURSE     folder copied into each new user's home at spawn (lesson + student notebook)
#   CLASSTEST_PORT       public port of the proxy;  CLASSTEST_HUB_PORT, CLASSTEST_API_PORT: hub, proxy API
#   CLASSTEST_PASSWORD   the shared password of the DummyAuthenticator
#   CLASSTEST_TOKEN      API token of the driver's service (instructor role)
#   CLASSTEST_CHP        path of the configurable-http-proxy executable (npm package)
#   TOOLKIT_SHARED_DATA  the shared read-only data folder, passed to every user's server
import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)
work = Path(os.environ["CLASSTEST_DIR"])

# --- network: loopback only -------------------------------------------------------------------
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["CLASSTEST_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["CLASSTEST_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['CLASSTEST_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["CLASSTEST_CHP"]]
c.ConfigurableHTTPProxy.should_start = True

# --- state in the working folder --------------------------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{work / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(work / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(work / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True

# --- log in: a shared test password; the instructor is an admin -------------------------------
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ["CLASSTEST_PASSWORD"]
c.Authenticator.allow_all = True
c.Authenticator.admin_users = {"instructor"}
c.JupyterHub.services = [{"name": "classtest", "api_token": os.environ["CLASSTEST_TOKEN"]}]
c.JupyterHub.load_roles = [{"name": "classtest-instructor", "services": ["classtest"],
                            "scopes": ["admin:users", "admin:servers", "list:users", "read:users"]}]

# --- each learner's server --------------------------------------------------------------------
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(work / "homes" / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.args = ["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []
c.Spawner.start_timeout = 180          # a 2-core machine starting many servers at once is slow
c.Spawner.http_timeout = 180
c.JupyterHub.concurrent_spawn_limit = 0    # no cap: the test measures simultaneous spawns
# Limits: recorded for the servers (MEM_LIMIT/CPU_LIMIT) but NOT enforced by this spawner;
# the real configuration uses systemdspawner, which enforces them with cgroups.
c.Spawner.mem_limit = "2G"
c.Spawner.cpu_limit = 1.0
c.Spawner.environment = {"TOOLKIT_SHARED_DATA": os.environ.get("TOOLKIT_SHARED_DATA", "")}


def copy_course(spawner):
    """Copy the course notebooks into a new home (never over a learner's own copy)."""
    home = Path(spawner.home_dir)
    home.mkdir(parents=True, exist_ok=True)
    for item in Path(os.environ["CLASSTEST_COURSE"]).iterdir():
        target = home / item.name
        if not target.exists():
            (shutil.copytree if item.is_dir() else shutil.copy2)(item, target)


c.Spawner.pre_spawn_hook = copy_course
