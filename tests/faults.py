"""Services that tests start and kill themselves (never the shared PostgreSQL or Redis)."""

import contextlib
import dataclasses
import shutil
import signal
import socket
import subprocess
import time
import uuid

import redis

from config.settings import redis_cache
from tests.conftest import require


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclasses.dataclass
class PrivateRedis:
    url: str
    process: subprocess.Popen

    def kill(self) -> None:
        """``kill -9``: Redis vanishes mid-conversation, as in a crash."""
        self.process.kill()
        self.process.wait(timeout=10)

    def pause(self) -> None:
        """``SIGSTOP``: Redis hangs; what is sent to it waits in its socket, unanswered."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@contextlib.contextmanager
def private_redis():
    """A throw-away ``redis-server`` on a free loopback port, killed on exit."""
    server = shutil.which("redis-server")
    require(server is not None, "needs redis-server")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, loopback only
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    try:
        yield PrivateRedis(url=url, process=process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def use_redis(settings, url: str) -> None:
    """Point the cache and the rate limiter at ``url``, configured as in production."""
    settings.REDIS_URL = url
    settings.CACHES = {"default": {**redis_cache(url), "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@dataclasses.dataclass
class S3Server:
    """A real S3 protocol server (moto in server mode) on a loopback port."""

    endpoint: str
    port: int
    process: subprocess.Popen

    def client(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id="test",
            aws_secret_access_key="test", region_name="us-east-1",
        )  # fmt: skip

    def bucket(self) -> str:
        """A fresh private bucket; returns its name."""
        name = f"portal-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def storage_url(self, bucket: str) -> str:
        return f"s3://test:test@127.0.0.1:{self.port}/{bucket}?secure=false"


@contextlib.contextmanager
def s3_server():
    """``moto_server`` on a free loopback port, killed on exit."""
    import sys
    from pathlib import Path

    server = Path(sys.executable).with_name("moto_server")
    require(server.exists(), "needs moto[server] (requirements-dev.txt)")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("moto_server did not start") from None
            time.sleep(0.1)
    try:
        yield S3Server(endpoint=f"http://127.0.0.1:{port}", port=port, process=process)
    finally:
        process.terminate()
        process.wait(timeout=10)
