from django.apps import AppConfig


class ElicenseConfig(AppConfig):
    name = "elicense"
    verbose_name = "电子证照"

    def ready(self):
        from elicense import (
            checks,  # noqa: F401 - registers the deploy checks
            permissions,  # noqa: F401 - registers the app's rules
        )
        from portal.audit import register_action_labels
        from portal.hooks import registry
        from portal.models import Role

        registry.add_nav(
            label="电子证照",
            url_name="elicense:my_certificates",
            roles={Role.ENTERPRISE},
            order=5,
            permission="elicense.view_certificates",
        )
        registry.add_nav(
            label="授权管理",
            url_name="elicense:authorisation_list",
            roles={Role.ENTERPRISE},
            order=6,
        )
        registry.add_nav(
            label="电子签名",
            url_name="elicense:document_sign",
            roles={Role.ENTERPRISE},
            order=7,
            permission="elicense.sign_document",
        )
        registry.add_nav(
            label="扫码验照",
            url_name="elicense:scan",
            roles={Role.WINDOW_CLERK, Role.DISTRICT_OFFICER, Role.CITY_OFFICER},
            order=30,
        )
        registry.add_nav(
            label="应用接入审核",
            url_name="elicense:access_list",
            roles={Role.CITY_OFFICER, Role.ADMINISTRATOR},
            order=40,
            permission="elicense.review_access",
        )
        registry.add_login_panel(template="elicense/login_panel.html")
        from elicense.queries.authorisations import agent_authorisations

        registry.add_panel(
            template="elicense/panel_agent.html",
            context=agent_authorisations,
            roles={Role.ENTERPRISE},
            order=5,
            when=lambda context: context["is_agent"],
        )
        register_action_labels(
            {
                "certificate.issued": "电子证照签发",
                "certificate.signed": "电子证照签名",
                "certificate.superseded": "电子证照换发",
                "certificate.revoked": "电子证照吊销",
                "certificate.cancelled": "电子证照注销",
                "certificate.expired": "电子证照到期",
                "presentation_code.issued": "生成出示码",
                "login_challenge.confirmed": "确认扫码登录",
                "login_challenge.refused": "拒绝扫码登录",
                "user.logged_in_by_scan": "扫码登录",
                "entity_key.created": "创建主体签名密钥",
                "entity_key.retired": "停用主体签名密钥",
                "document.signed": "电子签名",
                "authorisation.granted": "授权",
                "agent.invited": "邀请经办人",
                "authorisation.revoked": "撤销授权",
                "signing_key.created": "创建签发密钥",
                "signing_key.retired": "停用签发密钥",
                "badge.issued": "签发网店亮照标识",
                "relying_party.applied": "申请接入",
                "relying_party.approved": "批准接入",
                "relying_party.rejected": "驳回接入申请",
                "relying_party.suspended": "暂停接入",
                "relying_party.key_rotated": "更换接入密钥",
                "change_subscription.created": "订阅主体变更",
                "change_subscription.bulk_created": "批量订阅主体变更",
                "change_subscription.deleted": "取消订阅主体变更",
                "webhook_endpoint.registered": "登记推送接收地址",
                "webhook_endpoint.secret_rotated": "更换推送签名密钥",
                "webhook_endpoint.enabled": "重新启用推送接收地址",
                "webhook_endpoint.disabled": "停用推送接收地址",
                "webhook_delivery.redelivered": "重新推送变更事件",
                "verification_log.partition_created": "创建查验记录分区",
                "verification_log.partition_detached": "摘除过期查验记录分区",
            }
        )
        # Issue 20 (济宁附件1 sign-offs, 照面信息获取): kept together for the audit enum.
        register_action_labels(
            {
                "relying_party.guidance_signed": "业务指导部门签字",
                "relying_party.created_by_command": "命令行创建接入单位",
                "certificate.face_read": "扫码获取照面信息",
            }
        )
