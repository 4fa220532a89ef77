//! One transaction per step: check, write and audit together.

use crate::helpers::{TestApp, backends};
use app::visits::{self, ConcernInput, VisitDetail};
use app::{App, Refusal};
use std::time::Duration;
use store::Db;

fn app_of(t: &TestApp) -> App {
    App::new(t.db.clone(), t.clock.clone())
}

/// P11: a safety concern committed while a sign-out waits for the visit is seen by the
/// sign-out's policy check, which refuses it. Before, the check ran before the step's
/// transaction and the sign-out went ahead over the concern.
#[tokio::test]
async fn a_concern_raised_while_signing_out_stops_the_sign_out() {
    for backend in backends() {
        let t = TestApp::start(backend, "harton").await;
        let app = app_of(&t);
        let visit = t.authorised_visit(240, 270).await;
        let teacher = t.db.staff(t.people.teacher).await.unwrap();

        // The liaison officer's concern, not yet committed, holding the visit.
        let mut concern = t.db.begin().await.unwrap();
        concern.lock_visit(visit.id).await.unwrap();
        concern
            .raise_safety_concern(
                visit.id,
                t.people.liaison,
                "Dog loose at the house",
                t.now(),
            )
            .await
            .unwrap();

        let signing_out = tokio::spawn({
            let app = app.clone();
            async move { visits::sign_out(&app, &teacher, visit.id).await }
        });
        // Real time, not the test clock: long enough for a check made outside the step's
        // transaction to have read the visit before the concern is committed.
        tokio::time::sleep(Duration::from_millis(300)).await;
        concern.commit().await.unwrap();

        match signing_out.await.unwrap() {
            Err(Refusal::Unmet(unmet)) => assert!(
                unmet.iter().any(|u| u.requirement == "P11"),
                "[{}] the refusal names every unmet rule, the concern among them: {unmet:?}",
                t.backend
            ),
            other => panic!(
                "[{}] signed out over a safety concern: {:?}",
                t.backend,
                other.map(|d: VisitDetail| d.visit.status)
            ),
        }
        let after = t.db.visit(visit.id).await.unwrap();
        assert_eq!(after.status, "authorised", "[{}]", t.backend);
        assert!(
            t.db.watch(visit.id).await.unwrap().is_none(),
            "[{}]",
            t.backend
        );
    }
}

/// Makes every audit row of `actions` fail to be written, as a full disk or a broken audit
/// table would.
async fn refuse_audit_of(db: &Db, actions: &str) {
    match db {
        Db::Sqlite(p, _) => {
            let q = format!(
                "create trigger refuse_audit before insert on audit_log when new.action in ({actions}) \
                 begin select raise(abort, 'the audit log refused the row'); end"
            );
            sqlx::query(sqlx::AssertSqlSafe(q))
                .execute(p)
                .await
                .unwrap();
        }
        Db::Pg(p, _) => {
            let f = format!(
                "create function refuse_audit() returns trigger language plpgsql as $$ begin \
                 if new.action in ({actions}) then raise exception 'the audit log refused the row'; end if; \
                 return new; end $$"
            );
            sqlx::query(sqlx::AssertSqlSafe(f))
                .execute(p)
                .await
                .unwrap();
            sqlx::query(
                "create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()",
            )
            .execute(p)
            .await
            .unwrap();
        }
    }
}

/// A step and a concern whose audit rows cannot be written leave no trace: the visit has not
/// moved, no event, no concern, and the safety monitor's watch is as it was.
#[tokio::test]
async fn a_step_whose_audit_row_cannot_be_written_is_not_taken() {
    for backend in backends() {
        let t = TestApp::start(backend, "harton").await;
        let app = app_of(&t);
        // Signed out, not yet arrived: the arrival is the step refused.
        let visit = t.authorised_visit(240, 270).await;
        let visit = t.step(&visit, domain::visit::VisitStep::SignOut).await;
        let teacher = t.db.staff(t.people.teacher).await.unwrap();
        refuse_audit_of(&t.db, "'visit.arrived', 'visit.safety_concern.raise'").await;
        let events_before = t.db.visit_events(visit.id).await.unwrap().len();

        let arrived = visits::arrived(&app, &teacher, visit.id).await;
        assert!(
            matches!(arrived, Err(Refusal::Internal(_))),
            "[{}] the step fails as a fault of ours",
            t.backend
        );
        let raised = visits::raise_concern(
            &app,
            &teacher,
            visit.id,
            ConcernInput {
                concern: "Raised voices inside".parse().unwrap(),
            },
        )
        .await;
        assert!(
            matches!(raised, Err(Refusal::Internal(_))),
            "[{}] the concern fails as a fault of ours",
            t.backend
        );

        let after = t.db.visit(visit.id).await.unwrap();
        assert_eq!(after.status, "signed_out", "[{}]", t.backend);
        assert_eq!(after.revision, visit.revision, "[{}]", t.backend);
        assert_eq!(
            t.db.visit_events(visit.id).await.unwrap().len(),
            events_before,
            "[{}] no event without its audit row",
            t.backend
        );
        assert!(
            t.db.safety_concerns(visit.id).await.unwrap().is_empty(),
            "[{}] no concern without its audit row",
            t.backend
        );
        let watch = t.db.watch(visit.id).await.unwrap().unwrap();
        assert!(
            !watch.arrived,
            "[{}] the monitor still waits for arrival",
            t.backend
        );
    }
}
