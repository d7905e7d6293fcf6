"""Parquet fixture of the file-format readers (tests/integration/formats.rs), by pyarrow.

Run from the crate root after formats_make.R:  python3 tests/data/formats_make.py
Reads tests/data/formats.csv; writes tests/data/formats.parquet with the text column
dictionary-encoded, the date as a Parquet date, and two row groups (so the reader's
parallel row groups are exercised).
"""
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

table = pcsv.read_csv(
    "tests/data/formats.csv",
    convert_options=pcsv.ConvertOptions(
        column_types={"visit": pa.date32(), "q5": pa.int32(), "region": pa.int32()},
    ),
)
table = table.set_column(
    table.schema.get_field_index("city"), "city", table["city"].dictionary_encode()
)
pq.write_table(table, "tests/data/formats.parquet", row_group_size=100)
