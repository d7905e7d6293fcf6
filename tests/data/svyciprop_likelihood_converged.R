# Writes tests/data/svyciprop_likelihood_converged.json (R 4.2.2, survey 4.1.1).
# Run from tests/data:  Rscript svyciprop_likelihood_converged.R > svyciprop_likelihood_converged.json
#
# The exact roots of svyciprop(method = "likelihood")'s criterion, as in the oracle's
# lik_ci_exact() (/work/shared/oracle/scripts/oracle_helpers.R), but with the svyglm fitted to
# convergence (glm.control(epsilon = 1e-15, maxit = 200)) instead of glm's default epsilon = 1e-8.
# With the default, the IRLS stops one step early for sch.wide in strat_fpc/strat_nofpc, and
# lambda = cov.unscaled/naive.cov (naive.cov comes from the previous iterate's weights) is off
# by 6e-5, which moves the oracle's ci_*_exact_root by ~2e-6 relative.
suppressMessages(library(survey)); library(jsonlite)
data(api)
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = as.numeric(table(apipop$stype)[c("E", "H", "M")]))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = as.numeric(table(apipop$sch.wide)[c("No", "Yes")]))
pop.totals <- c(`(Intercept)` = nrow(apipop), stypeH = sum(apipop$stype == "H"),
                stypeM = sum(apipop$stype == "M"), api99 = sum(apipop$api99))
srs_fpc <- svydesign(id = ~1, fpc = ~fpc, data = apisrs)
clus1_fpc <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
designs <- list(
  srs_fpc = srs_fpc,
  strat_fpc = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
  clus1_fpc = clus1_fpc,
  strat_nofpc = svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat),
  srs_poststrat = postStratify(srs_fpc, ~stype, pop.types),
  srs_rake = rake(srs_fpc, list(~stype, ~sch.wide), list(pop.types, pop.schwide)),
  srs_rake_tight = rake(srs_fpc, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                        control = list(maxit = 1000, epsilon = 1e-12)),
  clus1_calib_linear = calibrate(clus1_fpc, ~stype + api99, pop.totals, calfun = "linear"))
exact_root <- function(v, des, level, df) {
  expr <- bquote(I(.(as.name(v)) == "Yes"))
  m <- suppressWarnings(eval(bquote(svyglm(.(expr) ~ 1, des, family = quasibinomial,
                                           control = glm.control(epsilon = 1e-15, maxit = 200)))))
  disp <- as.numeric(summary(m)$dispersion)
  lambda <- m$cov.unscaled[1, 1] / m$naive.cov[1, 1]
  q2 <- qt((1 - level) / 2, df = df)^2 * lambda
  mf <- model.frame(m); Y <- as.numeric(model.response(mf)); W <- model.weights(mf)
  fam <- quasibinomial()
  dev <- function(b) sum(fam$dev.resids(Y, rep(plogis(b), length(Y)), W))
  dev0 <- deviance(m); b0 <- unname(coef(m)[1]); s0 <- sqrt(m$cov.unscaled[1, 1])
  f <- function(b) (dev(b) - dev0) / disp - q2
  k <- 1; while (f(b0 - k * s0) < 0) k <- k * 2
  lo <- uniroot(f, c(b0 - k * s0, b0), tol = 1e-15)$root
  k <- 1; while (f(b0 + k * s0) < 0) k <- k * 2
  hi <- uniroot(f, c(b0, b0 + k * s0), tol = 1e-15)$root
  c(plogis(lo), plogis(hi))
}
ref <- fromJSON("../../tests/data/reference.json", simplifyVector = FALSE)
g <- function(v) sprintf("%.17g", v)
rows <- character(0)
for (r in ref$results) {
  if (r$estimator != "svyciprop" || r$options$method != "likelihood") next
  ex <- exact_root(r$variable, designs[[r$design]], r$options$conf_level, r$options$df)
  rows <- c(rows, sprintf('    {"id": "%s", "ci_lower_exact_root": %s, "ci_upper_exact_root": %s}',
                          r$id, g(ex[1]), g(ex[2])))
}
cat('{\n  "generator": "tests/data/svyciprop_likelihood_converged.R",\n')
cat('  "versions": "', R.version.string, ', survey ', as.character(packageVersion("survey")), '",\n', sep = "")
cat('  "values": [\n', paste(rows, collapse = ",\n"), '\n  ]\n}\n', sep = "")
