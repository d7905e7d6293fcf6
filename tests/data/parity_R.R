# Generates tests/data/parity_R.json (run in tests/data: Rscript parity_R.R > parity_R.json):
# R survey 4.1.1 behaviours the crate once missed (the hardening issue's R-parity residuals).
# R 4.2.2, survey 4.1.1 on x86-64 (R's long double is the x87 80-bit format). Numbers are
# strings written with %.17g.
suppressMessages(library(survey)); library(jsonlite)
options(survey.ultimate.cluster = FALSE, survey.adjust.domain.lonely = FALSE)
data(api)
g <- function(x) sprintf("%.17g", x)
out <- list()

# --- beta: svyciprop(method = "beta") takes nrow(design) of the design it is given. subset()
# drops the other rows of an ordinary design (so nrow is the domain's, or the base's when
# the rows missing the variable are subset away: the crate's df "base"), but keeps them with
# weight 0 in a calibrated one (nrow is every row).
clus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
ps <- postStratify(clus1, ~stype, data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018)))
beta <- function(design_name, d, variable, category, by, df, ...) {
  f <- as.formula(sprintf("~I(%s == %s)", variable, deparse(category)))
  x <- svyciprop(f, d, method = "beta", na.rm = TRUE)
  list(design = design_name, variable = variable, category = as.character(category),
       by = by, df = df, nrow = nrow(d), degf = degf(d), estimate = g(coef(x)),
       ci_lower = g(confint(x)[1]), ci_upper = g(confint(x)[2]))
}
cases <- list()
for (dn in c("clus1", "ps")) {
  d <- if (dn == "clus1") clus1 else ps
  cases[[length(cases) + 1]] <- beta(dn, d, "acs.46", 30, NULL, "domain")
  cases[[length(cases) + 1]] <- beta(dn, subset(d, !is.na(acs.46)), "acs.46", 30, NULL, "base")
  for (s in c("E", "M")) {
    cases[[length(cases) + 1]] <- beta(dn, subset(d, stype == s), "acs.46", 30, list(stype = s), "domain")
    cases[[length(cases) + 1]] <- beta(dn, subset(d, stype == s & !is.na(acs.46)), "acs.46", 30, list(stype = s), "base")
  }
  for (s in c("No", "Yes")) {
    cases[[length(cases) + 1]] <- beta(dn, subset(d, awards == s), "sch.wide", "Yes", list(awards = s), "domain")
  }
}
out$beta <- list(
  r_call = "svyciprop(~I(variable == category), D, method = 'beta', na.rm = TRUE) with D = the design, subset(design, domain), subset(design, [domain &] !is.na(variable)) (df 'base'); clus1 = svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1), ps = postStratify(clus1, ~stype, E 4421, H 755, M 1018)",
  cases = cases)

# --- chisq: svychisq scales the weighted table to N = nrow(model.matrix(...)), every row of
# the design, also those missing a variable; only the reported X² of Chisq and saddlepoint
# depends on N.
k46 <- apiclus1
k46$k46 <- ifelse(is.na(k46$acs.46), NA, ifelse(k46$acs.46 >= 30, "big", "small"))
k46des <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = k46)
tests <- list()
for (s in c("F", "Chisq", "saddlepoint", "Wald", "adjWald")) {
  x <- svychisq(~sch.wide + k46, k46des, statistic = s)
  tests[[s]] <- list(statistic = g(unname(x$statistic)), p_value = g(x$p.value))
}
complete <- svychisq(~sch.wide + k46, subset(k46des, !is.na(k46)), statistic = "Chisq")
out$chisq <- list(
  r_call = "svychisq(~sch.wide + k46, des, statistic = s), des = svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1) with k46 = NA where acs.46 is NA, 'big' where acs.46 >= 30, else 'small'",
  n_rows = nrow(k46), n_complete = sum(!is.na(k46$k46)), tests = tests,
  chisq_on_complete_rows = g(unname(complete$statistic)))

