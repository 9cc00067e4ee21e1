#!/usr/bin/python3
"""The script a user would write instead of sheaf, for comparison.

    openpyxl_sync.py DIR DB

Reads every .xlsx under DIR with openpyxl (read-only, cached values), finds
the header row (指标编码 … 年度 … 数值), and stores (code, year, value) of
every row with a code into the SQLite file DB: WAL, synchronous=NORMAL, one
transaction per workbook. Prints "FILES ROWS" when done.

Run it with Debian's Python (apt-get install python3-openpyxl):
    /usr/bin/python3 bench/openpyxl_sync.py ~/.cache/sheaf-bench/corpus-a /tmp/o.db
"""

import os
import sqlite3
import sys

import openpyxl


def header_columns(row):
    """Return the columns of code, year and value if row is the header."""
    labels = [str(v).strip() if v is not None else "" for v in row]
    if "指标编码" in labels and "年度" in labels and "数值" in labels:
        return labels.index("指标编码"), labels.index("年度"), labels.index("数值")
    return None


def read_workbook(path):
    """Yield (code, year, value) from every sheet of the workbook at path."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            cols = None
            for row in ws.iter_rows(values_only=True):
                if cols is None:
                    cols = header_columns(row)
                    continue
                width = max(cols) + 1
                if len(row) < width or row[cols[0]] is None:
                    continue
                code, year, value = (row[c] for c in cols)
                if isinstance(value, str):
                    try:
                        value = float(value.replace(",", ""))
                    except ValueError:
                        value = None
                yield str(code).strip(), str(year).strip(), value
    finally:
        wb.close()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: openpyxl_sync.py DIR DB")
    root, db = sys.argv[1], sys.argv[2]
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(
        "CREATE TABLE IF NOT EXISTS observations ("
        " file TEXT NOT NULL, code TEXT NOT NULL, year TEXT, value REAL)"
    )
    files = rows = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".xlsx") or name.startswith(("~$", ".")):
                continue
            path = os.path.join(dirpath, name)
            batch = [(path, code, year, value) for code, year, value in read_workbook(path)]
            con.execute("BEGIN")
            con.executemany("INSERT INTO observations (file, code, year, value) VALUES (?, ?, ?, ?)", batch)
            con.execute("COMMIT")
            files += 1
            rows += len(batch)
    con.close()
    print(files, rows)


if __name__ == "__main__":
    main()
