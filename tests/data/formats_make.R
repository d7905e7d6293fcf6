# Fixtures of the file-format readers (tests/integration/formats.rs), made by R's haven
# from one table, plus R survey reference values on that table.
# Run from the crate root:  Rscript tests/data/formats_make.R   (R 4.2, haven, survey 4.1.1)
# Reads tests/data/mr_likert.csv; writes tests/data/formats.csv, formats.sav,
# formats.zsav, formats.dta and formats_R.json.
suppressMessages({ library(haven); library(survey); library(jsonlite) })
d <- read.csv("tests/data/mr_likert.csv")
# A string column, a date and a numeric column with system-missing values.
d$city <- c("Almaty", "Astana", "Shymkent")[d$region]
d$visit <- as.Date("2019-05-01") + (d$id %% 30)
d$income <- ifelse(d$id %% 10 == 0, NA, 1000 + 37 * d$id)
write.csv(transform(d, visit = format(visit)), "tests/data/formats.csv",
          row.names = FALSE, na = "")

opt_labels <- c(Yes = 1, No = 0)
s <- d
s$region <- labelled(d$region, c(North = 1, Centre = 2, South = 3), label = "Region")
for (v in c("o1", "o2", "o3", "o4", "dk")) {
  s[[v]] <- labelled(d[[v]], opt_labels, label = paste("Chose", v))
}
s$q5 <- labelled_spss(d$q5, c("Very bad" = 1, "Bad" = 2, "Neutral" = 3, "Good" = 4,
                              "Very good" = 5, "Hard to answer" = 9),
                      na_values = 9, label = "Satisfaction with the project")
attr(s$w, "label") <- "Weight"
attr(s$income, "label") <- "Monthly income"
write_sav(s, "tests/data/formats.sav")
write_sav(s, "tests/data/formats.zsav", compress = "zsav")

t <- d
t$region <- labelled(d$region, c(North = 1, Centre = 2, South = 3), label = "Region")
t$q5 <- labelled(d$q5, c("Very bad" = 1, "Bad" = 2, "Neutral" = 3, "Good" = 4,
                         "Very good" = 5, "Hard to answer" = 9),
                 label = "Satisfaction with the project")
write_dta(t, "tests/data/formats.dta", version = 15)

# R survey on the same table: q5 without the code 9 (as user-missing drops it), income
# (system-missing dropped), by region.
des <- svydesign(ids = ~cluster, strata = ~region, weights = ~w, data = d)
sub <- subset(des, q5 != 9)
m <- svymean(~q5, sub)
inc <- svymean(~income, des, na.rm = TRUE)
fmt <- function(x) sprintf("%.17g", x)
out <- list(
  q5_mean = list(estimate = fmt(coef(m)), se = fmt(SE(m))),
  income_mean = list(estimate = fmt(coef(inc)), se = fmt(SE(inc)))
)
writeLines(toJSON(out, auto_unbox = TRUE, pretty = TRUE), "tests/data/formats_R.json")
