#!/bin/sh
# Installs Debian's Chromium (driven by Playwright in the browser tests).
set -e
if [ "$(id -u)" != 0 ]; then
  echo "chromium is missing: run 'sudo apt-get install chromium' (the browser tests need it)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-noto-core fonts-noto-color-emoji >/dev/null
command -v chromium
