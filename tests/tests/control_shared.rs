//! The control data as several server processes see it: each opens the
//! same control database (a SQLite file, or PostgreSQL's `control` schema)
//! on its own, as processes behind a load balancer do, and nothing one of
//! them decides may live only in its memory. The same cases run on both
//! backends.
//!
//! Attacks tried: a code redeemed on two processes at once (one device,
//! not two); guesses spread over processes to escape the attempt limit;
//! a preview confirmed twice, or by another municipality.

use shared::api::Role;
use std::sync::{Arc, Barrier};
use sync_server::storage::control::Control;
use territory::Upload;

/// Two "processes" on one control database, and what keeps it alive.
struct Pair {
    a: Arc<Control>,
    b: Arc<Control>,
    _dir: Option<tempfile::TempDir>,
}

fn sqlite() -> Pair {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("control.sqlite");
    Pair {
        a: Arc::new(Control::open(&path).expect("a")),
        b: Arc::new(Control::open(&path).expect("b")),
        _dir: Some(dir),
    }
}

fn postgres() -> Pair {
    let url = tests::pg::fresh_database();
    let open = || {
        let backend = sync_server::storage::pg::PgBackend::connect(&url).expect("connect");
        Arc::new(Control::on_postgres(backend.pool()).expect("control"))
    };
    Pair {
        a: open(),
        b: open(),
        _dir: None,
    }
}

