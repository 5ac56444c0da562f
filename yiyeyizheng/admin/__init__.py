"""The 一业一证 admin: catalogue versions edited through the services; applications and
licence filings read-only."""

from yiyeyizheng.admin import applications, catalogue, filings, guides  # noqa: F401 (registers)
