//! Writes the benchmark survey as CSV or Parquet:
//!
//! ```text
//! cargo run --release --example gen_survey -- N OUT.csv|OUT.parquet [--psus K] [--seed S]
//! ```
//!
//! The data are described in `examples/support/synth.rs`; the same arguments always give
//! the same rows. By default the survey has `N / 50` PSUs; `--psus K` fixes their number
//! (a survey of 100M rows in 20,000 PSUs: `-- 100000000 /tmp/survey_100m.parquet --psus
//! 20000`). `--seed S` draws other rows of the same PSUs (the same PSU effects and regions),
//! so files made with seeds 1, 2, … are chunks of one larger survey.
//!
//! Rows are made and written a million at a time, so the file can be larger than memory.
//! Parquet: one row group per million rows, Snappy; codes as 32-bit integers, `weight` and
//! `q_num` as doubles (weights rounded to 4 decimals, as in the CSV).

#[path = "support/synth.rs"]
mod synth;

use std::io::{BufWriter, Write};

const CHUNK: usize = 1_000_000;
/// The seed of the benchmark survey (the rows of `synth::generate`).
const SEED: u64 = 20191128;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_survey N OUT.csv|OUT.parquet [--psus K] [--seed S]";
    let (Some(n), Some(out)) = (args.first(), args.get(1)) else {
        return Err(usage.into());
    };
    let n: usize = n.replace('_', "").parse()?;
    let mut psus = None;
    let mut seed = None;
    let mut rest = args[2..].iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or(usage)?.replace('_', "");
        match flag.as_str() {
            "--psus" => psus = Some(value.parse::<usize>()?),
            "--seed" => seed = Some(value.parse::<u64>()?),
            _ => return Err(usage.into()),
        }
    }
    // The PSU frame (regions and effects) always comes from the benchmark's seed; `--seed`
    // changes only which rows are drawn.
    let mut stream = match psus {
        Some(k) => synth::Stream::with_psus(k, SEED),
        None => synth::Stream::new(n, SEED),
    };
    if let Some(s) = seed {
        stream.reseed(s);
    }
    let start = std::time::Instant::now();
    if out.ends_with(".parquet") {
        write_parquet(&mut stream, n, out)?;
    } else {
        let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
        writeln!(w, "{}", synth::header().join(","))?;
        let mut left = n;
        while left > 0 {
            let k = left.min(CHUNK);
            stream.take(k).write_csv_rows(&mut w)?;
            left -= k;
        }
        w.flush()?;
    }
    let seconds = start.elapsed().as_secs_f64();
    eprintln!(
        "wrote {n} rows to {out} in {seconds:.1} s ({:.2}M rows/s)",
        n as f64 / seconds / 1e6
    );
    Ok(())
}

#[cfg(feature = "parquet")]
fn write_parquet(
    stream: &mut synth::Stream,
    n: usize,
    out: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    use arrow_array::{ArrayRef, Float64Array, Int32Array, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    use std::sync::Arc;

    let header = synth::header();
    let fields: Vec<Field> = header
        .iter()
        .map(|name| match name.as_str() {
            "weight" => Field::new(name, DataType::Float64, false),
            "q_num" => Field::new(name, DataType::Float64, true),
            _ => Field::new(name, DataType::Int32, false),
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_size(CHUNK)
        .build();
    let file = std::fs::File::create(out)?;
    let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(properties))?;
    let codes = |v: &[f64]| -> ArrayRef {
        Arc::new(Int32Array::from_iter_values(v.iter().map(|&x| x as i32)))
    };
    let mut left = n;
    while left > 0 {
        let k = left.min(CHUNK);
        let s = stream.take(k);
        let weight: Vec<f64> = s.weight.iter().map(|w| (w * 1e4).round() / 1e4).collect();
        let mut columns = vec![
            codes(&s.region),
            codes(&s.psu),
            Arc::new(Float64Array::from(weight)) as ArrayRef,
            codes(&s.q_single),
            codes(&s.q_likert),
        ];
        columns.extend(s.q_multi.iter().map(|c| codes(c)));
        columns.push(Arc::new(Float64Array::from(s.q_num.clone())));
        writer.write(&RecordBatch::try_new(schema.clone(), columns)?)?;
        left -= k;
    }
    writer.close()?;
    Ok(())
}

#[cfg(not(feature = "parquet"))]
fn write_parquet(
    _: &mut synth::Stream,
    _: usize,
    _: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    Err("Parquet output needs the `parquet` feature (on by default)".into())
}
