"""Demo organisations and users (idempotent): the 23 区(市)县, ~60 city departments, the big-data centre with its
internal departments, public institutions, four departments in every district, and one demo user per role.

Every demo user has the password ``DEMO_PASSWORD`` (printed by scripts/start)."""

from __future__ import annotations

from django.db import transaction

DEMO_PASSWORD = "Egov@2026demo"

# code, name, short name, duties
CITY_DEPTS = [
    ("CD-ZFBGT", "成都市人民政府办公厅", "市政府办公厅", "协助市政府领导处理政府日常工作，督查督办，政务公开和政务服务统筹。"),
    ("CD-FGW", "成都市发展和改革委员会", "市发改委", "拟订国民经济和社会发展规划，统筹推进重大项目建设与投资管理。"),
    ("CD-JXJ", "成都市经济和信息化局", "市经信局", "推进工业和信息化发展，统筹信息基础设施建设与数字经济发展。"),
    ("CD-JYJ", "成都市教育局", "市教育局", "统筹管理全市教育事业，推进教育信息化与智慧校园建设。"),
    ("CD-KJJ", "成都市科学技术局", "市科技局", "拟订科技发展规划，推进科技创新体系建设和成果转化。"),
    ("CD-MZSWW", "成都市民族宗教事务委员会", "市民宗委", "贯彻民族宗教工作方针政策，依法管理民族宗教事务。"),
    ("CD-GAJ", "成都市公安局", "市公安局", "维护社会治安，预防、制止和侦查违法犯罪活动，负责公安信息化建设。"),
    ("CD-MZJ", "成都市民政局", "市民政局", "负责社会救助、社会组织管理、养老服务和基层政权建设。"),
    ("CD-SFJ", "成都市司法局", "市司法局", "推进法治政府建设，负责行政复议、法律援助和公共法律服务。"),
    ("CD-CZJ", "成都市财政局", "市财政局", "编制和执行财政预算，管理政府采购和信息化项目资金。"),
    ("CD-RSJ", "成都市人力资源和社会保障局", "市人社局", "统筹就业创业、社会保险和人才人事工作。"),
    ("CD-GHZY", "成都市规划和自然资源局", "市规划和自然资源局", "负责国土空间规划、自然资源调查监测和不动产登记。"),
    ("CD-STHJ", "成都市生态环境局", "市生态环境局", "负责生态环境监督管理、污染防治和环境监测。"),
    ("CD-ZJW", "成都市住房和城乡建设局", "市住建局", "负责住房保障、建筑市场监管和城乡建设管理。"),
    ("CD-CGW", "成都市城市管理委员会", "市城管委", "负责城市管理、市容环境和数字化城管平台运行。"),
    ("CD-JTYSJ", "成都市交通运输局", "市交通运输局", "负责综合交通运输体系规划建设和行业监管。"),
    ("CD-SWJ", "成都市水务局", "市水务局", "负责水资源管理、供排水和防汛抗旱工作。"),
    ("CD-NYNC", "成都市农业农村局", "市农业农村局", "统筹推进乡村振兴和农业现代化。"),
    ("CD-SWJ2", "成都市商务局", "市商务局", "推进内外贸易发展和开放型经济建设。"),
    ("CD-WGLJ", "成都市文化广电旅游局", "市文广旅局", "负责文化事业、广播电视和旅游产业发展。"),
    ("CD-WJW", "成都市卫生健康委员会", "市卫健委", "统筹医疗卫生和健康事业，推进全民健康信息平台建设。"),
    ("CD-TYJSW", "成都市退役军人事务局", "市退役军人局", "负责退役军人移交安置、优抚和服务保障。"),
    ("CD-YJJ", "成都市应急管理局", "市应急局", "负责应急管理、安全生产监管和防灾减灾救灾。"),
    ("CD-SJJ", "成都市审计局", "市审计局", "依法对财政收支和政府投资项目进行审计监督。"),
    ("CD-WBJ", "成都市人民政府外事办公室", "市外办", "负责外事工作和国际交流合作。"),
    ("CD-GZW", "成都市国有资产监督管理委员会", "市国资委", "履行国有资产出资人职责，监管市属国有企业。"),
    ("CD-SCJG", "成都市市场监督管理局", "市市场监管局", "负责市场主体登记、质量安全和市场秩序监管。"),
    ("CD-TYJ", "成都市体育局", "市体育局", "推进全民健身和体育产业发展。"),
    ("CD-TJJ", "成都市统计局", "市统计局", "组织实施统计调查，发布统计数据。"),
    ("CD-YBJ", "成都市医疗保障局", "市医保局", "负责医疗保险、医疗救助和医保信息平台建设。"),
    ("CD-XFJ", "成都市信访局", "市信访局", "受理群众来信来访，协调处理信访事项。"),
    ("CD-JRGZJ", "成都市地方金融监督管理局", "市金融局", "负责地方金融组织监管和金融风险防范。"),
    ("CD-KGW", "成都市口岸与物流办公室", "市口岸物流办", "推进口岸开放和现代物流体系建设。"),
    ("CD-XZSP", "成都市行政审批局", "市行政审批局", "集中行使行政许可权，推进一网通办。"),
    ("CD-GYLJ", "成都市公园城市建设管理局", "市公园城市局", "负责公园城市规划建设和园林绿化管理。"),
    ("CD-XCB", "成都市新经济发展委员会", "市新经济委", "推进新经济发展和应用场景供给。"),
    ("CD-ZWFW", "成都市网络理政办公室", "市网络理政办", "统筹12345热线和网络理政平台运行。"),
    ("CD-JGSW", "成都市机关事务管理局", "市机关事务局", "负责市级机关后勤保障和公务用车管理。"),
    ("CD-RFB", "成都市人民防空办公室", "市人防办", "负责人民防空工程建设和防空警报管理。"),
    ("CD-LYJ", "成都市林业和园林管理局", "市林业局", "负责林业资源保护和生态修复。"),
    ("CD-DAJ", "成都市档案馆", "市档案馆", "负责档案收集、保管和电子档案系统建设。"),
    ("CD-GJJ", "成都住房公积金管理中心", "市公积金中心", "负责住房公积金归集、使用和管理。"),
    ("CD-SWJU", "国家税务总局成都市税务局", "市税务局", "负责税收征管和电子税务局运行。"),
    ("CD-QXJ", "成都市气象局", "市气象局", "负责气象监测预报和气象灾害预警。"),
    ("CD-XFZD", "成都市消防救援支队", "市消防救援支队", "负责火灾扑救和应急救援。"),
    ("CD-ZGB", "中共成都市委组织部", "市委组织部", "负责干部人事和基层党组织建设。"),
    ("CD-XCB2", "中共成都市委宣传部", "市委宣传部", "负责宣传思想文化工作和网络舆情引导。"),
    ("CD-WXB", "中共成都市委网络安全和信息化委员会办公室", "市委网信办", "统筹网络安全和信息化工作。"),
    ("CD-ZFW", "中共成都市委政法委员会", "市委政法委", "统筹政法工作和社会治理。"),
    ("CD-JW", "成都市纪委监委", "市纪委监委", "负责党风廉政建设和监督执纪。"),
    ("CD-RDBGT", "成都市人大常委会办公厅", "市人大办公厅", "服务保障市人大常委会依法履职。"),
    ("CD-ZXBGT", "政协成都市委员会办公厅", "市政协办公厅", "服务保障市政协履行职能。"),
    ("CD-ZYFY", "成都市中级人民法院", "市中级法院", "依法审理案件，推进智慧法院建设。"),
    ("CD-JCY", "成都市人民检察院", "市检察院", "依法履行法律监督职能。"),
    ("CD-GXW", "成都高新技术产业开发区管理委员会", "高新区管委会", "统筹高新区经济建设与社会管理。"),
    ("CD-TFXQ", "四川天府新区成都管理委员会", "天府新区管委会", "统筹天府新区成都直管区建设发展。"),
    ("CD-DBXQ", "成都东部新区管理委员会", "东部新区管委会", "统筹东部新区开发建设。"),
    ("CD-GZJZ", "成都市公共资源交易服务中心", "市公共资源交易中心", "提供工程建设、政府采购等公共资源交易服务。"),
]

