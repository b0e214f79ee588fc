"""Demo data (idempotent: a second run changes nothing). Called by ``manage.py egov_demo``.

Templates, tag vocabulary, routing rules, district controls, demo users of the review roles and ~30 proposals
walked through the real services (so every one has a full process log, inbox history and documents), then
back-dated over the last half year so the workbench time ranges show something.
"""

from __future__ import annotations

import random
from datetime import timedelta

DEMO_PASSWORD = "Egov@2026demo"

SECTIONS = {
    "construction": [
        ("purpose", "项目目的", True, "建设背景、必要性和预期目标"),
        ("content", "建设内容", True, "主要建设任务、系统功能和建设规模"),
        ("resources", "资源需求", True, "政务云计算、存储、网络和安全资源需求"),
        ("schedule", "实施计划", False, "建设周期和里程碑"),
        ("budget_detail", "投资估算", False, "软硬件、服务费用构成"),
    ],
    "service": [
        ("purpose", "项目目的", True, "购买服务的必要性"),
        ("content", "服务内容", True, "服务范围、服务方式和服务指标"),
        ("resources", "资源需求", False, "所需政务云和网络资源"),
        ("sla", "服务水平要求", False, "响应时间、可用率等"),
    ],
    "operation": [
        ("purpose", "项目目的", True, "运维对象及运维必要性"),
        ("content", "运维内容", True, "运维范围、巡检、应急保障"),
        ("resources", "资源需求", False, "运维所需资源"),
        ("team", "运维团队", False, "人员配置和驻场安排"),
    ],
}
INTENSIVE = [
    ("cloud", "政务云资源使用", "计算、存储资源是否部署于市政务云"),
    ("network", "电子政务外网接入", "是否通过电子政务外网承载"),
    ("identity", "统一身份认证接入", "是否接入天府通办统一身份认证"),
    ("data", "政务数据共享", "是否通过市共享交换平台共享数据"),
    ("sign", "电子印章/电子证照", "是否使用市电子印章、电子证照系统"),
]
TAGS = [
    ("政务云", "基础设施", "政务云,云资源,云主机,云平台"), ("电子政务外网", "基础设施", "政务外网,电子政务外网,专线"),
    ("数据共享", "数据资源", "数据共享,共享交换,数据资源,数据目录"), ("统一身份认证", "公共应用", "统一身份认证,单点登录,天府通办"),
    ("电子证照", "公共应用", "电子证照"), ("电子印章", "公共应用", "电子印章,电子签章"),
    ("网络安全", "安全", "等保,等级保护,网络安全,安全防护"), ("密码应用", "安全", "密码应用,商用密码,国密"),
    ("不动产登记", "业务领域", "不动产,不动产登记"), ("医疗健康", "业务领域", "健康,医疗,卫健,医保"),
    ("智慧社区", "业务领域", "智慧社区,社区治理,网格"), ("城市治理", "业务领域", "城市治理,一网统管,城市运行"),
    ("政务服务", "业务领域", "一网通办,政务服务,办事"), ("物联感知", "技术", "物联网,感知,传感"),
    ("人工智能", "技术", "人工智能,大模型,智能识别"), ("视频监控", "技术", "视频,监控,雪亮工程"),
    ("地理信息", "技术", "地理信息,GIS,时空"), ("运维服务", "服务", "运维,驻场,巡检"),
]
USERS = [
    # username, name, role, org code, position, mobile
    ("pr_intake", "王丽娟", "pr_intake", "CD-DSJ-PS", "项目评审部接件专员", "+8613980010021"),
    ("dept_head2", "谢晓东", "dept_head", "CD-DSJ-SJ", "数据资源部部长", "+8613980010022"),
    ("reviewer2", "唐思雨", "reviewer", "CD-DSJ-PS", "项目评审部评审专员", "+8613980010023"),
    ("pr_accept", "罗春梅", "pr_accept", "CD-DSJ-PS", "项目评审部受理专员", "+8613980010024"),
    ("pr_reply", "梁永刚", "pr_reply", "CD-DSJ-PS", "项目评审部回函专员", "+8613980010025"),
    ("tech_expert", "曾宏伟", "pr_tech_expert", "CD-DSJ-AQ", "高级工程师（技术专家）", "+8613980010026"),
    ("gh_user", "罗成林", "dept_user", "CD-GHZY", "信息中心科员", "+8613980010027"),
    ("ga_user", "彭德明", "dept_user", "CD-GAJ", "科技信息化处科员", "+8613980010028"),
]
# title, applicant username, kind, budget (万元), where the walk stops
PROPOSALS = [
    ("成都市不动产登记信息平台升级改造项目", "gh_user", "construction", 680, "done"),
    ("天府健康通二期项目", "city_user", "construction", 1250, "countersign"),
    ("锦江区智慧社区建设项目", "dept_user", "construction", 420, "district_done"),
    ("成都市全民健康信息平台运维服务项目", "city_user", "operation", 186, "accept"),
    ("成都市公安局视频图像信息共享平台扩容项目", "ga_user", "construction", 960, "prereview"),
    ("成都市国土空间基础信息平台建设项目", "gh_user", "construction", 730, "expert"),
    ("成都市医疗保障信息平台安全加固项目", "city_user", "construction", 210, "improve"),
    ("成都市自然资源“一张图”运维服务项目", "gh_user", "operation", 96, "audit"),
    ("成都市公安大数据中心云资源租赁服务项目", "ga_user", "service", 540, "reply"),
    ("成都市电子证照库扩容项目", "city_user", "construction", 310, "intake"),
    ("成都市卫健委互联网医院监管平台项目", "city_user", "construction", 380, "returned"),
    ("成都市交通一卡通数据共享服务项目", "gh_user", "service", 120, "terminated"),
    ("锦江区政务服务一体机部署项目", "dept_user", "construction", 160, "district_prereview"),
    ("锦江区网格化社会治理平台运维项目", "dept_user", "operation", 75, "district_intake"),
    ("成都市规划审批管理系统升级项目", "gh_user", "construction", 450, "transfer"),
    ("成都市120急救指挥调度系统运维项目", "city_user", "operation", 132, "assign"),
    ("成都市警务云平台运维服务项目", "ga_user", "operation", 350, "consult"),
    ("成都市疾控中心传染病监测预警平台项目", "city_user", "construction", 590, "done"),
    ("成都市不动产登记电子证照应用项目", "gh_user", "construction", 240, "done_direct"),
    ("成都市公安政务服务平台适老化改造项目", "ga_user", "construction", 88, "intake"),
    ("锦江区智慧养老服务平台项目", "dept_user", "service", 140, "district_accept"),
    ("成都市基层医疗卫生机构信息系统运维项目", "city_user", "operation", 260, "prereview"),
    ("成都市测绘地理信息公共服务平台项目", "gh_user", "construction", 370, "countersign"),
    ("成都市交通违法非现场执法系统升级项目", "ga_user", "construction", 510, "accept"),
    ("成都市卫生健康统计直报系统项目", "city_user", "service", 66, "returned"),
    ("锦江区城市运行“一网统管”平台项目", "dept_user", "construction", 880, "district_done"),
    ("成都市自然资源执法监管平台项目", "gh_user", "construction", 295, "reply"),
    ("成都市公安物联感知平台建设项目", "ga_user", "construction", 1120, "expert"),
    ("成都市妇幼健康信息系统运维项目", "city_user", "operation", 92, "audit"),
    ("成都市林长制智慧管理平台项目", "gh_user", "construction", 205, "done"),
]


