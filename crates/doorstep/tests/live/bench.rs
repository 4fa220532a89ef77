//! `doorstep bench monitor --json` runs end to end on a small database and reports every figure.
//! Nothing here is timed: the figures only have to be there and make sense together.

use serde_json::Value;
use std::process::{Command, Stdio};

const KEYS: [&str; 9] = [
    "visits",
    "alarm_lag_p50_ms",
    "alarm_lag_p99_ms",
    "alarm_lag_max_ms",
    "checkins_per_s",
    "raw_inserts_per_s",
    "checkin_ratio",
    "peak_rss_mb",
    "recovery_s",
];

#[test]
fn bench_monitor_prints_every_figure_as_json() {
    // Short windows: this checks the command works, not how fast it is.
    let out = Command::new(env!("CARGO_BIN_EXE_doorstep"))
        .args(["bench", "monitor", "--visits", "200", "--json"])
        .args(["--window-secs", "2", "--load-secs", "1", "--clients", "8"])
        .env_remove("DOORSTEP_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("running doorstep bench monitor");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "bench failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let figures: Value = serde_json::from_str(stdout.trim()).expect("one JSON object on stdout");
    let object = figures.as_object().expect("a JSON object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = KEYS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected, "exactly the documented keys");

    let number = |key: &str| -> f64 {
        let n = figures[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} is a number: {figures}"));
        assert!(n.is_finite() && n >= 0.0, "{key} = {n}");
        n
    };
    assert_eq!(figures["visits"].as_u64(), Some(200));
    let (p50, p99, max) = (
        number("alarm_lag_p50_ms"),
        number("alarm_lag_p99_ms"),
        number("alarm_lag_max_ms"),
    );
    assert!(
        p50 <= p99 && p99 <= max,
        "p50 {p50} ≤ p99 {p99} ≤ max {max}"
    );
    let (check_ins, raw) = (number("checkins_per_s"), number("raw_inserts_per_s"));
    assert!(check_ins > 0.0 && raw > 0.0, "{figures}");
    let ratio = number("checkin_ratio");
    assert!(
        (ratio - check_ins / raw).abs() <= 0.01 * ratio.max(1.0),
        "ratio {ratio} vs {check_ins}/{raw}"
    );
    assert!(number("peak_rss_mb") > 1.0, "{figures}");
    number("recovery_s");
}