/// Runs `f` on `n` threads at the same moment, alternating the two
/// processes; what each returned.
fn race<T: Send + 'static>(
    pair: &Pair,
    n: usize,
    f: impl Fn(&Control) -> T + Send + Sync + 'static,
) -> Vec<T> {
    let barrier = Arc::new(Barrier::new(n));
    let f = Arc::new(f);
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let control = if i % 2 == 0 {
                pair.a.clone()
            } else {
                pair.b.clone()
            };
            let (barrier, f) = (barrier.clone(), f.clone());
            std::thread::spawn(move || {
                barrier.wait();
                f(&control)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect()
}

fn a_session_opened_on_one_process_is_valid_on_the_other(pair: Pair) {
    let m = pair
        .a
        .ensure_municipality("Aubervilliers")
        .expect("municipality");
    assert_eq!(
        pair.b.ensure_municipality("Aubervilliers").expect("same"),
        m
    );
    pair.a
        .upsert_account(m, "coord@auber.test", "un mot de passe", Role::Coordinator)
        .expect("account");
    let (token, account) = pair
        .b
        .login("coord@auber.test", "un mot de passe")
        .expect("login")
        .expect("opened");
    assert_eq!(account.municipality, m);
    assert_eq!(pair.a.session(&token).expect("session"), Some(account));
    pair.a.logout(&token).expect("logout");
    assert_eq!(pair.b.session(&token).expect("session"), None);
}

fn a_code_redeemed_on_two_processes_at_once_enrols_one_device(pair: Pair) {
    let m = pair.a.ensure_municipality("Stains").expect("municipality");
    for _ in 0..5 {
        let (code, _) = pair
            .a
            .new_enrolment_code(m, Role::Agent, false, 60_000)
            .expect("code");
        let enrolled = race(&pair, 4, move |control| {
            control.redeem(&code, "téléphone").is_ok()
        })
        .into_iter()
        .filter(|ok| *ok)
        .count();
        assert_eq!(enrolled, 1, "one code, one device");
    }
    assert_eq!(pair.b.devices(m).expect("devices").len(), 5);
}

fn attempts_spread_over_processes_count_together(pair: Pair) {
    let key = |n: &str| (format!("login-account:{n}"), 10u32);
    // Ten guesses, five on each process: the eleventh is refused on both.
    for i in 0..10 {
        let control = if i % 2 == 0 { &pair.a } else { &pair.b };
        assert_eq!(
            control.attempt(&[key("cible")], 60_000).expect("count"),
            Ok(())
        );
    }
    let refused = pair.a.attempt(&[key("cible")], 60_000).expect("count");
    assert!(refused.is_err());
    assert!(
        pair.b
            .attempt(&[key("cible")], 60_000)
            .expect("count")
            .is_err()
    );
    // Another key is not affected; a success clears it everywhere.
    assert_eq!(
        pair.b.attempt(&[key("autre")], 60_000).expect("count"),
        Ok(())
    );
    pair.b
        .forget_attempts("login-account:cible")
        .expect("forget");
    assert_eq!(
        pair.a.attempt(&[key("cible")], 60_000).expect("count"),
        Ok(())
    );

    // Windows that have ended, for the purge to find while the race runs.
    for n in 0..50 {
        pair.a
            .attempt(&[(format!("login-account:ancien{n}"), 10)], 1)
            .expect("count")
            .expect("let through");
    }
    std::thread::sleep(std::time::Duration::from_millis(5));

    // Sixteen guesses at the same moment over both processes, a limit of
    // ten: exactly ten are let through (no count lost to a race, no
    // deadlock between counting and purging).
    let through = race(&pair, 16, |control| {
        control
            .attempt(
                &[
                    ("login-account:rafale".to_string(), 10),
                    ("login-address:192.0.2.7".to_string(), 30),
                ],
                60_000,
            )
            .expect("count")
            .is_ok()
    })
    .into_iter()
    .filter(|ok| *ok)
    .count();
    assert_eq!(through, 10);
}

fn a_preview_is_confirmed_once_and_only_by_its_municipality(pair: Pair) {
    let m = pair.a.ensure_municipality("Épinay").expect("municipality");
    let other = pair.a.ensure_municipality("Villetaneuse").expect("other");
    let files = vec![
        Upload {
            name: "batiments.csv".into(),
            bytes: "cle;adresse\nB1;3 rue Lebon\n".as_bytes().to_vec(),
        },
        Upload {
            name: "quartiers.geojson".into(),
            bytes: vec![0, 159, 146, 150],
        },
    ];
    let choices = r#"{"chosen":{"ab12":["key",null]}}"#;
    let token = pair
        .a
        .put_preview(m, &files, choices, 60_000, 8)
        .expect("put");
    // Another municipality's coordinator cannot take it, and it stays.
    assert_eq!(
        pair.b.take_preview(other, &token, 60_000).expect("take"),
        None
    );
    assert_eq!(
        pair.b.take_preview(m, &token, 60_000).expect("take"),
        Some((files.clone(), choices.to_string()))
    );
    // Confirmed twice (a double click, or two processes): once.
    assert_eq!(pair.a.take_preview(m, &token, 60_000).expect("take"), None);
    // An expired one is gone.
    let old = pair.a.put_preview(m, &files, "{}", 60_000, 8).expect("put");
    assert_eq!(pair.b.take_preview(m, &old, 0).expect("take"), None);
    // At most `max` per municipality: the oldest goes.
    let tokens: Vec<String> = (0..3)
        .map(|_| pair.a.put_preview(m, &files, "{}", 60_000, 2).expect("put"))
        .collect();
    assert_eq!(
        pair.b.take_preview(m, &tokens[0], 60_000).expect("take"),
        None
    );
    assert!(
        pair.b
            .take_preview(m, &tokens[2], 60_000)
            .expect("take")
            .is_some()
    );
}

/// Column mappings chosen on one process are remembered on the other, per
/// municipality; the same headers chosen again replace the old choice, and
/// only the most recent 64 are kept.
fn mappings_are_remembered_per_municipality_across_processes(pair: Pair) {
    let m = pair.a.ensure_municipality("Bagneux").expect("municipality");
    let other = pair.a.ensure_municipality("Arcueil").expect("other");
    pair.a
        .remember_mappings(m, &[("sig-1".into(), r#"["key"]"#.into())])
        .expect("remember");
    assert_eq!(
        pair.b.mappings(m).expect("mappings"),
        [("sig-1".to_string(), r#"["key"]"#.to_string())]
    );
    assert!(pair.b.mappings(other).expect("mappings").is_empty());
    pair.b
        .remember_mappings(m, &[("sig-1".into(), r#"["address"]"#.into())])
        .expect("again");
    assert_eq!(
        pair.a.mappings(m).expect("mappings"),
        [("sig-1".to_string(), r#"["address"]"#.to_string())]
    );
    let many: Vec<(String, String)> = (0..70).map(|i| (format!("s{i:02}"), "[]".into())).collect();
    pair.a.remember_mappings(m, &many).expect("many");
    assert_eq!(pair.b.mappings(m).expect("mappings").len(), 64);
}

fn the_whole_town_and_its_rescan_are_seen_by_every_process(pair: Pair) {
    let m = pair
        .a
        .ensure_municipality("Saint-Denis")
        .expect("municipality");
    let (code, _) = pair
        .a
        .new_enrolment_code(m, Role::Agent, false, 60_000)
        .expect("code");
    let enrolled = pair.b.redeem(&code, "téléphone").expect("redeem");
    let device = |control: &Control| {
        control
            .device(&enrolled.token)
            .expect("read")
            .expect("enrolled")
    };
    assert!(!device(&pair.a).whole_town, "the default: no building");
    assert!(!device(&pair.a).rescan);
    let other = pair.a.ensure_municipality("Stains").expect("other");
    assert!(
        !pair
            .a
            .set_whole_town(other, enrolled.device.id, true)
            .expect("set"),
        "another municipality's phone"
    );
    assert!(
        pair.a
            .set_whole_town(m, enrolled.device.id, true)
            .expect("set")
    );
    let given = device(&pair.b);
    assert!(given.whole_town);
    assert!(given.rescan, "offered the whole town");
    pair.a.rescan_over(enrolled.device.id).expect("over");
    assert!(!device(&pair.b).rescan);
    // Taken off a sector, it is offered the town again; from another
    // municipality, nothing happens; a phone without the town is not.
    pair.b
        .offer_whole_town_again(other, &[enrolled.device.id])
        .expect("other");
    assert!(!device(&pair.a).rescan);
    pair.b
        .offer_whole_town_again(m, &[enrolled.device.id])
        .expect("again");
    assert!(device(&pair.a).rescan);
    let (code, _) = pair
        .a
        .new_enrolment_code(m, Role::Agent, false, 60_000)
        .expect("code");
    let sectored = pair.b.redeem(&code, "secteur").expect("redeem");
    pair.a
        .offer_whole_town_again(m, &[sectored.device.id])
        .expect("again");
    assert!(
        !pair
            .a
            .device(&sectored.token)
            .expect("read")
            .expect("device")
            .rescan
    );
    let listed = pair.b.devices(m).expect("devices");
    let whole = |id| {
        listed
            .iter()
            .find(|d| d.device_id == id)
            .map(|d| d.whole_town)
    };
    assert_eq!(whole(enrolled.device.id), Some(true));
    assert_eq!(whole(sectored.device.id), Some(false));
}

macro_rules! on_both {
    ($($case:ident),* $(,)?) => {
        mod on_sqlite {
            $(#[test] fn $case() { super::$case(super::sqlite()) })*
        }
        mod on_postgres {
            $(#[test] fn $case() { super::$case(super::postgres()) })*
        }
    };
}

on_both!(
    a_session_opened_on_one_process_is_valid_on_the_other,
    a_code_redeemed_on_two_processes_at_once_enrols_one_device,
    attempts_spread_over_processes_count_together,
    a_preview_is_confirmed_once_and_only_by_its_municipality,
    mappings_are_remembered_per_municipality_across_processes,
    the_whole_town_and_its_rescan_are_seen_by_every_process,
);

/// The demo's password printed when each fixture was made (a throwaway
/// demo database, dumped by the server before the control schema became
/// one history: `sqlite3 .dump`, `pg_dump --inserts`).
const FIXTURE_PASSWORDS: [(&str, &str); 2] = [
    ("control-before-one-history-sqlite.sql", "demo_fedbdb957824"),
    ("control-before-one-history-pg.sql", "demo_07b57d2671cb"),
];

fn fixture(name: &str) -> (String, &'static str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let sql = std::fs::read_to_string(dir.join(name)).expect("fixture");
    let password = FIXTURE_PASSWORDS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, p)| *p)
        .expect("password");
    (sql, password)
}

/// What an upgraded control database must still do: its municipality, its
/// coordinator's login, and a new phone enrolled (the last step's columns).
fn still_works(control: &Control, password: &str) {
    let municipalities = control.municipalities().expect("municipalities");
    assert_eq!(municipalities.len(), 1);
    assert_eq!(
        control.municipality_name(municipalities[0]).expect("name"),
        "Démo – Villejuif"
    );
    let (_, account) = control
        .login("coordination@demo.palier.invalid", password)
        .expect("login")
        .expect("the coordinator still logs in");
    assert_eq!(account.role, Role::Coordinator);
    let (code, _) = control
        .new_enrolment_code(municipalities[0], Role::Agent, true, 60_000)
        .expect("code");
    control.redeem(&code, "Téléphone 1").expect("enrolled");
    assert_eq!(
        control.devices(municipalities[0]).expect("devices").len(),
        1
    );
}

#[test]
fn a_sqlite_control_database_from_before_the_one_history_opens_with_its_data() {
    let (sql, password) = fixture("control-before-one-history-sqlite.sql");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("control.sqlite");
    rusqlite::Connection::open(&path)
        .expect("open")
        .execute_batch(&sql)
        .expect("restore");
    still_works(
        &Control::open(&path).expect("the old history is this one"),
        password,
    );
    // Opened again: nothing to run, nothing refused.
    Control::open(&path).expect("again");
}

#[test]
fn a_postgres_control_schema_from_before_the_one_history_is_renumbered_once() {
    let (sql, password) = fixture("control-before-one-history-pg.sql");
    let url = tests::pg::fresh_database();
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    client.batch_execute(&sql).expect("restore");
    let open = || {
        let backend = sync_server::storage::pg::PgBackend::connect(&url).expect("connect");
        Control::on_postgres(backend.pool()).expect("renumbered, not run again")
    };
    still_works(&open(), password);
    let versions: Vec<i32> = client
        .query(
            "SELECT version FROM control.schema_migrations ORDER BY version",
            &[],
        )
        .expect("versions")
        .iter()
        .map(|r| r.get(0))
        .collect();
    // Renumbered as steps 1 to 7, then every later step run once.
    assert!(versions.len() >= 7);
    assert_eq!(versions, (1..=versions.len() as i32).collect::<Vec<_>>());
    // A second process opening it finds the one history.
    drop(open());
}

#[test]
fn a_new_control_database_is_the_same_history_on_both_backends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("control.sqlite");
    drop(Control::open(&path).expect("sqlite"));
    let sqlite: Vec<(i64, String)> = rusqlite::Connection::open(&path)
        .expect("open")
        .prepare("SELECT version, sql FROM schema_migrations ORDER BY version")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let url = tests::pg::fresh_database();
    let backend = sync_server::storage::pg::PgBackend::connect(&url).expect("connect");
    drop(Control::on_postgres(backend.pool()).expect("postgres"));
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let postgres: Vec<(i64, String)> = client
        .query(
            "SELECT version, sql FROM control.schema_migrations ORDER BY version",
            &[],
        )
        .expect("versions")
        .iter()
        .map(|r| (i64::from(r.get::<_, i32>(0)), r.get(1)))
        .collect();
    assert_eq!(sqlite.len(), postgres.len());
    for ((v, s), (w, p)) in sqlite.iter().zip(&postgres) {
        assert_eq!(v, w);
        // Statements written once: the dialects differ in type words only.
        let words = |t: &str| t.replace("BIGINT", "INTEGER").replace("BYTEA", "BLOB");
        assert_eq!(words(s), words(p), "step {v}");
    }
}
