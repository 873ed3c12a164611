"""A throwaway PostgreSQL cluster on a free loopback port for the store's tests (Debian's
server binaries, installed with apt-get when missing and allowed); skipped, saying why, when
none can be had."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.servers import free_port


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """Start a cluster for the block; its base URL (no database)."""
    bin_dir = _postgres_bin() or _install_postgres()
    root = Path(tempfile.mkdtemp(prefix="switchboard-pg-"))
    as_user = _run_as()
    if as_user:
        account = pwd.getpwnam(as_user)
        os.chown(root, account.pw_uid, account.pw_gid)
    data, port = root / "data", free_port()
    started = time.monotonic()
    try:
        _run(as_user, bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-N")
        options = f"-h 127.0.0.1 -p {port} -k {root} -F"
        log = root / "log"
        _run(as_user, bin_dir / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start")
    except (OSError, subprocess.SubprocessError) as error:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not start a PostgreSQL cluster with {bin_dir}: {error}")
    print(f"PostgreSQL cluster up in {time.monotonic() - started:.1f} s on port {port}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        _run(as_user, bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def admin(base: str, statement: str) -> None:
    engine = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _postgres_bin() -> Path | None:
    """Debian's newest PostgreSQL server binaries, else whatever `initdb` is on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _install_postgres() -> Path:
    """Install Debian's postgresql with apt-get (as root), or skip saying what failed."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("PostgreSQL is not installed, and apt-get as root is not available")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "postgresql"]
    failure = ""
    for commands in ([install], [["apt-get", "update"], install]):
        try:
            for command in commands:
                done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
                failure = f"`{' '.join(command)}` exited {done.returncode}: {done.stderr[-300:]}"
                if done.returncode != 0:
                    break
        except (OSError, subprocess.SubprocessError) as error:
            failure = f"`{' '.join(command)}` failed: {error}"
        if _postgres_bin() is not None:
            break
    found = _postgres_bin()
    if found is None:
        pytest.skip(f"PostgreSQL is not installed and installing it failed: {failure}")
    return found


def _run_as() -> str | None:
    """PostgreSQL refuses to run as root: then run it as the `postgres` account."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no `postgres` account to run PostgreSQL as")
    return "postgres"


def _run(user: str | None, *command: str | Path) -> None:
    argv = [str(part) for part in command]
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-500:]
        raise subprocess.SubprocessError(f"{' '.join(argv)} exited {done.returncode}: {tail}")


@contextlib.contextmanager
def database(base: str) -> Iterator[str]:
    """A fresh database in the cluster for the block; its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin(base, f"CREATE DATABASE {name}")
    try:
        yield f"{base}/{name}"
    finally:
        admin(base, f"DROP DATABASE {name} WITH (FORCE)")
