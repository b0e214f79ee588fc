"""Demo data (idempotent: a second run changes nothing). Called by ``manage.py egov_demo``.

About 200 experts across the specialties, a few pending / suspended, leave periods, past activities with real
draw rounds (commitment + revealed seed, verifiable), confirmations, evaluations and fees, one upcoming activity,
one district authorisation (锦江区) and an expert administrator user ``expert_admin``."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤"
GIVEN = ["建平", "晓峰", "志明", "丽华", "海波", "雪松", "俊", "文涛", "国庆", "春燕", "明", "红梅", "永红", "婷",
         "宏", "秀兰", "德胜", "佳", "立军", "玉珍", "鹏", "晓光", "思源", "成", "伟", "敏", "静", "磊", "洋", "勇",
         "艳", "杰", "娟", "涛", "超", "军", "平", "刚", "桂英", "斌", "华", "飞", "霞", "鑫", "波", "宇", "浩", "凯"]
EMPLOYERS = [
    ("四川大学", "高校"), ("电子科技大学", "高校"), ("西南交通大学", "高校"), ("西南财经大学", "高校"),
    ("成都信息工程大学", "高校"), ("西华大学", "高校"), ("四川省信息安全测评中心", "科研院所"),
    ("中国电子科技集团公司第三十研究所", "科研院所"), ("中国科学院成都计算机应用研究所", "科研院所"),
    ("成都市规划设计研究院", "科研院所"), ("中国电信股份有限公司成都分公司", "企业"),
    ("中国移动通信集团四川有限公司", "企业"), ("中国联合网络通信有限公司成都市分公司", "企业"),
    ("华为技术有限公司成都研究所", "企业"), ("新华三技术有限公司成都分公司", "企业"),
    ("成都天府软件有限公司", "企业"), ("四川长虹电子控股集团有限公司", "企业"),
    ("中电科网络安全科技股份有限公司", "企业"), ("四川华西工程造价咨询有限公司", "企业"),
    ("四川中衡会计师事务所", "企业"), ("四川蜀都律师事务所", "企业"), ("成都市经济和信息化局（退休）", "退休"),
]
QUALIFICATIONS = {
    "planning": "信息系统项目管理师", "security": "CISP 注册信息安全专业人员", "cloud": "云计算架构师",
    "bigdata": "数据管理能力成熟度评估师", "software": "系统架构设计师", "xinchuang": "信创适配工程师",
    "govservice": "政务服务标准化评审员", "telecom": "通信工程师（高级）", "cost": "注册造价工程师",
    "ai": "人工智能训练师（高级）", "iot": "物联网工程师", "database": "数据库系统工程师",
    "finance": "注册会计师", "law": "律师执业资格",
}
TAG_FOR = {"security": "网络安全", "xinchuang": "信创", "bigdata": "大数据", "cloud": "政务云"}


def _id_card(i: int) -> str:
    from egov_base.validators import id_card_checksum

    area = ["510104", "510105", "510106", "510107", "510108", "510112", "510122", "510124"][i % 8]
    year = 1960 + (i * 7) % 30
    first17 = f"{area}{year}{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}"
    return first17 + id_card_checksum(first17)


def _experts() -> int:
    from .models import Expert, ExpertLeave, ExpertTitle, ExpertType

    rng = random.Random(20261125)
    specs = list(QUALIFICATIONS)
    created = 0
    today = dt.date.today()
    for i in range(1, 201):
        cert = f"CDZJ-2021-{i:04d}"
        if Expert.objects.filter(certificate_no=cert).exists():
            continue
        main = specs[(i - 1) % len(specs)]
        extra = rng.sample([s for s in specs if s != main], rng.choice([0, 1, 1, 2]))
        employer, kind = EMPLOYERS[rng.randrange(len(EMPLOYERS))]
        past = [EMPLOYERS[rng.randrange(len(EMPLOYERS))][0]] if rng.random() < 0.3 else []
        past = [p for p in past if p != employer]
        tags = sorted({TAG_FOR[s] for s in [main, *extra] if s in TAG_FOR} | ({kind} if kind in ("高校", "科研院所", "企业", "退休") else set()))
        if kind == "企业" and rng.random() < 0.3:
            tags.append("供应商背景")
        if rng.random() < 0.2:
            tags.append("资深")
        etype = ExpertType.FINANCE if main in ("cost", "finance") else ExpertType.LEGAL if main == "law" else (
            ExpertType.MANAGE if rng.random() < 0.15 else ExpertType.TECH)
        title = rng.choices([ExpertTitle.SENIOR, ExpertTitle.VICE, ExpertTitle.MIDDLE], weights=[3, 5, 2])[0]
        name = SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[(i * 11) % len(GIVEN)]
        e = Expert(name=name, gender="m" if i % 3 else "f", specialties=[main, *extra], expert_type=etype,
                   qualification=QUALIFICATIONS[main], title=title, employer=employer, past_employers=past, tags=tags,
                   phone=f"+86139{8100_0000 + i * 37:08d}", id_card=_id_card(i), certificate_no=cert)
        e.save()
        status = "active"
        if i % 67 == 0:
            status = "pending"
        elif i % 53 == 0:
            status = "suspended"
        Expert.objects.filter(pk=e.pk).update(status=status, status_reason="年度复核未按期提交材料" if status == "suspended" else "")
        if i % 19 == 0:
            ExpertLeave.objects.create(expert=e, start=today + dt.timedelta(days=i % 10),
                                       end=today + dt.timedelta(days=i % 10 + 14), reason="出国访学" if i % 2 else "病假")
        created += 1
    return created


PAST = [
    ("成都市政务云二期扩容项目技术方案评审", "CD-JXJ", {"cloud": 2, "security": 1}, ["成都天府软件有限公司"]),
    ("成都市一体化政务服务平台升级改造方案评审", "CD-JXJ", {"govservice": 2, "software": 1}, ["新华三技术有限公司"]),
    ("成都市城市运行管理中心数据中台建设方案评审", "CD-JXJ", {"bigdata": 2, "planning": 1}, []),
    ("成都市电子政务外网安全加固项目方案评审", "CD-JXJ", {"security": 2, "telecom": 1}, ["中电科网络安全科技股份有限公司"]),
    ("成都市信创终端替代项目方案评审", "CD-JXJ", {"xinchuang": 2, "cost": 1}, ["四川长虹电子控股集团有限公司"]),
    ("成都市公共数据开放平台建设项目评审", "CD-JXJ", {"bigdata": 1, "law": 1, "software": 1}, []),
]


def _past_activities(reviewer) -> int:
    from egov_base.context import acting_as
    from egov_base.org.models import Organization

    from . import services
    from .models import Activity, ActivityDemand, ActivityItem, Booking, Evaluation, Expert

    centre = Organization.objects.filter(code="CD-DSJ").first() or Organization.objects.first()
    if centre is None:
        return 0
    rng = random.Random(7)
    created = 0
    today = dt.date.today()
    for idx, (title, org_code, demands, bidders) in enumerate(PAST):
        key = f"demo:expert_pool:past:{idx}"
        if Activity.objects.filter(source_key=key).exists():
            continue
        applicant = Organization.objects.filter(code=org_code).first()
        date = today - dt.timedelta(days=20 + idx * 23)
        with acting_as(reviewer, source="command"):
            a = Activity.objects.create(
                number=f"ZJCQ-{date.year}-D{idx + 1:03d}", title=title, date=date, half_day="am" if idx % 2 else "pm",
                place="成都市大数据中心 3 楼第一会议室", organization=centre, source_key=key,
                rules={**services._clean_rules({"expert_types": ["tech", "manage"], "tags_exclude": ["供应商背景"],
                                                "avoid_same_applicant_months": 6, "max_draws": 4})},
            )
            ActivityItem.objects.create(activity=a, title=title.replace("评审", ""), applicant_org=applicant,
                                        applicant_name=applicant.name if applicant else "", bidders=bidders)
            for spec, n in demands.items():
                ActivityDemand.objects.create(activity=a, specialty=spec, count=n)
            a.state = Activity.State.COMMITTED
            a.save()
            draw = services._commit_round(activity=a, needs=demands, user=reviewer, replacement=False)
            services._reveal_round(draw=draw, activity=a)
            bookings = list(a.bookings.select_related("expert"))
            if bookings:  # the first drawn expert declined: a replacement round filled the place
                first = bookings[0]
                first.status = Booking.Status.DECLINED
                first.confirmed_via = "voice"
                first.save()
                services._replacement_round(activity=a, user=reviewer)
            for b in a.bookings.filter(status=Booking.Status.PENDING).select_related("expert"):
                b.status = Booking.Status.CONFIRMED
                b.confirmed_via = rng.choice(["voice", "voice", "manual"])
                b.attended = True
                b.fee = services.FEE_STANDARD.get(b.expert.title, Decimal("500"))
                b.save()
            a.state = Activity.State.FINISHED
            a.result_passed = idx % 3 != 2
            a.result_opinion = "方案总体可行，建议进一步细化安全防护和运维保障措施。" if a.result_passed else \
                "建设内容与已有系统重复，建议整合后重新报审。"
            a.save()
            for b in a.bookings.filter(status=Booking.Status.CONFIRMED):
                scores = [rng.choice([3, 4, 4, 5, 5]) for _ in range(4)]
                if b.expert_id % 17 == 0:
                    scores = [2, 2, 3, 2]
                total = (Decimal(sum(scores)) / 4).quantize(Decimal("0.01"))
                Evaluation.objects.create(booking=b, expert=b.expert, punctuality=scores[0], professionalism=scores[1],
                                          opinion_quality=scores[2], discipline=scores[3], total=total,
                                          comment="意见中肯，准备充分。" if total >= 4 else "")
        created += 1
    for e in Expert.objects.filter(evaluations__isnull=False).distinct():
        vals = list(e.evaluations.values_list("total", flat=True))
        Expert.objects.filter(pk=e.pk).update(score=(sum(vals) / len(vals)).quantize(Decimal("0.01")),
                                              eval_count=len(vals))
    return created


def _upcoming(reviewer) -> int:
    from egov_base.context import acting_as
    from egov_base.org.models import Organization

    from . import services
    from .models import Activity

    key = "demo:expert_pool:upcoming:1"
    if Activity.objects.filter(source_key=key).exists():
        return 0
    centre = Organization.objects.filter(code="CD-DSJ").first()
    applicant = Organization.objects.filter(code="CD-WJW").first() or centre
    if centre is None:
        return 0
    with acting_as(reviewer, source="command"):
        services.activity_create(
            user=reviewer, source_key=key,
            data={"title": "成都市全民健康信息平台升级项目技术方案评审", "date": dt.date.today() + dt.timedelta(days=5),
                  "half_day": "am", "place": "成都市大数据中心 3 楼第二会议室", "organization": centre,
                  "rules": {"expert_types": ["tech"], "tags_exclude": ["供应商背景"], "avoid_conflict": True,
                            "avoid_same_applicant_months": 6, "max_draws": 4, "period_days": 90}},
            items=[{"title": "成都市全民健康信息平台升级项目", "applicant_org": applicant,
                    "applicant_name": applicant.name if applicant else "", "bidders": ["成都天府软件有限公司"]}],
            demands=[{"specialty": "bigdata", "count": 2}, {"specialty": "security", "count": 1}],
        )
    return 1


def _grant(admin) -> int:
    from django.utils import timezone

    from egov_base.org.models import Region

    from .models import DistrictGrant, DistrictGrantUse

    region = Region.objects.filter(name="锦江区", level="district").first()
    if region is None or DistrictGrant.objects.filter(region=region).exists():
        return 0
    now = timezone.now()
    g = DistrictGrant.objects.create(region=region, start=now - dt.timedelta(days=10), end=now + dt.timedelta(days=80),
                                     letter_no="锦政审函〔2026〕18号", reason="锦江区智慧社区项目评审使用市级专家库")
    DistrictGrantUse.objects.create(grant=g, action="open", user=admin)
    return 1


def _admin_user():
    from django.contrib.auth.hashers import make_password

    from egov_base.org.models import Organization, Role, User

    user = User.objects.filter(username="expert_admin").first()
    role = Role.objects.filter(code="expert_admin").select_related("group").first()
    if user is None and role is not None:
        org = Organization.objects.filter(code="CD-DSJ-PS").first() or Organization.objects.filter(code="CD-DSJ").first()
        user = User(username="expert_admin", name="罗春燕", organization=org, position="专家库管理员",
                    email="expert_admin@cddc.chengdu.gov.cn", password=make_password("Egov@2026demo"))
        if not User.objects.filter(phone="+8613980010020").exists():
            user.phone = "+8613980010020"
        user.save()
        user.groups.add(role.group)
    return user


def load() -> dict:
    from egov_base.org.models import User
    from egov_base.org.roles import sync_roles

    from .data import ensure_dicts

    ensure_dicts()
    sync_roles()
    admin = _admin_user()
    reviewer = User.objects.filter(username="reviewer").first() or admin
    return {
        "experts": _experts(),
        "past_activities": _past_activities(reviewer) if reviewer else 0,
        "upcoming": _upcoming(reviewer) if reviewer else 0,
        "grants": _grant(admin),
    }
