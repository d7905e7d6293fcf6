# Generates tests/data/weighting_R.json: row-by-row adjusted weights from R survey's
# postStratify, rake, calibrate (calfun linear/raking/logit, with and without bounds) and
# trimWeights on survey::apiclus1 and survey::apistrat, for tests/integration/weighting.rs.
#   Rscript tests/data/weighting_R.R > tests/data/weighting_R.json
# R 4.2.2, survey 4.1.1. Rows are in the data sets' order (= tests/data/api*.csv).
# Numbers are JSON strings holding the shortest decimal (15-17 significant digits) that
# round-trips to R's double: parse them with a correctly rounding parser (serde_json's default
# float parsing can be one unit in the last place off).
suppressMessages(library(survey)); library(jsonlite)
options(survey.lonely.psu = "fail")
data(api)

num1 <- function(x) {
  for (d in 15:17) { s <- sprintf(paste0("%.", d, "g"), x); if (as.numeric(s) == x) break }
  s
}
nums <- function(x) lapply(unname(as.numeric(x)), num1)

clus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
strat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
designs <- list(apiclus1 = clus1, apistrat = strat)
design_calls <- list(
  apiclus1 = "svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1)",
  apistrat = "svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)")

pop <- list(
  stype = data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018)),
  sch.wide = data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122)),
  awards = data.frame(awards = c("No", "Yes"), Freq = c(2027, 4167)))
totals <- list(
  "stype+api99" = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069),
  "sch.wide+api99" = c(`(Intercept)` = 6194, sch.wideYes = 5122, api99 = 3914069))

cases <- list()
add <- function(x) cases[[length(cases) + 1]] <<- x

# Smallest maxit for which R succeeds = the number of sweeps / Newton steps R performs.
min_maxit <- function(f, upto) {
  for (m in 1:upto) {
    ok <- tryCatch(withCallingHandlers(f(m), warning = function(w) stop("unconverged")),
                   error = function(e) FALSE)
    if (!isFALSE(ok)) return(m)
  }
  NA
}
margin_json <- function(vars) lapply(vars, function(v)
  list(variable = v, levels = pop[[v]][[v]], population = nums(pop[[v]]$Freq)))

## postStratify
for (ps in list(c("apiclus1", "stype"), c("apistrat", "sch.wide"))) {
  d <- designs[[ps[1]]]; v <- ps[2]
  out <- postStratify(d, as.formula(paste0("~", v)), pop[[v]])
  add(list(id = paste0(ps[1], "/poststratify/", v), dataset = ps[1], kind = "poststratify",
    r_call = sprintf("postStratify(%s, ~%s, pop.%s)", design_calls[[ps[1]]], v, v),
    margins = margin_json(v), input_weights = nums(weights(d)), weights = nums(weights(out))))
}

## rake: R's default control and a tight one
for (rk in list(c("apiclus1", "stype", "sch.wide"), c("apistrat", "sch.wide", "awards"))) {
  d <- designs[[rk[1]]]; vars <- rk[2:3]
  sm <- lapply(vars, function(v) as.formula(paste0("~", v)))
  pm <- pop[vars]
  for (ctl in list(list(name = "default", maxit = 10, epsilon = 1),
                   list(name = "tight", maxit = 1000, epsilon = 1e-12))) {
    f <- function(m) rake(d, sm, pm, control = list(maxit = m, epsilon = ctl$epsilon))
    warned <- FALSE
    out <- withCallingHandlers(f(ctl$maxit),
      warning = function(w) { warned <<- TRUE; invokeRestart("muffleWarning") })
    sweeps <- if (warned) ctl$maxit else min_maxit(f, ctl$maxit)
    achieved <- lapply(vars, function(v) nums(svytotal(as.formula(paste0("~", v)), out)))
    add(list(id = paste0(rk[1], "/rake/", paste(vars, collapse = "+"), "/", ctl$name),
      dataset = rk[1], kind = "rake",
      r_call = sprintf("rake(%s, list(~%s, ~%s), list(pop.%s, pop.%s), control=list(maxit=%d, epsilon=%s))",
                       design_calls[[rk[1]]], vars[1], vars[2], vars[1], vars[2], ctl$maxit, format(ctl$epsilon)),
      margins = margin_json(vars), max_iter = ctl$maxit, epsilon = num1(ctl$epsilon),
      converged = !warned, iterations = sweeps, achieved = achieved,
      input_weights = nums(weights(d)), weights = nums(weights(out))))
  }
}

