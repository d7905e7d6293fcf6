# Reference values for replicate-weight designs (tests/integration/replicates.rs).
# Run from tests/data: Rscript replicate_R.R > replicate_R.json   (R 4.2, survey 4.1.1)
# Writes replicate weight columns to CSV so that the test reads the same replicates R used.
suppressMessages(library(survey))
options(survey.replicates.mse = FALSE)
fmt <- function(x) sprintf("%.17g", unname(as.numeric(x)))
apistrat <- read.csv("apistrat.csv")
apiclus1 <- read.csv("apiclus1.csv")
strat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
clus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
strat_nofpc <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)
# A design with two PSUs per stratum for BRR / Fay: pairs of districts in apiclus1 by dnum order.
ord <- sort(unique(apiclus1$dnum))[1:14]
pairs <- apiclus1[apiclus1$dnum %in% ord, ]
pairs$pair <- match(pairs$dnum, ord) %/% 2 + (match(pairs$dnum, ord) %% 2)
pairs$pair <- (match(pairs$dnum, ord) + 1) %/% 2
write.csv(pairs, "pairs.csv", row.names = FALSE, na = "")
pairs <- read.csv("pairs.csv")
paired <- svydesign(id = ~dnum, strata = ~pair, weights = ~pw, data = pairs)

cases <- list(
  jkn_strat = list(des = as.svrepdesign(strat, type = "JKn"), data = apistrat, file = "rep_jkn_strat.csv", type = "JKn"),
  jk1_clus1 = list(des = as.svrepdesign(clus1, type = "JK1"), data = apiclus1, file = "rep_jk1_clus1.csv", type = "JK1"),
  brr_pairs = list(des = as.svrepdesign(paired, type = "BRR"), data = pairs, file = "rep_brr_pairs.csv", type = "BRR"),
  fay_pairs = list(des = as.svrepdesign(paired, type = "Fay", fay.rho = 0.3), data = pairs, file = "rep_fay_pairs.csv", type = "Fay"),
  boot_strat = list(des = { set.seed(1); as.svrepdesign(strat_nofpc, type = "bootstrap", replicates = 50) }, data = apistrat, file = "rep_boot_strat.csv", type = "bootstrap")
)
out <- list()
for (nm in names(cases)) {
  cs <- cases[[nm]]
  des <- cs$des
  rw <- weights(des, "analysis")
  colnames(rw) <- paste0("rw", seq_len(ncol(rw)))
  d <- cbind(cs$data[, c("api00", "api99", "enroll", "stype", "sch.wide")], fullw = weights(des, "sampling"), rw)
  write.csv(d, cs$file, row.names = FALSE, na = "")
  m <- svymean(~api00, des)
  t <- svytotal(~enroll, des)
  p <- svymean(~sch.wide, des)
  r <- svyratio(~api00, ~api99, des)
  dif <- svycontrast(svymean(~api00 + api99, des), c(1, -1))
  by <- svyby(~api00, ~stype, des, svymean)
  ci <- svyciprop(~I(sch.wide == "Yes"), des, method = "logit")
  q <- svyquantile(~api00, des, quantiles = 0.5, interval.type = "mean")$api00
  ps <- postStratify(des, ~stype, data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018)))
  mps <- svymean(~api00, ps)
  chisq <- lapply(c("F", "Chisq", "Wald", "adjWald"), function(st) {
    x <- svychisq(~sch.wide + stype, des, statistic = st)
    list(statistic = st, value = fmt(x$statistic), p_value = fmt(x$p.value))
  })
  out[[nm]] <- list(
    type = cs$type, scale = fmt(des$scale), rscales = sapply(des$rscales, fmt), mse = des$mse,
    replicates = ncol(rw), degf = degf(des),
    mean_api00 = fmt(coef(m)), mean_api00_se = fmt(SE(m)),
    total_enroll = fmt(coef(t)), total_enroll_se = fmt(SE(t)),
    p_schwide_yes = fmt(coef(p)[2]), p_schwide_yes_se = fmt(SE(p)[2]),
    ratio = fmt(coef(r)), ratio_se = fmt(SE(r)),
    diff = fmt(coef(dif)), diff_se = fmt(SE(dif)),
    by_stype = lapply(1:3, function(i) list(stype = c("E","H","M")[i], estimate = fmt(coef(by)[i]), se = fmt(SE(by)[i]))),
    ciprop_logit = list(estimate = fmt(ci), lower = fmt(attr(ci, "ci")[1]), upper = fmt(attr(ci, "ci")[2])),
    median = list(estimate = fmt(q[1, "quantile"]), lower = fmt(q[1, "ci.2.5"]), upper = fmt(q[1, "ci.97.5"]), se = fmt(q[1, 4])),
    poststrat_mean_api00 = fmt(coef(mps)), poststrat_mean_api00_se = fmt(SE(mps)),
    chisq = chisq
  )
}
cat(jsonlite::toJSON(list(source = "R 4.2 + survey 4.1.1, tests/data/replicate_R.R", cases = out), auto_unbox = TRUE, pretty = TRUE))
