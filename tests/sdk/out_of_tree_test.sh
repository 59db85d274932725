#!/usr/bin/env bash
# The SDK as a plugin author gets it: installed into a prefix, the example
# importer configured and built against it with only find_package(TonghopSDK),
# and the daemon loading what it built. Also checks what `cmake --install`
# puts where for the daemon.
# usage: out_of_tree_test.sh BUILD_DIR SOURCE_DIR TONGHOPD
set -euo pipefail
build=$1 source=$2 tonghopd=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== install the SDK component into $work/sdk"
cmake --install "$build" --component sdk --prefix "$work/sdk" >/dev/null
test -f "$work/sdk/include/tonghop/sdk.hpp"
test -f "$work/sdk/lib/cmake/TonghopSDK/TonghopSDKConfig.cmake"
grep -q 'PACKAGE_VERSION "1.6.0"' "$work/sdk/lib/cmake/TonghopSDK/TonghopSDKConfigVersion.cmake"

echo "== build the example against the installed SDK only"
cmake -S "$source/sdk/examples/hello-importer" -B "$work/example" -DCMAKE_PREFIX_PATH="$work/sdk" \
      -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/example" >/dev/null
test -f "$work/example/tonghop-hello.so"

echo "== a request for SDK 2 is refused by the version file (SameMajorVersion)"
mkdir -p "$work/v2"
cat > "$work/v2/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(v2 LANGUAGES CXX)
find_package(TonghopSDK 2 REQUIRED)
CM
if cmake -S "$work/v2" -B "$work/v2/build" -DCMAKE_PREFIX_PATH="$work/sdk" >/dev/null 2>&1; then
  echo "FAIL: find_package(TonghopSDK 2) accepted SDK 1"; exit 1
fi

echo "== the daemon loads the example"
mkdir -p "$work/plugins"
cp "$work/example/tonghop-hello.so" "$work/plugins/"
cp "$build/plugins/tonghop-export-json.so" "$work/plugins/"
out=$("$tonghopd" plugins --plugins-dir "$work/plugins")
echo "$out"
echo "$out" | grep -Eq '^hello +0\.1\.0 +importer +hello +3 +tonghop-hello\.so$'
echo "$out" | grep -Eq '^export-json +1\.1\.0 +exporter +json +3 '
if echo "$out" | grep -q refused; then echo "FAIL: something was refused"; exit 1; fi

echo "== cmake --install puts the daemon, its plugins, configuration and unit in place"
DESTDIR="$work/root" cmake --install "$build" --component daemon >/dev/null
unit=$(find "$work/root" -name tonghopd.service)
test -n "$unit"
exec_start=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$unit")
test -x "$work/root$exec_start"                       # the unit starts the installed binary
config=$(sed -n 's/^ExecStart=.*--config \([^ ]*\).*/\1/p' "$unit")
test -f "$work/root$config"                           # with the installed configuration
plugin_dir=$(sed -n 's/^ExecStart=.*--plugins-dir \([^ ]*\).*/\1/p' "$unit")
test -f "$work/root$plugin_dir/tonghop-export-json.so"
grep -q '^User=tonghop$' "$unit"
grep -q '^StateDirectory=tonghop$' "$unit"
grep -q -- '--data-dir /var/lib/tonghop' "$unit"
grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' "$unit"
find "$work/root" -path '*sysusers.d/tonghop.conf' | grep -q .
# The installed configuration names the installed catalogue, registry, profiles and data.
for key in catalogue units profiles; do
  path=$(sed -n "s/^$key = \"\([^\"]*\)\".*/\1/p" "$work/root$config")
  test -e "$work/root$path" || { echo "FAIL: $key = $path is not installed"; exit 1; }
done
grep -q '^data_dir = "/var/lib/tonghop"' "$work/root$config"
echo "PASS"
