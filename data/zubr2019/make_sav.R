# Writes responses.sav, the SPSS file of the same responses as responses.csv, with the
# questionnaire's labels: value labels (English) for every coded question, the
# non-substantive codes (9 = "hard to answer") as user-missing values, question texts as
# variable labels, the options' labels on the 0/1 columns of multiple-response questions.
# Run from the crate root:  Rscript data/zubr2019/make_sav.R   (R 4.2, haven 2.5)
suppressMessages({ library(haven); library(jsonlite) })
d <- read.csv("data/zubr2019/responses.csv")
q <- fromJSON("data/zubr2019/questionnaire.json", simplifyVector = FALSE)
en <- function(l) if (is.null(l$en)) "" else l$en
for (question in q$questions) {
  id <- question$id
  text <- en(question$text)
  missing <- vapply(question$missing_codes, function(m) as.numeric(m$code), 0)
  options <- c(question$options, question$levels)
  labels <- setNames(vapply(options, function(o) as.numeric(o$code), 0),
                     vapply(options, function(o) en(o$label), ""))
  for (m in question$missing_codes) {
    if (!is.null(m$label)) labels <- c(labels, setNames(as.numeric(m$code), en(m$label)))
  }
  if (question$kind == "multiple_response") {
    columns <- unlist(question$storage$columns)
    for (k in seq_along(columns)) {
      attr(d[[columns[k]]], "label") <- paste0(text, ": ", en(options[[k]]$label))
    }
  } else {
    d[[id]] <- labelled_spss(d[[id]], labels,
                             na_values = if (length(missing)) missing else NULL,
                             label = text)
  }
}
attr(d$weight, "label") <- "Weight"
attr(d$project, "label") <- "Project (PSU)"
write_sav(d, "data/zubr2019/responses.sav")
