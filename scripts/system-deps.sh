#!/usr/bin/env sh
# Installs the system tools tiered's commands and tests use (graphviz, nginx, keepalived,
# scram, openssl, curl, iproute2, and python3-venv where Python lacks it) through apt-get
# when they are missing. Without root it prints the command to run instead and stops.
set -eu

need=""
command -v dot >/dev/null 2>&1 || need="$need graphviz"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need="$need nginx"
command -v keepalived >/dev/null 2>&1 || [ -x /usr/sbin/keepalived ] || need="$need keepalived"
command -v scram >/dev/null 2>&1 || need="$need scram"
command -v openssl >/dev/null 2>&1 || need="$need openssl"
# curl: keepalived's nginx check; iproute2: the namespaces of the keepalived failover test.
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need="$need iproute2"
# Debian and Ubuntu ship venv's pip bootstrap separately from Python itself.
"${PYTHON:-python3}" -c "import ensurepip, venv" >/dev/null 2>&1 || need="$need python3-venv"
[ -z "$need" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "tiered needs these system packages:$need" >&2
  echo "run:  sudo apt-get update && sudo apt-get install -y$need" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install these packages with your system's package manager:$need" >&2
  exit 1
fi
echo "installing system packages:$need"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
# Debian starts a freshly installed nginx or keepalived as a service; tiered only needs the
# binaries, so leave no daemon running on the machine.
if command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now nginx keepalived >/dev/null 2>&1 || true
fi
for daemon in nginx keepalived; do
  pidfile=/run/$daemon.pid
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
done
exit 0
