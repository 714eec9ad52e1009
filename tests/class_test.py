"""Loopback class test: a JupyterHub on 127.0.0.1 and N simulated learners at once.

    python tests/class_test.py --students 8            # or: make class-test STUDENTS=8

Needs jupyterhub (``pip install -e ".[hub]"``) and configurable-http-proxy from npm (``make
class-test`` installs both; the proxy into build/hub-node/). Steps, all through HTTP on 127.0.0.1:

1. start the hub with a course folder (lesson 00) that it copies into every new home
   (deploy/hub/loopback_config.py), and meanwhile build the exercise (``python -m toolkit.grading
   build``: student and autograder notebooks);
2. every learner, concurrently: logs in through the login form, asks for an API token, spawns a
   server, opens a kernel over the Jupyter REST and websocket APIs, runs lesson 00 with each
   checkpoint answered correctly (every checkpoint must say ✅); then receives the exercise (the
   student notebook, uploaded through the contents API), runs it (even-numbered learners with the
   worked solution filled in, odd-numbered blank) and saves it to ``submissions/``;
3. the instructor collects the submissions from the homes and grades them with the batch grader
   (``python -m toolkit.grading grade ... --format canvas``): solved ones must get full marks, blank
   ones zero.

Reports time to first executed cell, peak memory per learner (server + kernel) and of the hub
(+ proxy), wall times and failures (must be 0), as JSON in WORKDIR/report.json and as a table.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from toolkit.checkpoints import fill_solutions  # noqa: E402

LESSON = ROOT / "notebooks" / "00_welcome.ipynb"
CONFIG = ROOT / "deploy" / "hub" / "loopback_config.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------------- memory
class MemorySampler(threading.Thread):
    """Every 0.25 s: RSS of the hub, the proxy, and each learner's server plus its kernels."""

    def __init__(self, hub_pid: int):
        super().__init__(daemon=True)
        import psutil
        self.psutil, self.hub = psutil, psutil.Process(hub_pid)
        self.peak_hub_mb = self.peak_proxy_mb = 0.0
        self.peak_user_mb: dict[str, float] = {}
        self.stop = threading.Event()

    def _rss(self, proc) -> float:
        try:
            return proc.memory_info().rss / 2**20
        except self.psutil.Error:
            return 0.0

    def sample(self) -> None:
        self.peak_hub_mb = max(self.peak_hub_mb, self._rss(self.hub))
        try:
            children = self.hub.children()
        except self.psutil.Error:
            return
        for child in children:
            try:
                cmd = " ".join(child.cmdline())
                if "configurable-http-proxy" in cmd:
                    self.peak_proxy_mb = max(self.peak_proxy_mb, self._rss(child))
                elif "jupyterhub.singleuser" in cmd:
                    user = child.environ().get("JUPYTERHUB_USER", "?")
                    total = self._rss(child) + sum(self._rss(k) for k in child.children(recursive=True))
                    self.peak_user_mb[user] = max(self.peak_user_mb.get(user, 0.0), total)
            except self.psutil.Error:
                continue

    def run(self) -> None:
        while not self.stop.wait(0.25):
            self.sample()