PUBLIC = [
    ("CD-GWGD", "国网四川省电力公司成都供电公司", "国网成都供电公司", "负责成都地区电网建设运营和供电服务。"),
    ("CD-ZGDX", "中国电信股份有限公司成都分公司", "成都电信", "提供电子政务外网线路和云网基础设施服务。"),
    ("CD-ZGYD", "中国移动通信集团四川有限公司成都分公司", "成都移动", "提供移动通信和政务专线服务。"),
    ("CD-ZGLT", "中国联合网络通信有限公司成都市分公司", "成都联通", "提供政务外网接入和数据中心服务。"),
    ("CD-XJSW", "成都市兴蓉环境股份有限公司", "兴蓉环境", "负责城市供排水和污水处理。"),
    ("CD-CDTT", "成都轨道交通集团有限公司", "成都地铁", "负责轨道交通建设运营。"),
    ("CD-CDRQ", "成都城市燃气有限责任公司", "成都燃气", "负责城市燃气供应和安全服务。"),
]

CENTRE = ("CD-DSJ", "成都市大数据中心", "大数据中心",
          "负责全市政务云、电子政务外网、政务数据资源和共享平台的建设运营，提供云网数端一体化服务。")
CENTRE_UNITS = [
    ("CD-DSJ-ZH", "综合部", "综合协调、人事财务、后勤保障和对外联络。"),
    ("CD-DSJ-ZWY", "政务云运营部", "政务云资源受理、交付、运维和计量计费。"),
    ("CD-DSJ-WL", "网络运营部", "电子政务外网、互联网出口和机房网络运维。"),
    ("CD-DSJ-SJ", "数据资源部", "政务数据目录、共享交换和数据治理。"),
    ("CD-DSJ-AQ", "安全保障部", "网络安全监测、等级保护和应急处置。"),
    ("CD-DSJ-PS", "项目评审部", "政务信息化项目方案预审、评审和绩效评价。"),
]

