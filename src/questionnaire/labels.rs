//! Text in several languages.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A text in several languages: a map from a language tag (`"kk"`, `"en"`, `"ru"`, …) to
/// the text in that language.
///
/// Serialised as a JSON object, `{"en": "Yes, I know", "kk": "Иә, білемін"}`. Keys are kept
/// in sorted order, so the JSON of a `Labels` is the same however it was built; any Unicode
/// text round-trips unchanged. Language tags are not checked: they are whatever the
/// questionnaire author uses consistently (BCP 47 tags such as `kk` or `kk-Cyrl` are the
/// natural choice).
///
/// Lookup with [`get`](Labels::get) falls back, in order, to the requested language,
/// [`FALLBACK_LANGUAGE`](Labels::FALLBACK_LANGUAGE) (`"en"`), then the first language in
/// sorted order, so that a table always has some label to print.
///
/// ```
/// use survey_stats::questionnaire::Labels;
///
/// let yes = Labels::new().with("kk", "Иә, білемін").with("en", "Yes, I know");
/// assert_eq!(yes.get("kk"), Some("Иә, білемін"));
/// assert_eq!(yes.get("ru"), Some("Yes, I know"));
/// assert_eq!(serde_json::to_string(&yes)?, r#"{"en":"Yes, I know","kk":"Иә, білемін"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Labels(BTreeMap<String, String>);

impl Labels {
    /// The language tried after the requested one: English.
    ///
    /// ```
    /// use survey_stats::questionnaire::Labels;
    ///
    /// assert_eq!(Labels::FALLBACK_LANGUAGE, "en");
    /// ```
    pub const FALLBACK_LANGUAGE: &'static str = "en";

    /// No text in any language.
    ///
    /// ```
    /// use survey_stats::questionnaire::Labels;
    ///
    /// assert!(Labels::new().is_empty());
    /// assert_eq!(Labels::new().get("en"), None);
    /// ```
    pub fn new() -> Self {
        Self(BTreeMap::new())
    }

    /// Adds (or replaces) the text in one language, builder style.
    ///
    /// ```
    /// use survey_stats::questionnaire::Labels;
    ///
    /// let no = Labels::new().with("en", "No").with("kk", "Жоқ");
    /// assert_eq!(no.len(), 2);
    /// assert_eq!(no.get("kk"), Some("Жоқ"));
    /// ```
    #[must_use]
    pub fn with(mut self, lang: impl Into<String>, text: impl Into<String>) -> Self {
        self.0.insert(lang.into(), text.into());
        self
    }

    /// Sets the text in one language, returning the text it replaces.
    ///
    /// ```
    /// use survey_stats::questionnaire::Labels;
    ///
    /// let mut label = Labels::new().with("en", "Yes");
    /// assert_eq!(label.insert("en", "Yes, I know"), Some(String::from("Yes")));
    /// assert_eq!(label.get("en"), Some("Yes, I know"));
    /// ```
    pub fn insert(&mut self, lang: impl Into<String>, text: impl Into<String>) -> Option<String> {
        self.0.insert(lang.into(), text.into())
    }

    /// The text in `lang`, else in English, else in the first language in sorted order;
    /// `None` only when there is no text at all.
    ///
    /// ```
    /// use survey_stats::questionnaire::Labels;
    ///
    /// let l = Labels::new().with("kk", "Иә").with("ru", "Да");
    /// assert_eq!(l.get("ru"), Some("Да"));
    /// assert_eq!(l.get("de"), Some("Иә")); // no "de", no "en": first in order ("kk")
    /// assert_eq!(l.with("en", "Yes").get("de"), Some("Yes"));
    /// ```
    pub fn get(&self, lang: &str) -> Option<&str> {
        self.get_exact(lang)
            .or_else(|| self.get_exact(Self::FALLBACK_LANGUAGE))
            .or_else(|| self.0.values().next().map(String::as_str))
    }

    /// The text in exactly `lang`, without fallback.
    ///
    /// ```
    /// use survey_stats::questionnaire::Labels;
    ///
    /// let l = Labels::new().with("en", "Yes");
    /// assert_eq!(l.get_exact("en"), Some("Yes"));
    /// assert_eq!(l.get_exact("kk"), None);
    /// ```
    pub fn get_exact(&self, lang: &str) -> Option<&str> {
        self.0.get(lang).map(String::as_str)
    }

    /// The language tags present, in sorted order.
    ///
    /// ```
    /// use survey_stats::questionnaire::Labels;
    ///
    /// let l = Labels::new().with("kk", "Иә").with("en", "Yes");
    /// assert_eq!(l.languages().collect::<Vec<_>>(), ["en", "kk"]);
    /// ```
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// `(language, text)` pairs in sorted order of language.
    ///
    /// ```
    /// use survey_stats::questionnaire::Labels;
    ///
    /// let l = Labels::new().with("kk", "Жоқ").with("en", "No");
    /// assert_eq!(l.iter().collect::<Vec<_>>(), [("en", "No"), ("kk", "Жоқ")]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The number of languages.
    ///
    /// ```
    /// use survey_stats::questionnaire::Labels;
    ///
    /// assert_eq!(Labels::from([("en", "Other"), ("kk", "Басқа")]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there is no text in any language.
    ///
    /// ```
    /// use survey_stats::questionnaire::Labels;
    ///
    /// assert!(!Labels::from([("en", "Other")]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Labels {
    /// ```
    /// use survey_stats::questionnaire::Labels;
    ///
    /// let l: Labels = vec![("en", "Yes"), ("kk", "Иә")].into_iter().collect();
    /// assert_eq!(l.get("kk"), Some("Иә"));
    /// ```
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl<K: Into<String>, V: Into<String>, const N: usize> From<[(K, V); N]> for Labels {
    /// ```
    /// use survey_stats::questionnaire::Labels;
    ///
    /// let l = Labels::from([("en", "Hard to answer"), ("kk", "Жауап беруге қиналамын")]);
    /// assert_eq!(l.get("kk"), Some("Жауап беруге қиналамын"));
    /// ```
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}
