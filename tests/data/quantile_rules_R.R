# Generates tests/data/quantile_rules_R.json (Rscript quantile_rules_R.R > quantile_rules_R.json): svyquantile on survey::apistrat (strat_fpc) for
# every qrule and several settings. R 4.2.2, survey 4.1.1, jsonlite.
suppressMessages(library(survey)); library(jsonlite)
data(api)
des <- svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)
rules <- c("math","school","shahvaish","hf1","hf2","hf3","hf4","hf5","hf6","hf7","hf8","hf9")
out <- list()
add <- function(rule, itype, alpha, df, probs) {
  r <- if (is.null(df)) svyquantile(~api00, des, probs, qrule=rule, interval.type=itype, alpha=alpha)
       else svyquantile(~api00, des, probs, qrule=rule, interval.type=itype, alpha=alpha, df=df)
  m <- r$api00
  for (i in seq_along(probs)) {
    out[[length(out)+1]] <<- list(rule=rule, interval=itype, alpha=alpha,
      df=if (is.null(df)) degf(des) else df, prob=probs[i],
      estimate=sprintf("%.17g", m[i,1]), ci_lower=sprintf("%.17g", m[i,2]),
      ci_upper=sprintf("%.17g", m[i,3]), se=sprintf("%.17g", m[i,4]))
  }
}
for (rule in rules) add(rule, "mean", 0.05, NULL, c(0.1, 0.25, 0.5, 0.9))
for (itype in c("beta","xlogit","asin","score")) add("hf7", itype, 0.1, NULL, c(0.1, 0.5))
add("math", "mean", 0.05, Inf, c(0.1, 0.5))
add("school", "beta", 0.05, 30, c(0.5))
cat(toJSON(list(source="R 4.2.2, survey 4.1.1: svyquantile(~api00, svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat), prob, qrule=rule, interval.type=interval, alpha=alpha[, df=df])", design_degf=degf(des), records=out), auto_unbox=TRUE, pretty=TRUE))
