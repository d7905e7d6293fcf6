# Generates tests/data/quantile_domain_R.json (Rscript quantile_domain_R.R > quantile_domain_R.json):
# svyquantile in the domain awards == "Yes" of strat_fpc (survey::apistrat), once with the
# out-of-domain rows dropped (subset(), R's behaviour for ordinary designs) and once kept
# with weight 0 (des[i, drop=FALSE], R's behaviour for calibrated/PPS designs).
# R 4.2.2, survey 4.1.1.
suppressMessages(library(survey)); library(jsonlite)
data(api)
des <- svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)
dom <- apistrat$awards == "Yes"
variants <- list(dropped=subset(des, awards == "Yes"), kept=des[dom, drop=FALSE])
out <- list()
for (v in names(variants)) {
  d <- variants[[v]]
  for (itype in c("mean","beta","xlogit","asin","score")) {
    m <- suppressWarnings(svyquantile(~api00, d, c(0.25, 0.5, 0.75), interval.type=itype))$api00
    for (i in 1:3) out[[length(out)+1]] <- list(variant=v, interval=itype, nrow=nrow(d),
      degf=degf(d), prob=c(0.25,0.5,0.75)[i],
      estimate=sprintf("%.17g", m[i,1]), ci_lower=sprintf("%.17g", m[i,2]),
      ci_upper=sprintf("%.17g", m[i,3]), se=sprintf("%.17g", m[i,4]))
  }
}
cat(toJSON(list(source="R 4.2.2, survey 4.1.1: svyquantile(~api00, D, c(0.25,0.5,0.75), interval.type=...) with D = subset(des, awards==\"Yes\") (dropped) or des[apistrat$awards==\"Yes\", drop=FALSE] (kept), des = svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)", records=out), auto_unbox=TRUE, pretty=TRUE))
