//! Messages read by the start of their idempotency key (a school's daily channel tests, a
//! visit's "left early" messages): exactly the keys that start with it, on both backends,
//! whatever the database's collation orders between them.

// A panic is how a test fails; the workspace's `unwrap_used` lint is for production code.
#![allow(clippy::unwrap_used)]

use domain::policy::Channel;
use doorstep_store::{Db, NewNotification, Secrets};

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

#[tokio::test]
async fn a_key_prefix_reads_its_own_messages_and_never_a_neighbouring_schools() {
    let keys = [
        "channel-test:5:2026-12-03:email",
        "channel-test:5:2026-12-04:sms",
        // Another school whose id starts with the same digit, and keys that sort beside it.
        "channel-test:50:2026-12-04:sms",
        "channel-test:5;2026-12-04",
        "channel-test:5",
        "channel_test:5:2026-12-04",
        "Channel-test:5:2026-12-04",
        "channel-test:4:2026-12-04:sms",
    ];
    for (name, db, _dir) in backends().await {
        let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        let mut tx = db.begin().await.unwrap();
        for (i, key) in keys.iter().enumerate() {
            let at = now + chrono::Duration::seconds(i as i64);
            let n = NewNotification {
                alarm: None,
                visit: None,
                staff: None,
                channel: Channel::Email,
                address: "office@example.org",
                subject: "Test",
                body: "Test",
                idempotency_key: key,
                at,
            };
            assert!(tx.enqueue_notification(&n).await.unwrap(), "[{name}] {key}");
        }
        tx.commit().await.unwrap();

        let found = db
            .notifications_with_key_prefix("channel-test:5:", 200)
            .await
            .unwrap();
        let found: Vec<&str> = found.iter().map(|n| n.idempotency_key.as_str()).collect();
        assert_eq!(
            found,
            vec![
                "channel-test:5:2026-12-04:sms",
                "channel-test:5:2026-12-03:email"
            ],
            "[{name}] newest first, only school 5's"
        );
        let one = db
            .notifications_with_key_prefix("channel-test:5:", 1)
            .await
            .unwrap();
        assert_eq!(one.len(), 1, "[{name}] the limit holds");
        let whole = db
            .notifications_with_key_prefix("channel-test:5:2026-12-04:sms", 10)
            .await
            .unwrap();
        assert_eq!(whole.len(), 1, "[{name}] a whole key is its own prefix");
        db.close().await;
    }
}
