#!/bin/sh
# pack.sh: put perfguard's source beside the add-on's Dockerfile
# (perfguard-src.tar.gz, from the git checkout's HEAD), as the Supervisor
# builds the image from this folder alone. Usage: sh ha-addon/pack.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
git -C "$here/.." archive --format=tar.gz --prefix=perfguard/ -o "$here/perfguard-src.tar.gz" HEAD
echo "wrote $here/perfguard-src.tar.gz; copy $here to /addons/perfguard on the Home Assistant host"
