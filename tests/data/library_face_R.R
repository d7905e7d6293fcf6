# Reference values for the library-facing API tests (synthetic two-stage survey).
# Run from the crate root:  Rscript tests/data/library_face_R.R
# Writes tests/data/library_face.csv (data) and tests/data/library_face_R.json (reference values).
# All reference values are computed from the CSV as re-read by read.csv, so R and Rust see the same numbers.
suppressMessages(library(survey))
suppressMessages(library(jsonlite))
options(survey.replicates.mse = FALSE, survey.lonely.psu = "fail")

csv_path <- "tests/data/library_face.csv"
json_path <- "tests/data/library_face_R.json"

## ---------------------------------------------------------------- data
set.seed(20240611)
nreg <- 4
npsu_per <- 6
fpc1_by_region <- c(40, 50, 60, 70)
rows <- list()
psu_id <- 0
for (r in 1:nreg) {
  for (k in 1:npsu_per) {
    psu_id <- psu_id + 1
    n <- sample(20:30, 1)
    fpc2 <- sample(200:400, 1)
    rows[[psu_id]] <- data.frame(region = r, psu = psu_id, n_psu = n,
                                 fpc1 = fpc1_by_region[r], fpc2 = fpc2)[rep(1, n), ]
  }
}
d <- do.call(rbind, rows)
N <- nrow(d)
d$id <- seq_len(N)
d$w <- (d$fpc1 / npsu_per) * (d$fpc2 / d$n_psu)

d$sex <- sample(1:2, N, replace = TRUE, prob = c(0.48, 0.52))
age_probs <- rbind(c(0.45, 0.35, 0.20), c(0.35, 0.40, 0.25), c(0.30, 0.35, 0.35), c(0.20, 0.40, 0.40))
d$agegrp <- vapply(d$region, function(r) sample(1:3, 1, prob = age_probs[r, ]), 1L)

# Likert q1 (1..5) depending on region and sex; code 9 = "hard to answer" (~8%)
lat <- 0.35 * (d$region - 2.5) + 0.4 * (d$sex == 2) + rnorm(N, 0, 1.1)
q1 <- as.integer(cut(lat, breaks = c(-Inf, -1.3, -0.4, 0.4, 1.2, Inf)))
q1[runif(N) < 0.08] <- 9L
d$q1 <- q1

d$income <- round(exp(rnorm(N, 10 + 0.1 * d$region + 0.1 * (d$agegrp - 2), 0.5)), 2)
d$x <- round(pmax(0.5, d$income / 1000 * exp(rnorm(N, 0, 0.25)) + rnorm(N, 0, 1)), 1)

# multiple response q5, options 1..5; ~10% choose none
p5 <- rbind(c(0.50, 0.30, 0.20, 0.40, 0.15),
            c(0.40, 0.35, 0.25, 0.30, 0.20),
            c(0.30, 0.45, 0.30, 0.25, 0.20),
            c(0.25, 0.40, 0.40, 0.20, 0.30))
q5 <- t(vapply(d$region, function(r) as.integer(runif(5) < p5[r, ]), integer(5)))
none <- runif(N) < 0.10
for (i in seq_len(N)) {
  if (none[i]) q5[i, ] <- 0L
  else if (sum(q5[i, ]) == 0) q5[i, sample(1:5, 1)] <- 1L
}
colnames(q5) <- paste0("q5_", 1:5)
d <- cbind(d, q5)

# JKn replicate weights of the stratified cluster design
des_sc0 <- svydesign(id = ~psu, strata = ~region, weights = ~w, data = d)
rep0 <- as.svrepdesign(des_sc0, type = "JKn")
repw <- weights(rep0, "analysis")
stopifnot(ncol(repw) == 24)
rep_scale <- rep0$scale
rep_rscales <- rep0$rscales

## ---------------------------------------------------------------- write CSV
out <- d[, c("region", "psu", "id", "fpc1", "fpc2", "w", "sex", "agegrp", "q1",
             "income", "x", paste0("q5_", 1:5))]
