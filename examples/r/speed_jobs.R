# The speed jobs in R survey, timed: the same data and design as the command line's
# examples/specs/bench_10m.json (without raking) and benches/jobs.rs.
#   Rscript examples/r/speed_jobs.R /tmp/survey_1m.csv
# (the CSV from `cargo run --release --example gen_survey -- 1000000 /tmp/survey_1m.csv`).
# Prints seconds per step (median of `runs`), as "step seconds".
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) >= 1) args[1] else "/tmp/survey_1m.csv"
runs <- if (length(args) >= 2) as.integer(args[2]) else 3
d <- read.csv(path)
time <- function(name, f) {
  s <- replicate(runs, system.time(f())[["elapsed"]])
  cat(sprintf("%s %.4f\n", name, median(s)))
}
des <- NULL
time("design", function() des <<- svydesign(id = ~psu, strata = ~region, weights = ~weight, data = d))
time("J1", function() svymean(~factor(q_single), des))
time("J2", function() svymean(~q_likert, subset(des, q_likert != 9)))
time("J3", function() svyciprop(~I(q_single == 1), des, method = "logit"))
mr <- paste0("q_multi_", 1:8)
time("J4", function() svymean(reformulate(mr), des))
time("J5", function() svyby(~factor(q_single), ~region, des, svymean))
pop_region <- xtabs(weight * 1.1 ~ region, d)
pop_q <- xtabs(weight * 1.1 ~ q_single, d)
time("J6", function() rake(des, list(~region, ~q_single), list(pop_region, pop_q)))
time("glm_gaussian_10", function() svyglm(q_num ~ factor(region) + factor(q_single) + q_likert, des))
time("glm_logistic", function() svyglm(q_multi_1 ~ factor(region) + factor(q_single) + q_likert, des, family = quasibinomial()))