## calibrate
cal_cases <- list(
  list("apiclus1", "stype+api99", "linear", NULL),
  list("apiclus1", "stype+api99", "raking", NULL),
  list("apiclus1", "stype+api99", "linear", c(0.5, 1.6)),
  list("apiclus1", "stype+api99", "raking", c(0.5, 1.6)),
  list("apiclus1", "stype+api99", "logit", c(0.5, 1.6)),
  list("apiclus1", "stype+api99", "logit", c(0.4, 2.5)),
  list("apistrat", "sch.wide+api99", "linear", NULL),
  list("apistrat", "sch.wide+api99", "raking", NULL),
  list("apistrat", "sch.wide+api99", "linear", c(0.97, 1.03)),
  list("apistrat", "sch.wide+api99", "logit", c(0.97, 1.03)),
  list("apistrat", "sch.wide+api99", "raking", c(0.97, 1.03)),
  list("apiclus1", "stype+api99", "raking", c(0.5, 1.6), 10),  # fails: R needs 36 steps
  list("apiclus1", "stype+api99", "linear", c(0.7, 1.4)))      # fails: stypeH out of reach
for (cc in cal_cases) {
  d <- designs[[cc[[1]]]]; fml <- as.formula(paste0("~", cc[[2]])); tot <- totals[[cc[[2]]]]
  cf <- cc[[3]]; b <- cc[[4]]
  bb <- if (is.null(b)) c(-Inf, Inf) else b
  maxit <- if (length(cc) >= 5) cc[[5]] else 50
  f <- function(m) calibrate(d, fml, tot, calfun = cf, bounds = bb, maxit = m)
  msg <- NULL
  out <- withCallingHandlers(
    calibrate(d, fml, tot, calfun = cf, bounds = bb, maxit = maxit, force = TRUE),
    warning = function(w) { msg <<- conditionMessage(w); invokeRestart("muffleWarning") })
  failed <- !is.null(msg) && grepl("Failed to converge", msg)
  closed_form <- cf == "linear" && is.null(b)
  rec <- list(id = paste0(cc[[1]], "/calibrate/", cc[[2]], "/", cf,
                          if (is.null(b)) "" else paste0("/", b[1], "-", b[2]),
                          if (maxit == 50) "" else paste0("/maxit=", maxit)),
    dataset = cc[[1]], kind = "calibrate", terms = strsplit(cc[[2]], "+", fixed = TRUE)[[1]],
    method = cf, bounds = if (is.null(b)) NULL else nums(b), totals = nums(tot),
    r_call = sprintf("calibrate(%s, ~%s, c(%s), calfun=\"%s\"%s)", design_calls[[cc[[1]]]], cc[[2]],
                     paste(names(tot), tot, sep = "=", collapse = ", "), cf,
                     paste0(if (is.null(b)) "" else sprintf(", bounds=c(%s, %s)", b[1], b[2]),
                            if (maxit == 50) "" else sprintf(", maxit=%d", maxit))),
    max_iter = maxit, epsilon = num1(1e-7), converged = !failed,
    input_weights = nums(weights(d)))
  if (failed) {
    mm <- model.matrix(fml, model.frame(d))
    miss <- abs(colSums(mm * weights(out)) - tot) / (1 + abs(tot))
    rec$r_warning <- msg
    rec$achieved <- num1(max(miss))
  } else {
    rec$iterations <- if (closed_form) 1 else min_maxit(f, 50)
    rec$weights <- nums(weights(out))
    rec$g <- nums(weights(out) / weights(d))
  }
  add(rec)
}

## trimWeights (R spreads the trimmed amount equally over the weights not trimmed)
lin <- calibrate(clus1, ~stype+api99, totals[["stype+api99"]])
trim_cases <- list(
  list("apistrat", strat, design_calls$apistrat, 18, 40),
  list("apiclus1", lin, "calibrate(svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1), ~stype+api99, pop.totals)", 20, 45),
  list("apiclus1", lin, "calibrate(svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1), ~stype+api99, pop.totals)", 25, 40))
for (tc in trim_cases) for (strict in c(FALSE, TRUE)) {
  out <- trimWeights(tc[[2]], lower = tc[[4]], upper = tc[[5]], strict = strict)
  add(list(id = sprintf("%s/trim/%g-%g/%s", tc[[1]], tc[[4]], tc[[5]], if (strict) "strict" else "once"),
    dataset = tc[[1]], kind = "trim",
    r_call = sprintf("trimWeights(%s, lower=%g, upper=%g, strict=%s)", tc[[3]], tc[[4]], tc[[5]], strict),
    lower = num1(tc[[4]]), upper = num1(tc[[5]]), strict = strict,
    input_weights = nums(weights(tc[[2]], "sampling")), weights = nums(weights(out, "sampling"))))
}

cat(toJSON(list(
  source = "R 4.2.2, survey 4.1.1 (tests/data/weighting_R.R); designs as in r_call; pop.<v> are the apipop counts: stype E 4421 H 755 M 1018, sch.wide No 1072 Yes 5122, awards No 2027 Yes 4167; api99 total 3914069, N 6194",
  cases = cases), auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE, null = "null"))
cat("\n")
