# Reference values for banner tables (tests/integration/banner.rs).
# Run from tests/data: Rscript banner_R.R > banner_R.json   (R 4.2, survey 4.1.1)
#
# For each row of a banner (a 0/1 indicator or a number over a base) and each banner
# variable: the domain means and SEs (svyby, covmat = TRUE), every pair's difference and SE
# (svycontrast of the svyby, c(.., 1, .., -1, ..)), t = d/SE, p = 2*pt(-|t|, degf(design)),
# p.adjust over the pairs of that row and banner variable (none, bonferroni, holm), and the
# letters at the 95% level: a cell gets the letter of each other column of the same banner
# variable whose estimate is significantly lower. Letters: A, B, ... over the banner
# columns in order (Total has none).
suppressMessages(library(survey))
fmt <- function(x) sprintf("%.17g", unname(as.numeric(x)))
num <- function(x) paste0("[", paste(fmt(x), collapse = ", "), "]")
str <- function(x) paste0("[", paste0('"', x, '"', collapse = ", "), "]")

# One banner row: `y` (numeric) in the base `keep` of the design `des`, by `banner`.
row_json <- function(des, y, keep, banners, label, letters_from) {
  des <- update(des, y_ = y, keep_ = keep)
  base <- subset(des, keep_)
  df <- degf(des)
  tot <- svymean(~y_, base)
  total <- sprintf('{"value": %s, "std_error": %s, "n": %d, "weighted_n": %s}',
                   fmt(coef(tot)), fmt(SE(tot)), sum(keep), fmt(sum(weights(des)[keep])))
  first <- letters_from
  groups <- character(0)
  for (b in banners) {
    by <- svyby(~y_, as.formula(paste0("~", b)), base, svymean, covmat = TRUE)
    lev <- as.character(by[[b]])
    k <- length(lev)
    bvals <- des$variables[[b]]
    n <- sapply(lev, function(l) sum(keep & as.character(bvals) == l))
    wn <- sapply(lev, function(l) sum(weights(des)[keep & as.character(bvals) == l]))
    pairs <- character(0)
    p <- numeric(0); dd <- numeric(0); ia <- integer(0); ib <- integer(0)
    for (i in 1:(k - 1)) for (j in (i + 1):k) {
      cc <- rep(0, k); cc[i] <- 1; cc[j] <- -1
      s <- svycontrast(by, cc)
      t <- coef(s) / SE(s)
      p <- c(p, 2 * pt(-abs(t), df)); dd <- c(dd, coef(s)); ia <- c(ia, i); ib <- c(ib, j)
      pairs <- c(pairs, sprintf('{"a": %d, "b": %d, "difference": %s, "std_error": %s}',
                                i - 1, j - 1, fmt(coef(s)), fmt(SE(s))))
    }
    letter_sets <- list()
    for (m in c("none", "bonferroni", "holm")) {
      q <- p.adjust(p, m)
      got <- rep("", k)
      for (x in seq_along(q)) if (q[x] < 0.05) {
        hi <- if (dd[x] > 0) ia[x] else ib[x]
        lo <- if (dd[x] > 0) ib[x] else ia[x]
        got[hi] <- paste0(got[hi], LETTERS[first + lo - 1])
      }
      got <- sapply(got, function(s) paste(sort(strsplit(s, "")[[1]]), collapse = ""))
      letter_sets[[m]] <- sprintf('"%s": {"p": %s, "letters": %s}', m, num(q), str(got))
    }
    groups <- c(groups, sprintf(
      '{"banner": "%s", "levels": %s, "value": %s, "std_error": %s, "n": %s, "weighted_n": %s, "pairs": [%s], %s}',
      b, str(lev), num(coef(by)), num(SE(by)), num(n), num(wn), paste(pairs, collapse = ", "),
      paste(unlist(letter_sets), collapse = ", ")))
    first <- first + k
  }
  sprintf('{"label": "%s", "degf": %s, "total": %s, "groups": [%s]}',
          label, fmt(df), total, paste(groups, collapse = ", "))
}

out <- character(0)

# The 2019 report data: strata = region, PSU = project, weights.
d <- read.csv("../../data/zubr2019/responses.csv")
des <- svydesign(ids = ~project, strata = ~region, weights = ~weight, data = d)
banners <- c("region", "q3_interest")
q1 <- d$q1_awareness
for (k in 1:3) out <- c(out, row_json(des, as.numeric(q1 == k), q1 != 9, banners, paste0("q1_awareness=", k), 1))
out <- c(out, row_json(des, as.numeric(q1 == 9), rep(TRUE, nrow(d)), banners, "q1_awareness=9 (of all)", 1))
q5 <- d$q5_satisfaction
on_scale <- q5 %in% 1:5
out <- c(out, row_json(des, as.numeric(q5 %in% 4:5), on_scale, banners, "q5 top box", 1))
out <- c(out, row_json(des, as.numeric(q5 %in% 1:2), on_scale, banners, "q5 bottom box", 1))
out <- c(out, row_json(des, ifelse(on_scale, q5, 0), on_scale, banners, "q5 mean score", 1))
q7 <- paste0("q7_why_win_", c(1:4, 9))
cases <- rowSums(d[, q7]) > 0
for (v in q7) out <- c(out, row_json(des, d[[v]], cases, banners, v, 1))

# apiclus2: two stages with fpc, a text banner variable crossing the PSUs.
a <- read.csv("apiclus2.csv")
clus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = a)
for (v in c("api00", "ell")) out <- c(out, row_json(clus2, a[[v]], rep(TRUE, nrow(a)), "stype", paste0("apiclus2 ", v), 1))
# A text single-choice question: awards (No, Yes).
for (k in c("No", "Yes")) out <- c(out, row_json(clus2, as.numeric(a$awards == k), rep(TRUE, nrow(a)), "stype", paste0("apiclus2 awards=", k), 1))

cat('{"source": "R survey 4.1.1, tests/data/banner_R.R", "rows": [\n', paste(out, collapse = ",\n"), "\n]}\n", sep = "")
