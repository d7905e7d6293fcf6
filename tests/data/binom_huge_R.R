# The exact (Clopper-Pearson) interval for 2^52 successes of 2^53 trials, the largest
# counts the command line accepts exactly; read by tests/integration/hardening.rs.
#   Rscript tests/data/binom_huge_R.R > tests/data/binom_huge_R.json
ci <- binom.test(2^52, 2^53)$conf.int
cat(sprintf('{"x": 4503599627370496, "n": 9007199254740992, "level": 0.95, "ci_lower": %.17g, "ci_upper": %.17g, "r_call": "binom.test(2^52, 2^53)$conf.int", "R": "%s"}\n',
            ci[1], ci[2], R.version.string))
