"""Linux Landlock: let a process give up access to files, the network and signals outside a list.

The batch grader applies this inside the process that runs a student's notebook, so that code
can read Python and the toolkit, write only its own working folder, and never read the hidden
tests, other submissions or the instructor's solutions (kernel >= 5.13; ABI 4+ also blocks TCP,
ABI 6+ stops signals to processes outside the sandbox). See the kernel's
``Documentation/userspace-api/landlock.rst``.
"""
from __future__ import annotations

import ctypes
import os
from pathlib import Path

__all__ = ["landlock_abi", "restrict_filesystem"]

_SYS_CREATE, _SYS_ADD_RULE, _SYS_RESTRICT = 444, 445, 446  # x86-64 and arm64 share these numbers
_PR_SET_NO_NEW_PRIVS = 38
_RULE_PATH_BENEATH = 1

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_WRITE_DIR_RIGHTS = sum(1 << b for b in range(4, 13))  # remove, make dir/file/sock/fifo/sym...
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, or 0 where Landlock is unavailable (not Linux, old kernel)."""
    try:
        version = _libc().syscall(_SYS_CREATE, None, 0, 1)  # LANDLOCK_CREATE_RULESET_VERSION
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def _fs_rights(abi: int) -> int:
    rights = EXECUTE | WRITE_FILE | READ_FILE | READ_DIR | _WRITE_DIR_RIGHTS
    return rights | (REFER if abi >= 2 else 0) | (TRUNCATE if abi >= 3 else 0) | (
        IOCTL_DEV if abi >= 5 else 0)


def restrict_filesystem(read_only: list[str | os.PathLike], read_write: list[str | os.PathLike]) -> int:
    """Restrict this process (and its children) to the given folders; returns the ABI used.

    Everything else on disk becomes unreadable; TCP connections (ABI >= 4) and signals to
    processes outside the sandbox (ABI >= 6) are refused. Raises OSError where unavailable.
    """
    abi = landlock_abi()
    if abi < 1:
        raise OSError("Landlock is not available on this system (needs Linux 5.13 or newer)")
    libc, handled = _libc(), _fs_rights(abi)
    attr = _RulesetAttr(handled, 0b11 if abi >= 4 else 0, 0b11 if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = libc.syscall(_SYS_CREATE, ctypes.byref(attr), ctypes.c_size_t(size), 0)
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        read = EXECUTE | READ_FILE | READ_DIR
        for paths, rights in ((read_only, read), (read_write, handled)):
            for path in paths:
                _allow(libc, ruleset, Path(path), rights & handled)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(NO_NEW_PRIVS) failed")
        if libc.syscall(_SYS_RESTRICT, ruleset, 0) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)
    return abi


def _allow(libc, ruleset: int, path: Path, rights: int) -> None:
    if not path.exists():
        return
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not path.is_dir():
            rights &= _FILE_ONLY
        rule = _PathBeneath(rights, fd)
        if libc.syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
    finally:
        os.close(fd)