def _docx(title: str, paragraphs: list[str]) -> bytes:
    from docx import Document

    from .documents import save

    doc = Document()
    doc.add_heading(title, level=1)
    for text in paragraphs:
        doc.add_paragraph(text)
    return save(doc)


def load_reference(admin) -> dict:
    from django.core.files.base import ContentFile

    from egov_base.org.models import Region, User

    from . import services
    from .models import DistrictControl, IntensiveTemplate, ProposalTemplate, ReplyTemplate, RoutingRule, Tag

    created = {"templates": 0, "tags": 0}
    names = {"construction": "建设方案申报模版", "service": "服务方案申报模版", "operation": "运维方案申报模版"}
    for kind, rows in SECTIONS.items():
        if not ProposalTemplate.objects.filter(kind=kind).exists():
            services.template_publish(user=admin, kind=kind, name=names[kind], sections=[
                {"key": k, "label": label, "required": req, "help": h} for k, label, req, h in rows])
            created["templates"] += 1
    isections = [{"key": k, "label": label, "required": False, "help": h} for k, label, h in INTENSIVE]
    if not IntensiveTemplate.objects.filter(region__isnull=True).exists():
        services.intensive_publish(user=admin, region=None, name="市级集约化建设及公共应用接入模版", sections=isections)
    for rname in ("锦江区", "青羊区"):
        region = Region.objects.filter(name=rname, level="district").first()
        if region and not IntensiveTemplate.objects.filter(region=region).exists():
            extra = [{"key": "district_cloud", "label": f"{rname}区级政务云使用", "required": False,
                      "help": "是否使用区级政务云节点"}]
            services.intensive_publish(user=admin, region=region, name=f"{rname}集约化建设模版", sections=isections + extra)
    for name, cat, kw in TAGS:
        _t, was = Tag.objects.get_or_create(name=name, defaults={"category": cat, "keywords": kw})
        created["tags"] += int(was)
    body = ("{{申报单位}}：\n贵单位报送的《{{项目名称}}》（方案编号 {{方案编号}}，{{方案类型}}）收悉。经方案接件、预审、会签和审核，"
            "现函复如下：\n{{审核意见}}\n请按照集约化建设要求，依托市政务云和电子政务外网组织实施，并接入统一身份认证。\n"
            "成都市大数据中心\n{{日期}}")
    tpl, was = ReplyTemplate.objects.get_or_create(name="市级项目方案审核意见回函", defaults={"level": "city", "body": body})
    if was:
        data = _docx("关于《{{项目名称}}》的审核意见函", ["{{申报单位}}：",
                     "贵单位报送的《{{项目名称}}》（方案编号 {{方案编号}}）收悉。经审核，意见如下：", "{{审核意见}}",
                     "预算金额：{{预算金额}} 万元。", "成都市大数据中心", "{{日期}}"])
        services.reply_template_upload(user=admin, template=tpl, file=ContentFile(data, name="市级回函模版.docx"))
    ReplyTemplate.objects.get_or_create(name="区县项目方案审核意见回函", defaults={"level": "district", "body": body.replace(
        "成都市大数据中心", "区(市)县大数据中心")})
    heads = {u.username: u for u in User.objects.filter(username__in=["dept_head", "dept_head2"])}
    if heads.get("dept_head2") and not RoutingRule.objects.exists():
        RoutingRule.objects.create(name="数据共享类项目 → 数据资源部", keyword="数据", head=heads["dept_head2"], priority=10)
        RoutingRule.objects.create(name="运维方案 → 政务云运营部", kind="operation", head=heads["dept_head"], priority=20)
        RoutingRule.objects.create(name="其他方案 → 政务云运营部", head=heads["dept_head"], priority=100)
    jj = Region.objects.filter(name="锦江区", level="district").first()
    if jj and not DistrictControl.objects.filter(region=jj).exists():
        DistrictControl.objects.create(region=jj, prereview_enabled=True, note="2026 年市级预审服务试点")
    qy = Region.objects.filter(name="青羊区", level="district").first()
    if qy and not DistrictControl.objects.filter(region=qy).exists():
        DistrictControl.objects.create(region=qy, prereview_enabled=False, note="区级自审")
    return created


