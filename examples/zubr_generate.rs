//! Writes `data/zubr2019/responses.csv`: reconstructed microdata of the 2019 ZUBR survey of
//! beneficiaries of state-social-order projects (Almaty city, Karaganda oblast, East
//! Kazakhstan oblast), consistent with every figure of the published summary
//! (`FIGURES.md`, F1–F13).
//!
//! ```text
//! cargo run --example zubr_generate                 # rewrites data/zubr2019/responses.csv
//! cargo run --example zubr_generate -- out.csv      # writes elsewhere
//! ```
//!
//! The survey's microdata were never published: these rows are a **reconstruction**, not the
//! original data. The program is deterministic (its own seeded PRNG, no dependency) and its
//! output is committed; `tests/integration/zubr_data.rs` runs [`generate`] and checks that
//! it equals the committed file byte for byte.
//!
//! # Design
//!
//! Three strata (regions, coded 1–3) × 20 projects (PSUs, ids 101–120, 201–220, 301–320) ×
//! 20 beneficiaries interviewed at each project's events = 1,200 rows. Each region has the
//! same sample (400), so the weight is the region's population over 400 and the weighted
//! estimates are population estimates: 1,850,000/400 = 4625, 1,380,000/400 = 3450,
//! 1,370,000/400 = 3425.
//!
//! # How the answers are drawn
//!
//! Every published figure is a function of each region's *count* of respondents giving the
//! answer, because weights are constant within a region: the pooled share is
//! `Σ_h pop_h·c_h / (400·Σ_h pop_h)`. So the counts are fixed first ([`counts_for`]: the
//! integer counts nearest to a plausible regional profile — the target plus a regional
//! offset — whose population-weighted share is closest to the published value), and then
//! handed to the respondents of the region with the highest *latent propensity*:
//!
//! ```text
//! latent_i = project_sd · u_p(i) + shared parts + ε_i      u, ε ~ N(0, 1)
//! ```
//!
//! The project effect `u` makes answers cluster within projects (design effects of about
//! 1.2–3); shared parts tie related answers together (a "how good was the project" effect
//! behind q3–q6, a "how engaged is the beneficiary" trait behind q1 and q3–q5, a "says
//! hard to answer" trait behind every code 9). Normal deviates are Irwin–Hall sums of twelve
//! uniforms: additions only, so the output is the same bit for bit on every platform.
//!
//! Multiple-response questions: "hard to answer" (`_9`, exclusive) is given first; then
//! each option, most chosen first, goes to the eligible respondents with the highest
//! latent (eligible: not `_9`, fewer than `max` options so far); a respondent left with no
//! option at all then takes one from a respondent of the same region with two or more
//! (the swap that least disturbs the latent order), which keeps every count.

use std::fmt::Write as _;

/// Master seed; each latent variable draws from its own stream derived from it and the
/// variable's name, so changing one item leaves the others' draws as they were.
const SEED: u64 = 2019;
/// Strata.
const REGIONS: usize = 3;
/// Projects (PSUs) per region.
const PROJECTS: usize = 20;
/// Respondents per project.
const PER_PROJECT: usize = 20;
/// Respondents per region.
const PER_REGION: usize = PROJECTS * PER_PROJECT;
/// All respondents.
const N: usize = REGIONS * PER_REGION;
/// Approximate 2019 populations, in thousands: Almaty city, Karaganda oblast, East
/// Kazakhstan oblast.
const POPULATION_THOUSANDS: [u64; REGIONS] = [1850, 1380, 1370];

/// The CSV header.
pub const HEADER: &str = "id,region,project,weight,q1_awareness,q2_problems_1,q2_problems_2,\
q2_problems_3,q2_problems_4,q2_problems_5,q2_problems_6,q2_problems_9,q3_interest,q4_change,\
q5_satisfaction,q6_real_needs,q7_why_win_1,q7_why_win_2,q7_why_win_3,q7_why_win_4,q7_why_win_9";

/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit counter hashed by a fixed mixer.
struct SplitMix64(u64);

