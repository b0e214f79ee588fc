"""Demo data (idempotent: a second run changes nothing). Called by ``manage.py egov_demo``.

A realistic city data centre, wired so that impact analysis means something:

* three government clouds 成都市政务云（一云/二云/三云）, each in its own machine room with 4 racks (PDU, top-of-rack
  access switch, 4 servers each), two core switches, an egress firewall, a storage array behind a SAN switch with
  database volumes, two compute clusters of FusionCompute / InCloud / CAS hypervisors (one per server);
* 34 business systems (不动产登记, 蓉易办, 天府健康通, 一体化协同办公, 12345 网络理政 …) owned by the real demo
  organisations, each with its VMs, database, middleware and WEB service on one cloud, and the platform systems
  they call (统一身份认证, 电子证照库, 政务数据共享交换平台);
* dependency chain: 业务系统 → 依赖 → 数据库 / 中间件 / WEB 服务 → 运行于 → 虚拟机 → 运行于 → Hypervisor → 运行于 →
  服务器 → 上联 → 接入交换机 → 上联 → 核心交换机; 服务器 → 安装于 → 机柜 → 属于 → 机房; 数据库虚拟机 → 存储于 → 逻辑卷 →
  依赖 → 存储 → 依赖 → SAN 交换机. A fault of 政务云一 核心交换机 A therefore reaches every system on cloud one and the
  systems that call them.

CIs go through CMDB-core's ``ci_upsert`` (versioned, audited) and relations through ``relation_create``; CIs
that exist already are left alone (an administrator's later edits win), so a second run writes nothing.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

SOURCE = "demo"

# cloud index -> (room code, room name, district, vendor, server model, hypervisor type, storage model, cluster prefix)
CLOUDS = [
    {"key": "Y1", "cloud": "egov_cloud_1", "label": "政务云一", "room": "高新机房", "address": "成都市高新区天府大道中段1268号天府软件园E区",
     "vendor": "华为", "server": "FusionServer 2288H V6", "tor": "CloudEngine 6881-48S6CQ", "core": "CloudEngine 16808",
     "fw": "HiSecEngine USG6650E", "storage": "OceanStor 5510 V6", "san": "OceanStor SNS3664", "hv": "华为 FusionCompute 8.0",
     "os": "openEuler 22.03 LTS", "net": "10.1"},
    {"key": "Y2", "cloud": "egov_cloud_2", "label": "政务云二", "room": "天府新区机房", "address": "四川天府新区兴隆街道湖畔路南段666号",
     "vendor": "浪潮", "server": "NF5280M6", "tor": "CN61108PC-V-H", "core": "CN12900", "fw": "天融信 NGFW4000-UF",
     "storage": "AS5600G5", "san": "浪潮 FS6500 SAN 交换机", "hv": "浪潮 InCloud Sphere 6.5", "os": "麒麟 V10 SP2", "net": "10.2"},
    {"key": "Y3", "cloud": "egov_cloud_3", "label": "政务云三", "room": "电信西区IDC机房", "address": "成都市郫都区德源镇红旗大道北段88号",
     "vendor": "新华三", "server": "UniServer R4900 G5", "tor": "S6850-56HF", "core": "S12508G-AF", "fw": "SecPath F5080",
     "storage": "UniStor X10828", "san": "H3C CN6600 SAN 交换机", "hv": "H3C CAS 7.0", "os": "统信 UOS 服务器版 20",
     "net": "10.3"},
]
RACKS = ["A01", "A02", "A03", "A04"]
SERVERS_PER_RACK = 4

# key, name, owner organisation code, cloud index, importance, 等保级别, database, middleware, VMs, depends on, url
SYSTEMS = [
    ("IAM", "统一身份认证平台", "CD-DSJ", 0, "core", "3", "达梦 DM8", "东方通 TongWeb 7", 3, [], "https://tysfrz.chengdu.gov.cn"),
    ("DCE", "政务数据共享交换平台", "CD-DSJ-SJ", 1, "core", "3", "Oracle 19c", "WebLogic 14c", 3, [], "https://sjgx.chengdu.gov.cn"),
    ("ELC", "电子证照库", "CD-XZSP", 0, "core", "3", "人大金仓 KingbaseES V8", "东方通 TongWeb 7", 2, ["DCE"],
     "https://dzzz.chengdu.gov.cn"),
    ("RYB", "蓉易办（成都市一体化政务服务平台）", "CD-XZSP", 0, "core", "3", "达梦 DM8", "东方通 TongWeb 7", 3,
     ["IAM", "ELC", "DCE"], "https://www.ryb.chengdu.gov.cn"),
    ("BDC", "不动产登记信息管理平台", "CD-GHZY", 0, "core", "3", "Oracle 19c", "WebLogic 14c", 3, ["ELC", "DCE"],
     "https://bdc.chengdu.gov.cn"),
    ("TFJK", "天府健康通", "CD-WJW", 1, "core", "3", "MySQL 8.0", "Nginx 1.24", 3, ["IAM", "DCE"], "https://jkt.cdwjw.gov.cn"),
    ("XTBG", "一体化协同办公平台", "CD-ZFBGT", 0, "core", "3", "达梦 DM8", "金蝶 Apusic 10", 2, ["IAM"],
     "https://oa.chengdu.gov.cn"),
    ("WLLZ", "12345 网络理政平台", "CD-ZWFW", 1, "core", "3", "人大金仓 KingbaseES V8", "东方通 TongWeb 7", 3, ["IAM", "DCE"],
     "https://12345.chengdu.gov.cn"),
    ("GGZY", "公共资源交易平台", "CD-GZJZ", 2, "important", "3", "Oracle 19c", "WebLogic 14c", 2, ["IAM", "ELC"],
     "https://www.cdggzy.com"),
    ("SBXT", "社会保障信息系统", "CD-RSJ", 1, "core", "3", "Oracle 19c", "WebLogic 14c", 3, ["DCE"], "https://cdhrss.chengdu.gov.cn"),
    ("YBXT", "医疗保障信息平台", "CD-YBJ", 1, "core", "3", "达梦 DM8", "东方通 TongWeb 7", 3, ["DCE", "IAM"],
     "https://ybj.chengdu.gov.cn"),
    ("GJJ", "住房公积金综合管理系统", "CD-GJJ", 2, "important", "3", "Oracle 19c", "WebLogic 14c", 2, ["BDC", "DCE"],
     "https://cdzfgjj.chengdu.gov.cn"),
    ("SZCG", "数字化城市管理平台", "CD-CGW", 2, "important", "2", "MySQL 8.0", "Tomcat 9", 2, ["DCE"], "https://szcg.chengdu.gov.cn"),
    ("ZHJT", "智慧交通综合管理平台", "CD-JTYSJ", 2, "important", "3", "PostgreSQL 14", "Nginx 1.24", 2, ["DCE"],
     "https://jtj.chengdu.gov.cn"),
    ("STHJ", "生态环境监测监控平台", "CD-STHJ", 2, "important", "2", "MySQL 8.0", "Tomcat 9", 2, ["DCE"], "https://sthj.chengdu.gov.cn"),
    ("YJZH", "应急指挥综合平台", "CD-YJJ", 0, "core", "3", "人大金仓 KingbaseES V8", "东方通 TongWeb 7", 3, ["IAM", "DCE"],
     "https://yjj.chengdu.gov.cn"),
    ("SCZT", "市场主体登记注册系统", "CD-SCJG", 1, "important", "3", "Oracle 19c", "WebLogic 14c", 2, ["ELC", "IAM"],
     "https://scjgj.chengdu.gov.cn"),
    ("YSGL", "预算管理一体化系统", "CD-CZJ", 1, "core", "3", "达梦 DM8", "金蝶 Apusic 10", 2, ["IAM"], "https://czj.chengdu.gov.cn"),
    ("JYFW", "智慧教育公共服务平台", "CD-JYJ", 2, "important", "2", "MySQL 8.0", "Nginx 1.24", 2, ["IAM"], "https://edu.chengdu.gov.cn"),
    ("MZJZ", "社会救助信息管理系统", "CD-MZJ", 1, "important", "2", "MySQL 8.0", "Tomcat 9", 2, ["DCE"], "https://mzj.chengdu.gov.cn"),
    ("ZFWZ", "政府网站集约化平台", "CD-ZFBGT", 0, "core", "3", "MySQL 8.0", "Nginx 1.24", 2, [], "https://www.chengdu.gov.cn"),
    ("DZDA", "电子档案管理系统", "CD-DAJ", 2, "general", "2", "达梦 DM8", "东方通 TongWeb 7", 2, ["XTBG"], "https://daj.chengdu.gov.cn"),
    ("TJSJ", "统计数据采集与管理平台", "CD-TJJ", 2, "general", "2", "PostgreSQL 14", "Tomcat 9", 2, ["DCE"], "https://tjj.chengdu.gov.cn"),
    ("SWJC", "智慧水务监测平台", "CD-SWJ", 2, "important", "2", "PostgreSQL 14", "Tomcat 9", 2, [], "https://swj.chengdu.gov.cn"),
    ("NYDS", "农业农村大数据平台", "CD-NYNC", 2, "general", "2", "MySQL 8.0", "Tomcat 9", 2, ["DCE"], "https://nyncj.chengdu.gov.cn"),
    ("WLFW", "文化旅游公共服务平台", "CD-WGLJ", 2, "general", "2", "MySQL 8.0", "Nginx 1.24", 2, [], "https://wglj.chengdu.gov.cn"),
    ("ZHRC", "智慧蓉城城市运行管理平台", "CD-DSJ", 0, "core", "3", "PostgreSQL 14", "Nginx 1.24", 3, ["DCE", "IAM", "SZCG"],
     "https://zhrc.chengdu.gov.cn"),
    ("SPHY", "全市视频会议系统", "CD-DSJ-WL", 0, "important", "2", "MySQL 8.0", "Nginx 1.24", 2, [], "https://sphy.chengdu.gov.cn"),
    ("WWYW", "电子政务外网运维管理系统", "CD-DSJ-WL", 1, "important", "3", "PostgreSQL 14", "Tomcat 9", 2, ["IAM"],
     "https://wwyw.chengdu.gov.cn"),
    ("TSGZ", "网络安全态势感知平台", "CD-DSJ-AQ", 1, "core", "3", "PostgreSQL 14", "Nginx 1.24", 2, [], "https://aqgz.chengdu.gov.cn"),
    ("JJZW", "锦江区政务服务平台", "JJ-XZSP", 2, "important", "2", "MySQL 8.0", "东方通 TongWeb 7", 2, ["RYB", "IAM"],
     "https://jj.ryb.chengdu.gov.cn"),
    ("QYZW", "青羊区政务服务平台", "QY-XZSP", 2, "important", "2", "MySQL 8.0", "东方通 TongWeb 7", 2, ["RYB", "IAM"],
     "https://qy.ryb.chengdu.gov.cn"),
    ("JJJK", "锦江区全民健康信息平台", "JJ-WJ", 1, "important", "2", "MySQL 8.0", "Tomcat 9", 2, ["TFJK"],
     "https://jkxx.cdjinjiang.gov.cn"),
    ("QYCZ", "青羊区财政综合管理系统", "QY-CZ", 1, "general", "2", "达梦 DM8", "Tomcat 9", 2, ["YSGL"], "https://czj.cdqingyang.gov.cn"),
]

INFRA_ORG = "CD-DSJ-ZWY"   # 政务云运营部: compute, storage
NET_ORG = "CD-DSJ-WL"      # 网络运营部: rooms, racks, network
SEC_ORG = "CD-DSJ-AQ"      # 安全保障部: firewalls
INTEGRATORS = ["中国电信股份有限公司成都分公司", "华为技术有限公司", "浪潮电子信息产业股份有限公司", "新华三技术有限公司",
               "成都运达科技股份有限公司", "四川九洲电器集团有限责任公司"]


class _Loader:
    def __init__(self):
        from .models import CI, CIClass, Relation, RelationType
        from .services.ci import class_attributes

        self.classes = {c.code: c for c in CIClass.objects.all()}
        self.attrs = {code: class_attributes(cls) for code, cls in self.classes.items()}
        self.types = {t.code: t for t in RelationType.objects.all()}
        self.cis = {}
        self.existing = dict(CI.objects.values_list("code", "pk"))
        self.rels = set(Relation.objects.values_list("type_id", "source_id", "target_id"))
        self.created_cis = 0
        self.created_rels = 0
        self.new_ids: list[tuple[int, int]] = []  # (ci id, age in days) for back-dating the growth trend
        self.CI = CI

    def ci(self, cls_code: str, code: str, name: str, org: str, age_days: int = 400, status: str = "normal",
           lifecycle: str | None = None, **attrs):
        from .services.ci import ci_upsert

        if code in self.existing:
            obj = self.cis.get(code)
            if obj is None:
                obj = self.CI.objects.select_related("ci_class").get(pk=self.existing[code])
                self.cis[code] = obj
            return obj
        cls = self.classes[cls_code]
        data = {"name": name, "organization": org, "status": status,
                **{k: v for k, v in attrs.items() if v not in (None, "") and k in self.attrs[cls_code]}}
        obj, action = ci_upsert(source=SOURCE, ci_class=cls, key=code, data=data, user=None,
                                comment="演示数据", attrs_def=self.attrs[cls_code])
        if lifecycle and action == "created":
            # a spare part or a retired server enters the CMDB in that state (ci_create(lifecycle=...) trips
            # django-fsm's protected field, so the new row is set directly)
            self.CI.objects.filter(pk=obj.pk).update(lifecycle=lifecycle)
        self.existing[code] = obj.pk
        self.cis[code] = obj
        if action == "created":
            self.created_cis += 1
            self.new_ids.append((obj.pk, age_days))
        return obj

    def rel(self, type_code: str, source, target):
        from .services.relations import relation_create

        rt = self.types.get(type_code)
        if rt is None or source is None or target is None:
            return
        key = (rt.pk, source.pk, target.pk)
        if key in self.rels:
            return
        relation_create(user=None, type=rt, source=source, target=target, source_tag=SOURCE)
        self.rels.add(key)
        self.created_rels += 1

    def backdate(self):
        from django.db.models import Case, DateTimeField, Value, When
        from django.utils import timezone

        if not self.new_ids:
            return
        now = timezone.now()
        whens = [When(pk=pk, then=Value(now - timedelta(days=age))) for pk, age in self.new_ids]
        for i in range(0, len(whens), 500):
            chunk = self.new_ids[i:i + 500]
            self.CI.objects.filter(pk__in=[pk for pk, _a in chunk]).update(
                created_at=Case(*whens[i:i + 500], output_field=DateTimeField()))


def _mac(n: int) -> str:
    return f"28:6e:d4:{(n >> 16) & 255:02x}:{(n >> 8) & 255:02x}:{n & 255:02x}"


def _mgmt(i: int, category="owned", usage="production") -> dict:
    return {"asset_no": f"CDDSJ-ZC-{2021 + i % 4}-{1000 + i:05d}", "mgmt_category": category, "usage_category": usage,
            "integrator": INTEGRATORS[i % len(INTEGRATORS)]}


def _maint(i: int, bought_years_ago: float = 3.0) -> dict:
    today = date.today()
    bought = today - timedelta(days=int(365 * bought_years_ago) + i % 90)
    warranty = bought + timedelta(days=365 * 5)
    return {"purchase_date": bought.isoformat(), "warranty_until": warranty.isoformat()}


def _load_infrastructure(L: _Loader) -> dict:
    """Machine rooms, racks, network, servers, hypervisors, clusters, storage of the three clouds."""
    out = {}
    n = 0
    for ci_idx, c in enumerate(CLOUDS):
        k, label = c["key"], c["label"]
        room = L.ci("machine_room", f"ROOM-{k}", f"{label}{c['room']}", NET_ORG, 900, address=c["address"],
                    room_level="A 级（GB 50174-2017）", area_sqm=str(1200 + 300 * ci_idx), rack_capacity=120,
                    power_kva=str(2000 + 400 * ci_idx), **_mgmt(ci_idx), **_maint(ci_idx, 4.5))
        cores = []
        for side in ("A", "B"):
            n += 1
            cores.append(L.ci(
                "network_device", f"NET-{k}-CORE-{side}", f"{label}核心交换机{side}", NET_ORG, 880,
                device_type="核心交换机", brand=c["vendor"], vendor=c["vendor"], model=c["core"],
                serial_no=f"{k}CORE{side}2021{n:04d}", mgmt_ip=f"{c['net']}.0.{1 if side == 'A' else 2}", mac=_mac(n),
                location=f"{c['room']} A00 网络柜", net_role="core", port_count=384, firmware="V200R022C10",
                **_mgmt(n), **_maint(n, 4)))
        n += 1
        fw = L.ci("security_device", f"SEC-{k}-FW", f"{label}出口防火墙", SEC_ORG, 860, device_type="防火墙",
                  brand=c["vendor"], vendor=c["vendor"], model=c["fw"], serial_no=f"{k}FW2021{n:04d}",
                  mgmt_ip=f"{c['net']}.0.254", location=f"{c['room']} A00 网络柜", security_type="下一代防火墙",
                  firmware="V600R007", **_mgmt(n), **_maint(n, 4))
        L.rel("installed_in", fw, room)
        n += 1
        san = L.ci("san_switch", f"SAN-{k}", f"{label}SAN 交换机", INFRA_ORG, 860, device_type="SAN 交换机",
                   brand=c["vendor"], vendor=c["vendor"], model=c["san"], serial_no=f"{k}SAN2021{n:04d}",
                   mgmt_ip=f"{c['net']}.0.10", port_count=64, fabric=f"Fabric-{k}", **_mgmt(n), **_maint(n, 4))
        n += 1
        storage = L.ci("storage", f"STO-{k}", f"{label}主存储", INFRA_ORG, 850, device_type="集中式存储",
                       brand=c["vendor"], vendor=c["vendor"], model=c["storage"], serial_no=f"{k}STO2021{n:04d}",
                       mgmt_ip=f"{c['net']}.0.20", storage_type="集中式 SAN", capacity_tb="800", used_tb=str(420 + 60 * ci_idx),
                       **_mgmt(n), **_maint(n, 4))
        L.rel("depends_on", storage, san)
        volumes = []
        for v in (1, 2):
            lv = L.ci("logical_volume", f"LV-{k}-DB{v:02d}", f"{label}数据库卷 {v:02d}", INFRA_ORG, 800,
                      size_gb=20480, lun_id=f"LUN-{k}-{v:03d}", mount_point="/data")
            L.rel("depends_on", lv, storage)
            volumes.append(lv)
        if ci_idx == 0:
            n += 1
            L.ci("nas", "NAS-Y1-BAK", "政务云一备份 NAS", INFRA_ORG, 700, device_type="NAS", brand="华为", vendor="华为",
                 model="OceanStor Pacific 9950", serial_no=f"Y1NAS2022{n:04d}", capacity_tb="1200", protocols="NFS, CIFS",
                 **_mgmt(n, usage="dr"), **_maint(n, 3))
        clusters = []
        for cl in (1, 2):
            clusters.append(L.ci("cluster", f"CLS-{k}-{cl:02d}", f"{label}计算集群{cl:02d}", INFRA_ORG, 820,
                                 cluster_type="虚拟化", cloud=c["cloud"], node_count=8, **_mgmt(ci_idx * 2 + cl)))
        hypervisors = []
        for r_idx, rack_no in enumerate(RACKS):
            rack = L.ci("rack", f"RACK-{k}-{rack_no}", f"{c['room']} {rack_no} 机柜", NET_ORG, 880,
                        position=f"A 列 {rack_no[1:]}", u_height=42, rated_power_kw="8", **_mgmt(r_idx))
            L.rel("belongs_to", rack, room)
            pdu = L.ci("power_link", f"PWR-{k}-{rack_no}", f"{c['room']} {rack_no} 机柜 PDU-A", NET_ORG, 880,
                       pdu=f"PDU-{rack_no}-A", circuit=f"UPS1-{r_idx + 1:02d}", rated_current_a="32")
            L.rel("installed_in", pdu, rack)
            n += 1
            tor = L.ci("network_device", f"NET-{k}-TOR-{rack_no}", f"{label}{rack_no} 接入交换机", NET_ORG, 870,
                       device_type="接入交换机", brand=c["vendor"], vendor=c["vendor"], model=c["tor"],
                       serial_no=f"{k}TOR{rack_no}{n:04d}", mgmt_ip=f"{c['net']}.0.{100 + r_idx}", mac=_mac(n),
                       location=f"{c['room']} {rack_no} 机柜 42U", net_role="access", port_count=54,
                       firmware="V200R022C10", **_mgmt(n), **_maint(n, 4))
            L.rel("installed_in", tor, rack)
            for core in cores:
                L.rel("uplink", tor, core)
            for s in range(1, SERVERS_PER_RACK + 1):
                n += 1
                status = "warning" if (ci_idx, r_idx, s) == (1, 2, 3) else "normal"
                srv = L.ci(
                    "server", f"SRV-{k}-{rack_no}-{s:02d}", f"{label}计算节点 {rack_no}-{s:02d}", INFRA_ORG, 860,
                    status=status, device_type="机架式服务器", brand=c["vendor"], vendor=c["vendor"], model=c["server"],
                    serial_no=f"{k}SRV{rack_no}{s:02d}{n:04d}", mgmt_ip=f"{c['net']}.{10 + r_idx}.{s}", mac=_mac(n),
                    location=f"{c['room']} {rack_no} 机柜 {s * 4:02d}U", cpu="2 × 鲲鹏 920 / 海光 7285 64 核",
                    cpu_cores=128, memory_gb=1024, disk="2 × 960GB SSD + 4 × 3.84TB NVMe", os=c["hv"],
                    **_mgmt(n), **_maint(n, 2.5 if s != 4 else 4.9))
                L.rel("installed_in", srv, rack)
                L.rel("uplink", srv, tor)
                L.rel("powered_by", srv, pdu)
                hv = L.ci("hypervisor", f"HV-{k}-{rack_no}-{s:02d}", f"{k}-CNA-{rack_no}-{s:02d}", INFRA_ORG, 850,
                          cloud=c["cloud"], cpu_cores=128, memory_gb=1024, hv_type=c["hv"],
                          mgmt_ip=f"{c['net']}.{20 + r_idx}.{s}", **_mgmt(n))
                L.rel("runs_on", hv, srv)
                L.rel("composed_of", clusters[0 if r_idx < 2 else 1], hv)
                hypervisors.append(hv)
        out[ci_idx] = {"hypervisors": hypervisors, "volumes": volumes, "cores": cores, "storage": storage}
    # spare parts and decommissioning (lifecycle and online figures of the statistics)
    for i in range(1, 5):
        n += 1
        L.ci("server", f"SRV-SPARE-{i:02d}", f"备件库服务器 {i:02d}", INFRA_ORG, 120, status="offline",
             lifecycle="in_stock", device_type="机架式服务器", brand="华为", vendor="华为", model="FusionServer 2288H V7",
             serial_no=f"SPARE2026{n:04d}", location="高新机房备件库", **_mgmt(n), **_maint(n, 0.4))
    for i, (vendor, model) in enumerate([("曙光", "I620-G30"), ("联想", "ThinkSystem SR650"), ("戴尔", "PowerEdge R730")]):
        n += 1
        L.ci("server", f"SRV-OLD-{i + 1:02d}", f"旧政务外网门户服务器 {i + 1:02d}", INFRA_ORG, 2000, status="offline",
             lifecycle="retired", device_type="机架式服务器", brand=vendor, vendor=vendor, model=model,
             serial_no=f"OLD2017{n:04d}", location="高新机房 B 区（已下架）", **_mgmt(n), **_maint(n, 8))
    n += 1
    L.ci("network_device", "NET-Y2-TOR-A05", "政务云二A05 接入交换机（扩容）", NET_ORG, 20, lifecycle="planned",
         status="offline", device_type="接入交换机", brand="浪潮", vendor="浪潮", model="CN61108PC-V-H",
         serial_no=f"Y2TORA05{n:04d}", net_role="access", **_mgmt(n))
    # networks for the statistics (no dependencies)
    for i, (cidr, gw, zone, vlan) in enumerate([
        ("10.1.0.0/16", "10.1.0.1", "政务云一业务区", 101), ("10.2.0.0/16", "10.2.0.1", "政务云二业务区", 201),
        ("10.3.0.0/16", "10.3.0.1", "政务云三业务区", 301), ("59.225.0.0/20", "59.225.0.1", "电子政务外网", 900),
    ]):
        L.ci("subnet", f"NETSEG-{i + 1:02d}", f"{zone}网段", NET_ORG, 800, cidr=cidr, gateway=gw, zone=zone)
        L.ci("vlan", f"VLAN-{vlan}", f"VLAN {vlan} {zone}", NET_ORG, 800, vlan_id=vlan, purpose=zone)
    return out


def _load_systems(L: _Loader, infra: dict) -> None:
    apps = {}
    for s_idx, (key, name, org, cloud_idx, importance, level, db_type, mw_type, vm_count, _deps, url) in enumerate(SYSTEMS):
        c = CLOUDS[cloud_idx]
        hvs = infra[cloud_idx]["hypervisors"]
        vols = infra[cloud_idx]["volumes"]
        age = 30 + (s_idx * 37) % 520  # go-live spread over the last ~18 months
        online = (date.today() - timedelta(days=age)).isoformat()
        base_ip = f"{c['net']}.{100 + s_idx}"
        short = name.split("（")[0]
        vms = []
        for v in range(1, vm_count + 1):
            role = "DB" if v == vm_count else f"APP{v:02d}"
            hv = hvs[(s_idx * 3 + v) % len(hvs)]
            vm = L.ci("vm", f"VM-{key}-{role}", f"{short}-{'数据库' if role == 'DB' else '应用'}{'' if role == 'DB' else v}",
                      org, age + 5, cloud=c["cloud"], cpu_cores=16 if role == "DB" else 8,
                      memory_gb=64 if role == "DB" else 32, intranet_ip=f"{base_ip}.{10 + v}",
                      egov_ip=f"59.225.{s_idx}.{10 + v}", os=c["os"], config="16C64G 1TB" if role == "DB" else "8C32G 200G",
                      software=["JDK 17", mw_type] if role != "DB" else [db_type],
                      firewall="仅允许政务外网 443 入站；运维堡垒机 22 入站", usage_category="production")
            L.rel("runs_on", vm, hv)
            if role == "DB":
                L.rel("stored_on", vm, vols[s_idx % len(vols)])
            vms.append(vm)
        db = L.ci("database", f"DB-{key}", f"{short}数据库", org, age + 3, db_type=db_type.split(" ")[0],
                  sw_version=db_type.split(" ", 1)[-1], ip=f"{base_ip}.{10 + vm_count}", port=5236 if "达梦" in db_type
                  else 1521 if "Oracle" in db_type else 54321 if "金仓" in db_type else 5432 if "Postgre" in db_type else 3306,
                  instance_name=key.lower(), **_mgmt(s_idx))
        L.rel("runs_on", db, vms[-1])
        mw = L.ci("middleware", f"MW-{key}", f"{short}应用中间件", org, age + 3, mw_type=mw_type.split(" ")[0],
                  sw_version=mw_type.split(" ", 1)[-1], port=8443, install_path="/opt/app", **_mgmt(s_idx))
        L.rel("runs_on", mw, vms[0])
        web = L.ci("web_service", f"WEB-{key}", f"{short}门户服务", org, age + 2, url=url,
                   domain=url.split("//", 1)[-1], port=443, **_mgmt(s_idx))
        L.rel("runs_on", web, vms[1] if len(vms) > 2 else vms[0])
        app = L.ci("business_system", f"APP-{key}", name, org, age, system_level=level, importance=importance,
                   url=url, online_date=online, service_hours="7×24 小时" if importance == "core" else "工作日 8:30-18:00",
                   contact_phone=f"028-6188{1000 + s_idx:04d}", **_mgmt(s_idx))
        for target in (db, mw, web):
            L.rel("depends_on", app, target)
        apps[key] = app
    for key, *_rest in SYSTEMS:
        for dep in _rest[-2]:
            L.rel("depends_on", apps[key], apps.get(dep))


def load() -> dict:
    """Create the demo data centre and business systems (idempotent). Returns counts and the seconds taken."""
    from django.db import transaction

    from egov_base.org.models import Organization

    from .services.reference import sync_reference_data

    t0 = time.monotonic()
    sync_reference_data()
    needed = {INFRA_ORG, NET_ORG, SEC_ORG} | {s[2] for s in SYSTEMS}
    have = set(Organization.objects.filter(code__in=needed).values_list("code", flat=True))
    if have != needed:
        return {"skipped": sorted(needed - have)}  # the base organisation demo was not loaded
    L = _Loader()
    with transaction.atomic():
        infra = _load_infrastructure(L)
        _load_systems(L, infra)
        L.backdate()
        views = _load_views(L)
    return {"cis": L.created_cis, "relations": L.created_rels, "views": views,
            "seconds": round(time.monotonic() - t0, 1)}


VIEWS = [
    # name, root CI code, direction, depth, layout, description
    ("蓉易办业务拓扑", "APP-RYB", "down", 6, "hierarchical", "蓉易办从应用、数据库到政务云一计算节点和核心交换机的完整依赖。"),
    ("不动产登记业务拓扑", "APP-BDC", "down", 6, "hierarchical", "不动产登记信息管理平台的依赖资源及调用的电子证照库、共享交换平台。"),
    ("天府健康通业务拓扑", "APP-TFJK", "down", 6, "force", "天府健康通在政务云二上的部署拓扑。"),
    ("政务云一核心交换机A影响范围", "NET-Y1-CORE-A", "up", 8, "hierarchical", "核心交换机A故障时受影响的全部配置项和业务系统。"),
]


def _load_views(L: _Loader) -> int:
    from .models import TopologyView

    n = 0
    for name, code, direction, depth, layout, description in VIEWS:
        root = L.cis.get(code)
        if root is None or TopologyView.objects.filter(organization_id=root.organization_id, name=name).exists():
            continue
        TopologyView.objects.create(name=name, root=root, direction=direction, depth=depth, layout=layout,
                                    description=description, organization_id=root.organization_id)
        n += 1
    return n
