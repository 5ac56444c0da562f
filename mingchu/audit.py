"""明厨亮灶: the project's audit actions (ADR 0020).

Value: the stable ``<object>.<verb>`` name stored in ``AuditEvent.action`` and sealed in
the audit chain (never renamed); label: the Chinese the audit pages show.
"""

from portal.audit import AuditAction


class MingchuAction(AuditAction):
    QUOTA_ADJUSTED = "quota.adjusted", "调整示范店布点"
    QUOTA_SET = "quota.set", "设定年度布点"
    DEMO_STORE_REGISTERED = "demo_store.registered", "登记示范店"
    DEMO_STORE_STAGE_ADVANCED = "demo_store.stage_advanced", "更新建设进度"
    DEMO_STORE_CAMERA_ADDED = "demo_store.camera_added", "登记示范店摄像头"
    DEMO_STORE_PLATFORM_CONNECTED = "demo_store.platform_connected", "登记平台对接"
    DEMO_STORE_VIDEO_STREAM_SET = "demo_store.video_stream_set", "设置视频流地址"
    REPORT_OPENED = "report.opened", "新建月度报表"
    REPORT_SAVED = "report.saved", "保存月度报表"
    REPORT_SUBMITTED = "report.submitted", "上报月度报表"
    REPORT_RETURNED = "report.returned", "退回月度报表"
    REPORT_REMINDED = "report.reminded", "月度报表催报"
    ROLLUP_BUILT = "rollup.built", "生成全市汇总"
    DEMO_STORE_UPDATED = "demo_store.updated", "更新示范店信息"
    DEMO_STORE_TABLE_IMPORTED = "demo_store.table_imported", "导入示范店统计表"
    DEMO_STORE_STAGE_CORRECTED = "demo_store.stage_corrected", "更正建设进度"
    DEADLINE_SET = "deadline.set", "设定对接上线期限"
    ACCEPTANCE_SELF_ASSESSMENT_SAVED = "acceptance.self_assessment_saved", "保存区级验收评估"
    ACCEPTANCE_ATTACHMENT_ADDED = "acceptance.attachment_added", "上传验收评估附件"
    ACCEPTANCE_SELF_ASSESSMENT_SUBMITTED = (
        "acceptance.self_assessment_submitted",
        "提交区级验收评估",
    )
    ACCEPTANCE_CITY_ASSESSMENT_STARTED = "acceptance.city_assessment_started", "开始市级验收评估"
    ACCEPTANCE_DISTRICT_RESULT_RECORDED = (
        "acceptance.district_result_recorded",
        "记录市级验收评估结果",
    )
    ACCEPTANCE_SUMMARY_CONCLUDED = "acceptance.summary_concluded", "形成总结报告"