impl SplitMix64 {
    /// A stream named `name`: the seed xor the FNV-1a hash of the name.
    fn stream(name: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        SplitMix64(SEED ^ h)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform on [0, 1) with 53 random bits.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Approximately standard normal: the Irwin–Hall sum of 12 uniforms, minus 6.
    fn normal(&mut self) -> f64 {
        let mut s = 0.0;
        for _ in 0..12 {
            s += self.uniform();
        }
        s - 6.0
    }
}

/// Weight of a respondent of region `h` (0-based): population / 400.
fn weight(h: usize) -> u64 {
    POPULATION_THOUSANDS[h] * 1000 / PER_REGION as u64
}

/// Region (0-based) of respondent `i`.
fn region_of(i: usize) -> usize {
    i / PER_REGION
}

/// A project-level standard normal effect, one per project, expanded to respondents.
fn project_effect(name: &str) -> Vec<f64> {
    let mut rng = SplitMix64::stream(name);
    let u: Vec<f64> = (0..REGIONS * PROJECTS).map(|_| rng.normal()).collect();
    (0..N).map(|i| u[i / PER_PROJECT]).collect()
}

/// A respondent-level standard normal trait.
fn individual(name: &str) -> Vec<f64> {
    let mut rng = SplitMix64::stream(name);
    (0..N).map(|_| rng.normal()).collect()
}

/// `project_sd · u_project + Σ a·v + ε`, with its own project effect and noise named `name`.
fn latent(name: &str, project_sd: f64, shared: &[(f64, &[f64])]) -> Vec<f64> {
    let u = project_effect(&format!("{name}/project"));
    let e = individual(&format!("{name}/respondent"));
    (0..N)
        .map(|i| {
            let mut x = project_sd * u[i] + e[i];
            for (a, v) in shared {
                x += a * v[i];
            }
            x
        })
        .collect()
}

/// Per-region counts whose population-weighted share is closest to `target`, searched
/// within ±3 of `400·(target + offset_h)`; ties go to the smallest total move.
fn counts_for(target: f64, offsets: [f64; REGIONS]) -> [usize; REGIONS] {
    let want = target * (PER_REGION as u64 * POPULATION_THOUSANDS.iter().sum::<u64>()) as f64;
    let base: Vec<i64> = offsets
        .iter()
        .map(|o| ((target + o) * PER_REGION as f64).round() as i64)
        .collect();
    let mut best = ([0usize; REGIONS], f64::INFINITY, i64::MAX);
    for d0 in -3..=3i64 {
        for d1 in -3..=3i64 {
            for d2 in -3..=3i64 {
                let c = [base[0] + d0, base[1] + d1, base[2] + d2];
                let got: i64 = (0..REGIONS)
                    .map(|h| c[h] * POPULATION_THOUSANDS[h] as i64)
                    .sum();
                let miss = (got as f64 - want).abs();
                let moved = d0.abs() + d1.abs() + d2.abs();
                if miss < best.1 || (miss == best.1 && moved < best.2) {
                    best = ([c[0] as usize, c[1] as usize, c[2] as usize], miss, moved);
                }
            }
        }
    }
    best.0
}

/// Per-region counts `round(400·share_h)`.
fn counts_of(shares: [f64; REGIONS]) -> [usize; REGIONS] {
    shares.map(|s| (s * PER_REGION as f64).round() as usize)
}

/// Respondents of region `h` for whom `eligible` holds, highest `latent` first (ties by id).
fn ranked(h: usize, latent: &[f64], eligible: impl Fn(usize) -> bool) -> Vec<usize> {
    let mut idx: Vec<usize> = (h * PER_REGION..(h + 1) * PER_REGION)
        .filter(|&i| eligible(i))
        .collect();
    idx.sort_by(|&a, &b| latent[b].total_cmp(&latent[a]).then(a.cmp(&b)));
    idx
}

/// A single-choice answer: in each region the `dk` count with the highest `dk_latent` say
/// 9; the others, highest `latent` first, take the codes of `order` with their counts.
fn single_choice(
    dk: [usize; REGIONS],
    dk_latent: &[f64],
    order: &[(u8, [usize; REGIONS])],
    latent: &[f64],
) -> Vec<u8> {
    let mut answer = vec![0u8; N];
    for h in 0..REGIONS {
        for &i in ranked(h, dk_latent, |_| true).iter().take(dk[h]) {
            answer[i] = 9;
        }
        let rest = ranked(h, latent, |i| answer[i] == 0);
        assert_eq!(
            rest.len(),
            order.iter().map(|(_, c)| c[h]).sum::<usize>(),
            "counts of region {h} must add up to 400"
        );
        let mut next = rest.into_iter();
        for (code, counts) in order {
            for i in next.by_ref().take(counts[h]) {
                answer[i] = *code;
            }
        }
    }
    answer
}

/// A multiple-response question stored as 0/1 columns: `options` (counts, latent) in
/// column order, then the exclusive "hard to answer" column; at most `max` options each.
fn multiple_response(
    options: &[([usize; REGIONS], Vec<f64>)],
    dk: [usize; REGIONS],
    dk_latent: &[f64],
    max: usize,
) -> Vec<Vec<u8>> {
    let k = options.len();
    let mut chosen = vec![vec![0u8; N]; k + 1];
    for (h, &dk_h) in dk.iter().enumerate() {
        for &i in ranked(h, dk_latent, |_| true).iter().take(dk_h) {
            chosen[k][i] = 1;
        }
        // Most chosen option first, so that the cap binds on the rarer ones.
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&a, &b| options[b].0[h].cmp(&options[a].0[h]).then(a.cmp(&b)));
        for &j in &order {
            let n_chosen = |i: usize| (0..k).filter(|&o| chosen[o][i] == 1).count();
            let pick = ranked(h, &options[j].1, |i| chosen[k][i] == 0 && n_chosen(i) < max);
            assert!(pick.len() >= options[j].0[h], "not enough respondents left");
            for &i in pick.iter().take(options[j].0[h]) {
                chosen[j][i] = 1;
            }
        }
        // Everyone not saying "hard to answer" names at least one option.
        for r in h * PER_REGION..(h + 1) * PER_REGION {
            if chosen[k][r] == 1 || (0..k).any(|o| chosen[o][r] == 1) {
                continue;
            }
            let mut best: Option<(f64, usize, usize)> = None;
            for d in h * PER_REGION..(h + 1) * PER_REGION {
                if (0..k).filter(|&o| chosen[o][d] == 1).count() < 2 {
                    continue;
                }
                for (o, (_, lat)) in options.iter().enumerate() {
                    if chosen[o][d] == 1 {
                        let cost = lat[d] - lat[r];
                        if best.is_none_or(|(c, _, _)| cost < c) {
                            best = Some((cost, d, o));
                        }
                    }
                }
            }
            let (_, d, o) = best.expect("a respondent with two or more options");
            chosen[o][d] = 0;
            chosen[o][r] = 1;
        }
    }
    chosen
}

