#!/bin/sh
# Installs Debian's nginx (the tests in tests/deploy and the slow-client benchmark run it
# with deploy/nginx.conf). Debian 12 and 13 ship the server itself as package `nginx`;
# `nginx-light` only adds a module on top of it.
set -e
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "nginx is missing: run 'sudo apt-get install nginx' (tests/deploy and the bench need it)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends nginx >/dev/null
/usr/sbin/nginx -v