# ----------------------------------------------------------------------------------- one learner
class Learner:
    """One simulated learner talking to the hub and to their own server over HTTP."""

    def __init__(self, name: str, base: str, password: str, exercise: str, solved: bool):
        from tornado.httpclient import AsyncHTTPClient
        self.name, self.base, self.password = name, base, password
        self.exercise, self.solved = exercise, solved
        self.http = AsyncHTTPClient()
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.result: dict = {"student": name, "solved": solved}

    # -- HTTP helpers
    async def request(self, path: str, method: str = "GET", body=None, headers=None, auth=True,
                      form: bool = False, ok=(200, 201, 202, 204, 302)):
        from tornado.httpclient import HTTPClientError
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if auth and self.token:
            headers["Authorization"] = f"token {self.token}"
        if body is not None and not isinstance(body, (str, bytes)):
            body = urlencode(body) if form else json.dumps(body)
        try:
            response = await self.http.fetch(self.base + path, method=method, body=body, headers=headers,
                                             follow_redirects=False, request_timeout=300,
                                             raise_error=False)
        except HTTPClientError as err:   # pragma: no cover - network failure
            raise RuntimeError(f"{self.name}: {method} {path}: {err}") from err
        for value in response.headers.get_list("Set-Cookie"):
            key, _, rest = value.partition("=")
            self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.code not in ok:
            raise RuntimeError(f"{self.name}: {method} {path} -> {response.code} {response.body[:300]!r}")
        return response

    async def log_in(self) -> None:
        await self.request("/hub/login", auth=False)
        xsrf = self.cookies.get("_xsrf", "")
        response = await self.request("/hub/login?next=", "POST", auth=False, form=True,
                                      body={"username": self.name, "password": self.password, "_xsrf": xsrf})
        if response.code != 302 or not any(k.startswith("jupyterhub-session") for k in self.cookies):
            raise RuntimeError(f"{self.name}: login refused ({response.code})")
        # an API token for the scripted session: the hub's token API checks the same credentials
        # with the Authenticator (a browser would carry on with the session cookie instead)
        self.cookies.clear()
        reply = await self.request(f"/hub/api/users/{self.name}/tokens", "POST", auth=False,
                                   body={"note": "class test", "expires_in": 3600,
                                         "auth": {"username": self.name, "password": self.password}})
        self.token = json.loads(reply.body)["token"]

    async def spawn(self, timeout_s: float = 300) -> None:
        await self.request(f"/hub/api/users/{self.name}/server", "POST", body={})
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            user = json.loads((await self.request(f"/hub/api/users/{self.name}")).body)
            server = user.get("servers", {}).get("", {})
            if server.get("ready"):
                return
            await asyncio.sleep(0.5)
        raise RuntimeError(f"{self.name}: server not ready after {timeout_s:.0f} s")

    # -- kernel over the websocket
    async def run_notebook(self, path: str, nb, on_first_cell=None) -> dict:
        """Execute every code cell of ``nb`` in a new kernel of this learner's server."""
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect
        user = f"/user/{self.name}"
        kernel = json.loads((await self.request(f"{user}/api/kernels", "POST",
                                                body={"name": "python3", "path": path})).body)
        ws_url = self.base.replace("http", "ws", 1) + f"{user}/api/kernels/{kernel['id']}/channels"
        ws = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {self.token}"}),
                                     max_message_size=256 * 2**20)
        session, errors = uuid.uuid4().hex, []
        try:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                cell.outputs = await self._execute(ws, session, cell.source, errors, index)
                if on_first_cell is not None:
                    on_first_cell()
                    on_first_cell = None
        finally:
            ws.close()
            await self.request(f"{user}/api/kernels/{kernel['id']}", "DELETE")
        return {"errors": errors}

    async def _execute(self, ws, session: str, code: str, errors: list, index: int) -> list:
        msg_id = uuid.uuid4().hex
        await ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.name,
                       "session": session, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": False}}))
        outputs, replied, idle = [], False, False
        while not (replied and idle):
            raw = await asyncio.wait_for(ws.read_message(), timeout=300)
            if raw is None:
                raise RuntimeError(f"{self.name}: kernel websocket closed during cell {index}")
            if isinstance(raw, bytes):   # binary frames carry widget buffers only
                continue
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "execute_reply":
                replied = True
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
            elif kind in ("stream", "execute_result", "display_data", "error"):
                outputs.append(nbformat.v4.output_from_msg(msg))
                if kind == "error":
                    errors.append(f"cell {index}: {content.get('ename')}: {content.get('evalue')}")
        return outputs

    async def put(self, path: str, nb) -> None:
        await self.request(f"/user/{self.name}/api/contents/{path}", "PUT",
                           body={"type": "notebook", "format": "json", "content": json.loads(nbformat.writes(nb))})

    async def save(self, path: str, nb) -> None:
        await self.request(f"/user/{self.name}/api/contents/submissions", "PUT", body={"type": "directory"})
        await self.put(path, nb)

    async def attend(self, lesson, handout: asyncio.Task, start: float) -> dict:
        """Log in, spawn, run lesson 00; receive, run and save the exercise."""
        r = self.result
        try:
            await self.log_in()
            r["login_s"] = round(time.perf_counter() - start, 2)
            await self.spawn()
            r["server_ready_s"] = round(time.perf_counter() - start, 2)
            first = lambda: r.setdefault("first_cell_s", round(time.perf_counter() - start, 2))  # noqa: E731
            lesson_run = await self.run_notebook(LESSON.name, lesson, first)
            checkpoints = [cell for cell in lesson.cells if "checkpoint" in cell.metadata.get("tags", [])]
            ticks = [line for cell in checkpoints for text in _texts(cell)
                     for line in text.splitlines() if line.strip()]
            r["lesson_done_s"] = round(time.perf_counter() - start, 2)
            r["lesson_errors"] = lesson_run["errors"]
            r["lesson_feedback_ok"] = sum(t.startswith("✅") for t in ticks)
            r["lesson_feedback_not_ok"] = [t for t in ticks if not t.startswith("✅")]
            if r["lesson_feedback_ok"] != len(checkpoints):
                r["lesson_feedback_not_ok"].append(
                    f"{r['lesson_feedback_ok']} ✅ for {len(checkpoints)} checkpoints")
            student_nb, solved_nb = await handout        # the exercise, once built
            await self.put(f"{self.exercise}.ipynb", student_nb)
            exercise_nb = _copy(solved_nb if self.solved else student_nb)
            ex_run = await self.run_notebook(f"{self.exercise}.ipynb", exercise_nb)
            r["exercise_errors"] = len(ex_run["errors"])
            await self.save(f"submissions/{self.exercise}.ipynb", exercise_nb)
            r["submitted_s"] = round(time.perf_counter() - start, 2)
            problems = r["lesson_errors"] + r["lesson_feedback_not_ok"]
            r["failure"] = "; ".join(problems) or None
        except Exception as err:  # noqa: BLE001 - every failure is reported, none stops the class
            r["failure"] = f"{type(err).__name__}: {err}"
        return r


