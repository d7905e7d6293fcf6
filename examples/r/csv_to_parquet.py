"""Writes a CSV file as Parquet with pyarrow, text columns dictionary-encoded, for the
load-speed comparison of examples/bench_open.rs:
    python3 examples/r/csv_to_parquet.py /tmp/survey_10m.csv /tmp/survey_10m.parquet
Row groups of 1M rows (pyarrow's default), snappy compression (its default).
"""
import sys

import pyarrow.csv as pcsv
import pyarrow.parquet as pq

table = pcsv.read_csv(sys.argv[1])
pq.write_table(table, sys.argv[2], row_group_size=1_000_000, use_dictionary=True)
