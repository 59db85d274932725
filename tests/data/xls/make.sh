#!/usr/bin/env bash
# Makes the .xls test files of tests/importers/xls_test.cpp: openpyxl writes
# workbooks, LibreOffice (headless, its own HOME) saves them as Excel 97-2003
# (BIFF8), and what was written goes into *.expected.json for the test to
# check every value against. Then copies as other programs leave them:
# one whose last sector is short (its padding cut off), one whose workbook
# stream is named "BOOK", and one whose text formula lost its STRING record.
# usage: tests/data/xls/make.sh   (needs /usr/bin/python3 with openpyxl, soffice)
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 make_workbooks.py "$work" ../lai-chau/2018/than-uyen.xlsx
for f in features than-uyen-formulas than-uyen-tcvn3; do
  HOME="$work/home" soffice --headless --convert-to xls --outdir "$work" "$work/$f.xlsx" >/dev/null
  cp "$work/$f.xls" "$f.xls"
done
/usr/bin/python3 make_workbooks.py --variants features.xls
ls -l ./*.xls