# --- quantile_na_rm: svyquantile(na.rm = TRUE) drops the rows missing the variable from the
# design before degf(design), so its df (and the beta interval's nrow and degf) are the
# base's. strat_fpc's acs.k3 is missing in all of strata H and M.
strat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
quant <- function(design_name, d, variable, by, interval, df = NULL) {
  f <- as.formula(paste0("~", variable))
  q <- svyquantile(f, d, c(0.25, 0.5), interval.type = interval, na.rm = TRUE, df = df)[[1]]
  kept <- d[!is.na(d$variables[[variable]]), ]
  lapply(1:2, function(i) list(design = design_name, variable = variable, by = by,
    interval = interval, df_arg = if (is.null(df)) "default" else df, prob = c(0.25, 0.5)[i],
    df = degf(kept), estimate = g(q[i, 1]), ci_lower = g(q[i, 2]), ci_upper = g(q[i, 3]),
    se = g(q[i, 4])))
}
cases <- list()
for (interval in c("mean", "beta")) {
  cases <- c(cases, quant("strat", strat, "acs.k3", NULL, interval))
  for (s in c("E", "M")) cases <- c(cases, quant("clus1", subset(clus1, stype == s), "acs.46", list(stype = s), interval))
}
cases <- c(cases, quant("strat", strat, "acs.k3", NULL, "beta", df = 30))
out$quantile_na_rm <- list(
  r_call = "svyquantile(~variable, D, c(0.25, 0.5), interval.type = interval, na.rm = TRUE[, df = 30]); D = strat (svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)) or subset(clus1, stype == s); df = degf(D[!is.na(variable), ])",
  cases = cases)

# --- lonely_fail: under survey.lonely.psu = "fail", svydesign accepts a design with a lonely
# PSU and svyrecvar fails only for an estimate with rows in its stratum (its sampsize, the
# PSUs of the whole design, is 1): domains outside it are estimated, as subset() designs.
# lonely.csv (written by extra_designs_R.R): stratum H has one PSU. lonely_stage2.csv
# (written here): apiclus2 less schools 4956 and 4957, so district 83 keeps one school (E)
# of 3 and is lonely at stage 2.
options(survey.lonely.psu = "fail")
lonely <- read.csv("lonely.csv")
ldes <- svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = lonely, nest = TRUE)
stage2 <- apiclus2[!(apiclus2$snum %in% c(4956, 4957)), c("cds", "dnum", "snum", "stype", "api00", "fpc1", "fpc2")]
write.csv(stage2, "lonely_stage2.csv", row.names = FALSE, na = "")
stage2 <- read.csv("lonely_stage2.csv")
s2des <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = stage2)
domain_mean <- function(design_name, d, s) {
  sub <- subset(d, stype == s)
  m <- try(svymean(~api00, sub), silent = TRUE)
  if (inherits(m, "try-error")) {
    return(list(design = design_name, stype = s, r_error = trimws(sub("^Error[^:]*: *", "", as.character(m))),
      estimate = g(sum(weights(sub) * sub$variables$api00) / sum(weights(sub)))))
  }
  ci <- confint(m, df = degf(sub))
  q <- svyquantile(~api00, sub, 0.5)[[1]]
  list(design = design_name, stype = s, estimate = g(coef(m)), se = g(SE(m)), df = degf(sub),
       ci_lower = g(ci[1]), ci_upper = g(ci[2]), median = g(q[1, 1]), median_ci_lower = g(q[1, 2]),
       median_ci_upper = g(q[1, 3]))
}
cases <- list()
for (s in c("E", "H", "M")) cases[[length(cases) + 1]] <- domain_mean("lonely", ldes, s)
for (s in c("E", "H", "M")) cases[[length(cases) + 1]] <- domain_mean("lonely_stage2", s2des, s)
whole <- try(svymean(~api00, ldes), silent = TRUE)
out$lonely_fail <- list(
  r_call = "options(survey.lonely.psu='fail'); svymean(~api00, subset(D, stype == s)), confint(m, df = degf(subset)), svyquantile(~api00, subset, 0.5); D = svydesign(id=~dnum, strata=~stype, weights=~pw, data=lonely, nest=TRUE) or svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=lonely_stage2); where R fails, its error and the weighted mean",
  whole_design_error = trimws(sub("^Error[^:]*: *", "", as.character(whole))),
  cases = cases)

