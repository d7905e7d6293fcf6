# Reference values for PPS sampling without replacement (tests/integration/pps.rs):
# svydesign(id, fpc = ~prob, pps = "brewer" | "overton" | HR() | HR(psum) | ppsmat(jointprob),
# variance = "HT" | "YG"), on the election sample shipped with survey and on a clustered
# API sample with made-up district probabilities.
# Run from tests/data:  Rscript pps_R.R > pps_R.json   (R 4.2.2, survey 4.1.1)
# Writes election_pps.csv, election_jointprob.csv and apiclus1_pps.csv beside it, then
# computes every value from the files as re-read, so R and Rust see the same numbers.
suppressMessages(library(survey))
options(survey.ultimate.cluster = FALSE, survey.adjust.domain.lonely = FALSE)
num <- function(x) {
  x <- unname(as.numeric(x))
  structure(if (is.finite(x)) sprintf("%.17g", x) else "null", class = "json")
}
exact <- function(x) if (is.double(x)) sprintf("%.17g", x) else x

## ---------------------------------------------------------------- data
data(election)
e <- election_pps
# Two made-up strata (alternate rows), and three with a lonely PSU in stratum 1.
e$h <- rep(1:2, length.out = nrow(e))
e$h3 <- c(1, rep(2:3, length.out = nrow(e) - 1))
e$win <- ifelse(e$Bush > e$Kerry, "Bush", "Kerry")
out <- e
text <- which(!vapply(out, is.numeric, TRUE))
for (v in names(out)) out[[v]] <- exact(out[[v]])
write.csv(out, "election_pps.csv", row.names = FALSE, quote = text)
writeLines(apply(election_jointprob, 1, function(r) paste(sprintf("%.17g", r), collapse = ",")),
           "election_jointprob.csv")
psum <- sum(election$p^2) / 40

# apiclus1's 15 districts, with made-up inclusion probabilities per district: 0.25 and 0.75
# (their sum is 1: Hartley-Rao's special case) and two districts sampled with certainty.
a <- read.csv("apiclus1.csv")
dn <- sort(unique(a$dnum))
pd <- c(0.25, 0.75, 1, 1, 0.3, 0.45, 0.6, 0.15, 0.5, 0.35, 0.7, 0.2, 0.55, 0.4, 0.65)
hd <- c(1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2)
api <- data.frame(dnum = a$dnum, h = hd[match(a$dnum, dn)], p = pd[match(a$dnum, dn)],
                  stype = a$stype, api00 = a$api00, enroll = a$enroll, sch.wide = a$sch.wide)
# Rows sorted by district: survey 4.1.1's Brewer variance (svyrecvar's onestrat) pairs the
# PSUs' fpcs, in order of appearance, with rowsum()'s PSU sums, in order of id, so on rows
# not sorted by PSU id it mixes up the PSUs' fpcs. Sorted, R's answer is the right one,
# which the crate gives for any row order.
api <- api[order(api$dnum), ]
write.csv(api, "apiclus1_pps.csv", row.names = FALSE)

e <- read.csv("election_pps.csv")
jp <- as.matrix(read.csv("election_jointprob.csv", header = FALSE))
dimnames(jp) <- NULL
api <- read.csv("apiclus1_pps.csv")
stopifnot(identical(e$p, election_pps$p), identical(jp, unname(election_jointprob)))

## ---------------------------------------------------------------- designs
pps_of <- function(method) switch(method,
  brewer = "brewer", overton = "overton", hartley_rao = HR(),
  hartley_rao_psum = HR(psum), joint = ppsmat(jp))
cases <- list()
add_case <- function(data, method, variance = "HT", strata = NULL, lonely = "fail") {
  options(survey.lonely.psu = lonely)
  df <- if (data == "election") e else api
  ids <- if (data == "election") ~1 else ~dnum
  st <- if (is.null(strata)) NULL else as.formula(paste0("~", strata))
  des <- svydesign(id = ids, strata = st, fpc = ~p, data = df, pps = pps_of(method),
                   variance = variance)
  stats <- list()
  put <- function(stat, variable, est, extra = list()) {
    stats[[length(stats) + 1]] <<- c(list(stat = stat, variable = variable,
      value = num(coef(est)[1]), se = num(SE(est)[1])), extra)
  }
  if (data == "election") {
    put("total", "Bush", svytotal(~Bush, des))
    put("total", "Nader", svytotal(~Nader, des))
    m <- svymean(~Kerry, des, deff = TRUE)
    put("mean", "Kerry", m, list(deff = num(deff(m))))
    p <- svymean(~win, des)
    stats[[length(stats) + 1]] <- list(stat = "proportion", variable = "win", category = "Bush",
      value = num(coef(p)["winBush"]), se = num(SE(p)["winBush"]))
    r <- svyratio(~Bush, ~votes, des)
    stats[[length(stats) + 1]] <- list(stat = "ratio", variable = "Bush", denominator = "votes",
      value = num(coef(r)), se = num(SE(r)))
    b <- svyby(~Bush, ~win, des, svymean)
    for (i in seq_len(nrow(b)))
      stats[[length(stats) + 1]] <- list(stat = "mean", variable = "Bush", by = "win",
        domain = b$win[i], value = num(b$Bush[i]), se = num(b$se[i]))
  } else {
    put("total", "enroll", svytotal(~enroll, des))
    put("mean", "api00", svymean(~api00, des))
    p <- svymean(~sch.wide, des)
    stats[[length(stats) + 1]] <- list(stat = "proportion", variable = "sch.wide",
      category = "Yes", value = num(coef(p)["sch.wideYes"]), se = num(SE(p)["sch.wideYes"]))
    # svyby fails on a clustered PPS design in survey 4.1.1 (`[.pps` subsets the PSUs'
    # matrix by rows); a domain mean is the ratio of the domain's totals, which is what
    # svyby's linearization computes.
    for (s in sort(unique(api$stype))) {
      des2 <- update(des, num = api00 * (stype == s), den = as.numeric(stype == s))
      r <- svyratio(~num, ~den, des2)
      stats[[length(stats) + 1]] <- list(stat = "mean", variable = "api00", by = "stype",
        domain = s, value = num(coef(r)), se = num(SE(r)))
    }
  }
  id <- paste(c(data, method, variance, strata, if (lonely != "fail") lonely), collapse = "/")
  cases[[length(cases) + 1]] <<- list(id = id, data = data, method = method,
    variance = variance, strata = strata, lonely_psu = lonely, df = num(degf(des)),
    stats = stats)
}

for (m in c("brewer", "overton", "hartley_rao", "hartley_rao_psum", "joint")) {
  add_case("election", m)
  if (m != "brewer") add_case("election", m, "YG")
}
for (m in c("brewer", "overton", "hartley_rao", "joint")) add_case("election", m, strata = "h")
for (m in c("overton", "hartley_rao", "joint")) add_case("election", m, "YG", strata = "h")
for (l in c("adjust", "average", "remove", "certainty"))
  add_case("election", "brewer", strata = "h3", lonely = l)
for (m in c("overton", "hartley_rao")) add_case("election", m, "YG", strata = "h3")
for (m in c("brewer", "overton", "hartley_rao")) {
  add_case("apiclus1", m)
  add_case("apiclus1", m, strata = "h")
  if (m != "brewer") {
    add_case("apiclus1", m, "YG")
    add_case("apiclus1", m, "YG", strata = "h")
  }
}

cat(jsonlite::toJSON(list(
  meta = list(generator = "tests/data/pps_R.R", R = R.version.string,
              survey = as.character(packageVersion("survey")), psum = num(psum)),
  cases = cases), auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE))
