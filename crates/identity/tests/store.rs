//! The identity store on every configured backend: accounts, API keys and
//! the audit log, each change with its audit entry, scoped by division.

use fazhi_identity::{
    accounts,
    manage::{self, NewAccount, NewApiKey},
    store::Store,
};
use fazhi_platform::{
    DivisionCode,
    auth::{Caller, Role},
};

fn admin(scope: &str) -> Caller {
    Caller {
        subject: format!("account:admin.{scope}"),
        roles: vec![Role::Admin],
        scope: DivisionCode::parse(scope).unwrap(),
        source: None,
    }
}

fn account(username: &str, division: &str) -> NewAccount {
    NewAccount {
        username: username.into(),
        password: "a long enough password".into(),
        roles: vec!["staff".into()],
        division_code: division.into(),
        person_id: None,
    }
}

#[tokio::test]
async fn an_account_is_created_once_in_the_administrators_divisions_with_its_audit_entry() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let county = admin("411624");
        let created = manage::create_account(&store, &county, account("t.staff", "411624100"))
            .await
            .unwrap();
        let read = store.account_by_username("t.staff").await.unwrap().unwrap();
        assert_eq!(
            (read.id.as_str(), read.division.as_str()),
            (created.id.as_str(), "411624100")
        );
        assert!(accounts::verify_password(
            "a long enough password",
            &read.password_hash
        ));

        let again = manage::create_account(&store, &county, account("t.staff", "411624100"))
            .await
            .unwrap_err();
        assert_eq!(again.code, "username_taken", "{}", db.backend());
        // A township's administrator creates nothing in another township.
        let township = admin("411624101");
        let outside = manage::create_account(&store, &township, account("o.staff", "411624100"))
            .await
            .unwrap_err();
        assert_eq!(outside.code, "division_out_of_scope", "{}", db.backend());

        let log = store
            .list_audit(&DivisionCode::parse("411624100").unwrap(), None, 10)
            .await
            .unwrap();
        assert_eq!(log.len(), 1, "{}", db.backend());
        assert_eq!(
            (log[0].action.as_str(), log[0].resource_id.as_str()),
            ("account.create", "t.staff")
        );
        // The other township's log does not hold it.
        let elsewhere = store
            .list_audit(&DivisionCode::parse("411624101").unwrap(), None, 10)
            .await
            .unwrap();
        assert!(elsewhere.is_empty(), "{}", db.backend());
    }
}

#[tokio::test]
async fn an_api_key_is_stored_as_a_hash_accepted_until_revoked_and_revoked_once() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let county = admin("411624");
        let (key, shown) = manage::create_api_key(
            &store,
            &county,
            NewApiKey {
                source: None,
                name: "county 12345 platform".into(),
                roles: vec!["staff".into()],
                division_code: "411624".into(),
                expires_at: None,
                id: None,
            },
        )
        .await
        .unwrap();
        let (id, secret) = accounts::parse_api_key(&shown).expect("a key of its own shape");
        assert_eq!(id, key.id);
        let stored = store.api_key(id).await.unwrap().unwrap();
        assert!(
            !stored.secret_hash.contains(secret),
            "only the hash is kept"
        );
        let now = fazhi_platform::time::now();
        assert!(stored.accepts(secret, now));
        assert!(!stored.accepts("0".repeat(64).as_str(), now));

        let revoked = manage::revoke_api_key(&store, &county, id).await.unwrap();
        assert!(revoked.revoked_at.is_some());
        let stored = store.api_key(id).await.unwrap().unwrap();
        assert!(!stored.accepts(secret, now), "{}", db.backend());
        // Revoking again changes nothing and writes no second entry.
        manage::revoke_api_key(&store, &county, id).await.unwrap();
        let log = store
            .list_audit(&DivisionCode::parse("411624").unwrap(), None, 10)
            .await
            .unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            vec!["api_key.revoke", "api_key.create"],
            "{}",
            db.backend()
        );
    }
}
