"""NGINX: the entry proxy tiered writes nginx.conf for, and the pair that holds a VRRP VIP.

In the entry tier the instance gets the nginx.conf of the NGINX renderer (``user nginx`` on
Amazon Linux 2023); on ``provider: generic`` the keepalived.conf of the VRRP pair as well.
On aws, with 443 listed, the certificate comes from the stack parameter naming a Secrets
Manager secret or an SSM parameter with the PEM pair, else a self-signed pair is made at
first boot (the boot log and the stack outputs say so). Outside the entry tier NGINX is an
application like any other: the install hook.
"""

from __future__ import annotations

from tiered.software import application, probes, stack
from tiered.software.base import FailoverDelivery, Kind, answering, assumed
from tiered.software.context import InstanceContext
from tiered.software.delivery import Delivery

NGINX_CONF = "/etc/nginx/nginx.conf"
KEEPALIVED_CONF = "/etc/keepalived/keepalived.conf"
#: Answered by nginx itself on every port (Route 53 and keepalived health checks).
HEALTH_PATH = "/healthz"
TLS_PORT = 443


class Nginx(Kind):
    name = "nginx"
    port = 80
    failover = "active-passive"
    listen = (80, TLS_PORT)
    packages = ("nginx",)
    config_files = (NGINX_CONF,)
    configured = "full"
    modes = (
        FailoverDelivery(
            "active-passive",
            files=(KEEPALIVED_CONF,),
            note="on provider generic keepalived moves entry.vip between the pair; on aws "
            "Route 53 failover records move the entry name (tiered render cloudformation)",
        ),
        assumed("active-active", "every replica serves; nothing tiered renders spreads clients"),
    )
    icon = "onprem/network/nginx.png"
    entry_proxy = True
    holds_vip = True

    def health_probe(self, port: int, path: str | None = None, address: str = "127.0.0.1") -> str:
        """nginx's own ``/healthz`` on ``port`` (HTTPS, any certificate, on 443)."""
        return probes.http(address, port, HEALTH_PATH, https=port == TLS_PORT)

    def readiness(self, instance: InstanceContext) -> probes.Readiness:
        """The entry proxy's ``/healthz`` on its first plain port (else HTTPS on 443); an
        nginx tiered does not configure is waited for like any application."""
        service = instance.service
        if service.proxy_config is None:
            generic = Kind.health_probe(self, service.port, service.health_path, instance.address)
            return application.awaited(answering(instance, generic))
        plain = [port for port in service.listen if port != TLS_PORT]
        port = plain[0] if plain else TLS_PORT
        scheme = "https" if port == TLS_PORT else "http"
        return probes.Readiness(
            f"nginx answering {scheme}://{instance.address}:{port}{HEALTH_PATH}",
            self.health_probe(port, None, instance.address),
        )

    def render(self, instance: InstanceContext) -> Delivery:
        service = instance.service
        if service.proxy_config is None:
            return application.deliver(instance)
        delivery = Delivery(self.name)
        delivery.add_file(NGINX_CONF, service.proxy_config)
        vrrp = service.vrrp_configs.get(instance.name)
        if vrrp is not None:
            delivery.add_file(KEEPALIVED_CONF, vrrp)
        if TLS_PORT in service.listen:
            delivery.steps.append(_certificate_step(instance, delivery))
        delivery.steps.append(
            "# starting nginx, once its configuration passes\n"
            "nginx -t\nsystemctl enable --now nginx"
        )
        return delivery


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


def _certificate_step(instance: InstanceContext, delivery: Delivery) -> str:
    tls, name = instance.service.tls, instance.service.entry_name
    secret, parameter, region = stack.tls_secret(), stack.tls_parameter(), stack.region()
    delivery.use(secret, parameter, region)
    return (
        "# TLS: the certificate (chain) and private key as PEM, from the stack parameter\n"
        f"# {secret.name} (Secrets Manager) or {parameter.name} (SSM SecureString);\n"
        "# when neither is given, a self-signed pair (browsers will warn: replace it)\n"
        f"tls_secret='{stack.ref(secret)}'\n"
        f"tls_parameter='{stack.ref(parameter)}'\n"
        f"install -d -m 0755 {_folder(tls.certificate)} {_folder(tls.key)}\n"
        "umask 077\n"
        'if [ -n "$tls_secret" ]; then\n'
        f"  aws secretsmanager get-secret-value --region '{stack.ref(region)}' "
        '--secret-id "$tls_secret" \\\n'
        "    --query SecretString --output text > $work/tls.pem\n"
        'elif [ -n "$tls_parameter" ]; then\n'
        f"  aws ssm get-parameter --region '{stack.ref(region)}' --with-decryption "
        '--name "$tls_parameter" \\\n'
        "    --query Parameter.Value --output text > $work/tls.pem\n"
        "else\n"
        f'  log "WARNING: no certificate given: generating a SELF-SIGNED one for {name}"\n'
        f"  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj '/CN={name}' \\\n"
        f"    -keyout {tls.key} -out {tls.certificate}\n"
        "fi\n"
        "if [ -s $work/tls.pem ]; then\n"
        f"  awk -v crt={tls.certificate} -v key={tls.key} \\\n"
        "    '/-----BEGIN/ { out = ($0 ~ /PRIVATE KEY/) ? key : crt } out { print > out }' \\\n"
        "    $work/tls.pem\n"
        "  rm -f $work/tls.pem\n"
        "fi\n"
        "umask 022\n"
        f"chmod 0644 {tls.certificate}\n"
        f"chmod 0600 {tls.key}"
    )
