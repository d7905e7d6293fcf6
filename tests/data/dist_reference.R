# Writes tests/data/dist_reference.txt: reference values of R's distribution functions for the
# unit tests of src/numerics/dist.rs. Run from the crate root with R 4.2.2:
#   Rscript tests/data/dist_reference.R > tests/data/dist_reference.txt
# Line format: <function> <arguments...> <value(s)>, numbers with 17 significant digits.
g <- function(x) sprintf("%.17g", x)
row <- function(name, ...) cat(name, g(c(...)), "\n")
for (p in c(1e-10, 0.005, 0.025, 0.05, 0.3)) for (d in c(0.5, 1, 2, 3.5, 14, 197, 1e4, 1e7)) row("qt", p, d, qt(p, d))
for (x in c(-20, -5, -1.96, -0.5, 0.1, 2)) for (d in c(0.5, 1, 3.5, 14, 197, 1e5, 1e7)) row("pt", x, d, pt(x, d))
ab <- list(c(0.5, 10.5), c(1, 10), c(10, 1), c(0.5, 0.5), c(47.5, 53.5), c(1.5, 999.5), c(999.5, 1.5),
           c(0.05, 0.05), c(120.34, 27.2), c(4e5, 6e5), c(2e6, 1.5), c(0.7, 3e6))
for (p in c(1e-6, 0.025, 0.05, 0.5, 0.95, 0.975)) for (x in ab) row("qbeta", p, x[1], x[2], qbeta(p, x[1], x[2]))
for (p in c(1e-10, 0.025, 0.5, 0.975)) row("qnorm", p, qnorm(p))
for (x in c(-37, -10, -1.959963984540054, -0.5, 0, 0.3, 1.5, 5)) row("pnorm", x, pnorm(x))
for (x in c(1e-5, 0.1, 1, 3.84, 10, 50, 300)) for (k in c(0.3, 1, 2, 5.5, 30, 200))
  row("pchisq", x, k, pchisq(x, k), pchisq(x, k, lower.tail = FALSE))
row("pchisq", 1e6 + 500, 1e6, pchisq(1e6 + 500, 1e6), pchisq(1e6 + 500, 1e6, lower.tail = FALSE))
for (x in c(1e-4, 0.2, 1, 2.5, 7, 40)) for (d1 in c(0.7, 1, 2, 4.3)) for (d2 in c(1, 5.5, 14, 197, 1e5))
  row("pf", x, d1, d2, pf(x, d1, d2, lower.tail = FALSE))
