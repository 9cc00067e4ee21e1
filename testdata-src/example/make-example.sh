#!/bin/sh
# Regenerates the department files in examples/shangzhi-2024/inbox/ from the
# sources in this folder: each <部门>/<name>.fods becomes
# inbox/<部门>/<name>.xlsx exactly as LibreOffice saves it (the police
# bureau's as an Excel 97-2003 .xls: departments still send those), and the statistics
# bureau's CSV (kept here in UTF-8) is saved in GBK with CRLF, as Excel on a
# Chinese Windows writes "CSV". Needs soffice and iconv; no network.
#
#   sh testdata-src/example/make-example.sh      (from anywhere)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
inbox=$(cd "$here/../.." && pwd)/examples/shangzhi-2024/inbox
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for src in "$here"/*/*.fods; do
	dept=$(basename "$(dirname "$src")")
	mkdir -p "$inbox/$dept"
	# A private profile, so a running soffice does not swallow the job.
	format=xlsx
	if [ "$dept" = 公安局 ]; then
		format='xls:MS Excel 97'
	fi
	soffice "-env:UserInstallation=file://$tmp/profile" --headless \
		--convert-to "$format" --outdir "$inbox/$dept" "$src" >/dev/null
done

for src in "$here"/*/*.csv; do
	dept=$(basename "$(dirname "$src")")
	mkdir -p "$inbox/$dept"
	sed 's/$/\r/' "$src" | iconv -f UTF-8 -t GBK >"$inbox/$dept/$(basename "$src")"
done

find "$inbox" -type f | sort
