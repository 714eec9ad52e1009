# JupyterHub for one class on ONE machine (see docs/instructors/running.md, "JupyterHub").
#
#   hub packages:   pip install -r deploy/hub/requirements.txt ; npm install -g configurable-http-proxy@4
#   course venv:    /opt/course/venv  (make install VENV=/opt/course/venv)
#   course folder:  /opt/course/student  (lessons + `python -m toolkit.grading build` student notebooks)
#   shared data:    /srv/course-data     (read-only for learners; TOOLKIT_SHARED_DATA)
#   run (as root):  jupyterhub -f deploy/hub/jupyterhub_config.py
#
# Log in: NativeAuthenticator (learners sign up; the instructor authorises them on /hub/authorize).
# To use the machine's own accounts instead, set COURSE_AUTH=pam.
# Limits: systemdspawner runs each learner's server in its own systemd unit with a memory and CPU
# cap (cgroups) and a throw-away "dynamic" Unix user, so no accounts need creating.
import os
import sys

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

COURSE_VENV = os.environ.get("COURSE_VENV", "/opt/course/venv")
COURSE_DIR = os.environ.get("COURSE_DIR", "/opt/course/student")
SHARED_DATA = os.environ.get("TOOLKIT_SHARED_DATA", "/srv/course-data")
HERE = os.path.dirname(os.path.abspath(__file__))

# --- network: HTTPS in front (e.g. a reverse proxy with a certificate) or set ssl_key/ssl_cert --------
c.JupyterHub.bind_url = os.environ.get("HUB_BIND_URL", "http://127.0.0.1:8000")
c.JupyterHub.db_url = "sqlite:////srv/jupyterhub/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "/srv/jupyterhub/jupyterhub_cookie_secret"

# --- log in ----------------------------------------------------------------------------------------
if os.environ.get("COURSE_AUTH", "native") == "pam":
    c.JupyterHub.authenticator_class = "pam"
    c.Authenticator.allowed_users = set(filter(None, os.environ.get("COURSE_USERS", "").split(",")))
else:
    c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
    c.NativeAuthenticator.open_signup = False          # the instructor authorises each sign-up
    c.NativeAuthenticator.minimum_password_length = 10
    c.Authenticator.allow_all = True                   # everyone the instructor authorised
c.Authenticator.admin_users = set(filter(None, os.environ.get("COURSE_ADMINS", "instructor").split(",")))

# --- each learner's server: limits, course copy, shared read-only data -------------------------------
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
c.SystemdSpawner.dynamic_users = True                  # no Unix accounts needed
c.SystemdSpawner.mem_limit = "2G"                      # lessons peak at ~1.1 GB (benchmarks/RESULTS.md)
c.SystemdSpawner.cpu_limit = 1.0                       # one core each; 2 make the imaging lessons quicker
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.isolate_devices = True
c.SystemdSpawner.disable_user_sudo = True
c.SystemdSpawner.readonly_paths = [SHARED_DATA, COURSE_DIR]
c.Spawner.cmd = [os.path.join(HERE, "start-singleuser.sh")]   # copies COURSE_DIR at first start
c.Spawner.default_url = "/lab/tree/course"
c.Spawner.environment = {"TOOLKIT_SHARED_DATA": SHARED_DATA, "COURSE_DIR": COURSE_DIR,
                         "COURSE_VENV": COURSE_VENV}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60
# Alternatively distribute notebooks with nbgitpuller (pip install nbgitpuller in the course venv):
# c.Spawner.default_url = "/git-pull?repo=https://example.org/course.git&branch=main&urlpath=lab/tree/course"

# --- idle culler: stop servers idle for an hour (frees memory for the next session) -------------------
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600", "--cull-every=300"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler", "services": ["idle-culler"],
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
}]
