//! The office board's order (tester C9/C10): the visit that needs a person first is on top.

use chrono::{DateTime, Utc};

/// What the board knows about one visit out now, for ordering it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attention {
    /// An open urgent alarm on the visit (panic; duress, only for those who may see it).
    pub urgent_alarm: bool,
    /// Any other open alarm on the visit (a missed check-in, overdue leaving or return).
    pub open_alarm: bool,
    /// A deadline has run past its grace (the monitor has fired it, or is about to).
    pub overdue: bool,
    /// A deadline is due and not met, but still within the policy's grace (amber on the board).
    pub late_in_grace: bool,
    /// The earliest deadline the visitors still owe (next check-in, leave-by or back-by,
    /// whichever is first), UTC; `None` when nothing is owed.
    pub next_due: Option<DateTime<Utc>>,
}

impl Attention {
    /// The sort key: smaller first. Open urgent alarms, then other open alarms, then overdue,
    /// then late in grace, then the earliest deadline owed, then visits owing nothing.
    fn key(&self) -> (u8, bool, Option<DateTime<Utc>>) {
        let band = if self.urgent_alarm {
            0
        } else if self.open_alarm {
            1
        } else if self.overdue {
            2
        } else if self.late_in_grace {
            3
        } else {
            4
        };
        (band, self.next_due.is_none(), self.next_due)
    }
}

/// The order in which the board lists `rows`: indexes into `rows`, the one that needs a person
/// first at the front (see [`Attention`]); ties keep their order in `rows` (say, who left first).
/// Pure: the board's JSON, its page and the live feed's redraw all use it.
pub fn attention_order(rows: &[Attention]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| rows[i].key());
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap())
    }

    #[test]
    fn urgent_then_alarms_then_overdue_then_amber_then_soonest_deadline() {
        let calm_late = Attention {
            next_due: at(15, 0),
            ..Default::default()
        };
        let nothing_owed = Attention::default();
        let calm_soon = Attention {
            next_due: at(14, 5),
            ..Default::default()
        };
        let amber = Attention {
            late_in_grace: true,
            next_due: at(13, 55),
            ..Default::default()
        };
        let overdue = Attention {
            overdue: true,
            next_due: at(14, 30),
            ..Default::default()
        };
        let missed = Attention {
            open_alarm: true,
            overdue: true,
            next_due: at(14, 40),
            ..Default::default()
        };
        let panic = Attention {
            urgent_alarm: true,
            open_alarm: true,
            next_due: at(16, 0),
            ..Default::default()
        };
        let rows = [
            calm_late,
            nothing_owed,
            calm_soon,
            amber,
            overdue,
            missed,
            panic,
        ];
        assert_eq!(attention_order(&rows), vec![6, 5, 4, 3, 2, 0, 1]);
    }

    #[test]
    fn ties_keep_the_order_given() {
        let a = Attention {
            next_due: at(14, 0),
            ..Default::default()
        };
        assert_eq!(attention_order(&[a, a, a]), vec![0, 1, 2]);
        assert!(attention_order(&[]).is_empty());
    }
}
