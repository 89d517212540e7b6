#!/usr/bin/env python3
"""The comparable part of fapiao's nightly job, written for DuckDB, for `make bench`'s side-by-side figure.

DuckDB reads only UTF-8 CSV here: the GB18030 and XML branch exports of a sample chain cannot be read by it,
so this job covers the UTF-8 CSV branches (dialects pos-v3 and cloud-pos) and the authority export. It does
what fapiao does with them, in SQL: map columns, normalize keys (20-digit numbers, padded code-number), money
(¥, ￥, 元, thousands separators, full-width digits) and dates, dedupe by key (first file, then line), reconcile
(missing on either side, amount / tax / total / date mismatches), and write the canonical dataset and the
discrepancy rows as CSV. It does not validate taxpayer IDs, decode encodings, or keep provenance per line
the way fapiao does, so it is a generous comparison for DuckDB.

usage: duckdb_job.py CHAIN_DIR OUT_DIR   (prints: seconds branch_records authority_records)
"""
import glob
import os
import sys
import time

import duckdb

POS_V3 = dict(code="发票代码", number="发票号码", date="开票日期", amount="金额", tax="税额", total="价税合计")
CLOUD = dict(code="invoice_code", number="invoice_no", digital="digital_no", date="issued_at",
             amount="net_amount", tax="tax_amount", total="gross_amount")
AUTHORITY = dict(code="发票代码", number="发票号码", digital="数电发票号码", date="开票日期",
                 amount="金额", tax="税额", total="价税合计")


def money(column):
    folded = f"translate({column}, '０１２３４５６７８９．－，', '0123456789.-,')"
    cleaned = f"regexp_replace({folded}, '[¥￥元,\\s]', '', 'g')"
    return f"try_cast({cleaned} AS DECIMAL(18,2))"


def date(column):
    formats = "['%Y-%m-%d %H:%M:%S', '%Y-%m-%d', '%Y/%m/%d', '%Y年%m月%d日']"
    return f"CAST(try_strptime(trim({column}), {formats}) AS DATE)"


def key(m):
    number = f"regexp_replace(coalesce(\"{m['number']}\", ''), '\\s', '', 'g')"
    digital = f"regexp_replace(coalesce(\"{m['digital']}\", ''), '[^0-9]', '', 'g')" if "digital" in m else "''"
    code = f"regexp_replace(coalesce(\"{m['code']}\", ''), '\\s', '', 'g')"
    return f"""CASE WHEN length({digital}) = 20 THEN {digital}
        WHEN length({number}) = 20 THEN {number}
        WHEN {code} <> '' AND {number} <> '' THEN lpad({code}, CASE WHEN length({code}) > 10 THEN 12 ELSE 10 END, '0')
             || '-' || lpad({number}, 8, '0')
        END"""


def select(files, m, source):
    listing = ", ".join(f"'{f}'" for f in files)
    return f"""SELECT '{source}' AS source, filename AS file, {key(m)} AS invoice_key,
        {date('"' + m['date'] + '"')} AS issue_date, {money('"' + m['amount'] + '"')} AS amount,
        {money('"' + m['tax'] + '"')} AS tax, {money('"' + m['total'] + '"')} AS total
        FROM read_csv([{listing}], all_varchar = true, header = true, delim = ',', quote = '"', escape = '"', strict_mode = false, null_padding = true, parallel = false, filename = true, union_by_name = true)"""


def main(chain, out):
    os.makedirs(out, exist_ok=True)
    pos = sorted(glob.glob(f"{chain}/exports/*/*/invoices-*.csv"))
    cloud = sorted(glob.glob(f"{chain}/exports/*/*/export-*.csv.gz"))
    authority = sorted(glob.glob(f"{chain}/authority/*/tax-export.csv.gz"))
    con = duckdb.connect()
    con.execute("SET threads = 2")
    started = time.time()
    parts = [select(pos, POS_V3, "pos-v3")] if pos else []
    parts += [select(cloud, CLOUD, "cloud-pos")] if cloud else []
    con.execute(f"CREATE TABLE branch_raw AS {' UNION ALL '.join(parts)}")
    con.execute(f"CREATE TABLE authority_raw AS {select(authority, AUTHORITY, 'tax-bureau')}")
    for side in ("branch", "authority"):
        con.execute(f"""CREATE TABLE {side} AS SELECT * EXCLUDE (n) FROM (
            SELECT *, row_number() OVER (PARTITION BY invoice_key ORDER BY file) AS n
            FROM {side}_raw WHERE invoice_key IS NOT NULL AND amount IS NOT NULL AND total IS NOT NULL
              AND issue_date IS NOT NULL) WHERE n = 1""")
    con.execute(f"""COPY (SELECT * FROM branch UNION ALL
        SELECT * FROM authority a WHERE NOT EXISTS (SELECT 1 FROM branch b WHERE b.invoice_key = a.invoice_key)
        ORDER BY invoice_key, source) TO '{out}/canonical.csv' (HEADER)""")
    con.execute(f"""COPY (
        SELECT 'missing_in_authority' AS type, b.invoice_key, NULL AS field, NULL AS branch_value, NULL AS authority_value
          FROM branch b ANTI JOIN authority a USING (invoice_key)
        UNION ALL SELECT 'missing_in_branches', a.invoice_key, NULL, NULL, NULL
          FROM authority a ANTI JOIN branch b USING (invoice_key)
        UNION ALL SELECT 'field_mismatch', invoice_key, field, branch_value, authority_value FROM (
          SELECT b.invoice_key,
            [struct_pack(f := 'amount', b := CAST(b.amount AS VARCHAR), a := CAST(a.amount AS VARCHAR)),
             struct_pack(f := 'tax', b := CAST(b.tax AS VARCHAR), a := CAST(a.tax AS VARCHAR)),
             struct_pack(f := 'total', b := CAST(b.total AS VARCHAR), a := CAST(a.total AS VARCHAR)),
             struct_pack(f := 'issue_date', b := CAST(b.issue_date AS VARCHAR), a := CAST(a.issue_date AS VARCHAR))]
            AS pairs
          FROM branch b JOIN authority a USING (invoice_key)),
          LATERAL (SELECT unnest(pairs) AS p), LATERAL (SELECT p.f AS field, p.b AS branch_value, p.a AS authority_value)
          WHERE branch_value IS DISTINCT FROM authority_value
        ORDER BY 1, 2, 3) TO '{out}/discrepancies.csv' (HEADER)""")
    seconds = time.time() - started
    branch_records = con.execute("SELECT count(*) FROM branch_raw").fetchone()[0]
    authority_records = con.execute("SELECT count(*) FROM authority_raw").fetchone()[0]
    print(f"{seconds:.2f} {branch_records} {authority_records}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
