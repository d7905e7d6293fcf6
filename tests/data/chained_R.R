# Reference values for chained weighting steps (tests/integration/chained.rs).
# Run from tests/data: Rscript chained_R.R > chained_R.json   (R 4.2, survey 4.1.1)
suppressMessages(library(survey))
fmt <- function(x) sprintf("%.17g", unname(as.numeric(x)))
apisrs <- read.csv("apisrs.csv")
apiclus1 <- read.csv("apiclus1.csv")
srs <- svydesign(id = ~1, fpc = ~fpc, data = apisrs)
clus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
cases <- list(
  ps_then_cal = calibrate(postStratify(srs, ~stype, pop.types), ~api99,
                          c(`(Intercept)` = 6194, api99 = 3914069)),
  ps_then_rake = rake(postStratify(srs, ~stype, pop.types), list(~sch.wide), list(pop.schwide),
                      control = list(maxit = 100, epsilon = 1e-12)),
  cal_then_trim = trimWeights(calibrate(clus1, ~stype + api99,
                                        c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)),
                              upper = 36, lower = 30)
)
out <- lapply(cases, function(des) {
  m <- svymean(~api00, des); t <- svytotal(~enroll, des); p <- svymean(~awards, des)
  list(mean_api00 = fmt(coef(m)), mean_api00_se = fmt(SE(m)),
       total_enroll = fmt(coef(t)), total_enroll_se = fmt(SE(t)),
       p_awards_yes = fmt(coef(p)[2]), p_awards_yes_se = fmt(SE(p)[2]))
})
cat(jsonlite::toJSON(list(source = "R 4.2 + survey 4.1.1, tests/data/chained_R.R", cases = out),
                     auto_unbox = TRUE, pretty = TRUE))