# --- lonely_average: under "average" a domain whose strata are all lonely has nstrat/nokstrat
# = 1/0 in survey:::onestage, so its variance is NaN (not 0).
options(survey.lonely.psu = "average")
cases <- list()
for (s in c("E", "H", "M")) {
  sub <- subset(ldes, stype == s)
  m <- svymean(~api00, sub)
  q <- svyquantile(~api00, sub, 0.5)[[1]]
  cases[[length(cases) + 1]] <- list(stype = s, estimate = g(coef(m)), se = g(SE(m)),
    median = g(q[1, 1]), median_ci_lower = g(q[1, 2]), median_ci_upper = g(q[1, 3]))
}
out$lonely_average <- list(
  r_call = "options(survey.lonely.psu='average'); svymean(~api00, subset(ldes, stype == s)), svyquantile(~api00, subset, 0.5); ldes = svydesign(id=~dnum, strata=~stype, weights=~pw, data=lonely, nest=TRUE)",
  cases = cases)
options(survey.lonely.psu = "fail")

# --- saddlepoint: pFsum repeats -x/ddf rep(, ddf) times, truncating ddf = d0*nu. Here (equal
# weights, one stratum of 7 PSUs) Delta is a multiple of I, so d0 = 2 and ddf = 2*6 = 12
# exactly: R gets 12 on this file; a few ulps below 12 (as R itself gets with other equal
# weights) would drop a term and give the p-value of 11 copies.
tie <- data.frame(a = c("x", "x", "x", "y", "y", "y", "x"), b = c("p", "q", "r", "p", "q", "r", "q"),
                  w = 75.9639454460703)
write.csv(tie, "saddlepoint_tie.csv", row.names = FALSE)
tie <- read.csv("saddlepoint_tie.csv")
tdes <- svydesign(id = ~1, weights = ~w, data = tie)
f <- svychisq(~a + b, tdes, statistic = "F")
sp <- svychisq(~a + b, tdes, statistic = "saddlepoint")
ch <- svychisq(~a + b, tdes, statistic = "Chisq")
delta <- unname(f$statistic / sp$statistic)  # 1/tr(Delta)
out$saddlepoint <- list(
  r_call = "svychisq(~a + b, svydesign(id=~1, weights=~w, data=saddlepoint_tie), statistic = s)",
  d0 = g(unname(f$parameter[1])), ddf = g(unname(f$parameter[2])),
  statistic = g(unname(sp$statistic)), p_value = g(sp$p.value),
  f_statistic = g(unname(f$statistic)), f_p_value = g(f$p.value),
  chisq_p_value = g(ch$p.value),
  p_value_with_11_copies = g(survey:::pFsum(unname(sp$statistic), rep(1, 2), rep(1 / delta / 2, 2),
    ddf = 11.999999999999998, lower.tail = FALSE, method = "saddlepoint")))

# --- school: survey:::qs compares cumsum(w) with p*sum(w), both accumulated in R's long
# double (x87, 64-bit significand, rounded after each addition) and rounded to double. At p
# equal to a cumulative share R sees the tie (wlow == 0: school takes the midpoint, math the
# lower value); correctly rounded sums can be an ulp off and miss it. `found`: the first
# such case of a search (set.seed(1), 12 weights exp(runif(12, -8, 8)), x = 472, 474, ...),
# every cumulative share. `many`: 5000 weights k/10000 (k integers, as survey files print
# weights to 4 decimals) on distinct values x, at the cumulative shares where R's cumsum
# differs from the correctly rounded one and at 20 others (x and k as space-separated lists).
neumaier_cumsum <- function(v) {
  s <- 0; cc <- 0; r <- numeric(length(v))
  for (i in seq_along(v)) {
    t <- s + v[i]
    cc <- cc + if (abs(s) >= abs(v[i])) (s - t) + v[i] else (v[i] - t) + s
    s <- t; r[i] <- s + cc
  }
  r
}
rules_at <- function(x, w, at) {
  cw <- cumsum(w[order(x)])
  ps <- cw[at] / sum(w)
  list(at = at, p = g(ps), cumsum = g(cw[at]),
    differs_from_correctly_rounded = cw[at] != neumaier_cumsum(w[order(x)])[at],
    school = g(sapply(ps, function(p) survey:::qrule_school(x, w, p))),
    math = g(sapply(ps, function(p) survey:::qrule_math(x, w, p))),
    hf7 = g(sapply(ps, function(p) survey:::qrule_hf7(x, w, p))))
}
found_w <- c(0.005381612469593235, 0.89703856121643522, 44.479238781435015, 1.1924575721607862,
  0.67125287916046117, 4.0812325927803785, 3.1918416483030971, 11.925558280570169,
  344.47065053687896, 0.19196197264732379, 1574.7605230697011, 0.14867925916234667)
