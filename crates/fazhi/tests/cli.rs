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
