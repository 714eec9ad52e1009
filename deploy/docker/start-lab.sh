#!/bin/sh
# Container entry point: copy the course into the learner's home on first start (never over their
# own copy; a mounted home keeps work between runs), then start JupyterLab like `make lab`.
set -eu
if [ ! -e "$HOME/course" ]; then
    cp -R /opt/course/student "$HOME/course"
fi
exec jupyter lab --ip=0.0.0.0 --port=8888 --no-browser --notebook-dir="$HOME/course" "$@"
