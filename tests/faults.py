"""Services that tests start and kill themselves (never the shared PostgreSQL or Redis)."""

import contextlib
import dataclasses
import shutil
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
