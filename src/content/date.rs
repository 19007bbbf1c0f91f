//! Dates as editors write them: `2015-10-22`, RFC 3339, or
//! `2015-10-22 20:46:24 -0500`.

use std::fmt;

use jiff::civil;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A publication or signature date, with the time when one was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The calendar date as written (in the writer's own offset).
    pub day: civil::Date,
    /// The exact instant, when a time was given.
    pub instant: Option<jiff::Timestamp>,
}

impl Date {
    /// Parses one of the accepted forms.
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        if s.len() == 10 {
            return s
                .parse::<civil::Date>()
                .map(|day| Date { day, instant: None })
                .map_err(|e| format!("invalid date `{s}`: {e}"));
        }
        let day = s
            .get(..10)
            .and_then(|d| d.parse::<civil::Date>().ok())
            .ok_or_else(|| format!("invalid date `{s}`"))?;
        if let Ok(ts) = s.parse::<jiff::Timestamp>() {
            return Ok(Date {
                day,
                instant: Some(ts),
            });
        }
        jiff::fmt::strtime::parse("%Y-%m-%d %H:%M:%S %z", s)
            .and_then(|t| t.to_timestamp())
            .map(|ts| Date {
                day,
                instant: Some(ts),
            })
            .map_err(|_| format!("invalid date `{s}`"))
    }

    /// `2015-10-22`.
    pub fn iso(&self) -> String {
        self.day.to_string()
    }

    /// RFC 3339, midnight UTC when no time was given (for feeds and sitemaps).
    pub fn rfc3339(&self) -> String {
        match self.instant {
            Some(ts) => ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            None => format!("{}T00:00:00Z", self.day),
        }
    }

    /// The year.
    pub fn year(&self) -> i16 {
        self.day.year()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.day)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).map_err(|e| {
            serde::de::Error::custom(format!(
                "{e}; write dates as 2015-10-22, 2015-10-22T20:46:24-05:00 or 2015-10-22 20:46:24 -0500"
            ))
        })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_three_forms() {
        assert_eq!(Date::parse("2015-10-22").unwrap().iso(), "2015-10-22");
        let a = Date::parse("2015-10-22T20:46:24-05:00").unwrap();
        let b = Date::parse("2015-10-22 20:46:24 -0500").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.day.to_string(), "2015-10-22");
        assert_eq!(a.rfc3339(), "2015-10-23T01:46:24Z");
    }

    #[test]
    fn rejects_nonsense() {
        assert!(Date::parse("2015-13-01").is_err());
        assert!(Date::parse("yesterday").is_err());
        assert!(Date::parse("2015-10-22 8pm").is_err());
    }
}