def _texts(cell) -> list[str]:
    """The text a learner sees under a cell: streams, and Markdown or plain text of rich outputs."""
    return [o.get("text", "") if o.get("output_type") == "stream"
            else o.get("data", {}).get("text/markdown", "") or o.get("data", {}).get("text/plain", "")
            for o in cell.get("outputs", [])]


# ----------------------------------------------------------------------------------- the class
def _copy(nb):
    return nbformat.from_dict(json.loads(json.dumps(nb)))


def start_build(work: Path, exercise: str, exercises: Path) -> tuple[subprocess.Popen, Path]:
    """Start building the exercise (student + autograder notebooks) in the background."""
    dist = work / "dist"
    build = subprocess.Popen([sys.executable, "-m", "toolkit.grading", "build", exercise, "--exercises",
                              str(exercises), "--dist", str(dist)], cwd=ROOT,
                             stdout=open(work / "build.log", "w"), stderr=subprocess.STDOUT)
    return build, dist


async def exercise_handout(build: subprocess.Popen, dist: Path, exercise: str, work: Path):
    """Wait for the build; return the student notebook and the worked solution."""
    while build.poll() is None:
        await asyncio.sleep(0.5)
    if build.returncode != 0:
        raise RuntimeError(f"building {exercise} failed; see {work / 'build.log'}")
    return (nbformat.read(dist / exercise / "student" / f"{exercise}.ipynb", as_version=4),
            nbformat.read(dist / exercise / "autograder" / f"{exercise}.ipynb", as_version=4))


def make_course(work: Path) -> Path:
    """The folder the hub copies into each new home: lesson 00."""
    course = work / "course"
    course.mkdir(parents=True, exist_ok=True)
    shutil.copy2(LESSON, course / LESSON.name)
    return course


def start_hub(work: Path, course: Path, chp: str) -> tuple[subprocess.Popen, dict]:
    env = dict(os.environ, CLASSTEST_DIR=str(work), CLASSTEST_COURSE=str(course),
               CLASSTEST_PORT=str(free_port()), CLASSTEST_HUB_PORT=str(free_port()),
               CLASSTEST_API_PORT=str(free_port()), CLASSTEST_PASSWORD=secrets.token_hex(8),
               CLASSTEST_TOKEN=secrets.token_hex(16), CLASSTEST_CHP=chp,
               TOOLKIT_SHARED_DATA=str(work / "shared-data"))
    (work / "shared-data").mkdir(exist_ok=True)
    log = open(work / "hub.log", "w")
    hub = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], cwd=work, env=env,
                           stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return hub, env


async def wait_for_hub(base: str, hub: subprocess.Popen, work: Path, timeout_s: float = 120) -> None:
    from tornado.httpclient import AsyncHTTPClient
    client, deadline = AsyncHTTPClient(), time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if hub.poll() is not None:
            raise RuntimeError(f"the hub exited ({hub.returncode}); see {work / 'hub.log'}")
        try:
            response = await client.fetch(base + "/hub/api/", raise_error=False, request_timeout=5)
            if response.code == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the hub did not answer in {timeout_s:.0f} s; see {work / 'hub.log'}")


async def run_class(n: int, base: str, password: str, exercise: str, build: subprocess.Popen,
                    dist: Path, work: Path) -> list[dict]:
    lesson = nbformat.read(LESSON, as_version=4)
    fill_solutions(lesson)
    handout = asyncio.ensure_future(exercise_handout(build, dist, exercise, work))
    start = time.perf_counter()
    learners = [Learner(f"student{i:02d}", base, password, exercise, solved=i % 2 == 0) for i in range(n)]
    try:
        return await asyncio.gather(*(learner.attend(_copy(lesson), handout, start) for learner in learners))
    finally:
        handout.cancel()


