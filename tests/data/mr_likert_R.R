# Reference values for multiple-response and Likert summaries (tests/integration/questionnaire_analysis.rs).
# Run from tests/data: Rscript mr_likert_R.R > mr_likert_R.json   (R 4.2, survey 4.1.1)
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
d <- read.csv("mr_likert.csv")
d$nchoices <- d$o1 + d$o2 + d$o3 + d$o4 + d$dk
d$anychoice <- d$nchoices > 0
d$score <- ifelse(d$q5 == 9, NA, d$q5)
d$top2 <- as.numeric(d$q5 %in% 4:5)
d$bottom2 <- as.numeric(d$q5 %in% 1:2)
des <- svydesign(ids = ~cluster, strata = ~region, weights = ~w, data = d)
cases <- subset(des, anychoice)
lik <- subset(des, q5 != 9)
fmt <- function(x) sprintf("%.17g", x)
out <- list()
add <- function(id, est, se, extra = list()) {
  out[[length(out) + 1]] <<- c(list(id = id, estimate = fmt(est), se = fmt(se)), extra)
}
opts <- c("o1", "o2", "o3", "o4", "dk")
m_all <- svymean(~o1 + o2 + o3 + o4 + dk, des, deff = TRUE)
m_cases <- svymean(~o1 + o2 + o3 + o4 + dk, cases, deff = TRUE)
for (i in seq_along(opts)) {
  add(paste0("all/", opts[i]), coef(m_all)[i], SE(m_all)[i], list(deff = fmt(deff(m_all)[i])))
  add(paste0("cases/", opts[i]), coef(m_cases)[i], SE(m_cases)[i], list(deff = fmt(deff(m_cases)[i])))
  r <- svyratio(as.formula(paste0("~", opts[i])), ~nchoices, des)
  add(paste0("responses/", opts[i]), coef(r), SE(r))
}
pair <- svycontrast(svymean(~o1 + o2, cases), c(1, -1))
add("cases/o1-o2", coef(pair), SE(pair))
pair_all <- svycontrast(svymean(~o1 + o3, des), c(1, -1))
add("all/o1-o3", coef(pair_all), SE(pair_all))
by_region <- svyby(~o1, ~region, cases, svymean, covmat = TRUE)
for (r in 1:3) add(paste0("cases/o1/region=", r), coef(by_region)[r], SE(by_region)[r])
avg <- svycontrast(by_region, rep(1/3, 3))
add("cases/o1/average_of_regions", coef(avg), SE(avg))
dif <- svycontrast(by_region, c(1, -1, 0))
add("cases/o1/region1-region2", coef(dif), SE(dif))
ms <- svymean(~score, lik, deff = TRUE)
add("likert/mean", coef(ms), SE(ms), list(deff = fmt(deff(ms))))
tb <- svymean(~top2 + bottom2, lik, deff = TRUE)
add("likert/top2", coef(tb)[1], SE(tb)[1], list(deff = fmt(deff(tb)[1])))
add("likert/bottom2", coef(tb)[2], SE(tb)[2], list(deff = fmt(deff(tb)[2])))
net <- svycontrast(tb, c(1, -1))
add("likert/net", coef(net), SE(net))
dist <- svymean(~factor(q5), lik)
for (k in 1:5) add(paste0("likert/level=", k), coef(dist)[k], SE(dist)[k])
cat(jsonlite::toJSON(list(
  source = "R 4.2 + survey 4.1.1, tests/data/mr_likert_R.R on tests/data/mr_likert.csv",
  design = "svydesign(ids=~cluster, strata=~region, weights=~w, data=d)",
  values = out), auto_unbox = TRUE, pretty = TRUE))
