#!/usr/bin/env bash
# Starts what the test suite needs and a fresh machine lacks: redis-server (for tests marked
# `redis`) and Debian's chromium (for tests marked `browser`). Tests skip what is still missing.
set -uo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || return 1
  as_root apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null 2>&1
}
if ! command -v redis-server >/dev/null; then
  apt_install redis-server || echo "services: redis-server unavailable; tests marked redis will skip"
fi
if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/newscrawl-redis.log >/dev/null 2>&1 || true
  for _ in $(seq 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.25; done
fi
if ! command -v chromium >/dev/null; then
  apt_install chromium || echo "services: chromium unavailable; tests marked browser will skip"
fi
exit 0
