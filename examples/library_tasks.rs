//! The five tasks of the library-face issue on data held in Rust vectors:
//! `cargo run --example library_tasks`.

#[path = "library/load.rs"]
mod load;
#[path = "library/tasks.rs"]
mod tasks;

fn main() -> survey_stats::Result<()> {
    let survey = tasks::survey(load::answers())?;
    let (table, by_region) = tasks::likert_by_region(&survey)?;
    println!("q1 without \"hard to answer\":\n{table}\nq1 by region:\n{by_region}");
    println!("q5, % of cases:\n{}", tasks::multiple_response(&survey)?);
    let ratio = tasks::ratio_of_region_means(&survey)?;
    let cv = tasks::income_cv(&survey)?;
    println!(
        "mean income, region 1 / region 2: {:.4} (SE {:.4})",
        ratio.value, ratio.std_error
    );
    println!(
        "coefficient of variation of income: {:.4} (SE {:.4})",
        cv.value, cv.std_error
    );
    let (ratio, cv) = tasks::post_stratified(&survey)?;
    println!(
        "post-stratified by sex: ratio {:.4} (SE {:.4}), CV {:.4} (SE {:.4})",
        ratio.value, ratio.std_error, cv.value, cv.std_error
    );
    Ok(())
}
