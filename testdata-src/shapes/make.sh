#!/bin/sh
# Regenerates jobs/testdata/shapes/教育局报表.xlsx with LibreOffice (soffice)
# from the workbook make.py describes. Needs LibreOffice and python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/jobs/testdata/shapes"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
python3 "$here/make.py" >"$tmp/教育局报表.fods"
command soffice "-env:UserInstallation=file://$tmp/profile" --headless \
	--convert-to xlsx --outdir "$tmp" "$tmp/教育局报表.fods" >/dev/null
cp "$tmp/教育局报表.xlsx" "$out/"
chmod 644 "$out/教育局报表.xlsx"
