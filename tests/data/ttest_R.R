# Reference values for the design-based t-test (tests/integration/ttest.rs).
# Run from tests/data: Rscript ttest_R.R > ttest_R.json   (R 4.2.2, survey 4.1.1)
# svyttest(y ~ g, design) is svyglm(y ~ g): estimate = coefficient of the second level,
# df = m$df.residual (degf(design) - 1, degf of the design without the rows missing y or
# g), CI = confint(m, parm = 2).
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
cases <- list(
  strat = list(des = strat, f = api00 ~ comp.imp),
  clus2 = list(des = clus2, f = api00 ~ comp.imp),
  poststrat = list(des = ps, f = api00 ~ comp.imp),
  jk1_clus1 = list(des = jk1, f = api00 ~ sch.wide),
  strat_enroll_awards = list(des = strat, f = enroll ~ awards),
  # acs.k3 is missing on 44 rows: svyglm drops them before degf (df 33, not 38)
  clus2_acs_k3 = list(des = clus2, f = acs.k3 ~ comp.imp),
  # acs.k3 is missing in strata H and M: only stratum E is left
  strat_acs_k3 = list(des = strat, f = acs.k3 ~ comp.imp)
)
out <- character(0)
for (nm in names(cases)) {
  cs <- cases[[nm]]
  tt <- svyttest(cs$f, cs$des)
  se <- unname(tt$estimate / tt$statistic)
  out <- c(out, sprintf(
    '  "%s": {"formula": "%s", "estimate": %s, "std_error": %s, "statistic": %s, "df": %s, "p_value": %s, "ci_lower": %s, "ci_upper": %s}',
    nm, deparse(cs$f), fmt(tt$estimate), fmt(se), fmt(tt$statistic), fmt(tt$parameter),
    fmt(tt$p.value), fmt(tt$conf.int[1]), fmt(tt$conf.int[2])))
}
cat("{\n", paste(out, collapse = ",\n"), "\n}\n", sep = "")
