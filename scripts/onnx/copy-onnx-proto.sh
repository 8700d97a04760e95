#!/usr/bin/env bash
# Copies ONNX's schema (onnx.proto, Apache-2.0) from Debian's libonnx-dev into src/main/proto/onnx/, where
# protoc (protobuf-maven-plugin) turns it into the Java classes the ONNX exporter writes. Run it again after
# upgrading libonnx-dev; the exporter's IR version and opset follow this file (see org.descent.onnx).
#   apt-get install libonnx-dev && scripts/onnx/copy-onnx-proto.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
src=/usr/include/onnx/onnx.proto
[ -r "$src" ] || { echo "copy-onnx-proto: $src is missing (apt-get install libonnx-dev)"; exit 1; }
version=$(dpkg-query -W -f '${Version}' libonnx-dev 2>/dev/null || echo unknown)
{
  echo "// Copied verbatim from Debian's libonnx-dev $version ($src) by scripts/onnx/copy-onnx-proto.sh."
  cat "$src"
} > src/main/proto/onnx/onnx.proto
echo "copy-onnx-proto: src/main/proto/onnx/onnx.proto from libonnx-dev $version"
