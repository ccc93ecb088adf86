"""No server banner: real gunicorn and ``seqf run`` processes on a free loopback port, headers read.

The ``Server`` header is written by the server below the application, so only a real server shows
it. Each process serves ``/healthz`` (no database needed) and is stopped at the end of its test.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port

BIN = Path(sys.executable).parent


def _serve(command: list[str], cwd: Path, tmp_path: Path, port: int) -> http.client.HTTPResponse:
    env = {**os.environ, "SEQF_DATABASE_URL": f"sqlite:///{tmp_path / 'banner.db'}", "SEQF_SECRET_KEY": "banner",
           "FLASK_DEBUG": "0"}
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            # closed on every path: a start-up that is slow under load (a read timeout) must not leave
            # the socket open, which pytest reports as an error
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                response.read()
                return response
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.stderr.read().decode() if process.poll() is not None
                                         else "server did not start") from None
                time.sleep(0.2)
            finally:
                connection.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def _gunicorn(*options: str, port: int) -> list[str]:
    return [str(BIN / "gunicorn"), *options, "--workers", "1", "--bind", f"127.0.0.1:{port}", "seqf:create_app()"]


def test_gunicorn_with_the_documented_config_sends_no_server_header(tmp_path):
    port = free_port()
    response = _serve(_gunicorn("-c", "python:seqf.gunicorn_conf", port=port), tmp_path, tmp_path, port)
    assert response.status == 200
    assert response.getheader("Server") is None
    assert response.getheader("Date")  # the rest of gunicorn's own headers stay


def test_gunicorn_started_in_the_repository_reads_its_config_file(tmp_path):
    port = free_port()
    response = _serve(_gunicorn(port=port), ROOT, tmp_path, port)
    assert response.status == 200
    assert response.getheader("Server") is None


def test_without_the_config_gunicorn_names_itself(tmp_path):
    """The control: what the two tests above would see if the config were not applied."""
    port = free_port()
    response = _serve(_gunicorn("-c", "/dev/null", port=port), tmp_path, tmp_path, port)
    assert response.getheader("Server", "").startswith("gunicorn")


@pytest.mark.skipif(not (BIN / "seqf").exists(), reason="the seqf command is not installed")
def test_the_development_server_sends_no_server_header(tmp_path):
    port = free_port()
    response = _serve([str(BIN / "seqf"), "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
                      tmp_path, tmp_path, port)
    assert response.status == 200
    assert response.getheader("Server") is None
    assert response.getheader("Content-Security-Policy")  # the application's own headers are there
