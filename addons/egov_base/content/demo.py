"""Demo data of the content area: realistic Chengdu notices, policies and standards."""

from __future__ import annotations

from datetime import timedelta

ARTICLES = [
    ("notice", "关于2026年度政务云资源集中申报的通知", "各市级部门、各区(市)县：为统筹安排2026年度政务云资源，现启动集中申报工作。",
     "请各单位于**12月20日前**通过服务门户提交云资源申请。\n\n- 申报范围：云服务器、对象存储、云数据库\n- 联系电话：028-61881234", True),
    ("notice", "电子政务外网核心节点割接维护公告", "定于本周六 00:00—04:00 对电子政务外网核心节点进行割接维护。",
     "维护期间部分业务系统访问可能中断，请各单位提前做好安排。", False),
    ("policy", "成都市政务信息化项目建设管理办法", "规范全市政务信息化项目立项、建设、验收和运维管理。",
     "第一条 为加强政务信息化项目管理，提高财政资金使用效益，制定本办法。\n\n第二条 本办法适用于使用财政资金建设的政务信息化项目。", False),
    ("policy", "成都市公共数据资源管理暂行办法", "推进公共数据有序共享开放和安全利用。",
     "公共数据资源实行目录管理，按照“谁采集、谁负责”的原则确定数据责任单位。", False),
    ("standard", "政务云主机安全基线配置规范（2026版）", "规定政务云主机操作系统、中间件的安全基线要求。",
     "1. 关闭不必要的服务和端口\n2. 启用登录失败处理和超时退出\n3. 日志保存不少于六个月", False),
    ("news", "市大数据中心完成城市级灾备中心年度演练", "演练覆盖42个重点业务系统，RTO 全部达标。",
     "本次演练模拟主数据中心整体故障，42个重点业务系统在规定时间内完成切换。", False),
]


def load():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from ..context import acting_as
    from .models import Article

    User = get_user_model()
    author = User.objects.filter(username="city_admin").first() or User.objects.filter(username="sysadmin").first()
    now = timezone.now()
    with acting_as(author, source="command"):
        for n, (category, title, summary, body, pinned) in enumerate(ARTICLES):
            if Article.objects.filter(title=title).exists():
                continue
            article = Article(category=category, title=title, summary=summary, body=body, pinned=pinned,
                              organization=getattr(author, "organization", None), source="成都市大数据中心",
                              status=Article.Status.PUBLISHED, publish_at=now - timedelta(days=n * 3),
                              published_at=now - timedelta(days=n * 3))
            article.save()
        draft_title = "关于开展政务信息系统等保测评的通知（征求意见稿）"
        if not Article.objects.filter(title=draft_title).exists():
            Article(category="notice", title=draft_title, summary="征求各单位意见。",
                    body="请各单位于两周内反馈意见。", status=Article.Status.REVIEW,
                    organization=getattr(author, "organization", None)).save()
