#!/usr/bin/env bash
# Build build/hntai_<version>_amd64.deb from the PyInstaller folder (build/dist/hntai) with
# dpkg-deb. The file list is packaging/layout.toml, shared with the Windows installer.
#   bash packaging/linux/build_deb.sh      (packaging/build.sh runs it after PyInstaller)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
VERSION="$("$PY" -c 'import tomllib,sys; print(tomllib.load(open(sys.argv[1],"rb"))["project"]["version"])' "$ROOT/pyproject.toml")"
ARCH="$(dpkg --print-architecture)"
STAGE="$ROOT/build/deb"
OUT="$ROOT/build/hntai_${VERSION}_${ARCH}.deb"
# zstd: 10 s here where gzip took minutes (weights hardly compress either way). Every dpkg
# on a system with the glibc the bundle needs (Debian 12 or newer) reads it;
# HNTAI_DEB_COMPRESS=gzip for older tools.
COMPRESS="${HNTAI_DEB_COMPRESS:-zstd}"
# The bundle's executables and libpython need the C library they were built against.
GLIBC="$(getconf GNU_LIBC_VERSION | awk '{print $2}')"

rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN"
"$PY" "$ROOT/packaging/layout.py" stage "$STAGE"
# Readable by every user, writable by root only; executables keep their x bit.
chmod -R u=rwX,go=rX "$STAGE"
"$PY" "$ROOT/packaging/layout.py" conffiles > "$STAGE/DEBIAN/conffiles"

installed_kb="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
# Tesseract does OCR; the rest are what Qt's X11/Wayland platform plugins and QtMultimedia
# (libpulse) load from the system (offscreen needs only fontconfig, EGL and xkbcommon).
cat > "$STAGE/DEBIAN/control" <<EOF
Package: hntai
Version: $VERSION
Architecture: $ARCH
Maintainer: HNTAI maintainers <hntai@localhost>
Section: science
Priority: optional
Installed-Size: $installed_kb
Depends: tesseract-ocr, tesseract-ocr-eng, libc6 (>= $GLIBC), libegl1, libgl1, libfontconfig1, libxkbcommon0, libxkbcommon-x11-0, libdbus-1-3, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-render-util0, libxcb-shape0, libxcb-xkb1, libxcb-randr0, libpulse0
Description: offline clinical document appliance
 HNTAI extracts text from clinical documents (PDF, DOCX, scans, audio), scrubs
 protected health information, structures the clinical data and writes patient
 summaries with a local language model. Nothing leaves the workstation: the
 scrubbed data and the audit trail live in one encrypted SQLCipher file.
 .
 Commands: hntai (CLI) and hntai-desktop. Machine policy: /etc/hntai/policy.toml.
 Models provisioned offline: hntai models import BUNDLE.tar (into /var/lib/hntai/models).
EOF

cat > "$STAGE/DEBIAN/postinst" <<EOF
#!/bin/sh
# Machine-wide directories: made at install, modes restored on upgrade, contents kept.
set -e
if [ "\$1" = "configure" ]; then
    getent group hntai >/dev/null || groupadd --system hntai
$("$PY" "$ROOT/packaging/layout.py" postinst | sed 's/^/    /')
fi
exit 0
EOF

cat > "$STAGE/DEBIAN/postrm" <<'EOF'
#!/bin/sh
# Removal and upgrade keep every model, store and policy; only purge deletes them
# (dpkg itself deletes the /etc/hntai conffiles on purge). Stores under users' home
# directories are never touched.
set -e
if [ "$1" = "purge" ]; then
    rm -rf /var/lib/hntai
    rmdir /etc/hntai 2>/dev/null || true
    if getent group hntai >/dev/null; then groupdel hntai || true; fi
fi
exit 0
EOF
chmod 0755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/conffiles"

dpkg-deb --root-owner-group -Z"$COMPRESS" --build "$STAGE" "$OUT" >/dev/null
rm -rf "$STAGE"
echo "built $OUT ($(du -h "$OUT" | cut -f1), installed $((installed_kb / 1024)) MiB)"
