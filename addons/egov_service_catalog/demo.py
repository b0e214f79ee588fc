"""Demo data (idempotent: a second run changes nothing). Called by ``manage.py egov_demo`` after egov_base's demo.

A realistic catalog of the big-data centre (政务云, 电子政务外网, 机房托管, 政务灾备, 政务短信, 政务邮箱, 统一身份认证,
数据共享, 平台服务能力) with specs, prices, fulfilment steps and application forms; two department leaders (so the
单位批复函 node has an approver in the demo departments) and a few requests in different states."""

from __future__ import annotations

from decimal import Decimal

DEMO_PASSWORD = "Egov@2026demo"

# code, name, icon, [(code, name, [(code, name)])]
CATEGORIES = [
    ("ZWY", "政务云服务", "ti ti-cloud", [
        ("ZWY-JS", "计算服务", []), ("ZWY-CC", "存储服务", []), ("ZWY-SJK", "数据库服务", []),
        ("ZWY-AQ", "云安全服务", []),
    ]),
    ("WW", "电子政务外网服务", "ti ti-network", [
        ("WW-JR", "网络接入", []), ("WW-DZ", "地址与域名", []), ("WW-ZX", "专线与互联网出口", []),
    ]),
    ("JF", "机房托管服务", "ti ti-server-2", [("JF-TG", "机柜与机位", [])]),
    ("ZB", "政务灾备服务", "ti ti-shield-check", [("ZB-BF", "数据备份", []), ("ZB-RZ", "应用容灾", [])]),
    ("GG", "公共支撑服务", "ti ti-components", [
        ("GG-DX", "政务短信", []), ("GG-YX", "政务邮箱", []), ("GG-SF", "统一身份认证", []), ("GG-SJ", "数据共享", [
            ("GG-SJ-JK", "接口共享"), ("GG-SJ-KB", "库表交换")]),
    ]),
    ("NL", "平台服务能力", "ti ti-api", [("NL-ZZ", "证照与身份核验", []), ("NL-JC", "基础信息查询", [])]),
]

CLOUD_STEPS = [{"name": "资源分配", "sla_hours": 8}, {"name": "安全基线加固", "sla_hours": 8},
               {"name": "网络与安全组策略开通", "sla_hours": 8}, {"name": "交付测试", "sla_hours": 4}]
NET_STEPS = [{"name": "现场勘查", "sla_hours": 24}, {"name": "线路与设备开通", "sla_hours": 48},
             {"name": "联调测试", "sla_hours": 8}]
SIMPLE_STEPS = [{"name": "开通配置", "sla_hours": 8}, {"name": "交付测试", "sla_hours": 4}]
COMMON = {
    "service_hours": "工作日 9:00–17:30 受理；7×24 小时运维保障（服务热线 028-61880000）",
    "process_note": "1. 在线填写申请函及需求单；2. 申请单位负责人出具单位批复函；3. 市大数据中心服务台确认需求；"
                    "4. 服务提供方办理并出具服务交付单；5. 申请单位验收评价。",
}


def _spec(code, name, params, price="0", unit="元/月", quota=None):
    return {"code": code, "name": name, "params": params, "unit_price": Decimal(price), "price_unit": unit,
            "quota": quota}


