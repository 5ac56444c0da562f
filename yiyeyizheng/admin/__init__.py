"""The 一业一证 admin: catalogue versions edited through the services, applications read-only."""

from yiyeyizheng.admin import applications, catalogue, guides  # noqa: F401 (registers the admin classes)