# Region code -> short prefix used in organisation codes.
DISTRICT_PREFIX = {
    "510104": "JJ", "510105": "QY", "510106": "JN", "510107": "WH", "510108": "CH", "510112": "LQY",
    "510113": "QBJ", "510114": "XD", "510115": "WJ", "510116": "SL", "510117": "PD", "510118": "XJ",
    "510121": "JT", "510129": "DY", "510131": "PJ", "510181": "DJY", "510182": "PZ", "510183": "QL",
    "510184": "CZ", "510185": "JY", "510191": "TF", "510192": "DB", "510193": "GX",
}
DISTRICT_DEPTS = [
    ("XZSP", "{d}行政审批局", "集中办理区域内行政许可事项，推进政务服务一网通办。"),
    ("DSJ", "{d}大数据中心", "负责本区(市)县政务云、政务外网接入和政务数据共享。"),
    ("CZ", "{d}财政局", "负责本级财政预算和信息化项目资金管理。"),
    ("WJ", "{d}卫生健康局", "负责本区(市)县医疗卫生和健康信息化工作。"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = ["建国", "晓燕", "志强", "丽娟", "海涛", "雪梅", "俊杰", "文静", "国华", "春梅", "明辉", "小红", "永刚",
         "婷婷", "宏伟", "秀英", "德明", "佳怡", "立新", "玉兰", "鹏飞", "晓东", "思雨", "成林"]
POSITIONS = ["办公室主任", "信息科科长", "信息化负责人", "科员", "副主任"]

# username, name, role code, organisation code, position, mobile
DEMO_USERS = [
    ("sysadmin", "周建华", "sysadmin", "CD-DSJ-ZH", "系统管理员", "+8613980010001"),
    ("city_admin", "李晓燕", "city_admin", "CD-JXJ", "信息化处处长", "+8613980010002"),
    ("jj_admin", "张志强", "district_admin", "JJ-DSJ", "锦江区大数据中心主任", "+8613980010003"),
    ("qy_admin", "刘海涛", "district_admin", "QY-DSJ", "青羊区大数据中心副主任", "+8613980010004"),
    ("dept_user", "陈雪梅", "dept_user", "JJ-XZSP", "信息科科员", "+8613980010005"),
    ("leader", "杨国华", "centre_leader", "CD-DSJ", "中心主任", "+8613980010006"),
    ("dept_head", "黄明辉", "dept_head", "CD-DSJ-ZWY", "政务云运营部部长", "+8613980010007"),
    ("reviewer", "赵文静", "reviewer", "CD-DSJ-PS", "项目评审部评审专员", "+8613980010008"),
    ("service_desk", "吴婷婷", "service_desk", "CD-DSJ-ZWY", "服务台坐席", "+8613980010009"),
    ("ops", "徐鹏飞", "ops_engineer", "CD-DSJ-WL", "网络运维工程师", "+8613980010010"),
    ("city_user", "孙佳怡", "dept_user", "CD-WJW", "规划信息处科员", "+8613980010011"),
    ("sec_ops", "马立新", "ops_engineer", "CD-DSJ-AQ", "安全运维工程师", "+8613980010012"),
    ("auditor", "邓雅琴", "auditor", "CD-DSJ-AQ", "安全审计员", "+8613980010013"),
]


def _contact_name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]


def _mobile(i: int) -> str:
    return f"+86139{80020000 + i:08d}"


def _office(i: int) -> str:
    return f"+8628{61880000 + i:08d}"


def _org(code, name, short, kind, region, duties, parent=None, sort=0, **extra):
    """Create or update one organisation; saves only when something changed (a second demo run writes nothing)."""
    from .models import Organization

    org = Organization.objects.filter(code=code).first()
    wanted = {"name": name, "short_name": short, "kind": kind, "region_id": region.pk, "duties": duties,
              "parent_id": parent.pk if parent else None, "sort": sort}
    if org is None:
        org = Organization(code=code)
        for key, value in extra.items():
            setattr(org, key, value)
    elif all(getattr(org, key) == value for key, value in wanted.items()):
        return org
    for key, value in wanted.items():
        setattr(org, key, value)
    org.save()
    return org


def _contact(org, i):
    from .models import OrganizationContact

    if not OrganizationContact.objects.filter(organization=org).exists():
        OrganizationContact.objects.create(
            organization=org, name=_contact_name(i), position=POSITIONS[i % len(POSITIONS)], phone=_mobile(i),
            email=f"contact{i:03d}@chengdu.gov.cn", is_primary=True,
        )


@transaction.atomic
def load_organizations() -> int:
    """Create or update the demo organisations and one primary contact each. Returns the number of organisations."""
    from .data import ensure_regions
    from .models import Organization, Region

    city = ensure_regions()
    i = 0
    for sort, (code, name, short, duties) in enumerate(CITY_DEPTS):
        org = _org(code, name, short, Organization.Kind.CITY_DEPT, city, duties, sort=sort, phone=_office(i),
                   address="成都市锦城大道366号")
        _contact(org, i)
        i += 1
    centre = _org(CENTRE[0], CENTRE[1], CENTRE[2], Organization.Kind.CENTRE, city, CENTRE[3], sort=100,
                  address="成都市高新区天府大道中段1268号", phone=_office(99))
    _contact(centre, i)
    i += 1
    for sort, (code, name, duties) in enumerate(CENTRE_UNITS):
        _contact(_org(code, name, "", Organization.Kind.INTERNAL, city, duties, parent=centre, sort=sort), i)
        i += 1
    for sort, (code, name, short, duties) in enumerate(PUBLIC):
        _contact(_org(code, name, short, Organization.Kind.PUBLIC, city, duties, sort=200 + sort), i)
        i += 1
    for region in Region.objects.filter(level=Region.Level.DISTRICT).order_by("sort"):
        prefix = DISTRICT_PREFIX.get(region.code)
        if not prefix:
            continue
        for sort, (suffix, pattern, duties) in enumerate(DISTRICT_DEPTS):
            name = pattern.format(d=region.name)
            _contact(_org(f"{prefix}-{suffix}", name, "", Organization.Kind.DISTRICT_DEPT, region, duties, sort=sort), i)
            i += 1
    return Organization.objects.count()


@transaction.atomic
def load_users() -> int:
    """Create the demo users (one per built-in role and a few more); resets their password to DEMO_PASSWORD."""
    from django.contrib.auth.hashers import make_password

    from .models import Organization, Role, User
    from .roles import sync_roles

    sync_roles()
    password = make_password(DEMO_PASSWORD)  # one (slow, by design) hash shared by the demo users
    count = 0
    for username, name, role_code, org_code, position, mobile in DEMO_USERS:
        org = Organization.objects.filter(code=org_code).first()
        role = Role.objects.filter(code=role_code).select_related("group").first()
        if org is None or role is None:
            continue
        user = User.objects.filter(username=username).first() or User(username=username)
        if User.objects.filter(phone=mobile).exclude(username=username).exists():
            mobile = None
        user.name, user.organization, user.position, user.phone = name, org, position, mobile
        user.email = f"{username}@cddc.chengdu.gov.cn"
        user.is_active = True
        user.is_staff = role_code == "sysadmin"
        user.is_superuser = role_code == "sysadmin"
        user.password = password
        user.must_change_password = False
        user.save()
        user.groups.add(role.group)
        count += 1
    return count


def load() -> None:
    load_organizations()
    load_users()