def collect_and_grade(work: Path, dist: Path, exercise: str, results: list[dict]) -> dict:
    """The instructor copies submissions from the homes and runs the batch grader."""
    collected = work / "collected"
    collected.mkdir(exist_ok=True)
    for r in results:
        source = work / "homes" / r["student"] / "submissions" / f"{exercise}.ipynb"
        if os.path.lexists(source):   # a link is copied as a link, so the grader refuses it
            shutil.copy2(source, collected / f"{r['student']}.ipynb", follow_symlinks=False)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "toolkit.grading", "grade", str(collected), "--exercise", exercise,
                    "--dist", str(dist), "--out", str(work / "grades"), "--format", "canvas"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    import pandas as pd
    book = pd.read_csv(work / "grades" / "gradebook.csv")
    totals = book.groupby("student")[["score", "max"]].sum()
    return {"grading_s": round(time.perf_counter() - start, 1), "collected": len(list(collected.glob("*.ipynb"))),
            "scores": {s: float(v) for s, v in totals["score"].items()},
            "max": float(totals["max"].max()) if len(totals) else None,
            "canvas_file": str(work / "grades" / "gradebook_canvas.csv")}


def summarise(results: list[dict], grades: dict, sampler: MemorySampler, n: int, wall: float) -> dict:
    import statistics as st
    failures = [r for r in results if r.get("failure")]
    for r in results:   # solved -> full marks, blank -> zero
        score = grades["scores"].get(r["student"])
        expected = grades["max"] if r["solved"] else 0.0
        r["score"] = score
        if score != expected and not r.get("failure"):
            r["failure"] = f"graded {score}, expected {expected}"
            failures.append(r)
    firsts = [r["first_cell_s"] for r in results if "first_cell_s" in r]
    users = list(sampler.peak_user_mb.values())
    return {
        "students": n, "failures": len(failures), "class_wall_s": round(wall, 1),
        "first_cell_s": {"median": st.median(firsts), "max": max(firsts)} if firsts else None,
        "all_submitted_s": max((r.get("submitted_s", 0) for r in results), default=None),
        "peak_user_mb": {"n": len(users), "min": round(min(users)), "median": round(st.median(users)),
                         "max": round(max(users)),
                         "by_learner": {u: round(v, 1) for u, v in sorted(sampler.peak_user_mb.items())}}
        if users else None,
        "peak_hub_mb": round(sampler.peak_hub_mb), "peak_proxy_mb": round(sampler.peak_proxy_mb),
        "grading": grades, "learners": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=8)
    parser.add_argument("--exercise", default="08_privacy")
    parser.add_argument("--exercises", default=str(ROOT / "exercises"), help="folder of exercise masters")
    parser.add_argument("--workdir", default=str(ROOT / "build" / "classtest"))
    parser.add_argument("--chp", default=shutil.which("configurable-http-proxy")
                        or str(ROOT / "build" / "hub-node" / "node_modules" / ".bin" / "configurable-http-proxy"))
    args = parser.parse_args(argv)
    args.chp = str(Path(args.chp).resolve())   # the hub runs in the working folder
    if not Path(args.chp).exists():
        print(f"configurable-http-proxy not found at {args.chp}: run `make class-test` (it installs it with npm)",
              file=sys.stderr)
        return 2
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    build, dist = start_build(work, args.exercise, Path(args.exercises))
    hub, env = start_hub(work, make_course(work), args.chp)
    base = f"http://127.0.0.1:{env['CLASSTEST_PORT']}"
    sampler = MemorySampler(hub.pid)
    try:
        asyncio.run(wait_for_hub(base, hub, work))
        sampler.start()
        start = time.perf_counter()
        results = asyncio.run(run_class(args.students, base, env["CLASSTEST_PASSWORD"], args.exercise,
                                        build, dist, work))
        wall = time.perf_counter() - start
    finally:
        sampler.stop.set()
        if build.poll() is None:
            build.kill()
        os.killpg(hub.pid, signal.SIGTERM)   # the hub stops the servers it spawned (cleanup_servers)
        try:
            hub.wait(timeout=60)
        except subprocess.TimeoutExpired:   # pragma: no cover
            os.killpg(hub.pid, signal.SIGKILL)
    grades = collect_and_grade(work, dist, args.exercise, results)
    report = summarise(results, grades, sampler, args.students, wall)
    (work / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"{report['students']} learners, {report['failures']} failures; class {report['class_wall_s']} s; "
          f"first executed cell {report['first_cell_s']} s; all submitted {report['all_submitted_s']} s")
    users = {k: v for k, v in (report["peak_user_mb"] or {}).items() if k != "by_learner"}
    print(f"peak memory: per learner {users} MB, hub {report['peak_hub_mb']} MB, "
          f"proxy {report['peak_proxy_mb']} MB; grading {grades['collected']} submissions {grades['grading_s']} s")
    for r in results:
        if r.get("failure"):
            print(f"FAILED {r['student']}: {r['failure']}")
    print(f"report: {work / 'report.json'}")
    return 0 if report["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
