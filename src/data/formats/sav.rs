//! SPSS `.sav` and `.zsav` through the `ambers` crate: its Arrow batch becomes the
//! columns, its dictionary the [`FileMeta`] (variable labels, value labels, missing-value
//! specs, multiple-response sets). `ambers` decodes the file's code page (Windows-1251 and
//! the other single-byte pages as well as UTF-8).

use std::path::Path;

use super::arrow::{Part, Place};
use super::{FileMeta, Format, MrSetMeta, Raw, VarMeta, bad_file};
use crate::data::DataError;

/// Reads a `.sav`/`.zsav` file (only `columns`, when given; an MR set's name stands for
/// its variables).
pub(crate) fn read(path: &Path, file: &str, columns: Option<&[String]>) -> Result<Raw, DataError> {
    let bad = |e: ambers::error::SpssError| bad_file(file, Format::Sav, e);
    let handle = std::fs::File::open(path).map_err(|e| DataError::Io {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    let reader = std::io::BufReader::with_capacity(1 << 20, handle);
    let mut scanner = ambers::scan_sav_from_reader(reader, 1 << 20).map_err(bad)?;
    let meta = scanner.metadata().clone();
    let names: Vec<String> = match columns {
        None => meta.variable_names.clone(),
        Some(want) => {
            let mut keep: Vec<&str> = Vec::new();
            for w in want {
                keep.push(w);
                let set = meta.mr_sets.iter().find(|(k, s)| {
                    k.trim_start_matches('$') == w || s.name.trim_start_matches('$') == w
                });
                if let Some((_, s)) = set {
                    keep.extend(s.variables.iter().map(String::as_str));
                }
            }
            meta.variable_names
                .iter()
                .filter(|n| keep.contains(&n.as_str()))
                .cloned()
                .collect()
        }
    };
    if columns.is_some() {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        scanner.select(&refs).map_err(bad)?;
    }
    let batch = scanner.collect_single().map_err(bad)?;
    if let Some(expected) = meta.number_rows.filter(|&n| n >= 0)
        && expected as usize != batch.num_rows()
        && (columns.is_none() || !names.is_empty())
    {
        return Err(bad_file(
            file,
            Format::Sav,
            format!(
                "the header says {expected} cases but the data hold {} (the file is cut short?)",
                batch.num_rows()
            ),
        ));
    }
    let mut out = Vec::with_capacity(names.len());
    for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
        let place = Place {
            file,
            format: Format::Sav,
            column: field.name(),
            first_case: 1,
        };
        let mut part = Part::new(field.data_type(), &place)?;
        part.push(array.as_ref(), &place)?;
        out.push((field.name().clone(), Part::merge(vec![part])));
    }
    let vars = names
        .iter()
        .map(|name| VarMeta {
            name: name.clone(),
            label: meta
                .variable_labels
                .get(name)
                .filter(|l| !l.trim().is_empty())
                .cloned(),
            values: meta
                .variable_value_labels
                .get(name)
                .map(|labels| {
                    labels
                        .iter()
                        .filter_map(|(v, l)| match v {
                            ambers::Value::Numeric(x) => Some((*x, l.clone())),
                            ambers::Value::String(_) => None,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            missing: spec_values(meta.variable_missing_values.get(name)),
            missing_ranges: meta
                .variable_missing_values
                .get(name)
                .map(|specs| {
                    specs
                        .iter()
                        .filter_map(|s| match s {
                            ambers::MissingSpec::Range { lo, hi } => Some((*lo, *hi)),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let mut mr_sets = Vec::new();
    for (key, set) in &meta.mr_sets {
        let name = if set.name.is_empty() { key } else { &set.name };
        let counted = match set.mr_type {
            ambers::MrType::MultipleDichotomy => {
                let text = set.counted_value.as_deref().unwrap_or("1").trim();
                match text.parse::<f64>() {
                    Ok(v) => Some(v),
                    // A set counting a text value has no 0/1 columns to stand on.
                    Err(_) => continue,
                }
            }
            ambers::MrType::MultipleCategory => None,
        };
        if let Some(absent) = set
            .variables
            .iter()
            .find(|v| !meta.variable_names.contains(v))
        {
            return Err(bad_file(
                file,
                Format::Sav,
                format!(
                    "multiple-response set {name} lists variable {absent:?}, which the file does not have"
                ),
            ));
        }
        mr_sets.push(MrSetMeta {
            name: name.trim_start_matches('$').to_string(),
            label: set.label.clone(),
            counted,
            variables: set.variables.clone(),
        });
    }
    Ok(Raw {
        columns: out,
        meta: FileMeta {
            title: Some(meta.file_label.clone()),
            vars,
            mr_sets,
        },
    })
}

/// The discrete numeric user-missing values of a variable's specs.
fn spec_values(specs: Option<&Vec<ambers::MissingSpec>>) -> Vec<f64> {
    specs
        .map(|specs| {
            specs
                .iter()
                .filter_map(|s| match s {
                    ambers::MissingSpec::Value(v) => Some(*v),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}
