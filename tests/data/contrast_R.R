# Reference values for contrasts of estimates (tests/integration/contrast.rs).
# Run from tests/data: Rscript contrast_R.R > contrast_R.json   (R 4.2.2, survey 4.1.1)
# Linear and nonlinear svycontrast of domain means (svyby(..., covmat = TRUE)) and a
# nonlinear svycontrast of two means of the same rows (svymean(~a + b)).
# survey 4.1.1's svyby(covmat = TRUE) fails on post-stratified designs ("number of items to
# replace is not a multiple of replacement length"), so there the domain means are written
# as ratios of domain-restricted totals, svycontrast(svytotal(~yE + nE + ...), quote(yE/nE
# - yM/nM)); on the other designs both routes are computed and must agree (all.equal), and
# the values written are those of the totals route.
suppressMessages(library(survey))
options(survey.replicates.mse = FALSE)
fmt <- function(x) sprintf("%.17g", unname(as.numeric(x)))
apistrat <- read.csv("apistrat.csv")
apiclus2 <- read.csv("apiclus2.csv")
apisrs <- read.csv("apisrs.csv")
apiclus1 <- read.csv("apiclus1.csv")
strat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
clus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
srs <- svydesign(id = ~1, weights = ~pw, fpc = ~fpc, data = apisrs)
ps <- postStratify(srs, ~stype, data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018)))
clus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
jk1 <- as.svrepdesign(clus1, type = "JK1")  # the weights of rep_jk1_clus1.csv
designs <- list(strat = strat, clus2 = clus2, poststrat = ps, jk1_clus1 = jk1)
restricted <- function(des) {
  des <- update(des,
    yE = api00 * (stype == "E"), nE = as.numeric(stype == "E"),
    yH = api00 * (stype == "H"), nH = as.numeric(stype == "H"),
    yM = api00 * (stype == "M"), nM = as.numeric(stype == "M"))
  if (inherits(des, "svyrep.design")) {
    svytotal(~yE + nE + yH + nH + yM + nM, des, return.replicates = TRUE)
  } else {
    svytotal(~yE + nE + yH + nH + yM + nM, des)
  }
}
# On a replicate design svycontrast(quote(...)) evaluates the function on every replicate
# when the replicates are returned (as the crate does); otherwise it uses the delta method.
means <- function(des) {
  if (inherits(des, "svyrep.design")) {
    svymean(~api00 + api99, des, return.replicates = TRUE)
  } else {
    svymean(~api00 + api99, des)
  }
}
one <- function(s) sprintf('{"estimate": %s, "std_error": %s}', fmt(coef(s)), fmt(SE(s)))
out <- character(0)
for (nm in names(designs)) {
  des <- designs[[nm]]
  tt <- restricted(des)
  by_totals <- list(
    e_minus_m = svycontrast(tt, quote(yE / nE - yM / nM)),
    eh_minus_m = svycontrast(tt, quote(0.5 * yE / nE + 0.5 * yH / nH - yM / nM)),
    e_over_m = svycontrast(tt, quote((yE / nE) / (yM / nM))),
    log_e_over_h = svycontrast(tt, quote(log(yE / nE) - log(yH / nH))))
  if (nm != "poststrat") {
    b <- svyby(~api00, ~stype, des, svymean, covmat = TRUE)
    by_svyby <- list(
      e_minus_m = svycontrast(b, c(E = 1, H = 0, M = -1)),
      eh_minus_m = svycontrast(b, c(E = 0.5, H = 0.5, M = -1)),
      e_over_m = svycontrast(b, quote(E / M)),
      log_e_over_h = svycontrast(b, quote(log(E) - log(H))))
    # A nonlinear svycontrast of an svyby uses the delta method even on replicate designs
    # (svyby keeps no replicates); the crate evaluates the function on every replicate, as
    # the totals route with return.replicates = TRUE does. The linear ones agree.
    checked <- if (inherits(des, "svyrep.design")) c("e_minus_m", "eh_minus_m") else names(by_svyby)
    for (k in checked) {
      stopifnot(isTRUE(all.equal(as.numeric(coef(by_svyby[[k]])), as.numeric(coef(by_totals[[k]])), tolerance = 1e-12)),
                isTRUE(all.equal(as.numeric(SE(by_svyby[[k]])), as.numeric(SE(by_totals[[k]])), tolerance = 1e-10)))
    }
  }
  m <- means(des)
  cases <- c(
    sapply(by_totals, one),
    ratio_of_means = one(svycontrast(m, quote(api00 / api99))),
    growth_pct = one(svycontrast(m, quote(100 * (api00 - api99) / api99))),
    degf = fmt(degf(des))
  )
  out <- c(out, sprintf('  "%s": {%s}', nm,
    paste(sprintf('"%s": %s', names(cases), cases), collapse = ", ")))
}
cat("{\n", paste(out, collapse = ",\n"), "\n}\n", sep = "")
