"""docker-compose.yml is right without a Docker engine (ADR 0026): it validates against the
Compose specification's JSON schema (the copy shipped in the check-jsonschema package), and
the shape the portal relies on holds: migrations as a one-off job nothing starts before,
one worker per queue kind (and one for the default queue), exactly one beat, and the
cluster profile's two web replicas behind nginx with MinIO. Where Docker Compose itself is
installed, ``docker compose config`` must accept the file too."""

import json
import os
import shlex
import shutil
import subprocess
from importlib import resources

import jsonschema
import pytest
import yaml
from django.conf import settings

COMPOSE = settings.BASE_DIR / "docker-compose.yml"
NGINX = settings.BASE_DIR / "deploy" / "nginx.conf"
SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD", "ELICENSE_KEY_PASSPHRASE", "AUDIT_CHAIN_KEY")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _command(service: dict) -> list[str]:
    command = service.get("command", "")
    return command if isinstance(command, list) else shlex.split(command)


def _profiles(service: dict) -> list[str]:
    return service.get("profiles", [])


def _docker_compose() -> str | None:
    """The docker CLI when it has the Compose plugin, else None."""
    docker = shutil.which("docker")
    if docker is None:
        return None
    version = subprocess.run(  # noqa: S603 - fixed arguments
        [docker, "compose", "version"], capture_output=True, check=False
    )
    return docker if version.returncode == 0 else None


def test_the_compose_file_validates_against_the_compose_specification(compose):
    schema_file = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(schema_file.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []
    # The schema catches a misspelt key (it must be able to fail).
    broken = {**compose, "services": {**compose["services"], "web": {"imagee": "x"}}}
    assert list(validator.iter_errors(broken))
    # Where Docker Compose is installed, it must accept the file as well.
    docker = _docker_compose()
    if docker:
        env = {**os.environ, **dict.fromkeys((*SECRETS, "MINIO_ROOT_PASSWORD"), "x")}
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [docker, "compose", "-f", str(COMPOSE), "--profile", "cluster", "config", "-q"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr


def test_migrations_run_once_as_a_job_that_everything_waits_for(compose):
    services = compose["services"]
    assert _command(services["migrate"]) == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    image = "shmarket-portal:latest"
    uses_database = [name for name, service in services.items() if service.get("image") == image]
    assert {"web", "web-2", "beat", "worker-signing"} <= set(uses_database)
    for name in uses_database:
        if name == "migrate":
            continue
        assert "migrate" not in _command(services[name]), name
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    assert "migrate" not in dockerfile.split("CMD", 1)[1]


def test_every_queue_kind_has_its_own_worker_and_there_is_one_beat(compose):
    consumed = {}
    for name, service in compose["services"].items():
        command = _command(service)
        if command[:4] == ["celery", "-A", "config", "worker"]:
            queues = command[command.index("-Q") + 1].split(",")
            assert len(queues) == 1, f"{name} consumes more than one queue"
            consumed[queues[0]] = name
    kinds = set(settings.TASK_QUEUES.values())
    assert kinds == {"signing", "documents", "bulk", "reports", "notices"}
    assert set(consumed) == kinds | {settings.CELERY_TASK_DEFAULT_QUEUE}
    beats = [
        name
        for name, service in compose["services"].items()
        if _command(service)[:4] == ["celery", "-A", "config", "beat"]
    ]
    assert beats == ["beat"] and not _profiles(compose["services"]["beat"])


def test_the_cluster_profile_puts_two_web_replicas_behind_nginx_with_minio(compose):
    services = compose["services"]
    cluster = {name for name, service in services.items() if "cluster" in _profiles(service)}
    assert {"web-2", "nginx", "minio", "minio-bucket"} <= cluster
    assert _command(services["web"]) == _command(services["web-2"])
    assert set(services["nginx"]["depends_on"]) == {"web", "web-2"}
    conf = NGINX.read_text()
    assert "server web:8000" in conf and "server web-2:8000" in conf
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in conf
    # The web replicas count nginx among their trusted proxies (ADR 0013).
    assert services["web-2"]["environment"]["PROXY_COUNT"] == "${PROXY_COUNT:-1}"
    assert services["web-2"]["environment"]["STORAGE_URL"] == "${STORAGE_URL:-}"


def test_the_development_worker_consumes_every_queue():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    line = next(line for line in makefile.splitlines() if "celery -A config worker" in line)
    queues = set(line.split("-Q ", 1)[1].split()[0].split(","))
    assert queues == set(settings.TASK_QUEUES.values()) | {settings.CELERY_TASK_DEFAULT_QUEUE}
