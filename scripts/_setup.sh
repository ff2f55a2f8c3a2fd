# Sourced by scripts/run and scripts/check: create .venv if missing and install trustlab with its
# pinned dependencies. Two modes, chosen by the sourcing script with SETUP_MODE:
#   run    (scripts/run)   what running needs: trustlab and its runtime dependencies only;
#   check  (scripts/check) everything: the dev tools and the test-only peers (axelrod, torch...).
# Idempotent and fast when nothing changed: the install is skipped when the stamp in .venv records
# the same hash of pyproject.toml, the constraints, this checkout's path and the mode (a check
# install also satisfies run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"
CONSTRAINTS="$ROOT/requirements/constraints.txt"
# torch is axelrod's dependency (a test-only peer); pinned first so that pip takes the local CPU
# wheel instead of resolving gigabytes of CUDA packages.
TORCH="torch==2.13.0"

say() {
    if [ -t 2 ]; then printf '\033[1m==> %s\033[0m\n' "$*" >&2; else printf '==> %s\n' "$*" >&2; fi
}

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3 python; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "trustlab needs Python >= 3.11 (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

make_venv() {
    local py
    py="$(find_python)"
    say "creating .venv with $("$py" --version)"
    if ! "$py" -m venv "$VENV" 2>/dev/null; then
        # Debian splits ensurepip into python3-venv; install it when we can.
        rm -rf "$VENV"
        if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
            say "installing python3-venv (Debian)"
            apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
            "$py" -m venv "$VENV"
        else
            echo "could not create a virtual environment: install python3-venv" >&2
            return 1
        fi
    fi
}

# pip's stderr without the noise of index locations configured on this machine but absent.
quiet_pip() {
    grep -v "is ignored: it is neither a file nor a directory" || true
}

install_stamp() {
    { cat pyproject.toml "$CONSTRAINTS"; echo "$ROOT"; echo "$1"; } | sha256sum | cut -d' ' -f1
}

stamp_ok() {
    local file="$VENV/.trustlab-install-$1"
    [ -f "$file" ] && [ "$(cat "$file")" = "$(install_stamp "$1")" ]
}

setup_env() {
    local mode="${SETUP_MODE:-check}"
    case "$mode" in
        run | check) ;;
        *) echo "SETUP_MODE must be run or check, got '$mode'" >&2; return 2 ;;
    esac
    [ -x "$VENV/bin/python" ] || make_venv
    if stamp_ok "$mode" || { [ "$mode" = run ] && stamp_ok check; }; then
        return 0
    fi
    if [ "$mode" = run ]; then
        say "installing trustlab and its pinned runtime dependencies into .venv"
        "$VENV/bin/python" -m pip install --quiet -e . -c "$CONSTRAINTS" 2> >(quiet_pip >&2)
    else
        say "installing trustlab, its dev tools and test peers (pinned) into .venv"
        "$VENV/bin/python" -m pip install --quiet "$TORCH" -c "$CONSTRAINTS" 2> >(quiet_pip >&2)
        "$VENV/bin/python" -m pip install --quiet -e ".[dev,peers]" -c "$CONSTRAINTS" \
            2> >(quiet_pip >&2)
    fi
    install_stamp "$mode" >"$VENV/.trustlab-install-$mode"
}

# The browser tests (tests/unit/interfaces/web/test_browser.py) drive Debian's chromium through
# Playwright (`playwright install` cannot download browsers offline). For the TEST setup only:
# scripts/check calls this, scripts/run does not. Skipped when chromium is already there, or when
# we cannot install it (not root, no apt-get); the browser tests then skip themselves.
setup_test_browser() {
    command -v chromium >/dev/null 2>&1 && return 0
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        say "installing chromium for the browser tests (Debian)"
        apt-get update -qq && apt-get install -y -qq chromium >/dev/null ||
            say "could not install chromium: the browser tests will be skipped"
    else
        say "chromium not found and cannot be installed here: the browser tests will be skipped"
    fi
}

setup_env
export PATH="$VENV/bin:$PATH"
