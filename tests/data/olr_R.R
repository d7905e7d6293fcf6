# Reference values for the proportional-odds model (R's svyolr, logit link).
# Run from the crate root:  Rscript tests/data/olr_R.R  > writes tests/data/olr_R.txt
# R 4.2.2, survey 4.1.1. Each line: case, parameter name, estimate, std_error (%.17g).
# svyolr's BFGS stops at reltol 1e-8; every case is refitted here with reltol 1e-15 so
# that the optimum is R's converged answer (the default fit is printed for comparison).
# The SEs use R's own Hessian: optim's finite differences (ndeps 1e-3) of the gradient.
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
out <- "tests/data/olr_R.txt"
lines <- character()
emit <- function(case, fit) {
  est <- c(fit$coefficients, fit$zeta)
  se <- sqrt(diag(vcov(fit)))
  nm <- names(est)
  lines <<- c(lines, sprintf("%s\t%s\t%.17g\t%.17g", case, nm, est, se[nm]))
}
tight <- list(reltol = 1e-15, maxit = 10000)

d <- read.csv("tests/data/library_face.csv")
d$q1f <- factor(ifelse(d$q1 == 9, NA, d$q1))  # 9 = "hard to answer" left out
des <- svydesign(id = ~psu, strata = ~region, weights = ~w, data = d)
f1 <- q1f ~ factor(sex) + factor(agegrp) + x
fit <- svyolr(f1, des, control = tight)
emit("face", fit)
print(summary(svyolr(f1, des)))
print(summary(fit))

# Post-stratified on sex. A calibrated design keeps the rows subset() leaves out, with
# weight 0 (their PSUs and calibration residuals still count); their answer is recoded to
# a valid level so that model.frame keeps them (weight 0: they add nothing to the fit).
ps <- postStratify(des, ~sex, data.frame(sex = c(1, 2), Freq = c(120000, 130000)))
ps9 <- subset(ps, q1 != 9)
ps9 <- update(ps9, q1f = factor(ifelse(q1 == 9, 1, q1)))
fit <- svyolr(f1, ps9, control = tight)
emit("face_ps", fit)
print(summary(fit))

# The JKn replicate version of the design: svyolr.svyrep.design refits MASS::polr under
# each replicate's weights (from the full-sample estimate) and takes svrVar of the refits.
# Its refits use optim's default reltol; the same computation is done here with every fit
# converged (reltol 1e-15), which is the reference.
# (svyolr.svyrep.design passes `weights = w` to polr, which finds a data column named `w`
# first: every refit would use the sampling weights and the SEs come out 0. The weight
# column is renamed here so that R's own svyolr works.)
d2 <- d
names(d2)[names(d2) == "w"] <- "wt0"
rep <- as.svrepdesign(svydesign(id = ~psu, strata = ~region, weights = ~wt0, data = d2),
                      type = "JKn")
print(summary(svyolr(f1, rep)))
mf <- model.frame(rep)
pwt <- weights(rep, "sampling")
full <- MASS::polr(f1, data = mf, weights = pwt, Hess = FALSE, model = FALSE, control = tight)
start <- c(full$coefficients, full$zeta)
rw <- weights(rep, "analysis")
betas <- apply(rw, 2, function(wr) {
  f <- f1
  environment(f) <- environment()
  m <- MASS::polr(f, data = mf, weights = wr, start = start, Hess = FALSE, model = FALSE,
                  control = tight)
  c(m$coefficients, m$zeta)
})
v <- svrVar(t(betas), rep$scale, rep$rscales, mse = rep$mse, coef = start)
se <- sqrt(diag(as.matrix(v)))
lines <- c(lines, sprintf("%s\t%s\t%.17g\t%.17g", "face_jkn", names(start), start, se))

data(api)
apistrat$apicat <- as.integer(cut(apistrat$api00, c(-Inf, 550, 650, 750, Inf)))
dstr <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
f2 <- factor(apicat) ~ ell + meals + stype
fit <- svyolr(f2, dstr, control = tight)
emit("apistrat", fit)
print(summary(svyolr(f2, dstr)))
print(summary(fit))
writeLines(lines, out)
