//! The power list (权限清单) imported from the county's CSV or .xlsx: all or
//! nothing, every rejected row reported with its column.

use fazhi_e2e::{COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends};
use reqwest::StatusCode;
use serde_json::Value;

const HEADER: [&str; 9] = [
    "事项编码",
    "事项名称",
    "实施依据",
    "权力类型",
    "来源",
    "执法类别",
    "生效日期",
    "失效日期",
    "承接区划",
];

fn row(code: &str, holders: &str) -> Vec<String> {
    [
        code,
        "对未取得乡村建设规划许可证进行建设的行政处罚",
        "《中华人民共和国城乡规划法》第六十五条",
        "行政处罚",
        "自有",
        "综合行政执法",
        "2022/1/1",
        "",
        holders,
    ]
    .map(str::to_owned)
    .to_vec()
}

fn csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut text = HEADER.join(",") + "\n";
    for r in rows {
        text += &(r.join(",") + "\n");
    }
    text.into_bytes()
}

fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, title) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *title).unwrap();
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            sheet
                .write_string(r as u32 + 1, c as u16, text.as_str())
                .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn import(
    sandbox: &Sandbox,
    token: &str,
    format: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let response = sandbox
        .client
        .post(sandbox.url(&format!("/api/v1/imports/power-items?format={format}")))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn codes(sandbox: &Sandbox, token: &str) -> Vec<String> {
    let list: Value = sandbox
        .get_as(token, &format!("/api/v1/power-items?division={TOWNSHIP}"))
        .await
        .json()
        .await
        .unwrap();
    let mut codes: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes
}

#[tokio::test]
async fn a_power_list_imports_from_csv_and_xlsx_all_or_nothing() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let county = sandbox
            .account("county.powers", &["county_overseer"], COUNTY)
            .await;
        let both = format!("{TOWNSHIP}、{OTHER_TOWNSHIP}");
        let (status, report) = import(
            &sandbox,
            &county,
            "csv",
            csv(&[row("330217001000", TOWNSHIP), row("330217002000", &both)]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(
            (report["rows"].as_i64(), report["imported"].as_i64()),
            (Some(2), Some(2))
        );
        let (status, report) = import(
            &sandbox,
            &county,
            "xlsx",
            xlsx(&[row("330217003000", TOWNSHIP)]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(
            codes(&sandbox, &county).await,
            vec!["330217001000", "330217002000", "330217003000"]
        );

        // One good row among bad ones: nothing is written, each bad row named.
        let mut bad_kind = row("330217005000", TOWNSHIP);
        bad_kind[3] = "罚款".into();
        let (status, problem) = import(
            &sandbox,
            &county,
            "csv",
            csv(&[
                row("330217004000", TOWNSHIP),
                bad_kind,
                row("330217001000", TOWNSHIP),
                row("330217006000", "4116"),
                row("330217004000", TOWNSHIP),
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["code"], "import_rejected");
        let rejected: Vec<(i64, String)> = problem["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["row"].as_i64().unwrap(),
                    p["field"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            rejected,
            vec![
                (3, "kind".to_owned()),
                (4, "code".to_owned()),
                (5, "holders".to_owned()),
                (6, "code".to_owned()),
            ]
        );
        assert_eq!(codes(&sandbox, &county).await.len(), 3, "nothing written");

        // A township cannot grant itself another township's powers.
        let township = sandbox
            .account("township.powers", &["admin"], TOWNSHIP)
            .await;
        let (status, problem) = import(
            &sandbox,
            &township,
            "csv",
            csv(&[row("330217007000", OTHER_TOWNSHIP)]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(
            problem.to_string().contains("outside the divisions"),
            "{problem}"
        );

        let (status, problem) =
            import(&sandbox, &county, "csv", b"code,name\nx,y\n".to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["rejected"][0]["field"], "header", "{problem}");
        sandbox.stop().await;
    }
}
