# Replicate designs made from a design (as.svrepdesign), with domains: the values
# tests/integration/sums.rs checks the sums path against (and, through it, the in-memory
# path's domain degrees of freedom: the rank of the domain's replicate weights less one).
# Run from tests/data: Rscript sums_replicates_R.R  (writes sums_replicates_R.json)
suppressMessages(library(survey))
out <- list()
add <- function(id, estimate, se, df) {
  out[[length(out) + 1]] <<- list(id = id, estimate = unname(estimate), se = unname(se), df = df)
}
run <- function(name, rep) {
  m <- svymean(~api00, rep, na.rm = TRUE)
  add(paste0(name, "/mean/api00"), coef(m), SE(m), degf(rep))
  for (a in c("No", "Yes")) {
    sub <- subset(rep, awards == a)
    m <- svymean(~api00, sub)
    add(paste0(name, "/mean/api00/awards=", a), coef(m), SE(m), degf(sub))
  }
  p <- svymean(~stype, rep)
  for (s in c("E", "H", "M")) {
    k <- paste0("stype", s)
    add(paste0(name, "/mean/stype=", s), coef(p)[k], SE(p)[match(k, names(coef(p)))], degf(rep))
  }
}
clus1 <- read.csv("apiclus1.csv")
run("clus1_jk1", as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1), type = "JK1"))
strat <- read.csv("apistrat.csv")
run("strat_jkn", as.svrepdesign(svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat), type = "JKn"))
records <- vapply(out, function(r) sprintf(
  '    {"id": "%s", "values": {"estimate": %.17g, "se": %.17g, "df": %d}}', r$id, r$estimate, r$se,
  as.integer(r$df)), "")
writeLines(c("{", sprintf('  "source": "R %s, survey %s: Rscript sums_replicates_R.R",',
  getRversion(), packageVersion("survey")), '  "results": [',
  paste(records, collapse = ",\n"), "  ]", "}"), "sums_replicates_R.json")
