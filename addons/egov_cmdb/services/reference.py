"""Reference data CMDB ships: the tender's CI classes with their attributes, the relation types and the
dictionaries behind enum attributes. ``sync_reference_data()`` is idempotent (creates what is missing, never
overwrites what administrators changed); it runs after ``migrate`` (post_migrate) and from the demo loader."""

from __future__ import annotations

from django.db import transaction

# (code, name, name_en, group, type, options)   options: dict_type, ref, multi, required, unique, indexed, list,
# pattern, help
B, M, P, MT = "basic", "management", "property", "maintenance"

MANAGEMENT = [
    ("asset_no", "资产编号", "Asset number", M, "text", {"indexed": True}),
    ("mgmt_category", "管理分类", "Management category", M, "enum", {"dict_type": "cmdb_mgmt_category"}),
    ("usage_category", "用途分类", "Usage category", M, "enum", {"dict_type": "cmdb_usage_category"}),
    ("manager", "管理人", "Administrator", M, "user", {}),
    ("integrator", "集成商", "Integrator", M, "text", {}),
    ("support_vendor", "支持厂商", "Support vendor", M, "text", {}),
]
MAINTENANCE = [
    ("purchase_date", "购买时间", "Purchase date", MT, "date", {}),
    ("end_of_use", "终止使用时间", "End of use", MT, "date", {}),
    ("warranty_until", "质保期至", "Warranty until", MT, "date", {"indexed": True, "list": True,
                                                                  "help": "到期前 90、30、7 天发送提醒"}),
    ("fault_records", "故障记录", "Fault records", MT, "textarea", {}),
    ("warranty_records", "购保记录", "Warranty purchase records", MT, "textarea", {}),
    ("maintenance_records", "维护记录", "Maintenance records", MT, "textarea", {}),
]
DEVICE_BASIC = [
    ("device_type", "类型", "Type", B, "text", {"list": True}),
    ("brand", "品牌", "Brand", B, "text", {"list": True}),
    ("vendor", "厂商", "Manufacturer", B, "text", {"indexed": True}),
    ("model", "型号", "Model", B, "text", {}),
    ("serial_no", "序列号", "Serial number", B, "text", {"unique": True}),
    ("mgmt_ip", "管理 IP", "Management IP", B, "ip", {"list": True, "indexed": True}),
    ("mac", "物理地址", "MAC address", B, "mac", {}),
    ("location", "安装位置", "Location", B, "text", {}),
]

