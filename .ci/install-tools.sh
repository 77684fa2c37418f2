#!/usr/bin/env bash
# Install the Debian command-line tools the tests call: raptor's rapper (raptor2-utils), a third
# RDF parser that tests/publish/test_dumps.py runs on every dump; Virtuoso open source's server and
# SQL client (virtuoso-opensource-7-bin: virtuoso-t, isql-vt), which tests/store/test_virtuoso.py
# starts on loopback with its own database folder. Only the binaries package: the full
# virtuoso-opensource asks for a DBA password (debconf) and starts a system service the tests
# neither want nor use.
# Idempotent: does nothing when everything is already installed. Debian packages only.
set -euo pipefail

packages=(raptor2-utils virtuoso-opensource-7-bin)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-tools: already installed: ${packages[*]}"
    exit 0
fi

echo "install-tools: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-tools: done"
