# Cross-check of tests/data/chisq_inputs.json (written by make_chisq_inputs.py) against R survey.
# Usage (from the crate root): Rscript tests/data/check_chisq_inputs.R
# Prints, per design, the largest relative difference of the cell shares, their covariance
# matrix and the covariance matrix of the cell totals; stops if any exceeds 1e-12.
suppressMessages(library(survey)); library(jsonlite)
data(api)
designs <- list(
  srs_fpc = svydesign(id = ~1, fpc = ~fpc, data = apisrs),
  strat_fpc = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
  strat_nofpc = svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat),
  clus1_fpc = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1))
py <- fromJSON("tests/data/chisq_inputs.json")$designs
rel <- function(a, b) max(abs(a - b)) / max(abs(b))
worst <- 0
for (d in names(designs)) {
  des <- designs[[d]]
  m <- svymean(~interaction(sch.wide, stype), des)
  t <- svytotal(~interaction(sch.wide, stype), des)
  x <- py[[d]]
  diffs <- c(shares = rel(x$cell_proportions, unname(coef(m))),
             vcov = rel(x$vcov, as.vector(t(vcov(m)))),
             cell_total_vcov = rel(x$cell_total_vcov, as.vector(t(vcov(t)))),
             n_obs = rel(x$n_obs, nrow(des)), design_df = rel(x$design_df, degf(des)),
             total_weight = rel(x$total_weight, sum(weights(des))))
  cat(d, ":", paste(names(diffs), signif(diffs, 3), collapse = ", "), "\n")
  worst <- max(worst, diffs)
}
stopifnot(worst < 1e-12)
