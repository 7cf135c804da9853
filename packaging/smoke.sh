#!/usr/bin/env bash
# Install the .deb into a throwaway root with `dpkg -x` and run what it installed, with a
# PATH and environment that hold no Python environment of the project:
#   hntai --version, hntai init, hntai process on a sample, hntai status (OCR found),
#   hntai models load of the embedded models, and hntai-desktop --screenshots offscreen.
#   bash packaging/smoke.sh [build/hntai_<version>_<arch>.deb]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEB="${1:-$(ls -t "$ROOT"/build/hntai_*.deb 2>/dev/null | head -1)}"
[ -f "$DEB" ] || { echo "smoke: no .deb (run bash packaging/build.sh)" >&2; exit 2; }
WORK="$(mktemp -d /tmp/hntai-smoke.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "smoke FAILED: $*" >&2; exit 1; }

dpkg-deb -f "$DEB" Depends | grep -q "tesseract-ocr" || fail "Depends lacks tesseract-ocr"
dpkg-deb -x "$DEB" "$WORK/root"
INSTALLED="$WORK/root"
VERSION="$(dpkg-deb -f "$DEB" Version)"
mkdir -p "$WORK/home"
cd "$WORK"  # not the checkout: nothing of the project is importable from here

# Only the package's /usr/bin and the system's; the machine policy is the shipped one.
run() {
    env -i HOME="$WORK/home" PATH="$INSTALLED/usr/bin:/usr/bin:/bin" LANG=C.UTF-8 \
        HNTAI_DATA_DIR="$WORK/data" HNTAI_MODEL_DIR="$WORK/models" \
        HNTAI_POLICY="$INSTALLED/etc/hntai/policy.toml" \
        HNTAI_PASSWORD="smoke test password" HNTAI_USER=admin QT_QPA_PLATFORM=offscreen "$@"
}
if run python3 -c "import engine" 2>/dev/null; then
    fail "the project's Python package is importable: not a clean environment"
fi
[ "$(readlink "$INSTALLED/usr/bin/hntai")" = "../../opt/hntai/hntai" ] || fail "hntai link"
[ -f "$INSTALLED/usr/share/applications/hntai.desktop" ] || fail "no desktop entry"

out="$(run hntai --version)"
[ "$out" = "hntai $VERSION" ] || fail "--version said: $out"
echo "ok  hntai --version: $out"

run hntai init --admin admin --json > "$WORK/init.json" || fail "hntai init"
grep -q '"recovery_key"' "$WORK/init.json" || fail "init printed no recovery key"
echo "ok  hntai init"

sample="$INSTALLED/opt/hntai/_internal/resources/samples/clinic_note.txt"
run hntai process --json "$sample" > "$WORK/process.json" || fail "hntai process: $(cat "$WORK/process.json")"
grep -q '"status": "succeeded"' "$WORK/process.json" || fail "process: $(cat "$WORK/process.json")"
echo "ok  hntai process clinic_note.txt: $(grep -o '"document_id": "[^"]*"' "$WORK/process.json")"

run hntai status --json > "$WORK/status.json" || fail "hntai status"
grep -q '"ocr_available": true' "$WORK/status.json" || fail "status: OCR not found"
echo "ok  hntai status (OCR available)"

# A machine policy with a mistyped key stops every command at start, naming the key.
printf '[security]\nidle_lock = 5\n' > "$WORK/bad-policy.toml"
if run env HNTAI_POLICY="$WORK/bad-policy.toml" hntai status 2> "$WORK/policy.err"; then
    fail "a bad policy was accepted"
fi
grep -q "INVALID_CONFIG: policy key security.idle_lock" "$WORK/policy.err" \
    || fail "policy error: $(cat "$WORK/policy.err")"
echo "ok  a bad machine policy is refused at start"

# The embedded models, found inside the bundle and loaded by llama.cpp and CTranslate2.
for model in smollm2-135m-instruct-q4 whisper-base; do
    run hntai models load "$model" --json > "$WORK/load.json" || fail "load $model: $(cat "$WORK/load.json")"
    grep -q "\"name\": \"$model\"" "$WORK/load.json" || fail "load $model: $(cat "$WORK/load.json")"
done
echo "ok  hntai models load (embedded SmolLM2 GGUF, Whisper base)"

# Offline provisioning with the installed command: a model new to this machine is packed,
# a damaged copy of the bundle is refused, the intact one is imported and then loads.
mkdir -p "$WORK/it-folder"
cp "$INSTALLED/opt/hntai/_internal/models/SmolLM2-135M-Instruct.Q4_1.gguf" \
    "$WORK/it-folder/clinic-summary.gguf"
cat > "$WORK/it-folder/models_config.json" <<'JSON'
{"models": [{"name": "clinic-summary", "task": "summary", "backend": "gguf",
             "path": "clinic-summary.gguf", "context_window": 2048}]}
JSON
run hntai models pack "$WORK/it-folder" -o "$WORK/bundle.tar" > /dev/null || fail "models pack"
cp "$WORK/bundle.tar" "$WORK/damaged.tar"
printf 'X' | dd of="$WORK/damaged.tar" bs=1 seek=$((10 * 1024 * 1024)) conv=notrunc status=none
if run hntai models import "$WORK/damaged.tar" 2> "$WORK/import.err"; then
    fail "a damaged bundle was imported"
fi
grep -q "MODEL_CHECKSUM_MISMATCH: models/clinic-summary.gguf" "$WORK/import.err" \
    || fail "damaged bundle: $(cat "$WORK/import.err")"
run hntai models import "$WORK/bundle.tar" > /dev/null || fail "models import"
run hntai models load clinic-summary --json | grep -q '"name": "clinic-summary"' \
    || fail "the imported model does not load"
echo "ok  hntai models pack/import (damaged bundle refused, imported model loads)"

if [ -e "$INSTALLED/usr/bin/hntai-desktop" ]; then
    run hntai-desktop --screenshots "$WORK/shots" \
        --samples "$INSTALLED/opt/hntai/_internal/resources/samples" > "$WORK/desktop.log" 2>&1 \
        || fail "hntai-desktop --screenshots (exit $?): $(tail -5 "$WORK/desktop.log")"
    shots=$(find "$WORK/shots" -name '*.png' | wc -l)
    [ "$shots" -gt 0 ] || fail "the desktop wrote no screenshots"
    echo "ok  hntai-desktop --screenshots: $shots views rendered offscreen"
else
    fail "the package has no hntai-desktop"
fi
echo "smoke passed: $(basename "$DEB")"
