# Checks, against R survey 4.1.1 itself, the description of how svyrecvar treats each weighting
# adjustment (the `postStrata` of a design), for the variance engine. Only weights, codes and
# model matrices are taken from the adjusted designs; the projections are written out here.
#   Rscript tests/data/weighting_variance_check.R      (prints the largest relative SE difference)
suppressMessages(library(survey)); data(api)
options(survey.lonely.psu = "fail")
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
pop.totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)

# One-stage (cluster) variance of influence values z with fpc (= svyrecvar's multistage).
v1 <- function(z, psu, N) {
  t <- rowsum(z, psu); n <- nrow(t)
  (1 - n / N) * n / (n - 1) * sum((t - mean(t))^2)
}
# postStratify: e = z − psw·[Σ_c z·oldw/psw]/[Σ_c oldw]
ps_resid <- function(z, cell, oldw, psw) {
  m <- rowsum(z * oldw / psw, cell) / rowsum(oldw, cell)
  z - psw * m[match(cell, rownames(m))]
}
# rake: 10 times over the margins, e ← e − psw_m·(unweighted mean of e/psw_m in the cell)
rake_resid <- function(z, cells, psws) {
  for (it in 1:10) for (m in seq_along(cells)) z <- z - psws[[m]] * ave(z / psws[[m]], cells[[m]])
  z
}
# calibrate: e = z − g·w0·xᵀβ,  β = (XᵀW0X)⁻¹ Σ x·z/g  (= qr.resid(qr(X√w0), z/(g√w0))·g√w0)
greg_resid <- function(z, X, w0, g) {
  beta <- solve(crossprod(X * w0, X), crossprod(X, z / g))
  z - g * w0 * drop(X %*% beta)
}

out <- c()
check <- function(name, des, psu, N, resid) {
  w <- weights(des)
  for (stat in c("total", "mean")) {
    y <- des$variables$api00
    z <- if (stat == "total") w * y else w * (y - sum(w * y) / sum(w)) / sum(w)
    se_manual <- sqrt(v1(resid(z), psu, N))
    se_r <- if (stat == "total") SE(svytotal(~api00, des)) else SE(svymean(~api00, des))
    out[paste(name, stat)] <<- abs(se_manual / se_r - 1)
  }
}

srs <- svydesign(id = ~1, fpc = ~fpc, data = apisrs)
clus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
for (d in list(list("srs", srs, seq_len(nrow(apisrs)), 6194),
               list("clus1", clus1, apiclus1$dnum, 757))) {
  base <- d[[2]]; w0 <- weights(base); psu <- d[[3]]; N <- d[[4]]
  vars <- base$variables
  ps <- postStratify(base, ~stype, pop.types)
  check(paste(d[[1]], "postStratify"), ps, psu, N,
        function(z) ps_resid(z, vars$stype, w0, weights(ps)))
  for (ctl in list(list(maxit = 10, epsilon = 1), list(maxit = 1000, epsilon = 1e-12))) {
    rk <- suppressWarnings(rake(base, list(~stype, ~sch.wide), list(pop.types, pop.schwide), control = ctl))
    # the margins' weights of the last sweep, as kept by rake (RakeOutcome::sweep_weights)
    psws <- lapply(rk$postStrata[[1]], function(m) attr(m, "weights"))
    check(paste(d[[1]], "rake eps", ctl$epsilon), rk, psu, N,
          function(z) rake_resid(z, list(vars$stype, vars$sch.wide), psws))
  }
  X <- model.matrix(~stype + api99, vars)
  for (cal in list(list("linear", c(-Inf, Inf)), list("raking", c(-Inf, Inf)),
                   list("linear", c(0.5, 1.6)), list("logit", c(0.5, 1.6)))) {
    cd <- calibrate(base, ~stype + api99, pop.totals, calfun = cal[[1]], bounds = cal[[2]])
    g <- weights(cd) / w0
    check(paste(d[[1]], "calibrate", cal[[1]], paste(cal[[2]], collapse = ",")), cd, psu, N,
          function(z) greg_resid(z, X, w0, g))
  }
  # post-stratification followed by calibration: the projections apply in order
  pc <- calibrate(ps, ~stype + api99, pop.totals)
  g <- weights(pc) / weights(ps)
  check(paste(d[[1]], "postStratify then calibrate"), pc, psu, N,
        function(z) greg_resid(ps_resid(z, vars$stype, w0, weights(ps)), X, weights(ps), g))
}
print(signif(out, 3))
cat("largest relative SE difference:", format(max(out)), "\n")
