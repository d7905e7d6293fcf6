# Reference values for svychisq(statistic = "lincom") (tests/integration/lincom.rs).
# Run from tests/data: Rscript lincom_R.R > lincom_R.json   (R 4.2.2, survey 4.1.1)
#
# survey's pFsum(method = "integration") calls CompQuadForm::davies(0, lambda = c(a,
# -x/ddf), h = c(rep(1, k), ddf), acc = 1e-7), whose wrapper passes h through
# as.integer(). CompQuadForm is not installed on the machine that wrote this file (and
# could not be), and without it survey silently falls back to the saddlepoint. So, when
# CompQuadForm is missing, this script installs a stand-in package of that name into a
# temporary library whose davies() computes the same probability, P(Q > 0) for
# Q = sum(lambda_j * chisq(as.integer(h_j))) (and its farebrother(), P(Q > q), as
# P(Q - q * chisq_m / m > 0) extrapolated to m = Inf from m = 1e6 and 2e6), by Imhof's inversion formula with
# integrate() (rel.tol 1e-11, abs.tol 1e-14): the exact value that Davies' algorithm approximates to
# acc = 1e-7. Everything else is survey's own svychisq.survey.design and pFsum.
suppressMessages(library(survey))
fmt <- function(x) sprintf("%.17g", unname(as.numeric(x)))
stand_in <- !requireNamespace("CompQuadForm", quietly = TRUE)
if (stand_in) {
  pkg <- file.path(tempdir(), "CompQuadForm")
  dir.create(file.path(pkg, "R"), recursive = TRUE, showWarnings = FALSE)
  writeLines(c("Package: CompQuadForm", "Version: 0.0.0", "Title: Stand-in for tests",
               "Description: Imhof's formula with integrate().", "License: GPL-2",
               "Author: test", "Maintainer: test <test@example.org>"),
             file.path(pkg, "DESCRIPTION"))
  writeLines("export(davies, farebrother)", file.path(pkg, "NAMESPACE"))
  writeLines(c(
    "davies <- function(q, lambda, h = rep(1, length(lambda)), delta = rep(0, length(lambda)),",
    "                   sigma = 0, lim = 10000, acc = 1e-4) {",
    "  h <- as.integer(h)",
    "  keep <- h > 0 & lambda != 0",
    "  lambda <- lambda[keep]; h <- h[keep]",
    "  f <- function(u) {",
    "    x <- outer(lambda, u)",
    "    theta <- 0.5 * colSums(h * atan(x)) - 0.5 * q * u",
    "    rho <- exp(colSums((h / 4) * log1p(x^2)))",
    "    sin(theta) / (u * rho)",
    "  }",
    "  u0 <- 1 / max(abs(lambda))",
    "  i1 <- integrate(f, 0, u0, rel.tol = 1e-11, abs.tol = 1e-14, subdivisions = 10000L)$value",
    "  i2 <- integrate(f, u0, Inf, rel.tol = 1e-11, abs.tol = 1e-14, subdivisions = 10000L)$value",
    "  list(trace = rep(0, 7), ifault = 0L, Qq = 0.5 + (i1 + i2) / pi)",
    "}",
    "# P(Q > q) as P(Q - q * chisq_m / m > 0) extrapolated to m = Inf from m = 1e6 and 2e6 (Richardson; the error is O(1/m)):",
    "# Imhof's integral without the oscillating term, which integrate() cannot follow.",
    "farebrother <- function(q, lambda, h = rep(1, length(lambda)), ...) {",
    "  at <- function(m) davies(0, c(lambda, -q / m), c(h, m))$Qq",
    "  list(Qq = 2 * at(2e6) - at(1e6))",
    "}"), file.path(pkg, "R", "davies.R"))
  lib <- file.path(tempdir(), "lib")
  dir.create(lib, showWarnings = FALSE)
  suppressMessages(install.packages(pkg, lib = lib, repos = NULL, type = "source", quiet = TRUE))
  .libPaths(c(lib, .libPaths()))
  stopifnot(requireNamespace("CompQuadForm", quietly = TRUE))
}
apistrat <- read.csv("apistrat.csv")
apiclus1 <- read.csv("apiclus1.csv")
apiclus2 <- read.csv("apiclus2.csv")
apisrs <- read.csv("apisrs.csv")
designs <- list(
  strat = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
  clus1 = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1),
  clus2 = svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2),
  srs = svydesign(id = ~1, weights = ~pw, fpc = ~fpc, data = apisrs),
  # On a replicate design svychisq uses pchisqsum (no denominator): CompQuadForm's
  # farebrother() there, P(sum(a_j chisq_1) > X2), which the stand-in computes as davies().
  jk1_clus1 = as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1), type = "JK1"))
formulas <- list(strat = ~sch.wide + stype, clus1 = ~sch.wide + stype,
                 clus2 = ~stype + awards, srs = ~stype + awards, jk1_clus1 = ~sch.wide + stype)
out <- character(0)
for (nm in names(designs)) {
  des <- designs[[nm]]
  f <- formulas[[nm]]
  lin <- svychisq(f, des, statistic = "lincom")
  sad <- svychisq(f, des, statistic = "saddlepoint")
  fst <- svychisq(f, des, statistic = "F")
  ddf <- if (inherits(des, "svyrep.design")) NA else unname(fst$parameter["ddf"])
  out <- c(out, sprintf(
    '  "%s": {"formula": "%s", "statistic": %s, "p_value": %s, "ddf": %s, "saddlepoint_p_value": %s}',
    nm, paste(all.vars(f), collapse = " + "), fmt(lin$statistic), fmt(lin$p.value), if (is.na(ddf)) "null" else fmt(ddf),
    fmt(sad$p.value)))
}
cat("{\n", sprintf('  "_meta": {"davies": "%s"},\n',
    if (stand_in) "stand-in: Imhof by integrate()" else "CompQuadForm"),
    paste(out, collapse = ",\n"), "\n}\n", sep = "")