out$w <- sprintf("%.17g", d$w)
out$income <- sprintf("%.2f", d$income)
out$x <- sprintf("%.1f", d$x)
for (j in 1:24) out[[paste0("repw", j)]] <- sprintf("%.17g", repw[, j])
write.csv(out, csv_path, row.names = FALSE, na = "", quote = FALSE)

## ---------------------------------------------------------------- re-read
d <- read.csv(csv_path)
stopifnot(nrow(d) == N, !anyNA(d))

## ---------------------------------------------------------------- designs
srs <- svydesign(id = ~1, weights = ~w, data = d)
strat_clus <- svydesign(id = ~psu, strata = ~region, weights = ~w, data = d)
multistage_fpc <- svydesign(id = ~psu + id, strata = ~region, fpc = ~fpc1 + fpc2, data = d)

tot_sex <- svytotal(~factor(sex), strat_clus)
ps_sex <- c(round(coef(tot_sex)[1] * 1.05), round(coef(tot_sex)[2] * 0.97))
names(ps_sex) <- c("1", "2")
Ntot <- sum(ps_sex)
poststratified <- postStratify(strat_clus, ~sex, data.frame(sex = c(1, 2), Freq = unname(ps_sex)))

tot_age <- coef(svytotal(~factor(agegrp), strat_clus))
rk_age <- round(tot_age / sum(tot_age) * Ntot)
rk_age[3] <- Ntot - rk_age[1] - rk_age[2]
names(rk_age) <- c("1", "2", "3")
rk_sex <- ps_sex
raked <- rake(strat_clus, list(~sex, ~agegrp),
              list(data.frame(sex = c(1, 2), Freq = unname(rk_sex)),
                   data.frame(agegrp = c(1, 2, 3), Freq = unname(rk_age))))
raked_tight <- rake(strat_clus, list(~sex, ~agegrp),
                    list(data.frame(sex = c(1, 2), Freq = unname(rk_sex)),
                         data.frame(agegrp = c(1, 2, 3), Freq = unname(rk_age))),
                    control = list(maxit = 1000, epsilon = 1e-13))
rake_default_vs_tight <- max(abs(weights(raked) / weights(raked_tight) - 1))

x_tot <- round(coef(svytotal(~x, strat_clus)) * 1.02)
cal_pop <- c(`(Intercept)` = Ntot, `factor(agegrp)2` = unname(rk_age[2]),
             `factor(agegrp)3` = unname(rk_age[3]), x = unname(x_tot))
calibrated <- calibrate(strat_clus, ~factor(agegrp) + x, population = cal_pop)
stopifnot(abs(coef(svytotal(~x, calibrated)) - x_tot) < 1e-6 * x_tot)

replicate <- svrepdesign(weights = ~w, repweights = "repw[0-9]+", type = "JKn",
                         combined.weights = TRUE, scale = rep_scale, rscales = rep_rscales,
                         data = d)
# same SE as the as.svrepdesign object
chk_a <- svymean(~income + q1, replicate)
chk_b <- svymean(~income + q1, rep0)
rep_check <- max(abs(SE(chk_a) / SE(chk_b) - 1))
cat("replicate vs as.svrepdesign relative SE difference:", rep_check, "\n")
stopifnot(rep_check < 1e-10)

designs <- list(srs = srs, strat_clus = strat_clus, multistage_fpc = multistage_fpc,
                poststratified = poststratified, raked = raked, calibrated = calibrated,
                replicate = replicate)

## ---------------------------------------------------------------- values
NUM <- function(x) {
  x <- unname(as.numeric(x))
  stopifnot(length(x) == 1, is.finite(x))
  paste0("@@NUM@@", sprintf("%.17g", x))
}
es <- function(est, se) list(estimate = NUM(est), se = NUM(se))

