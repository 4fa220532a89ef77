//! The benchmark's database: the demo trust, benchmark visitors and households at Harton (the
//! 30-minute check-in preset), and N visits that are out, each with its watch and the deadlines
//! the policy gives it, inserted in big transactions.
//!
//! Visit `i` plays one part (see [`Parts`]): the alarm-lag sample, the outage's overdue
//! deadlines, the outage's due reminders, or an ordinary visit that checks in over HTTP.

mod insert;

use super::sql::{V, exec, scalar};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::monitor::{self, DeadlineKind};
use domain::policy::{CheckInRule, PolicySettings};
use domain::{Role, RoleSet, SchoolId, StaffId};
use insert::{Plan, insert_visits};
pub use insert::{ms, timeline};
use store::{Db, NewHousehold, NewPupil, NewStaff, Secrets};

/// Visits per insert statement and per transaction.
const CHUNK: usize = 1000;

/// Which visits play which part, by index.
#[derive(Debug, Clone, Copy)]
pub struct Parts {
    pub visits: usize,
    /// `0..sample`: deadlines that fall due while the monitor runs.
    pub sample: usize,
    /// `sample..sample + outage`: deadlines that fell due during the simulated outage;
    /// `sample + outage..sample + 2 * outage`: check-in reminders that fell due during it.
    pub outage: usize,
}

impl Parts {
    pub fn new(visits: usize) -> Result<Parts> {
        if visits < 20 {
            bail!("--visits: at least 20");
        }
        // A 60 s outage with a 30-minute check-in interval: 1/30 of the visits fall due.
        let outage = visits.div_ceil(30);
        Ok(Parts {
            visits,
            sample: (visits / 4).min(2000),
            outage,
        })
    }

    /// The visits that check in over HTTP: all the others.
    pub fn checking_in(&self) -> std::ops::Range<usize> {
        self.sample + 2 * self.outage..self.visits
    }

    fn long_out(&self, i: usize) -> bool {
        i < self.sample + 2 * self.outage
    }
}

pub struct Setup {
    pub db: Db,
    pub url: String,
    /// The throwaway key of this run's throwaway database, for its other connections.
    pub secrets: Secrets,
    pub parts: Parts,
    pub rule: CheckInRule,
    /// The benchmark's visiting staff (one per HTTP client) and their e-mail addresses.
    pub visitors: Vec<(StaffId, String)>,
    /// Visit ids by index.
    pub visits: Vec<i64>,
    pub seconds: f64,
    /// Of which inserting the visits, their visitors, watches and deadlines.
    pub visits_seconds: f64,
}

impl Setup {
    /// The visitor on visit `i`.
    pub fn visitor_of(&self, i: usize) -> usize {
        i % self.visitors.len()
    }
}

/// Opens the database (creating its schema), refuses one that already holds visits, and fills it.
pub async fn create(url: &str, parts: Parts, clients: usize) -> Result<Setup> {
    let started = std::time::Instant::now();
    let (secrets, _) = Secrets::generate();
    let db = Db::connect(url, secrets.clone())
        .await
        .context("opening the benchmark database")?;
    let existing = scalar(&db, "select count(*) from visits", &[]).await?;
    if existing > 0 {
        bail!(
            "the database already holds {existing} visits: the benchmark needs a fresh, empty database it may fill"
        );
    }
    let now = Utc::now();
    crate::demo::create(&db, now)
        .await
        .context("the demo trust")?;
    let (head, _) = db
        .staff_login("head@harton.demo")
        .await?
        .context("the demo's Harton headteacher")?;
    let head = db.staff(head).await?;
    let school = head.school_id.context("the Harton headteacher's school")?;
    let (buddy, _) = db
        .staff_login("office@harton.demo")
        .await?
        .context("the demo's Harton office")?;
    let policy = db.current_policy(school).await?;
    let settings: PolicySettings = policy.settings.0.clone();

    let visitors = visitors(&db, head.trust_id, school, clients, now).await?;
    let households = households(&db, school, (parts.visits / 20).clamp(1, 5000), now).await?;
    let plan = Plan {
        school,
        policy: policy.id,
        buddy,
        reason: settings
            .reason_categories
            .first()
            .map(|c| c.key.clone())
            .context("the policy's first reason category")?,
        rule: settings.check_in.clone(),
        base: now,
    };
    let mut ids = vec![0i64; parts.visits];
    let inserting = std::time::Instant::now();
    let mut next = 0;
    while next < parts.visits {
        let end = (next + CHUNK).min(parts.visits);
        insert_visits(
            &db,
            &plan,
            &parts,
            next..end,
            &visitors,
            &households,
            &mut ids,
        )
        .await?;
        next = end;
        if end.is_multiple_of(20_000) {
            eprintln!(
                "  … {end} visits ({:.1} s)",
                inserting.elapsed().as_secs_f64()
            );
        }
    }
    let visits_seconds = inserting.elapsed().as_secs_f64();
    if let Db::Pg(p, _) = &db {
        // As autovacuum would have long since done on a live database.
        sqlx::query("analyze").execute(p).await?;
    }
    Ok(Setup {
        db,
        url: url.to_string(),
        secrets,
        parts,
        rule: settings.check_in,
        visitors,
        visits: ids,
        seconds: started.elapsed().as_secs_f64(),
        visits_seconds,
    })
}

