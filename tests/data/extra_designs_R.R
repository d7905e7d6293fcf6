# More reference designs than the shared oracle has: two-stage clusters with fpc at both
# stages, nest = TRUE, and every lonely-PSU policy. Records use reference.json's layout so
# tests/integration/oracle.rs tests them with the same loop.
# Run from tests/data: Rscript extra_designs_R.R > extra_reference.json   (R 4.2, survey 4.1.1)
suppressMessages(library(survey))
options(survey.ultimate.cluster = FALSE, survey.adjust.domain.lonely = FALSE)
fmt <- function(x) sprintf("%.17g", x)
# Shortest-exact numbers: %.17g written verbatim (jsonlite itself stops at 15 digits).
num <- function(x) {
  x <- unname(as.numeric(x))
  structure(if (is.finite(x)) sprintf("%.17g", x) else "null", class = "json")
}
apiclus2 <- read.csv("apiclus2.csv")
apistrat <- read.csv("apistrat.csv")
# A stratified cluster sample with a lonely PSU: high schools of one district only.
h1 <- min(apistrat$dnum[apistrat$stype == "H"])
lonely <- apistrat[apistrat$stype != "H" | apistrat$dnum == h1, ]
write.csv(lonely, "lonely.csv", row.names = FALSE, na = "")
lonely <- read.csv("lonely.csv")

designs <- list(
  clus2_fpc = list(data = "apiclus2", policy = "fail",
    make = function() svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2),
    call = "svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2)"),
  clus2_pw = list(data = "apiclus2", policy = "fail",
    make = function() svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2),
    call = "svydesign(id=~dnum+snum, weights=~pw, data=apiclus2)"),
  strat_clus_nest = list(data = "apistrat", policy = "fail",
    make = function() svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = apistrat, nest = TRUE),
    call = "svydesign(id=~dnum, strata=~stype, weights=~pw, data=apistrat, nest=TRUE)")
)
for (p in c("remove", "certainty", "adjust", "average")) {
  designs[[paste0("lonely_", p)]] <- list(data = "lonely", policy = p,
    make = function() svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = lonely, nest = TRUE),
    call = paste0("options(survey.lonely.psu='", p, "'); svydesign(id=~dnum, strata=~stype, weights=~pw, data=lonely, nest=TRUE)"))
}

records <- list()
add <- function(id, design, estimator, variable, values, level = NULL, domain = NULL, options = NULL) {
  r <- list(id = paste0(design, "/", id), design = design, estimator = estimator, variable = variable,
            values = lapply(values, num))
  if (!is.null(level)) r$level <- level
  if (!is.null(domain)) r$domain <- domain
  if (!is.null(options)) r$options <- options
  records[[length(records) + 1]] <<- r
}
meta <- list()
for (nm in names(designs)) {
  spec <- designs[[nm]]
  options(survey.lonely.psu = spec$policy)
  des <- spec$make()
  meta[[nm]] <- list(dataset = spec$data, r_call = spec$call, lonely_psu = spec$policy)
  add("degf", nm, "degf", NULL, list(degf = degf(des)))
  for (v in c("api00", "enroll")) {
    m <- svymean(as.formula(paste0("~", v)), des, deff = TRUE, na.rm = TRUE)
    mr <- svymean(as.formula(paste0("~", v)), des, deff = "replace", na.rm = TRUE)
    ci <- confint(m, df = degf(des))
    add(paste0("svymean/", v), nm, "svymean", v, list(estimate = coef(m), se = SE(m),
      ci95_t_lower = ci[1], ci95_t_upper = ci[2], deff = deff(m), deff_replace = deff(mr)))
    t <- svytotal(as.formula(paste0("~", v)), des, deff = TRUE, na.rm = TRUE)
    add(paste0("svytotal/", v), nm, "svytotal", v, list(estimate = coef(t), se = SE(t), deff = deff(t)))
  }
  p <- svymean(~stype, des)
  for (l in c("E", "H", "M")) {
    add(paste0("svymean/stype=", l), nm, "svymean", "stype", list(estimate = coef(p)[paste0("stype", l)],
      se = SE(p)[paste0("stype", l)]), level = l)
  }
  b <- svyby(~api00, ~stype, des, svymean)
  for (i in 1:3) {
    l <- c("E", "H", "M")[i]
    sub <- subset(des, stype == l)
    add(paste0("svyby/svymean/api00/stype=", l), nm, "svyby", "api00",
      list(estimate = coef(b)[i], se = SE(b)[i], domain_degf = degf(sub)),
      domain = list(stype = l), options = list(FUN = "svymean"))
  }
  c <- svyciprop(~I(sch.wide == "Yes"), des, method = "logit")
  ci <- attr(c, "ci")
  add("svyciprop/sch.wide=Yes/logit/0.95", nm, "svyciprop", "sch.wide",
    list(estimate = as.numeric(c), se = SE(c), ci_lower = ci[1], ci_upper = ci[2], df = degf(des)),
    level = "Yes", options = list(method = "logit", conf_level = 0.95))
  q <- svyquantile(~api00, des, quantiles = 0.5)
  qq <- q$api00
  add("svyquantile/api00/0.5/math/mean", nm, "svyquantile", "api00",
    list(estimate = qq[1, "quantile"], ci_lower = qq[1, "ci.2.5"], ci_upper = qq[1, "ci.97.5"], se = qq[1, "se"]),
    options = list(quantile = 0.5, qrule = "math", interval_type = "mean"))
}
cat(jsonlite::toJSON(list(
  meta = list(generator = "tests/data/extra_designs_R.R", R = R.version.string,
              survey = as.character(packageVersion("survey"))),
  designs = meta, results = records), auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE))
