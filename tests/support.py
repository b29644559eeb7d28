"""Helpers shared by tests that start local servers."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate a server process, killing it if it does not exit in time."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


# ---- a throwaway PostgreSQL ----------------------------------------------------------------------


def postgres_binaries() -> tuple[Path | None, str]:
    """The folder holding initdb and pg_ctl (PATH first, then Debian's /usr/lib/postgresql/*/bin,
    newest first), or None and why not."""
    found = shutil.which("initdb"), shutil.which("pg_ctl")
    if all(found):
        return Path(found[0]).resolve().parent, ""
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name, reverse=True):
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d, ""
    return None, "PostgreSQL is not installed (no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin; apt-get install postgresql)"


@contextmanager
def postgres(user: str = "cbec", password: str = "cbec-secret") -> Iterator[str]:
    """A PostgreSQL cluster of its own: a temporary folder, a free loopback port, its unix socket in
    that folder; yields the SQLAlchemy URL of its ``postgres`` database and removes it all afterwards.

    initdb refuses to run as root: as root the cluster belongs to the ``postgres`` user Debian's
    package creates (else ``nobody``), and every server command runs through ``runuser``. The folder
    is made with `tempfile` (not pytest's per-user 0700 folder), so that user can enter it.
    Raises `RuntimeError` naming the step and its output when the cluster does not come up.
    """
    bindir, why = postgres_binaries()
    if bindir is None:
        raise FileNotFoundError(why)
    root = Path(tempfile.mkdtemp(prefix="cbec-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            owner = pwd.getpwnam("nobody")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        prefix = ["runuser", "-u", owner.pw_name, "--"]
    data, sock, log = root / "data", root / "sock", root / "server.log"
    pwfile = root / "pw"
    port = free_port()

    def run(*cmd: str) -> None:
        done = subprocess.run([*prefix, *cmd], capture_output=True, text=True, timeout=120, cwd=root)
        if done.returncode:
            raise RuntimeError(f"{Path(cmd[0]).name} failed ({done.returncode}): {(done.stderr or done.stdout)[-1500:]}")

    started = False
    try:
        run("mkdir", str(sock))
        run("sh", "-c", f"umask 077; printf '%s' '{password}' > {pwfile}")
        # md5 password auth on TCP; --no-sync and fsync=off: a test cluster need not survive a power cut.
        run(str(bindir / "initdb"), "-D", str(data), "-U", user, f"--pwfile={pwfile}", "-A", "md5",
            "--no-sync", "-E", "UTF8", "--locale=C")
        opts = f"-p {port} -h 127.0.0.1 -k {sock} -c fsync=off -c full_page_writes=off"
        try:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts, "-w", "-t", "60", "start")
        except RuntimeError as exc:
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise RuntimeError(f"{exc}\n{tail}") from None
        started = True
        yield f"postgresql+psycopg://{user}:{password}@127.0.0.1:{port}/postgres"
    finally:
        if started:
            try:
                run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", "60", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(root, ignore_errors=True)
