# Raked and calibrated designs (rake, calibrate on categorical margins): the values
# tests/integration/sums.rs checks the sums path against (replicate weight columns are
# checked against replicate_R.json). Run from tests/data: Rscript sums_rake_R.R
# (writes sums_rake_R.json)
suppressMessages(library(survey))
out <- list()
add <- function(id, estimate, se, df) {
  out[[length(out) + 1]] <<- list(id = id, estimate = unname(estimate), se = unname(se), df = df)
}
pop <- list(
  stype = data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018)),
  sch.wide = data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122)),
  awards = data.frame(awards = c("No", "Yes"), Freq = c(2027, 4167)))
# The mean of api00, the total of enroll, the mean of api00 by awards, the shares and
# counts of comp.imp (no margin of any design here).
run <- function(name, d) {
  m <- svymean(~api00, d)
  add(paste0(name, "/mean/api00"), coef(m), SE(m), degf(d))
  t <- svytotal(~enroll, d)
  add(paste0(name, "/total/enroll"), coef(t), SE(t), degf(d))
  b <- svyby(~api00, ~awards, d, svymean)
  for (i in 1:2) add(paste0(name, "/mean/api00/awards=", c("No", "Yes")[i]), coef(b)[i], SE(b)[i], NA)
  p <- svymean(~comp.imp, d)
  c <- svytotal(~comp.imp, d)
  for (v in c("No", "Yes")) {
    k <- paste0("comp.imp", v)
    add(paste0(name, "/mean/comp.imp=", v), coef(p)[k], SE(p)[match(k, names(coef(p)))], degf(d))
    add(paste0(name, "/total/comp.imp=", v), coef(c)[k], SE(c)[match(k, names(coef(c)))], degf(d))
  }
}
clus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = read.csv("apiclus1.csv"))
strat <- svydesign(id = ~snum, strata = ~stype, weights = ~pw, fpc = ~fpc, data = read.csv("apistrat.csv"))
# R's default control (maxit 10, epsilon 1) and a tight one.
run("clus1_rake", rake(clus1, list(~stype, ~sch.wide), pop[c("stype", "sch.wide")]))
run("strat_rake", rake(strat, list(~sch.wide, ~awards), pop[c("sch.wide", "awards")],
  control = list(maxit = 100, epsilon = 1e-9)))
totals <- c(`(Intercept)` = 6194, sch.wideYes = 5122, stypeH = 755, stypeM = 1018)
run("clus1_cal_linear", calibrate(clus1, ~sch.wide + stype, totals))
run("clus1_cal_logit", calibrate(clus1, ~sch.wide + stype, totals, calfun = "logit",
  bounds = c(0.5, 2.5)))
records <- vapply(out, function(r) sprintf(
  '    {"id": "%s", "values": {"estimate": %.17g, "se": %.17g%s}}', r$id, r$estimate, r$se,
  if (is.na(r$df)) "" else sprintf(', "df": %d', as.integer(r$df))), "")
writeLines(c("{", sprintf('  "source": "R %s, survey %s: Rscript sums_rake_R.R",',
  getRversion(), packageVersion("survey")), '  "results": [',
  paste(records, collapse = ",\n"), "  ]", "}"), "sums_rake_R.json")
