#!/usr/bin/env bash
# The system packages the tests need beyond Python: Debian's Chromium (the browser test), Pango, HarfBuzz's subsetter
# and a CJK font (PDF briefs through WeasyPrint), PostgreSQL (the team triage store's tests).
# Run by `make test` (and so by CI): installs what is missing when it can (root and apt-get); otherwise names what
# to install, in one line, and leaves the decision to the tests (each skips, saying why, without its package).
set -uo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so" || missing+=(libharfbuzz-subset0)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk fontconfig)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null && exit 0
    echo "could not install ${missing[*]}: the tests that need them will say so"
else
    echo "missing system packages: ${missing[*]} (as root: apt-get install ${missing[*]}); the tests that need them will say so"
fi
exit 0
