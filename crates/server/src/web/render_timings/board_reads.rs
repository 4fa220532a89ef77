//! The office board's time taken apart: the use case without HTTP or the template, and each
//! store read it makes, so a slower board points at its cause.

use crate::AppState;
use chrono::Utc;
use std::future::Future;
use std::time::{Duration, Instant};
use store::Db;

async fn median<F, Fut>(runs: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    f().await; // warm-up
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        f().await;
        times.push(started.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

fn line(name: &str, took: Duration) {
    println!("{:<36} {:>7.1}ms", name, took.as_secs_f64() * 1000.0);
}

/// Prints the board use case's median time and each of its reads'.
pub(super) async fn print(
    state: &AppState,
    db: &Db,
    school: domain::SchoolId,
    office: i64,
    runs: usize,
) {
    let me = db.staff(domain::StaffId(office)).await.expect("office");
    let took = median(runs, || async {
        let b = app::board::board(state, &me, None, Utc::now())
            .await
            .expect("board");
        assert_eq!(b.alarms.len(), 20);
    })
    .await;
    line("(use case) app::board::board", took);
    let alarms = db.unresolved_alarms(school).await.expect("alarms");
    let ids: Vec<i64> = alarms.iter().map(|a| a.id).collect();
    let deliveries = db.notifications_of_alarms(&ids).await.expect("deliveries");
    let people: Vec<i64> = deliveries.iter().filter_map(|n| n.staff_id).collect();
    let reads: [(&str, Duration); 6] = [
        (
            "(store) current_policy",
            median(runs, || async {
                db.current_policy(school).await.expect("policy");
            })
            .await,
        ),
        (
            "(store) unresolved_alarms",
            median(runs, || async {
                db.unresolved_alarms(school).await.expect("alarms");
            })
            .await,
        ),
        (
            "(store) notifications_of_alarms",
            median(runs, || async {
                db.notifications_of_alarms(&ids).await.expect("deliveries");
            })
            .await,
        ),
        (
            "(store) staff_names",
            median(runs, || async {
                db.staff_names(&people).await.expect("names");
            })
            .await,
        ),
        (
            "(store) latest channel test",
            median(runs, || async {
                app::monitor::latest_channel_test(db, school)
                    .await
                    .expect("channel test");
            })
            .await,
        ),
        (
            "(store) board feed cursor",
            median(runs, || async {
                db.board_feed_cursor().await.expect("cursor");
            })
            .await,
        ),
    ];
    for (name, took) in reads {
        line(name, took);
    }
}