found_x <- 470 + 2 * (1:12)
set.seed(1)
many_k <- pmax(1, round(exp(rnorm(5000)) * 10000))
many_w <- many_k / 10000
many_x <- sample(5000)
many_cw <- cumsum(many_w[order(many_x)])
differ <- which(many_cw != neumaier_cumsum(many_w[order(many_x)]))
others <- sort(sample(setdiff(1:4999, differ), 20))
out$school <- list(
  r_call = "survey:::qrule_school/qrule_math/qrule_hf7(x, w, p) at p = cumsum(w[order(x)])[at]/sum(w)",
  found = c(list(x = found_x, w = g(found_w), sum = g(sum(found_w))), rules_at(found_x, found_w, 1:12)),
  many = c(list(x = paste(many_x, collapse = " "), k = paste(many_k, collapse = " "), sum = g(sum(many_w))),
    rules_at(many_x, many_w, sort(c(differ, others)))))

# --- rep_quantile: on a replicate design svyquantile(interval.type = "quantile") takes the
# replicates' quantiles (survey:::repCI): SE^2 = svrVar(qrule(x, w_r, p)), CI = qhat -/+ t*SE
# with t on degf(design). The designs are read from the replicate weights of
# replicate_R.R's CSV files (so both sides have the same doubles): JK1 of apiclus1, BRR of
# pairs.csv; whole and per stype (subset(), whose degf is the rank of its replicates - 1).
rq <- function(design_name, d, by, rule) {
  q <- svyquantile(~api00, d, c(0.25, 0.5, 0.75), interval.type = "quantile", qrule = rule)$api00
  lapply(1:3, function(i) list(design = design_name, by = by, rule = rule,
    prob = c(0.25, 0.5, 0.75)[i], df = degf(d), estimate = g(q[i, 1]), ci_lower = g(q[i, 2]),
    ci_upper = g(q[i, 3]), se = g(q[i, 4])))
}
cases <- list()
designs <- list()
for (nm in c("jk1_clus1", "brr_pairs")) {
  d <- read.csv(sprintf("rep_%s.csv", nm))
  des <- svrepdesign(data = d, repweights = "rw[0-9]+", weights = ~fullw,
    type = if (nm == "jk1_clus1") "JK1" else "BRR", combined.weights = TRUE)
  designs[[nm]] <- list(type = des$type, scale = g(des$scale), rscales = g(des$rscales), mse = des$mse)
  for (rule in c("math", "hf7")) {
    cases <- c(cases, suppressWarnings(rq(nm, des, NULL, rule)))
    for (s in c("E", "M")) cases <- c(cases, suppressWarnings(rq(nm, subset(des, stype == s), list(stype = s), rule)))
  }
}
out$rep_quantile <- list(
  r_call = "svyquantile(~api00, D, c(0.25, 0.5, 0.75), interval.type = 'quantile', qrule = rule); D = svrepdesign(data = read.csv('rep_<design>.csv'), repweights = 'rw[0-9]+', weights = ~fullw, type = 'JK1' or 'BRR', combined.weights = TRUE) or subset(D, stype == s)",
  designs = designs, cases = cases)

cat(toJSON(out, auto_unbox = TRUE, pretty = TRUE, null = "null"))
