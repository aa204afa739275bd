#!/usr/bin/env bash
# The GPU benchmark in one script, for a machine lent for minutes with nothing to download there.
#
#   bench/gpu.sh pack          here: builds, and gathers in .gpu-bench/ (git-ignored) what that
#                              machine lacks: Node, the production node_modules (the webgpu
#                              package's Linux x64 binary only), the Vulkan loader's .deb, the
#                              PyTorch reference and the corpus (from ../shared), the bundled driver
#   bench/gpu.sh run [--quick] there (or here): sets those up where missing, finds the GPU's
#                              Vulkan driver, runs every row (bench/gpu/main.mts) and writes the
#                              markdown table to $OUT/gpu-bench.md (or ./gpu-bench.md)
#
# On the lent machine: run with carry [".gpu-bench", "dist"] and the command `bash bench/gpu.sh run`.
# Here, `bench/gpu.sh run --quick` tries it all on SwiftShader (VK_ICD_FILENAMES set as the tests do).
set -euo pipefail
cd "$(dirname "$0")/.."
PACK=.gpu-bench

pack() {
  npm run build >&2
  rm -rf "$PACK"
  mkdir -p "$PACK/deb"
  xz -T0 -6 -c "$(command -v node)" >"$PACK/node.xz"
  # The production dependencies as the lockfile pins them, without install scripts.
  local deps
  deps=$(mktemp -d)
  cp package.json package-lock.json "$deps/"
  (cd "$deps" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >&2)
  find "$deps/node_modules/webgpu/dist" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
  tar -C "$deps" -cJf "$PACK/node_modules.tar.xz" node_modules
  rm -rf "$deps"
  (cd "$PACK/deb" && apt-get download -oAPT::Architecture=amd64 libvulkan1 >&2)
  cp ../shared/bench/torch_charrnn.py ../shared/corpora/tinyshakespeare.txt bench/torch_lines.py "$PACK/"
  npx esbuild bench/gpu/main.mts --bundle --platform=node --format=esm --target=node20 \
    --external:../dist/node.js --outfile="$PACK/gpu.mjs" --log-level=warning
  du -sh "$PACK" dist >&2
  echo "packed: run it there with carry [\"$PACK\", \"dist\"] and: bash bench/gpu.sh run" >&2
}

run_bench() {
  [ -d "$PACK" ] && [ -d dist ] || { echo "gpu.sh: no $PACK or dist here: run bench/gpu.sh pack first (and carry both)" >&2; exit 1; }
  # Node 20 or later: the machine's, else the one carried.
  local node
  node=$(command -v node || true)
  if [ -z "$node" ] || [ "$("$node" -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    [ -x "$PACK/node" ] || { xz -dc "$PACK/node.xz" >"$PACK/node" && chmod +x "$PACK/node"; }
    node=$PWD/$PACK/node
  fi
  [ -d node_modules/webgpu ] || tar -xJf "$PACK/node_modules.tar.xz"
  # The Vulkan loader, where the image has none.
  if ! "$(command -v ldconfig || echo /sbin/ldconfig)" -p | grep -q 'libvulkan\.so\.1 '; then
    for f in "$PACK"/deb/*.deb; do dpkg -x "$f" /; done
    "$(command -v ldconfig || echo /sbin/ldconfig)"
  fi
  # NVIDIA's Vulkan driver is mounted with the driver, where the loader may not look.
  if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
    for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
      if [ -e "$icd" ]; then
        export VK_DRIVER_FILES=$icd
        break
      fi
    done
  fi
  export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || true
  "$node" "$PACK/gpu.mjs" --out "${OUT:-.}/gpu-bench.md" "$@"
}

case "${1:-}" in
  pack) pack ;;
  run)
    shift
    run_bench "$@"
    ;;
  *)
    echo "usage: bench/gpu.sh pack | run [--quick] [--rounds N]" >&2
    exit 2
    ;;
esac
