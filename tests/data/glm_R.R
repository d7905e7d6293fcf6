# svyglm reference values for tests/integration/glm.rs.
# Run in this folder: Rscript glm_R.R > glm_R.json  (R 4.2.2, survey 4.1.1)
# Every fit uses control = glm.control(epsilon = 1e-15): R's default epsilon 1e-8 can
# stop IRLS a step before the converged answer; even 1e-12 stops the binomial fit on
# clus2 one step early (its interval's upper end for stypeM is then off by 1e-6 relative:
# -0.11569645879232571 at 1e-12, -0.11569634081990632 at 1e-15), and its intercept's SE
# still moves by 6e-8 relative between 1e-14 and 1e-15 (R's sandwich uses the working
# weights of the last step). The crate stops at the same 1e-15.
suppressMessages(library(survey))
apistrat <- read.csv("apistrat.csv")
apiclus1 <- read.csv("apiclus1.csv")
apiclus2 <- read.csv("apiclus2.csv")
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
dclus2 <- svydesign(id = ~dnum + snum, weights = ~pw, fpc = ~fpc1 + fpc2, data = apiclus2)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
dpost <- postStratify(dclus1, ~stype, data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018)))
djk1 <- as.svrepdesign(dclus1, type = "JK1")
designs <- list(strat = dstrat, clus2 = dclus2, post = dpost, jk1 = djk1)
models <- list(
  gaussian = list(f = api00 ~ ell + meals + stype, family = gaussian()),
  interaction = list(f = api00 ~ ell + stype + ell:stype, family = gaussian()),
  binomial = list(f = I(sch.wide == "Yes") ~ ell + meals + stype, family = quasibinomial()),
  poisson = list(f = enroll ~ ell + stype, family = quasipoisson()),
  missing = list(f = api00 ~ acs.k3 + meals, family = gaussian()),
  # Two categorical terms and their interaction: cells without a year-round school make
  # aliased coefficients, which R's summary table leaves out (NA).
  factors = list(f = api00 ~ stype + yr.rnd + stype:yr.rnd, family = gaussian())
)
num <- function(x) sprintf("%.17g", x)
arr <- function(x) paste0("[", paste0('"', num(x), '"', collapse = ", "), "]")
out <- c()
for (d in names(designs)) for (m in names(models)) {
  # R's replicate svyglm stops on aliased coefficients ("Infinite/NA values in estimate"):
  # apiclus1 has no year-round high or middle school.
  if (d == "jk1" && m == "factors") next
  spec <- models[[m]]
  fit <- svyglm(spec$f, designs[[d]], family = spec$family,
                control = glm.control(epsilon = 1e-15, maxit = 100))
  s <- summary(fit)$coefficients
  ci <- confint(fit, ddf = fit$df.residual)[rownames(s), , drop = FALSE]
  out <- c(out, sprintf(
    '{"design": "%s", "model": "%s", "terms": [%s], "estimate": %s, "std_error": %s, "statistic": %s, "p_value": %s, "lower": %s, "upper": %s, "df": "%s"}',
    d, m, paste0('"', rownames(s), '"', collapse = ", "), arr(s[, 1]), arr(s[, 2]), arr(s[, 3]),
    arr(s[, 4]), arr(ci[, 1]), arr(ci[, 2]), num(fit$df.residual)))
}
# A numeric column as categorical (the crate's Model::categorical(["acs.k3"])), with rows
# missing it left out; R names the columns acs.k3<level> once the column is a factor.
for (d in names(designs)) {
  D <- update(designs[[d]], acs.k3 = factor(acs.k3))
  fit <- tryCatch(svyglm(api00 ~ acs.k3 + meals, D,
                         control = glm.control(epsilon = 1e-15, maxit = 100)),
                  error = function(e) NULL)
  if (is.null(fit)) next
  s <- summary(fit)$coefficients
  ci <- confint(fit, ddf = fit$df.residual)[rownames(s), , drop = FALSE]
  out <- c(out, sprintf(
    '{"design": "%s", "model": "numfactor", "terms": [%s], "estimate": %s, "std_error": %s, "statistic": %s, "p_value": %s, "lower": %s, "upper": %s, "df": "%s"}',
    d, paste0('"', rownames(s), '"', collapse = ", "), arr(s[, 1]), arr(s[, 2]), arr(s[, 3]),
    arr(s[, 4]), arr(ci[, 1]), arr(ci[, 2]), num(fit$df.residual)))
}
# A lonely PSU (lonely.csv, written by extra_designs_R.R: stratum H has one PSU) under
# survey.lonely.psu "adjust" and "average".
lonely <- read.csv("lonely.csv")
ldes <- svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = lonely, nest = TRUE)
# The binomial model leaves stype out: the lonely H school is not sch.wide, so its
# coefficient runs off to -Inf (R stops anywhere near -34 without a warning; the crate
# reports separation).
models$binomial2 <- list(f = I(sch.wide == "Yes") ~ ell + meals, family = quasibinomial())
for (policy in c("adjust", "average")) for (m in c("gaussian", "binomial2")) {
  options(survey.lonely.psu = policy)
  spec <- models[[m]]
  fit <- svyglm(spec$f, ldes, family = spec$family,
                control = glm.control(epsilon = 1e-15, maxit = 100))
  s <- summary(fit)$coefficients
  ci <- confint(fit, ddf = fit$df.residual)[rownames(s), , drop = FALSE]
  out <- c(out, sprintf(
    '{"design": "lonely_%s", "model": "%s", "terms": [%s], "estimate": %s, "std_error": %s, "statistic": %s, "p_value": %s, "lower": %s, "upper": %s, "df": "%s"}',
    policy, m, paste0('"', rownames(s), '"', collapse = ", "), arr(s[, 1]), arr(s[, 2]), arr(s[, 3]),
    arr(s[, 4]), arr(ci[, 1]), arr(ci[, 2]), num(fit$df.residual)))
}
options(survey.lonely.psu = "fail")
# Domains: the model on subset(D, stype == s), which is what svyby(f, ~stype, D, svyglm)
# fits (svyby reports only coefficients and SEs).
for (d in c("clus2", "jk1", "post")) for (m in c("gaussian", "poisson")) for (dom in c("E", "M")) {
  spec <- models[[m]]
  spec$f <- update(spec$f, . ~ . - stype)
  D <- designs[[d]]
  fit <- svyglm(spec$f, subset(D, stype == dom), family = spec$family,
                control = glm.control(epsilon = 1e-15, maxit = 100))
  s <- summary(fit)$coefficients
  ci <- confint(fit, ddf = fit$df.residual)[rownames(s), , drop = FALSE]
  out <- c(out, sprintf(
    '{"design": "%s", "model": "%s", "domain": "%s", "terms": [%s], "estimate": %s, "std_error": %s, "statistic": %s, "p_value": %s, "lower": %s, "upper": %s, "df": "%s"}',
    d, m, dom, paste0('"', rownames(s), '"', collapse = ", "), arr(s[, 1]), arr(s[, 2]), arr(s[, 3]),
    arr(s[, 4]), arr(ci[, 1]), arr(ci[, 2]), num(fit$df.residual)))
}
cat("[\n", paste(out, collapse = ",\n"), "\n]\n", sep = "")
