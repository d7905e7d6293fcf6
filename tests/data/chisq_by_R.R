# Reference values for svychisq by domain (tests/integration/lincom.rs).
# Run from tests/data: Rscript chisq_by_R.R > chisq_by_R.json   (R 4.2.2, survey 4.1.1)
#
# svyby(~a + b, ~g, design, svychisq) fails in survey 4.1.1 ("no applicable method for
# 'vcov' applied to an object of class htest"), so a test per domain is R's
# svychisq(~a + b, subset(design, g == level)), level by level, every statistic.
# For "lincom", as in lincom_R.R:
#
# survey's pFsum(method = "integration") calls CompQuadForm::davies(0, lambda = c(a,
# -x/ddf), h = c(rep(1, k), ddf), acc = 1e-7), whose wrapper passes h through
# as.integer(). CompQuadForm is not installed on the machine that wrote this file (and
# could not be), and without it survey silently falls back to the saddlepoint. So, when
# CompQuadForm is missing, this script installs a stand-in package of that name into a
# temporary library whose davies() computes the same probability, P(Q > 0) for
# Q = sum(lambda_j * chisq(as.integer(h_j))), by Imhof's inversion formula with
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
  writeLines("export(davies)", file.path(pkg, "NAMESPACE"))
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
    "}"), file.path(pkg, "R", "davies.R"))
  lib <- file.path(tempdir(), "lib")
  dir.create(lib, showWarnings = FALSE)
  suppressMessages(install.packages(pkg, lib = lib, repos = NULL, type = "source", quiet = TRUE))
  .libPaths(c(lib, .libPaths()))
  stopifnot(requireNamespace("CompQuadForm", quietly = TRUE))
}
# Not-finite values (a singular table) are written as null.
fmtj <- function(x) ifelse(is.finite(x), sprintf("%.17g", unname(as.numeric(x))), "null")
apistrat <- read.csv("apistrat.csv")
apiclus1 <- read.csv("apiclus1.csv")
apisrs <- read.csv("apisrs.csv")
srs <- svydesign(id = ~1, weights = ~pw, fpc = ~fpc, data = apisrs)
cases <- list(
  strat = list(des = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
               f = ~sch.wide + awards, by = "stype"),
  clus1 = list(des = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1),
               f = ~comp.imp + awards, by = "stype"),
  poststrat = list(des = postStratify(srs, ~stype, data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))),
                   f = ~stype + awards, by = "comp.imp"))
stats <- c("F", "Chisq", "Wald", "adjWald", "lincom", "saddlepoint")
out <- character(0)
for (nm in names(cases)) {
  cs <- cases[[nm]]
  g <- cs$des$variables[[cs$by]]
  for (lev in sort(unique(g))) {
    sub <- cs$des[g == lev & !is.na(g), ]
    vals <- character(0)
    for (st in stats) {
      t <- try(svychisq(cs$f, sub, statistic = st), silent = TRUE)
      if (inherits(t, "try-error")) {
        vals <- c(vals, sprintf('"%s": {"error": "%s"}', st, gsub('"', "'", trimws(conditionMessage(attr(t, "condition"))))))
      } else {
        par <- if (is.null(t$parameter)) "" else paste0(", ", paste(sprintf('"%s": %s', names(t$parameter), fmtj(t$parameter)), collapse = ", "))
        vals <- c(vals, sprintf('"%s": {"statistic": %s, "p_value": %s%s}', st, fmtj(t$statistic), fmtj(t$p.value), par))
      }
    }
    out <- c(out, sprintf('  "%s/%s": {"formula": "%s", "by": "%s", "level": "%s", "nrow": %d, "degf": %s, %s}',
      nm, lev, paste(all.vars(cs$f), collapse = " + "), cs$by, lev, nrow(sub), fmtj(degf(sub)),
      paste(vals, collapse = ", ")))
  }
}
cat("{\n", sprintf('  "_meta": {"davies": "%s"},\n',
    if (stand_in) "stand-in: Imhof by integrate()" else "CompQuadForm"),
    paste(out, collapse = ",\n"), "\n}\n", sep = "")
