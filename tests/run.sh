#!/usr/bin/env bash
# The whole test set-up and run, on a fresh machine: Debian's chromium and chromedriver (the
# browser test), redis-server (the distributed crawls' tests) and nginx (the static site
# generator's fixture is served as a real static server serves it), a virtual environment with
# the project and its test extras, mypy over crawler/ and storage/, then pytest. Arguments go to pytest (e.g. -x, -k NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PATH:/usr/sbin"  # where Debian puts nginx
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v redis-server >/dev/null \
    || ! command -v nginx >/dev/null; then
    sudo=$([ "$(id -u)" = 0 ] || echo sudo)
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver redis-server nginx-light
fi
python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
.venv/bin/mypy  # crawler/ and storage/ (pyproject.toml's [tool.mypy])
exec .venv/bin/python -m pytest "$@"