def load_users() -> int:
    from django.contrib.auth.hashers import make_password

    from egov_base.org.models import Organization, Role, User

    password = None
    n = 0
    for username, name, role_code, org_code, position, mobile in USERS:
        if User.objects.filter(username=username).exists():
            continue
        org = Organization.objects.filter(code=org_code).first()
        role = Role.objects.filter(code=role_code).select_related("group").first()
        if org is None or role is None:
            continue
        password = password or make_password(DEMO_PASSWORD)
        if User.objects.filter(phone=mobile).exists():
            mobile = None
        user = User.objects.create(username=username, name=name, organization=org, position=position, phone=mobile,
                                   email=f"{username}@cddc.chengdu.gov.cn", password=password)
        user.groups.add(role.group)
        n += 1
    return n


def _content(title, kind):
    return {
        "purpose": f"为落实成都市数字政府建设要求，{title}旨在提升业务协同和政务服务“一网通办”能力，实现数据共享和集约化建设。",
        "content": "1. 依托市政务云部署业务系统，接入统一身份认证和电子证照；\n2. 通过共享交换平台与相关部门数据共享；\n"
                   "3. 按等保三级要求开展网络安全防护和商用密码应用。",
        "resources": "政务云计算资源 32 核 / 128 GB，存储 20 TB，电子政务外网带宽 100 Mbps。",
        "schedule": "2026 年 12 月启动，2027 年 6 月完成上线试运行。",
        "budget_detail": "软件开发 60%，云资源租赁 25%，安全测评及密码应用 15%。",
        "sla": "7×24 小时服务，重大故障 30 分钟响应，系统可用率不低于 99.9%。",
        "team": "驻场运维 3 人，二线技术支持 5 人。",
    } if kind else {}


