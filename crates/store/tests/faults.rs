//! A transaction whose COMMIT fails never leaves its connection behind believing it is still
//! inside a transaction: every later write works at once, on SQLite and on PostgreSQL.

// A panic is how a test fails; the workspace's `unwrap_used` lint is for production code.
#![allow(clippy::unwrap_used)]

use doorstep_store::{Db, Secrets, Tx};

async fn backends() -> Vec<(&'static str, Db, Option<tempfile::TempDir>)> {
    let mut out = Vec::new();
    let (dir, url) = testkit::fresh_sqlite_url();
    out.push((
        "sqlite",
        Db::connect(&url, Secrets::for_tests()).await.unwrap(),
        Some(dir),
    ));
    if let Some(url) = testkit::fresh_postgres_url() {
        out.push((
            "postgres",
            Db::connect(&url, Secrets::for_tests()).await.unwrap(),
            None,
        ));
    }
    out
}

/// Runs one statement inside the transaction, as a use case's write would.
async fn exec(tx: &mut Tx, sql: &'static str) -> Result<(), sqlx::Error> {
    match tx {
        Tx::Sqlite(t) => sqlx::raw_sql(sql).execute(&mut **t).await.map(|_| ()),
        Tx::Pg(t) => sqlx::raw_sql(sql).execute(&mut **t).await.map(|_| ()),
    }
}

async fn count(db: &Db, sql: &'static str) -> i64 {
    match db {
        Db::Sqlite(p, _) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        Db::Pg(p, _) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

const TRUSTS: &str = "select count(*) from trusts";

/// More transactions than the pool has connections, each writing one trust: every one commits.
async fn writes_work_on_every_connection(name: &str, db: &Db) {
    for n in 0..24 {
        let mut tx = db
            .begin()
            .await
            .unwrap_or_else(|e| panic!("{name}: begin #{n} after a failed commit: {e}"));
        tx.create_trust(&format!("Trust {n}")).await.unwrap();
        tx.commit()
            .await
            .unwrap_or_else(|e| panic!("{name}: commit #{n} after a failed commit: {e}"));
    }
}

#[tokio::test]
async fn a_commit_that_fails_when_the_database_ended_the_transaction_itself_is_not_reused() {
    // A full disk or an I/O error: SQLite rolls the transaction back itself and the COMMIT
    // fails. Ending the transaction behind the store's back gives the same state.
    for (name, db, _dir) in backends().await {
        for _ in 0..8 {
            let mut tx = db.begin().await.unwrap();
            tx.create_trust("Lost").await.unwrap();
            exec(&mut tx, "rollback").await.unwrap();
            // PostgreSQL only warns about a COMMIT outside a transaction; SQLite refuses it.
            let committed = tx.commit().await;
            if name == "sqlite" {
                assert!(committed.is_err(), "{name}: the commit should fail");
            }
        }
        writes_work_on_every_connection(name, &db).await;
        let trusts = count(&db, TRUSTS).await;
        assert_eq!(
            trusts, 24,
            "{name}: nothing of the failed transactions was kept"
        );
    }
}

#[tokio::test]
async fn a_commit_refused_by_a_deferred_constraint_leaves_nothing_written_and_the_pool_usable() {
    for (name, db, _dir) in backends().await {
        let setup = "create table fault_parent (id integer primary key); \
            create table fault_child (id integer primary key, parent_id integer not null \
            references fault_parent (id) deferrable initially deferred)";
        match &db {
            Db::Sqlite(p, _) => sqlx::raw_sql(setup).execute(p).await.unwrap(),
            Db::Pg(p, _) => sqlx::raw_sql(setup)
                .execute(p)
                .await
                .map(|_| Default::default())
                .unwrap(),
        };
        for n in 0..8 {
            let mut tx = db.begin().await.unwrap();
            tx.create_trust(&format!("Lost {n}")).await.unwrap();
            exec(
                &mut tx,
                "insert into fault_child (id, parent_id) values (1, 999)",
            )
            .await
            .unwrap();
            assert!(tx.commit().await.is_err(), "{name}: the commit should fail");
        }
        writes_work_on_every_connection(name, &db).await;
        assert_eq!(
            count(&db, TRUSTS).await,
            24,
            "{name}: the failed commits wrote nothing"
        );
        assert_eq!(
            count(&db, "select count(*) from fault_child").await,
            0,
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_transaction_dropped_without_commit_is_rolled_back_before_its_connection_is_reused() {
    for (name, db, _dir) in backends().await {
        for n in 0..16 {
            let mut tx = db.begin().await.unwrap();
            tx.create_trust(&format!("Dropped {n}")).await.unwrap();
            drop(tx);
        }
        writes_work_on_every_connection(name, &db).await;
        assert_eq!(
            count(&db, TRUSTS).await,
            24,
            "{name}: dropped transactions wrote nothing"
        );
    }
}

/// A request cancelled while its BEGIN waits for SQLite's write lock (the phone gave up, a task
/// was aborted) must not hand its connection back with the transaction still open: that held the
/// write lock for good, and every later write failed with "database is locked".
#[tokio::test]
async fn a_begin_cancelled_while_waiting_for_the_lock_leaves_no_transaction_open() {
    for (name, db, _dir) in backends().await {
        let holder = db.begin().await.unwrap();
        // On SQLite this waits for the holder's write lock; on PostgreSQL BEGIN does not wait,
        // and the cancelled future is dropped at once or after it began: either way, no
        // transaction may be left open on a pooled connection.
        let cancelled =
            tokio::time::timeout(std::time::Duration::from_millis(100), db.begin()).await;
        drop(cancelled);
        drop(holder);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        writes_work_on_every_connection(name, &db).await;
    }
}

#[tokio::test]
async fn an_alarm_stored_with_a_kind_doorstep_does_not_know_is_an_error_naming_it_not_a_guess() {
    for (name, db, _dir) in backends().await {
        let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        let mut tx = db.begin().await.unwrap();
        let trust = tx.create_trust("Test Trust").await.unwrap();
        let school = tx
            .create_school(trust, "Harton Academy", None, "harton", now)
            .await
            .unwrap();
        let alarm = tx
            .raise_alarm(&doorstep_store::NewAlarm {
                school,
                visit: None,
                kind: domain::monitor::AlarmKind::Panic,
                dedupe_key: "test:panic",
                raised_at: now,
                raised_by: None,
                detail: serde_json::json!({}),
                next_level: 0,
                next_level_at: None,
            })
            .await
            .unwrap()
            .unwrap();
        // A newer version's kind, or a hand edit.
        exec(&mut tx, "update alarms set kind = 'snoozed_forever'")
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let read = db.alarm(alarm).await;
        let error = read
            .expect_err("an unknown kind must not read as an alarm")
            .to_string();
        assert!(
            error.contains("'snoozed_forever' is not an alarm kind") && error.contains("kind"),
            "{name}: {error}"
        );
        assert!(
            db.unresolved_alarms(school).await.is_err(),
            "{name}: the board's list fails loudly rather than leave the alarm out"
        );
    }
}
