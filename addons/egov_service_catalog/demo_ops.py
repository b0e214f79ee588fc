"""Demo data of the operations side (pools, bills, vendors, tickets, questionnaires); idempotent: every row is
found by a natural key first, so a second run writes nothing new. Runs after the core catalog demo (it links
pools, prices and problem types to catalog items when they exist)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

VENDORS = [
    ("VD-CTCD", "中国电信股份有限公司成都分公司", "91510100MA61R8XK3D", "刘建华", "+8618980081234",
     "成都市青羊区西御街8号", "基础电信业务经营许可证；ISO 27001；CMMI 3"),
    ("VD-HWCLOUD", "华为云计算技术有限公司", "91520900MA6J6CBN9Q", "周立新", "+8613908171234",
     "贵州省贵安新区华为云数据中心", "可信云认证；等保三级云平台；ITSS 运维一级"),
    ("VD-INSPUR", "浪潮软件集团有限公司", "91370100163099536F", "高峰", "+8613708311234",
     "成都市高新区天府软件园 E 区", "信息系统集成一级；ITSS 二级；机房运维资质"),
    ("VD-H3C", "新华三技术有限公司", "91330000747182493X", "陈思远", "+8613550121234",
     "成都市高新区天府大道中段 1268 号", "网络设备原厂维保；CCRC 安全服务资质"),
    ("VD-CMCC", "中国移动通信集团四川有限公司成都分公司", "91510100MA6CGUJL7R", "王海燕", "+8613881901234",
     "成都市锦江区红星路二段 71 号", "短消息类服务接入代码使用证书；基础电信业务经营许可证"),
]
STAFF = [
    ("VD-HWCLOUD", "李俊杰", "+8613882001001", "云平台驻场工程师", "HCIE-Cloud；红帽 RHCE"),
    ("VD-HWCLOUD", "杨雪", "+8613882001002", "云平台驻场工程师", "HCIP-Cloud Service"),
    ("VD-HWCLOUD", "赵文博", "+8613882001003", "数据库工程师", "OceanBase OBCP；Oracle OCP"),
    ("VD-CTCD", "何志刚", "+8613882001004", "外网运维工程师", "华为 HCIE-Datacom"),
    ("VD-CTCD", "彭丽", "+8613882001005", "网络值班员", "CCNP"),
    ("VD-INSPUR", "罗斌", "+8613882001006", "机房运维主管", "CDCP 数据中心专业人员"),
    ("VD-INSPUR", "邓晓峰", "+8613882001007", "动环运维工程师", "电工证；CDCS"),
    ("VD-H3C", "谢宇航", "+8613882001008", "安全设备工程师", "H3CSE-Security；CISP"),
]


def _orgs():
    from egov_base.org.models import Organization

    codes = ["CD-WJW", "CD-GAJ", "CD-RSJ", "CD-JYJ", "CD-XZSP", "CD-SCJG", "CD-ZJW", "CD-JTYSJ", "CD-YBJ",
             "CD-GHZY", "JJ-XZSP", "QY-XZSP", "CD-CZJ", "CD-MZJ"]
    found = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    orgs = [found[c] for c in codes if c in found]
    if len(orgs) < 6:
        orgs += list(Organization.objects.filter(kind__in=("city_dept", "district_dept"))
                     .exclude(pk__in=[o.pk for o in orgs])[: 12 - len(orgs)])
    return orgs


def _org(code):
    from egov_base.org.models import Organization

    return Organization.objects.filter(code=code).first()


def _item(service_type, name_hint=""):
    from .models import ServiceItem

    qs = ServiceItem.objects.filter(service_type=service_type)
    if name_hint:
        hit = qs.filter(name__icontains=name_hint).first()
        if hit:
            return hit
    return qs.order_by("sort", "code").first()


# --- vendors and outsourcing ---------------------------------------------------------------------------------

def _vendors():
    from .models import Deliverable, OutsourcingContract, ServiceLevel, Vendor, VendorStaff

    vendors = {}
    for code, name, credit, contact, phone, address, quals in VENDORS:
        vendors[code], _c = Vendor.objects.get_or_create(code=code, defaults=dict(
            name=name, credit_code=credit, contact=contact, phone=phone, address=address, qualifications=quals))
    for vcode, name, phone, position, skills in STAFF:
        VendorStaff.objects.get_or_create(vendor=vendors[vcode], name=name, defaults=dict(
            phone=phone, position=position, skills=skills, start_date=dt.date(2025, 3, 1)))
    owner_cloud, owner_net = _org("CD-DSJ-ZWY"), _org("CD-DSJ-WL")
    contracts = [
        ("CDDSJ-2025-FW-018", "成都市政务云平台运营服务项目合同", "VD-HWCLOUD", owner_cloud, Decimal("38600000"),
         dt.date(2025, 1, 1), dt.date(2027, 12, 31), "cloud",
         "政务云平台 7×24 小时运维、资源交付、容量规划、安全加固与月度服务报告。"),
        ("CDDSJ-2025-FW-021", "电子政务外网运维服务合同", "VD-CTCD", owner_net, Decimal("12450000"),
         dt.date(2025, 1, 1), dt.date(2026, 12, 31), "network",
         "电子政务外网城域网、接入网和互联网出口的运行维护、故障处理和接入开通。"),
        ("CDDSJ-2025-FW-026", "政务集中机房基础设施运维服务合同", "VD-INSPUR", owner_net, Decimal("6980000"),
         dt.date(2025, 4, 1), dt.date(2026, 3, 31), "hosting",
         "天府新区政务集中机房供配电、制冷、消防和动环监控的日常运维与巡检。"),
        ("CDDSJ-2026-FW-004", "网络安全设备原厂维保合同", "VD-H3C", owner_net, Decimal("2360000"),
         dt.date(2026, 1, 1), dt.date(2026, 12, 31), "network",
         "防火墙、入侵防御、上网行为管理等安全设备的原厂维保、升级和应急响应。"),
        ("CDDSJ-2026-FW-009", "政务短信平台通道服务合同", "VD-CMCC", owner_cloud, Decimal("1800000"),
         dt.date(2026, 1, 1), dt.date(2026, 12, 31), "sms",
         "政务短信发送通道、106 号段签名报备、按条计费，月度出具账单。"),
    ]
    for number, name, vcode, owner, amount, start, end, stype, summary in contracts:
        contract, created = OutsourcingContract.objects.get_or_create(number=number, defaults=dict(
            name=name, vendor=vendors[vcode], owner=owner, amount=amount, signed_on=start - dt.timedelta(days=20),
            start_date=start, end_date=end, summary=summary))
        item = _item(stype)
        if created and item is not None:
            contract.items.add(item)
        for metric, target, penalty in (
            ("availability", Decimal("99.95"), "每低于目标 0.01 个百分点扣减当月服务费 0.5%"),
            ("response", Decimal("15"), "重大故障 15 分钟内响应，超时每次扣减 2000 元"),
            ("resolve", Decimal("4"), "重大故障 4 小时内恢复，超时每小时扣减 5000 元"),
            ("satisfaction", Decimal("90"), "年度满意度低于 90% 约谈并限期整改"),
        ):
            ServiceLevel.objects.get_or_create(contract=contract, item=item, metric=metric,
                                               defaults={"target": target, "penalty": penalty})
        today = timezone.localdate()
        for i, (dname, kind) in enumerate((("月度运维服务报告", "report"), ("季度巡检报告", "record"),
                                           ("应急演练总结", "document"))):
            due = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=5) if i == 0 else \
                today + dt.timedelta(days=15 * i)
            d, created_d = Deliverable.objects.get_or_create(
                contract=contract, name=f"{today.year}年{dname}", defaults={"kind": kind, "due_date": due,
                                                                          "description": f"{name}约定的{dname}。"})
            if created_d and i == 0 and vcode == "VD-HWCLOUD":
                Deliverable.objects.filter(pk=d.pk).update(status=Deliverable.Status.SUBMITTED,
                                                           submitted_at=timezone.now() - dt.timedelta(days=2))
    return vendors


# --- resource pools --------------------------------------------------------------------------------------------

POOLS = [
    # code, name, type, provider org, source, location, metrics [(code, name, unit, total, used)]
    ("POOL-CLOUD-TF", "政务云天府资源池（华为云Stack）", "cloud", "CD-DSJ-ZWY", "interface", "天府新区政务云数据中心",
     [("vcpu", "vCPU", "核", 24576, 19180), ("memory", "内存", "GB", 98304, 72800),
      ("block_storage", "块存储", "TB", 3200, 2110), ("object_storage", "对象存储", "TB", 1800, 940),
      ("eip", "弹性公网IP", "个", 2048, 1250)]),
    ("POOL-CLOUD-XC", "政务云信创资源池（鲲鹏）", "cloud", "CD-DSJ-ZWY", "manual", "高新区信创云机房",
     [("vcpu", "vCPU", "核", 8192, 7610), ("memory", "内存", "GB", 32768, 26400),
      ("block_storage", "块存储", "TB", 1200, 690)]),
    ("POOL-ROOM-TF", "天府新区政务集中机房", "room", "CD-DSJ-WL", "manual", "天府新区兴隆湖东路 1 号 3 号楼",
     [("rack", "标准机柜", "个", 420, 338), ("power", "IT 负载", "kW", 2520, 1890), ("u", "机位", "U", 17640, 12960)]),
    ("POOL-ROOM-GX", "高新区同城灾备机房", "room", "CD-DSJ-WL", "manual", "高新区天府软件园 G 区",
     [("rack", "标准机柜", "个", 160, 96), ("power", "IT 负载", "kW", 960, 540)]),
    ("POOL-NET-MAN", "电子政务外网城域网", "network", "CD-DSJ-WL", "manual", "全市 23 个区(市)县",
     [("access", "接入单位", "个", 1600, 1378), ("ipv4", "IPv4 地址", "个", 65536, 48120),
      ("ipv6", "IPv6 地址段(/64)", "个", 4096, 1210)]),
    ("POOL-NET-INET", "互联网出口", "network", "CD-DSJ-WL", "manual", "电信、移动、联通三线出口",
     [("bandwidth", "出口带宽", "Gbps", 40, 31.5)]),
    ("POOL-DR-BAK", "政务数据备份资源池", "storage", "CD-DSJ-SJ", "manual", "天府新区 + 高新区两地",
     [("backup", "备份容量", "TB", 4000, 2630), ("archive", "归档容量", "TB", 2000, 820)]),
    ("POOL-DR-REMOTE", "异地容灾资源池", "storage", "CD-DSJ-SJ", "manual", "雅安灾备中心",
     [("dr_storage", "容灾存储", "TB", 1500, 1280)]),
    ("POOL-SUP-IAM", "统一身份认证平台", "support", "CD-DSJ-SJ", "manual", "政务云天府资源池",
     [("apps", "接入应用", "个", 800, 486), ("accounts", "用户账号", "万个", 60, 41.2)]),
    ("POOL-SUP-SMS", "政务短信平台", "support", "CD-DSJ-ZWY", "manual", "政务云天府资源池",
     [("sms", "月发送能力", "万条", 3000, 1865)]),
    ("POOL-SUP-DATA", "数据共享交换平台", "support", "CD-DSJ-SJ", "manual", "政务云天府资源池",
     [("api", "共享接口", "个", 5000, 3218), ("calls", "日调用量", "万次", 2000, 1130)]),
]
POOL_ITEMS = {"cloud": "cloud", "room": "hosting", "network": "network", "storage": "dr"}


def _pools():
    from egov_base.integration.models import ExternalSystem

    from .models import CapacitySnapshot, PoolAllocation, PoolDevice, PoolMetric, ResourcePool
    from .services.resources import metric_evaluate

    ExternalSystem.objects.get_or_create(code="hcs_tianfu", defaults=dict(
        name="政务云天府资源池云管平台", base_url="http://127.0.0.1:8000", read_timeout=10, max_retries=1,
        description="华为云Stack 运营面容量接口（演示：本平台自带的模拟接口 /service-catalog/ops/provider/cloud-capacity/）"))
    orgs = _orgs()
    today = timezone.localdate()
    for sort, (code, name, ptype, provider, source, location, metrics) in enumerate(POOLS):
        pool, created = ResourcePool.objects.get_or_create(code=code, defaults=dict(
            name=name, pool_type=ptype, provider=_org(provider), source=source, location=location, sort=sort,
            external_system="hcs_tianfu" if source == "interface" else "",
            endpoint="/service-catalog/ops/provider/cloud-capacity/" if source == "interface" else ""))
        if not created:
            continue
        stype = POOL_ITEMS.get(ptype)
        if stype:
            from .models import ServiceItem

            pool.items.add(*ServiceItem.objects.filter(service_type=stype))
        for msort, (mcode, mname, unit, total, used) in enumerate(metrics):
            metric = PoolMetric.objects.create(pool=pool, code=mcode, name=mname, unit=unit, total=Decimal(str(total)),
                                               used=Decimal(str(used)), sort=msort,
                                               warn_percent=Decimal("80"), critical_percent=Decimal("90"))
            CapacitySnapshot.objects.bulk_create([
                CapacitySnapshot(metric=metric, day=today - dt.timedelta(days=d), total=metric.total,
                                 used=(metric.used * Decimal(1 - d * 0.004)).quantize(Decimal("0.01")))
                for d in range(30, -1, -1)])
            metric_evaluate(metric=metric)
            # usage by department: shares of the used amount
            shares = [0.19, 0.15, 0.12, 0.1, 0.09, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03, 0.02]
            for org, share in zip(orgs, shares):
                PoolAllocation.objects.create(metric=metric, organization=org,
                                              amount=(metric.used * Decimal(str(share))).quantize(Decimal("0.01")))
        if ptype == "room":
            for i in range(1, 13):
                org = orgs[i % len(orgs)] if orgs and i % 3 else None
                PoolDevice.objects.create(
                    pool=pool, code=f"{code[-2:]}-A{(i - 1) // 6 + 1:02d}-{(i - 1) % 6 + 1:02d}",
                    name=f"{'A' if i <= 6 else 'B'}区机柜{i:02d}", device_type="42U 标准机柜",
                    model_name="图腾 G36042", spec="42U / 7kW / 双路 PDU", position=f"{(i - 1) // 6 + 1} 号模块",
                    status="running" if org else "idle", organization=org)
        if ptype == "network" and code == "POOL-NET-MAN":
            for i, (n, m) in enumerate((("核心交换机01", "H3C S12508G-AF"), ("核心交换机02", "H3C S12508G-AF"),
                                        ("汇聚路由器-锦江", "华为 NE40E-X8A"), ("汇聚路由器-青羊", "华为 NE40E-X8A"),
                                        ("防火墙集群01", "H3C SecPath M9016-V"))):
                PoolDevice.objects.create(pool=pool, code=f"WAN-{i + 1:03d}", name=n, device_type="网络设备",
                                          model_name=m, position="天府新区政务集中机房 N1 模块",
                                          status="running" if i != 3 else "maintenance")


# --- billing ---------------------------------------------------------------------------------------------------

def _billing(vendors):
    from .models import PriceBookEntry, ProviderBill, UsageRecord
    from .services.billing import bill_reconcile

    sms, dr = _item("sms"), _item("dr")
    orgs = _orgs()
    if sms is None or not orgs:
        return
    valid = dt.date(2026, 1, 1)
    prices = [(sms, "SMS-STD", "政务短信（70字以内）", "条", Decimal("0.0400")),
              (sms, "SMS-LONG", "政务长短信（计费条数）", "条", Decimal("0.0400")),
              (sms, "SMS-INTL", "国际/港澳台短信", "条", Decimal("0.3500"))]
    if dr is not None:
        prices += [(dr, "DR-BAK", "数据备份容量", "TB·月", Decimal("680.0000")),
                   (dr, "DR-REMOTE", "异地容灾存储", "TB·月", Decimal("1450.0000"))]
    for item, code, name, unit, price in prices:
        PriceBookEntry.objects.get_or_create(item=item, charge_code=code, valid_from=valid,
                                             defaults={"name": name, "unit": unit, "unit_price": price})
    period = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    vendor = vendors["VD-CMCC"]
    if ProviderBill.objects.filter(vendor=vendor, item=sms, period=period).exists():
        return
    usage = []
    for i, org in enumerate(orgs[:10]):
        std = 182000 - i * 15300
        usage.append((org, "SMS-STD", Decimal(std)))
        if i % 3 == 0:
            usage.append((org, "SMS-LONG", Decimal(21000 - i * 1200)))
    for org, code, qty in usage:
        UsageRecord.objects.get_or_create(item=sms, organization=org, period=period, charge_code=code,
                                          defaults={"quantity": qty, "source": "政务短信平台发送日志"})
    # the provider's bill: mostly agreeing, with three realistic differences
    from egov_base.numbers import next_number

    from .models import BillLine

    bill = ProviderBill.objects.create(number=next_number("BL"), vendor=vendor, item=sms, period=period,
                                       file_name=f"成都移动政务短信账单{period:%Y%m}.xlsx")
    lines = []
    for n, (org, code, qty) in enumerate(usage, 1):
        billed_qty, price = qty, Decimal("0.0400")
        if n == 2:
            billed_qty = qty + 4800            # 用量不符
        if n == 5:
            price = Decimal("0.0450")          # 单价不符（未按合同价）
        amount = (billed_qty * price).quantize(Decimal("0.01"))
        if n == 7:
            amount += Decimal("120.00")        # 金额不符
        lines.append(BillLine(bill=bill, line_no=n, organization=org, charge_code=code,
                              description="政务短信" if code == "SMS-STD" else "政务长短信",
                              billed_quantity=billed_qty, billed_unit_price=price, billed_amount=amount))
    extra = orgs[10] if len(orgs) > 10 else None
    if extra is not None:  # billed but the platform has no usage for it
        lines.append(BillLine(bill=bill, line_no=len(lines) + 1, organization=extra, charge_code="SMS-STD",
                              description="政务短信", billed_quantity=Decimal(3200),
                              billed_unit_price=Decimal("0.0400"), billed_amount=Decimal("128.00")))
    BillLine.objects.bulk_create(lines)
    bill_reconcile(user=None, bill=bill)


# --- portal extras ---------------------------------------------------------------------------------------------

PROBLEMS = {
    "cloud": [("云主机无法远程登录", "1. 确认安全组已放通 22(Linux)/3389(Windows) 端口且源地址为本单位外网地址段；\n"
                                 "2. 在云管平台控制台使用 VNC 登录检查 sshd / 远程桌面服务是否运行；\n"
                                 "3. 检查是否因多次密码错误被锁定（30 分钟后自动解锁）。"),
              ("云硬盘空间不足", "可在服务门户提交“变更”申请扩容云硬盘，扩容后在操作系统内执行分区扩展（Linux: growpart + resize2fs/xfs_growfs）。"),
              ("需要开放安全组端口", "安全组变更需提交“变更”申请并附单位批复，互联网方向仅开放 80/443。")],
    "network": [("外网接入点无法访问政务应用", "1. 检查接入路由器 WAN 口指示灯与光模块；\n2. 在终端执行 ping 网关与 tracert 10.1.1.1；\n"
                                       "3. 如整个单位中断，请直接拨打 028-61881234 报修。"),
                ("IP 地址冲突", "在终端执行 arp -a 查找冲突 MAC，核对本单位 IP 地址分配台账；需新增地址请提交“IP 地址申请”。")],
    "sms": [("短信发送失败", "检查短信签名是否已报备、内容是否含敏感词；错误码 E101 为余额不足，请联系政务云运营部。"),
            ("短信到达延迟", "高峰期（8:30–9:30）批量短信可能排队，建议错峰发送或拆分批次。")],
    None: [("账号无法登录服务门户", "使用统一身份认证账号登录；忘记密码请在登录页“忘记密码”通过手机验证码重置，或联系本单位管理员。")],
}


def _portal_extras():
    from egov_base.org.models import User

    from .models import Feedback, ProblemType, Ticket
    from .services.feedback import feedback_submit
    from .services.tickets import ticket_submit

    for stype, rows in PROBLEMS.items():
        item = _item(stype) if stype else None
        if stype and item is None:
            continue
        for sort, (name, solution) in enumerate(rows):
            ProblemType.objects.get_or_create(item=item, name=name, defaults={"solution": solution, "sort": sort})
    dept_user = User.objects.filter(username="dept_user").first()
    city_user = User.objects.filter(username="city_user").first()
    cloud = _item("cloud")
    if dept_user and cloud and not Ticket.objects.filter(idempotency_key="demo-ticket-1").exists():
        pt = ProblemType.objects.filter(item=cloud, name="云主机无法远程登录").first()
        ticket_submit(user=dept_user, item=cloud, problem_type=pt, title="审批系统应用服务器无法远程登录",
                      description="锦江区行政审批局审批业务系统应用服务器（10.20.31.15）今天上午起无法通过堡垒机远程登录，"
                                  "提示连接超时，业务访问正常。", idempotency_key="demo-ticket-1")
    if city_user and not Ticket.objects.filter(idempotency_key="demo-ticket-2").exists():
        net = _item("network")
        ticket_submit(user=city_user, item=net, problem_type=None, title="卫健委外网接入带宽不足",
                      description="全民健康信息平台数据上报高峰期外网接入带宽占满，申请排查链路并评估扩容。",
                      idempotency_key="demo-ticket-2")
    if dept_user and not Feedback.objects.filter(idempotency_key="demo-fb-1").exists():
        feedback_submit(user=dept_user, kind="suggestion", title="建议增加云主机到期提醒",
                        content="建议在服务门户“我的资源”中对即将到期或长期低负载的云主机给出提醒，便于单位及时续期或回收。",
                        idempotency_key="demo-fb-1")
    if city_user and not Feedback.objects.filter(idempotency_key="demo-fb-2").exists():
        feedback_submit(user=city_user, kind="complaint", title="数据库资源交付超过承诺时限",
                        content="我委 11 月 3 日申请的 MySQL 数据库实例，承诺 3 个工作日交付，实际 11 月 12 日才交付，影响项目上线。",
                        item=_item("cloud", "数据库"), notice_accepted=True, idempotency_key="demo-fb-2")


SURVEY_SCHEMA = {
    "type": "default", "id": "sc_satisfaction_2026", "schemaVersion": 16,
    "components": [
        {"type": "text", "text": "### 2026年度政务云网服务满意度调查\n请根据本单位使用情况如实填写，约需 3 分钟。"},
        {"type": "radio", "key": "overall", "label": "总体满意度", "validate": {"required": True},
         "values": [{"label": "非常满意", "value": "5"}, {"label": "满意", "value": "4"}, {"label": "一般", "value": "3"},
                    {"label": "不满意", "value": "2"}, {"label": "非常不满意", "value": "1"}]},
        {"type": "radio", "key": "delivery", "label": "资源交付及时性", "validate": {"required": True},
         "values": [{"label": "非常及时", "value": "5"}, {"label": "及时", "value": "4"}, {"label": "一般", "value": "3"},
                    {"label": "较慢", "value": "2"}]},
        {"type": "checklist", "key": "services", "label": "本单位使用的服务（可多选）",
         "values": [{"label": "政务云", "value": "cloud"}, {"label": "电子政务外网", "value": "network"},
                    {"label": "机房托管", "value": "hosting"}, {"label": "政务灾备", "value": "dr"},
                    {"label": "政务短信", "value": "sms"}]},
        {"type": "textarea", "key": "advice", "label": "意见和建议", "validate": {"maxLength": 1000}},
    ],
}


def _survey():
    from egov_base.org.models import User

    from .models import ServiceForm, Survey, SurveyResponse

    form = ServiceForm.objects.filter(item__isnull=True, kind="questionnaire", name="2026年度满意度调查问卷").first()
    if form is None:
        form = ServiceForm.objects.create(item=None, kind="questionnaire", name="2026年度满意度调查问卷", version=1,
                                          schema=SURVEY_SCHEMA, is_active=False)
    survey, created = Survey.objects.get_or_create(title="2026年度政务云网服务满意度调查", defaults=dict(
        kind="satisfaction", form=form, description="为持续提升政务云网服务质量，请各单位信息化负责人填写。",
        status="published", published_at=timezone.now() - dt.timedelta(days=5),
        start_at=timezone.now() - dt.timedelta(days=5), end_at=timezone.now() + dt.timedelta(days=25)))
    Survey.objects.get_or_create(title="2027年政务云资源需求预测填报", defaults=dict(
        kind="fill", form=form, description="请各单位预估 2027 年云资源新增需求，作为年度扩容规划依据。"))
    if created:
        answers = [("5", "5", ["cloud", "network"], "交付很快，希望增加 GPU 资源。"),
                   ("4", "4", ["cloud", "sms"], ""), ("4", "3", ["cloud", "dr"], "灾备演练希望提前通知。"),
                   ("3", "2", ["network", "hosting"], "机房上架排期较长。")]
        users = list(User.objects.filter(groups__role__code="dept_user", is_active=True).exclude(organization=None)
                     .distinct()[:4])
        for user, (o, d, s, a) in zip(users, answers):
            SurveyResponse.objects.get_or_create(survey=survey, respondent=user, defaults=dict(
                organization=user.organization, data={"overall": o, "delivery": d, "services": s, "advice": a}))
        Survey.objects.filter(pk=survey.pk).update(response_count=survey.responses.count())


def _reports():
    from .models import ServiceReport
    from .services.reports import report_generate

    if ServiceReport.objects.exists():
        return
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    for code, subject in (("CD-DSJ-ZWY", "provider"), ("JJ-XZSP", "department"), ("CD-WJW", "department")):
        org = _org(code)
        if org is not None:
            report_generate(period_type="month", period_start=last_month, subject=subject, organization=org)


def load() -> dict:
    from egov_base.org.models import User

    from .models import ServiceItem  # noqa: F401 - app ready check

    with transaction.atomic():
        vendors = _vendors()
        _pools()
        _billing(vendors)
        _portal_extras()
        _survey()
    if User.objects.filter(is_superuser=True).exists():
        _reports()
    return {"ok": True}