def _walk(p, stop, u):
    """Move proposal ``p`` along its path until ``stop`` (see PROPOSALS)."""
    from . import services

    city = not p.is_district
    services.proposal_submit(user=p.applicant, proposal=p, comment="请审核")
    if stop in ("intake", "district_intake"):
        return
    if stop in ("returned",):
        services.proposal_act(user=u["pr_intake"], proposal=p, action="return_to_applicant",
                              comment="资源需求未按模版填写测算依据，请补充后重新提交。")
        return
    if stop == "terminated":
        services.proposal_act(user=u["pr_intake"], proposal=p, action="return_to_applicant",
                              comment="建设内容与市级平台重复，请与市级平台对接。")
        services.proposal_act(user=p.applicant, proposal=p, action="terminate", comment="经研究，项目并入市级平台建设，终止申报。")
        return
    if not city:
        route = "city" if stop.startswith("district_prereview") else "self"
        services.intake_pass(user=u["jj_admin"], proposal=p, route=route, comment="材料齐全")
        if stop == "district_prereview":
            return
        services.proposal_act(user=u["jj_admin"], proposal=p, action="prereview_pass", comment="方案符合区级集约化要求")
        if stop == "district_accept":
            return
        services.proposal_act(user=u["jj_admin"], proposal=p, action="accept_reply")
        services.reply_issue(user=u["jj_admin"], proposal=p, opinion="同意按方案实施。")
        return
    services.intake_pass(user=u["pr_intake"], proposal=p, comment="材料齐全，同意接件")
    p.refresh_from_db()
    head = p.assigned_head
    if stop in ("assign",):
        return
    if stop == "transfer" or p.pk % 3 == 0:
        other = u["dept_head2"] if head.pk != u["dept_head2"].pk else u["dept_head"]
        services.transfer(user=head, proposal=p, to_head=other, comment="该项目以数据共享为主，建议由对口部门办理。")
        if stop == "transfer":
            return
        services.proposal_act(user=u["leader"], proposal=p, action="transfer_approve", comment="同意转交")
        head = other
    reviewer = u["reviewer"] if p.pk % 2 else u["reviewer2"]
    services.assign_reviewer(user=head, proposal=p, reviewer=reviewer)
    if stop == "prereview":
        return
    if stop == "consult":
        services.proposal_act(user=reviewer, proposal=p, action="prereview_fail", comment="运维工作量测算依据不足，需会商")
        return
    services.proposal_act(user=reviewer, proposal=p, action="prereview_pass", comment="方案结构完整，符合集约化建设要求。")
    rows = services.countersign_draw(user=reviewer, proposal=p, seed=f"demo-{p.number}")
    if stop == "countersign":
        return
    for r in rows:
        services.countersign_vote(user=r.signer, proposal=p, passed=True, opinion="同意")
    if stop == "accept":
        return
    if stop == "done_direct":
        services.proposal_act(user=u["pr_accept"], proposal=p, action="accept_reply")
        services.reply_issue(user=u["pr_reply"], proposal=p, opinion="同意实施。")
        return
    services.proposal_act(user=u["pr_accept"], proposal=p, action="accept_expert")
    if stop == "expert":
        return
    services.expert_record(user=u["pr_accept"], proposal=p, passed=True, needs_improve=True,
                           opinion="专家组同意通过，建议补充密码应用方案和分期实施计划。")
    if stop == "improve":
        return
    services.proposal_update(user=p.applicant, proposal=p, data={
        "title": p.title, "budget": p.budget, "contact_phone": p.contact_phone, "intensive": p.intensive,
        "content": {**p.content, "schedule": "按专家意见分两期实施：一期 2027 年 3 月，二期 2027 年 9 月。"}})
    services.proposal_act(user=p.applicant, proposal=p, action="improve_submit", comment="已按专家意见完善")
    if stop == "audit":
        return
    services.proposal_act(user=reviewer, proposal=p, action="audit_pass", comment="已按专家意见完善，同意。")
    if stop == "reply":
        return
    services.reply_issue(user=u["pr_reply"], proposal=p, opinion="同意该方案，请按评审意见组织实施。")


