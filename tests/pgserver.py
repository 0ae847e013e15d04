"""A real PostgreSQL server for the tests and the benchmark: Debian's postgresql package
(`make tools` installs it), a cluster made with initdb in a temporary folder, started with
pg_ctl on a free port of 127.0.0.1, and stopped at the end.  PostgreSQL refuses to run as
root: as root, the cluster belongs to the `postgres` user (made by the Debian package) and
its commands run through runuser."""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def pg_bin() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    w = shutil.which("initdb")
    return Path(w).resolve().parent if w else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self):
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql; "
                               "`make tools` does it)")
        self.root = Path(tempfile.mkdtemp(prefix="typeset-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.user = "postgres"
        self.as_root = os.geteuid() == 0
        self._n = 0

    def _run(self, *cmd, check=True, **kw):
        if self.as_root:
            # runuser lives in /usr/sbin (Debian), which a minimal PATH may not hold
            runuser = shutil.which("runuser") or shutil.which(
                "runuser", path="/usr/sbin:/sbin:/usr/bin:/bin") or "runuser"
            cmd = (runuser, "-u", "postgres", "--", *cmd)
        return subprocess.run([str(c) for c in cmd], check=check, capture_output=True,
                              text=True, **kw)

    def start(self) -> "PgServer":
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(self.bin / "initdb", "-D", self.data, "-U", self.user, "-E", "UTF8",
                  "--locale=C.UTF-8", "-A", "trust", "--no-sync")
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                f"-c unix_socket_directories={self.root} -c fsync=off "
                f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=60 "
                f"-c shared_buffers=64MB")
        r = self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.root / "log", "-o",
                      opts, "-w", "-t", "60", "start", check=False)
        if r.returncode != 0:
            log = (self.root / "log").read_text(errors="replace") if (self.root / "log") \
                .exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {r.stderr}\n{log[-2000:]}")
        self._watchdog()
        return self

    def _watchdog(self) -> None:
        """A test run killed from outside (a timeout's SIGKILL) runs no teardown: a small
        detached shell waits for this process to end and then stops the server and removes
        its folder, so no PostgreSQL is left running after any run."""
        stop = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
        if self.as_root:
            runuser = shutil.which("runuser") or shutil.which(
                "runuser", path="/usr/sbin:/sbin:/usr/bin:/bin") or "runuser"
            stop = [runuser, "-u", "postgres", "--", *stop]
        script = (f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; "
                  f"{' '.join(shlex.quote(a) for a in stop)} >/dev/null 2>&1; "
                  f"rm -rf {shlex.quote(str(self.root))}")
        # started in the background of a shell that exits at once: the watchdog is no child
        # of the test process (tests check that fork_map leaves no children behind)
        subprocess.run(["sh", "-c", f"( {script} ) </dev/null >/dev/null 2>&1 &"],
                       start_new_session=True, check=True)

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{db}"

    def sql(self, statement: str, db: str = "postgres") -> str:
        import psycopg

        with psycopg.connect(self.url(db), autocommit=True) as con:
            cur = con.execute(statement)
            return cur.fetchall() if cur.description else ""

    def new_database(self, prefix: str = "t", template: str | None = None) -> str:
        """A new, empty UTF-8 database (or a copy of ``template``); its URL."""
        self._n += 1
        name = f"{prefix}_{os.getpid()}_{self._n}_{int(time.time() * 1000) % 10**6}"
        if template:
            self.sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            self.sql(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
        return self.url(name)

    def stop(self) -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop",
                  check=False)
        shutil.rmtree(self.root, ignore_errors=True)
