//! Local time in Indonesia's three zones (WIB, WITA, WIT): stored times are UTC; forms are read
//! and times are shown in the zone an agency or session chose. The one place that knows them.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};

/// The offset of one of Indonesia's zones by name, `None` for anything else.
pub fn zone_offset(zone: &str) -> Option<FixedOffset> {
    let hours = match zone {
        "WIB" => 7,
        "WITA" => 8,
        "WIT" => 9,
        _ => return None,
    };
    FixedOffset::east_opt(hours * 3600)
}

/// Western Indonesia Time (WIB, UTC+7), the zone of most agencies and the default for exports.
#[must_use]
pub fn wib() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| Utc.fix())
}

/// A short label for an offset, for column headers: `WIB`, `WITA`, `WIT`, or `UTC+hh:mm` for
/// any other offset.
#[must_use]
pub fn zone_label(tz: FixedOffset) -> String {
    let secs = tz.local_minus_utc();
    match secs {
        25_200 => "WIB".to_owned(),
        28_800 => "WITA".to_owned(),
        32_400 => "WIT".to_owned(),
        _ => {
            let sign = if secs < 0 { '-' } else { '+' };
            let abs = secs.unsigned_abs();
            format!("UTC{sign}{:02}:{:02}", abs / 3600, (abs % 3600) / 60)
        }
    }
}

/// "25-11-2026 09:00 WITA": a time in the named zone, with the zone's name (UTC for an unknown
/// zone). The only formatter of local times: the zone name is written here and nowhere else.
pub fn format_local(at: DateTime<Utc>, zone: &str) -> String {
    match zone_offset(zone) {
        Some(offset) => format!(
            "{} {zone}",
            at.with_timezone(&offset).format("%d-%m-%Y %H:%M")
        ),
        None => at.format("%d-%m-%Y %H:%M UTC").to_string(),
    }
}

/// A time shown to learners, in WIB: "25-11-2026 08:30 WIB".
pub fn format_wib(at: DateTime<Utc>) -> String {
    format_local(at, "WIB")
}

/// A form's local date and time (`2026-12-10T09:00`, as `<input type="datetime-local">` sends
/// it) in `offset`, as UTC. `None` when the text is not such a time.
pub fn parse_local(value: &str, offset: FixedOffset) -> Option<DateTime<Utc>> {
    to_utc(
        NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M").ok()?,
        offset,
    )
}

/// A local wall-clock time in `offset` as UTC.
pub fn to_utc(local: NaiveDateTime, offset: FixedOffset) -> Option<DateTime<Utc>> {
    offset
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_is_shown_in_its_zone_with_the_zone_named_once() {
        let at = Utc.with_ymd_and_hms(2026, 11, 25, 1, 30, 0).single();
        let at = at.expect("valid time");
        assert_eq!(format_wib(at), "25-11-2026 08:30 WIB");
        assert_eq!(format_local(at, "WITA"), "25-11-2026 09:30 WITA");
        assert_eq!(format_local(at, "WIT"), "25-11-2026 10:30 WIT");
        assert_eq!(format_local(at, "XYZ"), "25-11-2026 01:30 UTC");
    }

    #[test]
    fn a_form_time_is_read_in_the_chosen_zone() {
        let offset = zone_offset("WITA").expect("WITA");
        let at = parse_local("2026-12-10T09:00", offset).expect("valid");
        assert_eq!(at.to_rfc3339(), "2026-12-10T01:00:00+00:00");
        assert_eq!(parse_local("10-12-2026 09:00", offset), None);
        assert_eq!(parse_local("", offset), None);
    }

    #[test]
    fn every_zone_has_its_label() {
        for zone in ["WIB", "WITA", "WIT"] {
            let offset = zone_offset(zone).expect("known zone");
            assert_eq!(zone_label(offset), zone);
        }
        assert_eq!(zone_offset("UTC"), None);
    }
}
