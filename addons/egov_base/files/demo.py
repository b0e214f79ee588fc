"""Demo data for files: a small PDF note attached to 成都市大数据中心 (idempotent by content)."""



def load():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..org.models import Organization, User
    from ..reports.pdf import PdfReport
    from .services import attach

    user = User.objects.filter(username="sysadmin").first()
    org = Organization.objects.filter(name="成都市大数据中心").first() or Organization.objects.filter(kind="centre").first()
    if user is None or org is None:
        return

    class _Note(PdfReport):
        title = "政务云资源服务目录（2026 版）说明"

        def build_story(self, params):
            return [self.paragraph("本文件为演示附件：说明政务云计算、存储、网络资源的申请流程与服务标准。")]

    report = _Note(user=user)
    report.generated_at = report.generated_at.replace(year=2026, month=1, day=5, hour=9, minute=0, second=0, microsecond=0)
    data = report.render({})
    from .models import Attachment

    if Attachment.objects.filter(name="政务云资源服务目录说明.pdf", object_id=str(org.pk)).exists():
        return
    attach(obj=org, file=SimpleUploadedFile("政务云资源服务目录说明.pdf", data), user=user, comment="演示附件")
