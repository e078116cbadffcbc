"""`caleido serve` as its own process on a free loopback port, as in production, and Neo4j servers of the
tests' own: the reliability tests load them, kill them and cut the store off from outside."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.neo4j_server import neo4j_server

STARTUP_SECONDS = 90
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def caleido_serve(store: str, keys_file: Path, log: Path, **env: str) -> Iterator[Served]:
    """Start the server, wait until it answers /healthz, yield it; stop it (if still running) afterwards."""
    port = free_port()
    environment = {**os.environ, "CALEIDO_KEYS_FILE": str(keys_file), **env}
    command = [sys.executable, "-m", "caleido", "serve", "--store", store, "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=environment, stdout=out, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"caleido serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(served.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"caleido serve did not answer in {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield served
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(15)


def neo4j_dev(folder: str, command: str, *args: str) -> str:
    """scripts/neo4j-dev on a server of the test's own (NEO4J_DEV_DIR=.cache/FOLDER), so stopping or killing it
    leaves the suite's server alone; its stdout (for `start`: the NEO4J_* variables)."""
    environment = {**os.environ, "NEO4J_DEV_DIR": str(REPO / ".cache" / folder)}
    environment.pop("NEO4J_PASSWORD", None)  # this server's own password, not the suite's
    done = subprocess.run(
        [str(REPO / "scripts" / "neo4j-dev"), command, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout


@contextmanager
def own_neo4j_server(folder: str) -> Iterator[dict[str, str]]:
    """A fresh Neo4j server of the test's own in .cache/FOLDER (see neo4j_dev), stopped afterwards; its NEO4J_*
    variables. Skips (or, when required, fails) like every Neo4j test when Neo4j testing is off."""
    neo4j_server()
    variables = dict(line.split("=", 1) for line in neo4j_dev(folder, "start", "--reset").split())
    try:
        yield variables
    finally:
        neo4j_dev(folder, "stop")