def _backdate(p, rng):
    """Spread a demo proposal's history over the last half year (process log, events, dates)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from egov_base.workflow.models import ProcessLog

    from .models import Proposal, ProposalEvent

    start = timezone.now() - timedelta(days=rng.randint(4, 170), hours=rng.randint(0, 10))
    ct = ContentType.objects.get_for_model(Proposal)
    t = start
    logs = list(ProcessLog.objects.filter(content_type=ct, object_id=str(p.pk)).order_by("pk"))
    for log in logs:
        ProcessLog.objects.filter(pk=log.pk).update(created_at=t)
        t += timedelta(hours=rng.randint(2, 40))
    t = start
    for ev in ProposalEvent.objects.filter(proposal=p).order_by("pk"):
        ProposalEvent.objects.filter(pk=ev.pk).update(created_at=t)
        t += timedelta(hours=rng.randint(2, 40))
    end = min(t, timezone.now())
    Proposal.objects.filter(pk=p.pk).update(created_at=start - timedelta(days=1), submitted_at=start,
                                            stage_entered_at=end)


def load() -> dict:
    from django.db import transaction

    from egov_base.context import acting_as
    from egov_base.org.models import User
    from egov_base.org.roles import sync_roles

    from . import services
    from .models import Proposal

    sync_roles()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return {"skipped": "no administrator"}
    users_created = load_users()
    with acting_as(admin, source="demo"):
        ref = load_reference(admin)
    u = {x.username: x for x in User.objects.filter(username__in=[
        "pr_intake", "dept_head", "dept_head2", "reviewer", "reviewer2", "pr_accept", "pr_reply", "leader",
        "jj_admin", "dept_user", "city_user", "gh_user", "ga_user"])}
    missing = {"pr_intake", "dept_head", "reviewer", "pr_accept", "pr_reply", "leader", "jj_admin"} - set(u)
    if missing:
        return {**ref, "users": users_created, "skipped": sorted(missing)}
    rng = random.Random(2026)
    made = 0
    for title, applicant, kind, budget, stop in PROPOSALS:
        if Proposal.objects.filter(title=title).exists() or applicant not in u:
            continue
        user = u[applicant]
        with acting_as(user, source="demo"), transaction.atomic():
            p = services.proposal_create(user=user, data={
                "title": title, "kind": kind, "budget": str(budget), "contact_phone": "028-61886000",
                "content": _content(title, kind),
                "intensive": {"cloud": "是，部署于市政务云", "network": "是", "identity": "已接入天府通办统一身份认证",
                              "data": "通过市共享交换平台共享", "sign": "使用市电子印章系统"}})
            from django.core.files.base import ContentFile

            base = _docx(f"{title}建设方案", [
                "一、项目概述", f"{title}由{user.organization}负责实施，依托市政务云和电子政务外网集约化建设。",
                "二、现状与问题", "现有系统建设年代较早，数据共享不足，难以支撑一网通办和一网统管要求。",
                "三、建设目标", "建成统一的业务平台，实现数据共享、统一身份认证接入和电子证照应用。",
                "四、安全保障", "按照网络安全等级保护三级要求建设，落实商用密码应用安全性评估。"])
            services.proposal_upload(user=user, proposal=p, file=ContentFile(base, name=f"{title}基础方案.docx"))
        with transaction.atomic():
            _walk(p, stop, u)
            _backdate(p, rng)
        made += 1
    return {**ref, "users": users_created, "proposals": made}
