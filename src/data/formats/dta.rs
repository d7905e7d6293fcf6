//! Stata `.dta` (versions 102–119) through the `dta` crate: records streamed into the
//! columns, long strings (`strL`) resolved after them, value-label sets into the
//! [`FileMeta`]. Stata's missing values (`.`, `.a`–`.z`) are missing; `%td` dates become
//! days and `%tc` date-times seconds since 1970-01-01.

use std::path::Path;

use dta::stata::dta::dta_reader::DtaReader;
use dta::stata::dta::long_string_ref::LongStringRef;
use dta::stata::dta::long_string_table::LongStringTable;
use dta::stata::dta::value::Value;
use dta::stata::dta::value_label_table::ValueLabelTable;
use dta::stata::dta::variable_type::VariableType;

use super::{FileMeta, Format, Raw, VarMeta, bad_file};
use crate::data::column::CategoricalBuilder;
use crate::data::{Column, DataError, NumericColumn};

/// Days from 1960-01-01 (Stata's origin) to 1970-01-01.
const DAYS_1960_TO_1970: f64 = 3653.0;

/// One column being read.
enum Acc {
    Num(NumericColumn),
    Text(CategoricalBuilder),
    Long(Vec<Option<LongStringRef>>),
}

/// How a numeric column's values are rescaled (Stata dates count from 1960).
#[derive(Clone, Copy)]
enum Scale {
    Plain,
    Days,
    Millis,
}

/// Reads a `.dta` file (only `columns`, when given).
pub(crate) fn read(path: &Path, file: &str, columns: Option<&[String]>) -> Result<Raw, DataError> {
    let bad = |e: dta::stata::dta::dta_error::DtaError| bad_file(file, Format::Dta, e);
    let size = std::fs::metadata(path)
        .map_err(|e| DataError::Io {
            file: file.to_string(),
            message: e.to_string(),
        })?
        .len();
    let mut chars = DtaReader::new()
        .from_path(path)
        .map_err(bad)?
        .read_header()
        .map_err(bad)?
        .read_schema()
        .map_err(bad)?;
    chars.skip_to_end().map_err(bad)?;
    let mut records = chars.into_record_reader().map_err(bad)?;
    let schema = records.schema().clone();
    let header = records.header().clone();
    let vars = schema.variables();
    let keep: Vec<bool> = vars
        .iter()
        .map(|v| columns.is_none_or(|c| c.iter().any(|n| n == v.name())))
        .collect();
    // The header's count bounds nothing: the file's size does.
    let capacity = (header.observation_count().min(size) as usize).min(1 << 24);
    let mut accs: Vec<(Acc, Scale)> = vars
        .iter()
        .map(|v| {
            let scale = match v.format().trim_start_matches('%') {
                f if f.starts_with("td") || f.starts_with('d') => Scale::Days,
                f if f.starts_with("tc") || f.starts_with("tC") => Scale::Millis,
                _ => Scale::Plain,
            };
            let acc = match v.variable_type() {
                VariableType::FixedString(_) => Acc::Text(CategoricalBuilder::default()),
                VariableType::LongString => Acc::Long(Vec::new()),
                _ => Acc::Num(NumericColumn::with_capacity(capacity)),
            };
            (acc, scale)
        })
        .collect();
    let mut case = 0u64;
    while let Some(record) = records.read_record().map_err(bad)? {
        case += 1;
        for (j, value) in record.values().iter().enumerate() {
            if !keep.get(j).copied().unwrap_or(false) {
                continue;
            }
            let Some((acc, scale)) = accs.get_mut(j) else {
                continue;
            };
            match (acc, value) {
                (Acc::Num(c), v) => {
                    let x = match v {
                        Value::Byte(b) => b.present().map(f64::from),
                        Value::Int(i) => i.present().map(f64::from),
                        Value::Long(l) => l.present().map(f64::from),
                        Value::Float(f) => f.present().map(f64::from),
                        Value::Double(d) => d.present(),
                        _ => None,
                    };
                    let x = x.map(|x| match scale {
                        Scale::Plain => x,
                        Scale::Days => x - DAYS_1960_TO_1970,
                        Scale::Millis => x / 1000.0 - DAYS_1960_TO_1970 * 86_400.0,
                    });
                    if let Some(x) = x
                        && !x.is_finite()
                    {
                        return Err(DataError::BadCell {
                            file: file.to_string(),
                            case,
                            column: vars[j].name().to_string(),
                            value: x.to_string(),
                            reason: "not a finite number".into(),
                        });
                    }
                    c.push(x);
                }
                (Acc::Text(b), Value::String(s)) => b.push(s),
                (Acc::Text(b), _) => b.push_missing(),
                (Acc::Long(refs), Value::LongStringRef(r)) => refs.push(Some(*r)),
                (Acc::Long(refs), _) => refs.push(None),
            }
        }
    }
    let any_long = accs.iter().any(|(a, _)| matches!(a, Acc::Long(_)));
    let encoding = records.encoding();
    let mut longs = LongStringTable::for_reading();
    let mut labels = ValueLabelTable::new();
    let mut strings = records.into_long_string_reader().map_err(bad)?;
    if any_long {
        strings.read_remaining_into(&mut longs).map_err(bad)?;
    } else {
        strings.skip_to_end().map_err(bad)?;
    }
    let mut label_reader = strings.into_value_label_reader().map_err(bad)?;
    label_reader.read_remaining_into(&mut labels).map_err(bad)?;

    let mut out = Vec::new();
    let mut metas = Vec::new();
    for (j, ((acc, _), var)) in accs.into_iter().zip(vars).enumerate() {
        if !keep[j] {
            continue;
        }
        let column = match acc {
            Acc::Num(c) => Column::Numeric(c),
            Acc::Text(b) => Column::Categorical(b.finish()),
            Acc::Long(refs) => {
                let mut b = CategoricalBuilder::default();
                for r in refs {
                    let text = r.and_then(|r| {
                        longs
                            .get(&r)
                            .and_then(|s| s.data_str(encoding).map(|t| t.into_owned()))
                    });
                    match text {
                        Some(t) => b.push(&t),
                        None => b.push_missing(),
                    }
                }
                Column::Categorical(b.finish())
            }
        };
        out.push((var.name().to_string(), column));
        let values = match var.value_label_name() {
            "" => Vec::new(),
            set => labels
                .get(set)
                .map(|s| {
                    s.entries()
                        .iter()
                        .map(|e| (f64::from(e.value()), e.label().to_string()))
                        .collect()
                })
                .unwrap_or_default(),
        };
        metas.push(VarMeta {
            name: var.name().to_string(),
            label: Some(var.label().to_string()).filter(|l| !l.trim().is_empty()),
            values,
            missing: Vec::new(),
            missing_ranges: Vec::new(),
        });
    }
    Ok(Raw {
        columns: out,
        meta: FileMeta {
            title: Some(header.dataset_label().to_string()),
            vars: metas,
            mr_sets: Vec::new(),
        },
    })
}