# code, name, category, type, provider org code, billing, unit, sla, summary, details, specs, steps, api_info
ITEMS = [
    ("ECS", "政务云主机", "ZWY-JS", "cloud", "CD-DSJ-ZWY", "fixed", "台", 72,
     "基于信创云平台的弹性云主机，按需分配 vCPU、内存与系统盘，支持麒麟、统信等国产操作系统。",
     {"goal": "为各部门政务信息系统提供安全、弹性、集约的计算资源，避免重复建设机房和服务器。",
      "audience": "市级部门、区(市)县部门及公共企事业单位的政务信息系统建设单位。",
      "content": "云主机开通、扩容、变更与回收；操作系统镜像；安全组与网络策略；主机监控与运维保障。",
      "delivery_method": "线上交付：服务交付单载明主机名、IP 地址、登录方式（经堡垒机）与运维联系人。",
      "deliverables": "云主机资源清单、服务交付单、主机安全基线检查报告。",
      "docs": "《成都市政务云使用手册（2026 版）》\n《政务云主机安全基线规范》\n《政务云资源申请填报说明》"},
     [_spec("ECS-C2M4", "通用型 2核4G", {"vCPU": "2 核", "内存": "4 GB", "系统盘": "100 GB SSD", "操作系统": "麒麟 V10"}, "210", quota=20),
      _spec("ECS-C4M8", "通用型 4核8G", {"vCPU": "4 核", "内存": "8 GB", "系统盘": "100 GB SSD", "操作系统": "麒麟 V10 / 统信 UOS"}, "420", quota=20),
      _spec("ECS-C8M16", "通用型 8核16G", {"vCPU": "8 核", "内存": "16 GB", "系统盘": "200 GB SSD", "操作系统": "麒麟 V10 / 统信 UOS"}, "860", quota=10),
      _spec("ECS-C16M32", "计算增强型 16核32G", {"vCPU": "16 核", "内存": "32 GB", "系统盘": "200 GB SSD", "数据盘": "500 GB"}, "1720", quota=6),
      _spec("ECS-C32M128", "内存优化型 32核128G", {"vCPU": "32 核", "内存": "128 GB", "系统盘": "200 GB SSD", "数据盘": "2 TB"}, "5200", quota=2)],
     CLOUD_STEPS, None),
    ("EVS", "云硬盘", "ZWY-CC", "cloud", "CD-DSJ-ZWY", "fixed", "块", 48,
     "为云主机挂载的高可靠块存储，三副本冗余，可在线扩容。",
     {"content": "SSD / 高 IO 云硬盘的开通、扩容与回收；快照。", "deliverables": "云硬盘挂载信息、服务交付单。"},
     [_spec("EVS-SSD500", "SSD 云硬盘 500 GB", {"类型": "SSD", "容量": "500 GB", "IOPS": "≥ 20000"}, "150"),
      _spec("EVS-HIO2T", "高 IO 云硬盘 2 TB", {"类型": "高 IO", "容量": "2 TB", "IOPS": "≥ 5000"}, "360")],
     SIMPLE_STEPS, None),
    ("OBS", "对象存储", "ZWY-CC", "cloud", "CD-DSJ-ZWY", "fixed", "TB", 48,
     "海量非结构化数据存储，兼容 S3 接口，适用于电子证照、影像档案和备份归档。",
     {"content": "存储桶开通、访问密钥、生命周期策略与跨区域复制。", "deliverables": "桶名称、访问域名、访问密钥（线下交付）。"},
     [_spec("OBS-STD1T", "标准存储 1 TB", {"存储类型": "标准", "容量": "1 TB", "接口": "S3 兼容"}, "120"),
      _spec("OBS-ARC10T", "归档存储 10 TB", {"存储类型": "归档", "容量": "10 TB", "取回时延": "≤ 5 分钟"}, "380")],
     SIMPLE_STEPS, None),
    ("RDS", "云数据库", "ZWY-SJK", "cloud", "CD-DSJ-ZWY", "fixed", "套", 72,
     "主备高可用的托管数据库，提供达梦、PostgreSQL、MySQL 等引擎，自动备份、监控告警。",
     {"content": "数据库实例开通、参数配置、账号管理、自动备份与恢复演练。",
      "deliverables": "实例连接地址、账号（线下交付）、备份策略说明。"},
     [_spec("RDS-DM8-4C8G", "达梦 DM8 4核8G 200GB", {"引擎": "达梦 DM8", "规格": "4 核 8 GB", "存储": "200 GB", "部署": "主备"}, "980", quota=5),
      _spec("RDS-PG14-8C32G", "PostgreSQL 14 8核32G 1TB", {"引擎": "PostgreSQL 14", "规格": "8 核 32 GB", "存储": "1 TB", "部署": "主备"}, "2600", quota=3),
      _spec("RDS-MY8-4C16G", "MySQL 8.0 4核16G 500GB", {"引擎": "MySQL 8.0", "规格": "4 核 16 GB", "存储": "500 GB", "部署": "主备"}, "1350", quota=5)],
     CLOUD_STEPS, None),
    ("SEC-HIDS", "云主机安全防护", "ZWY-AQ", "cloud", "CD-DSJ-AQ", "fixed", "台", 24,
     "主机入侵检测、漏洞扫描与基线核查，满足等保 2.0 三级主机安全要求。",
     {"content": "安装主机安全代理、漏洞与弱口令扫描、入侵告警推送。", "deliverables": "主机安全防护开通清单、首次扫描报告。"},
     [_spec("HIDS-STD", "标准版", {"功能": "入侵检测、漏洞扫描、基线核查"}, "60"),
      _spec("HIDS-ADV", "高级版", {"功能": "标准版 + 网页防篡改 + 勒索防护"}, "120")],
     SIMPLE_STEPS, None),
    ("SEC-WAF", "Web 应用防火墙", "ZWY-AQ", "cloud", "CD-DSJ-AQ", "fixed", "个域名", 24,
     "对政务网站和互联网服务提供 SQL 注入、XSS、CC 攻击防护。",
     {"content": "域名接入、防护策略配置、攻击日志与周报。", "deliverables": "防护域名清单、CNAME 配置说明。"},
     [_spec("WAF-DOMAIN", "单域名防护", {"防护域名": "1 个", "带宽": "100 Mbps"}, "300")], SIMPLE_STEPS, None),
    ("WW-ACCESS", "电子政务外网接入", "WW-JR", "network", "CD-DSJ-WL", "fixed", "条", 120,
     "单位局域网接入成都市电子政务外网，提供城域网汇聚与安全接入。",
     {"content": "接入线路、接入设备、边界防火墙策略、IP 地址规划。",
      "delivery_method": "现场交付：网络运营部会同运营商完成线路与设备开通、联调测试。",
      "deliverables": "接入拓扑图、IP 地址分配表、服务交付单。"},
     [_spec("WW-100M", "接入带宽 100 Mbps", {"带宽": "100 Mbps", "线路": "双路由光纤"}, "0"),
      _spec("WW-1G", "接入带宽 1 Gbps", {"带宽": "1 Gbps", "线路": "双路由光纤"}, "0")], NET_STEPS, None),
    ("WW-IP", "IP 地址申请", "WW-DZ", "network", "CD-DSJ-WL", "none", "段", 48,
     "分配电子政务外网 IPv4 / IPv6 地址段，纳入全市地址统一管理。",
     {"content": "IPv4 子网、IPv6 前缀分配与回收；地址台账登记。", "deliverables": "地址分配单。"},
     [_spec("IP-V4-28", "IPv4 /28（16 个地址）", {"协议": "IPv4", "掩码": "/28"}, "0", unit="—", quota=8),
      _spec("IP-V4-27", "IPv4 /27（32 个地址）", {"协议": "IPv4", "掩码": "/27"}, "0", unit="—", quota=4),
      _spec("IP-V6-64", "IPv6 /64 前缀", {"协议": "IPv6", "前缀": "/64"}, "0", unit="—", quota=4)],
     [{"name": "地址规划", "sla_hours": 8}, {"name": "台账登记与下发", "sla_hours": 4}], None),
    ("WW-DNS", "政务域名解析", "WW-DZ", "network", "CD-DSJ-WL", "none", "个", 24,
     "chengdu.gov.cn 下级域名的注册与解析（政务外网 / 互联网双向解析）。",
     {"content": "二级域名申请、A/AAAA/CNAME 记录维护。"},
     [_spec("DNS-SUB", "二级域名及解析", {"根域": "chengdu.gov.cn"}, "0", unit="—")], SIMPLE_STEPS, None),
    ("WW-LINE", "政务专线", "WW-ZX", "network", "CD-DSJ-WL", "fixed", "条", 240,
     "点对点 MSTP / SDH 专线，满足跨单位业务专网互联。",
     {"content": "专线勘查、开通、监测与故障处理。", "deliverables": "专线开通报告、端口对接表。"},
     [_spec("LINE-20M", "MSTP 专线 20 Mbps", {"带宽": "20 Mbps", "类型": "MSTP"}, "1800"),
      _spec("LINE-100M", "MSTP 专线 100 Mbps", {"带宽": "100 Mbps", "类型": "MSTP"}, "4600")], NET_STEPS, None),
    ("WW-INET", "互联网出口带宽", "WW-ZX", "network", "CD-DSJ-WL", "fixed", "Mbps", 72,
     "通过全市统一互联网出口访问互联网或对外发布服务，统一安全防护。",
     {"content": "出口带宽分配、公网 IP 映射、访问控制策略。"},
     [_spec("INET-50", "互联网出口 50 Mbps", {"带宽": "50 Mbps", "公网 IP": "1 个"}, "900"),
      _spec("INET-200", "互联网出口 200 Mbps", {"带宽": "200 Mbps", "公网 IP": "2 个"}, "3200")], NET_STEPS, None),
    ("JF-RACK", "机柜托管", "JF-TG", "hosting", "CD-DSJ-WL", "fixed", "个", 120,
     "政务集中机房标准机柜托管，双路市电 + UPS + 柴油发电，7×24 小时值守。",
     {"content": "整柜 / 机位托管、上下架、出入登记与巡检。",
      "deliverables": "机柜位置与 U 位分配表、出入机房授权名单。"},
     [_spec("RACK-42U", "标准机柜 42U（5 kW）", {"规格": "42U", "额定功率": "5 kW", "电源": "双路"}, "3800", quota=4),
      _spec("RACK-U2", "机位托管 2U", {"规格": "2U", "额定功率": "0.5 kW"}, "420", quota=10)],
     [{"name": "机位规划", "sla_hours": 24}, {"name": "上架与布线", "sla_hours": 48}, {"name": "加电测试", "sla_hours": 8}],
     None),
    ("ZB-BACKUP", "数据备份服务", "ZB-BF", "dr", "CD-DSJ-ZWY", "metered", "TB·月", 72,
     "对云主机、数据库和文件进行定期备份，异地保存，支持按时间点恢复。",
     {"content": "备份策略配置、每日增量与每周全量备份、恢复演练。", "deliverables": "备份策略说明、首次恢复演练报告。"},
     [_spec("BK-1T", "备份容量 1 TB", {"保留周期": "30 天", "异地副本": "是"}, "150", unit="元/TB·月"),
      _spec("BK-5T", "备份容量 5 TB", {"保留周期": "90 天", "异地副本": "是"}, "680", unit="元/5TB·月")],
     SIMPLE_STEPS, None),
    ("ZB-DR", "应用级容灾", "ZB-RZ", "dr", "CD-DSJ-ZWY", "metered", "套", 240,
     "同城双活 / 异地容灾部署，RPO ≤ 15 分钟、RTO ≤ 2 小时。",
     {"content": "容灾方案设计、数据复制、切换演练。", "deliverables": "容灾方案、年度切换演练报告。"},
     [_spec("DR-STD", "异地容灾（RPO 15 分钟）", {"RPO": "≤ 15 分钟", "RTO": "≤ 2 小时"}, "6800")],
     [{"name": "容灾方案评审", "sla_hours": 48}, {"name": "复制链路部署", "sla_hours": 72}, {"name": "切换演练", "sla_hours": 24}],
     None),
    ("SMS", "政务短信", "GG-DX", "sms", "CD-DSJ-SJ", "metered", "条", 48,
     "统一政务短信平台通道，统一签名“成都市大数据中心”报备，支持验证码与通知类短信。",
     {"content": "短信通道开通、签名与模板报备、发送接口（HTTP）与回执。", "deliverables": "接口账号、接入文档。"},
     [_spec("SMS-NOTICE", "通知类短信", {"类型": "通知", "到达率": "≥ 98%"}, "0.04", unit="元/条"),
      _spec("SMS-CODE", "验证码短信", {"类型": "验证码", "时延": "≤ 5 秒"}, "0.045", unit="元/条")],
     SIMPLE_STEPS, None),
    ("MAIL", "政务邮箱", "GG-YX", "mail", "CD-DSJ-SJ", "fixed", "个", 24,
     "@chengdu.gov.cn 政务邮箱账号开通与管理，支持客户端与移动端。",
     {"content": "邮箱账号开通、容量调整、密码重置与注销。"},
     [_spec("MAIL-5G", "标准邮箱 5 GB", {"容量": "5 GB"}, "0", unit="—"),
      _spec("MAIL-50G", "大容量邮箱 50 GB", {"容量": "50 GB"}, "10", unit="元/月")],
     [{"name": "账号开通", "sla_hours": 4}], None),
    ("IAM", "统一身份认证接入", "GG-SF", "identity", "CD-DSJ-SJ", "none", "个系统", 72,
     "业务系统接入全市统一身份认证平台，实现工作人员单点登录（OIDC / SAML）。",
     {"content": "应用注册、回调地址配置、联调测试。", "deliverables": "client_id、接入配置说明（密钥线下交付）。"},
     [_spec("IAM-OIDC", "OIDC 接入", {"协议": "OpenID Connect"}, "0", unit="—"),
      _spec("IAM-SAML", "SAML 2.0 接入", {"协议": "SAML 2.0"}, "0", unit="—")],
     [{"name": "应用注册", "sla_hours": 8}, {"name": "联调测试", "sla_hours": 24}], None),
    ("DATA-API", "数据共享接口申请", "GG-SJ-JK", "data", "CD-DSJ-SJ", "none", "个接口", 120,
     "通过市政务数据共享交换平台申请使用其他部门的共享数据接口。",
     {"content": "资源目录查询、接口授权、调用监测。", "deliverables": "接口授权单。"},
     [_spec("DATA-API-STD", "接口共享", {"方式": "API", "频次": "≤ 10 万次/日"}, "0", unit="—")],
     [{"name": "数源部门审核", "sla_hours": 48}, {"name": "接口授权", "sla_hours": 8}], None),
    ("DATA-DB", "库表交换申请", "GG-SJ-KB", "data", "CD-DSJ-SJ", "none", "张表", 120,
     "以库表方式定期交换共享数据，适用于批量分析场景。",
     {"content": "交换任务配置、增量同步、质量校验。"},
     [_spec("DATA-DB-DAY", "每日增量交换", {"方式": "库表", "频率": "每日"}, "0", unit="—")],
     [{"name": "数源部门审核", "sla_hours": 48}, {"name": "交换任务配置", "sla_hours": 24}], None),
    ("CAP-LICENSE", "电子证照核验能力", "NL-ZZ", "capability", "CD-DSJ-SJ", "none", "次", 48,
     "提供身份证、营业执照等电子证照的真伪核验 API，支撑“免证办”。",
     {"content": "证照核验接口调用授权、调用统计与限流。"},
     [_spec("CAP-LIC-STD", "标准调用额度", {"日调用上限": "50000 次"}, "0", unit="—")],
     [{"name": "调用授权配置", "sla_hours": 8}],
     {"平台": "成都市电子证照库", "基础地址": "https://api.zwfw.chengdu.gov.cn/license/v2",
      "认证方式": "OAuth2 客户端凭据（client id + secret）",
      "接口": {"POST /verify": "证照真伪核验", "GET /types": "证照类型列表"}, "限流": "每秒 50 次"}),
    ("CAP-POP", "人口基础信息查询能力", "NL-JC", "capability", "CD-DSJ-SJ", "none", "次", 72,
     "按授权场景查询人口基础信息（脱敏），用于业务办理中的信息核验。",
     {"content": "查询接口授权、调用审计与统计。"},
     [_spec("CAP-POP-STD", "标准调用额度", {"日调用上限": "20000 次"}, "0", unit="—")],
     [{"name": "场景合规审查", "sla_hours": 24}, {"name": "调用授权配置", "sla_hours": 8}],
     {"平台": "成都市人口基础信息库", "基础地址": "https://api.data.chengdu.gov.cn/population/v1",
      "认证方式": "OAuth2 客户端凭据", "接口": {"POST /query": "按身份证号查询（返回脱敏信息）"}}),
]

