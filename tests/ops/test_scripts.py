"""Static checks of the operations scripts and configuration (they are exercised for real by scripts/start and
scripts/test themselves)."""

import configparser
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("script", ["scripts/lib.sh", "scripts/start", "scripts/test", ".ci/run", "scripts/backup.sh"])
def test_shell_scripts_parse(script):
    subprocess.run(["bash", "-n", str(ROOT / script)], check=True)


def test_compose_file_is_valid_yaml():
    yaml = pytest.importorskip("yaml")
    data = yaml.safe_load((ROOT / "docker" / "docker-compose.yml").read_text(encoding="utf-8"))
    assert {"web", "worker", "beat", "nginx", "postgres", "redis"} <= set(data["services"])
    assert data["services"]["postgres"]["image"].startswith("postgres:16")
    assert data["services"]["redis"]["image"].startswith("redis:7")


def test_nginx_listens_on_ipv4_and_ipv6():
    conf = (ROOT / "docker" / "nginx" / "egov.conf").read_text(encoding="utf-8")
    assert "listen 8080;" in conf and "listen [::]:8080;" in conf
    assert "location /static/" in conf and "X-Content-Type-Options" in conf


def test_importlinter_contracts_name_every_domain_app():
    cp = configparser.ConfigParser()
    cp.read(ROOT / ".importlinter")
    forbidden = cp["importlinter:contract:base-imports-no-domain-app"]["forbidden_modules"].split()
    assert set(forbidden) == {
        "egov_service_catalog", "egov_cmdb", "egov_monitoring_bridge", "egov_helpdesk", "egov_project_review",
        "egov_expert_pool", "egov_perf_eval", "egov_cockpit",
    }
