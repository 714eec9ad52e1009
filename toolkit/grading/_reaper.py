"""Run a command so that every process it starts ends when it ends; started by the sandbox.

Usage: python -I /path/to/_reaper.py MEMORY_MB CPU_S COMMAND [ARG ...]  (run as a file, so it
imports nothing of the toolkit; the sandbox also imports `kill_tree` from here.)

It first sets the limits the command inherits: address space ``MEMORY_MB + 2048`` MB (libraries
reserve address space they never use), ``CPU_S`` seconds of CPU time, 200 MB per written file,
no core dumps. (Set here rather than in a ``preexec_fn``, which is unsafe in a grader that runs
several submissions at once from threads.)

A process that double-forks, or calls ``setsid``, leaves its process group, so killing the group
misses it; when its parent dies it is re-parented. This process declares itself a *child
subreaper* (Linux ``prctl(PR_SET_CHILD_SUBREAPER)``, see ``man 2 prctl``), so every orphan of the
submission is re-parented to it instead of to init. When the command ends, it freezes and kills
everything left below it, reaps it, prints ``[grader] stopped N leftover process(es)`` and exits
with the command's status (``128 + N`` for a command ended by signal N, as a shell does).
If the grader dies (the thread that started this process ends), the kernel sends this process
SIGTERM (``PR_SET_PDEATHSIG``) and it kills everything below it too. Student code runs only in the
command, never here; with Landlock ABI 6+ it cannot signal this process (`toolkit.grading.landlock`).
"""
from __future__ import annotations

import ctypes
import os
import resource
import signal
import subprocess
import sys

import psutil

_PR_SET_PDEATHSIG, _PR_SET_CHILD_SUBREAPER = 1, 36


def become_subreaper() -> bool:
    """Make this process the child subreaper of its descendants, and have it get SIGTERM when
    the grader (the thread that started it) dies; False where Linux lacks these."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _stop_everything(signum: int, frame) -> None:
    """SIGTERM (the grader died or asked): kill every process below this one, then leave.

    A second SIGTERM (the kernel may send more than one) is ignored, so it cannot interrupt the
    first one half-way; psutil is imported before any signal can arrive.
    """
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    kill_tree(os.getpid(), include_root=False)
    os._exit(128 + signum)


def kill_tree(pid: int, include_root: bool = True) -> int:
    """Stop then kill ``pid``'s descendants (and ``pid`` itself); returns how many were running.

    Each round freezes (SIGSTOP) every process found below ``pid`` before listing again, so a
    process that forks while being killed is caught in the next round; then all get SIGKILL.

    Examples
    --------
    >>> import subprocess, sys
    >>> child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    >>> kill_tree(child.pid), child.wait()
    (1, -9)
    """
    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return 0
    seen: dict[int, psutil.Process] = {}
    for _ in range(100):
        try:
            found = [root, *root.children(recursive=True)] if include_root else root.children(recursive=True)
        except psutil.Error:
            found = []
        new = [p for p in found if p.pid not in seen]
        if not new:
            break
        for proc in new:
            seen[proc.pid] = proc
            try:
                proc.send_signal(signal.SIGSTOP)
            except psutil.Error:
                pass
    killed = 0
    for proc in seen.values():
        try:
            running = proc.status() != psutil.STATUS_ZOMBIE   # a zombie has ended already
            proc.send_signal(signal.SIGKILL)
            killed += running
        except psutil.Error:
            pass
    return killed


def _reap_all() -> None:
    """Collect the exit status of every child (re-parented orphans included)."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


MAX_FILE_BYTES = 200 * 2**20


def set_limits(memory_mb: int, cpu_s: int) -> None:
    """Limit this process and what it starts: address space, CPU seconds, file size, no core."""
    virtual = (memory_mb + 2048) * 2**20
    for limit, value in ((resource.RLIMIT_AS, virtual), (resource.RLIMIT_CPU, cpu_s),
                         (resource.RLIMIT_FSIZE, MAX_FILE_BYTES), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(limit, (value, value))


def main(memory_mb: int, cpu_s: int, command: list[str]) -> int:
    set_limits(memory_mb, cpu_s)
    signal.signal(signal.SIGTERM, _stop_everything)
    subreaper = become_subreaper()
    child = subprocess.Popen(command)
    returncode = child.wait()
    leftover = kill_tree(os.getpid(), include_root=False)
    _reap_all()
    print(f"\n[grader] stopped {leftover} leftover process(es)"
          + ("" if subreaper else " (no child subreaper on this system)"), file=sys.stderr, flush=True)
    return returncode if returncode >= 0 else 128 - returncode


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]))
