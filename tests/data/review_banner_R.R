# Banner cells and pairwise tests (svyby + svycontrast, p on degf(design)) for
# review_banner.csv under lonely-PSU policies and a JK1 replicate design.
# Rscript review_banner_R.R > review_banner_R.json (run in tests/data/)
suppressMessages(library(survey))
d <- read.csv("review_banner.csv")
d$q1 <- as.numeric(d$q == 1)
one <- function(des, var) {
  f <- as.formula(paste0("~", var))
  total <- svymean(f, des)
  by <- svyby(f, ~g, des, svymean, covmat = TRUE)
  ct <- svycontrast(by, c(1, -1))
  t <- coef(ct) / SE(ct)
  sprintf('{"total": [%.17g, %.17g], "a": [%.17g, %.17g], "b": [%.17g, %.17g], "difference": %.17g, "se": %.17g, "p": %.17g}',
    coef(total), SE(total), coef(by)[1], SE(by)[1], coef(by)[2], SE(by)[2],
    coef(ct), SE(ct), 2 * pt(-abs(t), degf(des)))
}
out <- c()
for (pol in c("average", "adjust")) {
  options(survey.lonely.psu = pol)
  des <- svydesign(ids = ~psu, strata = ~st, weights = ~w, data = d)
  out <- c(out, sprintf('"%s": {"y": %s, "q1": %s}', pol, one(des, "y"), one(des, "q1")))
}
options(survey.lonely.psu = "fail")
jk <- as.svrepdesign(svydesign(ids = ~psu, weights = ~w, data = d), type = "JK1")
out <- c(out, sprintf('"JK1": {"y": %s, "q1": %s}', one(jk, "y"), one(jk, "q1")))
cat("{", paste(out, collapse = ",\n"), "}\n")