printed_names <- FALSE
compute <- function(des) {
  sub9 <- subset(des, q1 != 9)
  m <- svymean(~factor(q1), sub9)
  t <- svytotal(~factor(q1), sub9)
  # calibrated/poststratified designs keep the dropped rows (zero weight) after subset(),
  # so factor(q1) there also has a level "9" with estimate 0: pick codes 1..5 by name.
  kn <- paste0("factor(q1)", 1:5)
  stopifnot(all(kn %in% names(coef(m))), all(kn %in% names(coef(t))))
  stopifnot(all(abs(coef(m)[setdiff(names(coef(m)), kn)]) == 0))
  # (index by position: for replicate designs SE() comes back without names)
  im <- match(kn, names(coef(m))); it <- match(kn, names(coef(t)))
  q1_freq <- lapply(1:5, function(k) list(code = k, share = NUM(coef(m)[im[k]]), share_se = NUM(SE(m)[im[k]]),
                                          count = NUM(coef(t)[it[k]]), count_se = NUM(SE(t)[it[k]])))
  by_mean <- svyby(~q1, ~region, sub9, svymean)
  by_top2 <- svyby(~I(as.numeric(q1 %in% c(4, 5))), ~region, sub9, svymean)
  stopifnot(nrow(by_mean) == 4, nrow(by_top2) == 4)
  mk_by <- function(b) lapply(1:4, function(i) list(region = b$region[i],
                                                    estimate = NUM(coef(b)[i]), se = NUM(SE(b)[i])))
  qm <- svymean(~q1, sub9)
  qt <- svymean(~I(as.numeric(q1 %in% c(4, 5))), sub9)
  mr <- svymean(~q5_1 + q5_2 + q5_3 + q5_4 + q5_5, subset(des, q5_1 + q5_2 + q5_3 + q5_4 + q5_5 > 0))
  mr_cases <- lapply(1:5, function(j) list(option = j, estimate = NUM(coef(mr)[j]), se = NUM(SE(mr)[j])))
  # Equivalent linearisation via totals: (T(y*1[r=1]) / T(1[r=1])) / (T(y*1[r=2]) / T(1[r=2])).
  dd <- update(des, i1 = as.numeric(region == 1), i2 = as.numeric(region == 2),
               y1 = income * (region == 1), y2 = income * (region == 2))
  rdm_alt <- svycontrast(svytotal(~y1 + i1 + y2 + i2, dd), quote((y1 / i1) / (y2 / i2)))
  # survey 4.1.1: svyby(..., covmat = TRUE) errors for postStratify/rake/calibrate designs
  # ("number of items to replace is not a multiple of replacement length"); use the totals form there.
  byinc <- try(svyby(~income, ~region, des, svymean, covmat = TRUE), silent = TRUE)
  if (inherits(byinc, "try-error")) {
    rdm <- rdm_alt
    rdm_method <- "svycontrast(svytotal(~y1+i1+y2+i2), (y1/i1)/(y2/i2)) [svyby covmat=TRUE fails]"
  } else {
    rdm <- svycontrast(byinc, quote(`1` / `2`))
    # identical for linearisation designs; for replicate designs svyby uses replicate domain means
    # (no linearisation of the ratio), so the SE differs slightly from the totals form.
    cat("  ratio_of_domain_means: rel. SE diff svyby vs totals form:", SE(rdm) / SE(rdm_alt) - 1, "\n")
    stopifnot(abs(coef(rdm) / coef(rdm_alt) - 1) < 1e-10,
              inherits(des, "svyrep.design") || abs(SE(rdm) / SE(rdm_alt) - 1) < 1e-10)
    rdm_method <- "svycontrast(svyby(~income,~region,svymean,covmat=TRUE), `1`/`2`)"
  }
  # domain means must agree with svyby without covmat
  bym <- svyby(~income, ~region, des, svymean)
  stopifnot(abs(coef(rdm) - coef(bym)[1] / coef(bym)[2]) < 1e-10)
  mi <- svymean(~income + I(income^2), des)
  cv <- svycontrast(mi, quote(sqrt(`I(income^2)` - income^2) / income))
  rx <- svyratio(~income, ~x, des)
  # Replicate designs only (here just `replicate`): a second pair of values that evaluates the
  # nonlinear function on every replicate's estimates and takes svrVar of those
  # (survey:::svycontrast.svrepstat does this when the statistic carries $replicates),
  # instead of the delta method (gradient at the full-sample estimate x vcov) used above.
  reps_extra <- list()
  if (inherits(des, "svyrep.design")) {
    rdm_reps <- svycontrast(svytotal(~y1 + i1 + y2 + i2, dd, return.replicates = TRUE),
                            quote((y1 / i1) / (y2 / i2)))
    cv_reps <- svycontrast(svymean(~income + I(income^2), des, return.replicates = TRUE),
                           quote(sqrt(`I(income^2)` - income^2) / income))
    # both come back as a list(nlcon, replicates) of class svrepstat; the variance is attr(nlcon, "var")
    for (o in list(rdm_reps, cv_reps)) {
      print(o)
      stopifnot(is.list(o), !is.null(o$nlcon), !is.null(o$replicates), nrow(o$replicates) == ncol(des$repweights),
                abs(SE(o) / sqrt(attr(o$nlcon, "var")) - 1) < 1e-14)
    }
    # same point estimates as the delta-method entries; only the SE differs
    stopifnot(abs(coef(rdm_reps) / coef(rdm) - 1) < 1e-10, abs(coef(cv_reps) / coef(cv) - 1) < 1e-10)
    reps_extra <- list(ratio_of_domain_means_reps = es(coef(rdm_reps), SE(rdm_reps)),
                       cv_income_reps = es(coef(cv_reps), SE(cv_reps)))
    # ratio_income_x needs no *_reps twin: svyratio.svyrep.design already divides the replicate
    # means of numerator and denominator replicate by replicate and takes svrVar of those ratios.
    rx_reps <- svyratio(~income, ~x, des, return.replicates = TRUE)
    stopifnot(abs(sqrt(svrVar(rx_reps$replicates, des$scale, des$rscales, mse = des$mse, coef = coef(rx))) /
                    SE(rx) - 1) < 1e-12)
  }
  if (!printed_names) {
    cat("svyby coef names:", names(coef(byinc)), "\n")
    cat("svymean(~income+I(income^2)) coef names:", names(coef(mi)), "\n")
    cat("svyby(top2) coef names:", names(coef(by_top2)), "\n")
    cat("svymean(factor(q1)) names:", names(coef(m)), "\n")
    printed_names <<- TRUE
  }
  c(list(q1_freq = q1_freq,
         q1_mean_by_region = mk_by(by_mean),
         # every code counted (9 too), domains = strata: the case where calibrated designs'
         # residuals outside the domain matter
         q1_all_mean_by_region = mk_by(svyby(~q1, ~region, des, svymean)),
         q1_top2_by_region = mk_by(by_top2),
         q1_mean = es(coef(qm), SE(qm)),
         q1_top2 = es(coef(qt), SE(qt)),
         mr_cases = mr_cases,
         ratio_of_domain_means = c(es(coef(rdm), SE(rdm)), list(method = rdm_method)),
         cv_income = es(coef(cv), SE(cv)),
         ratio_income_x = es(coef(rx), SE(rx)),
         df = NUM(degf(des))),
    reps_extra)
}
res <- lapply(names(designs), function(nm) { cat("design", nm, "\n"); compute(designs[[nm]]) }); names(res) <- names(designs)

