# Writes tests/data/wilson_cc_R.json: R's continuity-corrected Wilson interval,
#   prop.test(x, n, conf.level = level, correct = TRUE)$conf.int
# (R 4.2.2). Run from tests/data:  Rscript wilson_cc_R.R > wilson_cc_R.json
g <- function(v) sprintf("%.17g", v)
pts <- list(c(0, 10), c(1, 10), c(5, 10), c(10, 10), c(47, 100), c(450, 1000), c(1, 1000),
            c(999, 1000), c(3, 7), c(50, 100), c(499, 1000), c(500, 1001), c(2, 3))
rows <- character(0)
for (pt in pts) for (level in c(0.95, 0.9)) {
  ci <- suppressWarnings(prop.test(pt[1], pt[2], conf.level = level, correct = TRUE)$conf.int)
  rows <- c(rows, sprintf('    {"x": %d, "n": %d, "conf_level": %s, "lower": %s, "upper": %s}',
                          pt[1], pt[2], sprintf("%.15g", level), g(ci[1]), g(ci[2])))
}
cat('{\n  "generator": "tests/data/wilson_cc_R.R",\n')
cat('  "r_call": "prop.test(x, n, conf.level = conf_level, correct = TRUE)$conf.int",\n')
cat('  "R_version": "', R.version.string, '",\n', sep = "")
cat('  "values": [\n', paste(rows, collapse = ",\n"), '\n  ]\n}\n', sep = "")
