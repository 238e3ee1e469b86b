#!/bin/sh
# Installs Debian's headless Java runtime when `java` is missing: the Nu HTML Checker
# (vnu.jar, from the npm package vnu-jar) runs on it in the tests.
set -e
if command -v java >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "java is missing: run 'sudo apt-get install default-jre-headless' (the HTML checker needs it)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null
java -version
