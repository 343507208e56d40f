//! The operator's commands: the configuration printout and its budget,
//! logging a failed start, holiday files, migrations and backups, probes.

use super::*;

#[test]
fn the_configuration_printout_hides_secrets() {
    let output = fazhi()
        .arg("config")
        .env(
            "FAZHI_INTERNAL_TOKEN__SECRET",
            "s3cret-s3cret-s3cret-s3cret-s3cret-42",
        )
        .env(
            "FAZHI_GATEWAY__AUTH__TOKEN_SECRET",
            "t0ken-t0ken-t0ken-t0ken-t0ken-t0ken",
        )
        .env(
            "FAZHI_CASES__DATABASE_URL",
            "postgres://fazhi:pa55w0rd@db.county:5432/cases",
        )
        .output()
        .unwrap();
    let config = String::from_utf8(output.stdout).unwrap();
    assert!(
        !config.contains("s3cret") && !config.contains("t0ken") && !config.contains("pa55w0rd"),
        "{config}"
    );
    assert!(config.contains("(set)"), "{config}");
    assert!(
        config.contains("database_url = \"postgres://fazhi:***@db.county:5432/cases\""),
        "{config}"
    );
}

#[test]
fn the_connection_budget_is_set_per_service_and_summed_by_config() {
    let config = run(fazhi()
        .arg("config")
        .env("FAZHI_COMPLAINTS__DATABASE_POOL", "20")
        .env("FAZHI_GATEWAY__DATABASE_POOL", "4"));
    // gateway 4 + cases 8 + complaints 20 + training 8.
    assert!(
        config.contains("`fazhi serve` (every service) 40"),
        "{config}"
    );
    assert!(config.contains("`fazhi serve complaints` 20"), "{config}");
    assert!(config.contains("database_pool = 20"), "{config}");
}