CLOUD_FORM = [
    {"type": "textfield", "key": "system_name", "label": "承载业务系统名称", "validate": {"required": True, "maxLength": 60}},
    {"type": "select", "key": "mlps_level", "label": "系统等保级别", "validate": {"required": True},
     "values": [{"label": "第二级", "value": "2"}, {"label": "第三级", "value": "3"}]},
    {"type": "radio", "key": "zone", "label": "部署网络区域", "validate": {"required": True},
     "values": [{"label": "政务外网区", "value": "extranet"}, {"label": "互联网区", "value": "internet"}]},
    {"type": "textfield", "key": "contact_mobile", "label": "技术联系人手机",
     "validate": {"required": True, "validationType": "phone"}},
    {"type": "datetime", "key": "expected_date", "label": "期望交付日期", "subtype": "date", "dateLabel": "期望交付日期"},
    {"type": "textarea", "key": "purpose", "label": "用途说明", "validate": {"required": True, "minLength": 10, "maxLength": 500}},
]
NETWORK_FORM = [
    {"type": "textfield", "key": "site_address", "label": "接入地点（详细地址）", "validate": {"required": True}},
    {"type": "number", "key": "terminals", "label": "接入终端数量", "validate": {"required": True, "min": 1, "max": 5000}},
    {"type": "textfield", "key": "contact_mobile", "label": "现场联系人手机",
     "validate": {"required": True, "validationType": "phone"}},
    {"type": "textarea", "key": "purpose", "label": "业务需求说明", "validate": {"required": True, "minLength": 10}},
]
GENERIC_FORM = [
    {"type": "textfield", "key": "system_name", "label": "使用系统或业务名称", "validate": {"required": True}},
    {"type": "textfield", "key": "contact_mobile", "label": "联系人手机", "validate": {"required": True, "validationType": "phone"}},
    {"type": "textarea", "key": "purpose", "label": "需求说明", "validate": {"required": True, "minLength": 10}},
]
CAPABILITY_FORM = [
    {"type": "textfield", "key": "system_name", "label": "调用系统名称", "validate": {"required": True}},
    {"type": "textfield", "key": "scenario", "label": "使用场景", "validate": {"required": True}},
    {"type": "number", "key": "daily_calls", "label": "预计日调用量", "validate": {"required": True, "min": 1, "max": 100000}},
    {"type": "textfield", "key": "source_ip", "label": "调用方出口 IP",
     "validate": {"required": True, "pattern": r"^\d{1,3}(\.\d{1,3}){3}$"}},
    {"type": "checkbox", "key": "agree", "label": "承诺仅在授权场景内使用，并落实数据安全管理责任", "validate": {"required": True}},
]

