//! The register of residents' requests about their data (GDPR Articles
//! 12 to 21): access, rectification, erasure, objection, withdrawal. Each
//! is recorded with the Paris day it was received; it is due a calendar
//! month later (a request of 15 March is due 15 April; of 31 January, the
//! last day of February), or three months later once extended with a
//! stated reason (Article 12(3)). The office sees what is due and what is
//! overdue (`office::requests`).
//!
//! Read → plan → apply: [`plan_new`] and [`plan_change`] are pure
//! functions of what is stored, what was asked and today's date; the page
//! writes what they return.

use crate::storage::control::RequestRow;
use jiff::ToSpan;
use jiff::civil::Date;

/// The most a reference or a reason keeps.
pub const MAX_TEXT_CHARS: usize = 300;

/// What a resident asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// To see everything held about them.
    Access,
    /// To have their data corrected.
    Rectification,
    /// To have their data erased.
    Erasure,
    /// To object to a processing.
    Objection,
    /// To withdraw a consent.
    Withdrawal,
}

impl Kind {
    /// Every kind, in the form's order.
    pub const ALL: [Kind; 5] = [
        Kind::Access,
        Kind::Rectification,
        Kind::Erasure,
        Kind::Objection,
        Kind::Withdrawal,
    ];

    /// Its stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Access => "access",
            Kind::Rectification => "rectification",
            Kind::Erasure => "erasure",
            Kind::Objection => "objection",
            Kind::Withdrawal => "withdrawal",
        }
    }

    /// The kind a stable name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Being handled.
    Open,
    /// Answered.
    Done,
    /// Refused, with the resident told why.
    Refused,
}

impl State {
    /// Every state.
    pub const ALL: [State; 3] = [State::Open, State::Done, State::Refused];

    /// Its stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Done => "done",
            State::Refused => "refused",
        }
    }

    /// The state a stable name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// The day a request received on `received` is due: a calendar month
/// later, or three once extended (clamped to the month's last day).
pub fn due_on(received: Date, extended: bool) -> Option<Date> {
    let months = if extended { 3 } else { 1 };
    received.checked_add(months.months()).ok()
}

/// How a request stands on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Open, due in this many days (0: today).
    Due(i64),
    /// Open, and its day has passed by this many days.
    Overdue(i64),
    /// Answered or refused.
    Closed,
}

/// Where `row` stands on `today` (an unreadable day counts as overdue:
/// it must be looked at).
pub fn standing(row: &RequestRow, today: Date) -> Standing {
    if row.state != State::Open.as_str() {
        return Standing::Closed;
    }
    let Ok(due) = row.due_on.parse::<Date>() else {
        return Standing::Overdue(0);
    };
    let days = today
        .until(due)
        .map_or(0, |span| i64::from(span.get_days()));
    if days < 0 {
        Standing::Overdue(-days)
    } else {
        Standing::Due(days)
    }
}

/// Why a request or its change was not recorded; nothing was written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not one of the kinds.
    #[error("unknown kind of request")]
    Kind,
    /// Not a day, or a day still to come.
    #[error("the day received is not a past or present day")]
    Day,
    /// A text longer than its bound.
    #[error("a text is too long")]
    TooLong,
    /// An extension needs its reason.
    #[error("an extension needs a reason")]
    ReasonMissing,
    /// An extension comes within the first month (Art. 12(3)): the
    /// resident must be told before the answer is due.
    #[error("too late to extend")]
    TooLate,
    /// Extended once already (three months at most).
    #[error("already extended")]
    AlreadyExtended,
    /// Closed already.
    #[error("already closed")]
    Closed,
    /// Not a state a request can be closed in.
    #[error("unknown state")]
    State,
}

/// The request to record from the form's fields, received on the day
/// named (or today when none is).
pub fn plan_new(
    kind: &str,
    received_on: &str,
    reference: &str,
    today: Date,
) -> Result<RequestRow, Refusal> {
    let kind = Kind::parse(kind).ok_or(Refusal::Kind)?;
    let received = if received_on.trim().is_empty() {
        today
    } else {
        received_on
            .trim()
            .parse::<Date>()
            .map_err(|_| Refusal::Day)?
    };
    if received > today {
        return Err(Refusal::Day);
    }
    let reference = reference.trim();
    if reference.chars().count() > MAX_TEXT_CHARS {
        return Err(Refusal::TooLong);
    }
    let due = due_on(received, false).ok_or(Refusal::Day)?;
    Ok(RequestRow {
        id: String::new(),
        kind: kind.as_str().to_string(),
        received_on: received.to_string(),
        due_on: due.to_string(),
        extension_reason: String::new(),
        reference: reference.to_string(),
        state: State::Open.as_str().to_string(),
        recorded_by: String::new(),
        closed_by: String::new(),
        closed_at: None,
    })
}

