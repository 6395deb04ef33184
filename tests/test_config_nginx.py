"""nginx -t on every nginx.conf the config renderer delivers, with its certificate made
the way the rendered boot script makes it when no certificate is given."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ALL_TOPOLOGIES
from tests.nginx_support import make_certificate, nginx_test
from tests.test_config import config_files
from tiered.pipeline import plan_file

#: Debian's nginx package runs as www-data; Amazon Linux 2023's (what the config names) as nginx.
LOCAL_ACCOUNT = "www-data"
BOOT_TLS = "/etc/nginx/tls"


def _self_signed_command(boot: str, folder: Path) -> str:
    """The boot script's own openssl command, its certificate folder moved to ``folder``."""
    match = re.search(r"^\s*(openssl req .*?)\n(?!\s*-)", boot.replace("\\\n", " "), re.M)
    assert match, "the boot script makes no self-signed certificate"
    return match.group(1).replace(BOOT_TLS, str(folder))


@pytest.mark.skipif(os.geteuid() != 0, reason="the production config opens /var/log/nginx")
@pytest.mark.parametrize("path", ALL_TOPOLOGIES, ids=lambda p: p.stem)
def test_nginx_accepts_every_delivered_config(path: Path, tmp_path: Path) -> None:
    plan = plan_file(str(path))
    files = config_files(plan)
    confs = {name: text for name, text in files.items() if name.endswith("etc/nginx/nginx.conf")}
    if not confs:
        pytest.skip(f"{path.name} has no NGINX entry")
    for name, text in confs.items():
        instance = name.split("/")[1]
        prefix = tmp_path / instance
        (prefix / "tls").mkdir(parents=True)
        assert re.search(r"^user \S+;", text, re.M)
        conf = re.sub(r"^user \S+;", f"user {LOCAL_ACCOUNT};", text, count=1, flags=re.M)
        boot_script = f"config/{instance}/usr/local/sbin/tiered-boot"
        if BOOT_TLS in conf and boot_script in files:  # aws: the boot makes or fetches it
            boot = files[boot_script]
            made = subprocess.run(
                ["sh", "-c", _self_signed_command(boot, prefix / "tls")],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert made.returncode == 0, made.stderr
            conf = conf.replace(BOOT_TLS, str(prefix / "tls"))
        elif "ssl_certificate" in conf:  # on premises the operator puts the pair in place
            make_certificate(prefix / "tls", "test.crt", "test.key")
            conf = re.sub(r"(ssl_certificate) \S+;", rf"\1 {prefix}/tls/test.crt;", conf)
            conf = re.sub(r"(ssl_certificate_key) \S+;", rf"\1 {prefix}/tls/test.key;", conf)
        (prefix / "nginx.conf").write_text(conf)
        result = nginx_test(prefix)
        assert result.returncode == 0, result.stderr
        assert "test is successful" in result.stderr