#[test]
fn a_start_that_fails_under_json_logging_says_so_in_one_json_line() {
    let data = tempfile::tempdir().unwrap();
    // Nothing listens on port 1: PostgreSQL refuses the first connection.
    let output = fazhi()
        .args([
            "serve",
            "cases",
            "--data-dir",
            data.path().to_str().unwrap(),
        ])
        .env("FAZHI_LOG__FORMAT", "json")
        .env("FAZHI_CASES__LISTEN", "127.0.0.1:0")
        .env(
            "FAZHI_CASES__DATABASE_URL",
            "postgres://fazhi:pa55w0rd@127.0.0.1:1/cases",
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(err.trim().is_empty(), "nothing plain beside the log: {err}");
    let last: serde_json::Value = out
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .unwrap_or_else(|| panic!("no log line: {out}"));
    assert_eq!(last["level"], "ERROR", "{last}");
    let said = last["fields"]["error"].as_str().unwrap_or_default();
    assert!(
        said.contains("cannot connect to the cases database"),
        "{last}"
    );
    // The URL is named, its password not.
    assert!(
        said.contains("fazhi:***@127.0.0.1:1") && !said.contains("pa55w0rd"),
        "{last}"
    );
}

#[test]
fn trusted_proxies_are_given_as_one_variable_holding_a_list() {
    let config = run(fazhi().arg("config").env(
        "FAZHI_GATEWAY__TRUSTED_PROXIES",
        r#"["10.0.0.0/8", "192.168.1.10"]"#,
    ));
    assert!(
        config.contains(r#"trusted_proxies = ["10.0.0.0/8", "192.168.1.10"]"#),
        "{config}"
    );
}

#[test]
fn a_holiday_file_is_checked_before_it_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("holidays.toml");
    std::fs::write(
        &good,
        "[[year]]\nyear = 2031\npublished = \"2030-11-05\"\n\
         days_off = [{ name = \"元旦\", from = \"2031-01-01\", to = \"2031-01-01\" }]\n\
         working_weekends = [\"2031-01-04\"]\n",
    )
    .unwrap();
    let checked = run(fazhi().args(["calendar", "check"]).arg(&good));
    assert!(
        checked.contains("2031: published 2030-11-05, 1 days off, 1 make-up working days"),
        "{checked}"
    );
    assert!(
        checked.contains("元旦: 2031-01-01 to 2031-01-01"),
        "{checked}"
    );
    // A weekday given as a make-up working day: refused, named.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[year]]\nyear = 2031\nworking_weekends = [\"2031-01-06\"]\n",
    )
    .unwrap();
    let output = fazhi()
        .args(["calendar", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("2031-01-06") && said.contains("weekday"),
        "{said}"
    );
}

#[test]
fn migrate_prepares_every_database_and_a_backup_restores_them() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let migrated = run(fazhi().args(["migrate", "--data-dir", dir]));
    assert!(
        migrated.contains("cases, complaints, training, gateway"),
        "{migrated}"
    );
    for db in ["cases.db", "complaints.db", "training.db", "gateway.db"] {
        assert!(data.path().join(db).exists(), "{db}");
    }
    let added = with_stdin(
        {
            let mut c = fazhi();
            c.args([
                "user",
                "add",
                "backup.check",
                "--role",
                "staff",
                "--division",
                "411624100",
            ])
            .args(["--password-stdin", "--data-dir", dir]);
            c
        },
        "a long enough password\n",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    // A record's content kept under the data directory.
    std::fs::create_dir_all(data.path().join("records/ab")).unwrap();
    std::fs::write(data.path().join("records/ab/abcdef"), b"recording").unwrap();
    let copy = tempfile::tempdir().unwrap();
    let target = copy.path().join("snapshot");
    let said = run(fazhi().args(["backup", target.to_str().unwrap(), "--data-dir", dir]));
    // Callers before the services they call: whatever one database says
    // another holds was written there before that one was copied.
    let order: Vec<&str> = said.lines().filter_map(|l| l.split(':').next()).collect();
    assert_eq!(
        order,
        ["gateway", "complaints", "cases", "training", "records"],
        "{said}"
    );
    assert_eq!(
        std::fs::read(target.join("records/ab/abcdef")).unwrap(),
        b"recording"
    );
    // Names, phone numbers and keys: the owner's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&target), 0o700);
        for file in ["complaints.db", "gateway.db", "records/ab/abcdef"] {
            assert_eq!(mode(&target.join(file)), 0o600, "{file}");
        }
        for key in ["internal.key", "token.key", "history.key"] {
            if target.join(key).exists() {
                assert_eq!(mode(&target.join(key)), 0o600, "{key}");
            }
        }
    }
    // The copy is a data directory of its own: the account is in it.
    let list = run(fazhi().args(["user", "list", "--data-dir", target.to_str().unwrap()]));
    assert!(list.contains("backup.check"), "{list}");
    // Never over an earlier copy.
    let again = fazhi()
        .args(["backup", target.to_str().unwrap(), "--data-dir", dir])
        .output()
        .unwrap();
    assert!(!again.status.success());
}

#[test]
fn a_backup_of_a_database_on_postgresql_without_pg_dump_fails_with_what_to_run() {
    let data = tempfile::tempdir().unwrap();
    let target = data.path().join("copy");
    let output = fazhi()
        .args(["backup", target.to_str().unwrap()])
        .args(["--data-dir", data.path().to_str().unwrap()])
        .env(
            "FAZHI_COMPLAINTS__DATABASE_URL",
            "postgres://fazhi@db.county:5432/complaints",
        )
        // No pg_dump to be found.
        .env("PATH", "")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("pg_dump") && said.contains("gateway, complaints, cases, training"),
        "{said}"
    );
}

#[test]
fn a_probe_fails_where_nothing_answers() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for target in [
        format!("http://127.0.0.1:{port}/healthz"),
        format!("grpc://127.0.0.1:{port}"),
        "ftp://127.0.0.1/".to_owned(),
    ] {
        let output = fazhi().args(["probe", &target]).output().unwrap();
        assert!(!output.status.success(), "{target}");
    }
}
