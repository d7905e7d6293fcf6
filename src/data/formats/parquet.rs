//! Parquet through the `parquet` crate's Arrow reader: only the columns asked for are
//! decoded, text columns are read as dictionaries (so a dictionary-encoded column's
//! values are looked up once per batch, straight into categories), and blocks of row
//! groups are read on all cores, then joined in file order.

use std::path::Path;
use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};

use super::arrow::{Part, Place};
use super::{FileMeta, Format, Raw, bad_file};
use crate::data::DataError;

/// Rows per decoded batch.
const BATCH: usize = 1 << 16;

/// Reads a Parquet file (only `columns`, when given).
pub(crate) fn read(path: &Path, file: &str, columns: Option<&[String]>) -> Result<Raw, DataError> {
    let open = || {
        std::fs::File::open(path).map_err(|e| DataError::Io {
            file: file.to_string(),
            message: e.to_string(),
        })
    };
    let bad = |e: &dyn std::fmt::Display| bad_file(file, Format::Parquet, e);
    let handle = open()?;
    let plain =
        ArrowReaderMetadata::load(&handle, ArrowReaderOptions::new()).map_err(|e| bad(&e))?;
    // Text read as dictionaries: the file's own dictionary pages then come through as
    // they are.
    let hinted = Schema::new_with_metadata(
        plain
            .schema()
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Utf8 | DataType::LargeUtf8 => Arc::new(Field::new(
                    f.name(),
                    DataType::Dictionary(
                        Box::new(DataType::Int32),
                        Box::new(f.data_type().clone()),
                    ),
                    f.is_nullable(),
                )),
                _ => Arc::clone(f),
            })
            .collect::<Vec<_>>(),
        plain.schema().metadata().clone(),
    );
    let meta = ArrowReaderMetadata::try_new(
        Arc::clone(plain.metadata()),
        ArrowReaderOptions::new().with_schema(Arc::new(hinted)),
    )
    .unwrap_or(plain);
    let fields = meta.schema().fields().clone();
    let roots: Vec<usize> = (0..fields.len())
        .filter(|&j| columns.is_none_or(|c| c.iter().any(|n| n == fields[j].name())))
        .collect();
    let mask = ProjectionMask::roots(meta.parquet_schema(), roots.iter().copied());
    let group_rows: Vec<u64> = meta
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.num_rows().max(0) as u64)
        .collect();
    let blocks = crate::parallel::map_blocks(
        group_rows.len(),
        crate::parallel::cores(),
        1,
        |groups| -> Result<Vec<Part>, DataError> {
            let mut parts = roots
                .iter()
                .map(|&j| {
                    let place = Place {
                        file,
                        format: Format::Parquet,
                        column: fields[j].name(),
                        first_case: 1,
                    };
                    Part::new(fields[j].data_type(), &place)
                })
                .collect::<Result<Vec<_>, _>>()?;
            if groups.is_empty() {
                return Ok(parts);
            }
            let mut case = group_rows[..groups.start].iter().sum::<u64>() + 1;
            let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(open()?, meta.clone())
                .with_projection(mask.clone())
                .with_row_groups(groups.collect())
                .with_batch_size(BATCH)
                .build()
                .map_err(|e| bad(&e))?;
            for batch in reader {
                let batch = batch.map_err(|e| bad(&e))?;
                for (k, part) in parts.iter_mut().enumerate() {
                    let place = Place {
                        file,
                        format: Format::Parquet,
                        column: fields[roots[k]].name(),
                        first_case: case,
                    };
                    part.push(batch.column(k).as_ref(), &place)?;
                }
                case += batch.num_rows() as u64;
            }
            Ok(parts)
        },
    );
    let mut by_column: Vec<Vec<Part>> = roots.iter().map(|_| Vec::new()).collect();
    for block in blocks {
        for (k, part) in block?.into_iter().enumerate() {
            by_column[k].push(part);
        }
    }
    let columns = roots
        .iter()
        .zip(by_column)
        .map(|(&j, parts)| (fields[j].name().clone(), Part::merge(parts)))
        .collect();
    Ok(Raw {
        columns,
        meta: FileMeta::default(),
    })
}
