#!/bin/sh
# Start a learner's server: copy the course notebooks into the home on first start (never over the
# learner's own copy), then hand over to jupyterhub-singleuser with the arguments from the hub.
# COURSE_DIR (set by jupyterhub_config.py) holds lessons/ and the *student* exercise notebooks only.
set -eu
home="${HOME:-$PWD}"     # systemdspawner's dynamic users: their state directory
if [ -n "${COURSE_DIR:-}" ] && [ -d "$COURSE_DIR" ] && [ ! -e "$home/course" ]; then
    cp -R "$COURSE_DIR" "$home/course"
fi
cd "$home"
exec "${COURSE_VENV:-/opt/course/venv}/bin/jupyterhub-singleuser" "$@"
