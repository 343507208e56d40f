//! The `fazhi` command as an operator meets it.

use std::process::Command;

fn fazhi() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fazhi"))
}

#[test]
fn help_documents_every_setting_with_its_environment_variable() {
    let output = fazhi().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for (key, _) in fazhi::settings::DOCS {
        let env = format!("FAZHI_{}", key.to_ascii_uppercase().replace('.', "__"));
        assert!(help.contains(&env), "--help does not mention {env}");
    }
    assert!(help.contains("serve"));
}

#[test]
fn environment_variables_override_the_defaults() {
    let output = fazhi()
        .arg("config")
        .env("FAZHI_GATEWAY__LISTEN", "0.0.0.0:9000")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let config = String::from_utf8(output.stdout).unwrap();
    assert!(config.contains("listen = \"0.0.0.0:9000\""), "{config}");
}

#[test]
fn a_text_setting_given_digits_in_the_environment_stays_text() {
    // A county code reads as a number; the setting is text all the same,
    // as the deploy files give it.
    let config = run(fazhi()
        .arg("config")
        .env("FAZHI_GATEWAY__COUNTY", "411625")
        .env("FAZHI_SHUTDOWN__DRAIN_MS", "3000"));
    assert!(config.contains("county = \"411625\""), "{config}");
    assert!(config.contains("drain_ms = 3000"), "{config}");
}

#[test]
fn an_unknown_service_name_is_refused() {
    let output = fazhi().args(["serve", "payroll"]).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("payroll"));
}

#[test]
fn a_malformed_setting_stops_start_up_with_its_name() {
    let output = fazhi()
        .arg("config")
        .env("FAZHI_GATEWAY__LISTEN", "not-an-address")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr).to_ascii_lowercase();
    assert!(stderr.contains("gateway.listen"), "{stderr}");
}

fn run(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn with_stdin(mut command: Command, input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn accounts_are_added_listed_and_disabled_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let mut add = fazhi();
    add.args([
        "user",
        "add",
        "laocheng.staff",
        "--role",
        "staff",
        "--role",
        "officer",
        "--division",
        "411624100",
        "--password-stdin",
        "--data-dir",
        dir,
    ]);
    let output = with_stdin(add, "a long enough password\n");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let list = run(fazhi().args(["user", "list", "--data-dir", dir]));
    let line = list
        .lines()
        .find(|l| l.starts_with("laocheng.staff"))
        .unwrap();
    assert!(line.contains("staff,officer") || line.contains("staff") && line.contains("officer"));
    assert!(
        line.contains("411624100") && line.ends_with("active"),
        "{line}"
    );

    run(fazhi().args(["user", "disable", "laocheng.staff", "--data-dir", dir]));
    let list = run(fazhi().args(["user", "list", "--data-dir", dir]));
    assert!(list.contains("disabled"), "{list}");

    // A generated password is printed once.
    let out = run(fazhi().args([
        "user",
        "add",
        "county.overseer",
        "--role",
        "county_overseer",
        "--division",
        "411624",
        "--data-dir",
        dir,
    ]));
    assert!(out.contains("password: "), "{out}");

    let mut short = fazhi();
    short.args([
        "user",
        "add",
        "weak",
        "--role",
        "staff",
        "--division",
        "411624100",
        "--password-stdin",
        "--data-dir",
        dir,
    ]);
    let output = with_stdin(short, "short\n");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("password"));

    let output = fazhi()
        .args([
            "user",
            "add",
            "elsewhere",
            "--role",
            "staff",
            "--division",
            "411625100",
            "--data-dir",
            dir,
        ])
        .output()
        .unwrap();
    assert!(!output.status.success(), "outside the county is refused");
    let output = fazhi()
        .args([
            "user",
            "add",
            "root",
            "--role",
            "root",
            "--division",
            "411624",
            "--data-dir",
            dir,
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("roles"));
}

#[test]
fn api_keys_are_created_once_listed_and_revoked_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let out = run(fazhi().args([
        "apikey",
        "create",
        "--name",
        "county 12345 platform",
        "--role",
        "staff",
        "--division",
        "411624",
        "--data-dir",
        dir,
    ]));
    let key = out.lines().last().unwrap().trim().to_owned();
    assert!(key.starts_with("fzk_"), "{out}");
    let id = key[4..20].to_owned();
    let list = run(fazhi().args(["apikey", "list", "--data-dir", dir]));
    assert!(list.contains(&id) && !list.contains(&key), "{list}");
    assert!(list.contains("active"));
    run(fazhi().args(["apikey", "revoke", &id, "--data-dir", dir]));
    let list = run(fazhi().args(["apikey", "list", "--data-dir", dir]));
    assert!(list.contains("revoked"), "{list}");
    let output = fazhi()
        .args([
            "apikey",
            "create",
            "--name",
            "x",
            "--role",
            "admin",
            "--division",
            "411624",
            "--data-dir",
            dir,
        ])
        .output()
        .unwrap();
    assert!(!output.status.success(), "keys cannot be admins");
}

