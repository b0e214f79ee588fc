#!/usr/bin/env python
"""Project review benchmark: 5,000 proposals with full histories (process log, workbench events, co-signers) in their
own database (``egov_bench_pr``), then the workbench and list pages under N concurrent clients through gunicorn, and
the document merge time of a 50-page proposal (python-docx + docxcompose; PDF through LibreOffice when installed).

    .venv/bin/python scripts/bench/project_review_bench.py                    # generate if missing, then measure
    .venv/bin/python scripts/bench/project_review_bench.py --reset            # regenerate the proposals
    .venv/bin/python scripts/bench/project_review_bench.py --clients 100 --seconds 60 --workers 3 --threads 8
    .venv/bin/python scripts/bench/project_review_bench.py --merge-only

Target (DESIGN.md / issue): workbench and list pages p95 ≤ 300 ms at 100 concurrent users.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("EGOV_ADDONS", "egov_expert_pool,egov_project_review")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "YmVuY2gtb25seS1maWVsZC1rZXktMDEyMzQ1Njc4OTA=")
os.environ.setdefault("FIELD_HASH_KEY", "bench-only-hash-key")
import _env  # noqa: E402

DB = os.environ.get("EGOV_BENCH_PR_DB", "egov_bench_pr")
PROPOSALS = 5_000

# where each generated proposal stops, with its weight, and the steps (action, from, to, actor key) that lead there
CITY_STEPS = [
    ("submit", "draft", "intake", "app"), ("intake_pass", "intake", "assign", "pr_intake"),
    ("assign_reviewer", "assign", "prereview", "head"), ("prereview_pass", "prereview", "countersign", "rev"),
    ("countersign_draw", "countersign", "countersign", "rev"), ("countersign_vote", "countersign", "countersign", "leader"),
    ("countersign_pass", "countersign", "accept", "head"), ("accept_expert", "accept", "expert", "pr_accept"),
    ("expert_pass", "expert", "improve", "pr_accept"), ("improve_submit", "improve", "audit", "app"),
    ("audit_pass", "audit", "reply", "rev"), ("reply_issue", "reply", "done", "pr_reply"),
]
LABELS = {"submit": "提交", "intake_pass": "接件通过", "assign_reviewer": "分配预审人员", "prereview_pass": "预审通过",
          "countersign_draw": "抽取会签人员", "countersign_vote": "会签", "countersign_pass": "会签通过",
          "accept_expert": "受理：需专家评审", "expert_pass": "专家评审通过", "improve_submit": "提交完善方案",
          "audit_pass": "审核通过", "reply_issue": "回函", "return_to_applicant": "退回申报单位"}
STATE_LABELS = {"draft": "草稿", "intake": "方案接件", "assign": "任务分配", "prereview": "方案预审",
                "countersign": "方案会签", "accept": "方案受理", "expert": "专家评审", "improve": "方案完善",
                "audit": "方案审核", "reply": "方案回函", "done": "已回函办结", "returned": "已退回"}
TITLES = ["政务服务平台升级改造项目", "数据共享交换平台扩容项目", "智慧社区建设项目", "视频图像共享平台项目",
          "电子证照应用项目", "网络安全态势感知平台项目", "一网统管平台建设项目", "运维服务项目", "云资源租赁服务项目",
          "业务系统适老化改造项目", "物联感知平台建设项目", "应急指挥调度系统项目"]


def generate(reset: bool) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from egov_base.org import demo as org_demo
    from egov_base.org.models import Organization, User
    from egov_base.workflow.models import ProcessLog
    from egov_project_review import demo
    from egov_project_review.models import Proposal, ProposalEvent, ProposalTemplate

    t0 = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    org_demo.load_organizations()
    org_demo.load_users()
    demo.load_users()
    admin = User.objects.get(username="sysadmin")
    from egov_base.context import acting_as

    with acting_as(admin, source="bench"):
        demo.load_reference(admin)
    if reset:
        Proposal.objects.filter(number__startswith="XM-B-").delete()
    have = Proposal.objects.filter(number__startswith="XM-B-").count()
    if have >= PROPOSALS:
        print(f"data present: {have} proposals")
        return
    rng = random.Random(20261125)
    u = {x.username: x for x in User.objects.filter(username__in=[
        "pr_intake", "dept_head", "dept_head2", "reviewer", "reviewer2", "pr_accept", "pr_reply", "leader", "jj_admin"])}
    city_orgs = list(Organization.objects.filter(district__isnull=True, kind="city_dept").values_list("pk", "name"))
    applicants = list(User.objects.filter(groups__role__code="dept_user").values_list("pk", "organization_id"))
    by_org = {}
    for pk, org in applicants:
        by_org.setdefault(org, pk)
    templates = {t.kind: t for t in ProposalTemplate.objects.filter(active=True)}
    ct = ContentType.objects.get_for_model(Proposal)
    now = timezone.now()
    stops = ["intake"] * 6 + ["assign"] * 4 + ["prereview"] * 8 + ["countersign"] * 4 + ["accept"] * 4 + \
        ["expert"] * 4 + ["improve"] * 3 + ["audit"] * 3 + ["reply"] * 3 + ["done"] * 55 + ["returned"] * 6
    fallback_app = User.objects.get(username="city_user").pk
    batch = 500
    for start in range(have, PROPOSALS, batch):
        props, plans = [], []
        for i in range(start, min(start + batch, PROPOSALS)):
            org_id, org_name = rng.choice(city_orgs)
            kind = rng.choice(["construction"] * 6 + ["service"] * 2 + ["operation"] * 2)
            stop = rng.choice(stops)
            begin = now - timedelta(days=rng.randint(1, 365), hours=rng.randint(0, 23))
            head, rev = rng.choice([u["dept_head"], u["dept_head2"]]), rng.choice([u["reviewer"], u["reviewer2"]])
            steps = []
            if stop == "returned":
                steps = [CITY_STEPS[0], ("return_to_applicant", "intake", "returned", "pr_intake")]
            else:
                for s in CITY_STEPS:
                    steps.append(s)
                    if s[2] == stop:
                        break
            t = begin
            times = []
            for _s in steps:
                times.append(t)
                t += timedelta(hours=rng.randint(2, 60))
            app = by_org.get(org_id, fallback_app)
            props.append(Proposal(
                number=f"XM-B-{i:06d}", title=f"{org_name.replace('成都市', '成都市')}{rng.choice(TITLES)}",
                kind=kind, level="city", organization_id=org_id, applicant_id=app,
                template=templates.get(kind), content={"purpose": "提升政务服务能力", "content": "建设内容略"},
                state=stop, route="city", assigned_head=head if stop not in ("intake", "returned") else None,
                reviewer=rev if stop not in ("intake", "assign", "returned") else None, submit_count=1, doc_version=1,
                submitted_at=begin, stage_entered_at=times[-1], created_at=begin - timedelta(days=1),
                finished_at=times[-1] if stop == "done" else None, reply_origin="audit" if stop == "done" else "",
                return_reason="材料不全" if stop == "returned" else ""))
            plans.append((steps, times, app, head, rev))
        with transaction.atomic():
            created = Proposal.objects.bulk_create(props)
            logs, events = [], []
            for p, (steps, times, app, head, rev) in zip(created, plans):
                for (action, frm, to, who), at in zip(steps, times):
                    actor = {"app": app, "head": head.pk, "rev": rev.pk}.get(who) or u[who].pk
                    logs.append(ProcessLog(content_type=ct, object_id=str(p.pk), from_state=frm,
                                           from_label=STATE_LABELS[frm], to_state=to, to_label=STATE_LABELS[to],
                                           action=action, action_label=LABELS[action], actor_id=actor,
                                           actor_name="", comment="同意" if "pass" in action else "", data={},
                                           source="fsm", created_at=at))
                    if action != "countersign_draw":
                        events.append(ProposalEvent(proposal=p, organization_id=p.organization_id, level="city",
                                                    action="intake_return" if action == "return_to_applicant" else action,
                                                    actor_id=actor, created_at=at))
            ProcessLog.objects.bulk_create(logs, batch_size=2000)
            ProposalEvent.objects.bulk_create(events, batch_size=2000)
        # bulk_create keeps auto_now_add at "now": put the history dates back
        print(f"  {min(start + batch, PROPOSALS)} proposals")
    with connection.cursor() as cur:
        cur.execute("UPDATE egov_project_review_proposal SET created_at = submitted_at - interval '1 day' "
                    "WHERE number LIKE 'XM-B-%%'")
        for table in ("egov_project_review_proposal", "egov_project_review_proposalevent", "egov_base_processlog"):
            cur.execute(f'ANALYZE "{table}"')
    print(f"{DB}: {Proposal.objects.count()} proposals, {ProposalEvent.objects.count()} events, "
          f"{ProcessLog.objects.filter(content_type=ct).count()} process-log rows ({time.monotonic() - t0:.1f}s)")


def merge_bench(pages: int = 50) -> None:
    """Merge a structured form and a ~``pages``-page uploaded Word document into one proposal document."""
    from docx import Document

    from egov_project_review import documents

    class P:  # the attributes build_form_document reads
        title, number, contact_phone, budget = "成都市不动产登记信息平台升级改造项目", "XM-2026-000001", "028-61886000", 680
        content = {"purpose": "提升不动产登记能力。\n" * 20, "content": "建设统一身份认证接入和电子证照共享。\n" * 40,
                   "resources": "政务云 32 核 / 128 GB。\n" * 10}
        intensive = {"cloud": "是"}
        submitted_at = None
        organization, applicant = "成都市规划和自然资源局", "罗成林"

        def get_kind_display(self):
            return "建设方案"

        def get_level_display(self):
            return "市级项目"

    sections = [{"key": k, "label": v} for k, v in (("purpose", "项目目的"), ("content", "建设内容"),
                                                      ("resources", "资源需求"))]
    upload = Document()
    para = "本项目依托市政务云和电子政务外网集约化建设，统一接入天府通办身份认证，按照等级保护三级要求开展安全建设。" * 3
    for page in range(pages - 3):  # ~3 pages come from the form part
        upload.add_heading(f"第{page + 1}节 建设内容说明", level=2)
        for _ in range(6):
            upload.add_paragraph(para)
        if page % 5 == 0:
            t = upload.add_table(rows=6, cols=4)
            t.style = "Table Grid"
            for r in t.rows:
                for c in r.cells:
                    c.text = "政务云资源"
    buf = io.BytesIO()
    upload.save(buf)
    data = buf.getvalue()
    samples = []
    for _ in range(5):
        t = time.perf_counter()
        form = documents.build_form_document(proposal=P(), sections=sections, intensive_sections=[
            {"key": "cloud", "label": "政务云资源使用"}], tags=["政务云", "统一身份认证"])
        merged = documents.merge(form_doc=form, attachments=[("基础方案.docx", data), ("附件二.docx", data[:])][:1],
                                 others=["可研报告.pdf"])
        samples.append(time.perf_counter() - t)
    n_par = len(Document(io.BytesIO(merged)).paragraphs)
    t = time.perf_counter()
    edited = documents.edit_paragraphs(merged, {10: "修改后的段落文字"})
    t_edit = time.perf_counter() - t
    t = time.perf_counter()
    documents.add_comment(edited, index=12, text="请补充说明", author="王丽娟")
    t_comment = time.perf_counter() - t
    samples.sort()
    print(f"\nDocument merge ({pages}-page proposal: form + {pages - 3}-page .docx upload, {n_par} paragraphs, "
          f"{len(merged) / 1024:.0f} KB): median {samples[len(samples) // 2] * 1000:.0f} ms, "
          f"max {samples[-1] * 1000:.0f} ms (5 runs)")
    print(f"Online edit of one paragraph (load + change + save): {t_edit * 1000:.0f} ms; add a comment: "
          f"{t_comment * 1000:.0f} ms")
    t = time.perf_counter()
    pdf = documents.to_pdf(merged, timeout=300)
    if pdf is None:
        print("PDF: LibreOffice (soffice) not installed or failed — not measured")
    else:
        import re

        n_pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
        print(f"PDF by LibreOffice headless: {(time.perf_counter() - t) * 1000:.0f} ms ({n_pages} pages, "
              f"{len(pdf) / 1024:.0f} KB)")


def inprocess_bench(repeat: int = 30) -> None:
    """Service time of each page in-process (Django test client, no HTTP, one request at a time) and its query count."""
    import _load
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from egov_base.org.models import User

    _load.collectstatic(DB)  # DEBUG off: the manifest must list this app's static files (shared STATIC_ROOT)
    rows = []
    for username, role in [("pr_intake", "intake"), ("dept_head", "head"), ("leader", "leader"),
                           ("reviewer", "prereview"), ("pr_accept", "accept"), ("pr_reply", "reply"),
                           ("city_user", "applicant")]:
        c = Client()
        c.force_login(User.objects.get(username=username))
        for name, url in ((f"workbench {role}", f"/project-review/?role={role}&range=6m"),
                          (f"list as {username}", "/project-review/proposals/?page=3")):
            c.get(url)
            samples = []
            for _ in range(repeat):
                t = time.perf_counter()
                r = c.get(url)
                samples.append(time.perf_counter() - t)
                assert r.status_code == 200, (url, r.status_code)
            with CaptureQueriesContext(connection) as ctx:
                c.get(url)
            rows.append((name, _load.percentiles(samples), len(ctx.captured_queries)))
    print("\nIn-process service time (one request at a time):")
    print(f"{'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for name, pc, q in rows:
        print(f"{name:<28} {pc['p50']:>8.0f} {pc['p95']:>8.0f} {q:>8}")


def load_bench(clients: int, seconds: float, workers: int, threads: int) -> None:
    import _load

    _load.collectstatic(DB)
    proc = _load.start_gunicorn(workers, threads, dbname=DB)
    try:
        people = ["pr_intake", "dept_head", "leader", "reviewer", "pr_accept", "pr_reply", "jj_admin", "city_user"]
        cookies = {u: _load.login(u) for u in people}
        wb_roles = {"pr_intake": "intake", "dept_head": "head", "leader": "leader", "reviewer": "prereview",
                    "pr_accept": "accept", "pr_reply": "reply", "jj_admin": "intake", "city_user": "applicant"}
        ranges = ["10d", "1m", "6m"]
        # warm up every worker
        _load.drive("warm-up", lambda i: "/project-review/", cookies, min(clients, 20), 200, 30)
        results = []
        for name, users, url in [
            ("workbench (per role)", people,
             lambda i: f"/project-review/?role={wb_roles[people[i % len(people)]]}&range={ranges[i % 3]}"),
            ("proposal list", people, lambda i: f"/project-review/proposals/?page={1 + i % 10}"),
            ("proposal list filtered", people, lambda i: f"/project-review/proposals/?state=done&q=政务&page={1 + i % 3}"),
        ]:
            per_user = {u: cookies[u] for u in users}
            # each client uses one user; the URL generator picks the role view matching client order
            results.append(_load.drive(name, url, per_user, clients, 10**9, seconds))
        _load.print_results(results, clients=clients, workers=workers, threads=threads,
                            note=f"{PROPOSALS} proposals, machine shared with other engineers")
    finally:
        _load.stop_gunicorn(proc)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reset", action="store_true")
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=45)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--merge-only", action="store_true")
    ap.add_argument("--no-load", action="store_true")
    ap.add_argument("--load-only", action="store_true", help="skip the document merge measurement")
    args = ap.parse_args()
    _env.ensure_database(DB)
    _env.setup_django(DB)
    if not args.merge_only:
        generate(args.reset)
    if not args.load_only:
        merge_bench()
    if not args.merge_only:
        inprocess_bench()
    if not (args.merge_only or args.no_load):
        load_bench(args.clients, args.seconds, args.workers, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
