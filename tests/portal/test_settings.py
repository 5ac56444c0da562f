"""Production settings come from the environment and pass Django's deploy checks."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import checks

from elicense import services


def _manage(*args, **env):
    test_only = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-like-secret-from-the-environment-" + "x" * 20,
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    "PUBLIC_BASE_URL": "https://portal.example.gov.cn",
}


def test_check_deploy_is_clean_with_production_environment():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        ELICENSE_KEY_PASSPHRASE="a-passphrase-from-the-secret-store",
        AUDIT_CHAIN_KEY="an-audit-chain-key-from-the-secret-store",
        OIDC_PAIRWISE_KEY="a-pairwise-subject-key-from-the-secret-store",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_the_audit_chain_key():
    result = _manage(
        "check",
        "--deploy",
        **PRODUCTION,
        ELICENSE_KEY_PASSPHRASE="a-passphrase-from-the-secret-store",
        AUDIT_CHAIN_KEY="",
    )

    assert result.returncode != 0
    assert "portal.E001" in result.stderr and "AUDIT_CHAIN_KEY" in result.stderr


def test_check_deploy_fails_without_the_public_base_url():
    result = _manage(
        "check",
        "--deploy",
        **{**PRODUCTION, "PUBLIC_BASE_URL": ""},
        ELICENSE_KEY_PASSPHRASE="a-passphrase-from-the-secret-store",
        AUDIT_CHAIN_KEY="an-audit-chain-key-from-the-secret-store",
    )

    assert result.returncode != 0
    assert "portal.E002" in result.stderr and "PUBLIC_BASE_URL" in result.stderr


def test_check_deploy_fails_without_the_signing_key_passphrase():
    result = _manage("check", "--deploy", **PRODUCTION, ELICENSE_KEY_PASSPHRASE="")

    assert result.returncode != 0
    assert "elicense.E001" in result.stderr and "ELICENSE_KEY_PASSPHRASE" in result.stderr


def _deploy_errors():
    return [
        message.id
        for message in checks.run_checks(include_deployment_checks=True)
        if message.level >= checks.ERROR
    ]


@pytest.mark.django_db
def test_check_deploy_fails_when_the_passphrase_cannot_decrypt_the_active_key(settings):
    settings.ELICENSE_KEY_PASSPHRASE = "the-passphrase-the-key-was-made-with"
    key = services.create_signing_key()
    assert "elicense.E002" not in _deploy_errors()

    settings.ELICENSE_KEY_PASSPHRASE = "a-mistyped-passphrase"

    assert "elicense.E002" in _deploy_errors()
    assert key.kid in next(
        m.msg for m in checks.run_checks(include_deployment_checks=True) if m.id == "elicense.E002"
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_locale_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert "licensing.tasks.expire_food_licences" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def _make_run_environment() -> dict[str, str]:
    """The variables ``make run`` exports (read from the Makefile, so the two cannot drift)."""
    makefile = (settings.BASE_DIR / "Makefile").read_text(encoding="utf-8")
    pairs = re.findall(r"^run: export (\w+) := (.*)$", makefile, flags=re.MULTILINE)
    return dict(pairs)


def test_make_run_serves_without_debug_on_this_machine_but_never_passes_for_production():
    run = _make_run_environment()
    assert run["DEBUG"] == "false" and run["LOCAL_SECRETS"] == "true"

    started = _manage("check", **run, SECRET_KEY="")
    assert started.returncode == 0, started.stderr

    deploy = _manage("check", "--deploy", **run, PUBLIC_BASE_URL="https://portal.example.gov.cn")
    assert deploy.returncode != 0 and "portal.E003" in deploy.stderr


def test_storage_url_names_an_s3_compatible_store_and_refuses_anything_else():
    from config.settings import s3_storage

    storage = s3_storage(
        "s3://portal:se%2Fcret@minio:9000/portal-files?secure=false&region=cn-east-2",
        url_seconds=60,
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["endpoint_url"] == "http://minio:9000"
    assert (options["bucket_name"], options["access_key"], options["secret_key"]) == (
        "portal-files", "portal", "se/cret",
    )  # fmt: skip
    assert options["region_name"] == "cn-east-2" and options["default_acl"] is None
    assert options["querystring_auth"] and options["querystring_expire"] == 60
    assert (
        s3_storage("s3://k:s@oss.example.gov.cn/b", url_seconds=30)["OPTIONS"]["endpoint_url"]
        == "https://oss.example.gov.cn"
    )
    for wrong in ("https://minio:9000/bucket", "s3://k:s@minio:9000/"):
        with pytest.raises(ValueError, match="STORAGE_URL"):
            s3_storage(wrong, url_seconds=60)
