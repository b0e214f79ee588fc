from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from egov_base.search.services import reindex


class Command(BaseCommand):
    help = "重建全站搜索索引（可指定 --model app_label.Model），分批处理。"

    def add_arguments(self, parser):
        parser.add_argument("--model", help="app_label.ModelName, e.g. egov_base.Organization")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **opts):
        model = None
        if opts.get("model"):
            try:
                model = apps.get_model(opts["model"])
            except (LookupError, ValueError) as exc:
                raise CommandError(f"未知模型：{opts['model']}") from exc
            from egov_base.search.registry import get_spec

            if get_spec(model) is None:
                raise CommandError(f"模型 {opts['model']} 未注册全站搜索")
        total = reindex(model, batch_size=opts["batch_size"])
        self.stdout.write(self.style.SUCCESS(f"已索引 {total} 条记录"))