LEADERS = [
    # username, name, org code, position, mobile
    ("jj_leader", "王建国", "JJ-XZSP", "锦江区行政审批局局长", "+8613980010101"),
    ("wjw_leader", "何丽娟", "CD-WJW", "市卫健委规划信息处处长", "+8613980010102"),
]


def _form_for(stype: str) -> list:
    return {"cloud": CLOUD_FORM, "network": NETWORK_FORM, "hosting": NETWORK_FORM,
            "capability": CAPABILITY_FORM}.get(stype, GENERIC_FORM)


def load_catalog() -> dict:
    from egov_base.org.models import Organization

    from .models import ServiceCategory, ServiceForm, ServiceItem, ServiceSpec

    created = 0
    cats = {}
    for sort, (code, name, icon, children) in enumerate(CATEGORIES):
        top = ServiceCategory.objects.filter(code=code).first()
        if top is None:
            top = ServiceCategory.objects.create(code=code, name=name, icon=icon, sort=(sort + 1) * 10)
            created += 1
        cats[code] = top
        for s2, (c2, n2, grand) in enumerate(children):
            mid = ServiceCategory.objects.filter(code=c2).first()
            if mid is None:
                mid = ServiceCategory.objects.create(code=c2, name=n2, icon=icon, parent=top, sort=(s2 + 1) * 10)
                created += 1
            cats[c2] = mid
            for s3, (c3, n3) in enumerate(grand):
                leaf = ServiceCategory.objects.filter(code=c3).first()
                if leaf is None:
                    leaf = ServiceCategory.objects.create(code=c3, name=n3, icon=icon, parent=mid, sort=(s3 + 1) * 10)
                    created += 1
                cats[c3] = leaf
    orgs = {o.code: o for o in Organization.objects.filter(code__startswith="CD-DSJ")}
    for sort, (code, name, cat, stype, prov, billing, unit, sla, summary, details, specs, steps, api) in enumerate(ITEMS):
        item = ServiceItem.objects.filter(code=code).first()
        if item is None:
            item = ServiceItem(code=code, name=name, category=cats[cat], service_type=stype, provider=orgs.get(prov),
                               billing_mode=billing, unit=unit, sla_hours=sla, summary=summary, sort=(sort + 1) * 10,
                               fulfilment_steps=steps, api_info=api or {}, **COMMON, **details)
            item.save()
            ServiceItem.objects.filter(pk=item.pk).update(status=ServiceItem.Status.PUBLISHED)  # demo: published
            created += 1
            for i, s in enumerate(specs):
                ServiceSpec.objects.create(item=item, sort=(i + 1) * 10, **s)
        if not ServiceForm.objects.filter(item=item, kind="apply").exists():
            ServiceForm.objects.create(item=item, kind="apply", version=1, is_active=True, name=f"{name}申请表",
                                       schema={"type": "default", "id": f"apply_{code.lower()}",
                                               "components": _form_for(stype)})
            created += 1
    return {"created": created}


