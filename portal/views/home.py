"""The home page: a public landing page of service tiles, or the signed-in user's dashboard."""

from dataclasses import dataclass, field

from django.shortcuts import render
from django.urls import reverse

from portal.hooks import registry


@dataclass
class Tile:
    """One audience's services on the public home page (一网通办: by who you are)."""

    audience: str
    title: str
    intro: str
    links: list[dict] = field(default_factory=list)


def _tiles() -> list[Tile]:
    link = lambda label, url, description="": {  # noqa: E731 - a table of links
        "label": label, "url": url, "description": description,
    }  # fmt: skip
    tiles = {
        "企业": Tile("企业", "企业办事", "市场主体的法定代表人和经办人。", [
            link("登录办理", reverse("portal:login"), "出示执照、授权经办人、电子签名。"),
        ]),
        "公众": Tile("公众", "公众服务", "核验证照，查看示范店，投诉举报。", [
            link("验证电子签名", reverse("elicense:document_verify"), "是否企业所签、未被改动。"),
            link("投诉举报 12315", reverse("portal:contact")),
        ]),
        "平台": Tile("平台", "平台与业务系统", "平台企业、政府部门的业务系统。", [
            link("申请接入查验接口", reverse("elicense:access_apply")),
            link("查验接口文档", "/api/v1/docs"),
        ]),
        "工作人员": Tile("工作人员", "工作人员", "窗口、审批部门、区局和市局人员。", [
            link("登录工作台", reverse("portal:login")),
            link("忘记密码", reverse("portal:password_reset")),
        ]),
    }  # fmt: skip
    for public in registry.public_links:
        tiles.get(public.audience, tiles["公众"]).links.append(
            link(public.label, reverse(public.url_name), public.description)
        )
    return list(tiles.values())


@dataclass(frozen=True)
class ShownPanel:
    """A panel on the page: its template and the read model the template reads as ``panel``."""

    template: str
    data: object


@dataclass(frozen=True)
class AccountPanel:
    """The account block needs nothing but the signed-in user."""


@dataclass(frozen=True)
class NotificationsPanel:
    notifications: list


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/home_public.html", {"tiles": _tiles()})
    panels = []
    for panel in registry.panels_for(user):
        data = panel.context(request)
        if panel.when is None or panel.when(data):
            panels.append(ShownPanel(template=panel.template, data=data))
    return render(request, "portal/home.html", {"panels": panels})