CLASSES = [
    # code, name, name_en, parent, icon, abstract, prefix, attributes
    ("machine_room", "机房", "Machine room", None, "building-warehouse", False, "ROOM", [
        ("address", "地址", "Address", B, "text", {"list": True}),
        ("room_level", "机房等级", "Room tier", P, "text", {"help": "例如 A 级（GB 50174）"}),
        ("area_sqm", "面积（平方米）", "Area (m²)", P, "decimal", {}),
        ("rack_capacity", "机柜容量", "Rack capacity", P, "integer", {}),
        ("power_kva", "供电容量（kVA）", "Power capacity (kVA)", P, "decimal", {}),
        *MANAGEMENT, *MAINTENANCE]),
    ("rack", "机柜", "Rack", None, "server-2", False, "RACK", [
        ("position", "位置", "Position", B, "text", {"list": True, "help": "例如 A 列 03"}),
        ("u_height", "高度（U）", "Height (U)", P, "integer", {"list": True}),
        ("rated_power_kw", "额定功率（kW）", "Rated power (kW)", P, "decimal", {}),
        *MANAGEMENT, *MAINTENANCE]),
    ("rack_unit", "机位", "Rack unit", None, "layout-rows", False, "RU", [
        ("u_start", "起始 U 位", "First U", B, "integer", {"list": True}),
        ("u_size", "占用 U 数", "U used", B, "integer", {"list": True}),
        ("tenant", "使用单位", "Tenant", M, "organization", {})]),
    ("device", "设备", "Device", None, "device-desktop", True, "DEV", [*DEVICE_BASIC, *MANAGEMENT, *MAINTENANCE]),
    ("server", "服务器", "Server", "device", "server", False, "SRV", [
        ("cpu", "CPU", "CPU", P, "text", {}),
        ("cpu_cores", "CPU 核数", "CPU cores", P, "integer", {}),
        ("memory_gb", "内存（GB）", "Memory (GB)", P, "integer", {}),
        ("disk", "磁盘", "Disks", P, "text", {}),
        ("os", "操作系统", "Operating system", P, "text", {"list": True})]),
    ("network_device", "网络设备", "Network device", "device", "router", False, "NET", [
        ("net_role", "网络角色", "Network role", P, "enum", {"dict_type": "cmdb_net_role", "list": True}),
        ("port_count", "端口数", "Ports", P, "integer", {}),
        ("firmware", "软件版本", "Firmware", P, "text", {})]),
    ("security_device", "安全设备", "Security device", "device", "shield-lock", False, "SEC", [
        ("security_type", "安全设备类型", "Security type", P, "text", {"help": "防火墙、WAF、IPS、堡垒机等"}),
        ("firmware", "软件版本", "Firmware", P, "text", {})]),
    ("storage", "存储系统", "Storage system", "device", "database-export", False, "STO", [
        ("storage_type", "存储类型", "Storage type", P, "text", {"help": "集中式 SAN / 分布式 / 对象存储"}),
        ("capacity_tb", "总容量（TB）", "Capacity (TB)", P, "decimal", {"list": True}),
        ("used_tb", "已用容量（TB）", "Used (TB)", P, "decimal", {})]),
    ("san_switch", "SAN 交换机", "SAN switch", "device", "arrows-exchange", False, "SAN", [
        ("port_count", "端口数", "Ports", P, "integer", {}),
        ("fabric", "Fabric", "Fabric", P, "text", {})]),
    ("nas", "NAS", "NAS", "device", "folders", False, "NAS", [
        ("capacity_tb", "总容量（TB）", "Capacity (TB)", P, "decimal", {}),
        ("protocols", "共享协议", "Protocols", P, "text", {"multi": True, "help": "NFS、CIFS 等，多个用逗号分隔"})]),
    ("power_link", "电源连接", "Power link", None, "plug-connected", False, "PWR", [
        ("pdu", "PDU", "PDU", B, "text", {"list": True}),
        ("circuit", "回路", "Circuit", B, "text", {}),
        ("rated_current_a", "额定电流（A）", "Rated current (A)", P, "decimal", {})]),
    ("cluster", "集群", "Cluster", None, "topology-ring-3", False, "CLS", [
        ("cluster_type", "集群类型", "Cluster type", B, "text", {"list": True, "help": "虚拟化 / 数据库 / 容器"}),
        ("cloud", "所属云平台", "Cloud", B, "enum", {"dict_type": "cmdb_cloud", "list": True}),
        ("node_count", "节点数", "Nodes", P, "integer", {}),
        *MANAGEMENT]),
    ("compute", "计算资源", "Compute", None, "cpu", True, "CMP", [
        ("cloud", "所属云平台", "Cloud", B, "enum", {"dict_type": "cmdb_cloud", "list": True}),
        ("cpu_cores", "CPU 核数", "vCPU / cores", P, "integer", {"list": True}),
        ("memory_gb", "内存（GB）", "Memory (GB)", P, "integer", {"list": True}),
        *MANAGEMENT, *MAINTENANCE]),
    ("hypervisor", "Hypervisor", "Hypervisor", "compute", "box-multiple", False, "HV", [
        ("hv_type", "虚拟化类型", "Hypervisor type", P, "text", {"help": "VMware ESXi / KVM / 华为 FusionCompute"}),
        ("mgmt_ip", "管理 IP", "Management IP", B, "ip", {"indexed": True})]),
    ("vm", "虚拟机", "Virtual machine", "compute", "brand-docker", False, "VM", [
        ("intranet_ip", "内网 IP", "Intranet IP", B, "ipv4", {"list": True, "indexed": True}),
        ("egov_ip", "电子政务外网 IP", "E-gov extranet IP", B, "ipv4", {"indexed": True}),
        ("internet_ip", "互联网 IP", "Internet IP", B, "ip", {}),
        ("port_mapping", "端口映射", "Port mapping", P, "textarea", {"help": "例如 202.61.x.x:443 → 10.1.2.3:8443"}),
        ("os", "操作系统", "Operating system", P, "text", {"list": True}),
        ("config", "配置", "Configuration", P, "text", {"help": "例如 8C16G 200G"}),
        ("software", "安装软件", "Installed software", P, "text", {"multi": True}),
        ("firewall", "防火墙信息", "Firewall rules", P, "textarea", {})]),
    ("middleware", "中间件", "Middleware", None, "stack-2", False, "MW", [
        ("mw_type", "中间件类型", "Type", B, "text", {"list": True, "help": "Tomcat / WebLogic / Nginx / 东方通"}),
        ("sw_version", "版本", "Version", B, "text", {}),
        ("port", "端口", "Port", B, "integer", {}),
        ("install_path", "安装路径", "Install path", P, "text", {}), *MANAGEMENT]),
    ("database", "数据库", "Database", None, "database", False, "DB", [
        ("db_type", "数据库类型", "Database type", B, "text", {"list": True, "help": "Oracle / MySQL / 达梦 / 人大金仓"}),
        ("sw_version", "版本", "Version", B, "text", {}),
        ("ip", "IP", "IP", B, "ip", {"indexed": True}),
        ("port", "端口", "Port", B, "integer", {}),
        ("instance_name", "实例名", "Instance", P, "text", {}), *MANAGEMENT]),
    ("web_service", "WEB 服务", "Web service", None, "world-www", False, "WEB", [
        ("url", "访问地址", "URL", B, "text", {"list": True, "pattern": r"^https?://\S+$",
                                                "help": "以 http:// 或 https:// 开头"}),
        ("domain", "域名", "Domain", B, "text", {}),
        ("port", "端口", "Port", B, "integer", {}), *MANAGEMENT]),
    ("nic", "网卡", "NIC", None, "network", False, "NIC", [
        ("mac", "物理地址", "MAC address", B, "mac", {"unique": True, "list": True}),
        ("ip", "IP", "IP", B, "ip", {"multi": True}),
        ("speed", "速率", "Speed", P, "text", {"help": "例如 10GE"})]),
    ("subnet", "子网", "Subnet", None, "sitemap", False, "NETSEG", [
        ("cidr", "网段", "CIDR", B, "cidr", {"unique": True, "list": True, "required": True}),
        ("gateway", "网关", "Gateway", B, "ip", {}),
        ("zone", "网络区域", "Network zone", B, "text", {"list": True, "help": "政务外网 / 互联网区 / 管理网"})]),
    ("vlan", "VLAN", "VLAN", None, "tag", False, "VLAN", [
        ("vlan_id", "VLAN ID", "VLAN ID", B, "integer", {"list": True, "required": True}),
        ("purpose", "用途", "Purpose", B, "text", {})]),
    ("logical_volume", "逻辑卷", "Logical volume", None, "disc", False, "LV", [
        ("size_gb", "容量（GB）", "Size (GB)", B, "integer", {"list": True}),
        ("lun_id", "LUN ID", "LUN ID", B, "text", {}),
        ("mount_point", "挂载点", "Mount point", P, "text", {})]),
    ("business_system", "应用系统", "Business system", None, "apps", False, "APP", [
        ("system_level", "等保级别", "Security protection level", B, "enum",
         {"dict_type": "security_level", "list": True}),
        ("importance", "重要程度", "Importance", B, "enum", {"dict_type": "cmdb_importance", "list": True}),
        ("url", "访问地址", "URL", B, "text", {}),
        ("online_date", "上线时间", "Go-live date", MT, "date", {}),
        ("service_hours", "服务时间", "Service hours", B, "text", {"help": "例如 7×24 小时"}),
        ("contact_phone", "联系电话", "Contact phone", M, "text",
         {"pattern": r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", "help": "手机号或座机号，例如 028-61881234"}),
        *MANAGEMENT]),
]

RELATION_TYPES = [
    # code, name, reverse, en, reverse en, cardinality, dependency, sources, targets, description
    ("belongs_to", "属于", "包含", "belongs to", "contains", "n_one", False, [], [], "机柜属于机房，机位属于机柜"),
    ("composed_of", "组成", "组成部分", "is composed of", "is part of", "one_n", False, [], [],
     "集群由节点组成；应用系统由 WEB 服务、中间件和数据库组成（目标只属于一个源）"),
    ("runs_on", "运行于", "运行", "runs on", "runs", "n_one", True, [], [],
     "虚拟机运行于 Hypervisor；数据库运行于虚拟机或服务器"),
    ("uplink", "上联", "下联", "uplinks to", "downlink of", "n_n", True, ["device"], ["network_device"],
     "设备上联到交换机"),
    ("depends_on", "依赖", "被依赖", "depends on", "is required by", "n_n", True, [], [], "通用依赖关系"),
    ("connects", "连接", "连接", "connects to", "connected from", "n_n", False, [], [], "网卡、链路之间的连接"),
    ("installed_in", "安装于", "安装", "is installed in", "hosts", "n_one", True, ["device", "power_link"],
     ["rack", "rack_unit", "machine_room"], "设备安装于机柜或机位"),
    ("hosted_on", "托管于", "托管", "is hosted on", "hosts", "n_one", True, [], ["cluster", "compute", "device"],
     "应用系统托管于集群或计算资源"),
    ("stored_on", "存储于", "存储", "is stored on", "stores", "n_n", True, [], ["storage", "nas", "logical_volume"],
     "虚拟机、数据库的数据存储于存储系统或逻辑卷"),
    ("powered_by", "供电于", "供电", "is powered by", "powers", "n_n", True, ["device", "rack"], ["power_link"],
     "设备由电源连接供电"),
]

DICTS = [
    ("cmdb_mgmt_category", "CMDB 管理分类", [("owned", "自有", "Owned"), ("hosted", "托管", "Hosted"),
                                            ("leased", "租用", "Leased")]),
    ("cmdb_usage_category", "CMDB 用途分类", [("production", "生产", "Production"), ("test", "测试", "Test"),
                                             ("dev", "开发", "Development"), ("dr", "灾备", "Disaster recovery")]),
    ("cmdb_net_role", "网络角色", [("core", "核心", "Core"), ("aggregation", "汇聚", "Aggregation"),
                               ("access", "接入", "Access"), ("border", "出口", "Border")]),
    ("cmdb_cloud", "政务云平台", [("egov_cloud_1", "成都市政务云（一云）", "Chengdu e-gov cloud 1"),
                             ("egov_cloud_2", "成都市政务云（二云）", "Chengdu e-gov cloud 2"),
                             ("egov_cloud_3", "成都市政务云（三云）", "Chengdu e-gov cloud 3")]),
    ("cmdb_importance", "系统重要程度", [("core", "核心", "Core"), ("important", "重要", "Important"),
                                   ("general", "一般", "General")]),
]

SOURCE_PRIORITIES = [
    # class code (None = all), attribute, source, priority, description
    (None, "*", "manual", 100, "人工维护优先"),
    (None, "*", "import", 90, "批量导入"),
    (None, "*", "monitoring", 60, "监控系统自动采集"),
    (None, "*", "cloud_api", 70, "云管平台接口"),
    ("vm", "intranet_ip", "cloud_api", 110, "虚拟机内网 IP 以云管平台为准"),
]


def _ensure_dicts():
    from egov_base.dictionary.services import dict_ensure

    for code, name, items in DICTS:
        dict_ensure(code=code, name=name, items=items)


def sync_reference_data() -> dict:
    """Create the shipped classes, attributes, relation types, dictionaries and default source priorities
    that are missing. Returns counts of what was created (all zero on a second run)."""
    from ..models import AttributeDef, CIClass, RelationType, SourcePriority

    created = {"classes": 0, "attributes": 0, "relation_types": 0, "priorities": 0}
    with transaction.atomic():
        _ensure_dicts()
        classes = {c.code: c for c in CIClass.objects.all()}
        for sort, (code, name, name_en, parent, icon, abstract, prefix, attrs) in enumerate(CLASSES):
            cls = classes.get(code)
            if cls is None:
                cls = CIClass.objects.create(
                    code=code, name=name, name_en=name_en, parent=classes.get(parent) if parent else None,
                    icon=icon, is_abstract=abstract, code_prefix=prefix, sort=(sort + 1) * 10, is_system=True)
                classes[code] = cls
                created["classes"] += 1
            existing = set(AttributeDef.objects.filter(ci_class=cls).values_list("code", flat=True))
            inherited = set()
            for anc in cls.ancestors():
                inherited |= set(AttributeDef.objects.filter(ci_class=anc).values_list("code", flat=True))
            new = []
            for i, (acode, aname, aname_en, group, atype, opts) in enumerate(attrs):
                if acode in existing or acode in inherited:
                    continue
                existing.add(acode)
                new.append(AttributeDef(
                    ci_class=cls, code=acode, name=aname, name_en=aname_en, group=group, type=atype,
                    dict_type=opts.get("dict_type", ""), multi=opts.get("multi", False),
                    required=opts.get("required", False), unique=opts.get("unique", False),
                    indexed=opts.get("indexed", False), list_display=opts.get("list", False),
                    pattern=opts.get("pattern", ""), help_text=opts.get("help", ""), sort=(i + 1) * 10,
                    is_system=True))
            for a in new:
                a.save()
            created["attributes"] += len(new)
        for sort, (code, name, rev, en, rev_en, card, dep, sources, targets, desc) in enumerate(RELATION_TYPES):
            if RelationType.objects.filter(code=code).exists():
                continue
            rt = RelationType.objects.create(code=code, name=name, reverse_name=rev, name_en=en, reverse_name_en=rev_en,
                                             cardinality=card, is_dependency=dep, sort=(sort + 1) * 10,
                                             description=desc, is_system=True)
            rt.allowed_sources.set([classes[c] for c in sources if c in classes])
            rt.allowed_targets.set([classes[c] for c in targets if c in classes])
            created["relation_types"] += 1
        for cls_code, attribute, source, priority, desc in SOURCE_PRIORITIES:
            cls = classes.get(cls_code) if cls_code else None
            if SourcePriority.objects.filter(ci_class=cls, attribute=attribute, source=source).exists():
                continue
            SourcePriority.objects.create(ci_class=cls, attribute=attribute, source=source, priority=priority,
                                          description=desc)
            created["priorities"] += 1
    return created