def load_leaders() -> int:
    from django.contrib.auth.hashers import make_password

    from egov_base.org.models import Organization, Role, User

    role = Role.objects.filter(code="dept_user").select_related("group").first()
    n = 0
    for username, name, org_code, position, mobile in LEADERS:
        org = Organization.objects.filter(code=org_code).first()
        if org is None or role is None or User.objects.filter(username=username).exists():
            continue
        if User.objects.filter(phone=mobile).exists():
            mobile = None
        user = User(username=username, name=name, organization=org, position=position, phone=mobile,
                    email=f"{username}@cddc.chengdu.gov.cn", password=make_password(DEMO_PASSWORD))
        user.save()
        user.groups.add(role.group)
        n += 1
    return n


DEMO_REQUESTS = [
    # key, applicant, item, spec, qty, title, stage (0 submitted … 3 delivered, 4 closed), form data
    ("demo-sr-1", "dept_user", "ECS", "ECS-C8M16", 2, "锦江区一网通办受理系统扩容", 4,
     {"system_name": "锦江区一网通办受理系统", "mlps_level": "3", "zone": "extranet", "contact_mobile": "13980010005",
      "purpose": "业务量增长，需新增两台应用服务器承载高峰期受理。"}),
    ("demo-sr-2", "dept_user", "WW-IP", "IP-V4-28", 1, "行政审批局新办公区 IP 地址", 3,
     {"site_address": "成都市锦江区工农院街 1 号锦江区政务服务中心 3 楼", "terminals": 40,
      "contact_mobile": "13980010005", "purpose": "新办公区 40 个终端接入政务外网，需分配独立地址段。"}),
    ("demo-sr-3", "dept_user", "RDS", "RDS-DM8-4C8G", 1, "审批数据库国产化迁移", 1,
     {"system_name": "行政审批数据库", "mlps_level": "3", "zone": "extranet", "contact_mobile": "13980010005",
      "purpose": "原 Oracle 数据库迁移至达梦 DM8，满足信创要求。"}),
    ("demo-sr-4", "city_user", "SMS", "SMS-NOTICE", 1, "疫苗接种提醒短信通道", 0,
     {"system_name": "成都市免疫规划信息系统", "contact_mobile": "13980010011",
      "purpose": "向市民发送疫苗接种预约提醒与结果通知。"}),
    ("demo-sr-5", "city_user", "ECS", "ECS-C4M8", 3, "全民健康信息平台测试环境", 2,
     {"system_name": "全民健康信息平台", "mlps_level": "3", "zone": "extranet", "contact_mobile": "13980010011",
      "purpose": "搭建平台升级改造的测试环境，共三台应用服务器。"}),
    ("demo-sr-6", "dept_user", "CAP-LICENSE", "CAP-LIC-STD", 1, "一网通办“免证办”接入电子证照核验", 3,
     {"system_name": "锦江区一网通办受理系统", "scenario": "办事人身份证、营业执照免提交核验", "daily_calls": 3000,
      "source_ip": "10.8.30.21", "agree": True}),
]


