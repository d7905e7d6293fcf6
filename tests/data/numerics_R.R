# Writes tests/data/numerics_R.json: reference values for src/numerics/dist.rs and for quantile
# intervals at very large degrees of freedom. Run from the crate root with R 4.2.2, survey 4.1.1:
#   Rscript tests/data/numerics_R.R > tests/data/numerics_R.json
# Every number is a string with 17 significant digits ("%.17g"); "Inf" is infinity.
suppressMessages(library(survey))
g <- function(x) sprintf("%.17g", x)
row <- function(...) {
  v <- list(...)
  paste0("{", paste0('"', names(v), '": ', vapply(v, function(x)
    if (is.character(x)) paste0('"', x, '"') else paste0('"', g(x), '"'), ""), collapse = ", "), "}")
}

# qt(p, df). R's qt is accurate at every df here: for df > 4e5 its pt is a normal approximation
# (Abramowitz & Stegun 26.7.8, error O(df^-2)), and its answers agree to 1e-15 with the
# independent route through qbeta's upper tail, qt_via_qbeta = sqrt(df·y/(1 − y)) with
# y = qbeta(2·min(p, 1 − p), 1/2, df/2, lower.tail = FALSE) (recorded for df >= 30, where 1 − y
# does not cancel).
qt_rows <- character()
for (df in c(1, 2.5, 30, 2e5, 1e6, 1e7, 1.5e7, 1e9, Inf)) for (p in c(0.5, 0.9, 0.975, 0.995, 1e-10)) {
  q <- qt(p, df)
  via <- if (is.finite(df) && df >= 30 && p != 0.5) {
    y <- qbeta(2 * min(p, 1 - p), 0.5, df / 2, lower.tail = FALSE)
    sign(p - 0.5) * sqrt(df * y / (1 - y))
  } else q
  qt_rows <- c(qt_rows, row(p = p, df = df, q = q, qt_via_qbeta = via))
}

# qbeta(p, a, b). Where R's qbeta answers ("qbeta"), R's value; for shapes too large for it
# (qbeta(0.025, 3e19, 7e19) is NaN), two limits that are exact to double precision there:
# * both shapes huge ("normal"): the Cornish–Fisher expansion to the skewness term,
#   mu + sigma·(z + gamma·(z² − 1)/6), whose error O(sigma/min(a, b)) is below 1e-40 here;
# * one shape small, b huge ("gamma"): b·X → Gamma(a), x = qgamma(p, a)/b with relative error
#   O(1/b) ≤ 1e-20.
beta_rows <- character()
probs <- c(1e-10, 0.025, 0.5, 0.975)
add_qbeta <- function(a, b) for (p in probs)
  beta_rows <<- c(beta_rows, row(p = p, a = a, b = b, q = qbeta(p, a, b), source = "qbeta"))
for (s in c(200, 1e4, 1e6, 1e10, 1e15)) add_qbeta(0.3 * s, 0.7 * s)
add_qbeta(5, 1e10)
add_qbeta(0.5, 1e12)
add_qbeta(150, 1e9)
add_qbeta(1e9, 150)
normal_limit <- function(p, a, b) {
  n <- a + b
  sigma <- sqrt(a * b / (n * n * (n + 1)))
  skew <- 2 * (b - a) * sqrt(n + 1) / ((n + 2) * sqrt(a * b))
  z <- qnorm(p)
  a / n + sigma * (z + skew * (z * z - 1) / 6)
}
for (s in c(1e20, 1e30, 1e40)) for (p in probs) {
  a <- 0.3 * s; b <- 0.7 * s
  beta_rows <- c(beta_rows, row(p = p, a = a, b = b, q = normal_limit(p, a, b), source = "normal"))
}
for (p in probs) beta_rows <- c(beta_rows,
  row(p = p, a = 1e20, b = 1e30, q = normal_limit(p, 1e20, 1e30), source = "normal"))
for (ab in list(c(5, 1e20), c(0.5, 1e25), c(300, 1e22))) for (p in probs) beta_rows <- c(beta_rows,
  row(p = p, a = ab[1], b = ab[2], q = qgamma(p, ab[1]) / ab[2], source = "gamma"))

# svyquantile on strat_fpc (apistrat) with df = 1.5e7 (a simple random sample of 15M rows has
# that many by default), 1e7 and Inf: every interval type.
data(api)
des <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
quantile_rows <- character()
for (df in c(1e7, 1.5e7, Inf)) for (itype in c("mean", "beta", "xlogit", "asin", "score")) {
  m <- svyquantile(~api00, des, c(0.1, 0.5), qrule = "math", interval.type = itype, df = df)$api00
  for (i in 1:2) quantile_rows <- c(quantile_rows, row(rule = "math", interval = itype,
    alpha = 0.05, df = df, prob = c(0.1, 0.5)[i], estimate = m[i, 1], ci_lower = m[i, 2],
    ci_upper = m[i, 3], se = m[i, 4]))
}

cat('{\n"source": "R 4.2.2, survey 4.1.1: tests/data/numerics_R.R",\n')
cat('"qt": [\n', paste(qt_rows, collapse = ",\n"), '\n],\n', sep = "")
cat('"qbeta": [\n', paste(beta_rows, collapse = ",\n"), '\n],\n', sep = "")
cat('"design_degf": "', g(degf(des)), '",\n', sep = "")
cat('"svyquantile": [\n', paste(quantile_rows, collapse = ",\n"), '\n]\n}\n', sep = "")
