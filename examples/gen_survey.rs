//! Writes the benchmark survey as CSV: `cargo run --release --example gen_survey -- N OUT.csv`.
//!
//! The data are described in `examples/support/synth.rs`; the same N always gives the same
//! file.

#[path = "support/synth.rs"]
mod synth;

use std::io::{BufWriter, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(out)) = (args.first(), args.get(1)) else {
        return Err("usage: gen_survey N OUT.csv".into());
    };
    let n: usize = n.replace('_', "").parse()?;
    let data = synth::generate(n);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    data.write_csv(&mut w)?;
    w.flush()?;
    eprintln!("wrote {n} rows to {out}");
    Ok(())
}
