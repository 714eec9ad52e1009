"""What the instructor and the learner read about a graded run: one-line details and the page.

The gradebook's ``detail`` column and the feedback page say what happened to a run that did not
end normally (the signal, the peak memory, the time, the last lines of its log), so an
instructor can act instead of guessing.
"""
from __future__ import annotations

import html
import signal

import pandas as pd

from .sandbox import SandboxResult

__all__ = ["describe_run", "log_tail", "feedback_html"]

_SIGNAL_HINTS = {
    "SIGKILL": "killed from outside the grader, most often by the system's out-of-memory killer when the "
               "machine ran short of memory (`dmesg` shows it); grade it again on a quieter machine",
    "SIGXCPU": "it used up its CPU-time limit",
    "SIGXFSZ": "it tried to write a file over the 200 MB limit",
    "SIGSEGV": "a library it called crashed",
    "SIGABRT": "a library it called aborted",
    "SIGBUS": "a library it called crashed",
}


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def describe_run(result: SandboxResult, timeout_s: float, memory_mb: int) -> str:
    """One sentence on how a sandboxed run ended, for the gradebook's ``detail`` column.

    Examples
    --------
    >>> print(describe_run(SandboxResult(None, "crashed", 12.3, "", -9, 410.0, 0), 120, 2048))
    ... # doctest: +ELLIPSIS
    crashed: ended by signal 9 (SIGKILL) after 12.3 s, peak memory 410 MB: killed from outside the grader...
    >>> print(describe_run(SandboxResult(None, "crashed", 1.5, "ImportError: no toolkit\\n", 1, 90.0), 120, 2048))
    crashed: the notebook runner exited with code 1 after 1.5 s, peak memory 90 MB; its log ended: 'ImportError: no toolkit'
    >>> print(describe_run(SandboxResult("{}", "ok", 2.0, "", 0, 150.0, 1), 120, 2048))
    ok: ran in 2.0 s, peak memory 150 MB; 1 leftover process(es) stopped
    """
    where = f"after {result.seconds:.1f} s, peak memory {result.peak_mb:.0f} MB"
    if result.status == "ok":
        text = f"ok: ran in {result.seconds:.1f} s, peak memory {result.peak_mb:.0f} MB"
    elif result.status == "timeout":
        text = f"timeout: stopped at the time limit of {timeout_s:g} s (peak memory {result.peak_mb:.0f} MB)"
    elif result.status == "memory":
        text = (f"memory: stopped at {result.peak_mb:.0f} MB, over the memory limit of {memory_mb} MB, "
                f"after {result.seconds:.1f} s")
    elif result.status == "crashed" and result.returncode is not None and result.returncode < 0:
        name = _signal_name(-result.returncode)
        hint = _SIGNAL_HINTS.get(name, "see the last lines of its log")
        text = f"crashed: ended by signal {-result.returncode} ({name}) {where}: {hint}"
    elif result.status == "crashed":
        text = (f"crashed: the notebook runner exited with code {result.returncode} {where}; "
                f"its log ended: {_last_own_line(result.log)!r}")
    else:
        text = f"{result.status}: {result.log.strip()}"
    if result.leftover:
        text += f"; {result.leftover} leftover process(es) stopped"
    return text


def _last_own_line(log: str) -> str:
    """The last line the notebook runner wrote (not the grader's own ``[grader]`` notes)."""
    lines = [ln.strip() for ln in log.splitlines() if ln.strip() and not ln.startswith("[grader]")]
    return lines[-1][:300] if lines else "(nothing)"


def log_tail(log: str, n_lines: int = 12) -> str:
    """The last ``n_lines`` non-empty lines of a run's log."""
    lines = [line for line in log.splitlines() if line.strip()]
    return "\n".join(lines[-n_lines:])


def feedback_html(student: str, table: pd.DataFrame, status: str, detail: str, log: str = "") -> str:
    """A learner's feedback page: the run's status, each question's tests, and what went wrong.

    Hidden tests show only passed or failed; a failed public test shows its message; a run that
    did not end normally shows its detail and the last lines of its log.
    """
    total = f"Total: {table['score'].sum():g} / {table['max'].sum():g}"
    parts = [f"<h1>Feedback for {html.escape(student)}</h1>",
             f"<p>Run status: {html.escape(status)}. {total}</p>"]
    if detail:
        parts.append(f"<p>What happened: {html.escape(detail)}</p>")
    if status not in ("ok", "refused", "duplicate") and log.strip():
        parts.append(f"<p>Last lines of its log:</p><pre>{html.escape(log_tail(log))}</pre>")
    for row in table.itertuples():
        parts.append(f"<h2>{html.escape(row.question)}: {row.score:g} / {row.max:g}</h2><ul>")
        for case in row.cases:
            mark = "passed" if case["passed"] else "failed"
            shown = "" if case["hidden"] or case["passed"] else f"<pre>{html.escape(case['message'])}</pre>"
            parts.append(f"<li>{'hidden' if case['hidden'] else 'public'} test {mark}{shown}</li>")
        parts.append("</ul>")
    return "<!doctype html><meta charset='utf-8'>\n" + "\n".join(parts)
