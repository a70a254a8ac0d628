//! Peru time: stored in UTC, shown in America/Lima (UTC−5, no daylight saving).

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

pub fn lima() -> FixedOffset {
    FixedOffset::west_opt(5 * 3600).expect("valid offset")
}

pub fn to_lima(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&lima())
}

/// The issue date SUNAT expects: the date in Lima, not in UTC.
pub fn lima_date(t: DateTime<Utc>) -> NaiveDate {
    to_lima(t).date_naive()
}

/// `25/11/2026 14:05`
pub fn lima_display(t: DateTime<Utc>) -> String {
    to_lima(t).format("%d/%m/%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evening_in_lima_is_still_today() {
        // 20:30 in Lima is 01:30 UTC the next day.
        let t: DateTime<Utc> = "2026-11-26T01:30:00Z".parse().unwrap();
        assert_eq!(lima_date(t).to_string(), "2026-11-25");
        assert_eq!(lima_display(t), "25/11/2026 20:30");
    }
}