/// One visiting member of staff per HTTP client, with the demo password.
async fn visitors(
    db: &Db,
    trust: domain::TrustId,
    school: SchoolId,
    count: usize,
    now: DateTime<Utc>,
) -> Result<Vec<(StaffId, String)>> {
    let hash = server::hash_password(crate::demo::PASSWORD.to_string())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let roles = RoleSet::new(vec![Role::VisitingStaff]);
    let mut tx = db.begin().await?;
    let mut out = Vec::with_capacity(count);
    for k in 0..count {
        let email = format!("bench-visitor-{k}@harton.demo");
        let id = tx
            .create_staff(
                &NewStaff {
                    trust,
                    school: Some(school),
                    name: &format!("Bench Visitor {k}"),
                    email: &email,
                    mobile: Some(&format!("07700{:06}", 100_000 + k)),
                    job_title: Some("Family Liaison Officer"),
                    password_hash: &hash,
                    roles: &roles,
                },
                now,
            )
            .await?;
        out.push((id, email));
    }
    tx.commit().await?;
    Ok(out)
}

/// (household, pupil) pairs.
async fn households(
    db: &Db,
    school: SchoolId,
    count: usize,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, i64)>> {
    let born = NaiveDate::from_ymd_opt(2016, 9, 1).context("date")?;
    let mut out = Vec::with_capacity(count);
    let mut tx = db.begin().await?;
    for h in 0..count {
        let household = tx
            .create_household(
                &NewHousehold {
                    school,
                    family_name: &format!("Family {h}"),
                    address: &format!("{} Bench Street, South Shields", h + 1),
                    postcode: "NE33 1AA",
                    landline: Some("01914560000"),
                    language_notes: None,
                    pets: None,
                },
                now,
            )
            .await?;
        let pupil = tx
            .create_pupil(&NewPupil {
                school,
                household,
                name: &format!("Pupil {h}"),
                date_of_birth: born,
                height_cm: None,
                year_group: Some("Year 5"),
            })
            .await?;
        out.push((household.0, pupil.0));
    }
    tx.commit().await?;
    Ok(out)
}

/// Moves visit `i`'s last contact to `last_contact` (with every bench visit's plan, leaving is
/// still far off), recomputing its check-in deadline from the policy: the visitors last checked
/// in then. `reminded`: whether its reminder already went.
pub struct Move {
    pub visit: i64,
    pub last_contact: DateTime<Utc>,
    pub reminded: bool,
}

pub async fn move_check_ins(setup: &Setup, moves: &[Move]) -> Result<()> {
    let mut tx = setup.db.begin().await?;
    for m in moves {
        // The bench plan's leave/return times do not affect the check-in deadline.
        let far = m.last_contact + Duration::hours(3);
        let d = monitor::deadlines(&setup.rule, &timeline(far, far, m.last_contact))
            .into_iter()
            .find(|d| d.kind == DeadlineKind::CheckIn)
            .context("a check-in deadline")?;
        exec(
            &mut tx,
            "update watches set last_contact_at = $1 where visit_id = $2".into(),
            &[V::T(m.last_contact), V::I(m.visit)],
        )
        .await?;
        let n = exec(
            &mut tx,
            "update deadlines set due_at = $1, fires_at = $2, remind_at = $3, reminded = $4, state = $5 \
             where visit_id = $6 and kind = $7"
                .into(),
            &[
                V::T(d.due_at),
                V::T(d.fires_at),
                V::OT(d.remind_at),
                V::B(m.reminded),
                V::S("pending".into()),
                V::I(m.visit),
                V::S(DeadlineKind::CheckIn.as_str().into()),
            ],
        )
        .await?;
        if n != 1 {
            bail!("visit {} has no check-in deadline to move", m.visit);
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The last contact that makes the check-in deadline fire at `fires_at`.
pub fn contact_for_firing_at(rule: &CheckInRule, fires_at: DateTime<Utc>) -> DateTime<Utc> {
    fires_at - Duration::minutes(i64::from(rule.grace_minutes + rule.interval_minutes))
}

/// The last contact that makes the check-in reminder fall due at `remind_at`.
pub fn contact_for_reminder_at(rule: &CheckInRule, remind_at: DateTime<Utc>) -> DateTime<Utc> {
    remind_at + Duration::minutes(i64::from(rule.remind_before_minutes))
        - Duration::minutes(i64::from(rule.interval_minutes))
}