/// The complete CSV text of the reconstructed data set.
pub fn generate() -> String {
    // Shared parts: the project's quality, the respondent's engagement, the respondent's
    // tendency to say "hard to answer".
    let quality = project_effect("quality");
    let engaged = individual("engaged");
    let dk_prone = individual("dk_prone");
    let dk_latent = |name: &str, sd: f64| latent(name, sd, &[(0.8, &dk_prone[..])]);

    // q1 awareness: F1 = codes 1 + 2 = 77%, F2 = 3 + 9 = 23%.
    let know_or_heard = counts_for(0.77, [0.05, -0.02, -0.045]);
    let know = counts_of([0.47, 0.40, 0.37]);
    let q1_dk = counts_of([0.06, 0.08, 0.09]);
    let q1 = single_choice(
        q1_dk,
        &dk_latent("q1/dk", 0.4),
        &[
            (1, know),
            (2, sub(know_or_heard, know)),
            (3, rest(&[know_or_heard, q1_dk])),
        ],
        &latent("q1", 0.45, &[(0.3, &engaged[..])]),
    );

    // q2 problems (up to 3): F3 option 1 = 47%, F4 option 2 = 45%, F10 option 6 = 4% as the
    // mean of the three regions' shares (2%, 4.5%, 5.5%).
    let q2 = multiple_response(
        &[
            (
                counts_for(0.47, [0.03, -0.03, -0.015]),
                latent("q2/1", 0.33, &[]),
            ),
            (
                counts_for(0.45, [-0.01, 0.03, -0.015]),
                latent("q2/2", 0.33, &[]),
            ),
            (
                counts_for(0.31, [0.03, -0.02, -0.02]),
                latent("q2/3", 0.33, &[]),
            ),
            (
                counts_for(0.24, [-0.03, 0.02, 0.025]),
                latent("q2/4", 0.33, &[]),
            ),
            (
                counts_for(0.20, [-0.04, 0.03, 0.03]),
                latent("q2/5", 0.33, &[]),
            ),
            ([8, 18, 22], latent("q2/6", 0.5, &[])),
        ],
        counts_of([0.06, 0.08, 0.09]),
        &dk_latent("q2/dk", 0.4),
        3,
    );

    // q3 personal interest: F5 = 2/3 (in [66.5%, 67.0%)).
    let q3_yes = counts_for(0.6675, [0.03, -0.01, -0.035]);
    let q3_dk = counts_of([0.05, 0.07, 0.08]);
    let q3 = single_choice(
        q3_dk,
        &dk_latent("q3/dk", 0.4),
        &[(1, q3_yes), (2, rest(&[q3_yes, q3_dk]))],
        &latent("q3", 0.25, &[(0.25, &quality[..]), (0.6, &engaged[..])]),
    );

    // q4 change: F6 nothing changed (3) = 8%, F7 hard to answer (9) = 14%.
    let q4_nothing = counts_for(0.08, [-0.015, 0.01, 0.01]);
    let q4_dk = counts_for(0.14, [-0.02, 0.01, 0.02]);
    let q4_solved = counts_of([0.32, 0.28, 0.25]);
    let q4 = single_choice(
        q4_dk,
        &dk_latent("q4/dk", 0.4),
        &[
            (1, q4_solved),
            (2, rest(&[q4_nothing, q4_dk, q4_solved])),
            (3, q4_nothing),
        ],
        &latent("q4", 0.25, &[(0.3, &quality[..]), (0.4, &engaged[..])]),
    );

    // q5 satisfaction 1–5: F8 mean (9 excluded) = 4. Counts of 5, 4, 3, 2, 1 by region.
    let q5 = single_choice(
        [16, 20, 24],
        &dk_latent("q5/dk", 0.4),
        &[
            (5, [150, 120, 110]),
            (4, [160, 165, 160]),
            (3, [52, 65, 70]),
            (2, [14, 20, 24]),
            (1, [8, 10, 12]),
        ],
        &latent("q5", 0.15, &[(0.2, &quality[..]), (0.4, &engaged[..])]),
    );

    // q6 real needs: F9 yes = 64.5%.
    let q6_yes = counts_for(0.645, [0.02, -0.01, -0.02]);
    let q6_dk = counts_of([0.15, 0.18, 0.20]);
    let q6 = single_choice(
        q6_dk,
        &dk_latent("q6/dk", 0.4),
        &[(1, q6_yes), (2, rest(&[q6_yes, q6_dk]))],
        &latent("q6", 0.3, &[(0.15, &quality[..])]),
    );

    // q7 why NGOs win: F12 option 1 = 51.4%, F13 option 2 = 38%, F11 option 3 = 24%.
    let q7 = multiple_response(
        &[
            (
                counts_for(0.514, [0.02, -0.01, -0.02]),
                latent("q7/1", 0.33, &[]),
            ),
            (
                counts_for(0.38, [0.03, -0.02, -0.02]),
                latent("q7/2", 0.33, &[]),
            ),
            (
                counts_for(0.24, [0.02, -0.02, -0.01]),
                latent("q7/3", 0.33, &[]),
            ),
            (counts_of([0.05, 0.06, 0.04]), latent("q7/4", 0.33, &[])),
        ],
        counts_of([0.10, 0.12, 0.13]),
        &dk_latent("q7/dk", 0.4),
        4,
    );

    let mut out = String::with_capacity(64 * (N + 1));
    out.push_str(HEADER);
    out.push('\n');
    for i in 0..N {
        let h = region_of(i);
        let project = 100 * (h + 1) + (i % PER_REGION) / PER_PROJECT + 1;
        write!(out, "{},{},{},{}", i + 1, h + 1, project, weight(h)).unwrap();
        write!(out, ",{}", q1[i]).unwrap();
        for col in &q2 {
            write!(out, ",{}", col[i]).unwrap();
        }
        write!(out, ",{},{},{},{}", q3[i], q4[i], q5[i], q6[i]).unwrap();
        for col in &q7 {
            write!(out, ",{}", col[i]).unwrap();
        }
        out.push('\n');
    }
    out
}

/// `a − b` by region.
fn sub(a: [usize; REGIONS], b: [usize; REGIONS]) -> [usize; REGIONS] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// What is left of each region's 400 after the given counts.
fn rest(parts: &[[usize; REGIONS]]) -> [usize; REGIONS] {
    let mut left = [PER_REGION; REGIONS];
    for p in parts {
        left = sub(left, *p);
    }
    left
}

/// Writes the CSV to the path given as the first argument, by default
/// `data/zubr2019/responses.csv` of this crate.
fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/data/zubr2019/responses.csv").to_string()
    });
    if let Some(dir) = std::path::Path::new(&path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, generate())?;
    println!("wrote {N} respondents to {path}");
    Ok(())
}