/// A change to a recorded request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Two more months, for this reason.
    Extend(String),
    /// Answered or refused.
    Close(String),
}

/// `row` once `change` is made on `today`.
pub fn plan_change(row: &RequestRow, change: &Change, today: Date) -> Result<RequestRow, Refusal> {
    if row.state != State::Open.as_str() {
        return Err(Refusal::Closed);
    }
    let mut changed = row.clone();
    match change {
        Change::Extend(reason) => {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(Refusal::ReasonMissing);
            }
            if reason.chars().count() > MAX_TEXT_CHARS {
                return Err(Refusal::TooLong);
            }
            if !row.extension_reason.is_empty() {
                return Err(Refusal::AlreadyExtended);
            }
            if row.due_on.parse::<Date>().is_ok_and(|due| today > due) {
                return Err(Refusal::TooLate);
            }
            let received = row.received_on.parse::<Date>().map_err(|_| Refusal::Day)?;
            changed.due_on = due_on(received, true).ok_or(Refusal::Day)?.to_string();
            changed.extension_reason = reason.to_string();
        }
        Change::Close(state) => {
            let state = State::parse(state).ok_or(Refusal::State)?;
            if state == State::Open {
                return Err(Refusal::State);
            }
            changed.state = state.as_str().to_string();
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_request_is_due_a_calendar_month_later() {
        assert_eq!(
            due_on(date(2027, 3, 15), false),
            Some(date(2027, 4, 15)),
            "15 March is due 15 April"
        );
        assert_eq!(due_on(date(2027, 1, 31), false), Some(date(2027, 2, 28)));
        assert_eq!(due_on(date(2028, 1, 31), false), Some(date(2028, 2, 29)));
        assert_eq!(due_on(date(2027, 3, 15), true), Some(date(2027, 6, 15)));
    }

    #[test]
    fn it_is_overdue_the_day_after_its_day() {
        let row = plan_new(
            "access",
            "2027-03-15",
            "courrier 2027-014",
            date(2027, 3, 20),
        )
        .expect("plan");
        assert_eq!(row.due_on, "2027-04-15");
        assert_eq!(standing(&row, date(2027, 4, 14)), Standing::Due(1));
        assert_eq!(standing(&row, date(2027, 4, 15)), Standing::Due(0));
        assert_eq!(standing(&row, date(2027, 4, 16)), Standing::Overdue(1));
        let done =
            plan_change(&row, &Change::Close("done".into()), date(2027, 4, 16)).expect("close");
        // Overdue: too late to extend.
        assert_eq!(
            plan_change(&row, &Change::Extend("trop tard".into()), date(2027, 4, 16)),
            Err(Refusal::TooLate)
        );
        assert_eq!(standing(&done, date(2027, 5, 1)), Standing::Closed);
    }

    #[test]
    fn an_extension_needs_a_reason_and_comes_once() {
        let today = date(2027, 3, 20);
        let row = plan_new("erasure", "", "", today).expect("plan");
        assert_eq!(row.received_on, "2027-03-20");
        assert_eq!(
            plan_change(&row, &Change::Extend("  ".into()), today),
            Err(Refusal::ReasonMissing)
        );
        let extended = plan_change(&row, &Change::Extend("Archives à consulter".into()), today)
            .expect("extend");
        assert_eq!(extended.due_on, "2027-06-20");
        assert_eq!(
            plan_change(&extended, &Change::Extend("encore".into()), today),
            Err(Refusal::AlreadyExtended)
        );
        let closed =
            plan_change(&extended, &Change::Close("refused".into()), today).expect("close");
        assert_eq!(
            plan_change(&closed, &Change::Close("done".into()), today),
            Err(Refusal::Closed)
        );
    }

    #[test]
    fn a_form_out_of_its_sets_is_refused() {
        let today = date(2027, 3, 20);
        assert_eq!(plan_new("deletion", "", "", today), Err(Refusal::Kind));
        assert_eq!(
            plan_new("access", "2027-03-21", "", today),
            Err(Refusal::Day)
        );
        assert_eq!(plan_new("access", "hier", "", today), Err(Refusal::Day));
        assert_eq!(
            plan_new("access", "", &"x".repeat(MAX_TEXT_CHARS + 1), today),
            Err(Refusal::TooLong)
        );
        let row = plan_new("access", "", "", today).expect("plan");
        assert_eq!(
            plan_change(&row, &Change::Close("open".into()), today),
            Err(Refusal::State)
        );
    }
}
