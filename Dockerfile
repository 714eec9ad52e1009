# syntax=docker/dockerfile:1
# The course environment as an image: CPU PyTorch, the toolkit, the course kernel, the lessons and the
# STUDENT exercise notebooks (built here with `python -m toolkit.grading build`; the exercise masters,
# which hold the solutions and hidden tests, stay in the build stage and never reach the image).
#   docker build -t ai-genomics-imaging .
#   docker run --rm -p 127.0.0.1:8888:8888 ai-genomics-imaging          # then open the printed URL
# JupyterLab runs as the non-root user `learner` (uid 1000, gid 100), as Zero to JupyterHub expects.

# ---- build stage: install everything, build the exercises ------------------------------------------
FROM python:3.11-slim AS build
ARG TORCH_SPEC="torch==2.13.0"
ARG TORCH_INDEX="https://download.pytorch.org/whl/cpu"
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/course/venv
ENV PATH=/opt/course/venv/bin:$PATH
RUN pip install --index-url "$TORCH_INDEX" "$TORCH_SPEC"
WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY toolkit ./toolkit
RUN pip install -c constraints.txt ".[dev,hub]" \
 && python -m ipykernel install --sys-prefix --name ai-genomics-imaging --display-name "AI in genomics & imaging"
COPY deploy/lab/overrides.json /opt/course/venv/share/jupyter/lab/settings/overrides.json
COPY exercises ./exercises
COPY notebooks ./notebooks
RUN python -m toolkit.grading build --exercises exercises --dist /tmp/dist \
 && mkdir -p /opt/course/student/exercises \
 && cp /tmp/dist/*/student/*.ipynb /opt/course/student/exercises/ \
 && cp -R notebooks /opt/course/student/lessons \
 && python -c "import pathlib, sys; bad = [str(p) for p in pathlib.Path('/opt/course/student').rglob('*.ipynb') if 'BEGIN SOLUTION' in p.read_text() or '# HIDDEN' in p.read_text()]; sys.exit(f'solution or hidden test in {bad}' if bad else 0)"

# ---- image: the venv and the student folder only ----------------------------------------------------
FROM python:3.11-slim
ENV PATH=/opt/course/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 \
    TOOLKIT_SHARED_DATA=/srv/course-data HOME=/home/learner
COPY --from=build /opt/course/venv /opt/course/venv
COPY --from=build /opt/course/student /opt/course/student
COPY deploy/docker/start-lab.sh /usr/local/bin/start-lab.sh
RUN useradd --create-home --uid 1000 --gid 100 --shell /bin/bash learner \
 && mkdir -p /srv/course-data && chmod -R a+rX /opt/course /srv/course-data
USER 1000:100
WORKDIR /home/learner
EXPOSE 8888
CMD ["start-lab.sh"]
