#!/usr/bin/env bash
# Install headless Chromium, its WebDriver and a CJK font for tests/server/test_browser.py and for
# the publish charts (matplotlib needs a font with Chinese glyphs to lay out labels).
# Idempotent: does nothing when everything is already installed. Debian packages only.
set -euo pipefail

packages=(chromium chromium-driver fonts-wqy-microhei)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-browser: already installed: ${packages[*]}"
    exit 0
fi

echo "install-browser: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# matplotlib caches the font list; drop it so the new font is found.
rm -rf "${HOME:-/root}/.cache/matplotlib"
echo "install-browser: done"