def load_requests() -> int:
    from egov_base.context import acting_as
    from egov_base.org.models import User

    from .models import ServiceItem, ServiceRequest
    from .services import requests as rs

    users = {u.username: u for u in User.objects.filter(
        username__in=["dept_user", "city_user", "jj_leader", "wjw_leader", "service_desk", "ops"])}
    if not {"dept_user", "service_desk", "ops"} <= set(users):
        return 0
    n = 0
    for key, who, item_code, spec_code, qty, title, stage, data in DEMO_REQUESTS:
        if ServiceRequest.objects.filter(idempotency_key=key).exists() or who not in users:
            continue
        item = ServiceItem.objects.get(code=item_code)
        spec = item.specs.get(code=spec_code)
        applicant = users[who]
        leader = users.get("jj_leader" if who == "dept_user" else "wjw_leader")
        with acting_as(applicant, source="demo"):
            req = rs.request_save(user=applicant, item=item, spec=spec, quantity=qty, title=title, form_data=data,
                                  contact_phone=str(applicant.phone or ""), submit=True, idempotency_key=key)
        n += 1
        steps = [(leader, "同意申请，请中心按规范办理。"), (users["service_desk"], "需求明确，资源充足，同意受理。")]
        for actor, comment in steps[:stage]:
            if actor is None:
                break
            with acting_as(actor, source="demo"):
                req = rs.request_node_act(user=actor, request=req, action="approve", comment=comment)
        if stage >= 3:
            ops = users["ops"]
            with acting_as(ops, source="demo"):
                for step in req.fulfilment.all():
                    rs.fulfilment_step_update(user=ops, step=step, status="done", note="已按规范完成")
                res = [{"name": f"{item.name}-{j + 1:02d}", "spec": spec.params_text, "address": f"10.8.{30 + j}.{20 + n}",
                        "note": "经堡垒机登录"} for j in range(qty)]
                req = rs.request_node_act(user=ops, request=req, action="approve", comment="已交付，请验收。",
                                          delivery={"resources": res, "note": "运维联系人：徐鹏飞 13980010010"})
        if stage >= 4:
            with acting_as(applicant, source="demo"):
                rs.request_accept(user=applicant, request=req, rating=5, comment="交付及时，服务规范。")
        if item.service_type == ServiceItem.ServiceType.CAPABILITY and stage >= 3:
            _demo_calls(req)
    return n


def _demo_calls(req) -> None:
    """Thirty days of call counts for a delivered capability (as the platform would report them)."""
    import datetime as dt

    from django.utils import timezone

    from .models import CapabilityCredential
    from .services.capabilities import capability_record_calls

    cred = CapabilityCredential.objects.filter(subscription__request=req).first()
    if cred is None or cred.stats.exists():
        return
    today = timezone.localdate()
    for i in range(30):
        day = today - dt.timedelta(days=29 - i)
        calls = 1800 + (i * 137) % 1500 if day.weekday() < 5 else 200 + (i * 31) % 150
        capability_record_calls(client_id=cred.client_id, calls=calls, errors=calls // 200, day=day)


def load() -> dict:
    from . import demo_ops
    from .services.setup import ensure_default_chain, ensure_generic_forms

    ensure_default_chain()
    ensure_generic_forms()
    out = load_catalog()
    out["leaders"] = load_leaders()
    out["requests"] = load_requests()
    ops = demo_ops.load()
    if isinstance(ops, dict):
        out.update({f"ops_{k}": v for k, v in ops.items()})
    return out