meta <- list(
  R = R.version.string,
  survey = as.character(packageVersion("survey")),
  script = "tests/data/library_face_R.R",
  n_rows = nrow(d),
  poststratify_sex = lapply(as.list(ps_sex), NUM),
  rake_sex = lapply(as.list(rk_sex), NUM),
  rake_agegrp = lapply(as.list(rk_age), NUM),
  rake_control = list(maxit = 10, epsilon = 1,
                      note = "survey::rake default control (stop when max abs change of the sex x agegrp weighted table < 1)",
                      max_rel_weight_diff_vs_fully_converged = NUM(rake_default_vs_tight)),
  calibrate = list(total = NUM(Ntot), agegrp2 = NUM(rk_age[2]), agegrp3 = NUM(rk_age[3]), x = NUM(x_tot)),
  replicate_type = "JKn",
  replicate_scale = NUM(rep_scale),
  replicate_rscales = lapply(rep_rscales, NUM),
  replicate_mse = FALSE
)
js <- toJSON(c(list(`_meta` = meta), res), auto_unbox = TRUE, pretty = TRUE)
js <- gsub('"@@NUM@@([^"]*)"', "\\1", js)
writeLines(js, json_path)
cat("wrote", csv_path, "(", nrow(d), "rows ) and", json_path, "\n")