#[test]
fn the_first_start_creates_the_administrator_and_prints_its_password_once() {
    use std::io::{BufRead, BufReader};
    let data = tempfile::tempdir().unwrap();
    let mut child = fazhi()
        .args(["serve", "--data-dir", data.path().to_str().unwrap()])
        .env("FAZHI_GATEWAY__LISTEN", "127.0.0.1:0")
        .env("FAZHI_CASES__LISTEN", "127.0.0.1:0")
        .env("FAZHI_COMPLAINTS__LISTEN", "127.0.0.1:0")
        .env("FAZHI_TRAINING__LISTEN", "127.0.0.1:0")
        .env("FAZHI_LOG__FILTER", "warn")
        .env_remove("FAZHI_ADMIN_PASSWORD")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut password = None;
    for line in stderr.lines() {
        let line = line.unwrap();
        if let Some(p) = line.trim().strip_prefix("password: ") {
            password = Some(p.to_owned());
            break;
        }
    }
    child.kill().ok();
    child.wait().ok();
    let password = password.expect("the generated password is printed");
    assert_eq!(password.len(), 24);
    let list = run(fazhi().args(["user", "list", "--data-dir", data.path().to_str().unwrap()]));
    assert!(
        list.lines()
            .any(|l| l.starts_with("admin") && l.contains("411624")),
        "{list}"
    );
}

fn id_number(n: usize) -> String {
    let first17 = format!("41162419900101{n:03}");
    let check = fazhi_training::domain::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

#[test]
fn a_list_is_imported_into_the_running_training_service_whole_or_not_at_all() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap().to_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut server = fazhi()
        .args(["serve", "training", "--data-dir", &dir])
        .env("FAZHI_TRAINING__LISTEN", &listen)
        .env("FAZHI_METRICS__LISTEN", "127.0.0.1:0")
        .env("FAZHI_LOG__FILTER", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(&listen).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the training service starts"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let header = "行政区划代码,姓名,身份证号,单位,人员类别,职级,科级以上,执法岗位\n";
    let good = data.path().join("people.csv");
    std::fs::write(
        &good,
        format!(
            "{header}411624100,李四,{},执法大队,公务员,科员,否,是\n411624100,王五,{},执法大队,公务员,副科级,是,是\n",
            id_number(1),
            id_number(2)
        ),
    )
    .unwrap();
    let bad = data.path().join("more.csv");
    std::fs::write(
        &bad,
        format!(
            "{header}411624100,赵六,{},执法大队,公务员,科员,否,是\n411624100,钱七,{},执法大队,公务员,科员,否,是\n",
            id_number(3),
            id_number(1)
        ),
    )
    .unwrap();
    let import = |file: &std::path::Path| {
        fazhi()
            .args([
                "import",
                "people",
                file.to_str().unwrap(),
                "--data-dir",
                &dir,
            ])
            .env("FAZHI_TRAINING__LISTEN", &listen)
            .output()
            .unwrap()
    };
    let first = import(&good);
    let second = import(&bad);
    server.kill().ok();
    server.wait().ok();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("imported 2 of 2 rows"));
    assert!(
        !second.status.success(),
        "a list with a known ID number is refused"
    );
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("row      3") && stderr.contains("id_number"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");
}

#[test]
fn a_setting_is_read_from_the_file_its_file_variable_names() {
    let dir = tempfile::tempdir().unwrap();
    let county = dir.path().join("county");
    std::fs::write(&county, "411625\n").unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, "f1le-s3cret-f1le-s3cret-f1le-s3cret-42\n").unwrap();
    let config = run(fazhi()
        .arg("config")
        .env("FAZHI_GATEWAY__COUNTY_FILE", &county)
        .env("FAZHI_INTERNAL_TOKEN__SECRET_FILE", &secret));
    assert!(config.contains("county = \"411625\""), "{config}");
    assert!(
        config.contains("(set)") && !config.contains("f1le"),
        "{config}"
    );
    // A file variable that is itself a setting keeps its meaning.
    let calendar = run(fazhi()
        .arg("config")
        .env("FAZHI_CALENDAR__FILE", "/etc/holidays.toml"));
    assert!(calendar.contains("/etc/holidays.toml"), "{calendar}");
    // A file that cannot be read stops start-up, naming the variable.
    let missing = fazhi()
        .arg("config")
        .env("FAZHI_GATEWAY__COUNTY_FILE", dir.path().join("nothing"))
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("FAZHI_GATEWAY__COUNTY_FILE"));
}

#[path = "cli/operations.rs"]
mod operations;
