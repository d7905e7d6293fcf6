//! A deterministic synthetic survey for benchmarks (shared by `gen_survey` and `bench_scale`).
//!
//! N rows; `region` 1–3 (strata, shares .45/.35/.20); `psu` (about N/50 clusters nested in
//! the regions, rows in random PSU order as respondent files are); `weight` (lognormal-like);
//! `q_single` (codes 1–6, 9 = hard to answer); `q_likert` (1–5, 9); `q_multi_1..8` (0/1);
//! `q_num` (numeric, about 8% empty). Answers share a PSU effect, so they cluster.

#![allow(dead_code)]

use survey_stats::data::{Column, Dataset, NumericColumn};

/// splitmix64: a small, fast, well-mixed generator; enough for synthetic data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Standard normal (Box–Muller, one value per call).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-300);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// The columns of the synthetic survey.
pub struct Synthetic {
    pub region: Vec<f64>,
    pub psu: Vec<f64>,
    pub weight: Vec<f64>,
    pub q_single: Vec<f64>,
    pub q_likert: Vec<f64>,
    pub q_multi: Vec<Vec<f64>>,
    pub q_num: Vec<Option<f64>>,
}

/// Column names in file order.
pub fn header() -> Vec<String> {
    let mut h: Vec<String> = ["region", "psu", "weight", "q_single", "q_likert"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    h.extend((1..=8).map(|j| format!("q_multi_{j}")));
    h.push("q_num".to_string());
    h
}

/// Generates `n` rows deterministically (`n / 50` PSUs, at least 6).
pub fn generate(n: usize) -> Synthetic {
    Stream::new(n, 20191128).take(n)
}

/// The synthetic survey's rows, made a chunk at a time: the same seed and PSU count
/// always give the same rows, however they are chunked, so a file of any size is written
/// in bounded memory.
pub struct Stream {
    rng: Rng,
    n_psu: usize,
    cut1: usize,
    cut2: usize,
    /// PSU effects: a shared one and one per multiple-response option.
    effects: Vec<[f64; 10]>,
}

impl Stream {
    /// A survey of `n_rows` rows in `n_rows / 50` PSUs (at least 6).
    pub fn new(n_rows: usize, seed: u64) -> Self {
        Self::with_psus(n_rows / 50, seed)
    }

    /// A survey of exactly `n_psu` PSUs (at least 6).
    pub fn with_psus(n_psu: usize, seed: u64) -> Self {
        let n_psu = n_psu.max(6);
        let mut rng = Rng::new(seed);
        // PSUs by region: .45/.35/.20 of the PSUs, at least two each.
        let cut1 = ((n_psu as f64 * 0.45) as usize).max(2);
        let cut2 = (cut1 + (n_psu as f64 * 0.35) as usize).max(cut1 + 2);
        let effects: Vec<[f64; 10]> = (0..n_psu)
            .map(|_| std::array::from_fn(|_| rng.normal()))
            .collect();
        Stream {
            rng,
            n_psu,
            cut1,
            cut2,
            effects,
        }
    }

    /// The next `n` rows in a fresh [`Synthetic`]: a row's PSU is one of all the survey's
    /// PSUs, so PSUs span chunks.
    pub fn take(&mut self, n: usize) -> Synthetic {
        let (cut1, cut2) = (self.cut1, self.cut2);
        let region_of = |p: usize| {
            if p < cut1 {
                1.0
            } else if p < cut2 {
                2.0
            } else {
                3.0
            }
        };
        let base_weight = [0.0, 900.0, 1100.0, 1500.0];
        let mut s = Synthetic {
            region: Vec::with_capacity(n),
            psu: Vec::with_capacity(n),
            weight: Vec::with_capacity(n),
            q_single: Vec::with_capacity(n),
            q_likert: Vec::with_capacity(n),
            q_multi: (0..8).map(|_| Vec::with_capacity(n)).collect(),
            q_num: Vec::with_capacity(n),
        };
        let single_cuts = [-0.9, -0.3, 0.2, 0.6, 1.1];
        let likert_cuts = [-1.4, -0.7, 0.0, 0.8];
        let rng = &mut self.rng;
        for _ in 0..n {
            let p = (rng.next_u64() % self.n_psu as u64) as usize;
            let e = &self.effects[p];
            let r = region_of(p);
            s.region.push(r);
            s.psu.push((p + 1) as f64);
            s.weight
                .push(base_weight[r as usize] * (0.35 * rng.normal()).exp());
            let z = 0.5 * e[0] + 0.2 * (r - 2.0) + 0.85 * rng.normal();
            let code = if rng.uniform() < 0.05 {
                9.0
            } else {
                1.0 + single_cuts.iter().filter(|&&c| z > c).count() as f64
            };
            s.q_single.push(code);
            let z = 0.45 * e[1] + 0.3 * e[0] + 0.85 * rng.normal();
            let likert = if rng.uniform() < 0.07 {
                9.0
            } else {
                1.0 + likert_cuts.iter().filter(|&&c| z > c).count() as f64
            };
            s.q_likert.push(likert);
            for (j, col) in s.q_multi.iter_mut().enumerate() {
                let threshold = -0.6 + 0.25 * j as f64;
                let z = 0.5 * e[2 + j] + 0.87 * rng.normal();
                col.push(if z > threshold { 1.0 } else { 0.0 });
            }
            let num = 50.0 + 8.0 * e[0] + 12.0 * rng.normal();
            s.q_num
                .push((rng.uniform() >= 0.08).then_some((num * 100.0).round() / 100.0));
        }
        s
    }

    /// Continues with the rows of another seed, over the same PSUs and effects: the next
    /// chunk of a survey too large to make in one go on one machine.
    pub fn reseed(&mut self, seed: u64) {
        self.rng = Rng::new(seed);
    }
}

impl Synthetic {
    /// The columns as a [`Dataset`].
    pub fn dataset(&self) -> Dataset {
        let num = |v: &Vec<f64>| Column::Numeric(NumericColumn::from_values(v.clone()));
        let mut cols = vec![
            ("region".to_string(), num(&self.region)),
            ("psu".to_string(), num(&self.psu)),
            ("weight".to_string(), num(&self.weight)),
            ("q_single".to_string(), num(&self.q_single)),
            ("q_likert".to_string(), num(&self.q_likert)),
        ];
        for (j, c) in self.q_multi.iter().enumerate() {
            cols.push((format!("q_multi_{}", j + 1), num(c)));
        }
        cols.push((
            "q_num".to_string(),
            Column::Numeric(NumericColumn::from_options(self.q_num.clone())),
        ));
        Dataset::from_columns(cols).expect("distinct names, equal lengths")
    }

    /// Writes the survey as CSV.
    pub fn write_csv(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        writeln!(out, "{}", header().join(","))?;
        self.write_csv_rows(out)
    }

    /// Writes the rows as CSV without the header line (weights to 4 decimals).
    pub fn write_csv_rows(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        for i in 0..self.region.len() {
            write!(
                out,
                "{},{},{:.4},{},{}",
                self.region[i], self.psu[i], self.weight[i], self.q_single[i], self.q_likert[i]
            )?;
            for c in &self.q_multi {
                write!(out, ",{}", c[i])?;
            }
            match self.q_num[i] {
                Some(v) => writeln!(out, ",{v}")?,
                None => writeln!(out, ",")?,
            }
        }
        Ok(())
    }
}
