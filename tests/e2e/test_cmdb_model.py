"""CMDB model-driven screens in a real browser: an administrator defines a class with an inherited attribute and a
1-1 relation type, creates CIs with the generated form, is refused a second relation that breaks the cardinality
(the message names the existing relation), and imports an Excel file with one bad row (row error, nothing
written). Screenshots in var/screenshots/cmdb_*.png."""

import io

import pytest

from .helpers import assert_chinese, assert_local

pytestmark = pytest.mark.e2e


@pytest.fixture
def cmdb(db):
    from egov_cmdb.services.reference import sync_reference_data

    sync_reference_data()


def _xlsx(path, rows):
    import openpyxl

    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return str(path)


def _create_ci(page, name, firmware):
    page.goto("/cmdb/ci/class/camera/add/")
    page.locator("#id_name").fill(name)
    page.locator("#id_a_firmware_ver").fill(firmware)
    page.locator("#id_a_stream_url").fill("rtsp://10.50.1.1/live")
    with page.expect_navigation():
        page.locator("#ci-form button[type=submit]").click()
    assert_chinese(page, f"已创建配置项“{name}”")
    from egov_cmdb.models import CI

    return CI.objects.get(name=name)


def test_administrator_models_relates_and_imports(login_as, page, screenshot, cmdb, tmp_path):
    from egov_cmdb.models import CI, AttributeDef, CIClass, Relation

    page.on("dialog", lambda d: d.accept())
    login_as("sysadmin")

    # 1. a new abstract class with a required attribute, and a subclass that inherits it — no migration
    page.goto("/cmdb/model/")
    assert_chinese(page, "模型设计", "类层次", "虚拟机")
    page.locator("#class-add").click()
    page.locator("#id_code").fill("iot_device")
    page.locator("#id_name").fill("物联网设备")
    page.locator("#id_icon").fill("cpu-2")
    page.locator("#id_is_abstract").check()
    with page.expect_navigation():
        page.locator("#class-form button[type=submit]").click()
    assert_chinese(page, "已保存配置项类“物联网设备”")
    page.locator("#attr-add").click()
    page.locator("#id_code").fill("firmware_ver")
    page.locator("#id_name").fill("固件版本")
    page.locator("#id_group").select_option("property")
    page.locator("#id_required").check()
    with page.expect_navigation():
        page.locator("#attribute-form button[type=submit]").click()
    page.locator("#subclass-add").click()
    page.locator("#id_code").fill("camera")
    page.locator("#id_name").fill("视频监控摄像头")
    page.locator("#id_code_prefix").fill("CAM")
    with page.expect_navigation():
        page.locator("#class-form button[type=submit]").click()
    page.locator("#attr-add").click()
    page.locator("#id_code").fill("stream_url")
    page.locator("#id_name").fill("视频流地址")
    page.locator("#id_pattern").fill("^rtsp://")
    page.locator("#id_pattern_message").fill("须以 rtsp:// 开头")
    with page.expect_navigation():
        page.locator("#attribute-form button[type=submit]").click()
    assert_chinese(page, "视频监控摄像头", "固件版本", "视频流地址", "物联网设备")
    screenshot(page, "cmdb_class_designer")
    camera = CIClass.objects.get(code="camera")
    assert [a.code for a in camera.all_attributes()] == ["firmware_ver", "stream_url"]
    assert AttributeDef.objects.get(code="firmware_ver").ci_class.code == "iot_device"

    # 2. a 1-1 relation type through the generic admin screen
    page.goto("/cmdb/relationtype/add/")
    page.locator("#id_code").fill("paired_with")
    page.locator("#id_name").fill("主备配对")
    page.locator("#id_reverse_name").fill("被配对")
    page.locator("#id_cardinality").select_option("one_one")
    with page.expect_navigation():
        page.locator("form:has(#id_code) button[type=submit]").first.click()
    page.goto("/cmdb/relationtype/")
    assert_chinese(page, "主备配对", "一对一")
    screenshot(page, "cmdb_relation_types")

    # 3. CIs through the form generated from the class (the inherited required attribute is enforced)
    page.goto("/cmdb/ci/class/camera/add/")
    assert_chinese(page, "基本信息", "属性信息", "固件版本", "视频流地址")
    page.locator("#id_name").fill("天府广场东北角摄像头")
    page.locator("#id_a_stream_url").fill("http://wrong")
    with page.expect_navigation():
        page.locator("#ci-form button[type=submit]").click()
    assert_chinese(page, "“固件版本”不能为空", "须以 rtsp:// 开头")
    screenshot(page, "cmdb_ci_form_errors")
    assert not CI.objects.filter(ci_class=camera).exists()
    a = _create_ci(page, "天府广场东北角摄像头", "V5.6.1")
    b = _create_ci(page, "天府广场西南角摄像头", "V5.6.1")
    c = _create_ci(page, "春熙路步行街摄像头", "V5.7.0")
    assert a.code.startswith("CAM-")

    # 4. relation a -> b, then c -> b is refused (1-1), the message names the existing relation
    page.goto(f"/cmdb/ci/{a.pk}/?tab=relations")
    page.locator("#relation-add-form select[name=type]").select_option(label="主备配对")
    page.locator("#relation-add-form input[name=other]").fill(b.code)
    with page.expect_navigation():
        page.locator("#relation-add-form button[type=submit]").click()
    assert_chinese(page, "已建立关系")
    assert Relation.objects.filter(source=a, target=b).exists()
    page.goto(f"/cmdb/ci/{c.pk}/?tab=relations")
    page.locator("#relation-add-form select[name=type]").select_option(label="主备配对")
    page.locator("#relation-add-form input[name=other]").fill(b.code)
    with page.expect_navigation():
        page.locator("#relation-add-form button[type=submit]").click()
    assert_chinese(page, "违反基数约束", "已存在关系：天府广场东北角摄像头")
    screenshot(page, "cmdb_relation_refused")
    assert Relation.objects.filter(target=b).count() == 1
    page.goto(f"/cmdb/ci/{a.pk}/?tab=relations")
    assert_chinese(page, "出向关系", "天府广场西南角摄像头")
    screenshot(page, "cmdb_ci_relations")

    # 5. import an Excel file with one bad row: the row error is shown and nothing is written
    path = _xlsx(tmp_path / "摄像头台账.xlsx", [
        ["名称", "管理部门", "固件版本", "视频流地址"],
        ["人民南路口摄像头", "CITY-DSJ", "V5.6.1", "rtsp://10.50.2.1/live"],
        ["宽窄巷子摄像头", "CITY-DSJ", "", "rtsp://10.50.2.2/live"],
        ["太古里摄像头", "CITY-DSJ", "V5.7.0", "rtsp://10.50.2.3/live"],
    ])
    page.goto("/cmdb/import/?cls=camera")
    assert_chinese(page, "导入配置项", "上传文件")
    page.locator("#id_file").set_input_files(path)
    with page.expect_navigation():
        page.locator("#import-upload-form button[type=submit]").click()
    assert_chinese(page, "列映射", "固件版本")
    screenshot(page, "cmdb_import_mapping")
    with page.expect_navigation():
        page.locator("#import-apply").click()
    assert_chinese(page, "行错误", "第 3 行", "“固件版本”不能为空", "未写入任何数据")
    screenshot(page, "cmdb_import_row_error")
    assert CI.objects.filter(ci_class=camera).count() == 3

    # 6. the list per class with an attribute condition, and the CI's history
    page.goto("/cmdb/ci/class/camera/?c=firmware_ver|eq|V5.6.1")
    assert_chinese(page, "天府广场东北角摄像头", "属性条件")
    assert "春熙路步行街摄像头" not in page.locator("#ci-table").inner_text()
    screenshot(page, "cmdb_ci_list_filtered")
    page.goto(f"/cmdb/ci/{a.pk}/?tab=versions")
    assert_chinese(page, "变更历史", "创建", "关系")
    screenshot(page, "cmdb_ci_history")
    assert_local(page)
