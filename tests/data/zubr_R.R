# Reference values for the report reproduction (tests/integration/zubr_report.rs).
# Run from tests/data: Rscript zubr_R.R > zubr_R.json   (R 4.2, survey 4.1.1)
suppressMessages(library(survey))
d <- read.csv("../../data/zubr2019/responses.csv")
des <- svydesign(ids = ~project, strata = ~region, weights = ~weight, data = d)
fmt <- function(x) sprintf("%.17g", x)
# q2's "% of cases": respondents who chose at least one option (hard to answer included).
q2 <- c(paste0("q2_problems_", 1:6), "q2_problems_9")
d$q2_any <- rowSums(d[, q2]) > 0
des <- update(des, q2_any = d$q2_any)
cases <- subset(des, q2_any)
m <- svymean(~q2_problems_1 + q2_problems_2, cases)
pair <- svycontrast(m, c(1, -1))
t <- coef(pair) / SE(pair)
by_region <- svyby(~q2_problems_6, ~region, cases, svymean, covmat = TRUE)
avg <- svycontrast(by_region, rep(1/3, 3))
pooled <- svymean(~q2_problems_6, des)
cat(jsonlite::toJSON(list(
  source = "R 4.2 + survey 4.1.1, tests/data/zubr_R.R on data/zubr2019/responses.csv",
  design = "svydesign(ids=~project, strata=~region, weights=~weight, data=d)",
  n_cases = fmt(sum(d$q2_any)),
  f3_minus_f4 = fmt(coef(pair)), f3_minus_f4_se = fmt(SE(pair)),
  f3_minus_f4_p = fmt(2 * pt(-abs(t), degf(cases))),
  f10_average = fmt(coef(avg)), f10_average_se = fmt(SE(avg)),
  f10_pooled = fmt(coef(pooled)), f10_pooled_se = fmt(SE(pooled))
), auto_unbox = TRUE, pretty = TRUE))
